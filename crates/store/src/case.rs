//! Case files: what an arbitrator writes by hand and what tests use.
//!
//! Read through [`wotrules_core::yaml`] into typed rows; every problem of a file is reported in one
//! run, naming the member or record, the field, and its `path:line:col`, in plain words.

use std::collections::HashSet;

use serde::Deserialize;

use super::{parse_date, parse_datetime};
use wotrules_core::data::{Contact, MemberRow, RecordRow, Request, Rows, Texts};
use wotrules_core::diag::{Diagnostic, DiagnosticCode, Location};
use wotrules_core::yaml::{Field, Place, shorten};

/// The largest `points` or `awarded` a case file may give a record (either sign): a hand-written
/// case with more is a typo. Databases are read as they are.
pub(crate) const MAX_CASE_POINTS: i64 = 1000;

/// A case file.
#[derive(Debug, Deserialize)]
#[serde(rename = "the case", deny_unknown_fields)]
struct CaseFormat {
    #[serde(default)]
    as_of: Field<Option<String>>,
    #[serde(default)]
    request: Field<RequestFormat>,
    #[serde(default)]
    members: Field<Vec<Field<MemberFormat>>>,
    #[serde(default)]
    records: Field<Vec<Field<RecordFormat>>>,
}

/// `request:`: the support request of the case.
#[derive(Debug, Deserialize)]
#[serde(rename = "the request", deny_unknown_fields)]
struct RequestFormat {
    #[serde(default)]
    ticket: Field<Option<String>>,
    #[serde(default)]
    by: Field<Option<String>>,
    #[serde(default)]
    mismatch: Field<Option<String>>,
}

/// A row of `users`, with its CATS pass and contact.
#[derive(Debug, Deserialize)]
#[serde(rename = "member {id}", deny_unknown_fields)]
struct MemberFormat {
    #[serde(default)]
    id: Field<i64>,
    #[serde(default)]
    dob: Field<Option<String>>,
    #[serde(default)]
    cats_passed: Field<Option<String>>,
    #[serde(default)]
    assurer: Field<bool>,
    #[serde(default)]
    assurer_blocked: Field<bool>,
    #[serde(default)]
    ttpadmin: Field<i64>,
    #[serde(default)]
    deleted: Field<Option<String>>,
    #[serde(default)]
    locked: Field<bool>,
    #[serde(default)]
    email: Field<Option<String>>,
    #[serde(default)]
    fname: Field<Option<String>>,
    #[serde(default)]
    mname: Field<Option<String>>,
    #[serde(default)]
    lname: Field<Option<String>>,
    #[serde(default)]
    suffix: Field<Option<String>>,
}

/// A row of `notary`.
#[derive(Debug, Deserialize)]
#[serde(rename = "record {id}", deny_unknown_fields)]
struct RecordFormat {
    id: Field<i64>,
    from: Field<i64>,
    to: Field<i64>,
    points: Field<i64>,
    awarded: Field<i64>,
    method: Field<Option<String>>,
    location: Field<Option<String>>,
    date: Field<Option<String>>,
    #[serde(default)]
    when: Field<Option<String>>,
    #[serde(default)]
    expire: Field<Option<String>>,
    #[serde(default)]
    deleted: Field<Option<String>>,
}

/// Reads the case file at `path` (see [`read_case`]).
pub fn read_case_file(path: &std::path::Path) -> Result<Rows, Vec<Diagnostic>> {
    let text = super::read_text(path).map_err(|e| vec![e])?;
    read_case(&path.display().to_string(), &text)
}

/// Reads and validates a case file's text; every problem names the file, line and field.
pub fn read_case(path: &str, text: &str) -> Result<Rows, Vec<Diagnostic>> {
    let text = wotrules_core::yaml::without_bom(text);
    let mut reader = Reader {
        path,
        text,
        diagnostics: Vec::new(),
        texts: Texts::default(),
    };
    if text.trim().is_empty() {
        let start = Place {
            source: 0,
            line: 1,
            column: 1,
        };
        reader.error_at(
            start,
            "case file is empty",
            "a case has `members:` and `records:`; see README.md",
        );
        return Err(reader.diagnostics);
    }
    let root = match wotrules_core::yaml::parse(0, text) {
        Ok(root) => root,
        Err(error) => {
            let help = error
                .help
                .unwrap_or_else(|| "see the case-file format in README.md".into());
            let place = Place {
                source: 0,
                line: error.line,
                column: error.column,
            };
            reader.error_at(place, &error.message, &help);
            return Err(reader.diagnostics);
        }
    };
    let mut problems = Vec::new();
    let format: Option<CaseFormat> = wotrules_core::yaml::from_node(&root, &mut problems);
    for problem in problems {
        let diagnostic = problem.diagnostic(path, text);
        reader.diagnostics.push(Diagnostic {
            code: DiagnosticCode::BadCase,
            ..diagnostic
        });
    }
    let case = format.and_then(|format| reader.case(format));
    // In the order of the file, whichever stage found them.
    reader
        .diagnostics
        .sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
    match case {
        Some(case) if reader.diagnostics.is_empty() => Ok(case),
        _ => Err(reader.diagnostics),
    }
}

struct Reader<'a> {
    path: &'a str,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
    texts: Texts,
}

impl Reader<'_> {
    fn error_at(&mut self, place: Place, message: &str, help: &str) {
        let message = wotrules_core::escape::escape_control(message);
        self.diagnostics.push(
            Diagnostic::error(DiagnosticCode::BadCase, message)
                .at(Location::in_text(
                    self.path,
                    self.text,
                    place.line,
                    place.column,
                    1,
                ))
                .help(help),
        );
    }

    /// A value that may be null, parsed by `parse` (a date, a date-time); `None` when wrong.
    fn nullable<T>(
        &mut self,
        field: Field<Option<String>>,
        who: &str,
        key: &str,
        parse: impl Fn(&str) -> Result<Option<T>, String>,
        help: &str,
    ) -> Option<Option<T>> {
        match field {
            Field::Absent | Field::Present(None, _) => Some(None),
            Field::Invalid => None,
            Field::Present(Some(text), place) => match parse(&text) {
                Ok(value) => Some(value),
                Err(message) => {
                    self.error_at(place, &format!("{who}: `{key}`: {message}"), help);
                    None
                }
            },
        }
    }

    /// Free text as typed into a web form (a number or `true` reads as its text); a
    /// `required` one must not be null.
    fn free_text(
        &mut self,
        field: Field<Option<String>>,
        who: &str,
        key: &str,
        required: bool,
    ) -> Option<Option<String>> {
        match field {
            Field::Present(None, place) if required => {
                self.error_at(
                    place,
                    &format!("{who}: `{key}` is null, not text"),
                    "write \"\" for empty text",
                );
                None
            }
            Field::Present(text, _) => Some(text),
            Field::Absent => Some(None),
            Field::Invalid => None,
        }
    }

    fn case(&mut self, format: CaseFormat) -> Option<Rows> {
        let as_of = self.nullable(
            format.as_of,
            "the case",
            "as_of",
            |text| parse_date(text).map(Some),
            "write the evaluation date as YYYY-MM-DD",
        );
        let request = match format.request {
            Field::Present(request, _) => self.request(request),
            Field::Absent => Some(Request::default()),
            Field::Invalid => None,
        };
        // Ids are checked before the items are read, so that a duplicate is reported with
        // every other problem of the file, also where an item has one of its own.
        let member_ids = listed_ids(&format.members, |m: &MemberFormat| &m.id);
        let record_ids = listed_ids(&format.records, |r: &RecordFormat| &r.id);
        self.unique(member_ids.into_iter(), "member", "list each member once");
        self.unique(record_ids.into_iter(), "record", "notary ids are unique");
        let members = self.list(format.members, Self::member);
        let records = self.list(format.records, Self::record);
        let (members, records) = (members?, records?);
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        Some(Rows {
            as_of: as_of?,
            request: request?,
            members: members.into_iter().map(|(m, _)| m).collect(),
            records: records.into_iter().map(|(r, _)| r).collect(),
            texts: std::mem::take(&mut self.texts),
        })
    }

    /// Every item of a list, each read by `item`; `None` when one failed.
    fn list<F, T>(
        &mut self,
        field: Field<Vec<Field<F>>>,
        item: impl Fn(&mut Self, F, Place, usize) -> Option<T>,
    ) -> Option<Vec<(T, Place)>> {
        let items = match field {
            Field::Present(items, _) => items,
            Field::Absent => return Some(Vec::new()),
            Field::Invalid => return None,
        };
        let mut values = Vec::with_capacity(items.len());
        let mut complete = true;
        for (index, field) in items.into_iter().enumerate() {
            let read = field
                .present()
                .and_then(|(format, place)| Some((item(self, format, place, index)?, place)));
            match read {
                Some(value) => values.push(value),
                None => complete = false,
            }
        }
        complete.then_some(values)
    }

    fn unique(&mut self, ids: impl Iterator<Item = (i64, Place)>, noun: &str, help: &str) {
        let mut seen = HashSet::new();
        for (id, place) in ids {
            if !seen.insert(id) {
                self.error_at(place, &format!("{noun} {id} is listed twice"), help);
            }
        }
    }

    fn request(&mut self, format: RequestFormat) -> Option<Request> {
        let ticket = self.free_text(format.ticket, "the request", "ticket", false);
        let mut choice = |field: Field<Option<String>>, key: &str, allowed: [&str; 2]| match field {
            Field::Present(Some(value), place) if !allowed.contains(&value.as_str()) => {
                let message = format!(
                    "request `{key}` is `{}`, not one of {}",
                    shorten(&value),
                    allowed.join(", ")
                );
                self.error_at(place, &message, "see the case-file format in README.md");
                None
            }
            Field::Present(value, _) => Some(value),
            Field::Absent => Some(None),
            Field::Invalid => None,
        };
        let by = choice(format.by, "by", ["assuree", "assurer"]);
        let mismatch = choice(format.mismatch, "mismatch", ["name", "dob"]);
        Some(Request {
            ticket: ticket?,
            by: by?,
            mismatch: mismatch?,
        })
    }

    fn member(&mut self, format: MemberFormat, place: Place, index: usize) -> Option<MemberRow> {
        let invalid_id = format.id.is_invalid();
        let id = format.id.present().map(|(id, _)| id);
        let who = id.map_or_else(
            || format!("member {} of the list", index + 1),
            |id| format!("member {id}"),
        );
        if id.is_none() && !invalid_id {
            self.error_at(
                place,
                &format!("{who} has no `id`"),
                "add `id:` with a whole number",
            );
        }
        let date = |text: &str| parse_date(text).map(Some);
        let help = "write a date as YYYY-MM-DD, or leave the field out when unknown";
        let dob = self.nullable(format.dob, &who, "dob", date, help);
        let pass = |text: &str| match text.trim() {
            "0000-00-00" => Ok(Some(wotrules_core::lang::UNDATED)),
            text => parse_date(text).map(Some),
        };
        let pass_help = "write a date as YYYY-MM-DD, `0000-00-00` for a pass without a date (it counts at every as_of), or leave the field out when there is no pass";
        let cats_passed = self.nullable(format.cats_passed, &who, "cats_passed", pass, pass_help);
        let deleted = self.nullable(format.deleted, &who, "deleted", date, help);
        let flag = |field: Field<bool>| match field {
            Field::Present(value, _) => Some(value),
            Field::Absent => Some(false),
            Field::Invalid => None,
        };
        let (assurer, assurer_blocked, locked) = (
            flag(format.assurer),
            flag(format.assurer_blocked),
            flag(format.locked),
        );
        let ttpadmin = match format.ttpadmin {
            Field::Present(value, _) => Some(value),
            Field::Absent => Some(0),
            Field::Invalid => None,
        };
        let mut text = |field, key| {
            self.free_text(field, &who, key, false)
                .map(Option::unwrap_or_default)
        };
        let (email, fname, mname) = (
            text(format.email, "email"),
            text(format.fname, "fname"),
            text(format.mname, "mname"),
        );
        let (lname, suffix) = (text(format.lname, "lname"), text(format.suffix, "suffix"));
        let contact = Contact {
            email: email?,
            fname: fname?,
            mname: mname?,
            lname: lname?,
            suffix: suffix?,
        };
        Some(MemberRow {
            id: id?,
            dob: dob?,
            assurer: assurer?,
            assurer_blocked: assurer_blocked?,
            ttpadmin: ttpadmin?,
            cats_passes: cats_passed?.into_iter().collect(),
            deleted: deleted?,
            locked: locked?,
            contact: Some(Box::new(contact)),
        })
    }

    fn record(&mut self, format: RecordFormat, place: Place, _: usize) -> Option<RecordRow> {
        let number = |field: Field<i64>| field.present();
        let id = number(format.id).map(|(id, _)| id);
        let who = id.map_or_else(|| "record".to_string(), |id| format!("record {id}"));
        let (from, to) = (number(format.from), number(format.to));
        let (points, awarded) = (number(format.points), number(format.awarded));
        let method = self
            .free_text(format.method, &who, "method", true)
            .flatten();
        let location = self
            .free_text(format.location, &who, "location", true)
            .flatten();
        let date = self.free_text(format.date, &who, "date", true).flatten();
        let help = "write YYYY-MM-DD[ HH:MM:SS], or null when not set";
        let deleted_place = match &format.deleted {
            Field::Present(_, at) => *at,
            _ => place,
        };
        let when = self.nullable(format.when, &who, "when", parse_datetime, help);
        let expire = self.nullable(format.expire, &who, "expire", parse_datetime, help);
        let deleted = self.nullable(format.deleted, &who, "deleted", parse_datetime, help);
        if let (Some((from, _)), Some((to, at))) = (from, to)
            && from == to
        {
            self.error_at(
                at,
                &format!("{who}: `from` and `to` are both {to}"),
                "a member cannot assure themself; check the ids",
            );
        }
        for (key, value) in [("points", points), ("awarded", awarded)] {
            if let Some((value, at)) =
                value.filter(|(v, _)| !(-MAX_CASE_POINTS..=MAX_CASE_POINTS).contains(v))
            {
                self.error_at(
                    at,
                    &format!(
                        "{who}: `{key}` {value} is outside −{MAX_CASE_POINTS}..{MAX_CASE_POINTS}"
                    ),
                    "a notary row holds a few hundred points at most; check for a typo",
                );
            }
        }
        if let (Some(Some(when)), Some(Some(deleted))) = (when, deleted)
            && deleted < when
        {
            self.error_at(
                deleted_place,
                &format!("{who}: `deleted` {deleted} is before `when` {when}"),
                "a record is revoked after it was entered; check both dates",
            );
        }
        Some(RecordRow {
            id: id?,
            from: from?.0,
            to: to?.0,
            points: points?.0,
            awarded: awarded?.0,
            method: self.texts.intern(&method?),
            location: self.texts.intern(&location?),
            date: self.texts.intern(&date?),
            when: when?.into(),
            expire: expire?.into(),
            deleted: deleted?.into(),
        })
    }
}

/// The ids the items of a list give, with the place of each item.
fn listed_ids<F>(
    items: &Field<Vec<Field<F>>>,
    id: impl Fn(&F) -> &Field<i64>,
) -> Vec<(i64, Place)> {
    let Field::Present(items, _) = items else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item {
            Field::Present(format, place) => match id(format) {
                Field::Present(id, _) => Some((*id, *place)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}
