//! Case files: what an arbitrator writes by hand and what tests use.
//!
//! Read through [`crate::yaml`] into typed rows; every problem of a file is reported in one
//! run, naming the member or record, the field, and its `path:line:col`, in plain words.

use std::collections::HashSet;

use chrono::NaiveDate;
use marked_yaml::Node;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};

use super::{parse_date, parse_datetime};
use crate::data::{Contact, MemberRow, RecordRow, Request};
use crate::diag::{Diagnostic, Location};
use crate::suggest::did_you_mean;

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

const CASE_KEYS: &[&str] = &["as_of", "request", "members", "records"];
const REQUEST_KEYS: &[&str] = &["ticket", "by", "mismatch"];
const MEMBER_KEYS: &[&str] = &[
    "id",
    "dob",
    "cats_passed",
    "assurer",
    "assurer_blocked",
    "ttpadmin",
    "deleted",
    "locked",
    "email",
    "fname",
    "mname",
    "lname",
    "suffix",
];
const RECORD_KEYS: &[&str] = &[
    "id", "from", "to", "points", "awarded", "method", "location", "date", "when", "expire",
    "deleted",
];

/// Reads and validates a case file's text; every problem names the file, line and field.
pub fn read_case(path: &str, text: &str) -> Result<CaseFile, Vec<Diagnostic>> {
    let text = crate::yaml::without_bom(text);
    let mut reader = Reader {
        path,
        text,
        diagnostics: Vec::new(),
    };
    if text.trim().is_empty() {
        reader.error_at(
            1,
            1,
            "case file is empty",
            "a case has `members:` and `records:`; see README.md",
        );
        return Err(reader.diagnostics);
    }
    let root = match crate::yaml::parse(0, text) {
        Ok(root) => root,
        Err(error) => {
            let help = error
                .help
                .unwrap_or_else(|| "see the case-file format in README.md".into());
            reader.error_at(error.line, error.column, &error.message, &help);
            return Err(reader.diagnostics);
        }
    };
    let case = reader.case(&root);
    match case {
        Some(case) if reader.diagnostics.is_empty() => Ok(case),
        _ => Err(reader.diagnostics),
    }
}

struct Reader<'a> {
    path: &'a str,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

/// A mapping being read: who it is (`record 7`), for messages.
struct Entry<'n> {
    map: &'n MarkedMappingNode,
    who: String,
}

fn start(node: &Node) -> (usize, usize) {
    node.span()
        .start()
        .map_or((1, 1), |m| (m.line(), m.column()))
}

impl Reader<'_> {
    fn error_at(&mut self, line: usize, column: usize, message: &str, help: &str) {
        let message = crate::data::escape_control(message);
        self.diagnostics.push(
            Diagnostic::error("bad-case", message)
                .at(Location::in_text(self.path, self.text, line, column, 1))
                .help(help),
        );
    }

    fn error(&mut self, node: &Node, message: &str, help: &str) {
        let (line, column) = start(node);
        self.error_at(line, column, message, help);
    }

    fn mapping<'n>(&mut self, node: &'n Node, who: String, keys: &[&str]) -> Option<Entry<'n>> {
        let Some(map) = node.as_mapping() else {
            self.error(
                node,
                &format!("{who} must be a mapping of keys to values"),
                "write `{key: value, …}`; see the case-file format in README.md",
            );
            return None;
        };
        for key in map.keys() {
            if !keys.contains(&key.as_str()) {
                let help = did_you_mean(key.as_str(), keys.iter().copied())
                    .unwrap_or_else(|| format!("{who} takes: {}", keys.join(", ")));
                let (line, column) = key
                    .span()
                    .start()
                    .map_or((1, 1), |m| (m.line(), m.column()));
                let shown: String = key.as_str().chars().take(60).collect();
                self.error_at(
                    line,
                    column,
                    &format!("{who}: unknown key `{shown}`"),
                    &help,
                );
            }
        }
        Some(Entry { map, who })
    }

    fn scalar<'n>(
        &mut self,
        entry: &Entry,
        key: &str,
        node: &'n Node,
    ) -> Option<&'n MarkedScalarNode> {
        let scalar = node.as_scalar();
        if scalar.is_none() {
            self.error(
                node,
                &format!("{}: `{key}` must be a single value", entry.who),
                "write one value; quote text that starts with `[`, `{` or `-`",
            );
        }
        scalar
    }

    /// A whole number; `required` ones must be present.
    fn integer(&mut self, entry: &Entry, key: &str, required: bool) -> Option<Option<i64>> {
        let Some(node) = entry.map.get_node(key) else {
            if required {
                self.missing(entry, key, "a whole number");
                return None;
            }
            return Some(None);
        };
        let scalar = self.scalar(entry, key, node)?;
        let text = scalar.as_str().trim();
        let parsed = if scalar.may_coerce() {
            text.parse::<i64>().ok()
        } else {
            None
        };
        match parsed {
            Some(value) => Some(Some(value)),
            None => {
                let why = if !scalar.may_coerce() {
                    format!("is the text \"{}\", not a whole number", shorten(text))
                } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                {
                    format!("`{}` is too large for a whole number", shorten(text))
                } else {
                    format!("must be a whole number, not `{}`", shorten(text))
                };
                self.error(
                    node,
                    &format!("{}: `{key}` {why}", entry.who),
                    "write a whole number without quotes, such as `35`",
                );
                None
            }
        }
    }

    fn boolean(&mut self, entry: &Entry, key: &str) -> Option<bool> {
        let Some(node) = entry.map.get_node(key) else {
            return Some(false);
        };
        let scalar = self.scalar(entry, key, node)?;
        match (scalar.may_coerce(), scalar.as_str().trim()) {
            (true, "true") => Some(true),
            (true, "false") => Some(false),
            (_, text) => {
                self.error(
                    node,
                    &format!(
                        "{}: `{key}` must be true or false, not `{}`",
                        entry.who,
                        shorten(text)
                    ),
                    "write `true` or `false` without quotes",
                );
                None
            }
        }
    }

    /// Free text as typed into a web form: a number or `true` reads as its text, `null` is
    /// no text at all (an error: write `""`).
    fn free_text(&mut self, entry: &Entry, key: &str, required: bool) -> Option<Option<String>> {
        let Some(node) = entry.map.get_node(key) else {
            if required {
                self.missing(entry, key, "text (write \"\" for empty text)");
                return None;
            }
            return Some(None);
        };
        let scalar = self.scalar(entry, key, node)?;
        if scalar.may_coerce() && matches!(scalar.as_str().trim(), "null" | "~" | "") {
            if !required {
                return Some(None);
            }
            self.error(
                node,
                &format!("{}: `{key}` is null, not text", entry.who),
                "write \"\" for empty text",
            );
            return None;
        }
        Some(Some(scalar.as_str().to_string()))
    }

    /// A value that may be null, parsed by `parse` (a date, a date-time).
    fn nullable<T>(
        &mut self,
        entry: &Entry,
        key: &str,
        parse: impl Fn(&str) -> Result<Option<T>, String>,
        help: &str,
    ) -> Option<Option<T>> {
        let Some(node) = entry.map.get_node(key) else {
            return Some(None);
        };
        let scalar = self.scalar(entry, key, node)?;
        let text = scalar.as_str();
        if scalar.may_coerce() && matches!(text.trim(), "null" | "~" | "") {
            return Some(None);
        }
        match parse(text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.error(node, &format!("{}: `{key}`: {message}", entry.who), help);
                None
            }
        }
    }

    fn missing(&mut self, entry: &Entry, key: &str, what: &str) {
        let (line, column) = entry
            .map
            .span()
            .start()
            .map_or((1, 1), |m| (m.line(), m.column()));
        self.error_at(
            line,
            column,
            &format!("{} has no `{key}`", entry.who),
            &format!("add `{key}:` with {what}"),
        );
    }

    fn case(&mut self, root: &Node) -> Option<CaseFile> {
        let entry = self.mapping(root, "the case".into(), CASE_KEYS)?;
        let as_of = self.nullable(
            &entry,
            "as_of",
            |text| parse_date(text).map(Some),
            "write the evaluation date as YYYY-MM-DD",
        );
        let request = match entry.map.get_node("request") {
            Some(node) => self.request(node),
            None => Some(Request::default()),
        };
        let members = self.list(&entry, "members", |reader, index, node| {
            reader.member(index, node)
        });
        let records = self.list(&entry, "records", |reader, index, node| {
            reader.record(index, node)
        });
        let (members, records) = (members?, records?);
        self.unique(
            members.iter().map(|(m, node)| (m.id, *node)),
            "member",
            "list each member once",
        );
        self.unique(
            records.iter().map(|(r, node)| (r.id, *node)),
            "record",
            "notary ids are unique",
        );
        Some(CaseFile {
            as_of: as_of?,
            request: request?,
            members: members.into_iter().map(|(m, _)| m).collect(),
            records: records.into_iter().map(|(r, _)| r).collect(),
        })
    }

    /// Every item of the list under `key`, each read by `item`; `None` when one failed.
    fn list<'n, T>(
        &mut self,
        entry: &Entry<'n>,
        key: &str,
        item: impl Fn(&mut Self, usize, &'n Node) -> Option<T>,
    ) -> Option<Vec<(T, &'n Node)>> {
        let Some(node) = entry.map.get_node(key) else {
            return Some(Vec::new());
        };
        if node
            .as_scalar()
            .is_some_and(|s| s.may_coerce() && s.as_str().trim().is_empty())
        {
            return Some(Vec::new());
        }
        let Some(items) = node.as_sequence() else {
            self.error(
                node,
                &format!("`{key}` must be a list"),
                "write each entry as `- {…}`",
            );
            return None;
        };
        let mut values = Vec::with_capacity(items.len());
        let mut complete = true;
        for (index, node) in items.iter().enumerate() {
            match item(self, index, node) {
                Some(value) => values.push((value, node)),
                None => complete = false,
            }
        }
        complete.then_some(values)
    }

    fn unique<'n>(&mut self, ids: impl Iterator<Item = (i64, &'n Node)>, noun: &str, help: &str) {
        let mut seen = HashSet::new();
        for (id, node) in ids {
            if !seen.insert(id) {
                self.error(node, &format!("{noun} {id} is listed twice"), help);
            }
        }
    }

    /// Who an entry is, for messages: `record 7`, or `record 3 of the list` without an id.
    fn who(map: Option<&MarkedMappingNode>, noun: &str, index: usize) -> String {
        match map
            .and_then(|m| m.get_scalar("id"))
            .and_then(|id| id.as_str().trim().parse::<i64>().ok())
        {
            Some(id) => format!("{noun} {id}"),
            None => format!("{noun} {} of the list", index + 1),
        }
    }

    fn request(&mut self, node: &Node) -> Option<Request> {
        let entry = self.mapping(node, "the request".into(), REQUEST_KEYS)?;
        let ticket = self.free_text(&entry, "ticket", false);
        let mut choice = |key: &str, allowed: [&str; 2]| {
            let value = self.free_text(&entry, key, false)??;
            if allowed.contains(&value.as_str()) {
                return Some(Some(value));
            }
            let node = entry.map.get_node(key)?;
            self.error(
                node,
                &format!(
                    "request `{key}` is `{}`, not one of {}",
                    shorten(&value),
                    allowed.join(", ")
                ),
                "see the case-file format in README.md",
            );
            None
        };
        let by = match entry.map.get_node("by") {
            Some(_) => choice("by", ["assuree", "assurer"])?,
            None => None,
        };
        let mismatch = match entry.map.get_node("mismatch") {
            Some(_) => choice("mismatch", ["name", "dob"])?,
            None => None,
        };
        Some(Request {
            ticket: ticket?,
            by,
            mismatch,
        })
    }

    fn member(&mut self, index: usize, node: &Node) -> Option<MemberRow> {
        let who = Self::who(node.as_mapping(), "member", index);
        let entry = self.mapping(node, who, MEMBER_KEYS)?;
        let date = |text: &str| parse_date(text).map(Some);
        let help = "write a date as YYYY-MM-DD, or leave the field out when unknown";
        let id = self.integer(&entry, "id", true);
        let dob = self.nullable(&entry, "dob", date, help);
        let cats_passed = self.nullable(&entry, "cats_passed", date, help);
        let assurer = self.boolean(&entry, "assurer");
        let assurer_blocked = self.boolean(&entry, "assurer_blocked");
        let ttpadmin = self.integer(&entry, "ttpadmin", false);
        let deleted = self.nullable(&entry, "deleted", date, help);
        let locked = self.boolean(&entry, "locked");
        let mut text = |key: &str| {
            self.free_text(&entry, key, false)
                .map(Option::unwrap_or_default)
        };
        let (email, fname, mname) = (text("email"), text("fname"), text("mname"));
        let (lname, suffix) = (text("lname"), text("suffix"));
        let contact = Contact {
            email: email?,
            fname: fname?,
            mname: mname?,
            lname: lname?,
            suffix: suffix?,
        };
        Some(MemberRow {
            id: id??,
            dob: dob?,
            assurer: assurer?,
            assurer_blocked: assurer_blocked?,
            ttpadmin: ttpadmin?.unwrap_or(0),
            cats_passes: cats_passed?.into_iter().collect(),
            deleted: deleted?,
            locked: locked?,
            contact: Some(Box::new(contact)),
        })
    }

    fn record(&mut self, index: usize, node: &Node) -> Option<RecordRow> {
        let who = Self::who(node.as_mapping(), "record", index);
        let entry = self.mapping(node, who, RECORD_KEYS)?;
        let number = |reader: &mut Self, key: &str| reader.integer(&entry, key, true).flatten();
        let (id, from, to) = (number(self, "id"), number(self, "from"), number(self, "to"));
        let (points, awarded) = (number(self, "points"), number(self, "awarded"));
        let text = |reader: &mut Self, key: &str| reader.free_text(&entry, key, true).flatten();
        let (method, location, date) = (
            text(self, "method"),
            text(self, "location"),
            text(self, "date"),
        );
        let help = "write YYYY-MM-DD[ HH:MM:SS], or null when not set";
        let when = self.nullable(&entry, "when", parse_datetime, help);
        let expire = self.nullable(&entry, "expire", parse_datetime, help);
        let deleted = self.nullable(&entry, "deleted", parse_datetime, help);
        let who = entry.who.clone();
        if let (Some(from), Some(to)) = (from, to)
            && from == to
        {
            let at = entry.map.get_node("to").unwrap_or(node);
            self.error(
                at,
                &format!("{who}: `from` and `to` are both {to}"),
                "a member cannot assure themself; check the ids",
            );
        }
        for (key, value) in [("points", points), ("awarded", awarded)] {
            if let Some(value) = value.filter(|v| !(-MAX_CASE_POINTS..=MAX_CASE_POINTS).contains(v))
            {
                let at = entry.map.get_node(key).unwrap_or(node);
                self.error(
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
            let at = entry.map.get_node("deleted").unwrap_or(node);
            self.error(
                at,
                &format!("{who}: `deleted` {deleted} is before `when` {when}"),
                "a record is revoked after it was entered; check both dates",
            );
        }
        Some(RecordRow {
            id: id?,
            from: from?,
            to: to?,
            points: points?,
            awarded: awarded?,
            method: method?.into(),
            location: location?.into(),
            date: date?.into(),
            when: when?,
            expire: expire?,
            deleted: deleted?,
        })
    }
}

/// Quoted input shown in a message: at most 60 characters.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}
