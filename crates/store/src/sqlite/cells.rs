//! Reading a database: each value read where it stands (table, row, column), and
//! every wrong one named so.

use super::db_error;
use crate::parse_datetime;
use chrono::NaiveDateTime;
use rusqlite::types::ValueRef;
use std::borrow::Cow;
use wotrules_core::diag::Diagnostic;

/// Where a value read from the database stands: the table, the row's id, the column.
pub(super) struct Cell<'a> {
    path: &'a str,
    table: &'a str,
    id: Option<i64>,
}

impl<'a> Cell<'a> {
    pub(super) fn new(path: &'a str, table: &'a str, id: Option<i64>) -> Self {
        Self { path, table, id }
    }

    pub(super) fn error(&self, column: &str, message: &str) -> Diagnostic {
        let row = match self.id {
            Some(id) => format!("row {id}"),
            None => "a row".to_string(),
        };
        db_error(
            self.path,
            format!("{}.{column} of {row}: {message}", self.table),
            "fix the row",
        )
    }

    pub(super) fn value<'r>(
        &self,
        row: &'r rusqlite::Row,
        index: usize,
        column: &str,
    ) -> Result<ValueRef<'r>, Diagnostic> {
        row.get_ref(index)
            .map_err(|e| self.error(column, &e.to_string()))
    }

    pub(super) fn integer(
        &self,
        row: &rusqlite::Row,
        index: usize,
        column: &str,
    ) -> Result<i64, Diagnostic> {
        match self.value(row, index, column)? {
            ValueRef::Integer(value) => Ok(value),
            other => Err(self.error(column, &format!("is {}, not an integer", kind(other)))),
        }
    }

    pub(super) fn flag(
        &self,
        row: &rusqlite::Row,
        index: usize,
        column: &str,
    ) -> Result<bool, Diagnostic> {
        self.integer(row, index, column).map(|value| value != 0)
    }

    /// Text, borrowed from the row where it is stored as text; a number stored in a text
    /// column reads as its digits.
    pub(super) fn text<'r>(
        &self,
        row: &'r rusqlite::Row,
        index: usize,
        column: &str,
    ) -> Result<Cow<'r, str>, Diagnostic> {
        match self.value(row, index, column)? {
            ValueRef::Text(bytes) => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|_| self.error(column, "is not valid UTF-8 text")),
            ValueRef::Integer(value) => Ok(Cow::Owned(value.to_string())),
            other => Err(self.error(column, &format!("is {}, not text", kind(other)))),
        }
    }

    /// Text or NULL.
    pub(super) fn optional_text<'r>(
        &self,
        row: &'r rusqlite::Row,
        index: usize,
        column: &str,
    ) -> Result<Option<Cow<'r, str>>, Diagnostic> {
        match self.value(row, index, column)? {
            ValueRef::Null => Ok(None),
            _ => self.text(row, index, column).map(Some),
        }
    }

    /// A date-time, or NULL / CAcert's zero date for "not set".
    pub(super) fn datetime(
        &self,
        row: &rusqlite::Row,
        index: usize,
        column: &str,
    ) -> Result<Option<NaiveDateTime>, Diagnostic> {
        match self.optional_text(row, index, column)? {
            None => Ok(None),
            Some(text) => parse_datetime(&text).map_err(|m| self.error(column, &m)),
        }
    }
}

/// What kind of SQLite value a wrong one is, for messages.
pub(super) fn kind(value: ValueRef) -> &'static str {
    match value {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "an integer",
        ValueRef::Real(_) => "a real number",
        ValueRef::Text(_) => "text",
        ValueRef::Blob(_) => "a BLOB",
    }
}
