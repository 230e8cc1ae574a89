//! Traces: the chain of rules and citations behind a value.

use std::collections::HashSet;

use super::{Decision, Evaluation};
use crate::check::program::{Body, DefId, Rule};
use crate::data::Value;

/// Why a definition has its value: the clause that decided, what it cites, what it read.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceNode {
    /// The definition explained.
    pub id: DefId,
    /// `record.reapply`, `member.level`…
    pub definition: String,
    /// The value (missing when evaluation failed).
    pub value: Value,
    /// Which clause decided: `value`, `row 3 of 6`, `override (priority 10)`, `not in force`.
    pub clause: String,
    /// The clause that decided, as the evaluator recorded it.
    pub decision: Decision,
    /// The clause's citation.
    pub cite: String,
    /// The rule file id and `path:line` of the clause.
    pub at: String,
    /// The condition that held, as written.
    pub condition: Option<String>,
    /// For a `collect:` table that gathered nothing: the rows and overrides tried, none of
    /// which held (`path:line` each).
    pub tried: Vec<String>,
    /// Data fields the deciding clauses read, with their values.
    pub fields: Vec<(String, Value)>,
    /// The definitions they read, explained in turn.
    pub because: Vec<TraceNode>,
}

/// The clause that decided a value, as a person cites it.
struct Clause {
    /// `value`, `row 3 of 6`, `override from … (priority 10)`, `not in force`.
    text: String,
    /// What it cites.
    cite: String,
    /// The rule file id and `path:line` of the clause.
    at: String,
    /// The condition that held, as written.
    condition: Option<String>,
    /// The clauses tried that did not hold, when nothing held.
    tried: Vec<String>,
}

impl<'a> Evaluation<'a> {
    /// The trace of definition `id` for `entity`, evaluating what is not yet known.
    pub fn trace(&mut self, id: DefId, entity: usize) -> TraceNode {
        let mut seen = HashSet::new();
        self.trace_node(id, entity, &mut seen)
    }

    fn clause_and_reads(&mut self, id: DefId, entity: usize) -> (Clause, Vec<&'a Rule>) {
        let _ = self.value(id, entity);
        let program = self.program;
        let definition = &program.definitions[id];
        let decision = self
            .decision(id, entity)
            .cloned()
            .unwrap_or(Decision::Value);
        let rows: &[Rule] = match &definition.body {
            Body::Value(rule) => std::slice::from_ref(rule),
            Body::Cases(rules) | Body::Collect(rules) => rules,
        };
        let file_id = |rule: &Rule| program.files[rule.file].id.clone();
        let (clause, deciding, read): (String, Vec<&'a Rule>, Vec<&'a Rule>) = match &decision {
            Decision::Value => ("value".into(), vec![&rows[0]], vec![&rows[0]]),
            Decision::Case(index) => {
                let clause = if rows[*index].when.is_none() {
                    format!("row {} of {} (otherwise)", index + 1, rows.len())
                } else {
                    format!("row {} of {}", index + 1, rows.len())
                };
                (
                    clause,
                    vec![&rows[*index]],
                    rows[..=*index].iter().collect(),
                )
            }
            Decision::Override(index) => {
                let (priority, rule) = &definition.overrides[*index];
                (
                    format!("override from {} (priority {priority})", file_id(rule)),
                    vec![rule],
                    vec![rule],
                )
            }
            Decision::Collected(None) => {
                let read: Vec<&Rule> = rows
                    .iter()
                    .chain(definition.overrides.iter().map(|(_, r)| r))
                    .collect();
                let in_force = read.iter().filter(|r| self.in_force(r.file)).count();
                (format!("none of {in_force} rows held"), Vec::new(), read)
            }
            Decision::Collected(matched) => {
                let (matched_rows, matched_overrides) =
                    matched.as_deref().cloned().unwrap_or_default();
                let (matched_rows, matched_overrides) = (&matched_rows, &matched_overrides);
                let deciding: Vec<&Rule> = matched_rows
                    .iter()
                    .map(|i| &rows[*i])
                    .chain(
                        matched_overrides
                            .iter()
                            .map(|i| &definition.overrides[*i].1),
                    )
                    .collect();
                let read: Vec<&Rule> = rows
                    .iter()
                    .chain(definition.overrides.iter().map(|(_, r)| r))
                    .collect();
                let in_force = read.iter().filter(|r| self.in_force(r.file)).count();
                (
                    format!("{} of {in_force} rows held", deciding.len()),
                    deciding,
                    read,
                )
            }
            Decision::NotInForce => ("not in force".into(), Vec::new(), Vec::new()),
        };
        let tried: Vec<String> = match &decision {
            Decision::Collected(None) => {
                let rows = rows
                    .iter()
                    .enumerate()
                    .map(|(index, rule)| (format!("row {}", index + 1), rule));
                let overrides = definition
                    .overrides
                    .iter()
                    .map(|(_, rule)| (format!("override from {}", file_id(rule)), rule));
                rows.chain(overrides)
                    .filter(|(_, rule)| self.in_force(rule.file))
                    .map(|(label, rule)| format!("{label} ({})", rule.at))
                    .collect()
            }
            _ => Vec::new(),
        };
        let cite = match &decision {
            Decision::NotInForce => format!(
                "{} is not in force as of {}",
                program.files[definition.file].id, self.data.as_of
            ),
            Decision::Collected(None) => definition.cite.clone(),
            _ => deciding
                .iter()
                .map(|r| r.cite.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        };
        let at = match deciding.first() {
            Some(rule) => format!("{} ({})", file_id(rule), rule.at),
            None => format!("{} ({})", program.files[definition.file].id, definition.at),
        };
        let condition = match (&decision, deciding.first()) {
            (Decision::Case(_) | Decision::Override(_), Some(rule)) => rule.condition_text.clone(),
            _ => None,
        };
        (
            Clause {
                text: clause,
                cite,
                at,
                condition,
                tried,
            },
            read,
        )
    }

    fn trace_node(&mut self, id: DefId, entity: usize, seen: &mut HashSet<DefId>) -> TraceNode {
        seen.insert(id);
        let value = self.value(id, entity).unwrap_or(Value::Missing);
        let (clause, read) = self.clause_and_reads(id, entity);
        let program = self.program;
        let definition = &program.definitions[id];
        let mut fields: Vec<(String, Value)> = Vec::new();
        let mut uses: Vec<DefId> = Vec::new();
        for rule in &read {
            for field in &rule.fields {
                let name = match field {
                    crate::check::program::FieldUse::Record(_, name) => format!("record.{name}"),
                    crate::check::program::FieldUse::Member(_, name) => format!("member.{name}"),
                };
                let value = self.field_value(definition.scope, entity, field);
                let is_data = !matches!(
                    value,
                    Value::Records(..) | Value::Member(_) | Value::Record(_)
                );
                if is_data && !fields.iter().any(|(n, _)| *n == name) {
                    fields.push((name, value));
                }
            }
            for used in &rule.uses {
                if !uses.contains(used) {
                    uses.push(*used);
                }
            }
        }
        let mut because = Vec::new();
        for used in uses {
            if !seen.contains(&used) {
                because.push(self.trace_node(used, entity, seen));
            }
        }
        TraceNode {
            id,
            definition: format!("{}.{}", definition.scope.name(), definition.name),
            value,
            clause: clause.text,
            decision: self
                .decision(id, entity)
                .cloned()
                .unwrap_or(Decision::Value),
            cite: clause.cite,
            at: clause.at,
            condition: clause.condition,
            tried: clause.tried,
            fields,
            because,
        }
    }
}
