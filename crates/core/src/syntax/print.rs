//! Printing an expression back as text: fully bracketed, so that parsing the text gives the
//! same tree. Two conditions that print alike are the same condition, however they were
//! spaced or bracketed.

use std::fmt;

use super::ast::{Expr, ExprKind, UnaryOp};

impl Expr {
    /// Whether the expression prints without brackets around it.
    fn is_atomic(&self) -> bool {
        !matches!(
            self.kind,
            ExprKind::Unary(..) | ExprKind::Binary(..) | ExprKind::In { .. } | ExprKind::If(..)
        )
    }
}

/// An operand: bracketed unless it is atomic.
struct Operand<'a>(&'a Expr);

impl fmt::Display for Operand<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_atomic() {
            write!(f, "{}", self.0)
        } else {
            write!(f, "({})", self.0)
        }
    }
}

/// Items of a list or arguments of a call, each bracketed unless atomic: `min(x in [])`
/// would read back as an aggregation, `min((x) in [])` does not.
fn list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            write!(f, ", ")?;
        }
        write!(f, "{}", Operand(item))?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Int(value) if *value < 0 => write!(f, "(-{})", value.unsigned_abs()),
            ExprKind::Int(value) => write!(f, "{value}"),
            ExprKind::Str(text) => {
                write!(f, "\"")?;
                for c in text.chars() {
                    match c {
                        '"' => write!(f, "\\\"")?,
                        '\\' => write!(f, "\\\\")?,
                        '\n' => write!(f, "\\n")?,
                        '\t' => write!(f, "\\t")?,
                        c => write!(f, "{c}")?,
                    }
                }
                write!(f, "\"")
            }
            ExprKind::Bool(value) => write!(f, "{value}"),
            ExprKind::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            ExprKind::Null => write!(f, "null"),
            ExprKind::List(items) => {
                write!(f, "[")?;
                list(f, items)?;
                write!(f, "]")
            }
            ExprKind::Var(name) => write!(f, "{name}"),
            ExprKind::Field(object, name) => write!(f, "{}.{}", Operand(object), name.text),
            ExprKind::Unary(UnaryOp::Not, inner) => write!(f, "not {}", Operand(inner)),
            ExprKind::Unary(UnaryOp::Negate, inner) => write!(f, "-{}", Operand(inner)),
            ExprKind::Binary(op, left, right) => {
                write!(f, "{} {} {}", Operand(left), op.symbol(), Operand(right))
            }
            ExprKind::In {
                value,
                list,
                negated,
            } => {
                let op = if *negated { "not in" } else { "in" };
                write!(f, "{} {op} {list}", Operand(value))
            }
            ExprKind::If(condition, then, otherwise) => write!(
                f,
                "if {} then {} else {}",
                Operand(condition),
                Operand(then),
                Operand(otherwise)
            ),
            ExprKind::Call(name, arguments) => {
                write!(f, "{}(", name.text)?;
                list(f, arguments)?;
                write!(f, ")")
            }
            ExprKind::Aggregate(aggregate) => {
                write!(f, "{}(", aggregate.kind.name())?;
                if let Some(value) = &aggregate.value {
                    write!(f, "{} for ", Operand(value))?;
                }
                write!(
                    f,
                    "{} in {}",
                    aggregate.variable.text,
                    Operand(&aggregate.source)
                )?;
                if let Some(filter) = &aggregate.filter {
                    write!(f, " where {filter}")?;
                }
                write!(f, ")")
            }
        }
    }
}
