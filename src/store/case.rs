//! Case files: what an arbitrator writes by hand and what tests use.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{parse_date, parse_datetime};
use crate::data::{MemberRow, RecordRow, Request};
use crate::diag::{Diagnostic, Location};

/// The largest `points` or `awarded` a case file may give a record (either sign): a hand-written
/// case with more is a typo. Databases are read as they are.
pub const MAX_CASE_POINTS: i64 = 1000;

/// A validated case file.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    /// `as_of`, when the case sets one.
    pub as_of: Option<NaiveDate>,
    /// The support request.
    pub request: Request,
    /// The members evaluated.
    pub members: Vec<MemberRow>,
    /// The notary records.
    pub records: Vec<RecordRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    as_of: Option<String>,
    request: Option<RawRequest>,
    #[serde(default)]
    members: Vec<RawMember>,
    #[serde(default)]
    records: Vec<RawRecord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    ticket: Option<FreeText>,
    by: Option<String>,
    mismatch: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    id: i64,
    dob: Option<String>,
    cats_passed: Option<String>,
    #[serde(default)]
    assurer: bool,
    #[serde(default)]
    assurer_blocked: bool,
    #[serde(default)]
    ttpadmin: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    id: i64,
    from: i64,
    to: i64,
    points: i64,
    awarded: i64,
    method: FreeText,
    location: FreeText,
    date: FreeText,
    when: Option<String>,
    expire: Option<String>,
    deleted: Option<String>,
}

/// Free text as typed into a web form: YAML may read `2005-06-12` or `35` as a number; it is text.
struct FreeText(String);

impl<'de> Deserialize<'de> for FreeText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_yaml::Value::deserialize(deserializer)? {
            serde_yaml::Value::String(text) => Ok(FreeText(text)),
            serde_yaml::Value::Number(number) => Ok(FreeText(number.to_string())),
            serde_yaml::Value::Bool(value) => Ok(FreeText(value.to_string())),
            _ => Err(serde::de::Error::custom(
                "expected text (write \"\" for empty text)",
            )),
        }
    }
}

/// Reads and validates a case file's text; every problem names the file, line and field.
pub fn read_case(path: &str, text: &str) -> Result<CaseFile, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(vec![
            Diagnostic::error("empty-case", "case file is empty")
                .at(Location::bare(path, 1, 1))
                .help("a case has `members:` and `records:`; see README.md"),
        ]);
    }
    let raw: RawCase = serde_yaml::from_str(text).map_err(|error| {
        let (line, column) = error.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = error.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        vec![
            Diagnostic::error("bad-case", message)
                .at(Location::in_text(path, text, line, column, 1))
                .help("see the case-file format in README.md"),
        ]
    })?;
    let mut validator = Validator {
        path,
        text,
        diagnostics: Vec::new(),
    };
    let case = validator.case(raw);
    if validator.diagnostics.is_empty() {
        Ok(case)
    } else {
        Err(validator.diagnostics)
    }
}

struct Validator<'a> {
    path: &'a str,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl Validator<'_> {
    /// Reports a problem at `section[index].field`, located through a span-aware reparse.
    fn error(
        &mut self,
        section: &str,
        index: Option<usize>,
        field: &str,
        message: String,
        help: &str,
    ) {
        let (line, column) = locate(self.text, section, index, field).unwrap_or((1, 1));
        self.diagnostics.push(
            Diagnostic::error("bad-case", message)
                .at(Location::in_text(self.path, self.text, line, column, 1))
                .help(help),
        );
    }

    fn case(&mut self, raw: RawCase) -> CaseFile {
        let as_of = raw.as_of.and_then(|text| match parse_date(&text) {
            Ok(date) => Some(date),
            Err(message) => {
                self.error(
                    "as_of",
                    None,
                    "",
                    format!("`as_of`: {message}"),
                    "write the evaluation date as YYYY-MM-DD",
                );
                None
            }
        });
        let request = raw.request.map(|r| self.request(r)).unwrap_or_default();
        let mut ids = HashSet::new();
        let members = raw
            .members
            .into_iter()
            .enumerate()
            .map(|(index, member)| {
                if !ids.insert(member.id) {
                    self.error(
                        "members",
                        Some(index),
                        "id",
                        format!("member {} is listed twice", member.id),
                        "list each member once",
                    );
                }
                self.member(index, member)
            })
            .collect();
        let mut ids = HashSet::new();
        let records = raw
            .records
            .into_iter()
            .enumerate()
            .map(|(index, record)| {
                if !ids.insert(record.id) {
                    self.error(
                        "records",
                        Some(index),
                        "id",
                        format!("record {} is listed twice", record.id),
                        "notary ids are unique",
                    );
                }
                self.record(index, record)
            })
            .collect();
        CaseFile {
            as_of,
            request,
            members,
            records,
        }
    }

    fn request(&mut self, raw: RawRequest) -> crate::data::Request {
        for (field, value, allowed) in [
            ("by", &raw.by, ["assuree", "assurer"]),
            ("mismatch", &raw.mismatch, ["name", "dob"]),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !allowed.contains(v)) {
                self.error(
                    "request",
                    None,
                    field,
                    format!(
                        "request `{field}` is `{value}`, not one of {}",
                        allowed.join(", ")
                    ),
                    "see the case-file format in README.md",
                );
            }
        }
        crate::data::Request {
            ticket: raw.ticket.map(|t| t.0),
            by: raw.by,
            mismatch: raw.mismatch,
        }
    }

    fn member(&mut self, index: usize, raw: RawMember) -> MemberRow {
        let mut date = |field: &str, value: Option<String>| {
            value.and_then(|text| match parse_date(&text) {
                Ok(date) => Some(date),
                Err(message) => {
                    self.error(
                        "members",
                        Some(index),
                        field,
                        format!("member {}: `{field}`: {message}", raw.id),
                        "write a date as YYYY-MM-DD, or leave the field out when unknown",
                    );
                    None
                }
            })
        };
        let dob = date("dob", raw.dob);
        let cats_passes = date("cats_passed", raw.cats_passed).into_iter().collect();
        MemberRow {
            id: raw.id,
            dob,
            assurer: raw.assurer,
            assurer_blocked: raw.assurer_blocked,
            ttpadmin: raw.ttpadmin,
            cats_passes,
        }
    }

    fn record(&mut self, index: usize, raw: RawRecord) -> RecordRow {
        let id = raw.id;
        let mut datetime = |field: &str, value: Option<String>| {
            value.and_then(|text| match parse_datetime(&text) {
                Ok(value) => value,
                Err(message) => {
                    self.error(
                        "records",
                        Some(index),
                        field,
                        format!("record {id}: `{field}`: {message}"),
                        "write YYYY-MM-DD[ HH:MM:SS], or null when not set",
                    );
                    None
                }
            })
        };
        let when = datetime("when", raw.when);
        let expire = datetime("expire", raw.expire);
        let deleted = datetime("deleted", raw.deleted);
        if raw.from == raw.to {
            self.error(
                "records",
                Some(index),
                "to",
                format!("record {id}: `from` and `to` are both {}", raw.to),
                "a member cannot assure themself; check the ids",
            );
        }
        for (field, value) in [("points", raw.points), ("awarded", raw.awarded)] {
            if !(-MAX_CASE_POINTS..=MAX_CASE_POINTS).contains(&value) {
                self.error(
                    "records",
                    Some(index),
                    field,
                    format!("record {id}: `{field}` {value} is outside −{MAX_CASE_POINTS}..{MAX_CASE_POINTS}"),
                    "a notary row holds a few hundred points at most; check for a typo",
                );
            }
        }
        if let (Some(when), Some(deleted)) = (when, deleted)
            && deleted < when
        {
            self.error(
                "records",
                Some(index),
                "deleted",
                format!("record {id}: `deleted` {deleted} is before `when` {when}"),
                "a record is revoked after it was entered; check both dates",
            );
        }
        RecordRow {
            id,
            from: raw.from,
            to: raw.to,
            points: raw.points,
            awarded: raw.awarded,
            method: raw.method.0.into(),
            location: raw.location.0.into(),
            date: raw.date.0.into(),
            when,
            expire,
            deleted,
        }
    }
}

/// The line and column of `section[index].field` (or of `section`), when the text parses with spans.
fn locate(text: &str, section: &str, index: Option<usize>, field: &str) -> Option<(usize, usize)> {
    let root = marked_yaml::parse_yaml(0, text).ok()?;
    let mut node = root.as_mapping()?.get_node(section)?;
    if let Some(index) = index {
        node = node.as_sequence()?.get(index)?;
    }
    if !field.is_empty()
        && let Some(value) = node.as_mapping().and_then(|m| m.get_node(field))
    {
        node = value;
    }
    node.span().start().map(|m| (m.line(), m.column()))
}
