//! The diff report: every member and record whose outputs a rule change alters.

use std::fmt::Write;

use serde::Serialize;

use super::{Change, Changes, Counts, EntityChanges, Responsible, Summary, show};
use crate::report::{JsonHeader, record_title, to_text};
use wotrules_core::data::Dataset;
use wotrules_core::eval::EvalError;
use wotrules_core::lang::Value;
use wotrules_core::words::counted;

/// The two rule versions compared, as the report names them.
pub struct Versions<'a> {
    /// Where the old rules came from (`git:HEAD`, a directory) and their digest.
    pub old: (&'a str, &'a str),
    /// Where the new rules came from and their digest.
    pub new: (&'a str, &'a str),
    /// What the old and the new rule files' paths are relative to, as a reader opens them
    /// (`rules/`, `git:HEAD:rules/`), so that the two sides' clauses can be told apart.
    pub roots: (&'a str, &'a str),
}

/// Renders the changes for a person: each changed entity (unless only the counts were
/// taken), then the summary.
pub fn render_diff_text(
    data: &Dataset,
    versions: &Versions,
    changes: Option<&Changes>,
    counts: &Counts,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "as of {}: {} ({}) → {} ({})",
        data.as_of, versions.old.0, versions.old.1, versions.new.0, versions.new.1
    );
    let (members, records) = changes.map_or((&[][..], &[][..]), |changes| {
        (&changes.members[..], &changes.records[..])
    });
    for member in members {
        let _ = writeln!(out, "\nmember {}", member.id);
        entity_text(&mut out, member, versions);
    }
    for record in records {
        let _ = writeln!(out, "\n{}", record_title(data, record.index));
        entity_text(&mut out, record, versions);
    }
    let _ = writeln!(out, "\nsummary:");
    summary_text(&mut out, &counts.members, "member");
    summary_text(&mut out, &counts.records, "record");
    let _ = writeln!(
        out,
        "{} and {} changed",
        counted(counts.members_changed, "member"),
        counted(counts.records_changed, "record")
    );
    out
}

fn entity_text(out: &mut String, entity: &EntityChanges, versions: &Versions) {
    for change in &entity.changes {
        let _ = writeln!(
            out,
            "  {}: {} → {}",
            change.output,
            show(change.old.as_ref()),
            show(change.new.as_ref())
        );
        let sides = [
            ("old", &change.old_rule, versions.roots.0),
            ("new", &change.new_rule, versions.roots.1),
        ];
        for (side, clause, root) in sides {
            if let Some(clause) = clause {
                let _ = writeln!(
                    out,
                    "    {side}: {} = {}, {} at {root}{}: {}",
                    clause.definition,
                    show(Some(&Ok(clause.value.clone()))),
                    clause.clause,
                    clause.place,
                    clause.cite
                );
            }
        }
    }
}

fn summary_text(out: &mut String, summary: &Summary, noun: &str) {
    for ((output, old, new), tally) in summary {
        let count = counted(tally.count, noun);
        let _ = writeln!(out, "  {output}: {old} → {new}: {count}");
    }
}

/// Renders the changes as one JSON document; only changed members and records are listed,
/// and none when only the counts were taken.
pub fn render_diff_json(
    data: &Dataset,
    versions: &Versions,
    changes: Option<&Changes>,
    counts: &Counts,
) -> String {
    to_text(&DiffDocument {
        stamp: JsonHeader::current(),
        as_of: data.as_of.to_string(),
        old_rules: RulesJson {
            source: versions.old.0,
            digest: versions.old.1,
        },
        new_rules: RulesJson {
            source: versions.new.0,
            digest: versions.new.1,
        },
        members: changes.map(|c| c.members.iter().map(EntityJson::of).collect()),
        records: changes.map(|c| c.records.iter().map(EntityJson::of).collect()),
        summary: SummaryJson {
            members: count_json(&counts.members),
            records: count_json(&counts.records),
        },
        changed: ChangedJson {
            members: counts.members_changed,
            records: counts.records_changed,
        },
    })
}

#[derive(Serialize)]
struct DiffDocument<'a> {
    #[serde(flatten)]
    stamp: JsonHeader,
    as_of: String,
    old_rules: RulesJson<'a>,
    new_rules: RulesJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    members: Option<Vec<EntityJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    records: Option<Vec<EntityJson<'a>>>,
    summary: SummaryJson<'a>,
    changed: ChangedJson,
}

/// How many members and records have at least one changed output.
#[derive(Serialize)]
struct ChangedJson {
    members: usize,
    records: usize,
}

#[derive(Serialize)]
struct RulesJson<'a> {
    source: &'a str,
    digest: &'a str,
}

#[derive(Serialize)]
struct EntityJson<'a> {
    id: i64,
    changes: Vec<ChangeJson<'a>>,
}

impl<'a> EntityJson<'a> {
    fn of(entity: &'a EntityChanges) -> Self {
        Self {
            id: entity.id,
            changes: entity.changes.iter().map(ChangeJson::of).collect(),
        }
    }
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    output: &'a str,
    old: SideJson<'a>,
    new: SideJson<'a>,
    old_rule: Option<RuleJson<'a>>,
    new_rule: Option<RuleJson<'a>>,
}

impl<'a> ChangeJson<'a> {
    fn of(change: &'a Change) -> Self {
        Self {
            output: &change.output,
            old: SideJson::of(change.old.as_ref()),
            new: SideJson::of(change.new.as_ref()),
            old_rule: change.old_rule.as_ref().map(RuleJson::of),
            new_rule: change.new_rule.as_ref().map(RuleJson::of),
        }
    }
}

/// One side's value: the value, `{"error": …}`, or null where the side has no such output.
#[derive(Serialize)]
#[serde(untagged)]
enum SideJson<'a> {
    Value(Option<&'a Value>),
    Error { error: String },
}

impl<'a> SideJson<'a> {
    fn of(side: Option<&'a Result<Value, EvalError>>) -> Self {
        match side {
            None => Self::Value(None),
            Some(Ok(value)) => Self::Value(Some(value)),
            Some(Err(error)) => Self::Error {
                error: error.to_string(),
            },
        }
    }
}

#[derive(Serialize)]
struct RuleJson<'a> {
    definition: &'a str,
    value: &'a Value,
    clause: &'a str,
    at: &'a str,
    cite: &'a str,
}

impl<'a> RuleJson<'a> {
    fn of(rule: &'a Responsible) -> Self {
        Self {
            definition: &rule.definition,
            value: &rule.value,
            clause: &rule.clause,
            at: &rule.at,
            cite: &rule.cite,
        }
    }
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    members: Vec<CountJson<'a>>,
    records: Vec<CountJson<'a>>,
}

/// A count of the summary: the values as in `changes` (a value, `{"error": …}`, or null
/// where a side has no such output).
#[derive(Serialize)]
struct CountJson<'a> {
    output: &'a str,
    old: SideJson<'a>,
    new: SideJson<'a>,
    count: usize,
}

fn count_json(summary: &Summary) -> Vec<CountJson<'_>> {
    summary
        .iter()
        .map(|((output, _, _), tally)| CountJson {
            output,
            old: SideJson::of(tally.old.as_ref()),
            new: SideJson::of(tally.new.as_ref()),
            count: tally.count,
        })
        .collect()
}
