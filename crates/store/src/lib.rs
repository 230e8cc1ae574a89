//! The store: case files (YAML) and CAcert-shaped SQLite databases, read into
//! [`wotrules_core::data::Dataset`]s.
//!
//! # Architecture invariant
//!
//! The store reads and writes data, never rules: it knows the schema's fields, not what a
//! rule decides, and depends on the core alone among wotrules crates (no features, no
//! session, no command line, no protocol). Every write goes through the `replace` module: a unique
//! temporary made exclusively beside the target, renamed into place, the target's mode
//! kept; a source yields rows in bounded chunks and never holds a whole dump in memory.

mod case;
mod cleanup;
mod directory;
mod drafts;
mod files;
mod mysql;
mod replace;
mod source;
mod sqlite;

use chrono::{NaiveDate, NaiveDateTime};

pub use case::{read_case, read_case_file};
pub use directory::{NewDirectory, WriteError};
pub use drafts::{DRAFTS_FOLDER, lay_draft, lay_drafts};
pub use files::{
    RULE_TESTS_FOLDER, open_regular_file, read_text, rule_sources, rule_sources_at_revision,
    yaml_files_under,
};
pub use mysql::{
    Charset, DumpCounts, DumpOptions, DumpReport, DumpSource, Quarantined, RowId, Zone,
    import_mysql_dump, write_mysql_dump, write_mysql_dump_file,
};
pub use replace::{Replacement, Replaces, Target, same_file, write_file};
pub use source::{Opener, SOURCES, Source, SourceKind, open_source};
pub use sqlite::{ReadOptions, import_case, read_database};

/// Parses `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`; CAcert's `0000-00-00 00:00:00` (exactly that,
/// or `0000-00-00`) means "not set".
pub(crate) fn parse_datetime(text: &str) -> Result<Option<NaiveDateTime>, String> {
    let text = text.trim();
    if matches!(text, "0000-00-00" | "0000-00-00 00:00:00") {
        return Ok(None);
    }
    if let Some(datetime) = parse_fixed_datetime(text) {
        return Ok(Some(datetime));
    }
    match parse_date(text) {
        Ok(date) => Ok(date.and_hms_opt(0, 0, 0)),
        // Written as a date but no day of the calendar: said so; else how to write one.
        Err(_) => Err(match wotrules_core::lang::date_problem(text) {
            problem if problem.ends_with("write YYYY-MM-DD") => {
                format!("{problem} or YYYY-MM-DD HH:MM:SS")
            }
            problem => problem,
        }),
    }
}

/// Parses a strict `YYYY-MM-DD` calendar date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    wotrules_core::lang::parse_calendar_date(text)
        .ok_or_else(|| wotrules_core::lang::date_problem(text))
}

/// `YYYY-MM-DD HH:MM:SS` read byte by byte (the database holds millions of them).
fn parse_fixed_datetime(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    if bytes.len() != 19 || bytes[10] != b' ' || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let date = wotrules_core::lang::parse_calendar_date(&text[..10])?;
    let mut parts = [0u32; 3];
    for (part, start) in parts.iter_mut().zip([11, 14, 17]) {
        let (high, low) = (bytes[start], bytes[start + 1]);
        if !high.is_ascii_digit() || !low.is_ascii_digit() {
            return None;
        }
        *part = u32::from(high - b'0') * 10 + u32::from(low - b'0');
    }
    date.and_hms_opt(parts[0], parts[1], parts[2])
}
