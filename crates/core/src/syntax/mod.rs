//! Syntax: the expression language's grammar, parser and abstract syntax tree.
//!
//! `pest` pairs never leave this module: [`parse_expression`] lowers them to
//! [`ast::Expr`], every node carrying the byte [`ast::Span`] it came from.

pub mod ast;
mod parse;
mod pretty;
mod print;

pub use parse::{ParseError, parse_expression, parse_template};
pub use pretty::{pretty, pretty_lines};

/// The deepest nesting of brackets and prefix operators an expression may have.
pub(crate) const MAX_EXPRESSION_DEPTH: usize = 64;

/// The longest expression text accepted, in bytes.
pub(crate) const MAX_EXPRESSION_LENGTH: usize = 8 * 1024;
