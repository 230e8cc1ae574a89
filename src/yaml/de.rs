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

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;

use marked_yaml::Node;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, MarkedSequenceNode};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer};

use crate::diag::{Diagnostic, Location};
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
    pub code: &'static str,
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
    pub fn is_given(&self) -> bool {
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
    let recorded = RefCell::new(std::mem::take(problems));
    let result = Field::<T>::deserialize(NodeDeserializer {
        node: Ref::of(node),
        key: None,
        anchor: None,
        index: None,
        owner: None,
        assumed: Vec::new(),
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
    code: &'static str,
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
    fn new(code: &'static str, message: String, help: Option<String>) -> Self {
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
        let mut error = Self::new("assumed", String::new(), None);
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
        Self::new("wrong-value", message.to_string(), None)
    }

    fn missing_field(field: &'static str) -> Self {
        let help = Some(format!("add `{field}:`"));
        let mut error = Self::new("missing-key", format!("has no `{field}`"), help);
        error.unnamed = Unnamed::Mapping;
        error.missing = Some(field);
        error
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let help = did_you_mean(variant, expected.iter().copied())
            .unwrap_or_else(|| format!("one of: {}", expected.join(", ")));
        let mut error = Self::new("unknown-value", format!("`{variant}`"), Some(help));
        error.unnamed = Unnamed::Enumeration;
        error
    }
}

/// A node, or a mapping key (a scalar node of its own), or the value assumed for a key a
/// mapping lacks (at the mapping's place).
#[derive(Clone, Copy)]
enum Ref<'n> {
    Scalar(&'n MarkedScalarNode),
    Sequence(&'n MarkedSequenceNode),
    Mapping(&'n MarkedMappingNode),
    Assumed(Place),
}

impl<'n> Ref<'n> {
    fn of(node: &'n Node) -> Self {
        match node {
            Node::Scalar(scalar) => Ref::Scalar(scalar),
            Node::Sequence(sequence) => Ref::Sequence(sequence),
            Node::Mapping(mapping) => Ref::Mapping(mapping),
        }
    }

    /// Where the value starts. marked-yaml places a block mapping after its first key; it
    /// starts at that key.
    fn place(self) -> Place {
        match self {
            Ref::Scalar(node) => place_of(node.span()),
            Ref::Sequence(node) => place_of(node.span()),
            Ref::Mapping(node) => {
                let own = place_of(node.span());
                let first = node.keys().next().map(|key| place_of(key.span()));
                first
                    .filter(|key| (key.line, key.column) < (own.line, own.column))
                    .unwrap_or(own)
            }
            Ref::Assumed(place) => place,
        }
    }

    /// The text of a plain or quoted scalar, and whether it is plain.
    fn scalar(self) -> Option<(&'n str, bool)> {
        match self {
            Ref::Scalar(node) => Some((node.as_str(), node.may_coerce())),
            _ => None,
        }
    }

    /// A plain `null`, `~` or nothing.
    fn is_null(self) -> bool {
        self.scalar()
            .is_some_and(|(text, plain)| plain && matches!(text.trim(), "null" | "~" | ""))
    }
}

fn place_of(span: &marked_yaml::Span) -> Place {
    span.start().map_or(
        Place {
            source: 0,
            line: 1,
            column: 1,
        },
        |m| Place {
            source: m.source(),
            line: m.line(),
            column: m.column(),
        },
    )
}

fn pack(place: Place) -> u128 {
    ((place.source as u128) << 64) | ((place.line as u128) << 32) | place.column as u128
}

fn unpack(packed: u128) -> Place {
    Place {
        source: (packed >> 64) as usize,
        line: ((packed >> 32) & 0xffff_ffff) as usize,
        column: (packed & 0xffff_ffff) as usize,
    }
}

struct NodeDeserializer<'n, 'p> {
    node: Ref<'n>,
    /// The key this value stands under, for messages.
    key: Option<&'n str>,
    /// Where that key is, when this value is a mapping's (not a list item's): a mapping that
    /// lacks a key is reported at the key that names it.
    anchor: Option<Place>,
    /// Its index, when this value is a list item.
    index: Option<usize>,
    /// The name of the item whose field this value is, for messages (`record 7`).
    owner: Option<Rc<str>>,
    /// Keys this mapping lacks (reported), read as if there, each with an assumed value.
    assumed: Vec<&'static str>,
    problems: &'p RefCell<Vec<Problem>>,
}

impl<'n, 'p> NodeDeserializer<'n, 'p> {
    fn child(&self, node: Ref<'n>, key: Option<&'n str>, anchor: Option<Place>) -> Self {
        Self {
            node,
            key,
            anchor,
            index: None,
            owner: self.owner.clone(),
            assumed: Vec::new(),
            problems: self.problems,
        }
    }

    /// How messages name this value: `` `key` `` or "the value".
    fn what(&self) -> String {
        self.key
            .map_or_else(|| "the value".into(), |key| format!("`{key}`"))
    }

    fn fail(&self, code: &'static str, message: String, help: Option<&str>) -> Error {
        if let Ref::Assumed(_) = self.node {
            return Error::silent();
        }
        Error::new(code, message, help.map(str::to_string)).at(self.node.place(), 1)
    }

    fn scalar(&self) -> Result<(&'n str, bool), Error> {
        self.node.scalar().ok_or_else(|| {
            self.fail(
                "wrong-shape",
                format!("{} must be a single value", self.what()),
                Some("write one value; quote text that starts with `[`, `{` or `-`, or holds `: `"),
            )
        })
    }

    fn mapping(&self, what: &str) -> Result<&'n MarkedMappingNode, Error> {
        match self.node {
            Ref::Mapping(mapping) => Ok(mapping),
            _ => Err(self.fail(
                "wrong-shape",
                format!("{what} must be a mapping of keys to values"),
                None,
            )),
        }
    }

    /// A type's name for messages: `{}` replaced by the key it is under, `{id}` by the
    /// item's `id` (or its place in the list).
    fn describe(&self, name: &str) -> String {
        let name = name.replace("{}", self.key.unwrap_or("?"));
        if !name.contains("{id}") {
            return name;
        }
        let id = match self.node {
            Ref::Mapping(mapping) => mapping
                .get_scalar("id")
                .and_then(|id| id.as_str().trim().parse::<i64>().ok()),
            _ => None,
        };
        let id = id.map_or_else(
            || format!("{} of the list", self.index.unwrap_or(0) + 1),
            |id| id.to_string(),
        );
        name.replace("{id}", &id)
    }
}

impl<'de> Deserializer<'de> for NodeDeserializer<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let place = self.node.place();
        match self.node {
            Ref::Scalar(_) if self.node.is_null() => visitor.visit_unit(),
            Ref::Scalar(node) => {
                let text = node.as_str();
                match (node.may_coerce(), text.trim()) {
                    (true, "true") => visitor.visit_bool(true),
                    (true, "false") => visitor.visit_bool(false),
                    (true, trimmed) if trimmed.parse::<i64>().is_ok() => {
                        visitor.visit_i64(trimmed.parse().unwrap_or_default())
                    }
                    _ => visitor.visit_str(text),
                }
            }
            Ref::Sequence(_) => self.deserialize_seq(visitor),
            Ref::Mapping(_) => self.deserialize_map(visitor),
            Ref::Assumed(_) => Err(Error::silent()),
        }
        .map_err(|e| e.at(place, 1))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.scalar()? {
            (text, true) if text.trim() == "true" => visitor.visit_bool(true),
            (text, true) if text.trim() == "false" => visitor.visit_bool(false),
            (text, _) => Err(self.fail(
                "wrong-value",
                format!(
                    "{} must be true or false, not `{}`",
                    self.what(),
                    shorten(text)
                ),
                Some("write `true` or `false` without quotes"),
            )),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (text, plain) = self.scalar()?;
        match text.trim().parse::<i64>() {
            Ok(number) if plain => visitor
                .visit_i64(number)
                .map_err(|e: Error| e.at(self.node.place(), text.chars().count())),
            _ => {
                let why = if !plain {
                    format!("is the text \"{}\", not a whole number", shorten(text))
                } else if !text.trim().is_empty()
                    && text.trim().bytes().all(|b| b.is_ascii_digit() || b == b'-')
                {
                    format!("`{}` is too large for a whole number", shorten(text))
                } else {
                    format!("must be a whole number, not `{}`", shorten(text))
                };
                Err(Error::new(
                    "wrong-value",
                    format!("{} {why}", self.what()),
                    Some("write a whole number without quotes, such as `35`".into()),
                )
                .at(self.node.place(), text.chars().count()))
            }
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (text, _) = self.scalar()?;
        visitor
            .visit_str(text)
            .map_err(|e: Error| e.at(self.node.place(), text.chars().count()))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            visitor.visit_unit()
        } else {
            Err(self.fail("wrong-value", format!("{} must be null", self.what()), None))
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node {
            Ref::Sequence(items) => visitor
                .visit_seq(Items {
                    items: items.iter(),
                    next: 0,
                    parent: &self,
                })
                .map_err(|e| e.at(self.node.place(), 1)),
            // An empty value is an empty list.
            _ if self.node.is_null() => visitor.visit_seq(Items {
                items: [].iter(),
                next: 0,
                parent: &self,
            }),
            _ => Err(self.fail(
                "wrong-shape",
                format!("{} must be a list", self.what()),
                Some("write each entry as `- …`"),
            )),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            return visitor.visit_map(Keys {
                entries: Vec::new().into_iter(),
                value: None,
                parent: &self,
            });
        }
        let mapping = self.mapping(&self.what())?;
        visitor
            .visit_map(Keys {
                entries: mapping.iter().map(|(k, v)| Entry::Written(k, v)),
                value: None,
                parent: &self,
            })
            .map_err(|e| e.at(self.node.place(), 1))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == FIELD {
            return visitor.visit_seq(FieldParts {
                parent: &self,
                step: 0,
                start: None,
                assumed: Vec::new(),
                missing: Vec::new(),
            });
        }
        let what = self.describe(name);
        let mapping = self.mapping(&what)?;
        let named = name.contains("{id}");
        let mut entries: Vec<Entry> = self.assumed.iter().map(|key| Entry::Assumed(key)).collect();
        for (key, value) in mapping.iter() {
            if fields.contains(&key.as_str()) {
                entries.push(Entry::Written(key, value));
                continue;
            }
            let help = did_you_mean(key.as_str(), fields.iter().copied())
                .unwrap_or_else(|| format!("{what} takes: {}", fields.join(", ")));
            let shown: String = key.as_str().chars().take(60).collect();
            let message = if named {
                format!("{what}: unknown key `{shown}`")
            } else {
                format!("unknown key `{shown}` in {what}")
            };
            self.problems.borrow_mut().push(Problem {
                place: place_of(key.span()),
                width: shown.chars().count(),
                code: "unknown-key",
                message,
                help: Some(help),
            });
        }
        let owner = NodeDeserializer {
            owner: if named {
                Some(what.as_str().into())
            } else {
                self.owner.clone()
            },
            ..self.child(self.node, self.key, self.anchor)
        };
        visitor
            .visit_map(Keys {
                entries: entries.into_iter(),
                value: None,
                parent: &owner,
            })
            .map_err(|e| {
                e.named(Unnamed::Mapping, &what)
                    .at(self.anchor.unwrap_or(self.node.place()), 1)
            })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (text, _) = self.scalar()?;
        let value: de::value::StrDeserializer<Error> = text.into_deserializer();
        visitor.visit_enum(value).map_err(|mut e| {
            if e.unnamed == Unnamed::Enumeration
                && let Some(what) = name.strip_prefix("unknown-")
            {
                e.code = name;
                e = e.named(Unnamed::Enumeration, &format!("unknown {what}"));
            }
            e.at(self.node.place(), text.chars().count())
        })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit_struct
        tuple tuple_struct
    }
}

/// The parts of a [`Field`]: its place, then its value (`None` when it is wrong: the
/// problem is recorded here, so the mapping holding it reads on). When the value is a
/// mapping that lacks a key, the key is reported and assumed, and the value is asked for
/// again, until no key is missing: each attempt records its problems anew.
struct FieldParts<'a, 'n, 'p> {
    parent: &'a NodeDeserializer<'n, 'p>,
    step: u8,
    /// The problems recorded before the value was first read.
    start: Option<usize>,
    /// The missing keys found so far, and their problems.
    assumed: Vec<&'static str>,
    missing: Vec<Problem>,
}

impl FieldParts<'_, '_, '_> {
    /// `error` as a problem of the file, named by the item it is in.
    fn problem(&self, error: Error) -> Problem {
        let mut problem = error.into_problem(self.parent.node.place());
        if let Some(owner) = &self.parent.owner
            && !problem.message.starts_with(&**owner)
        {
            problem.message = format!("{owner}: {}", problem.message);
        }
        problem
    }
}

impl<'de> SeqAccess<'de> for FieldParts<'_, '_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.step = self.step.saturating_add(1);
        let parent = self.parent;
        if self.step == 1 {
            return seed
                .deserialize(pack(parent.node.place()).into_deserializer())
                .map(Some);
        }
        if let Ref::Assumed(_) = parent.node {
            return Ok(None);
        }
        let start = *self.start.get_or_insert(parent.problems.borrow().len());
        {
            let mut problems = parent.problems.borrow_mut();
            problems.truncate(start);
            problems.extend(self.missing.iter().cloned());
        }
        let attempt = NodeDeserializer {
            index: parent.index,
            assumed: self.assumed.clone(),
            ..parent.child(parent.node, parent.key, parent.anchor)
        };
        match seed.deserialize(attempt) {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.silent => Ok(None),
            Err(error) => match error.missing {
                Some(key) if !self.assumed.contains(&key) && self.assumed.len() < MAX_MISSING => {
                    self.assumed.push(key);
                    let problem = self.problem(error);
                    self.missing.push(problem);
                    Err(Error::silent())
                }
                _ => {
                    let problem = self.problem(error);
                    parent.problems.borrow_mut().push(problem);
                    Ok(None)
                }
            },
        }
    }
}

struct Items<'a, 'n, 'p, I> {
    items: I,
    next: usize,
    parent: &'a NodeDeserializer<'n, 'p>,
}

impl<'de, 'n, I: Iterator<Item = &'n Node>> SeqAccess<'de> for Items<'_, 'n, '_, I> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        let item = NodeDeserializer {
            index: Some(self.next),
            ..self.parent.child(Ref::of(node), self.parent.key, None)
        };
        self.next += 1;
        seed.deserialize(item).map(Some)
    }
}

/// An entry of a mapping: as written, or assumed for a key it lacks.
enum Entry<'n> {
    Written(&'n MarkedScalarNode, &'n Node),
    Assumed(&'static str),
}

struct Keys<'a, 'n, 'p, I> {
    entries: I,
    value: Option<Entry<'n>>,
    parent: &'a NodeDeserializer<'n, 'p>,
}

impl<'de, 'n, I> MapAccess<'de> for Keys<'_, 'n, '_, I>
where
    I: Iterator<Item = Entry<'n>>,
{
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        let key = match entry {
            Entry::Written(key, _) => {
                seed.deserialize(self.parent.child(Ref::Scalar(key), None, None))
            }
            Entry::Assumed(key) => seed.deserialize(key.into_deserializer()),
        };
        self.value = Some(entry);
        key.map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let parent = self.parent;
        match self.value.take() {
            Some(Entry::Written(key, node)) => {
                let anchor = Some(place_of(key.span()));
                seed.deserialize(parent.child(Ref::of(node), Some(key.as_str()), anchor))
            }
            Some(Entry::Assumed(key)) => {
                let at = Ref::Assumed(parent.node.place());
                seed.deserialize(parent.child(at, Some(key), parent.anchor))
            }
            None => Err(Error::new(
                "wrong-shape",
                "a value without its key".into(),
                None,
            )),
        }
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
