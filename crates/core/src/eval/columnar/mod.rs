//! The columnar executor: whole-dataset evaluation a column at a time. For each chunk of
//! members (with the records they received, and those they gave where a rule reads them
//! over `given`) it computes the wanted outputs as typed columns with the clause that
//! decided each row, and what they read as the reads ask: a definition is computed for
//! the rows a read needs, a subset at a time. A decision table is a masked selection, each
//! row's condition evaluated only for the entities no row above decided, each value only
//! for the entities its row decided, as the interpreter does one entity at a time.
//!
//! The interpreter stays the reference: the wanted outputs are written into its memo (so
//! every command reads values, decisions and explanations as before), a row the executor
//! fails (an error, a case it does not run) is decided by the interpreter, an entity
//! outside the chunk (the records a member gave, a record's assurer) is read from it, and a
//! definition reading `overridden` is decided by it whole.

mod aggregate;
mod column;
mod expr;

use std::sync::Arc;

use column::{Builder, Column, Strings};
use expr::{Entities, Frame, Run, truth};

use super::{Decision, Evaluation};
use crate::check::program::{Body, Code, DefId, Program, Rule};
use crate::lang::{Direction, Scope, Value};
use crate::plan::{each, each_in, reads};

/// Which definitions the executor may compute for a chunk (each after what it reads), and
/// which it hands on.
pub(super) struct Columnar<'a> {
    /// The definitions the wanted outputs read (and they), each after what it reads.
    order: Vec<DefId>,
    /// By definition: written into the interpreter's memo for the chunk's entities.
    stored: Vec<bool>,
    /// By definition: decided by the interpreter, entity by entity.
    interpreted: Vec<bool>,
    /// The texts of columns.
    strings: Strings<'a>,
    /// The wanted definitions.
    wanted: Vec<DefId>,
    /// By definition: its column for the chunk's entities, as far as computed.
    columns: Vec<Option<Partial>>,
    /// By definition: also computed for the records the chunk's members gave (a record
    /// definition an aggregation over `given` reads, and what it reads).
    for_given: Vec<bool>,
    /// By the chunk's member row: where its received and its given records start among
    /// the chunk's records.
    starts: Vec<(u32, u32)>,
    /// By record field: the chunk's records' column of it, once read.
    fields: Vec<Option<Column>>,
}

impl<'a> Columnar<'a> {
    /// An executor computing `wanted` and what they read.
    pub(super) fn new(
        program: &'a Program,
        data: &'a crate::data::Dataset,
        wanted: &[DefId],
    ) -> Self {
        let count = program.definitions.len();
        let reads = reads(program);
        let interpreted: Vec<bool> = program
            .definitions
            .iter()
            .map(|definition| {
                let mut overridden = false;
                each_in(definition, &mut |code| {
                    overridden |= matches!(code, Code::Overridden { .. });
                });
                overridden
            })
            .collect();
        // Depth first, each definition after what it reads (the checker rejected cycles).
        let mut order = Vec::new();
        let mut state = vec![0u8; count];
        let mut stack: Vec<(DefId, usize)> = wanted.iter().rev().map(|id| (*id, 0)).collect();
        while let Some((id, next)) = stack.pop() {
            if next == 0 {
                if state[id] != 0 {
                    continue;
                }
                state[id] = 1;
            }
            match reads[id].get(next) {
                Some(read) => {
                    stack.push((id, next + 1));
                    if state[*read] == 0 {
                        stack.push((*read, 0));
                    }
                }
                None => {
                    state[id] = 2;
                    order.push(id);
                }
            }
        }
        let for_given = read_over_given(program, &reads, &order);
        // What the interpreter decides reads the memo: everything goes there when it runs.
        let mut stored = vec![interpreted.iter().any(|i| *i); count];
        for id in wanted {
            stored[*id] = true;
        }
        Self {
            order,
            stored,
            interpreted,
            strings: Strings::new(data),
            columns: (0..count).map(|_| None).collect(),
            wanted: wanted.to_vec(),
            for_given,
            starts: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// The definitions computed for each chunk, by name, each after what it reads.
    pub(super) fn computed(&self, program: &Program) -> Vec<String> {
        let names = self
            .order
            .iter()
            .map(|id| program.definitions[*id].name.clone());
        names.collect()
    }

    /// The definitions decided by the interpreter whole, by name (what the executor does
    /// not run: a definition reading `overridden`).
    pub(super) fn interpreted(&self, program: &Program) -> Vec<String> {
        self.order
            .iter()
            .filter(|id| self.interpreted[**id])
            .map(|id| program.definitions[*id].name.clone())
            .collect()
    }

    /// Computes the chunk `members` (the evaluation focused on it) and writes the wanted
    /// definitions into the evaluation's memo.
    pub(super) fn run(&mut self, evaluation: &mut Evaluation<'a>, members: &[usize]) {
        self.strings.next_chunk();
        self.columns.iter_mut().for_each(|c| *c = None);
        self.fields.clear();
        self.fields.resize(crate::data::RecordField::COUNT, None);
        let data = evaluation.data;
        let member_frame = Frame {
            scope: Scope::Member,
            this: Entities {
                index: members.iter().map(|m| *m as u32).collect(),
                local: (0..members.len() as u32).collect(),
            },
            bound: Vec::new(),
            base: true,
        };
        // The records the chunk's members received, then those they gave (for the
        // definitions read over `given`; a record may be in both parts).
        let mut records = Vec::new();
        self.starts.clear();
        for member in members {
            self.starts.push((records.len() as u32, 0));
            records.extend_from_slice(data.records_of(*member, Direction::Received));
        }
        let received = records.len();
        for (member, start) in members.iter().zip(&mut self.starts) {
            start.1 = records.len() as u32;
            records.extend_from_slice(data.records_of(*member, Direction::Given));
        }
        let all_records = Frame {
            scope: Scope::Record,
            this: Entities {
                local: (0..records.len() as u32).collect(),
                index: records,
            },
            bound: Vec::new(),
            base: true,
        };
        let received_records = all_records.select(&(0..received as u32).collect::<Vec<u32>>());
        let frames = Frames {
            member: member_frame,
            received: Frame {
                base: true,
                ..received_records
            },
            all: all_records,
        };
        let mut run = Run {
            evaluation: &mut *evaluation,
            starts: &self.starts,
            records: &frames.all.this,
            received,
            fields: &mut self.fields,
            columns: &mut self.columns,
            strings: &mut self.strings,
            frames: &frames,
            for_given: &self.for_given,
            interpreted: &self.interpreted,
        };
        for id in &self.wanted {
            let rows: Vec<u32> = (0..run.base_frame(*id).len() as u32).collect();
            run.ensure(*id, &rows);
        }
        for id in 0..self.stored.len() {
            if self.stored[id] {
                run.store(id);
            }
        }
    }
}

/// The chunk's entities: its members, the records they received, and those and the records
/// they gave (a record definition read over `given` is computed over the last).
struct Frames {
    member: Frame,
    received: Frame,
    all: Frame,
}

/// A definition's column over the entities of its frame, computed for the rows reads asked
/// for (the interpreter's laziness, a subset of rows at a time).
struct Partial {
    column: Column,
    decisions: Vec<Decision>,
    done: Vec<bool>,
}

impl<'a> Run<'_, 'a> {
    /// Computes definition `id` for the rows `rows` of its frame not computed yet.
    pub(super) fn ensure(&mut self, id: DefId, rows: &[u32]) {
        let frame = self.base_frame(id);
        let n = frame.len();
        let partial = self.columns[id].get_or_insert_with(|| Partial {
            column: Column::new(column::Data::Null, None, None, n),
            decisions: vec![Decision::Value; n],
            done: vec![false; n],
        });
        let mut todo: Vec<u32> = rows
            .iter()
            .copied()
            .filter(|r| (*r as usize) < n && !partial.done[*r as usize])
            .collect();
        if todo.is_empty() {
            return;
        }
        todo.sort_unstable();
        todo.dedup();
        for row in &todo {
            partial.done[*row as usize] = true;
        }
        let selected;
        let frame = if todo.len() == n {
            frame
        } else {
            selected = frame.select(&todo);
            &selected
        };
        let (column, decisions) = match self.interpreted[id] {
            true => (
                Column::failed(frame.len()),
                vec![Decision::Value; frame.len()],
            ),
            false => self.decide(id, frame),
        };
        let (column, decisions) = self.settle(id, frame, column, decisions);
        if let Some(partial) = &mut self.columns[id] {
            if todo.len() == n {
                partial.column = column;
                partial.decisions = decisions;
            } else {
                partial.column.place(&todo, &column, self.strings);
                for (row, decision) in todo.iter().zip(decisions) {
                    partial.decisions[*row as usize] = decision;
                }
            }
        }
    }

    /// Definition `id` for every row of `frame` (the chunk's entities of its scope), with the
    /// clause that decided each row.
    fn decide(&mut self, id: DefId, frame: &Frame) -> (Column, Vec<Decision>) {
        let program = self.evaluation.program;
        let definition = &program.definitions[id];
        let n = frame.len();
        let in_force = |file: usize| self.evaluation.in_force[file];
        let overrides = definition
            .overrides
            .iter()
            .enumerate()
            .filter(|(_, (_, rule))| in_force(rule.file))
            .map(|(index, (_, rule))| (Decision::Override(index), rule));
        let mut candidates: Vec<(Decision, &'a Rule)> = overrides.collect();
        let not_in_force = !in_force(definition.file);
        if let Body::Collect(rules) = &definition.body {
            return self.collect(
                frame,
                &candidates,
                rules,
                not_in_force,
                definition.ty.is_optional(),
            );
        }
        if !not_in_force {
            match &definition.body {
                Body::Value(rule) => candidates.push((Decision::Value, rule)),
                Body::Cases(rules) | Body::Collect(rules) => candidates.extend(
                    rules
                        .iter()
                        .enumerate()
                        .map(|(i, rule)| (Decision::Case(i), rule)),
                ),
            }
        }
        // Which candidate decided each row (`None`: none, or a condition failed).
        let mut chosen: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut failed = vec![false; n];
        let mut undecided: Vec<u32> = (0..n as u32).collect();
        let mut values = Vec::new();
        for (index, (_, rule)) in candidates.iter().enumerate() {
            if undecided.is_empty() {
                break;
            }
            let decided: Vec<u32> = match &rule.when {
                None => std::mem::take(&mut undecided),
                Some(when) => {
                    let condition = self.on(when, frame, &undecided);
                    let mut held = Vec::new();
                    let mut left = Vec::new();
                    for (k, row) in undecided.iter().enumerate() {
                        match truth(&condition, k) {
                            Some(true) => held.push(*row),
                            Some(false) => left.push(*row),
                            None => failed[*row as usize] = true,
                        }
                    }
                    undecided = left;
                    held
                }
            };
            if decided.is_empty() {
                continue;
            }
            let value = self.on(&rule.then, frame, &decided);
            for (k, row) in decided.iter().enumerate() {
                chosen[*row as usize] = Some((index, k));
            }
            values.push((index, value, decided));
        }
        // Every row decided by a row whose value was computed: the values laid out typed.
        if !failed.contains(&true) && chosen.iter().all(Option::is_some) {
            let decisions = chosen
                .iter()
                .flatten()
                .map(|(index, _)| candidates[*index].0.clone())
                .collect();
            let mut column = Column::new(column::Data::Null, None, None, n);
            match values.as_mut_slice() {
                // One row decided every entity: its values are the column.
                [(_, value, rows)] if rows.len() == n => std::mem::swap(&mut column, value),
                _ => {
                    for (_, value, rows) in &values {
                        column.place(rows, value, self.strings);
                    }
                }
            }
            return (column, decisions);
        }
        let mut out = Builder::new(n);
        let mut decisions = Vec::with_capacity(n);
        for row in 0..n {
            match chosen[row] {
                Some((index, k)) if !failed[row] => {
                    let value = values.iter().find(|(i, ..)| *i == index).map(|(_, v, _)| v);
                    match value {
                        Some(value) => out.push_from(value, k, self.strings),
                        None => out.push_failed(),
                    }
                    decisions.push(candidates[index].0.clone());
                }
                None if !failed[row] && not_in_force && definition.ty.is_optional() => {
                    out.push_missing();
                    decisions.push(Decision::NotInForce);
                }
                _ => {
                    out.push_failed();
                    decisions.push(Decision::Value);
                }
            }
        }
        (out.finish(), decisions)
    }

    /// A `collect:` table: every row and override that holds adds its value, rows first.
    fn collect(
        &mut self,
        frame: &Frame,
        overrides: &[(Decision, &'a Rule)],
        rules: &'a [Rule],
        not_in_force: bool,
        optional: bool,
    ) -> (Column, Vec<Decision>) {
        let n = frame.len();
        let all: Vec<u32> = (0..n as u32).collect();
        let mut failed = vec![false; n];
        let held = |run: &mut Self, rule: &'a Rule, failed: &mut Vec<bool>| -> Vec<bool> {
            let Some(when) = &rule.when else {
                return vec![true; n];
            };
            let condition = run.on(when, frame, &all);
            (0..n)
                .map(|row| {
                    let truth = truth(&condition, row);
                    failed[row] |= truth.is_none();
                    truth == Some(true)
                })
                .collect()
        };
        let override_held: Vec<Vec<bool>> = overrides
            .iter()
            .map(|(_, rule)| held(self, rule, &mut failed))
            .collect();
        if not_in_force {
            let mut out = Builder::new(n);
            for failed in failed {
                match optional && !failed {
                    true => out.push_missing(),
                    false => out.push_failed(),
                }
            }
            return (out.finish(), vec![Decision::NotInForce; n]);
        }
        let row_held: Vec<Vec<bool>> = rules
            .iter()
            .map(|rule| held(self, rule, &mut failed))
            .collect();
        let row_values: Vec<Column> = rules
            .iter()
            .map(|r| self.on(&r.then, frame, &all))
            .collect();
        let override_values: Vec<Column> = overrides
            .iter()
            .map(|(_, r)| self.on(&r.then, frame, &all))
            .collect();
        let mut out = Builder::new(n);
        let mut decisions = Vec::with_capacity(n);
        for row in 0..n {
            let mut items = Vec::new();
            let (mut rows, mut kept) = (Vec::new(), Vec::new());
            let mut bad = failed[row];
            for (index, (held, values)) in row_held.iter().zip(&row_values).enumerate() {
                if held[row] {
                    bad |= values.is_failed(row);
                    items.push(values.value(row, self.strings));
                    rows.push(index);
                }
            }
            for ((held, values), (decision, _)) in
                override_held.iter().zip(&override_values).zip(overrides)
            {
                if held[row] {
                    bad |= values.is_failed(row);
                    items.push(values.value(row, self.strings));
                    if let Decision::Override(index) = decision {
                        kept.push(*index);
                    }
                }
            }
            if bad {
                out.push_failed();
                decisions.push(Decision::Value);
                continue;
            }
            let decision = match items.is_empty() {
                true => Decision::Collected(None),
                false => Decision::Collected(Some(Box::new((rows, kept)))),
            };
            out.push(Value::List(Arc::from(items)), self.strings);
            decisions.push(decision);
        }
        (out.finish(), decisions)
    }

    /// The column with every failed row decided by the interpreter (which gives the error
    /// it would give, or the value of a case the executor does not run).
    fn settle(
        &mut self,
        id: DefId,
        frame: &Frame,
        column: Column,
        mut decisions: Vec<Decision>,
    ) -> (Column, Vec<Decision>) {
        if column.failed.is_none() {
            return (column, decisions);
        }
        let mut out = Builder::new(column.len);
        for (row, decided) in decisions.iter_mut().enumerate() {
            if !column.is_failed(row) {
                out.push_from(&column, row, self.strings);
                continue;
            }
            let entity = frame.this.index[row] as usize;
            match self.evaluation.value(id, entity) {
                Ok(value) => out.push(value, self.strings),
                Err(_) => out.push_failed(),
            }
            if let Some(decision) = self.evaluation.decision(id, entity) {
                *decided = decision.clone();
            }
        }
        (out.finish(), decisions)
    }

    /// Writes the rows of definition `id` the executor decided into the interpreter's memo
    /// (a failed row is there already: the interpreter decided it). The memo is focused on
    /// the records received, the first part of the records' frame.
    fn store(&mut self, id: DefId) {
        let frame = self.base_frame(id);
        let focused = match frame.scope {
            Scope::Member => frame.len(),
            Scope::Record => self.received.min(frame.len()),
        };
        let Some(partial) = self.columns[id].take() else {
            return;
        };
        for row in 0..focused {
            if partial.done[row] && !partial.column.is_failed(row) {
                let value = partial.column.value(row, self.strings);
                let decision = partial.decisions[row].clone();
                self.evaluation
                    .store(id, frame.this.index[row] as usize, value, decision);
            }
        }
        self.columns[id] = Some(partial);
    }
}

/// By definition: whether it is read over the records a member gave (inside an aggregation
/// over `given`), or read by such a definition of a record: the record definitions the
/// executor computes for the records the chunk's members gave too.
fn read_over_given(program: &Program, reads: &[Vec<DefId>], order: &[DefId]) -> Vec<bool> {
    let mut marked = vec![false; program.definitions.len()];
    let record = |id: &DefId| program.definitions[*id].scope == Scope::Record;
    for id in order {
        each_in(&program.definitions[*id], &mut |code| {
            if let Code::Aggregate(aggregate) = code
                && matches!(
                    aggregate.source,
                    Code::MemberField(_, crate::data::MemberField::Given)
                )
            {
                for inner in aggregate.filter.iter().chain(&aggregate.value) {
                    each(inner, &mut |code| {
                        if let Code::Definition(_, read) = code
                            && record(read)
                        {
                            marked[*read] = true;
                        }
                    });
                }
            }
        });
    }
    // What a marked record definition reads of records is marked too: the order puts each
    // definition after what it reads, so one pass backwards reaches every one.
    for id in order.iter().rev() {
        if marked[*id] {
            for read in reads[*id].iter().filter(|read| record(read)) {
                marked[*read] = true;
            }
        }
    }
    marked
}
