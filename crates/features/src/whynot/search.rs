//! "Why not": the smallest changes to a member's data that would give an output a value.
//!
//! The kinds of change are data, the schema's `why_not` (receive more assurances, pass CATS,
//! repair a record the rules find repairable); the search is generic: sets of at most
//! [`MAX_CHANGES`] changes, smallest first, each applied to a copy of the rows and
//! re-evaluated with the same program. Only sets that reach the value are reported, no
//! superset of one that does, and of those the cheapest (a change costs 1, `receive n`
//! costs n). What stands in the way is read from the output's decision
//! table: the rows that give the value and the part of each that fails now.

use chrono::NaiveDate;

use super::WhyNotPlan;
use wotrules_core::check::program::{Body, Code, DefId, Program, Rule};
use wotrules_core::data::{Dataset, MemberRow, RecordRow, Rows, Stamp, Texts};
use wotrules_core::eval::{EvalError, Evaluation, FailedRow};
use wotrules_core::lang::{Scope, Value};

/// The most changes one suggestion combines.
pub const MAX_CHANGES: usize = 3;

/// The most suggestions reported.
const MAX_SUGGESTIONS: usize = 5;

/// The most repairable records tried one by one.
const MAX_REPAIRS: usize = 6;

/// One change to the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `count` more records received, of `method`, `points` each, from new assurers.
    Receive {
        /// The method.
        method: String,
        /// Points of each.
        points: i64,
        /// How many.
        count: usize,
    },
    /// The Assurer Challenge passed on the evaluation date.
    PassCats,
    /// Record `record` repaired: it then counts `points`.
    Repair {
        /// The notary id.
        record: i64,
        /// The points it counts once repaired.
        points: i64,
    },
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Receive {
                method,
                points,
                count,
            } => {
                let assurances =
                    wotrules_core::words::counted(*count, &format!("more \"{method}\" assurance"));
                write!(f, "receive {assurances} of {points} points")
            }
            Self::PassCats => write!(f, "pass CATS (the Assurer Challenge)"),
            Self::Repair { record, points } => {
                write!(
                    f,
                    "re-apply record {record} (it then counts {points} points)"
                )
            }
        }
    }
}

/// A set of changes that gives the value asked for, with the clauses that allow them.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The changes.
    pub changes: Vec<Change>,
    /// The clause allowing each change, in the same order.
    pub cites: Vec<String>,
}

/// What stands in the way of a value: a row of the deciding table that gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Obstacle {
    /// The definition whose table it is (`member.level`).
    pub definition: String,
    /// The row that would give the value (1-based) and its citation.
    pub row: usize,
    /// Its citation.
    pub cite: String,
    /// `path:line` of the row.
    pub at: String,
    /// An earlier row that holds now and decides first, or the part of this row's condition
    /// that fails now, with the values it read.
    pub failed: FailedRow,
    /// Whether the failing part is an earlier row that holds (rather than this row's own).
    pub earlier_row_holds: bool,
    /// For a part `x >= n` (or `>`, `<=`, `<`) of integers: how much `x` must change for
    /// it to hold (55: 55 more; -3: 3 fewer).
    pub gap: Option<i64>,
}

/// The answer to "why not OUTPUT = VALUE".
#[derive(Debug, Clone, PartialEq)]
pub struct WhyNot {
    /// The value now.
    pub current: Value,
    /// What stands in the way.
    pub obstacles: Vec<Obstacle>,
    /// The smallest sets of changes that give the value (none when no set of at most
    /// [`MAX_CHANGES`] changes of the kinds allowed does).
    pub suggestions: Vec<Suggestion>,
    /// How many sets of changes were evaluated.
    pub evaluated: usize,
    /// The rule files with rules for the output (its definition and overrides) that are not
    /// in force as of the date, with their first day: no change of the data makes them apply.
    pub not_in_force: Vec<(String, Option<NaiveDate>)>,
}

/// The value of `output` (of `scope`) for entity `id` over `rows` as of `as_of`.
fn evaluate(
    program: &Program,
    rows: Rows,
    as_of: NaiveDate,
    scope: Scope,
    id: i64,
    output: DefId,
) -> Option<Result<Value, EvalError>> {
    let data = rows.dataset(as_of).ok()?;
    let index = entity_index(&data, scope, id)?;
    let mut evaluation = focused(program, &data, scope, index);
    Some(evaluation.value(output, index))
}

/// An evaluation whose memo holds one member (or a record's assuree) and the records it
/// received: a database of millions is not memoised whole for one question.
fn focused<'a>(
    program: &'a Program,
    data: &'a Dataset,
    scope: Scope,
    index: usize,
) -> Evaluation<'a> {
    let member = match scope {
        Scope::Member => index,
        Scope::Record => data.links[index].assuree as usize,
    };
    let mut evaluation = Evaluation::chunked(program, data);
    evaluation.focus(&[member]);
    evaluation
}

fn entity_index(data: &Dataset, scope: Scope, id: i64) -> Option<usize> {
    match scope {
        Scope::Member => data
            .members
            .iter()
            .position(|m| m.evaluated && m.row.id == id),
        Scope::Record => data.records.iter().position(|r| r.id == id),
    }
}

/// `rows` with `changes` made for member `member` as of `as_of`: its members, records and
/// their texts.
pub fn apply(
    rows: &Rows,
    as_of: NaiveDate,
    member: i64,
    changes: &[Change],
) -> (Vec<MemberRow>, Vec<RecordRow>, Texts) {
    let mut members = rows.members.to_vec();
    let mut records = rows.records.to_vec();
    let mut texts = rows.texts.clone();
    let mut next_record = records.iter().map(|r| r.id).max().unwrap_or(0);
    let mut next_member = members
        .iter()
        .map(|m| m.id)
        .chain(records.iter().flat_map(|r| [r.from, r.to]))
        .max()
        .unwrap_or(0);
    for change in changes {
        match change {
            Change::Receive {
                method,
                points,
                count,
            } => {
                for _ in 0..*count {
                    next_record += 1;
                    next_member += 1;
                    records.push(RecordRow {
                        id: next_record,
                        from: next_member,
                        to: member,
                        points: *points,
                        awarded: *points,
                        method: texts.intern(method),
                        location: texts.intern(""),
                        date: texts.intern(&as_of.to_string()),
                        when: Some(as_of.and_time(chrono::NaiveTime::MIN)).into(),
                        expire: Stamp::NONE,
                        deleted: Stamp::NONE,
                    });
                }
            }
            Change::PassCats => {
                if let Some(row) = members.iter_mut().find(|m| m.id == member) {
                    row.cats_passes.push(as_of);
                }
            }
            Change::Repair { record, points } => {
                if let Some(row) = records.iter_mut().find(|r| r.id == *record) {
                    row.points = *points;
                    row.awarded = *points;
                }
            }
        }
    }
    (members, records, texts)
}

/// Why `output` is not `wanted` for the member or record `id` (of the output's scope), and,
/// for a member, the smallest changes to its data that would make it so. A record's own
/// fields are not changed: for a record only the obstacles are given.
pub fn why_not(
    program: &Program,
    plan: &WhyNotPlan,
    rows: &Rows,
    as_of: NaiveDate,
    id: i64,
    output: DefId,
    wanted: &Value,
) -> Option<WhyNot> {
    let scope = program.definitions[output].scope;
    let data = rows.clone().dataset(as_of).ok()?;
    let index = entity_index(&data, scope, id)?;
    let member = id;
    let mut evaluation = focused(program, &data, scope, index);
    let current = evaluation.value(output, index).unwrap_or(Value::Missing);
    let obstacles = obstacles(&mut evaluation, output, index, wanted);
    let definition = &program.definitions[output];
    let mut not_in_force: Vec<(String, Option<NaiveDate>)> = Vec::new();
    let files =
        std::iter::once(definition.file).chain(definition.overrides.iter().map(|(_, r)| r.file));
    for file in files {
        let info = &program.files[file];
        if !evaluation.in_force(file) && !not_in_force.iter().any(|(id, _)| *id == info.id) {
            not_in_force.push((info.id.clone(), info.effective_from));
        }
    }
    // The changes allowed, each with its clause.
    let mut atoms: Vec<(Change, String)> = Vec::new();
    if scope == Scope::Record {
        return Some(WhyNot {
            current,
            obstacles,
            suggestions: Vec::new(),
            evaluated: 0,
            not_in_force,
        });
    }
    if let Some(cite) = &plan.cats {
        atoms.push((Change::PassCats, cite.clone()));
    }
    if let Some((outcome, value, points, cite)) = &plan.repair {
        let repairable = data.received(index).filter_map(|record| {
            let repairable = evaluation.value(*outcome, record).ok().as_ref() == Some(value);
            match evaluation.value(*points, record) {
                Ok(Value::Int(points)) if repairable => Some(Change::Repair {
                    record: data.records[record].id,
                    points,
                }),
                _ => None,
            }
        });
        let repairs: Vec<Change> = repairable.take(MAX_REPAIRS).collect();
        atoms.extend(repairs.into_iter().map(|change| (change, cite.clone())));
    }
    if let Some((method, points, most, cite)) = &plan.receive {
        for count in 1..=*most {
            let change = Change::Receive {
                method: method.clone(),
                points: *points,
                count,
            };
            atoms.push((change, cite.clone()));
        }
    }
    // Every set of at most MAX_CHANGES changes (one `receive` at most), smallest first; a
    // set containing one that already works is not tried. The cheapest that work are kept:
    // a change costs 1, `receive n` costs n (n new assurances).
    let mut found: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut evaluated = 0;
    if current != *wanted {
        for size in 1..=MAX_CHANGES.min(atoms.len()) {
            for set in subsets(atoms.len(), size) {
                let receives = set
                    .iter()
                    .filter(|i| matches!(atoms[**i].0, Change::Receive { .. }))
                    .count();
                let contains_found = found
                    .iter()
                    .any(|(_, smaller)| smaller.iter().all(|i| set.contains(i)));
                if receives > 1 || contains_found {
                    continue;
                }
                let changes: Vec<Change> = set.iter().map(|i| atoms[*i].0.clone()).collect();
                let (members, records, texts) = apply(rows, as_of, member, &changes);
                let changed = Rows {
                    as_of: Some(as_of),
                    request: rows.request.clone(),
                    members,
                    records,
                    texts,
                };
                evaluated += 1;
                let reached = evaluate(program, changed, as_of, Scope::Member, member, output);
                if matches!(reached, Some(Ok(ref value)) if value == wanted) {
                    let cost = changes
                        .iter()
                        .map(|c| match c {
                            Change::Receive { count, .. } => *count,
                            _ => 1,
                        })
                        .sum();
                    found.push((cost, set));
                }
            }
        }
    }
    let cheapest = found.iter().map(|(cost, _)| *cost).min();
    let suggestions: Vec<Suggestion> = found
        .iter()
        .filter(|(cost, _)| Some(*cost) == cheapest)
        .take(MAX_SUGGESTIONS)
        .map(|(_, set)| Suggestion {
            changes: set.iter().map(|i| atoms[*i].0.clone()).collect(),
            cites: set.iter().map(|i| atoms[*i].1.clone()).collect(),
        })
        .collect();
    Some(WhyNot {
        current,
        obstacles,
        suggestions,
        evaluated,
        not_in_force,
    })
}

/// Every set of `size` indices below `n`, in order.
fn subsets(n: usize, size: usize) -> Vec<Vec<usize>> {
    fn extend(
        start: usize,
        n: usize,
        size: usize,
        current: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) {
        if current.len() == size {
            out.push(current.clone());
            return;
        }
        for i in start..n {
            current.push(i);
            extend(i + 1, n, size, current, out);
            current.pop();
        }
    }
    let mut out = Vec::new();
    extend(0, n, size, &mut Vec::new(), &mut out);
    out
}

/// The rows of `id`'s decision table that give `wanted` (following an override or a
/// value that is another definition of the same entity), with what fails in each now.
fn obstacles(
    evaluation: &mut Evaluation,
    id: DefId,
    entity: usize,
    wanted: &Value,
) -> Vec<Obstacle> {
    let program = evaluation.program();
    let definition = &program.definitions[id];
    let _ = evaluation.value(id, entity);
    // An override or a `value:` that hands the decision to another definition: follow it.
    let deciding: Option<&Rule> = match (evaluation.decision(id, entity), &definition.body) {
        (Some(wotrules_core::eval::Decision::Override(index)), _) => {
            definition.overrides.get(*index).map(|(_, r)| r)
        }
        (_, Body::Value(rule)) => Some(rule),
        _ => None,
    };
    if let Some(rule) = deciding
        && let Code::Definition(object, next) = &rule.then
        && matches!(**object, Code::This)
    {
        return obstacles(evaluation, *next, entity, wanted);
    }
    let Body::Cases(rows) = &definition.body else {
        return Vec::new();
    };
    let scope = definition.scope;
    let name = format!("{}.{}", scope.name(), definition.name);
    let mut obstacles = Vec::new();
    for (index, rule) in rows.iter().enumerate() {
        if !matches!(&rule.then, Code::Const(value) if value == wanted) {
            continue;
        }
        let earlier = rows[..index].iter().enumerate().find(|(_, earlier)| {
            earlier.when.as_ref().is_some_and(|when| {
                evaluation.value_of(when, scope, entity).ok() == Some(Value::Bool(true))
            })
        });
        let (failed, earlier_row_holds) = match earlier {
            Some((row, earlier)) => {
                let mut read: Vec<(String, Value)> = Vec::new();
                for (name, code) in earlier.conjuncts.iter().flat_map(|c| &c.reads) {
                    if !read.iter().any(|(n, _)| n == name) {
                        let value = evaluation
                            .value_of(code, scope, entity)
                            .unwrap_or(Value::Missing);
                        read.push((name.clone(), value));
                    }
                }
                let failed = FailedRow {
                    row: row + 1,
                    location: wotrules_core::eval::Location::default(),
                    condition: earlier.condition_text.clone().unwrap_or_default(),
                    value: Value::Bool(true),
                    read,
                    part: None,
                };
                (failed, true)
            }
            None if rule.when.is_some() => {
                (evaluation.failed_row(index + 1, rule, scope, entity), false)
            }
            None => continue,
        };
        if !earlier_row_holds && failed.value == Value::Bool(true) {
            continue;
        }
        let gap = if earlier_row_holds {
            None
        } else {
            gap(evaluation, rule, scope, entity)
        };
        obstacles.push(Obstacle {
            definition: name.clone(),
            row: index + 1,
            cite: rule.cite.clone(),
            at: rule.at.clone(),
            failed,
            earlier_row_holds,
            gap,
        });
    }
    obstacles
}

/// How far the first failing part of `rule` is from holding, when it compares an
/// integer with an integer constant.
fn gap<'a>(
    evaluation: &mut Evaluation<'a>,
    rule: &'a Rule,
    scope: Scope,
    entity: usize,
) -> Option<i64> {
    use wotrules_core::check::program::Compare;
    for conjunct in &rule.conjuncts {
        if evaluation.value_of(&conjunct.code, scope, entity).ok() == Some(Value::Bool(true)) {
            continue;
        }
        let Code::Compare(op, left, right) = &conjunct.code else {
            return None;
        };
        let Code::Const(Value::Int(bound)) = **right else {
            return None;
        };
        let Ok(Value::Int(now)) = evaluation.value_of(left, scope, entity) else {
            return None;
        };
        return match op {
            Compare::Ge => bound.checked_sub(now),
            Compare::Gt => bound.checked_sub(now)?.checked_add(1),
            Compare::Le => bound.checked_sub(now),
            Compare::Lt => bound.checked_sub(now)?.checked_sub(1),
            _ => None,
        };
    }
    None
}
