//! The data model: notary records and members as of a date, the values and types of the language.
//!
//! This is what the store fills and the evaluator reads. It knows CAcert's table
//! columns (the record schema), never CAcert's rules.

use std::collections::HashMap;

use hashbrown::HashTable;
use rustc_hash::FxHashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

/// A strict `YYYY-MM-DD` calendar date (surrounding spaces allowed); anything else is `None`.
pub fn parse_calendar_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        text.as_bytes()[range]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'))
    };
    NaiveDate::from_ymd_opt(number(0..4) as i32, number(5..7), number(8..10))
}

/// A type of the expression language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// 64-bit signed integer.
    Int,
    /// `true` / `false`.
    Bool,
    /// Free text.
    Text,
    /// A calendar date.
    Date,
    /// A value of a declared enumeration.
    Enum(Arc<str>),
    /// A list of values.
    List(Box<Type>),
    /// A value that may be missing.
    Optional(Box<Type>),
    /// A member.
    Member,
    /// A notary record.
    Record,
    /// A member's received or given records.
    Records,
    /// The support request of a case.
    Request,
    /// The type of `null` before it meets an optional type.
    Null,
}

impl Type {
    /// This type made optional (an optional type stays as it is).
    pub fn optional(self) -> Type {
        match self {
            Type::Optional(_) | Type::Null => self,
            other => Type::Optional(Box::new(other)),
        }
    }

    /// The type without its optional wrapper.
    pub fn required(&self) -> &Type {
        match self {
            Type::Optional(inner) => inner,
            other => other,
        }
    }

    /// Whether values of this type may be missing.
    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_) | Type::Null)
    }

    /// Parses a type as written in `schema.yaml` and rule files: `int`, `date?`, `list<finding>`.
    pub fn parse(text: &str, enums: &HashMap<String, Vec<String>>) -> Option<Type> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix('?') {
            return Type::parse(inner, enums).map(Type::optional);
        }
        if let Some(inner) = text
            .strip_prefix("list<")
            .and_then(|rest| rest.strip_suffix('>'))
        {
            return Type::parse(inner, enums).map(|t| Type::List(Box::new(t)));
        }
        Some(match text {
            "int" => Type::Int,
            "bool" => Type::Bool,
            "text" => Type::Text,
            "date" => Type::Date,
            "member" => Type::Member,
            "record" => Type::Record,
            "records" => Type::Records,
            "request" => Type::Request,
            name if enums.contains_key(name) => Type::Enum(Arc::from(name)),
            _ => return None,
        })
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => write!(f, "int"),
            Type::Bool => write!(f, "bool"),
            Type::Text => write!(f, "text"),
            Type::Date => write!(f, "date"),
            Type::Enum(name) => write!(f, "{name}"),
            Type::List(inner) => write!(f, "list<{inner}>"),
            Type::Optional(inner) => write!(f, "{inner}?"),
            Type::Member => write!(f, "member"),
            Type::Record => write!(f, "record"),
            Type::Records => write!(f, "records"),
            Type::Request => write!(f, "request"),
            Type::Null => write!(f, "null"),
        }
    }
}

/// A value of the expression language.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// The missing value (`null`).
    Missing,
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// Text, or an enumeration value.
    Text(Arc<str>),
    /// A date.
    Date(NaiveDate),
    /// A list.
    List(Arc<[Value]>),
    /// A member, by index into [`Dataset::members`].
    Member(usize),
    /// A record, by index into [`Dataset::records`].
    Record(usize),
    /// A member's records, by member index.
    Records(usize, Direction),
    /// The case's support request.
    Request,
}

/// A value as a person reads it: `null` for missing, dates as `YYYY-MM-DD`, lists joined by
/// `, `, text with control characters made visible (see [`escape_control`]).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => write!(f, "null"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::Text(t) => write!(f, "{}", escape_control(t)),
            Value::Date(d) => write!(f, "{}", ShownDate(*d)),
            Value::List(items) if items.is_empty() => write!(f, "[]"),
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Value::Member(i) | Value::Record(i) => write!(f, "#{i}"),
            Value::Records(..) => write!(f, "records"),
            Value::Request => write!(f, "request"),
        }
    }
}

/// A value in JSON: missing is `null`, dates are `YYYY-MM-DD` strings, lists are arrays;
/// members and records (never an output) are their indices.
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Missing | Value::Request | Value::Records(..) => serializer.serialize_none(),
            Value::Int(v) => serializer.serialize_i64(*v),
            Value::Bool(v) => serializer.serialize_bool(*v),
            Value::Text(t) => serializer.serialize_str(t),
            Value::Date(d) => serializer.collect_str(&ShownDate(*d)),
            Value::List(items) => serializer.collect_seq(items.iter()),
            Value::Member(i) | Value::Record(i) => serializer.serialize_u64(*i as u64),
        }
    }
}

/// CAcert's zero date `0000-00-00` where it means a day that happened but is not known: a
/// CATS pass whose `pass_date` the database does not hold. MariaDB orders a zero date before
/// every other, so such a pass counts at every `as_of` and before every record (the webdb
/// reads it so); it is shown as `0000-00-00`.
pub const UNDATED: NaiveDate = NaiveDate::MIN;

/// A date as `YYYY-MM-DD`, [`UNDATED`] as `0000-00-00`.
pub struct ShownDate(pub NaiveDate);

impl fmt::Display for ShownDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == UNDATED {
            write!(f, "0000-00-00")
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%d"))
        }
    }
}

/// Free text with control characters (newlines, ANSI escapes) and invisible formatting
/// characters (bidi overrides, zero-width spaces, line separators) made visible instead of
/// acted on.
pub fn escape_control(text: &str) -> String {
    if !text.chars().any(invisible) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if invisible(c) {
            out.push_str(&c.escape_default().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a character acts on a terminal or a reader's view instead of showing: control
/// characters, bidi overrides and isolates, zero-width spaces and joiners, line and
/// paragraph separators, the byte-order mark.
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// Which of a member's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Records the member received (`to` = member).
    Received,
    /// Records the member gave (`from` = member).
    Given,
}

/// A column of the `notary` table, or a link to one of the record's two members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordField {
    /// `id`.
    Id,
    /// `from`: the assurer's id.
    From,
    /// `to`: the assuree's id.
    To,
    /// `points`.
    Points,
    /// `awarded`.
    Awarded,
    /// `method`.
    Method,
    /// `location`.
    Location,
    /// `date`: free text as typed.
    Date,
    /// `when`: entry into the system.
    When,
    /// `expire`.
    Expire,
    /// `deleted`: revocation.
    Deleted,
    /// The member who gave it.
    Assurer,
    /// The member who received it.
    Assuree,
}

/// A field of a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberField {
    /// `id`.
    Id,
    /// Date of birth.
    Dob,
    /// The stored assurer flag.
    Assurer,
    /// Blocked from acting as assurer.
    AssurerBlocked,
    /// TTP admin role (0 none, 1 TTP admin, 2 TOPUP admin).
    TtpAdmin,
    /// The earliest CATS pass on or before `as_of`.
    CatsPassed,
    /// Records received.
    Received,
    /// Records given.
    Given,
    /// When the account was deleted.
    Deleted,
    /// The account is locked.
    Locked,
    /// The primary email address.
    Email,
    /// First name.
    Fname,
    /// Middle name.
    Mname,
    /// Last name.
    Lname,
    /// Name suffix.
    Suffix,
}

/// A field of the support request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestField {
    /// The support ticket number.
    Ticket,
    /// Who asked: `assuree` or `assurer`.
    By,
    /// A mismatch found during re-apply: `name` or `dob`.
    Mismatch,
}

impl RecordField {
    /// The field of this name with its type, as the data provides it.
    pub fn lookup(name: &str) -> Option<(Self, Type)> {
        let field = match name {
            "id" => Self::Id,
            "from" => Self::From,
            "to" => Self::To,
            "points" => Self::Points,
            "awarded" => Self::Awarded,
            "method" => Self::Method,
            "location" => Self::Location,
            "date" => Self::Date,
            "when" => Self::When,
            "expire" => Self::Expire,
            "deleted" => Self::Deleted,
            "assurer" => Self::Assurer,
            "assuree" => Self::Assuree,
            _ => return None,
        };
        Some((field, field.ty()))
    }

    /// The field's type, as the data provides it.
    pub fn ty(self) -> Type {
        match self {
            Self::Id | Self::From | Self::To | Self::Points | Self::Awarded => Type::Int,
            Self::Method | Self::Location | Self::Date => Type::Text,
            Self::When | Self::Expire | Self::Deleted => Type::Optional(Box::new(Type::Date)),
            Self::Assurer | Self::Assuree => Type::Member,
        }
    }
}

impl MemberField {
    /// The field of this name with its type, as the data provides it.
    pub fn lookup(name: &str) -> Option<(Self, Type)> {
        let field = match name {
            "id" => Self::Id,
            "dob" => Self::Dob,
            "assurer" => Self::Assurer,
            "assurer_blocked" => Self::AssurerBlocked,
            "ttpadmin" => Self::TtpAdmin,
            "cats_passed" => Self::CatsPassed,
            "received" => Self::Received,
            "given" => Self::Given,
            "deleted" => Self::Deleted,
            "locked" => Self::Locked,
            "email" => Self::Email,
            "fname" => Self::Fname,
            "mname" => Self::Mname,
            "lname" => Self::Lname,
            "suffix" => Self::Suffix,
            _ => return None,
        };
        Some((field, field.ty()))
    }

    /// The field's type, as the data provides it.
    pub fn ty(self) -> Type {
        match self {
            Self::Id | Self::TtpAdmin => Type::Int,
            Self::Assurer | Self::AssurerBlocked | Self::Locked => Type::Bool,
            Self::Dob | Self::CatsPassed | Self::Deleted => Type::Optional(Box::new(Type::Date)),
            Self::Received | Self::Given => Type::Records,
            Self::Email | Self::Fname | Self::Mname | Self::Lname | Self::Suffix => Type::Text,
        }
    }
}

impl RequestField {
    /// The field of this name with its type, as the data provides it.
    pub fn lookup(name: &str) -> Option<(Self, Type)> {
        let optional_text = Type::Optional(Box::new(Type::Text));
        Some(match name {
            "ticket" => (Self::Ticket, optional_text),
            "by" => (Self::By, optional_text),
            "mismatch" => (Self::Mismatch, optional_text),
            _ => return None,
        })
    }
}

impl RecordRow {
    /// The column of an integer field (`None` for a field of another type).
    pub fn integer(&self, field: RecordField) -> Option<i64> {
        Some(match field {
            RecordField::Id => self.id,
            RecordField::From => self.from,
            RecordField::To => self.to,
            RecordField::Points => self.points,
            RecordField::Awarded => self.awarded,
            _ => return None,
        })
    }

    /// The column of a text field (`None` for a field of another type).
    pub fn text(&self, field: RecordField) -> Option<Text> {
        match field {
            RecordField::Method => Some(self.method),
            RecordField::Location => Some(self.location),
            RecordField::Date => Some(self.date),
            _ => None,
        }
    }
}

/// One row of the `notary` table, as stored: 80 bytes, as millions of them are held at once
/// (its text in [`Texts`], its datetimes as [`Stamp`]s).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    /// Notary id.
    pub id: i64,
    /// Assurer's member id.
    pub from: i64,
    /// Assuree's member id.
    pub to: i64,
    /// Points as counted when entered.
    pub points: i64,
    /// Points the assurer gave.
    pub awarded: i64,
    /// Method, free text.
    pub method: Text,
    /// Location, free text.
    pub location: Text,
    /// Assurance date, free text.
    pub date: Text,
    /// Entry into the system.
    pub when: Stamp,
    /// Expiry.
    pub expire: Stamp,
    /// Revocation.
    pub deleted: Stamp,
}

/// A text of the records, by its place in their [`Texts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text(u32);

/// The text columns of a set of records, each distinct text stored once in one buffer (a few
/// methods, cities and days repeat across millions of rows): a record holds a 4-byte [`Text`]
/// instead of a shared string's 16 bytes and allocation.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    /// Every text, one after the other.
    bytes: String,
    /// Where each text ends in `bytes`, by [`Text`].
    ends: Vec<usize>,
    /// Every text by the hash of its content, to store each once.
    index: HashTable<u32>,
}

impl Texts {
    /// The text `text` is stored as, stored now if it is new.
    pub fn intern(&mut self, text: &str) -> Text {
        let hash = content_hash(text);
        let Self { bytes, ends, index } = self;
        if let Some(&known) = index.find(hash, |&t| text_in(bytes, ends, t) == text) {
            return Text(known);
        }
        // Below 2^32: a database has at most `MAX_TABLE_ROWS` records of three texts each.
        let new = u32::try_from(ends.len()).expect("fewer than 2^32 distinct texts");
        bytes.push_str(text);
        ends.push(bytes.len());
        index.insert_unique(hash, new, |&t| content_hash(text_in(bytes, ends, t)));
        Text(new)
    }

    /// Takes in `other`'s texts, and makes `rows`, whose texts are `other`'s, refer to them.
    pub fn absorb(&mut self, other: Texts, rows: &mut [RecordRow]) {
        let moved: Vec<Text> = (0..other.ends.len() as u32)
            .map(|text| self.intern(text_in(&other.bytes, &other.ends, text)))
            .collect();
        for row in rows {
            for text in [&mut row.method, &mut row.location, &mut row.date] {
                *text = moved[text.0 as usize];
            }
        }
    }

    /// The content of `text`.
    pub fn get(&self, text: Text) -> &str {
        text_in(&self.bytes, &self.ends, text.0)
    }
}

/// Texts are equal when they hold the same texts under the same [`Text`]s.
impl PartialEq for Texts {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes && self.ends == other.ends
    }
}

fn content_hash(text: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(text)
}

fn text_in<'a>(bytes: &'a str, ends: &[usize], text: u32) -> &'a str {
    let text = text as usize;
    let start = if text == 0 { 0 } else { ends[text - 1] };
    &bytes[start..ends[text]]
}

/// A date and time to the second, or none: 8 bytes where an `Option<NaiveDateTime>` takes 12.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Stamp(i64);

impl Stamp {
    /// No date and time.
    pub const NONE: Stamp = Stamp(i64::MIN);

    /// The date and time, if there is one ([`Stamp::NONE`] is outside chrono's range).
    pub fn get(self) -> Option<NaiveDateTime> {
        chrono::DateTime::from_timestamp(self.0, 0).map(|d| d.naive_utc())
    }

    /// The date, if there is one (the day of [`Stamp::NONE`] is outside `i32`).
    pub fn date(self) -> Option<NaiveDate> {
        const UNIX_EPOCH_FROM_CE: i64 = 719_163;
        let days = self.0.div_euclid(86_400) + UNIX_EPOCH_FROM_CE;
        i32::try_from(days)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
    }
}

/// A stamp of the date and time, to the second (CAcert's columns hold no fractions).
impl From<Option<NaiveDateTime>> for Stamp {
    fn from(datetime: Option<NaiveDateTime>) -> Self {
        datetime.map_or(Self::NONE, |d| Stamp(d.and_utc().timestamp()))
    }
}

impl fmt::Debug for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

/// One member, as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberRow {
    /// Member id.
    pub id: i64,
    /// Date of birth.
    pub dob: Option<NaiveDate>,
    /// The stored assurer flag.
    pub assurer: bool,
    /// Blocked from acting as assurer.
    pub assurer_blocked: bool,
    /// TTP admin role.
    pub ttpadmin: i64,
    /// Every CATS pass date.
    pub cats_passes: Vec<NaiveDate>,
    /// When the account was deleted.
    pub deleted: Option<NaiveDate>,
    /// The account is locked.
    pub locked: bool,
    /// Name and address: always in case files; read from a database only when asked for
    /// (see [`crate::store::ReadOptions`]), as only mailings need them.
    pub contact: Option<Box<Contact>>,
}

/// A member's name and primary email address (CAcert's `users` columns).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contact {
    /// Primary email address.
    pub email: String,
    /// First name.
    pub fname: String,
    /// Middle name.
    pub mname: String,
    /// Last name.
    pub lname: String,
    /// Name suffix.
    pub suffix: String,
}

/// The support request a case is about.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Request {
    /// Ticket number such as `s20111128.6822`.
    pub ticket: Option<String>,
    /// Who asked.
    pub by: Option<String>,
    /// A name or date-of-birth mismatch found during re-apply.
    pub mismatch: Option<String>,
}

/// A member in a [`Dataset`], with the records linked to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The stored row.
    pub row: MemberRow,
    /// The earliest CATS pass on or before `as_of`.
    pub cats_passed: Option<NaiveDate>,
    /// Whether the member is evaluated (listed in the case, or all members of a database).
    pub evaluated: bool,
    /// Where its records are in [`Dataset::linked`]: the received ones from here, then the
    /// given ones.
    linked: u32,
    /// How many records it received.
    received: u32,
    /// How many records it gave.
    given: u32,
}

/// The two members of a record in a [`Dataset`], by index into [`Dataset::members`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// Index of the assurer.
    pub assurer: u32,
    /// Index of the assuree.
    pub assuree: u32,
}

/// The most records one member may have received or given: rules aggregate over a
/// member's records for each of its records, so more would make evaluation crawl.
pub const MAX_RECORDS_PER_MEMBER: usize = 100_000;

/// The most rows a database's `users` or `notary` table may have: members and records are
/// indexed, and the records' texts stored, in 32 bits, and with three texts and two members
/// a record these stay below 2^32.
pub const MAX_TABLE_ROWS: usize = 1_000_000_000;

/// Everything one evaluation reads: members and the records that exist as of a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The date evaluated.
    pub as_of: NaiveDate,
    /// The support request, when the case names one.
    pub request: Request,
    /// Members: the evaluated ones and every member a record names.
    pub members: Vec<Member>,
    /// Records entered on or before `as_of` (or with no entry date), sorted by id.
    pub records: Vec<RecordRow>,
    /// The records' texts.
    pub texts: Texts,
    /// The members of each record, by the record's index.
    pub links: Vec<Link>,
    /// Each member's records by index, in one array: the records it received, by id, then
    /// those it gave (see [`Dataset::records_of`]).
    linked: Vec<u32>,
}

impl Dataset {
    /// Links rows into a dataset as of `as_of`: rows entered after it do not exist.
    ///
    /// `evaluated` members are the ones whose outputs are wanted; members that
    /// records name but that have no row get an empty one (unknown date of birth,
    /// no flags, no CATS).
    pub fn new(
        as_of: NaiveDate,
        request: Request,
        evaluated: Vec<MemberRow>,
        mut rows: Vec<RecordRow>,
        texts: Texts,
    ) -> Self {
        rows.retain(|row| row.when.date().is_none_or(|when| when <= as_of));
        if !rows.is_sorted_by_key(|row| row.id) {
            rows.sort_by_key(|row| row.id);
        }
        rows.shrink_to_fit();
        let ids = evaluated.iter().map(|row| row.id);
        let linked_ids = rows.iter().flat_map(|row| [row.from, row.to]);
        let mut index = MemberIndex::new(ids.chain(linked_ids), evaluated.len() + rows.len());
        let mut members: Vec<Member> = Vec::with_capacity(evaluated.len());
        for row in evaluated {
            index.insert(row.id, members.len());
            members.push(Member::new(row, as_of, true));
        }
        let mut member_index = |id: i64, members: &mut Vec<Member>| {
            index.get_or_insert(id, || {
                let row = MemberRow {
                    id,
                    ..MemberRow::default()
                };
                members.push(Member::new(row, as_of, false));
                members.len() - 1
            })
        };
        let links: Vec<Link> = rows
            .iter()
            .map(|row| Link {
                assurer: member_index(row.from, &mut members) as u32,
                assuree: member_index(row.to, &mut members) as u32,
            })
            .collect();
        // Every member's records in one array: counted, placed, then filled in record order.
        // The counts, then the cursors, are kept apart from the members (8 bytes a member, not
        // a whole `Member`), so that the random accesses, two a record, stay in the caches.
        let mut cursors = vec![(0u32, 0u32); members.len()];
        for link in &links {
            cursors[link.assuree as usize].0 += 1;
            cursors[link.assurer as usize].1 += 1;
        }
        let mut next = 0u32;
        for (member, cursor) in members.iter_mut().zip(&mut cursors) {
            let (received, given) = *cursor;
            (member.linked, member.received, member.given) = (next, received, given);
            *cursor = (next, next + received);
            next += received + given;
        }
        let mut linked = vec![0u32; next as usize];
        for (position, link) in links.iter().enumerate() {
            let received = &mut cursors[link.assuree as usize].0;
            linked[*received as usize] = position as u32;
            *received += 1;
            let given = &mut cursors[link.assurer as usize].1;
            linked[*given as usize] = position as u32;
            *given += 1;
        }
        Self {
            as_of,
            request,
            members,
            records: rows,
            texts,
            links,
            linked,
        }
    }
}

/// Members' indices by id while a [`Dataset`] is linked: a table over the range of the ids
/// when they are dense enough (CAcert's are consecutive), else a hash map. Both give the same
/// indices; the table spares a hash probe at a random place for each end of each record.
enum MemberIndex {
    /// `slots[id - least]` is the index of member `id` ([`NO_MEMBER`]: none yet).
    Table {
        least: i64,
        slots: Vec<u32>,
    },
    Map(FxHashMap<i64, usize>),
}

/// An empty slot of [`MemberIndex::Table`] (member indices stay below 2^32: see
/// [`MAX_TABLE_ROWS`]).
const NO_MEMBER: u32 = u32::MAX;

impl MemberIndex {
    /// An empty index for `ids` (every id it will be asked about), about `expected` of them
    /// distinct: a table when their range is at most four times that.
    fn new(ids: impl Iterator<Item = i64>, expected: usize) -> Self {
        let range = ids.fold(None, |range: Option<(i64, i64)>, id| match range {
            None => Some((id, id)),
            Some((least, greatest)) => Some((least.min(id), greatest.max(id))),
        });
        let table_len = range.and_then(|(least, greatest)| {
            let len = usize::try_from(greatest.checked_sub(least)?)
                .ok()?
                .checked_add(1)?;
            (len <= expected.saturating_mul(4).max(1024)).then_some((least, len))
        });
        match table_len {
            Some((least, len)) => MemberIndex::Table {
                least,
                slots: vec![NO_MEMBER; len],
            },
            None => MemberIndex::Map(FxHashMap::default()),
        }
    }

    /// Makes `index` the member of `id`.
    fn insert(&mut self, id: i64, index: usize) {
        match self {
            MemberIndex::Table { least, slots } => slots[(id - *least) as usize] = index as u32,
            MemberIndex::Map(map) => {
                map.insert(id, index);
            }
        }
    }

    /// The index of member `id`, made by `add` when it has none.
    fn get_or_insert(&mut self, id: i64, add: impl FnOnce() -> usize) -> usize {
        match self {
            MemberIndex::Table { least, slots } => {
                let slot = &mut slots[(id - *least) as usize];
                if *slot == NO_MEMBER {
                    *slot = add() as u32;
                }
                *slot as usize
            }
            MemberIndex::Map(map) => *map.entry(id).or_insert_with(add),
        }
    }
}

impl Dataset {
    /// The content of one of the records' texts.
    pub fn text(&self, text: Text) -> &str {
        self.texts.get(text)
    }

    /// A member with more records than [`MAX_RECORDS_PER_MEMBER`]: its id and how many.
    pub fn overfull_member(&self) -> Option<(i64, usize)> {
        self.members
            .iter()
            .map(|m| (m.row.id, m.received.max(m.given) as usize))
            .find(|(_, count)| *count > MAX_RECORDS_PER_MEMBER)
    }

    /// The indices of the records member `member` received or gave, by record id.
    pub fn records_of(&self, member: usize, direction: Direction) -> &[u32] {
        let Member {
            linked,
            received,
            given,
            ..
        } = self.members[member];
        let (start, received_end) = (linked as usize, (linked + received) as usize);
        match direction {
            Direction::Received => &self.linked[start..received_end],
            Direction::Given => &self.linked[received_end..received_end + given as usize],
        }
    }

    /// The indices of the records member `member` received, by record id.
    pub fn received(&self, member: usize) -> impl Iterator<Item = usize> + Clone + '_ {
        self.records_of(member, Direction::Received)
            .iter()
            .map(|&r| r as usize)
    }

    /// The members of `chunk` that are evaluated, and the records the chunk's members
    /// received: what a chunk decides.
    pub fn chunk_entities(&self, chunk: &[usize]) -> (Vec<usize>, Vec<usize>) {
        let members = chunk
            .iter()
            .copied()
            .filter(|m| self.members[*m].evaluated)
            .collect();
        let records = chunk.iter().flat_map(|m| self.received(*m)).collect();
        (members, records)
    }

    /// The indices of the records member `member` gave, by record id.
    pub fn given(&self, member: usize) -> impl Iterator<Item = usize> + Clone + '_ {
        self.records_of(member, Direction::Given)
            .iter()
            .map(|&r| r as usize)
    }
}

impl Member {
    fn new(row: MemberRow, as_of: NaiveDate, evaluated: bool) -> Self {
        let cats_passed = row
            .cats_passes
            .iter()
            .copied()
            .filter(|d| *d <= as_of)
            .min();
        Self {
            row,
            cats_passed,
            evaluated,
            linked: 0,
            received: 0,
            given: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_and_a_map_give_members_the_same_indices() {
        let ids = [7, 3, 7, 12, 3, 5, 12, 4];
        let (dense, sparse) = (
            MemberIndex::new(ids.into_iter(), 8),
            MemberIndex::new(ids.into_iter().chain([1 << 40]), 1),
        );
        assert!(matches!(dense, MemberIndex::Table { least: 3, .. }));
        assert!(matches!(sparse, MemberIndex::Map(_)));
        let indices = |mut index: MemberIndex| {
            index.insert(12, 0);
            let mut next = 1;
            ids.map(|id| {
                index.get_or_insert(id, || {
                    next += 1;
                    next - 1
                })
            })
        };
        assert_eq!(indices(dense), [1, 2, 1, 0, 2, 3, 0, 4]);
        assert_eq!(indices(sparse), [1, 2, 1, 0, 2, 3, 0, 4]);
    }

    #[test]
    fn each_text_is_stored_once_and_read_back_as_written() {
        let mut texts = Texts::default();
        let written = ["a method", "", "Berlin", "a method", "ß – TTP"];
        let stored: Vec<Text> = written.iter().map(|t| texts.intern(t)).collect();
        assert_eq!(stored[0], stored[3]);
        assert_ne!(stored[0], stored[2]);
        for (text, symbol) in written.iter().zip(&stored) {
            assert_eq!(texts.get(*symbol), *text);
        }
        assert_eq!(texts.ends.len(), 4);
    }

    #[test]
    fn a_stamp_keeps_the_second_and_the_day_either_side_of_1970() {
        for text in [
            "2004-02-29 23:59:59",
            "1969-12-31 00:00:01",
            "0001-01-01 00:00:00",
        ] {
            let datetime = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
            let stamp = Stamp::from(Some(datetime));
            assert_eq!(stamp.get(), Some(datetime));
            assert_eq!(stamp.date(), Some(datetime.date()));
        }
        assert_eq!(Stamp::from(None), Stamp::NONE);
        assert_eq!((Stamp::NONE.get(), Stamp::NONE.date()), (None, None));
    }

    #[test]
    fn a_record_row_takes_80_bytes() {
        assert_eq!(std::mem::size_of::<RecordRow>(), 80);
    }
}
