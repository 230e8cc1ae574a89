//! The language's values, and how a person and JSON read them.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

use super::Direction;
use crate::escape::escape_control;

/// A strict `YYYY-MM-DD` calendar date (surrounding spaces allowed); anything else is `None`.
pub fn parse_calendar_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        text.as_bytes()[range]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'))
    };
    NaiveDate::from_ymd_opt(number(0..4) as i32, number(5..7), number(8..10))
}

/// Why `text` (a date, or a date and time) is not one: written as YYYY-MM-DD but no day of
/// the calendar (`2023-02-30 is not a calendar date: 2023-02 has 28 days`), or not written so.
pub fn date_problem(text: &str) -> String {
    let text = text.trim();
    let day = text.get(..10).unwrap_or(text);
    let digits_at = |part: &str, separators: &[(usize, u8)]| {
        part.bytes()
            .enumerate()
            .all(|(i, b)| match separators.iter().find(|(at, _)| *at == i) {
                Some((_, separator)) => b == *separator,
                None => b.is_ascii_digit(),
            })
    };
    // YYYY-MM-DD, alone or followed by ` HH:MM:SS`.
    let time = text.get(10..).unwrap_or_default();
    let shaped = day.len() == 10
        && digits_at(day, &[(4, b'-'), (7, b'-')])
        && (time.is_empty()
            || (time.len() == 9 && digits_at(time, &[(0, b' '), (3, b':'), (6, b':')])));
    if !shaped {
        return format!("`{text}` is not a date: write YYYY-MM-DD");
    }
    let number = |range: std::ops::Range<usize>| day.get(range).and_then(|n| n.parse::<u32>().ok());
    let (year, month) = (number(0..4).unwrap_or(0), number(5..7).unwrap_or(0));
    if !(1..=12).contains(&month) {
        return format!("`{text}` is not a calendar date: there is no month {month:02}");
    }
    let days = (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year as i32, month, *d).is_some())
        .unwrap_or(28);
    format!("`{text}` is not a calendar date: {year:04}-{month:02} has {days} days")
}

/// A value of the expression language.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// The missing value (`null`).
    Missing,
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// Text, or an enumeration value.
    Text(Arc<str>),
    /// A date.
    Date(NaiveDate),
    /// A list.
    List(Arc<[Value]>),
    /// A member, by index into [`crate::data::Dataset::members`].
    Member(usize),
    /// A record, by index into [`crate::data::Dataset::records`].
    Record(usize),
    /// A member's records, by member index.
    Records(usize, Direction),
    /// The case's support request.
    Request,
}

/// A value as a person reads it: `null` for missing, dates as `YYYY-MM-DD`, lists joined by
/// `, `, text with control characters made visible (see [`escape_control`]).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => write!(f, "null"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::Text(t) => write!(f, "{}", escape_control(t)),
            Value::Date(d) => write!(f, "{}", ShownDate(*d)),
            Value::List(items) if items.is_empty() => write!(f, "[]"),
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Value::Member(i) | Value::Record(i) => write!(f, "#{i}"),
            Value::Records(..) => write!(f, "records"),
            Value::Request => write!(f, "request"),
        }
    }
}

/// A value in JSON: missing is `null`, dates are `YYYY-MM-DD` strings, lists are arrays;
/// members and records (never an output) are their indices.
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Missing | Value::Request | Value::Records(..) => serializer.serialize_none(),
            Value::Int(v) => serializer.serialize_i64(*v),
            Value::Bool(v) => serializer.serialize_bool(*v),
            Value::Text(t) => serializer.serialize_str(t),
            Value::Date(d) => serializer.collect_str(&ShownDate(*d)),
            Value::List(items) => serializer.collect_seq(items.iter()),
            Value::Member(i) | Value::Record(i) => serializer.serialize_u64(*i as u64),
        }
    }
}

/// CAcert's zero date `0000-00-00` where it means a day that happened but is not known: a
/// CATS pass whose `pass_date` the database does not hold. MariaDB orders a zero date before
/// every other, so such a pass counts at every `as_of` and before every record (the webdb
/// reads it so); it is shown as `0000-00-00`.
pub const UNDATED: NaiveDate = NaiveDate::MIN;

/// A date as `YYYY-MM-DD`, [`UNDATED`] as `0000-00-00`.
pub struct ShownDate(pub NaiveDate);

impl fmt::Display for ShownDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == UNDATED {
            write!(f, "0000-00-00")
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%d"))
        }
    }
}
