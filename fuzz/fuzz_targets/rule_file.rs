//! A whole rule file beside the shipped rules: load, check and, when it checks, evaluate.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../support.rs"]
mod wotrules_fuzz_support;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        wotrules_fuzz_support::evaluate_with_rule_file(text);
    }
});
