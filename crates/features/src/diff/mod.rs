//! Diff: two versions of the rules over the same data — whose outputs a change alters,
//! with the rule responsible on each side. The feature owns the comparison (`mod`), which
//! outputs need no evaluation (`equivalence`) and the rendering (`render`).

use std::collections::BTreeMap;

use crate::report::Privacy;
use wotrules_core::check::program::{DefId, Output, Program};
use wotrules_core::data::Dataset;
use wotrules_core::eval::{Engine, EvalError, Evaluation, Progress, TraceNode, over_chunks};
use wotrules_core::lang::Value;

mod equivalence;
mod html;
mod markdown;
mod render;

use equivalence::Equivalence;
pub use html::render_diff_html;
pub use markdown::render_diff_markdown;
pub use render::{Versions, render_diff_json, render_diff_text};

/// One output that differs between the old and the new rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Output name.
    pub output: String,
    /// The old value (`None`: the old rules have no such output; `Err`: it failed).
    pub old: Option<Result<Value, EvalError>>,
    /// The new value.
    pub new: Option<Result<Value, EvalError>>,
    /// The rule responsible for the old value.
    pub old_rule: Option<Responsible>,
    /// The rule responsible for the new value.
    pub new_rule: Option<Responsible>,
}

/// The rule a change comes from: the deepest definition in the output's trace whose value
/// changed while nothing it reads (of the same entity) did.
#[derive(Debug, Clone, PartialEq)]
pub struct Responsible {
    /// `record.counts`, `member.level`…
    pub definition: String,
    /// Its value on this side.
    pub value: Value,
    /// Which clause decided.
    pub clause: String,
    /// The rule file id and `path:line` of the clause.
    pub at: String,
    /// `path:line` of the clause, the path relative to its rules directory.
    pub place: String,
    /// What it cites.
    pub cite: String,
}

impl Responsible {
    fn of(node: &TraceNode, privacy: &Privacy) -> Self {
        Self {
            definition: node.definition.clone(),
            value: redacted(node.value.clone(), &privacy.node(node)),
            clause: node.clause.clone(),
            at: node.at.clone(),
            place: format!("{}:{}", node.location.rule_file, node.location.line),
            cite: node.cite.clone(),
        }
    }
}

/// A value a report may show: withheld (as its reason, in text) when it carries personal
/// fields.
fn redacted(value: Value, carried: &[&str]) -> Value {
    if carried.is_empty() {
        value
    } else {
        Value::Text(crate::report::withheld_text(None, carried).into())
    }
}

/// Follows both traces down while a definition read on both sides changed value.
fn origin(old: &TraceNode, new: &TraceNode, privacy: &Sides) -> (Responsible, Responsible) {
    let (mut old, mut new) = (old, new);
    while let Some((old_child, new_child)) = new.because.iter().find_map(|new_child| {
        old.because
            .iter()
            .find(|o| o.definition == new_child.definition && o.value != new_child.value)
            .map(|old_child| (old_child, new_child))
    }) {
        old = old_child;
        new = new_child;
    }
    (
        Responsible::of(old, &privacy.old),
        Responsible::of(new, &privacy.new),
    )
}

/// What each side's report may show of personal data.
pub struct Sides {
    /// The old rules'.
    pub old: Privacy,
    /// The new rules'.
    pub new: Privacy,
}

/// The changed outputs of one member or record.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityChanges {
    /// Index into the dataset's members or records.
    pub index: usize,
    /// Member or notary id.
    pub id: i64,
    /// The outputs that differ, in the new rules' schema order.
    pub changes: Vec<Change>,
}

/// Every member and record whose outputs differ.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    /// Changed members, in dataset order.
    pub members: Vec<EntityChanges>,
    /// Changed records, by id.
    pub records: Vec<EntityChanges>,
}

/// How many members or records an output moved from one value to another: by output and
/// the two values as shown, the count and the two values themselves.
pub type Summary = BTreeMap<(String, String, String), Tally>;

/// The members or records an output moved from `old` to `new`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// How many.
    pub count: usize,
    /// The old value (`None`: the old rules have no such output).
    pub old: Option<Result<Value, EvalError>>,
    /// The new value.
    pub new: Option<Result<Value, EvalError>>,
}

impl Changes {
    /// The counts: per `(output, old, new)`, for members and for records, and how many
    /// changed.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts {
            members_changed: self.members.len(),
            records_changed: self.records.len(),
            ..Counts::default()
        };
        for (summary, entities) in [
            (&mut counts.members, &self.members),
            (&mut counts.records, &self.records),
        ] {
            for change in entities.iter().flat_map(|entity| &entity.changes) {
                tally(summary, change);
            }
        }
        counts
    }
}

/// Counts one more entity whose output moved as `change` did.
fn tally(summary: &mut Summary, change: &Change) {
    let key = (
        change.output.clone(),
        show(change.old.as_ref()),
        show(change.new.as_ref()),
    );
    summary
        .entry(key)
        .or_insert_with(|| Tally {
            count: 0,
            old: change.old.clone(),
            new: change.new.clone(),
        })
        .count += 1;
}

/// The counts of a comparison without the changes themselves: what `diff --summary` shows,
/// in memory of the order of the distinct value pairs rather than of the changed entities.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Counts {
    /// Per member output and pair of values, how many members.
    pub members: Summary,
    /// Per record output and pair of values, how many records.
    pub records: Summary,
    /// Members with at least one changed output.
    pub members_changed: usize,
    /// Records with at least one changed output.
    pub records_changed: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        for (into, from) in [
            (&mut self.members, other.members),
            (&mut self.records, other.records),
        ] {
            for (key, tally) in from {
                match into.get_mut(&key) {
                    Some(mine) => mine.count += tally.count,
                    None => {
                        into.insert(key, tally);
                    }
                }
            }
        }
        self.members_changed += other.members_changed;
        self.records_changed += other.records_changed;
    }
}

/// A value in a change: `absent` for an output one side lacks, `error` for a failed one.
pub(crate) fn show(value: Option<&Result<Value, EvalError>>) -> String {
    match value {
        None => "absent".into(),
        Some(Err(_)) => "error".into(),
        Some(Ok(Value::List(items))) => format!(
            "[{}]",
            items
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(Ok(value)) => value.to_string(),
    }
}

/// Evaluates every evaluated member and every record under both rule versions and keeps
/// the outputs that differ; chunks of members are compared in parallel. An output whose
/// definition is the same in both versions (see `Equivalence`) is not evaluated.
pub fn compare(
    old_program: &Program,
    new_program: &Program,
    data: &Dataset,
    privacy: &Sides,
    progress: Progress,
) -> Changes {
    let parts = compare_chunks(
        (old_program, new_program),
        data,
        (privacy, true),
        progress,
        |part| part,
    );
    let mut changes = parts.into_iter().fold(Changes::default(), |mut all, part| {
        all.members.extend(part.members);
        all.records.extend(part.records);
        all
    });
    changes.members.sort_by_key(|m| m.index);
    changes.records.sort_by_key(|r| r.index);
    changes
}

/// Like [`compare`], only counted: no trace is taken and no changed entity kept, so that a
/// million members are summarised in the memory of their chunks.
pub fn count_changes(
    old_program: &Program,
    new_program: &Program,
    data: &Dataset,
    privacy: &Sides,
    progress: Progress,
) -> Counts {
    let parts = compare_chunks(
        (old_program, new_program),
        data,
        (privacy, false),
        progress,
        |part| part.counts(),
    );
    parts.into_iter().fold(Counts::default(), |mut all, part| {
        all.add(part);
        all
    })
}

/// Compares chunk by chunk in parallel (with the responsible rules when `explain`), each
/// chunk's changes passed through `keep`.
fn compare_chunks<T: Send>(
    (old_program, new_program): (&Program, &Program),
    data: &Dataset,
    (privacy, explain): (&Sides, bool),
    progress: Progress,
    keep: impl Fn(Changes) -> T + Sync,
) -> Vec<T> {
    let mut equivalence = Equivalence::new(old_program, new_program, data.as_of);
    let outputs = Outputs {
        members: compared(
            &old_program.member_outputs,
            &new_program.member_outputs,
            &mut equivalence,
        ),
        records: compared(
            &old_program.record_outputs,
            &new_program.record_outputs,
            &mut equivalence,
        ),
        explain,
        privacy,
    };
    if outputs.members.is_empty() && outputs.records.is_empty() {
        return Vec::new();
    }
    let compared = || outputs.members.iter().chain(&outputs.records);
    let old_wanted: Vec<DefId> = compared().filter_map(|c| c.old).collect();
    let new_wanted: Vec<DefId> = compared().filter_map(|c| c.new).collect();
    over_chunks(
        data.members.len(),
        progress,
        || {
            (
                Evaluation::for_chunks(old_program, data, Engine::default(), &old_wanted),
                Evaluation::for_chunks(new_program, data, Engine::default(), &new_wanted),
            )
        },
        |(old, new), chunk| {
            old.focus(chunk);
            new.focus(chunk);
            keep(compare_chunk(old, new, chunk, &outputs))
        },
    )
}

/// An output that may differ: its name and its definition in the old and in the new rules
/// (`None`: that version has no such output).
struct Compared<'a> {
    name: &'a str,
    old: Option<DefId>,
    new: Option<DefId>,
}

/// The member and the record outputs to evaluate, whether to find the responsible rules
/// of a change, and what the report may show.
struct Outputs<'a> {
    members: Vec<Compared<'a>>,
    records: Vec<Compared<'a>>,
    explain: bool,
    privacy: &'a Sides,
}

/// The outputs of either version, the new rules' first, in schema order, without those
/// whose definitions are the same in both.
fn compared<'a>(
    old_outputs: &'a [Output],
    new_outputs: &'a [Output],
    equivalence: &mut Equivalence,
) -> Vec<Compared<'a>> {
    let mut names: Vec<&str> = new_outputs.iter().map(|o| o.name.as_str()).collect();
    for output in old_outputs {
        if !names.contains(&output.name.as_str()) {
            names.push(&output.name);
        }
    }
    let definition = |outputs: &[Output], name: &str| {
        outputs
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.definition)
    };
    names
        .into_iter()
        .map(|name| Compared {
            name,
            old: definition(old_outputs, name),
            new: definition(new_outputs, name),
        })
        .filter(|c| !matches!((c.old, c.new), (Some(old), Some(new)) if equivalence.same(old, new)))
        .collect()
}

fn compare_chunk(
    old: &mut Evaluation,
    new: &mut Evaluation,
    chunk: &[usize],
    outputs: &Outputs,
) -> Changes {
    let data = new.data();
    let (members, records) = data.chunk_entities(chunk);
    Changes {
        members: changed_outputs((old, new), &members, (&outputs.members, outputs), |index| {
            data.members[index].row.id
        }),
        records: changed_outputs((old, new), &records, (&outputs.records, outputs), |index| {
            data.records[index].id
        }),
    }
}

/// The entities of `entities` (with their ids, by `id`) whose outputs differ: evaluated
/// output by output, as the summary is (one definition's code and memo slots at a time,
/// rather than every definition of both evaluations for one entity after another).
fn changed_outputs(
    (old, new): (&mut Evaluation, &mut Evaluation),
    entities: &[usize],
    (compared, outputs): (&[Compared], &Outputs),
    id: impl Fn(usize) -> i64,
) -> Vec<EntityChanges> {
    let mut changes = vec![Vec::new(); entities.len()];
    for output in compared {
        for (changes, &entity) in changes.iter_mut().zip(entities) {
            if let Some(change) = changed_output((old, new), entity, output, outputs) {
                changes.push(change);
            }
        }
    }
    entities
        .iter()
        .zip(changes)
        .filter(|(_, changes)| !changes.is_empty())
        .map(|(&index, changes)| EntityChanges {
            index,
            id: id(index),
            changes,
        })
        .collect()
}

/// `output` of `entity`, if its value differs, with the responsible rules when asked for;
/// a value carrying personal data is withheld.
fn changed_output(
    (old, new): (&mut Evaluation, &mut Evaluation),
    entity: usize,
    output: &Compared,
    outputs: &Outputs,
) -> Option<Change> {
    let (old_id, new_id) = (output.old, output.new);
    let old_value = old_id.map(|id| old.value(id, entity));
    let new_value = new_id.map(|id| new.value(id, entity));
    let same = match (&old_value, &new_value) {
        (Some(Ok(a)), Some(Ok(b))) => a == b,
        (Some(Err(_)), Some(Err(_))) => true,
        _ => false,
    };
    if same {
        return None;
    }
    let shown =
        |evaluation: &Evaluation, privacy: &Privacy, id: DefId, value: Result<Value, EvalError>| {
            let carried = evaluation
                .decision(id, entity)
                .map(|decision| privacy.carried(id, decision))
                .unwrap_or_default();
            value.map(|value| redacted(value, &carried))
        };
    let privacy = outputs.privacy;
    let old_value = old_id
        .zip(old_value)
        .map(|(id, v)| shown(old, &privacy.old, id, v));
    let new_value = new_id
        .zip(new_value)
        .map(|(id, v)| shown(new, &privacy.new, id, v));
    if !outputs.explain {
        return Some(Change {
            output: output.name.to_string(),
            old_rule: None,
            new_rule: None,
            old: old_value,
            new: new_value,
        });
    }
    let old_trace = old_id.map(|id| old.trace(id, entity));
    let new_trace = new_id.map(|id| new.trace(id, entity));
    let (old_rule, new_rule) = match (&old_trace, &new_trace) {
        (Some(old_trace), Some(new_trace)) => {
            let (old_rule, new_rule) = origin(old_trace, new_trace, privacy);
            (Some(old_rule), Some(new_rule))
        }
        _ => (
            old_trace.as_ref().map(|t| Responsible::of(t, &privacy.old)),
            new_trace.as_ref().map(|t| Responsible::of(t, &privacy.new)),
        ),
    };
    Some(Change {
        output: output.name.to_string(),
        old_rule,
        new_rule,
        old: old_value,
        new: new_value,
    })
}
