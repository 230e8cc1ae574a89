//! Traces: the chain of rules and citations behind a value.

use std::collections::HashSet;

use super::{Decision, Evaluation};
use crate::check::program::{Body, Code, DefId, Rule};
use crate::lang::Scope;
use crate::lang::Value;

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
    /// For a `cases:` table, the rows tried before the one that held, each with the part of
    /// its condition that did not hold and the values that part read.
    pub failed: Vec<FailedRow>,
    /// The overrides of the definition tried before the clause that decided, each with why
    /// it did not apply (its rule file not in force, or the part of its condition that did
    /// not hold): a ruling's exception that did not apply is part of the explanation.
    pub overrides_tried: Vec<SkippedOverride>,
    /// The rules-relative rule file and line of the deciding clause, and its row (1-based)
    /// when a `cases:` row decided.
    pub location: Location,
    /// Nothing worth a paragraph decided it: a `collect:` where nothing held, a rule file
    /// not in force, or a constant `value:`.
    pub trivial: bool,
    /// Data fields the deciding clauses read, with their values (the rows and overrides that
    /// did not hold show what their failing part read).
    pub fields: Vec<(String, Value)>,
    /// The definitions they read, explained in turn.
    pub because: Vec<TraceNode>,
}

/// A row of a decision table that was tried and did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedRow {
    /// The row, 1-based.
    pub row: usize,
    /// Where the row is written.
    pub location: Location,
    /// The part of its condition that did not hold, as written.
    pub condition: String,
    /// What that part gave: `false`, or missing.
    pub value: Value,
    /// The fields and definitions that part read, with their values.
    pub read: Vec<(String, Value)>,
    /// Which part of the condition did not hold (0-based; `None` when no part could be
    /// singled out): the parts before it were evaluated and held.
    pub part: Option<usize>,
}

/// An override tried before the clause that decided, and why it did not apply.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedOverride {
    /// The id of the override's rule file.
    pub rule_file: String,
    /// Its priority.
    pub priority: i64,
    /// Where it is written.
    pub location: Location,
    /// What it cites.
    pub cite: String,
    /// Why it did not apply.
    pub reason: Skipped,
}

/// Why an override did not apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Skipped {
    /// Its rule file is not in force as of the date.
    NotInForce {
        /// The first day it is in force.
        from: Option<chrono::NaiveDate>,
        /// The first day it is no longer in force.
        until: Option<chrono::NaiveDate>,
    },
    /// A part of its condition did not hold (the row number is 0).
    Condition(FailedRow),
}

/// Where a deciding clause is written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Location {
    /// The rule file, relative to the rules directory.
    pub rule_file: String,
    /// The clause's 1-based line.
    pub line: usize,
    /// The row of a `cases:` table that decided (1-based).
    pub row: Option<usize>,
}

impl Location {
    /// The location of a clause written at `at` (`rules-relative-path:line`).
    fn of(at: &str, row: Option<usize>) -> Self {
        let (rule_file, line) = at.rsplit_once(':').unwrap_or((at, "0"));
        Self {
            rule_file: rule_file.to_string(),
            line: line.parse().unwrap_or(0),
            row,
        }
    }
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

    fn clause_and_reads(&mut self, id: DefId, decision: &Decision) -> (Clause, Vec<&'a Rule>) {
        let program = self.program;
        let definition = &program.definitions[id];
        let rows: &[Rule] = match &definition.body {
            Body::Value(rule) => std::slice::from_ref(rule),
            Body::Cases(rules) | Body::Collect(rules) => rules,
        };
        let file_id = |rule: &Rule| program.files[rule.file].id.clone();
        let (clause, deciding, read): (String, Vec<&'a Rule>, Vec<&'a Rule>) = match decision {
            Decision::Value => ("value".into(), vec![&rows[0]], vec![&rows[0]]),
            Decision::Case(index) => {
                let clause = if rows[*index].when.is_none() {
                    format!("row {} of {} (otherwise)", index + 1, rows.len())
                } else {
                    format!("row {} of {}", index + 1, rows.len())
                };
                // The rows before it show what their failing part read.
                (clause, vec![&rows[*index]], vec![&rows[*index]])
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
                // The overrides are reported with why each did not apply.
                let in_force = rows.iter().filter(|r| self.in_force(r.file)).count();
                (
                    format!("none of {in_force} rows held"),
                    Vec::new(),
                    Vec::new(),
                )
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
        // The rows; the overrides tried are reported with why each did not apply.
        let tried: Vec<String> = match &decision {
            Decision::Collected(None) => rows
                .iter()
                .enumerate()
                .filter(|(_, rule)| self.in_force(rule.file))
                .map(|(index, rule)| format!("row {} ({})", index + 1, rule.at))
                .collect(),
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
        let decision = self
            .decision(id, entity)
            .cloned()
            .unwrap_or(Decision::Value);
        self.trace_decided(id, entity, (value, decision), 0, seen)
    }

    /// The trace of definition `id` for `entity` decided as `decision` with the value
    /// `value`, its overrides tried from index `from` on.
    fn trace_decided(
        &mut self,
        id: DefId,
        entity: usize,
        (value, decision): (Value, Decision),
        from: usize,
        seen: &mut HashSet<DefId>,
    ) -> TraceNode {
        let (clause, read) = self.clause_and_reads(id, &decision);
        let program = self.program;
        let definition = &program.definitions[id];
        let tried = self.overrides_tried(id, entity, &decision, from);
        let failed: Vec<FailedRow> = match (&decision, &definition.body) {
            (Decision::Case(index), Body::Cases(rows)) => rows[..*index]
                .iter()
                .enumerate()
                .map(|(row, rule)| self.failed_row(row + 1, rule, definition.scope, entity))
                .collect(),
            _ => Vec::new(),
        };
        // The definitions read are explained in the order they were evaluated: those the
        // overrides tried and the rows that failed read (up to their failing part), then
        // those of the clause that decided.
        let mut uses: Vec<DefId> = Vec::new();
        let rows: &[Rule] = match &definition.body {
            Body::Cases(rows) => rows,
            _ => &[],
        };
        let skipped = tried
            .iter()
            .filter_map(|(rule, skipped)| match &skipped.reason {
                Skipped::Condition(failed) => Some((failed, *rule)),
                Skipped::NotInForce { .. } => None,
            });
        for (failed, rule) in skipped.chain(failed.iter().zip(rows)) {
            let parts = failed.part.map_or(0, |part| part + 1);
            for conjunct in &rule.conjuncts[..parts.min(rule.conjuncts.len())] {
                for (_, code) in &conjunct.reads {
                    if let Code::Definition(object, used) = code
                        && **object == Code::This
                        && !uses.contains(used)
                    {
                        uses.push(*used);
                    }
                }
            }
        }
        let mut fields: Vec<(String, Value)> = Vec::new();
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
        let overrides_tried = tried.into_iter().map(|(_, skipped)| skipped).collect();
        let mut because = Vec::new();
        // An override that read `overridden`: the value without it, explained in turn.
        if let Decision::Override(index) = decision
            && let (priority, rule) = &definition.overrides[index]
            && rule.reads_overridden
            && let Ok(without) = self.value_from(id, entity, index + 1)
        {
            let mut node = self.trace_decided(id, entity, without, index + 1, seen);
            node.definition = format!(
                "overridden: {}.{} without the override of priority {priority}",
                definition.scope.name(),
                definition.name
            );
            because.push(node);
        }
        for used in uses {
            if !seen.contains(&used) {
                because.push(self.trace_node(used, entity, seen));
            }
        }
        let location = self.location(id, &decision);
        let trivial = match (&decision, &definition.body) {
            (Decision::Collected(None) | Decision::NotInForce, _) => true,
            (Decision::Value, Body::Value(rule)) => matches!(rule.then, Code::Const(_)),
            _ => false,
        };
        TraceNode {
            id,
            definition: format!("{}.{}", definition.scope.name(), definition.name),
            value,
            clause: clause.text,
            decision,
            cite: clause.cite,
            at: clause.at,
            condition: clause.condition,
            tried: clause.tried,
            failed,
            overrides_tried,
            location,
            trivial,
            fields,
            because,
        }
    }
}

impl<'a> Evaluation<'a> {
    /// Why row `row` (1-based) did not hold: its first part that was not true.
    pub fn failed_row(
        &mut self,
        row: usize,
        rule: &'a Rule,
        scope: Scope,
        entity: usize,
    ) -> FailedRow {
        for (part, conjunct) in rule.conjuncts.iter().enumerate() {
            let value = self
                .value_of(&conjunct.code, scope, entity)
                .unwrap_or(Value::Missing);
            if value != Value::Bool(true) {
                let read = conjunct
                    .reads
                    .iter()
                    .map(|(name, code)| {
                        let value = self.value_of(code, scope, entity).unwrap_or(Value::Missing);
                        (name.clone(), value)
                    })
                    .collect();
                return FailedRow {
                    row,
                    location: Location::of(&rule.at, Some(row)),
                    condition: conjunct.text.clone(),
                    value,
                    read,
                    part: Some(part),
                };
            }
        }
        FailedRow {
            row,
            location: Location::of(&rule.at, Some(row)),
            condition: rule.condition_text.clone().unwrap_or_default(),
            value: Value::Bool(false),
            read: Vec::new(),
            part: None,
        }
    }

    /// The overrides of definition `id` tried before the clause that decided, and why each
    /// did not apply.
    fn overrides_tried(
        &mut self,
        id: DefId,
        entity: usize,
        decision: &Decision,
        from: usize,
    ) -> Vec<(&'a Rule, SkippedOverride)> {
        let program = self.program();
        let definition = &program.definitions[id];
        let tried: Vec<usize> = match decision {
            Decision::Override(index) => (0..*index).collect(),
            Decision::Collected(matched) => {
                let matched = matched
                    .as_deref()
                    .map(|(_, o)| o.clone())
                    .unwrap_or_default();
                (0..definition.overrides.len())
                    .filter(|i| !matched.contains(i))
                    .collect()
            }
            Decision::Value | Decision::Case(_) | Decision::NotInForce => {
                (0..definition.overrides.len()).collect()
            }
        };
        tried
            .into_iter()
            .filter(|index| *index >= from)
            .map(|index| {
                let (priority, rule) = &definition.overrides[index];
                let file = &program.files[rule.file];
                let reason = if self.in_force(rule.file) {
                    let mut failed = self.failed_row(0, rule, definition.scope, entity);
                    failed.location.row = None;
                    Skipped::Condition(failed)
                } else {
                    Skipped::NotInForce {
                        from: file.effective_from,
                        until: file.effective_until,
                    }
                };
                let skipped = SkippedOverride {
                    rule_file: file.id.clone(),
                    priority: *priority,
                    location: Location::of(&rule.at, None),
                    cite: rule.cite.clone(),
                    reason,
                };
                (rule, skipped)
            })
            .collect()
    }

    /// Where the clause that decided definition `id` for `entity` is written (after
    /// [`Self::value`]): what `wotrules sql` names in an output's `_rule` column.
    pub fn deciding_clause(&self, id: DefId, entity: usize) -> Option<Location> {
        self.decision(id, entity)
            .map(|decision| self.location(id, decision))
    }

    /// The rule file, line and row of the clause that decided `id`.
    fn location(&self, id: DefId, decision: &Decision) -> Location {
        let definition = &self.program().definitions[id];
        let rows: &[Rule] = match &definition.body {
            Body::Value(rule) => std::slice::from_ref(rule),
            Body::Cases(rules) | Body::Collect(rules) => rules,
        };
        let (at, row) = match decision {
            Decision::Value => (rows.first().map(|r| &r.at), None),
            Decision::Case(index) => (rows.get(*index).map(|r| &r.at), Some(index + 1)),
            Decision::Override(index) => {
                (definition.overrides.get(*index).map(|(_, r)| &r.at), None)
            }
            Decision::Collected(_) | Decision::NotInForce => (None, None),
        };
        Location::of(at.unwrap_or(&definition.at), row)
    }
}
