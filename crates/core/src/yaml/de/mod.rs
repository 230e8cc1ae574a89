//! Serde over YAML nodes: each file format is a set of `#[derive(Deserialize, JsonSchema)]`
//! types, read with the place of every value, every problem of a file reported in one run.
//!
//! - A value that may be wrong is a [`Field`]: reading it never fails. A problem inside it is
//!   recorded with its line and column and the field reads as [`Field::Invalid`], so the
//!   fields after it are still read.
//! - Keys a type does not declare are recorded (with a did-you-mean) and skipped.
//! - A missing required key is reported naming the mapping that lacks it, as the type names
//!   itself (`#[serde(rename = "a rule file")]`; `{}` in the name stands for the key it is
//!   under). serde stops at the first one, so the mapping is read again with that key
//!   assumed (as an invalid value) until every missing key is reported.
//! - A list item named with `{id}` (`record {id}`) is named by its `id` (`record 7`, or
//!   `record 3 of the list` without one), and each problem in its fields starts with that
//!   name: `record 7: `points` …`.
//! - An enumeration named `unknown-<what>` reports a value it does not know as
//!   `unknown <what> `value``, with that code.
//! - Scalars are read as YAML 1.2's core schema reads them: a plain `null`, `~` or nothing is
//!   no value, quoted text is always text, and any scalar may be read as text.

mod nodes;

use nodes::{NodeDeserializer, Ref, place_of, unpack};

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use marked_yaml::Node;
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::diag::{Diagnostic, DiagnosticCode, Location};
use crate::escape::escape_control;
use crate::suggest::did_you_mean;

/// Where a value starts: the source number given to [`super::parse`], 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The source number (a rule set's file index; 0 for files read alone).
    pub source: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A problem found reading a value into a type, at its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the value (or the key) starts.
    pub place: Place,
    /// How many characters to underline.
    pub width: usize,
    /// A stable identifier, such as `unknown-key`.
    pub code: DiagnosticCode,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Problem {
    /// The problem as a diagnostic of the file at `path`, whose text is `text`.
    pub fn diagnostic(self, path: &str, text: &str) -> Diagnostic {
        let at = Location::in_text(path, text, self.place.line, self.place.column, self.width);
        let mut diagnostic = Diagnostic::error(self.code, escape_control(&self.message)).at(at);
        diagnostic.help = self.help;
        diagnostic
    }
}

/// A value read from YAML with its place, or absent (an optional key left out), or invalid
/// (the problem is already recorded).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Field<T> {
    /// The key is not there.
    #[default]
    Absent,
    /// The value is wrong; the problem is recorded.
    Invalid,
    /// The value and where it starts.
    Present(T, Place),
}

impl<T> Field<T> {
    /// The value and its place, when present and valid.
    pub fn present(self) -> Option<(T, Place)> {
        match self {
            Field::Present(value, place) => Some((value, place)),
            Field::Absent | Field::Invalid => None,
        }
    }

    /// Whether the key is there (with a valid value or not).
    pub(crate) fn is_given(&self) -> bool {
        !matches!(self, Field::Absent)
    }

    /// Whether the value is wrong (and reported).
    pub fn is_invalid(&self) -> bool {
        matches!(self, Field::Invalid)
    }
}

/// The name by which [`Field`] asks this deserializer for a value with its place.
const FIELD: &str = "$wotrules::yaml::Field";

/// The most missing keys reported for one mapping.
const MAX_MISSING: usize = 64;

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for FieldVisitor<T> {
            type Value = Field<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value with its place")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field<T>, A::Error> {
                let place: u128 = seq.next_element()?.unwrap_or_default();
                // The value again while it asks to be read again (a key was missing): each
                // time one more missing key is assumed, so it ends.
                let mut again = 0;
                loop {
                    match seq.next_element::<T>() {
                        Ok(Some(value)) => return Ok(Field::Present(value, unpack(place))),
                        Ok(None) => return Ok(Field::Invalid),
                        Err(_) if again < MAX_MISSING => again += 1,
                        Err(error) => return Err(error),
                    }
                }
            }
        }
        deserializer.deserialize_struct(FIELD, &[], FieldVisitor(PhantomData))
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Field<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// A YAML mapping read in its order: each key (with its place) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entries<V>(pub Vec<(Field<String>, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<V>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

impl<V: schemars::JsonSchema> schemars::JsonSchema for Entries<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
    fn inline_schema() -> bool {
        true
    }
}

/// Reads `node` into `T`, every problem recorded in `problems`; `None` when `T` itself
/// could not be made (its problem is recorded too).
pub fn from_node<T: DeserializeOwned>(node: &Node, problems: &mut Vec<Problem>) -> Option<T> {
    from_node_except(node, &[], problems)
}

/// As [`from_node`], where `node` is a mapping whose keys `elsewhere` others read: they
/// are skipped, and named among the keys it takes when another is unknown.
pub fn from_node_except<T: DeserializeOwned>(
    node: &Node,
    elsewhere: &[&'static str],
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let recorded = RefCell::new(std::mem::take(problems));
    let result = Field::<T>::deserialize(NodeDeserializer {
        node: Ref::of(node),
        key: None,
        anchor: None,
        index: None,
        owner: None,
        assumed: Vec::new(),
        elsewhere,
        problems: &recorded,
    });
    *problems = recorded.into_inner();
    match result {
        Ok(field) => field.present().map(|(value, _)| value),
        Err(error) => {
            problems.push(error.into_problem(place_of(node.span())));
            None
        }
    }
}

/// Why a value could not be read; the deserializer adds the place on its way out. (Boxed:
/// every `Result` of the deserializer carries one.)
#[derive(Debug)]
struct Error(Box<Why>);

/// What an [`Error`] says.
#[derive(Debug)]
struct Why {
    place: Option<Place>,
    width: usize,
    code: DiagnosticCode,
    message: String,
    help: Option<String>,
    /// Whose name the message still lacks.
    unnamed: Unnamed,
    /// The key a mapping lacks, for a missing key.
    missing: Option<&'static str>,
    /// Not a problem of the file: a value assumed for a missing key (reported already) was
    /// read, or the mapping is to be read again.
    silent: bool,
}

/// The part of a message that serde cannot know and the deserializer adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unnamed {
    /// The message is whole.
    Nothing,
    /// "has no `key`": the mapping that lacks it.
    Mapping,
    /// "`value`": the enumeration that does not know it.
    Enumeration,
}

impl std::ops::Deref for Error {
    type Target = Why;
    fn deref(&self) -> &Why {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut Why {
        &mut self.0
    }
}

impl Error {
    fn new(code: DiagnosticCode, message: String, help: Option<String>) -> Self {
        Self::of(Why {
            place: None,
            width: 1,
            code,
            message,
            help,
            unnamed: Unnamed::Nothing,
            missing: None,
            silent: false,
        })
    }

    fn of(why: Why) -> Self {
        Self(Box::new(why))
    }

    /// Not a problem of the file (see `Why::silent`).
    fn silent() -> Self {
        let mut error = Self::new(DiagnosticCode::Assumed, String::new(), None);
        error.silent = true;
        error
    }

    /// Puts `name` before a message that lacks it (`unnamed`).
    fn named(mut self, unnamed: Unnamed, name: &str) -> Self {
        if self.unnamed == unnamed {
            self.message = format!("{name} {}", self.message);
            self.unnamed = Unnamed::Nothing;
        }
        self
    }

    fn at(mut self, place: Place, width: usize) -> Self {
        if self.place.is_none() {
            self.place = Some(place);
            self.width = width;
        }
        self
    }

    fn into_problem(self, fallback: Place) -> Problem {
        let why = *self.0;
        Problem {
            place: why.place.unwrap_or(fallback),
            width: why.width,
            code: why.code,
            message: why.message,
            help: why.help,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Self::new(DiagnosticCode::WrongValue, message.to_string(), None)
    }

    fn missing_field(field: &'static str) -> Self {
        let help = Some(format!("add `{field}:`"));
        let mut error = Self::new(
            DiagnosticCode::MissingKey,
            format!("has no `{field}`"),
            help,
        );
        error.unnamed = Unnamed::Mapping;
        error.missing = Some(field);
        error
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let help = did_you_mean(variant, expected.iter().copied())
            .unwrap_or_else(|| format!("one of: {}", expected.join(", ")));
        let mut error = Self::new(
            DiagnosticCode::UnknownValue,
            format!("`{variant}`"),
            Some(help),
        );
        error.unnamed = Unnamed::Enumeration;
        error
    }
}

/// Quoted input shown in a message: at most 60 characters.
pub fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}
