//! The language's built-in functions: one table of name, signature, implementation and
//! documentation. The checker reads the signatures, the evaluator the implementations,
//! `wotrules functions` (and so the README) the documentation; adding a function is adding
//! a row.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::lang::{Value, parse_calendar_date};

/// A parameter or result type of a built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// `int`.
    Int,
    /// `bool`.
    Bool,
    /// `text`.
    Text,
    /// `date`.
    Date,
    /// `date?`: a date, or missing.
    OptionalDate,
}

impl Param {
    /// The type as written in the language.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Int => "int",
            Self::Bool => "bool",
            Self::Text => "text",
            Self::Date => "date",
            Self::OptionalDate => "date?",
        }
    }
}

/// How a built-in function is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// These parameters, this result.
    Fixed(&'static [Param], Param),
    /// Two integers or two dates; the result has their type.
    TwoOrdered,
    /// A string literal with `{}` holes, then one integer, text, date or enumeration value
    /// per hole; the result is text.
    Template,
}

impl Signature {
    /// The signature as the reference shows it: `(text, text) → bool`.
    pub fn describe(self) -> String {
        match self {
            Signature::Fixed(parameters, result) => {
                let names: Vec<&str> = parameters.iter().map(|p| p.name()).collect();
                format!("({}) → {}", names.join(", "), result.name())
            }
            Signature::TwoOrdered => "(int, int) → int | (date, date) → date".into(),
            Signature::Template => "(\"template {}…\", value…) → text".into(),
        }
    }
}

/// One built-in function.
#[derive(Debug)]
pub struct Builtin {
    /// The name expressions call it by.
    pub name: &'static str,
    /// Its types.
    pub signature: Signature,
    /// What it does, in a line.
    pub doc: &'static str,
    /// The implementation, on arguments whose types the checker verified.
    pub call: Implementation,
}

/// How a built-in function is implemented.
#[derive(Debug, Clone, Copy)]
pub enum Implementation {
    /// On values.
    Values(fn(&[&Value]) -> Result<Value, MetMissing>),
    /// A predicate of two texts, the first tested against the second: evaluated on text read
    /// in place (a record's column, a constant) without copying it.
    TextTest(fn(&str, &str) -> bool),
    /// The smaller (or else the larger) of two integers or two dates: evaluated on typed
    /// columns without building values.
    Pick {
        /// Whether the smaller is picked.
        smaller: bool,
    },
}

impl Implementation {
    /// Calls the function on `args`.
    pub(crate) fn call(self, args: &[&Value]) -> Result<Value, MetMissing> {
        match (self, args) {
            (Implementation::Values(call), _) => call(args),
            (Implementation::TextTest(test), [Value::Text(a), Value::Text(b)]) => {
                Ok(Value::Bool(test(a, b)))
            }
            (Implementation::TextTest(_), _) => Err(MetMissing),
            (Implementation::Pick { smaller }, _) => pick(args, smaller),
        }
    }
}

/// A built-in function met a missing value where it needs one (the checker lets a missing
/// value reach a function only where its type says it may be missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetMissing;

/// Every built-in function.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "min",
        signature: Signature::TwoOrdered,
        doc: "the smaller of two integers or dates",
        call: Implementation::Pick { smaller: true },
    },
    Builtin {
        name: "max",
        signature: Signature::TwoOrdered,
        doc: "the larger of two integers or dates",
        call: Implementation::Pick { smaller: false },
    },
    Builtin {
        name: "trim",
        signature: Signature::Fixed(&[Param::Text], Param::Text),
        doc: "the text without leading and trailing white space",
        call: Implementation::Values(|args| match args {
            [Value::Text(text)] if text.trim().len() == text.len() => {
                Ok(Value::Text(Arc::clone(text)))
            }
            [Value::Text(text)] => Ok(Value::Text(Arc::from(text.trim()))),
            _ => Err(MetMissing),
        }),
    },
    Builtin {
        name: "lower",
        signature: Signature::Fixed(&[Param::Text], Param::Text),
        doc: "the text in lower case",
        call: Implementation::Values(|args| match args {
            [Value::Text(text)] => Ok(Value::Text(Arc::from(text.to_lowercase()))),
            _ => Err(MetMissing),
        }),
    },
    Builtin {
        name: "starts_with",
        signature: Signature::Fixed(&[Param::Text, Param::Text], Param::Bool),
        doc: "whether the text starts with the prefix (case matters)",
        call: Implementation::TextTest(|text, prefix| text.starts_with(prefix)),
    },
    Builtin {
        name: "contains",
        signature: Signature::Fixed(&[Param::Text, Param::Text], Param::Bool),
        doc: "whether the text contains the part (case matters)",
        call: Implementation::TextTest(|text, part| text.contains(part)),
    },
    Builtin {
        name: "has_word",
        signature: Signature::Fixed(&[Param::Text, Param::Text], Param::Bool),
        doc: "whether the word stands in the text as a whole word, in any case",
        call: Implementation::TextTest(has_word),
    },
    Builtin {
        name: "format",
        signature: Signature::Template,
        doc: "the template with each `{}` replaced by the next value",
        call: Implementation::Values(|args| match args {
            [Value::Text(template), values @ ..] => format(template, values),
            _ => Err(MetMissing),
        }),
    },
    Builtin {
        name: "parse_date",
        signature: Signature::Fixed(&[Param::Text], Param::OptionalDate),
        doc: "the `YYYY-MM-DD` date the text holds, or missing (free text is never a default)",
        call: Implementation::Values(|args| match args {
            [Value::Text(text)] => {
                Ok(parse_calendar_date(text).map_or(Value::Missing, Value::Date))
            }
            _ => Err(MetMissing),
        }),
    },
    Builtin {
        name: "years_between",
        signature: Signature::Fixed(&[Param::Date, Param::Date], Param::Int),
        doc: "whole years from the first date to the second, as an age is counted",
        call: Implementation::Values(|args| match args {
            [Value::Date(earlier), Value::Date(later)] => {
                Ok(Value::Int(years_between(*earlier, *later)))
            }
            _ => Err(MetMissing),
        }),
    },
];

/// A built-in function, by its index in [`BUILTINS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinId(u8);

impl BuiltinId {
    /// The function called `name`.
    pub(crate) fn lookup(name: &str) -> Option<Self> {
        BUILTINS
            .iter()
            .position(|b| b.name == name)
            .and_then(|index| u8::try_from(index).ok())
            .map(Self)
    }

    /// Its row of the table.
    pub fn spec(self) -> &'static Builtin {
        &BUILTINS[usize::from(self.0)]
    }
}

/// The table as `wotrules functions` prints it (and the README shows it).
pub fn reference() -> String {
    let width = BUILTINS
        .iter()
        .map(|b| b.name.len() + b.signature.describe().chars().count())
        .max()
        .unwrap_or(0);
    BUILTINS
        .iter()
        .map(|b| {
            let head = format!("{}{}", b.name, b.signature.describe());
            let pad = width.saturating_sub(head.chars().count());
            format!("{head}{}  {}\n", " ".repeat(pad), b.doc)
        })
        .collect()
}

fn pick(args: &[&Value], smaller: bool) -> Result<Value, MetMissing> {
    let first = match args {
        [Value::Int(x), Value::Int(y)] => (x <= y) == smaller || x == y,
        [Value::Date(x), Value::Date(y)] => (x <= y) == smaller || x == y,
        _ => return Err(MetMissing),
    };
    Ok(if first {
        args[0].clone()
    } else {
        args[1].clone()
    })
}

/// Whether `word` stands in `text` as a whole word (bounded by non-alphanumerics), in any case
/// (public for the hand-written baseline of the benchmarks, which must test words as fast).
pub fn has_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    if word.is_ascii() {
        if text.is_ascii() {
            return has_ascii_word(text.as_bytes(), word.as_bytes());
        }
        // In the lower-cased text, an ASCII word stands where its letters stand in the text in
        // some case, or where a character lower-cases to ASCII: when neither is so, it is not
        // there, and nothing need be lower-cased.
        let bytes = text.as_bytes();
        let anywhere = bytes
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()));
        if !anywhere && !text.chars().any(lowers_to_ascii) {
            return false;
        }
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

/// Whether `c` is one of the characters outside ASCII whose lower case holds ASCII letters
/// (`İ` lower-cases to `i` and a combining dot, the Kelvin sign to `k`; a test checks no
/// other does).
fn lowers_to_ascii(c: char) -> bool {
    matches!(c, '\u{130}' | '\u{212A}')
}

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

/// Whole years from `earlier` to `later`, as an age is counted.
fn years_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    let mut years = i64::from(later.year()) - i64::from(earlier.year());
    if (later.month(), later.day()) < (earlier.month(), earlier.day()) {
        years -= 1;
    }
    years
}

fn format(template: &str, values: &[&Value]) -> Result<Value, MetMissing> {
    let mut out = String::with_capacity(template.len() + 16 * values.len());
    let mut pieces = template.split("{}");
    out.push_str(pieces.next().unwrap_or_default());
    for (piece, value) in pieces.zip(values) {
        match value {
            Value::Int(v) => out.push_str(&v.to_string()),
            Value::Text(t) => out.push_str(t),
            Value::Date(d) => out.push_str(&crate::lang::ShownDate(*d).to_string()),
            _ => return Err(MetMissing),
        }
        out.push_str(piece);
    }
    Ok(Value::Text(Arc::from(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_two_characters_outside_ascii_lower_case_to_ascii() {
        let found: Vec<char> = (char::MIN..=char::MAX)
            .filter(|c| !c.is_ascii() && c.to_lowercase().any(|l| l.is_ascii()))
            .collect();
        assert_eq!(found, vec!['\u{130}', '\u{212A}']);
        assert!(found.into_iter().all(lowers_to_ascii));
    }

    #[test]
    fn a_word_is_found_in_text_outside_ascii_in_any_case() {
        assert!(has_word("Café TTP München", "ttp"));
        assert!(has_word("Zürich, ttp-Assurance", "TTP"));
        assert!(!has_word("Zürich, TTPX", "TTP"));
        assert!(!has_word("Zürich", "TTP"));
        // The Kelvin sign lower-cases to `k`: found only by lower-casing.
        assert!(has_word("Straße \u{212A}ey", "key"));
        assert!(!has_word("Straße \u{212A}ey", "kez"));
    }
}
