//! How each SQL engine spells what the plan needs: names, literals, types, the functions
//! whose names differ, and the things one engine lacks.

use chrono::NaiveDate;

use super::text::{hex, unicode_escaped};

/// An SQL engine the views are printed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3.44 or later (a database `wotrules import` wrote).
    Sqlite,
    /// MariaDB 10.5 or later, or MySQL 8 (CAcert's production schema).
    Mariadb,
    /// PostgreSQL 12 or later (the production tables in PostgreSQL's types).
    Postgres,
    /// Spark SQL 3.4 or later (the production tables as temporary views).
    Spark,
}

/// The SQL types a value is cast to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SqlType {
    /// An integer (64 bits).
    Int,
    /// Text.
    Text,
    /// A date.
    Date,
    /// A boolean (0 or 1 where the engine has none).
    Bool,
}

impl Dialect {
    /// The dialect's name, as `--dialect` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Mariadb => "mariadb",
            Self::Postgres => "postgres",
            Self::Spark => "spark",
        }
    }

    /// A quoted identifier.
    pub(crate) fn ident(self, name: &str) -> String {
        match self {
            Self::Mariadb | Self::Spark => format!("`{name}`"),
            Self::Sqlite | Self::Postgres => format!("\"{name}\""),
        }
    }

    /// `name AS MATERIALIZED (` where the engine can be told to compute a common table
    /// expression once, `name AS (` where it decides itself.
    pub(crate) fn cte(self, name: &str) -> String {
        match self {
            Self::Sqlite | Self::Postgres => format!("{name} AS MATERIALIZED ("),
            Self::Mariadb | Self::Spark => format!("{name} AS ("),
        }
    }

    /// A text literal holding exactly `text`.
    pub fn text(self, text: &str) -> String {
        let plain = text
            .chars()
            .all(|c| !c.is_control() && c != '\\' && c != '\'');
        match self {
            Self::Sqlite if plain => format!("'{text}'"),
            Self::Sqlite => {
                // Quotes doubled; control characters through char().
                let mut parts = Vec::new();
                let mut run = String::new();
                for c in text.chars() {
                    if c.is_control() {
                        if !run.is_empty() {
                            parts.push(format!("'{}'", run.replace('\'', "''")));
                            run.clear();
                        }
                        parts.push(format!("char({})", u32::from(c)));
                    } else {
                        run.push(c);
                    }
                }
                if !run.is_empty() || parts.is_empty() {
                    parts.push(format!("'{}'", run.replace('\'', "''")));
                }
                format!("({})", parts.join(" || "))
            }
            Self::Mariadb if plain => {
                format!("_utf8mb4'{text}' COLLATE utf8mb4_nopad_bin")
            }
            // Hex: the same bytes whatever the connection's character set and SQL mode.
            Self::Mariadb => format!(
                "CONVERT(X'{}' USING utf8mb4) COLLATE utf8mb4_nopad_bin",
                hex(text)
            ),
            Self::Postgres if plain => format!("'{text}'"),
            Self::Postgres => format!("U&'{}'", unicode_escaped(text, '\\', '\'')),
            Self::Spark if plain => format!("'{text}'"),
            Self::Spark => {
                let mut out = String::from("'");
                for c in text.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
        }
    }

    /// A date literal.
    pub(crate) fn date(self, date: NaiveDate) -> String {
        match self {
            Self::Sqlite => format!("'{}'", date.format("%Y-%m-%d")),
            _ => format!("DATE '{}'", date.format("%Y-%m-%d")),
        }
    }

    /// A boolean literal.
    pub(crate) fn boolean(self, value: bool) -> String {
        match (self, value) {
            (Self::Sqlite | Self::Mariadb, true) => "1".into(),
            (Self::Sqlite | Self::Mariadb, false) => "0".into(),
            (_, true) => "TRUE".into(),
            (_, false) => "FALSE".into(),
        }
    }

    /// The name of a type in a cast.
    pub(crate) fn type_name(self, ty: SqlType) -> &'static str {
        match (self, ty) {
            (Self::Sqlite, SqlType::Int | SqlType::Bool) => "INTEGER",
            (Self::Sqlite, SqlType::Text | SqlType::Date) => "TEXT",
            (Self::Mariadb, SqlType::Int | SqlType::Bool) => "SIGNED",
            (Self::Mariadb, SqlType::Text) => "CHAR",
            (Self::Postgres | Self::Spark, SqlType::Int) => "BIGINT",
            (Self::Postgres, SqlType::Text) => "TEXT",
            (Self::Spark, SqlType::Text) => "STRING",
            (_, SqlType::Date) => "DATE",
            (_, SqlType::Bool) => "BOOLEAN",
        }
    }

    /// An output column as the type the rules give it, whatever the engine's arithmetic
    /// made of it (PostgreSQL sums 64-bit integers as NUMERIC, MariaDB as DECIMAL): an
    /// integer as a 64-bit integer, a boolean as a boolean (an integer 0 or 1 where the
    /// engine has none), a date as a date, text as text.
    pub(crate) fn output(self, column: &str, ty: SqlType) -> String {
        match (self, ty) {
            // MariaDB's text is already the views' utf8mb4, which a cast to CHAR would
            // change; its booleans are integers.
            (Self::Mariadb, SqlType::Text | SqlType::Bool) => column.into(),
            _ => format!("CAST({column} AS {})", self.type_name(ty)),
        }
    }

    /// A typed missing value.
    pub(crate) fn null(self, ty: SqlType) -> String {
        match (self, ty) {
            // MariaDB casts NULL to CHAR in its connection's collation: the views' own.
            (Self::Mariadb, SqlType::Text) => "CAST(NULL AS CHAR CHARACTER SET utf8mb4)".into(),
            _ => format!("CAST(NULL AS {})", self.type_name(ty)),
        }
    }

    /// Texts joined.
    pub(crate) fn concat(self, parts: &[String]) -> String {
        match self {
            Self::Sqlite | Self::Postgres => format!("({})", parts.join(" || ")),
            Self::Mariadb => format!("CONCAT({})", parts.join(", ")),
            Self::Spark => format!("concat({})", parts.join(", ")),
        }
    }

    /// The texts that are not NULL, joined by commas (`concat_ws`, which SQLite has only
    /// from 3.44 on).
    pub(crate) fn comma_joined(self, items: &[String]) -> String {
        match self {
            Self::Sqlite => {
                let each: Vec<String> = items
                    .iter()
                    .map(|item| format!("COALESCE(',' || {item}, '')"))
                    .collect();
                format!("substr({}, 2)", each.join(" || "))
            }
            Self::Mariadb => format!("CONCAT_WS(',', {})", items.join(", ")),
            Self::Postgres | Self::Spark => format!("concat_ws(',', {})", items.join(", ")),
        }
    }

    /// The smaller (`least`) or larger of two values that are never missing.
    pub(crate) fn pick(self, least: bool, a: &str, b: &str) -> String {
        match (self, least) {
            (Self::Sqlite, true) => format!("min({a}, {b})"),
            (Self::Sqlite, false) => format!("max({a}, {b})"),
            (_, true) => format!("LEAST({a}, {b})"),
            (_, false) => format!("GREATEST({a}, {b})"),
        }
    }

    /// Integer division, rounding toward zero.
    pub(crate) fn divide(self, a: &str, b: &str) -> String {
        match self {
            Self::Sqlite | Self::Postgres => format!("({a} / {b})"),
            Self::Mariadb => format!("({a} DIV {b})"),
            Self::Spark => format!("({a} div {b})"),
        }
    }

    /// Whether two values, either of which may be missing, are equal (two missing ones are).
    pub(crate) fn same(self, a: &str, b: &str, equal: bool) -> String {
        match (self, equal) {
            (Self::Sqlite, true) => format!("({a} IS {b})"),
            (Self::Sqlite, false) => format!("({a} IS NOT {b})"),
            (Self::Postgres, true) => format!("({a} IS NOT DISTINCT FROM {b})"),
            (Self::Postgres, false) => format!("({a} IS DISTINCT FROM {b})"),
            (Self::Mariadb | Self::Spark, true) => format!("({a} <=> {b})"),
            (Self::Mariadb | Self::Spark, false) => format!("(NOT ({a} <=> {b}))"),
        }
    }

    /// The part of a text compared in code-point order (the language compares texts so).
    pub(crate) fn ordered_text(self, text: &str) -> String {
        match self {
            Self::Postgres => format!("({text} COLLATE \"C\")"),
            _ => text.to_string(),
        }
    }

    /// The year, month or day of a date, as an integer.
    pub(crate) fn date_part(self, part: DatePart, date: &str) -> String {
        match self {
            Self::Sqlite => {
                let format = match part {
                    DatePart::Year => "%Y",
                    DatePart::Month => "%m",
                    DatePart::Day => "%d",
                };
                format!("CAST(strftime('{format}', {date}) AS INTEGER)")
            }
            Self::Mariadb => format!("{}({date})", part.sql()),
            Self::Postgres => format!("CAST(EXTRACT({} FROM {date}) AS BIGINT)", part.sql()),
            Self::Spark => match part {
                DatePart::Day => format!("dayofmonth({date})"),
                part => format!("{}({date})", part.sql().to_lowercase()),
            },
        }
    }

    /// A date as `YYYY-MM-DD` text.
    pub(crate) fn date_text(self, date: &str) -> String {
        match self {
            Self::Sqlite => date.to_string(),
            Self::Mariadb => format!("DATE_FORMAT({date}, '%Y-%m-%d')"),
            Self::Postgres => format!("to_char({date}, 'YYYY-MM-DD')"),
            Self::Spark => format!("date_format({date}, 'yyyy-MM-dd')"),
        }
    }

    /// Casts text of the form `YYYY-MM-DD` to a date.
    pub(crate) fn text_date(self, text: &str) -> String {
        match self {
            Self::Sqlite => text.to_string(),
            _ => format!("CAST({text} AS DATE)"),
        }
    }

    /// Whether `text` matches the regular expression `pattern` (an SQL expression). SQLite
    /// has the syntax but no function behind it: the printer uses GLOB there instead.
    pub(crate) fn matches(self, text: &str, pattern: &str) -> String {
        match self {
            Self::Sqlite | Self::Mariadb => format!("({text} REGEXP {pattern})"),
            Self::Postgres => format!("({text} ~ {pattern})"),
            Self::Spark => format!("({text} RLIKE {pattern})"),
        }
    }
}

/// A part of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DatePart {
    /// The year.
    Year,
    /// The month (1–12).
    Month,
    /// The day of the month.
    Day,
}

impl DatePart {
    fn sql(self) -> &'static str {
        match self {
            Self::Year => "YEAR",
            Self::Month => "MONTH",
            Self::Day => "DAY",
        }
    }
}
