//! The built-in functions in SQL, each as the evaluator computes it (`builtins.rs`).

use wotrules_core::check::program::Code;
use wotrules_core::lang::Value;
use wotrules_core::plan::Kind;

use super::dialect::{DatePart, Dialect};
use super::expr::{Scene, Sql};
use super::text::{plain_word, space_class_escaped, white_space, word_class};

/// A call of the built-in `name` on `arguments` (printed as `values`).
pub(crate) fn call(scene: &mut Scene, name: &str, arguments: &[Code], values: &[String]) -> Sql {
    let d = scene.dialect;
    Ok(match (name, values) {
        ("min", [a, b]) => d.pick(true, a, b),
        ("max", [a, b]) => d.pick(false, a, b),
        ("trim", [text]) => trim(d, text),
        ("lower", [text]) => match d {
            Dialect::Sqlite => {
                return Err(
                    "`lower`: SQLite lower-cases ASCII only, the language every letter".into(),
                );
            }
            _ => format!("LOWER({text})"),
        },
        ("starts_with", [text, prefix]) => {
            let length = length(d, prefix);
            let head = match d {
                Dialect::Mariadb => format!("SUBSTRING({text}, 1, {length})"),
                Dialect::Spark => format!("substring({text}, 1, {length})"),
                _ => format!("substr({text}, 1, {length})"),
            };
            format!("({head} = {prefix})")
        }
        ("contains", [text, part]) => match d {
            Dialect::Mariadb => format!("(LOCATE({part}, {text}) > 0)"),
            Dialect::Postgres => format!("(strpos({text}, {part}) > 0)"),
            _ => format!("(instr({text}, {part}) > 0)"),
        },
        ("has_word", [text, _]) => {
            let Some(Code::Const(Value::Text(word))) = arguments.get(1) else {
                return Err("`has_word` with a word that is not a text constant".into());
            };
            let Some(word) = plain_word(word) else {
                return Err(format!(
                    "`has_word` with the word {word:?}: only ASCII letters, digits, `_`, `-` and spaces match alike in every engine"
                ));
            };
            has_word(d, text, &word)
        }
        ("parse_date", [text]) => parse_date(scene, text),
        ("years_between", [earlier, later]) => {
            let part = |p, date: &str| scene.date_part(p, date);
            format!(
                "({} - {} - (CASE WHEN {} * 100 + {} < {} * 100 + {} THEN 1 ELSE 0 END))",
                part(DatePart::Year, later),
                part(DatePart::Year, earlier),
                part(DatePart::Month, later),
                part(DatePart::Day, later),
                part(DatePart::Month, earlier),
                part(DatePart::Day, earlier),
            )
        }
        _ => return Err(format!("the function `{name}` has no SQL form")),
    })
}

/// A value shown as text, as `format` shows it.
pub(crate) fn as_text(d: Dialect, value: &str, kind: Kind) -> String {
    match kind {
        Kind::Int => format!(
            "CAST({value} AS {})",
            d.type_name(super::dialect::SqlType::Text)
        ),
        Kind::Date => {
            // A CATS pass without a date is the earliest date, shown as 0000-00-00.
            let undated = d.date(super::base::undated());
            format!(
                "(CASE WHEN {value} = {undated} THEN {} ELSE {} END)",
                d.text("0000-00-00"),
                d.date_text(value)
            )
        }
        _ => value.to_string(),
    }
}

fn length(d: Dialect, text: &str) -> String {
    match d {
        Dialect::Mariadb => format!("CHAR_LENGTH({text})"),
        _ => format!("length({text})"),
    }
}

/// The text without the white space the language trims.
fn trim(d: Dialect, text: &str) -> String {
    match d {
        Dialect::Sqlite => {
            let codes: Vec<String> = white_space()
                .iter()
                .map(|c| u32::from(*c).to_string())
                .collect();
            format!("trim({text}, char({}))", codes.join(", "))
        }
        Dialect::Postgres => {
            let space: String = white_space().iter().collect();
            format!("btrim({text}, {})", d.text(&space))
        }
        Dialect::Mariadb | Dialect::Spark => {
            let class = space_class_escaped();
            let pattern = format!("^[{class}]+|[{class}]+\\z");
            let function = if d == Dialect::Mariadb {
                "REGEXP_REPLACE"
            } else {
                "regexp_replace"
            };
            format!("{function}({text}, {}, {})", d.text(&pattern), d.text(""))
        }
    }
}

/// Whether the lower-cased ASCII `word` stands in `text` as a whole word: not next to a
/// letter, digit or `_` of any script.
fn has_word(d: Dialect, text: &str, word: &str) -> String {
    let class = word_class();
    match d {
        Dialect::Sqlite => {
            // No regular expressions: GLOB over the text padded with spaces, tried only
            // where the word occurs at all.
            let pattern = format!("*[^{class}]{word}[^{class}]*");
            format!(
                "(CASE WHEN instr(lower({text}), '{word}') = 0 THEN 0 WHEN (' ' || lower({text}) || ' ') GLOB {} THEN 1 ELSE 0 END)",
                d.text(&pattern)
            )
        }
        _ => {
            let pattern = format!("(^|[^{class}]){word}([^{class}]|$)");
            let lowered = match d {
                Dialect::Mariadb => format!("LOWER({text})"),
                _ => format!("lower({text})"),
            };
            d.matches(&lowered, &d.text(&pattern))
        }
    }
}

/// The `YYYY-MM-DD` date a text holds, or missing: trimmed, ten characters, a calendar date.
fn parse_date(scene: &mut Scene, text: &str) -> String {
    let d = scene.dialect;
    let trimmed = trim(d, text);
    let digits = |from: usize, count: usize| -> String {
        let part = match d {
            Dialect::Mariadb => format!("SUBSTRING({trimmed}, {from}, {count})"),
            Dialect::Spark => format!("substring({trimmed}, {from}, {count})"),
            _ => format!("substr({trimmed}, {from}, {count})"),
        };
        format!(
            "CAST({part} AS {})",
            d.type_name(super::dialect::SqlType::Int)
        )
    };
    let (year, month, day) = (digits(1, 4), digits(6, 2), digits(9, 2));
    let shaped = match d {
        Dialect::Sqlite => format!("{trimmed} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"),
        _ => d.matches(&trimmed, &d.text("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")),
    };
    let divide = |a: &str, b: &str| d.divide(a, b);
    let leap = format!(
        "(CASE WHEN ({year} % 4 = 0 AND {year} % 100 <> 0) OR {year} % 400 = 0 THEN 1 ELSE 0 END)"
    );
    let days = format!(
        "(CASE WHEN {month} = 2 THEN 28 + {leap} ELSE 30 + (({month} + {}) % 2) END)",
        divide(&month, "8")
    );
    // Year 0 is a date to the language, not to every engine: engines that have no year 0
    // (PostgreSQL, Spark) leave it missing.
    let year_ok = match d {
        Dialect::Sqlite | Dialect::Mariadb => "1 = 1".to_string(),
        _ => format!("{year} >= 1"),
    };
    format!(
        "(CASE WHEN {shaped} THEN (CASE WHEN {year_ok} AND {month} BETWEEN 1 AND 12 AND {day} BETWEEN 1 AND {days} THEN {} END) END)",
        d.text_date(&trimmed)
    )
}

/// The texts of the aggregated records joined by newlines, in record order; `aggregation`
/// is the alias of the record aggregated and the expression its rows are grouped by.
/// SQLite orders a `group_concat` only from 3.44 on (Debian 12 ships 3.40), so there it is a
/// window over the group, ordered, whose every row holds the group's lines.
pub(crate) fn lines(
    d: Dialect,
    element: &str,
    filter: &Option<String>,
    value: &str,
    aggregation: (&str, &str),
) -> String {
    let (record, group) = aggregation;
    match d {
        Dialect::Sqlite => format!(
            "group_concat({element}, char(10)) OVER (PARTITION BY {group} ORDER BY {record}.f_id \
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
        ),
        Dialect::Mariadb => {
            format!("GROUP_CONCAT({element} ORDER BY {record}.f_id SEPARATOR '\\n')")
        }
        Dialect::Postgres => format!("string_agg({element}, E'\\n' ORDER BY {record}.f_id)"),
        Dialect::Spark => {
            let item = format!("named_struct('k', {record}.f_id, 'v', {value})");
            let item = match filter {
                Some(f) => format!("CASE WHEN {f} THEN {item} END"),
                None => item,
            };
            format!("array_join(transform(array_sort(collect_list({item})), s -> s.v), '\\n')")
        }
    }
}
