//! The diff report: every member and record whose outputs a rule change alters.

use std::fmt::Write;

use serde_json::{Map, Value as Json, json};

use super::json::to_json;
use crate::compare::{Change, Changes, EntityChanges, Responsible, Summary, show};
use crate::data::Dataset;

/// The two rule versions compared, as the report names them.
pub struct Versions<'a> {
    /// Where the old rules came from (`git:HEAD`, a directory) and their digest.
    pub old: (&'a str, &'a str),
    /// Where the new rules came from and their digest.
    pub new: (&'a str, &'a str),
}

/// Renders the changes for a person: each changed entity, then the summary.
pub fn render_diff_text(data: &Dataset, versions: &Versions, changes: &Changes) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "as of {}: {} ({}) → {} ({})",
        data.as_of, versions.old.0, versions.old.1, versions.new.0, versions.new.1
    );
    for member in &changes.members {
        let _ = writeln!(out, "\nmember {}", member.id);
        entity_text(&mut out, member);
    }
    for record in &changes.records {
        let row = &data.records[record.index];
        let _ = writeln!(
            out,
            "\nrecord {} (from {} to {})",
            record.id, row.from, row.to
        );
        entity_text(&mut out, record);
    }
    let (members, records) = changes.summary();
    let _ = writeln!(out, "\nsummary:");
    summary_text(&mut out, &members, "members");
    summary_text(&mut out, &records, "records");
    let _ = writeln!(
        out,
        "{} members and {} records changed",
        changes.members.len(),
        changes.records.len()
    );
    out
}

fn entity_text(out: &mut String, entity: &EntityChanges) {
    for change in &entity.changes {
        let _ = writeln!(
            out,
            "  {}: {} → {}",
            change.output,
            show(change.old.as_ref()),
            show(change.new.as_ref())
        );
        for (side, clause) in [("old", &change.old_rule), ("new", &change.new_rule)] {
            if let Some(clause) = clause {
                let _ = writeln!(
                    out,
                    "    {side}: {} = {}, {} at {}: {}",
                    clause.definition,
                    show(Some(&Ok(clause.value.clone()))),
                    clause.clause,
                    clause.at,
                    clause.cite
                );
            }
        }
    }
}

fn summary_text(out: &mut String, summary: &Summary, noun: &str) {
    for ((output, old, new), count) in summary {
        let _ = writeln!(out, "  {output}: {old} → {new}: {count} {noun}");
    }
}

/// Renders the changes as one JSON document; only changed members and records are listed.
pub fn render_diff_json(data: &Dataset, versions: &Versions, changes: &Changes) -> String {
    let entities = |list: &[EntityChanges]| -> Json {
        Json::Array(
            list.iter()
                .map(|entity| {
                    json!({
                        "id": entity.id,
                        "changes": entity.changes.iter().map(change_json).collect::<Vec<_>>(),
                    })
                })
                .collect(),
        )
    };
    let (members, records) = changes.summary();
    let document = json!({
        "as_of": data.as_of.to_string(),
        "old_rules": {"source": versions.old.0, "digest": versions.old.1},
        "new_rules": {"source": versions.new.0, "digest": versions.new.1},
        "members": entities(&changes.members),
        "records": entities(&changes.records),
        "summary": {"members": summary_json(&members), "records": summary_json(&records)},
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn change_json(change: &Change) -> Json {
    let value = |value: &Option<Result<crate::data::Value, String>>| match value {
        None => Json::Null,
        Some(Ok(value)) => to_json(value),
        Some(Err(message)) => json!({"error": message}),
    };
    let rule = |clause: &Option<Responsible>| match clause {
        None => Json::Null,
        Some(clause) => {
            let mut object = Map::new();
            object.insert("definition".into(), json!(clause.definition));
            object.insert("value".into(), to_json(&clause.value));
            object.insert("clause".into(), json!(clause.clause));
            object.insert("at".into(), json!(clause.at));
            object.insert("cite".into(), json!(clause.cite));
            Json::Object(object)
        }
    };
    json!({
        "output": change.output,
        "old": value(&change.old),
        "new": value(&change.new),
        "old_rule": rule(&change.old_rule),
        "new_rule": rule(&change.new_rule),
    })
}

fn summary_json(summary: &Summary) -> Json {
    Json::Array(
        summary
            .iter()
            .map(|((output, old, new), count)| {
                json!({"output": output, "old": old, "new": new, "count": count})
            })
            .collect(),
    )
}
