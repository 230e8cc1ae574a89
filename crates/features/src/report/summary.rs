//! The summary report: counts per outcome, for "how many members does this ruling affect?".

use std::fmt::Write;

use serde::Serialize;

use super::json::{JsonHeader, to_text};

use wotrules_core::data::Dataset;
use wotrules_core::eval::Summary;

type CountsPerOutput = [(String, std::collections::BTreeMap<String, usize>)];

/// Renders a summary for a person.
pub fn render_summary_text(data: &Dataset, digest: &str, summary: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "as of {} — rules {digest}", data.as_of);
    for (noun, total, counts) in [
        ("member", summary.members, &summary.member_counts),
        ("record", summary.records, &summary.record_counts),
    ] {
        let _ = writeln!(out, "{}", wotrules_core::words::counted(total, noun));
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
    to_text(&SummaryDocument {
        stamp: JsonHeader::current(),
        as_of: data.as_of.to_string(),
        rules_digest: digest,
        members: Totals {
            total: summary.members,
            counts: Counts(&summary.member_counts),
        },
        records: Totals {
            total: summary.records,
            counts: Counts(&summary.record_counts),
        },
        errors: summary.errors,
    })
}

#[derive(Serialize)]
struct SummaryDocument<'a> {
    #[serde(flatten)]
    stamp: JsonHeader,
    as_of: String,
    rules_digest: &'a str,
    members: Totals<'a>,
    records: Totals<'a>,
    errors: usize,
}

#[derive(Serialize)]
struct Totals<'a> {
    total: usize,
    counts: Counts<'a>,
}

/// Per output, its values and how many have each, as nested objects.
struct Counts<'a>(&'a CountsPerOutput);

impl Serialize for Counts<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(output, values)| (output, values)))
    }
}
