//! Aggregations a column at a time: each row's records laid out as the rows of a child
//! frame (with offsets per row), the filter and the value evaluated over the child frame
//! once, then reduced row by row in record order, as the interpreter does.

use super::column::{Builder, Column, Data, Str, Strings, mask};
use super::expr::{Entities, Frame, NOT_LOCAL, Run, truth};
use crate::check::program::{AggregateCode, Code, Compare};
use crate::data::MemberField;
use crate::eval::compare;
use crate::lang::{AggregateKind, Direction, Scope, Value};

impl<'a> Run<'_, 'a> {
    /// The aggregation `aggregate` for each row of `frame`.
    pub(super) fn aggregate(&mut self, aggregate: &'a AggregateCode, frame: &Frame) -> Column {
        let n = frame.len();
        let (object, direction) = match &aggregate.source {
            Code::MemberField(object, MemberField::Received) => (object, Direction::Received),
            Code::MemberField(object, MemberField::Given) => (object, Direction::Given),
            _ => return Column::failed(n),
        };
        let owners = self.eval(object, frame);
        let Data::Member(members) = &owners.data else {
            return Column::failed(n);
        };
        let owner_rows = self.locals(object, frame, Scope::Member, members);
        let data = self.evaluation.data;
        let depth = frame.bound.len();
        // Each row's records, with their rows among the chunk's records.
        let mut elements: Vec<(usize, u32, u32)> = Vec::new();
        for row in 0..n {
            if owners.is_failed(row) || owners.is_missing(row) {
                continue;
            }
            let records = data.records_of(members[row] as usize, direction);
            let owner_row = owner_rows[row];
            let memo = &self.evaluation.memo;
            for (i, record) in records.iter().enumerate() {
                // A member of the chunk has its records one after the other there.
                let local = match (direction, owner_row) {
                    (_, NOT_LOCAL) => memo
                        .local(Scope::Record, *record as usize)
                        .map_or(NOT_LOCAL, |l| l as u32),
                    (Direction::Received, owner) => self.starts[owner as usize].0 + i as u32,
                    (Direction::Given, owner) => self.starts[owner as usize].1 + i as u32,
                };
                elements.push((row, *record, local));
            }
        }
        // The filter's leading conditions that read only the record bound (`r.class ==
        // "ttp-assisted"`) are evaluated once per record of the chunk, not once per pair:
        // an element they reject is skipped, as the interpreter skips it after them.
        let conjuncts: Vec<&'a Code> = aggregate.filter.iter().flat_map(|f| conjuncts(f)).collect();
        let hoisted = conjuncts
            .iter()
            .take_while(|c| reads_only_bound(c, depth))
            .count();
        let mut prefix = None;
        if hoisted > 0 && elements.iter().all(|(_, _, local)| *local != NOT_LOCAL) {
            // The records the elements name, each once, in the chunk's order.
            let mut position = vec![NOT_LOCAL; self.records.index.len()];
            for (_, _, local) in &elements {
                position[*local as usize] = 0;
            }
            let mut used = Vec::new();
            for (local, at) in position.iter_mut().enumerate() {
                if *at == 0 {
                    *at = used.len() as u32;
                    used.push(local as u32);
                }
            }
            let records = self.records.select(&used);
            let records = Frame {
                scope: Scope::Record,
                this: records.clone(),
                bound: vec![records; depth + 1],
                base: false,
            };
            let held = self.all_of(&conjuncts[..hoisted], &records);
            let at = |local: &u32| position[*local as usize] as usize;
            elements.retain(|(_, _, local)| truth(&held, at(local)) != Some(false));
            prefix = Some((held, position));
        }
        let mut offsets = vec![0usize; n + 1];
        let empty = Entities {
            index: Vec::with_capacity(elements.len()),
            local: Vec::with_capacity(elements.len()),
        };
        let mut child = Frame {
            scope: frame.scope,
            this: empty.clone(),
            bound: vec![empty; depth + 1],
            base: false,
        };
        for (row, record, local) in &elements {
            let row = *row;
            offsets[row + 1] += 1;
            child.this.index.push(frame.this.index[row]);
            child.this.local.push(frame.this.local[row]);
            for (level, bound) in frame.bound.iter().enumerate() {
                child.bound[level].index.push(bound.index[row]);
                child.bound[level].local.push(bound.local[row]);
            }
            child.bound[depth].index.push(*record);
            child.bound[depth].local.push(*local);
        }
        for row in 0..n {
            offsets[row + 1] += offsets[row];
        }
        let filter = match (&prefix, &aggregate.filter) {
            (_, None) => None,
            (None, Some(filter)) => Some(self.eval(filter, &child)),
            (Some((held, position)), Some(_)) => {
                let mut rest = self.all_of(&conjuncts[hoisted..], &child);
                // An element whose leading conditions failed fails there, before the rest.
                let failed: Vec<bool> = elements
                    .iter()
                    .enumerate()
                    .map(|(j, (_, _, local))| {
                        held.is_failed(position[*local as usize] as usize) || rest.is_failed(j)
                    })
                    .collect();
                rest.failed = mask(failed);
                Some(rest)
            }
        };
        // The value is evaluated only where the filter held, as the interpreter does.
        let passing: Vec<u32> = (0..child.len() as u32)
            .filter(|j| {
                filter
                    .as_ref()
                    .is_none_or(|f| truth(f, *j as usize) == Some(true))
            })
            .collect();
        let mut value_row = vec![u32::MAX; child.len()];
        for (k, j) in passing.iter().enumerate() {
            value_row[*j as usize] = k as u32;
        }
        let values = match &aggregate.value {
            Some(value) if passing.len() == child.len() => Some(self.eval(value, &child)),
            Some(value) => Some(self.eval(value, &child.select(&passing))),
            None => None,
        };
        let mut out = Builder::new(n);
        for row in 0..n {
            if owners.is_failed(row) || owners.is_missing(row) {
                out.push_failed();
                continue;
            }
            let elements = offsets[row]..offsets[row + 1];
            let mut reduce = Reduce::new(aggregate.kind);
            let mut failed = false;
            for j in elements {
                if let Some(filter) = &filter {
                    match truth(filter, j) {
                        None => {
                            failed = true;
                            break;
                        }
                        Some(false) => continue,
                        Some(true) => {}
                    }
                }
                let element = match &values {
                    Some(values) => {
                        let k = value_row[j] as usize;
                        if values.is_failed(k) {
                            failed = true;
                            break;
                        }
                        Some((values, k))
                    }
                    None => None,
                };
                match reduce.add(element, self.strings) {
                    Step::Next => {}
                    Step::Done => break,
                    Step::Fail => {
                        failed = true;
                        break;
                    }
                }
            }
            match failed {
                true => out.push_failed(),
                false => {
                    let value = reduce.finish();
                    out.push(value, self.strings);
                }
            }
        }
        out.finish()
    }
}

/// What a reduction says after an element.
enum Step {
    Next,
    /// The result is known (`any` met a true, `all` a false).
    Done,
    /// The interpreter decides this row (an overflow, a value it compares otherwise).
    Fail,
}

/// One row's reduction, as the interpreter's aggregation loop does it.
struct Reduce {
    kind: AggregateKind,
    count: i64,
    sum: i64,
    best: Option<Value>,
    distinct: Vec<Value>,
    distinct_texts: Vec<Str>,
    lines: Vec<String>,
    decided: Option<bool>,
}

impl Reduce {
    fn new(kind: AggregateKind) -> Self {
        Self {
            kind,
            count: 0,
            sum: 0,
            best: None,
            distinct: Vec::new(),
            distinct_texts: Vec::new(),
            lines: Vec::new(),
            decided: None,
        }
    }

    /// Adds the element at row `k` of `values` (`None`: the aggregation has no value).
    fn add(&mut self, element: Option<(&Column, usize)>, strings: &Strings) -> Step {
        self.count += 1;
        let Some((values, k)) = element else {
            return match self.kind {
                AggregateKind::Any => {
                    self.decided = Some(true);
                    Step::Done
                }
                AggregateKind::All | AggregateKind::Count => Step::Next,
                _ => Step::Fail,
            };
        };
        let missing = values.is_missing(k);
        match (self.kind, &values.data) {
            (AggregateKind::Count, _) => {}
            (AggregateKind::Sum, _) if missing => {}
            (AggregateKind::Sum, Data::Int(v)) => match self.sum.checked_add(v[k]) {
                Some(sum) => self.sum = sum,
                None => return Step::Fail,
            },
            (AggregateKind::Min | AggregateKind::Max, Data::Int(_) | Data::Date(_)) if missing => {
                return Step::Fail;
            }
            (AggregateKind::Min | AggregateKind::Max, _) => {
                let value = values.value(k, strings);
                let op = match self.kind {
                    AggregateKind::Min => Compare::Lt,
                    _ => Compare::Gt,
                };
                if self.best.as_ref().is_none_or(|b| compare(op, &value, b)) {
                    self.best = Some(value);
                }
            }
            (AggregateKind::CountDistinct, Data::Text(texts)) if !missing => {
                let text = texts[k];
                if !self.distinct_texts.iter().any(|t| strings.equal(*t, text)) {
                    self.distinct_texts.push(text);
                }
            }
            (AggregateKind::CountDistinct, _) => {
                let value = values.value(k, strings);
                if !self.distinct.contains(&value) {
                    self.distinct.push(value);
                }
            }
            (AggregateKind::Any, Data::Bool(v)) if !missing && v[k] => {
                self.decided = Some(true);
                return Step::Done;
            }
            (AggregateKind::All, Data::Bool(v)) if !missing && !v[k] => {
                self.decided = Some(false);
                return Step::Done;
            }
            (AggregateKind::Lines, Data::Text(v)) if !missing => {
                self.lines.push(strings.get(v[k]).to_string());
            }
            (AggregateKind::Sum, _) => return Step::Fail,
            _ => {}
        }
        Step::Next
    }

    fn finish(self) -> Value {
        match self.kind {
            AggregateKind::Count => Value::Int(self.count),
            AggregateKind::CountDistinct => {
                Value::Int((self.distinct.len() + self.distinct_texts.len()) as i64)
            }
            AggregateKind::Sum => Value::Int(self.sum),
            AggregateKind::Min | AggregateKind::Max => self.best.unwrap_or(Value::Missing),
            AggregateKind::Any => Value::Bool(self.decided.unwrap_or(false)),
            AggregateKind::All => Value::Bool(self.decided.unwrap_or(true)),
            AggregateKind::Lines => Value::Text(self.lines.join("\n").into()),
        }
    }
}

/// The parts of `a and b and …`, in the order they are evaluated.
fn conjuncts(code: &Code) -> Vec<&Code> {
    match code {
        Code::And(left, right) => {
            let mut parts = conjuncts(left);
            parts.extend(conjuncts(right));
            parts
        }
        other => vec![other],
    }
}

/// Whether `code` reads only the record bound at `depth` (and constants, the date, the
/// records bound inside it): neither the entity decided nor an outer bound record.
fn reads_only_bound(code: &Code, depth: usize) -> bool {
    let mut only = true;
    crate::plan::each(code, &mut |code| match code {
        Code::This | Code::Overridden { .. } => only = false,
        Code::Bound(slot) if *slot < depth => only = false,
        _ => {}
    });
    only
}
