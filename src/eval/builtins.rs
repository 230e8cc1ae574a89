//! The built-in functions of the language.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::{EvalError, Result, fail};
use crate::check::program::{Builtin, Compare};
use crate::data::Value;

/// Applies `builtin` to evaluated arguments (their types were checked).
pub fn call(builtin: Builtin, arguments: &[&Value]) -> Result<Value> {
    Ok(match (builtin, arguments) {
        (Builtin::Min, [a, b]) => pick(a, b, Compare::Le)?,
        (Builtin::Max, [a, b]) => pick(a, b, Compare::Ge)?,
        (Builtin::Trim, [Value::Text(text)]) if text.trim().len() == text.len() => {
            Value::Text(Arc::clone(text))
        }
        (Builtin::Trim, [Value::Text(text)]) => Value::Text(Arc::from(text.trim())),
        (Builtin::Lower, [Value::Text(text)]) => Value::Text(Arc::from(text.to_lowercase())),
        (Builtin::StartsWith, [Value::Text(text), Value::Text(prefix)]) => {
            Value::Bool(text.starts_with(&**prefix))
        }
        (Builtin::Contains, [Value::Text(text), Value::Text(part)]) => {
            Value::Bool(text.contains(&**part))
        }
        (Builtin::HasWord, [Value::Text(text), Value::Text(word)]) => {
            Value::Bool(has_word(text, word))
        }
        (Builtin::ParseDate, [Value::Text(text)]) => {
            crate::data::parse_calendar_date(text).map_or(Value::Missing, Value::Date)
        }
        (Builtin::YearsBetween, [Value::Date(earlier), Value::Date(later)]) => {
            Value::Int(years_between(*earlier, *later))
        }
        (Builtin::Format, [Value::Text(template), values @ ..]) => {
            Value::Text(Arc::from(format(template, values)?))
        }
        (builtin, arguments) => {
            return fail(format!(
                "{builtin:?} cannot take {arguments:?}: a missing value reached a function"
            ));
        }
    })
}

fn pick(a: &Value, b: &Value, keep_first: Compare) -> Result<Value> {
    let first = match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            if keep_first == Compare::Le {
                x <= y
            } else {
                x >= y
            }
        }
        (Value::Date(x), Value::Date(y)) => {
            if keep_first == Compare::Le {
                x <= y
            } else {
                x >= y
            }
        }
        _ => return fail("`min`/`max` met a missing value"),
    };
    Ok(if first { a.clone() } else { b.clone() })
}

/// Whether `word` stands in `text` as a whole word (bounded by non-alphanumerics), in any case.
fn has_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    if text.is_ascii() && word.is_ascii() {
        return has_ascii_word(text.as_bytes(), word.as_bytes());
    }
    let text = text.to_lowercase();
    let word = word.to_lowercase();
    let is_word_char = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(&word).any(|(start, found)| {
        let before = text[..start].chars().next_back();
        let after = text[start + found.len()..].chars().next();
        !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
    })
}

/// Whole years from `earlier` to `later`, as an age is counted.
/// [`has_word`] for ASCII text, without allocating.
fn has_ascii_word(text: &[u8], word: &[u8]) -> bool {
    let is_word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    text.windows(word.len()).enumerate().any(|(start, window)| {
        window.eq_ignore_ascii_case(word)
            && (start == 0 || !is_word_byte(text[start - 1]))
            && text
                .get(start + word.len())
                .is_none_or(|b| !is_word_byte(*b))
    })
}

fn years_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    let mut years = i64::from(later.year()) - i64::from(earlier.year());
    if (later.month(), later.day()) < (earlier.month(), earlier.day()) {
        years -= 1;
    }
    years
}

fn format(template: &str, values: &[&Value]) -> Result<String> {
    let mut out = String::with_capacity(template.len() + 16 * values.len());
    let mut pieces = template.split("{}");
    out.push_str(pieces.next().unwrap_or_default());
    for (piece, value) in pieces.zip(values) {
        match value {
            Value::Int(v) => out.push_str(&v.to_string()),
            Value::Text(t) => out.push_str(t),
            Value::Date(d) => out.push_str(&d.format("%Y-%m-%d").to_string()),
            _ => {
                return Err(EvalError {
                    message: "`format` met a missing value".into(),
                });
            }
        }
        out.push_str(piece);
    }
    Ok(out)
}
