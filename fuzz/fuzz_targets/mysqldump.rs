//! Bytes as a `mysqldump` through `import --mysql-dump`, then read and evaluated when they
//! import: truncated statements, broken quoting and hostile rows must give a diagnostic
//! naming a line and leave no database, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wotrules_fuzz_support::import_dump;

#[path = "../support.rs"]
mod wotrules_fuzz_support;

fuzz_target!(|data: &[u8]| {
    import_dump(data);
});
