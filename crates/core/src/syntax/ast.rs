//! The abstract syntax tree of expressions.

use chrono::NaiveDate;

/// A byte range inside one expression's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// An identifier with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The identifier.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// An expression node.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// An integer literal.
    Int(i64),
    /// A string literal (also the spelling of an enumeration value).
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// A date literal such as `2001-02-03`.
    Date(NaiveDate),
    /// `null`: the missing value.
    Null,
    /// `[a, b, …]`.
    List(Vec<Expr>),
    /// A bare identifier: `record`, `member`, `as_of`, `request` or a bound variable.
    Var(String),
    /// `object.field`.
    Field(Box<Expr>, Name),
    /// `not x`, `-x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `value in [..]` or `value not in [..]`.
    In {
        /// The value looked up.
        value: Box<Expr>,
        /// The literal list.
        list: Box<Expr>,
        /// `not in`.
        negated: bool,
    },
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `function(args…)`.
    Call(Name, Vec<Expr>),
    /// `kind(value for var in source where filter)`.
    Aggregate(Box<Aggregate>),
}

/// An aggregation over a collection of records.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// Which aggregation.
    pub kind: AggregateKind,
    /// The value aggregated (absent for `count` and `any` without one).
    pub value: Option<Expr>,
    /// The variable bound to each element.
    pub variable: Name,
    /// The collection.
    pub source: Expr,
    /// Only elements for which this holds are aggregated.
    pub filter: Option<Expr>,
}

pub(crate) use crate::lang::AggregateKind;

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`.
    Not,
    /// `-`.
    Negate,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `or`.
    Or,
    /// `and`.
    And,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
    /// `??`: the left value, or the right one when the left is missing.
    Coalesce,
}

impl BinaryOp {
    /// The operator as written in the language.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Self::Or => "or",
            Self::And => "and",
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
            Self::Rem => "%",
            Self::Coalesce => "??",
        }
    }
}
