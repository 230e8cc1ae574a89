//! Parsing: expression text → pest pairs → [`Expr`].

use chrono::NaiveDate;
use pest::Parser;
use pest::iterators::Pair;

use super::ast::{Aggregate, AggregateKind, BinaryOp, Expr, ExprKind, Name, Span, UnaryOp};
use super::{MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH};

#[derive(pest_derive::Parser)]
#[grammar = "../../../grammar/expr.pest"]
struct ExpressionParser;

/// Why an expression could not be parsed, with the byte offset to point at.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// Byte offset inside the expression text.
    pub offset: usize,
    /// What is wrong (lowercase, no final period).
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The edit that fixes it, when certain: how many bytes from `offset` are replaced,
    /// and by what.
    pub fix: Option<(usize, String)>,
}

impl ParseError {
    fn new(offset: usize, message: impl Into<String>, help: Option<&str>) -> Self {
        Self {
            offset,
            message: message.into(),
            help: help.map(str::to_string),
            fix: None,
        }
    }
}

/// Parses one expression.
pub fn parse_expression(text: &str) -> Result<Expr, ParseError> {
    if text.len() > MAX_EXPRESSION_LENGTH {
        return Err(ParseError::new(
            0,
            format!(
                "expression is {} bytes long, the limit is {MAX_EXPRESSION_LENGTH}",
                text.len()
            ),
            Some("split it into named definitions"),
        ));
    }
    check_nesting(text)?;
    let mut pairs = ExpressionParser::parse(Rule::expression, text)
        .map_err(|error| what_was_meant(text).unwrap_or_else(|| from_pest_error(error)))?;
    let Some(expression) = pairs.next() else {
        return Err(ParseError::new(0, "empty expression", None));
    };
    let Some(expr) = expression.into_inner().next() else {
        return Err(ParseError::new(0, "empty expression", None));
    };
    lower(expr)
}

/// Parses a message template: text with `{expression}` holes (`{{` and `}}` for braces),
/// lowered to `"text" + format("{}", expression) + …`, so that the checker types every hole
/// as a `format` argument (present, and an integer, text, date or enumeration value).
pub fn parse_template(text: &str) -> Result<Expr, ParseError> {
    if text.len() > MAX_EXPRESSION_LENGTH {
        return Err(ParseError::new(
            0,
            format!(
                "template is {} bytes long, the limit is {MAX_EXPRESSION_LENGTH}",
                text.len()
            ),
            Some("split it into templates of their own and join them with `+`"),
        ));
    }
    for (start, hole) in template_holes(text) {
        check_nesting(hole).map_err(|mut error| {
            error.offset += start;
            error
        })?;
    }
    let mut pairs = ExpressionParser::parse(Rule::template, text).map_err(|error| {
        let mut error = from_pest_error(error);
        error.help = Some(
            "a template is text with `{expression}` holes; write `{{` or `}}` for a brace".into(),
        );
        error
    })?;
    let parts = pairs.next().map(Pair::into_inner).into_iter().flatten();
    let mut result: Option<Expr> = None;
    for part in parts {
        let span = span_of(&part);
        let piece = match part.as_rule() {
            Rule::template_text => node(
                ExprKind::Str(part.as_str().replace("{{", "{").replace("}}", "}")),
                span,
            ),
            Rule::template_hole => {
                let inner = next(&mut part.into_inner(), span)?;
                let value = lower(inner)?;
                let format = Name {
                    text: "format".into(),
                    span,
                };
                let holes = node(ExprKind::Str("{}".into()), span);
                node(ExprKind::Call(format, vec![holes, value]), span)
            }
            _ => continue,
        };
        result = Some(match result {
            None => piece,
            Some(left) => {
                let joined = join(left.span, piece.span);
                node(
                    ExprKind::Binary(BinaryOp::Add, Box::new(left), Box::new(piece)),
                    joined,
                )
            }
        });
    }
    Ok(result.unwrap_or_else(|| node(ExprKind::Str(String::new()), Span::default())))
}

/// The expression text of each `{hole}` of a template, with its byte offset (prose outside
/// the holes is not an expression: its dashes and words are not operators).
fn template_holes(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut holes = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'{' | b'}' if bytes.get(index + 1) == Some(&bytes[index]) => index += 2,
            b'{' => {
                let start = index + 1;
                let (mut end, mut in_string, mut escaped) = (start, false, false);
                while end < bytes.len() {
                    match (in_string, escaped, bytes[end]) {
                        (true, true, _) => escaped = false,
                        (true, false, b'\\') => escaped = true,
                        (_, false, b'"') => in_string = !in_string,
                        (false, _, b'}') => break,
                        _ => {}
                    }
                    end += 1;
                }
                holes.push((start, &text[start..end]));
                index = end + 1;
            }
            _ => index += 1,
        }
    }
    holes
}

/// Rejects nesting deeper than [`MAX_EXPRESSION_DEPTH`] before the recursive parser sees it.
fn check_nesting(text: &str) -> Result<(), ParseError> {
    let mut depth = 0usize;
    let mut prefix_operators = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let bytes = text.as_bytes();
    for (offset, &byte) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'-' => prefix_operators += 1,
            b'n' | b'i' if starts_keyword(bytes, offset) => prefix_operators += 1,
            _ => {}
        }
        if depth > MAX_EXPRESSION_DEPTH || prefix_operators > 4 * MAX_EXPRESSION_DEPTH {
            return Err(ParseError::new(
                offset,
                format!("expression nests deeper than {MAX_EXPRESSION_DEPTH} levels"),
                Some("split it into named definitions"),
            ));
        }
    }
    Ok(())
}

/// Whether `not` or `if` starts at `offset` as a whole word.
fn starts_keyword(bytes: &[u8], offset: usize) -> bool {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if offset > 0 && is_word(bytes[offset - 1]) {
        return false;
    }
    [&b"not"[..], &b"if"[..]].iter().any(|keyword| {
        bytes[offset..].starts_with(keyword)
            && bytes
                .get(offset + keyword.len())
                .is_none_or(|&b| !is_word(b))
    })
}

fn from_pest_error(error: pest::error::Error<Rule>) -> ParseError {
    let offset = match error.location {
        pest::error::InputLocation::Pos(position) => position,
        pest::error::InputLocation::Span((start, _)) => start,
    };
    let message = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = positives
                .iter()
                .filter_map(|rule| describe(*rule))
                .collect();
            expected.sort_unstable();
            expected.dedup();
            match expected.as_slice() {
                [] => "unexpected input".to_string(),
                [one] => format!("expected {one}"),
                [init @ .., last] => format!("expected {} or {last}", init.join(", ")),
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    ParseError::new(offset, message, Some("see the rule language in README.md"))
}

/// A mistake a reader of other languages makes, said in their terms: `=` for `==`, `&&` and
/// `||` for `and` and `or`, single quotes around a text, a date with a letter in it. The
/// first such mistake outside a double-quoted text, or `None` when the text has none.
fn what_was_meant(text: &str) -> Option<ParseError> {
    let bytes = text.as_bytes();
    let (mut index, mut in_text) = (0, false);
    while index < bytes.len() {
        let rest = &text[index..];
        let previous = index.checked_sub(1).map(|i| bytes[i]);
        let mistake = match bytes[index] {
            b'\\' if in_text => {
                index += 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
                continue;
            }
            b'"' => {
                in_text = !in_text;
                None
            }
            _ if in_text => None,
            b'&' => Some((
                if rest.starts_with("&&") {
                    "`&&`"
                } else {
                    "`&`"
                },
                "is not an operator".to_string(),
                "write `and`: `a and b`".to_string(),
            )),
            b'|' => Some((
                if rest.starts_with("||") {
                    "`||`"
                } else {
                    "`|`"
                },
                "is not an operator".to_string(),
                "write `or`: `a or b`".to_string(),
            )),
            b'=' if rest.starts_with("===") && previous != Some(b'=') => Some((
                "`===`",
                "is not an operator".to_string(),
                "write `==` to test equality".to_string(),
            )),
            b'=' if !rest.starts_with("==")
                && !matches!(previous, Some(b'=' | b'!' | b'<' | b'>')) =>
            {
                Some((
                    "`=`",
                    "is not a comparison".to_string(),
                    "write `==` to test equality".to_string(),
                ))
            }
            b'\'' => Some((
                "`'`",
                "does not start a text".to_string(),
                "texts take double quotes: `\"TTP-Assisted\"`".to_string(),
            )),
            b'0'..=b'9' if !previous.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                let token: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                let date_shaped = token.len() == 10 && token.as_bytes()[4] == b'-';
                let digits = token.trim_end_matches(|c: char| c.is_ascii_alphabetic());
                if date_shaped && token.bytes().any(|b| b.is_ascii_alphabetic()) {
                    Some((
                        "",
                        format!("`{token}` is not a date"),
                        "a date is written with digits as YYYY-MM-DD, without quotes".to_string(),
                    ))
                } else if token.bytes().any(|b| b.is_ascii_alphabetic())
                    && !token.contains('-')
                    && digits.bytes().all(|b| b.is_ascii_digit())
                {
                    Some((
                        "",
                        format!("`{token}` is not a number"),
                        "a number is written with digits only; a name starts with a letter"
                            .to_string(),
                    ))
                } else {
                    index += token.len().max(1);
                    continue;
                }
            }
            _ => None,
        };
        if let Some((what, message, help)) = mistake {
            let fix = fix_of(what, text, index);
            let message = if what.is_empty() {
                message
            } else {
                format!("{what} {message}")
            };
            let mut error = ParseError::new(index, message, Some(&help));
            error.fix = fix;
            return Some(error);
        }
        index += rest.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The edit for the mistake `what` (as its message names it) at byte `index` of `text`:
/// `&&` → `and`, `||` → `or` (spaced from their neighbours), `=` and `===` → `==`, a text
/// in single quotes → in double quotes.
fn fix_of(what: &str, text: &str, index: usize) -> Option<(usize, String)> {
    let token = what.trim_matches('`');
    let spaced = |word: &str| {
        let before = text[..index].chars().next_back();
        let after = text[index + token.len()..].chars().next();
        let pad = |c: Option<char>| {
            if c.is_some_and(|c| !c.is_whitespace()) {
                " "
            } else {
                ""
            }
        };
        format!("{}{word}{}", pad(before), pad(after))
    };
    match token {
        "&&" | "&" => Some((token.len(), spaced("and"))),
        "||" | "|" => Some((token.len(), spaced("or"))),
        "=" | "===" => Some((token.len(), "==".to_owned())),
        "'" => {
            let inner_start = index + 1;
            let close = text[inner_start..].find('\'')?;
            let inner = &text[inner_start..inner_start + close];
            (!inner.contains(['"', '\\'])).then(|| (close + 2, format!("\"{inner}\"")))
        }
        _ => None,
    }
}

/// Human names for the grammar rules a parse error can expect.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of expression",
        Rule::expr | Rule::or_expr | Rule::and_expr | Rule::not_expr | Rule::comparison => {
            "an expression"
        }
        Rule::coalesce | Rule::sum | Rule::product | Rule::unary | Rule::postfix => "an expression",
        Rule::if_expr | Rule::kw_if => "`if`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_for => "`for`",
        Rule::kw_in | Rule::in_op => "`in`",
        Rule::not_in_op => "`not in`",
        Rule::kw_where => "`where`",
        Rule::cmp_op => "a comparison",
        Rule::add_op | Rule::mul_op => "an operator",
        Rule::coalesce_op => "`??`",
        Rule::or_op => "`or`",
        Rule::and_op => "`and`",
        Rule::list => "a list `[..]`",
        Rule::identifier | Rule::field_name => "a name",
        Rule::integer => "an integer",
        Rule::date => "a date",
        Rule::string => "a string",
        Rule::call => "a function call",
        Rule::aggregate_for | Rule::aggregate_in | Rule::call_rest => "`,`, `for` or `in`",
        Rule::template_text => "text",
        Rule::template_hole => "a `{hole}`",
        _ => return None,
    })
}

fn span_of(pair: &Pair<Rule>) -> Span {
    let span = pair.as_span();
    Span {
        start: span.start(),
        end: span.end(),
    }
}

fn name_of(pair: &Pair<Rule>) -> Name {
    Name {
        text: pair.as_str().to_string(),
        span: span_of(pair),
    }
}

fn node(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

fn join(left: Span, right: Span) -> Span {
    Span {
        start: left.start,
        end: right.end,
    }
}

/// Takes the next inner pair; the grammar guarantees it, a failure is reported, not panicked.
fn next<'a>(
    pairs: &mut pest::iterators::Pairs<'a, Rule>,
    at: Span,
) -> Result<Pair<'a, Rule>, ParseError> {
    pairs
        .next()
        .ok_or_else(|| ParseError::new(at.start, "incomplete expression", None))
}

fn lower(pair: Pair<Rule>) -> Result<Expr, ParseError> {
    let span = span_of(&pair);
    match pair.as_rule() {
        Rule::expr => {
            let mut inner = pair.into_inner();
            lower(next(&mut inner, span)?)
        }
        Rule::if_expr => {
            let mut inner = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
            let condition = lower(inner.next().ok_or_else(|| incomplete(span))?)?;
            let then = lower(inner.next().ok_or_else(|| incomplete(span))?)?;
            let otherwise = lower(inner.next().ok_or_else(|| incomplete(span))?)?;
            Ok(node(
                ExprKind::If(Box::new(condition), Box::new(then), Box::new(otherwise)),
                span,
            ))
        }
        Rule::or_expr | Rule::and_expr | Rule::coalesce | Rule::sum | Rule::product => {
            lower_left_fold(pair)
        }
        Rule::not_expr | Rule::unary => {
            let mut inner = pair.into_inner();
            let first = next(&mut inner, span)?;
            match first.as_rule() {
                Rule::not_op | Rule::neg_op => {
                    let op = if first.as_rule() == Rule::not_op {
                        UnaryOp::Not
                    } else {
                        UnaryOp::Negate
                    };
                    let operand = lower(next(&mut inner, span)?)?;
                    Ok(node(ExprKind::Unary(op, Box::new(operand)), span))
                }
                _ => lower(first),
            }
        }
        Rule::comparison => lower_comparison(pair),
        Rule::postfix => {
            let mut inner = pair.into_inner();
            let mut expr = lower(next(&mut inner, span)?)?;
            for field in inner {
                let field_span = join(expr.span, span_of(&field));
                expr = node(ExprKind::Field(Box::new(expr), name_of(&field)), field_span);
            }
            Ok(expr)
        }
        Rule::list => {
            let items = pair
                .into_inner()
                .map(lower)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(node(ExprKind::List(items), span))
        }
        Rule::date => {
            let date = NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d").map_err(|_| {
                ParseError::new(
                    span.start,
                    format!("`{}` is not a calendar date", pair.as_str()),
                    Some("write a real date as YYYY-MM-DD"),
                )
            })?;
            Ok(node(ExprKind::Date(date), span))
        }
        Rule::integer => {
            let value = pair.as_str().parse::<i64>().map_err(|_| {
                ParseError::new(
                    span.start,
                    format!("integer `{}` is too large", pair.as_str()),
                    Some("integers range from -9223372036854775808 to 9223372036854775807"),
                )
            })?;
            Ok(node(ExprKind::Int(value), span))
        }
        Rule::string => {
            let body = pair
                .into_inner()
                .next()
                .map(|p| p.as_str())
                .unwrap_or_default();
            Ok(node(ExprKind::Str(unescape(body)), span))
        }
        Rule::kw_true => Ok(node(ExprKind::Bool(true), span)),
        Rule::kw_false => Ok(node(ExprKind::Bool(false), span)),
        Rule::kw_null => Ok(node(ExprKind::Null, span)),
        Rule::identifier => Ok(node(ExprKind::Var(pair.as_str().to_string()), span)),
        Rule::call => lower_call(pair),
        _ => Err(ParseError::new(span.start, "unexpected syntax", None)),
    }
}

fn incomplete(span: Span) -> ParseError {
    ParseError::new(span.start, "incomplete expression", None)
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_if | Rule::kw_then | Rule::kw_else | Rule::kw_for | Rule::kw_in | Rule::kw_where
    )
}

fn lower_left_fold(pair: Pair<Rule>) -> Result<Expr, ParseError> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let mut left = lower(next(&mut inner, span)?)?;
    while let Some(operator) = inner.next() {
        let op = binary_op(&operator)?;
        let right = lower(next(&mut inner, span)?)?;
        let span = join(left.span, right.span);
        left = node(ExprKind::Binary(op, Box::new(left), Box::new(right)), span);
    }
    Ok(left)
}

/// The operator a grammar token spells; every operator rule of the grammar is listed.
fn binary_op(operator: &Pair<Rule>) -> Result<BinaryOp, ParseError> {
    Ok(match (operator.as_rule(), operator.as_str()) {
        (Rule::or_op, _) => BinaryOp::Or,
        (Rule::and_op, _) => BinaryOp::And,
        (Rule::coalesce_op, _) => BinaryOp::Coalesce,
        (_, "==") => BinaryOp::Eq,
        (_, "!=") => BinaryOp::Ne,
        (_, "<") => BinaryOp::Lt,
        (_, "<=") => BinaryOp::Le,
        (_, ">") => BinaryOp::Gt,
        (_, ">=") => BinaryOp::Ge,
        (_, "+") => BinaryOp::Add,
        (_, "-") => BinaryOp::Sub,
        (_, "*") => BinaryOp::Mul,
        (_, "/") => BinaryOp::Div,
        (_, "%") => BinaryOp::Rem,
        (_, other) => {
            return Err(ParseError::new(
                operator.as_span().start(),
                format!("`{other}` is not an operator"),
                None,
            ));
        }
    })
}

fn lower_comparison(pair: Pair<Rule>) -> Result<Expr, ParseError> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let left = lower(next(&mut inner, span)?)?;
    let Some(operator) = inner.next() else {
        return Ok(left);
    };
    let right = lower(next(&mut inner, span)?)?;
    let kind = match operator.as_rule() {
        Rule::in_op | Rule::not_in_op => ExprKind::In {
            value: Box::new(left),
            list: Box::new(right),
            negated: operator.as_rule() == Rule::not_in_op,
        },
        _ => ExprKind::Binary(binary_op(&operator)?, Box::new(left), Box::new(right)),
    };
    Ok(node(kind, span))
}

/// A call `f(a, …)`, or an aggregation `sum(v for r in S where c)` / `count(r in S where c)`.
fn lower_call(pair: Pair<Rule>) -> Result<Expr, ParseError> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let function = name_of(&next(&mut inner, span)?);
    let Some(first) = inner.next() else {
        return Ok(node(ExprKind::Call(function, Vec::new()), span));
    };
    let first = lower(first)?;
    let rest = next(&mut inner, span)?;
    let rule = rest.as_rule();
    let mut parts = rest.into_inner().filter(|p| !is_keyword(p.as_rule()));
    if rule == Rule::call_rest {
        let mut arguments = vec![first];
        for argument in parts {
            arguments.push(lower(argument)?);
        }
        return Ok(node(ExprKind::Call(function, arguments), span));
    }
    let Some(kind) = aggregate_kind(&function.text) else {
        return Err(ParseError::new(
            function.span.start,
            format!("`{}` is not an aggregation", function.text),
            Some("aggregate with count, count_distinct, sum, min, max, any, all or lines"),
        ));
    };
    let (value, variable) = if rule == Rule::aggregate_for {
        (
            Some(first),
            name_of(&parts.next().ok_or_else(|| incomplete(span))?),
        )
    } else {
        let ExprKind::Var(variable) = first.kind else {
            return Err(ParseError::new(
                first.span.start,
                "expected a variable name before `in`",
                Some("write `count(r in member.received where …)`"),
            ));
        };
        let variable = Name {
            text: variable,
            span: first.span,
        };
        (None, variable)
    };
    let source = lower(parts.next().ok_or_else(|| incomplete(span))?)?;
    let filter = parts.next().map(lower).transpose()?;
    Ok(node(
        ExprKind::Aggregate(Box::new(Aggregate {
            kind,
            value,
            variable,
            source,
            filter,
        })),
        span,
    ))
}

fn aggregate_kind(name: &str) -> Option<AggregateKind> {
    Some(match name {
        "count" => AggregateKind::Count,
        "count_distinct" => AggregateKind::CountDistinct,
        "sum" => AggregateKind::Sum,
        "min" => AggregateKind::Min,
        "max" => AggregateKind::Max,
        "any" => AggregateKind::Any,
        "all" => AggregateKind::All,
        "lines" => AggregateKind::Lines,
        _ => return None,
    })
}

fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}
