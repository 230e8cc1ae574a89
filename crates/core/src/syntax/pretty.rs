//! Printing an expression as a person writes it: brackets only where the grammar needs
//! them, one space around operators, and a long `or`/`and` chain or `if` broken into lines
//! (what `wotrules fmt` writes). Parsing the text gives the same tree.

use super::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

/// How tightly a form binds, loosest first, as `grammar/expr.pest` nests them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    If,
    Or,
    And,
    Not,
    Comparison,
    Coalesce,
    Sum,
    Product,
    Negate,
    Atom,
}

fn level(expr: &Expr) -> Level {
    match &expr.kind {
        ExprKind::If(..) => Level::If,
        ExprKind::Binary(op, ..) => binary_level(*op),
        ExprKind::In { .. } => Level::Comparison,
        ExprKind::Unary(UnaryOp::Not, _) => Level::Not,
        ExprKind::Unary(UnaryOp::Negate, _) => Level::Negate,
        ExprKind::Int(value) if *value < 0 => Level::Negate,
        _ => Level::Atom,
    }
}

fn binary_level(op: BinaryOp) -> Level {
    match op {
        BinaryOp::Or => Level::Or,
        BinaryOp::And => Level::And,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            Level::Comparison
        }
        BinaryOp::Coalesce => Level::Coalesce,
        BinaryOp::Add | BinaryOp::Sub => Level::Sum,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => Level::Product,
    }
}

/// `expr` on one line.
pub fn pretty(expr: &Expr) -> String {
    let mut out = String::new();
    write(expr, &mut out);
    out
}

/// `expr` as lines no wider than `width` where it can be broken (more deeply indented
/// lines continue the one above): an `if` as `if …` / `then …` / `else …`; an `or` or
/// `and` chain one operand a line, each after the first led by its operator; a chain of
/// `??`, `+ -` or `* / %` filled line by line, a line led by its operator; an aggregation with its `where` on a line of its own; a call with its last
/// argument broken. Joined with spaces, the lines read as [`pretty`] does.
pub fn pretty_lines(expr: &Expr, width: usize) -> Vec<String> {
    let line = pretty(expr);
    if line.len() <= width {
        return vec![line];
    }
    match &expr.kind {
        ExprKind::If(condition, then, otherwise) => {
            let mut lines = Vec::new();
            for (word, part) in [("if", condition), ("then", then), ("else", otherwise)] {
                lines.extend(led(word, &pretty_lines(part, width.saturating_sub(5))));
            }
            lines
        }
        ExprKind::Binary(op, ..) if binary_level(*op) != Level::Comparison => {
            let own = binary_level(*op);
            let mut operands = Vec::new();
            chain(expr, own, &mut operands);
            // `or` and `and` one operand a line; arithmetic filled while it fits.
            let fill = !matches!(own, Level::Or | Level::And);
            let mut lines: Vec<String> = Vec::new();
            for (index, (op, operand)) in operands.iter().enumerate() {
                let broken = operand_lines(operand, own, index > 0, width.saturating_sub(4));
                let Some(op) = op.filter(|_| index > 0) else {
                    lines.extend(broken);
                    continue;
                };
                let joined = lines
                    .last()
                    .map(|last| format!("{last} {} {}", op.symbol(), broken[0]));
                match joined {
                    Some(joined) if fill && broken.len() == 1 && joined.len() <= width => {
                        if let Some(last) = lines.last_mut() {
                            *last = joined;
                        }
                    }
                    _ => lines.extend(led(op.symbol(), &broken)),
                }
            }
            lines
        }
        ExprKind::Aggregate(aggregate) => {
            let mut head = format!("{}(", aggregate.kind.name());
            if let Some(value) = &aggregate.value {
                head.push_str(&in_argument(value));
                head.push_str(" for ");
            }
            head.push_str(&aggregate.variable.text);
            head.push_str(" in ");
            head.push_str(&in_argument(&aggregate.source));
            let mut lines = vec![head];
            if let Some(filter) = &aggregate.filter {
                let filter = pretty_lines(filter, width.saturating_sub(8));
                lines.extend(indented(&led("where", &filter)));
            }
            close(&mut lines);
            lines
        }
        ExprKind::Call(name, items) if !items.is_empty() => {
            let (last, first) = items.split_last().unwrap_or((&items[0], &[]));
            let mut head = format!("{}(", name.text);
            for item in first {
                head.push_str(&in_argument(item));
                head.push_str(", ");
            }
            let last = match &last.kind {
                ExprKind::In { .. } => vec![format!("({})", pretty(last))],
                _ => pretty_lines(last, width.saturating_sub(head.len())),
            };
            let mut lines = vec![format!("{head}{}", last[0])];
            lines.extend(indented(&last[1..]));
            close(&mut lines);
            lines
        }
        _ => vec![line],
    }
}

/// Lines led by `word`: `word` before the first, the rest indented under it.
fn led(word: &str, lines: &[String]) -> Vec<String> {
    let Some((first, rest)) = lines.split_first() else {
        return vec![word.to_string()];
    };
    let mut out = vec![format!("{word} {first}")];
    out.extend(indented(rest));
    out
}

fn indented(lines: &[String]) -> Vec<String> {
    lines.iter().map(|line| format!("  {line}")).collect()
}

fn close(lines: &mut [String]) {
    if let Some(last) = lines.last_mut() {
        last.push(')');
    }
}

/// An operand broken into lines, bracketed as [`operand_text`] brackets it.
fn operand_lines(expr: &Expr, parent: Level, right: bool, width: usize) -> Vec<String> {
    if !bracketed(expr, parent, right) {
        return pretty_lines(expr, width);
    }
    let mut lines = pretty_lines(expr, width.saturating_sub(2));
    lines[0] = format!("({}", lines[0]);
    close(&mut lines);
    lines
}

/// The operands of a left-nested chain of operators of level `level`, each with the
/// operator before it.
fn chain<'a>(expr: &'a Expr, level: Level, out: &mut Vec<(Option<BinaryOp>, &'a Expr)>) {
    match &expr.kind {
        ExprKind::Binary(op, left, right) if binary_level(*op) == level => {
            chain(left, level, out);
            out.push((Some(*op), right));
        }
        _ => out.push((None, expr)),
    }
}

/// Whether an operand of a form of level `parent` is bracketed: when it binds more
/// loosely, or as loosely on the right of a left-associative operator, or (for the reader)
/// an `and` inside an `or`.
fn bracketed(expr: &Expr, parent: Level, right: bool) -> bool {
    let own = level(expr);
    own < parent || (right && own == parent) || (parent == Level::Or && own == Level::And)
}

/// An operand of a form of level `parent`: bracketed when it binds more loosely, or as
/// loosely on the right of a left-associative operator.
fn operand_text(expr: &Expr, parent: Level, right: bool) -> String {
    if bracketed(expr, parent, right) {
        format!("({})", pretty(expr))
    } else {
        pretty(expr)
    }
}

fn write(expr: &Expr, out: &mut String) {
    match &expr.kind {
        ExprKind::Int(value) => out.push_str(&value.to_string()),
        ExprKind::Str(text) => {
            out.push('"');
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        ExprKind::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        ExprKind::Date(date) => out.push_str(&date.format("%Y-%m-%d").to_string()),
        ExprKind::Null => out.push_str("null"),
        ExprKind::List(items) => {
            out.push('[');
            arguments(items, out);
            out.push(']');
        }
        ExprKind::Var(name) => out.push_str(name),
        ExprKind::Field(object, name) => {
            out.push_str(&operand_text(object, Level::Atom, false));
            out.push('.');
            out.push_str(&name.text);
        }
        ExprKind::Unary(UnaryOp::Not, inner) => {
            out.push_str("not ");
            out.push_str(&operand_text(inner, Level::Not, false));
        }
        ExprKind::Unary(UnaryOp::Negate, inner) => {
            out.push('-');
            out.push_str(&operand_text(inner, Level::Negate, false));
        }
        ExprKind::Binary(op, left, right) => {
            let own = binary_level(*op);
            // Comparisons do not chain: both sides bind more tightly.
            let left_level = if own == Level::Comparison {
                Level::Coalesce
            } else {
                own
            };
            out.push_str(&operand_text(left, left_level, false));
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            out.push_str(&operand_text(right, own, true));
        }
        ExprKind::In {
            value,
            list,
            negated,
        } => {
            out.push_str(&operand_text(value, Level::Coalesce, false));
            out.push_str(if *negated { " not in " } else { " in " });
            write(list, out);
        }
        ExprKind::If(condition, then, otherwise) => {
            out.push_str("if ");
            write(condition, out);
            out.push_str(" then ");
            write(then, out);
            out.push_str(" else ");
            write(otherwise, out);
        }
        ExprKind::Call(name, items) => {
            out.push_str(&name.text);
            out.push('(');
            arguments(items, out);
            out.push(')');
        }
        ExprKind::Aggregate(aggregate) => {
            out.push_str(aggregate.kind.name());
            out.push('(');
            if let Some(value) = &aggregate.value {
                out.push_str(&in_argument(value));
                out.push_str(" for ");
            }
            out.push_str(&aggregate.variable.text);
            out.push_str(" in ");
            out.push_str(&in_argument(&aggregate.source));
            if let Some(filter) = &aggregate.filter {
                out.push_str(" where ");
                write(filter, out);
            }
            out.push(')');
        }
    }
}

/// Arguments or list items, an `in` test bracketed (`min((x) in [])` must not read back as
/// an aggregation).
fn arguments(items: &[Expr], out: &mut String) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(&in_argument(item));
    }
}

fn in_argument(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::In { .. } => format!("({})", pretty(expr)),
        _ => pretty(expr),
    }
}
