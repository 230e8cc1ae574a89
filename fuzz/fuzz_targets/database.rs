//! Bytes as a SQLite database through `eval --db`'s reader, then evaluated with the shipped
//! rules when they read: broken pages, wrong column types and hostile rows must give a
//! diagnostic, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wotrules_fuzz_support::evaluate_database;

#[path = "../support.rs"]
mod wotrules_fuzz_support;

fuzz_target!(|data: &[u8]| {
    evaluate_database(data);
});
