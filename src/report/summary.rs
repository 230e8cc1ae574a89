//! The summary report: counts per outcome, for "how many members does this ruling affect?".

use std::fmt::Write;

use serde_json::{Map, Value as Json, json};

use crate::data::Dataset;
use crate::eval::Summary;

type Counts = [(String, std::collections::BTreeMap<String, usize>)];

/// Renders a summary for a person.
pub fn render_summary_text(data: &Dataset, digest: &str, summary: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "as of {} — rules {digest}", data.as_of);
    for (noun, total, counts) in [
        ("members", summary.members, &summary.member_counts),
        ("records", summary.records, &summary.record_counts),
    ] {
        let _ = writeln!(out, "{total} {noun}");
        for (output, values) in counts.iter() {
            let shown: Vec<String> = values.iter().map(|(v, n)| format!("{v} {n}")).collect();
            let _ = writeln!(out, "  {output}: {}", shown.join(", "));
        }
    }
    if summary.errors > 0 {
        let _ = writeln!(out, "{} outputs failed to evaluate", summary.errors);
    }
    out
}

/// Renders a summary as JSON.
pub fn render_summary_json(data: &Dataset, digest: &str, summary: &Summary) -> String {
    let counts = |counts: &Counts| -> Json {
        let mut object = Map::new();
        for (output, values) in counts {
            let values: Map<String, Json> =
                values.iter().map(|(v, n)| (v.clone(), json!(n))).collect();
            object.insert(output.clone(), Json::Object(values));
        }
        Json::Object(object)
    };
    let document = json!({
        "as_of": data.as_of.to_string(),
        "rules_digest": digest,
        "members": {"total": summary.members, "counts": counts(&summary.member_counts)},
        "records": {"total": summary.records, "counts": counts(&summary.record_counts)},
        "errors": summary.errors,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
