//! An expression as the value of a definition in the shipped rules: parse, check and, when
//! it checks, evaluate over the example case. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wotrules_fuzz_support::{evaluate_with_rule_file, rule_file_with_value};

#[path = "../support.rs"]
mod wotrules_fuzz_support;

fuzz_target!(|data: &[u8]| {
    if let Ok(expression) = std::str::from_utf8(data) {
        evaluate_with_rule_file(&rule_file_with_value(expression));
    }
});
