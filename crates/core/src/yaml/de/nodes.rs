//! Serde over YAML nodes: the deserializer that walks a node tree, giving each value its
//! place and recording problems instead of stopping at them.

use super::{Error, FIELD, MAX_MISSING, Place, Problem, Unnamed, shorten};
use crate::diag::DiagnosticCode;
use crate::suggest::did_you_mean;
use marked_yaml::Node;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, MarkedSequenceNode};
use serde::Deserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::rc::Rc;

/// A node, or a mapping key (a scalar node of its own), or the value assumed for a key a
/// mapping lacks (at the mapping's place).
#[derive(Clone, Copy)]
pub(super) enum Ref<'n> {
    Scalar(&'n MarkedScalarNode),
    Sequence(&'n MarkedSequenceNode),
    Mapping(&'n MarkedMappingNode),
    Assumed(Place),
}

impl<'n> Ref<'n> {
    pub(super) fn of(node: &'n Node) -> Self {
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

pub(super) fn place_of(span: &marked_yaml::Span) -> Place {
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

pub(super) fn pack(place: Place) -> u128 {
    ((place.source as u128) << 64) | ((place.line as u128) << 32) | place.column as u128
}

pub(super) fn unpack(packed: u128) -> Place {
    Place {
        source: (packed >> 64) as usize,
        line: ((packed >> 32) & 0xffff_ffff) as usize,
        column: (packed & 0xffff_ffff) as usize,
    }
}

pub(super) struct NodeDeserializer<'n, 'p> {
    pub(super) node: Ref<'n>,
    /// The key this value stands under, for messages.
    pub(super) key: Option<&'n str>,
    /// Where that key is, when this value is a mapping's (not a list item's): a mapping that
    /// lacks a key is reported at the key that names it.
    pub(super) anchor: Option<Place>,
    /// Its index, when this value is a list item.
    pub(super) index: Option<usize>,
    /// The name of the item whose field this value is, for messages (`record 7`).
    pub(super) owner: Option<Rc<str>>,
    /// Keys this mapping lacks (reported), read as if there, each with an assumed value.
    pub(super) assumed: Vec<&'static str>,
    /// Keys of this mapping that others read (a feature's section): skipped, yet known.
    pub(super) elsewhere: &'p [&'static str],
    pub(super) problems: &'p RefCell<Vec<Problem>>,
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
            elsewhere: &[],
            problems: self.problems,
        }
    }

    /// How messages name this value: `` `key` `` or "the value".
    fn what(&self) -> String {
        self.key
            .map_or_else(|| "the value".into(), |key| format!("`{key}`"))
    }

    fn fail(&self, code: DiagnosticCode, message: String, help: Option<&str>) -> Error {
        if let Ref::Assumed(_) = self.node {
            return Error::silent();
        }
        Error::new(code, message, help.map(str::to_string)).at(self.node.place(), 1)
    }

    fn scalar(&self) -> Result<(&'n str, bool), Error> {
        self.node.scalar().ok_or_else(|| {
            self.fail(
                DiagnosticCode::WrongShape,
                format!("{} must be a single value", self.what()),
                Some("write one value; quote text that starts with `[`, `{` or `-`, or holds `: `"),
            )
        })
    }

    fn mapping(&self, what: &str) -> Result<&'n MarkedMappingNode, Error> {
        match self.node {
            Ref::Mapping(mapping) => Ok(mapping),
            _ => Err(self.fail(
                DiagnosticCode::WrongShape,
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
                DiagnosticCode::WrongValue,
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
                    DiagnosticCode::WrongValue,
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
            Err(self.fail(
                DiagnosticCode::WrongValue,
                format!("{} must be null", self.what()),
                None,
            ))
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
                DiagnosticCode::WrongShape,
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
            if self.elsewhere.contains(&key.as_str()) {
                continue;
            }
            let known = || fields.iter().chain(self.elsewhere).copied();
            let help = did_you_mean(key.as_str(), known()).unwrap_or_else(|| {
                format!("{what} takes: {}", known().collect::<Vec<_>>().join(", "))
            });
            let shown: String = key.as_str().chars().take(60).collect();
            let message = if named {
                format!("{what}: unknown key `{shown}`")
            } else {
                format!("unknown key `{shown}` in {what}")
            };
            self.problems.borrow_mut().push(Problem {
                place: place_of(key.span()),
                width: shown.chars().count(),
                code: DiagnosticCode::UnknownKey,
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
                // The enumerations of the formats have codes of their own; others keep
                // `unknown-value`.
                if let Some(code) = DiagnosticCode::from_name(name) {
                    e.code = code;
                }
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
pub(super) struct FieldParts<'a, 'n, 'p> {
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
            elsewhere: parent.elsewhere,
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

pub(super) struct Items<'a, 'n, 'p, I> {
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
pub(super) enum Entry<'n> {
    Written(&'n MarkedScalarNode, &'n Node),
    Assumed(&'static str),
}

pub(super) struct Keys<'a, 'n, 'p, I> {
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
                DiagnosticCode::WrongShape,
                "a value without its key".into(),
                None,
            )),
        }
    }
}
