//! The store: case files (YAML) and CAcert-shaped SQLite databases, read into [`Dataset`]s.

mod case;
mod files;
mod sqlite;

use chrono::{NaiveDate, NaiveDateTime};

pub use case::{CaseFile, read_case};
pub use files::{
    RULE_TESTS_FOLDER, read_text, rule_sources, rule_sources_at_revision, yaml_files_under,
};
pub use sqlite::{import_case, read_database};

/// Parses `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`; CAcert's `0000-00-00 00:00:00` means "not set".
pub fn parse_datetime(text: &str) -> Result<Option<NaiveDateTime>, String> {
    let text = text.trim();
    if text.starts_with("0000-00-00") {
        return Ok(None);
    }
    if let Ok(datetime) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return Ok(Some(datetime));
    }
    match parse_date(text) {
        Ok(date) => Ok(date.and_hms_opt(0, 0, 0)),
        Err(_) => Err(format!(
            "`{text}` is not a date: write YYYY-MM-DD or YYYY-MM-DD HH:MM:SS"
        )),
    }
}

/// Parses a strict `YYYY-MM-DD` calendar date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    crate::data::parse_calendar_date(text)
        .ok_or_else(|| format!("`{}` is not a calendar date: write YYYY-MM-DD", text.trim()))
}
