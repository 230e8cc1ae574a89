//! What a piece of code yields, as a table column sees it: an integer, a boolean, text
//! (enumerations included), a date, a list, or an entity; and whether it may be missing.

use crate::builtins::{Param, Signature};
use crate::check::program::{AggregateCode, Arith, Code, Program};
use crate::data::{MemberField, RecordField};
use crate::lang::{AggregateKind, Scope, Type, Value};

/// The kind of value a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An integer.
    Int,
    /// A boolean.
    Bool,
    /// Text or an enumeration value.
    Text,
    /// A date.
    Date,
    /// A list (of integers or text).
    List,
    /// A record or a member.
    Entity(Scope),
    /// A member's records: only an aggregation's source.
    Records,
    /// The support request: only the object of its fields.
    Request,
    /// `null` alone: the kind of whatever it meets.
    Null,
}

/// A value's kind and whether it may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Typed {
    /// What it is.
    pub kind: Kind,
    /// Whether it may be missing.
    pub optional: bool,
}

impl Typed {
    fn of(ty: &Type) -> Self {
        let kind = match ty.required() {
            Type::Int => Kind::Int,
            Type::Bool => Kind::Bool,
            Type::Text | Type::Enum(_) => Kind::Text,
            Type::Date => Kind::Date,
            Type::List(_) => Kind::List,
            Type::Member => Kind::Entity(Scope::Member),
            Type::Record => Kind::Entity(Scope::Record),
            Type::Records => Kind::Records,
            Type::Request => Kind::Request,
            Type::Null | Type::Optional(_) => Kind::Null,
        };
        Self {
            kind,
            optional: ty.is_optional() || kind == Kind::Null,
        }
    }

    fn required(kind: Kind) -> Self {
        Self {
            kind,
            optional: false,
        }
    }
}

/// Types the code of one definition (aggregation variables are records).
pub struct Kinds<'p> {
    /// The program the code belongs to.
    pub program: &'p Program,
    /// The entity decided.
    pub scope: Scope,
}

impl Kinds<'_> {
    /// What `code` yields.
    pub fn of(&self, code: &Code) -> Typed {
        match code {
            Code::Const(value) => Typed::required(match value {
                Value::Int(_) => Kind::Int,
                Value::Bool(_) => Kind::Bool,
                Value::Text(_) => Kind::Text,
                Value::Date(_) => Kind::Date,
                Value::List(_) => Kind::List,
                _ => return Typed::of(&Type::Null),
            }),
            Code::AsOf => Typed::required(Kind::Date),
            Code::This => Typed::required(Kind::Entity(self.scope)),
            Code::Bound(_) => Typed::required(Kind::Entity(Scope::Record)),
            Code::Request(_) => Typed {
                kind: Kind::Text,
                optional: true,
            },
            Code::RecordField(_, field) => match field {
                RecordField::Assurer | RecordField::Assuree => {
                    Typed::required(Kind::Entity(Scope::Member))
                }
                field => Typed::of(&field.ty()),
            },
            Code::MemberField(_, field) => match field {
                MemberField::Received | MemberField::Given => Typed::required(Kind::Records),
                field => Typed::of(&field.ty()),
            },
            Code::Definition(_, id) | Code::Overridden { definition: id, .. } => {
                Typed::of(&self.program.definitions[*id].ty)
            }
            Code::Not(_) | Code::And(..) | Code::Or(..) | Code::Compare(..) | Code::In(..) => {
                Typed::required(Kind::Bool)
            }
            Code::Negate(_) => Typed::required(Kind::Int),
            Code::Arith(Arith::Concat, ..) => Typed::required(Kind::Text),
            Code::Arith(..) => Typed::required(Kind::Int),
            Code::Coalesce(left, right) => {
                let (left, right) = (self.of(left), self.of(right));
                Typed {
                    kind: if right.kind == Kind::Null {
                        left.kind
                    } else {
                        right.kind
                    },
                    optional: right.optional,
                }
            }
            Code::If(_, then, otherwise) => {
                let (then, otherwise) = (self.of(then), self.of(otherwise));
                Typed {
                    kind: if then.kind == Kind::Null {
                        otherwise.kind
                    } else {
                        then.kind
                    },
                    optional: then.optional || otherwise.optional,
                }
            }
            Code::Call(builtin, arguments) => match builtin.spec().signature {
                Signature::Fixed(_, result) => Typed {
                    kind: match result {
                        Param::Int => Kind::Int,
                        Param::Bool => Kind::Bool,
                        Param::Text => Kind::Text,
                        Param::Date | Param::OptionalDate => Kind::Date,
                    },
                    optional: result == Param::OptionalDate,
                },
                Signature::TwoOrdered => Typed::required(
                    arguments
                        .first()
                        .map_or(Kind::Int, |argument| self.of(argument).kind),
                ),
                Signature::Template => Typed::required(Kind::Text),
            },
            Code::Aggregate(aggregate) => self.aggregate(aggregate),
        }
    }

    fn aggregate(&self, aggregate: &AggregateCode) -> Typed {
        match aggregate.kind {
            AggregateKind::Count | AggregateKind::CountDistinct | AggregateKind::Sum => {
                Typed::required(Kind::Int)
            }
            AggregateKind::Any | AggregateKind::All => Typed::required(Kind::Bool),
            AggregateKind::Lines => Typed::required(Kind::Text),
            AggregateKind::Min | AggregateKind::Max => Typed {
                kind: aggregate
                    .value
                    .as_ref()
                    .map_or(Kind::Int, |value| self.of(value).kind),
                optional: true,
            },
        }
    }
}

/// What a definition's value is, as a column.
pub fn definition_kind(program: &Program, id: usize) -> Typed {
    Typed::of(&program.definitions[id].ty)
}
