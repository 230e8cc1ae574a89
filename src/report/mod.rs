//! Reports: decisions rendered as JSON for machines, as text for people, as Markdown or
//! MoinMoin for rulings; summaries; diffs between rule versions.

mod diff;
mod json;
mod summary;
mod text;
mod wiki;

pub use diff::{Versions, render_diff_json, render_diff_text};
pub use json::render_json;
pub use summary::{render_summary_json, render_summary_text};
pub use text::render_text;
pub use wiki::{Markup, render_wiki};

use crate::data::Value;

/// A value as a person reads it: `null` for missing, dates as `YYYY-MM-DD`, text escaped.
pub fn display_value(value: &Value) -> String {
    match value {
        Value::Missing => "null".into(),
        Value::Int(v) => v.to_string(),
        Value::Bool(v) => v.to_string(),
        Value::Text(t) => escape_control(t),
        Value::Date(d) => d.to_string(),
        Value::List(items) if items.is_empty() => "[]".into(),
        Value::List(items) => items
            .iter()
            .map(display_value)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Member(i) | Value::Record(i) => format!("#{i}"),
        Value::Records(..) => "records".into(),
        Value::Request => "request".into(),
    }
}

/// Free text with control characters (newlines, ANSI escapes) made visible instead of acted on.
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&c.escape_default().to_string());
        } else {
            out.push(c);
        }
    }
    out
}
