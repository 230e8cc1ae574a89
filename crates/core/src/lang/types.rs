//! The language's types.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

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
    pub(crate) fn optional(self) -> Type {
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
    pub(crate) fn parse(text: &str, enums: &HashMap<String, Vec<String>>) -> Option<Type> {
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
