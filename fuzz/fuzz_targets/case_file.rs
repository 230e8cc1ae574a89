//! A case file: read, validate and, when valid, evaluate with the shipped rules.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../support.rs"]
mod wotrules_fuzz_support;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        wotrules_fuzz_support::evaluate_case(text);
    }
});
