//! Checked code evaluated a column at a time over a frame of rows. Every operand is
//! evaluated for every row (no closure per value, no memo slot per value); where the
//! interpreter would not have evaluated an operand (the right side of `and` after a false
//! left side, the branch of `if` not taken) the operand's failures are dropped, so a row
//! fails exactly where the interpreter's evaluation fails. A failed row is then decided
//! by the interpreter, which gives the error it would have given, so the executor never
//! needs to say why a row failed, nor to run a case it does not expect: it fails the row.

use std::cmp::Ordering;
use std::sync::Arc;

use super::column::{Builder, Column, Data, Str, Strings, either, is_set, mask};
use crate::builtins::{Builtin, Implementation};
use crate::check::program::{Arith, Code, Compare, DefId};
use crate::data::{MemberField, RecordField};
use crate::eval::{Evaluation, compare};
use crate::lang::{Scope, Value};

/// An entity's row among the chunk's entities of its scope: none, it is outside the chunk.
pub(super) const NOT_LOCAL: u32 = u32::MAX;

/// The entities of a frame's rows: their indices in the dataset and their rows among the
/// chunk's entities of their scope (whose columns hold their definitions), or [`NOT_LOCAL`].
#[derive(Clone)]
pub(super) struct Entities {
    pub index: Vec<u32>,
    pub local: Vec<u32>,
}

impl Entities {
    pub(super) fn select(&self, rows: &[u32]) -> Self {
        let pick = |v: &Vec<u32>| rows.iter().map(|r| v[*r as usize]).collect();
        Self {
            index: pick(&self.index),
            local: pick(&self.local),
        }
    }
}

/// The rows code is evaluated for: the entity of each row and the records aggregations bound.
pub(super) struct Frame {
    pub scope: Scope,
    pub this: Entities,
    pub bound: Vec<Entities>,
    /// Whether row `i` is the chunk's entity `i` of the scope (the columns of the chunk's
    /// definitions are then read as they are).
    pub base: bool,
}

impl Frame {
    pub(super) fn len(&self) -> usize {
        self.this.index.len()
    }

    /// The rows at `rows`.
    pub(super) fn select(&self, rows: &[u32]) -> Frame {
        Frame {
            scope: self.scope,
            this: self.this.select(rows),
            bound: self.bound.iter().map(|b| b.select(rows)).collect(),
            base: false,
        }
    }
}

/// One chunk's evaluation: the interpreter (for what the executor leaves to it), the columns
/// of the definitions computed so far, and the texts.
pub(super) struct Run<'r, 'a> {
    pub evaluation: &'r mut Evaluation<'a>,
    /// By the chunk's member row: where its received and its given records start among
    /// the chunk's records.
    pub starts: &'r [(u32, u32)],
    /// The chunk's records: those received, then those given.
    pub records: &'r Entities,
    /// How many of [`Self::records`] were received.
    pub received: usize,
    /// By record field: its column over [`Self::records`], once read (each row read once a
    /// chunk, not once for each rule that reads it).
    pub fields: &'r mut Vec<Option<Column>>,
    pub columns: &'r mut Vec<Option<super::Partial>>,
    /// The chunk's frames, which definitions are computed over.
    pub frames: &'r super::Frames,
    /// By definition: computed over the records given too.
    pub for_given: &'r [bool],
    /// By definition: decided by the interpreter whole.
    pub interpreted: &'r [bool],
    pub strings: &'r mut Strings<'a>,
}

impl<'r, 'a> Run<'r, 'a> {
    /// The frame definition `id` is computed over.
    pub(super) fn base_frame(&self, id: DefId) -> &'r Frame {
        let frames: &'r super::Frames = self.frames;
        match (
            self.evaluation.program.definitions[id].scope,
            self.for_given[id],
        ) {
            (Scope::Member, _) => &frames.member,
            (Scope::Record, true) => &frames.all,
            (Scope::Record, false) => &frames.received,
        }
    }

    /// The column of `code` over `frame`.
    pub(super) fn eval(&mut self, code: &'a Code, frame: &Frame) -> Column {
        let n = frame.len();
        match code {
            Code::Const(value) => Column::constant(value, n, self.strings),
            Code::AsOf => {
                let date = Value::Date(self.evaluation.data.as_of);
                Column::constant(&date, n, self.strings)
            }
            Code::This => {
                let entities = frame.this.index.clone();
                let data = match frame.scope {
                    Scope::Record => Data::Record(entities),
                    Scope::Member => Data::Member(entities),
                };
                Column::new(data, None, None, n)
            }
            Code::Bound(slot) => Column::new(
                Data::Record(frame.bound[*slot].index.clone()),
                None,
                None,
                n,
            ),
            Code::Request(field) => {
                let value = self.evaluation.request_field(*field);
                Column::constant(&value, n, self.strings)
            }
            Code::RecordField(object, field) => {
                if let Some(column) = self.chunk_field(object, *field, frame) {
                    return column;
                }
                let object = self.eval(object, frame);
                self.record_field(&object, *field)
            }
            Code::MemberField(object, field) => {
                let object = self.eval(object, frame);
                self.member_field(&object, *field)
            }
            Code::Definition(object, id) => self.definition(object, *id, frame),
            Code::Not(inner) => {
                let inner = self.eval(inner, frame);
                not(&inner)
            }
            Code::And(left, right) => self.short_circuit(left, right, frame, false),
            Code::Or(left, right) => self.short_circuit(left, right, frame, true),
            Code::Negate(inner) => {
                let inner = self.eval(inner, frame);
                integers(&inner, None, |a, _| a.checked_neg())
            }
            Code::Arith(Arith::Concat, left, right) => {
                let (a, b) = self.pair(left, right, frame);
                self.concat(&a, &b)
            }
            Code::Arith(op, left, right) => {
                let (a, b) = self.pair(left, right, frame);
                let op = *op;
                integers(&a, Some(&b), move |a, b| arithmetic(op, a, b))
            }
            Code::Compare(op, left, right) => {
                let (a, b) = self.pair(left, right, frame);
                self.compare(*op, &a, &b)
            }
            Code::Coalesce(left, right) => {
                let left = self.eval(left, frame);
                let rows: Vec<u32> = (0..n as u32)
                    .filter(|r| !left.is_failed(*r as usize) && left.is_missing(*r as usize))
                    .collect();
                if rows.is_empty() {
                    return left;
                }
                let right = self.on(right, frame, &rows);
                let mut out = Builder::new(n);
                let mut k = 0;
                for row in 0..n {
                    if rows.get(k) == Some(&(row as u32)) {
                        out.push_from(&right, k, self.strings);
                        k += 1;
                    } else {
                        out.push_from(&left, row, self.strings);
                    }
                }
                out.finish()
            }
            Code::If(condition, then, otherwise) => {
                let condition = self.eval(condition, frame);
                let pick = |wanted: bool| -> Vec<u32> {
                    (0..n as u32)
                        .filter(|r| truth(&condition, *r as usize) == Some(wanted))
                        .collect()
                };
                let (yes, no) = (pick(true), pick(false));
                let then = self.on(then, frame, &yes);
                let otherwise = self.on(otherwise, frame, &no);
                let (mut y, mut k) = (0, 0);
                let mut out = Builder::new(n);
                for row in 0..n as u32 {
                    if yes.get(y) == Some(&row) {
                        out.push_from(&then, y, self.strings);
                        y += 1;
                    } else if no.get(k) == Some(&row) {
                        out.push_from(&otherwise, k, self.strings);
                        k += 1;
                    } else {
                        out.push_failed();
                    }
                }
                out.finish()
            }
            Code::In(value, list, negated) => {
                let value = self.eval(value, frame);
                self.member_of(&value, list, *negated)
            }
            Code::Call(builtin, arguments) => {
                let arguments = self.operands(arguments.iter(), frame);
                self.call(builtin.spec(), &arguments, n)
            }
            Code::Aggregate(aggregate) => self.aggregate(aggregate, frame),
            // What `overridden` reads is the interpreter's (the definition falls back whole).
            Code::Overridden { .. } => Column::failed(n),
        }
    }

    /// `code` for the rows `rows` of `frame`, in that order (all of them: the frame itself).
    pub(super) fn on(&mut self, code: &'a Code, frame: &Frame, rows: &[u32]) -> Column {
        if rows.len() == frame.len() {
            self.eval(code, frame)
        } else {
            self.eval(code, &frame.select(rows))
        }
    }

    /// The columns of `codes` over `frame`, in order, each evaluated only for the rows where
    /// those before it did not fail (as the interpreter stops at an operand's error): a row
    /// left out fails.
    fn operands(
        &mut self,
        codes: impl IntoIterator<Item = &'a Code>,
        frame: &Frame,
    ) -> Vec<Column> {
        let n = frame.len();
        let mut ok: Vec<u32> = (0..n as u32).collect();
        let mut columns = Vec::new();
        for code in codes {
            let column = if ok.len() == n {
                self.eval(code, frame)
            } else {
                let part = self.on(code, frame, &ok);
                let mut column = Column::failed(n);
                column.place(&ok, &part, self.strings);
                column
            };
            ok.retain(|row| !column.is_failed(*row as usize));
            columns.push(column);
        }
        columns
    }

    /// The two operands of a binary operator, the right one only where the left did not fail.
    fn pair(&mut self, left: &'a Code, right: &'a Code, frame: &Frame) -> (Column, Column) {
        let mut columns = self.operands([left, right], frame).into_iter();
        match (columns.next(), columns.next()) {
            (Some(a), Some(b)) => (a, b),
            _ => (Column::failed(frame.len()), Column::failed(frame.len())),
        }
    }

    /// `a and b and …` of `parts` over `frame`, each part evaluated only where those
    /// before it held (`true` for no part).
    pub(super) fn all_of(&mut self, parts: &[&'a Code], frame: &Frame) -> Column {
        let n = frame.len();
        let mut values = vec![true; n];
        let mut failed = vec![false; n];
        let mut open: Vec<u32> = (0..n as u32).collect();
        for part in parts {
            if open.is_empty() {
                break;
            }
            let column = self.on(part, frame, &open);
            let mut still = Vec::with_capacity(open.len());
            for (k, row) in open.iter().enumerate() {
                match truth(&column, k) {
                    Some(true) => still.push(*row),
                    Some(false) => values[*row as usize] = false,
                    None => failed[*row as usize] = true,
                }
            }
            open = still;
        }
        Column::new(Data::Bool(values), None, mask(failed), n)
    }

    /// `left and right` (`or` when `or`): the right side evaluated only for the rows the
    /// left side does not decide, as the interpreter does.
    fn short_circuit(
        &mut self,
        left: &'a Code,
        right: &'a Code,
        frame: &Frame,
        or: bool,
    ) -> Column {
        let n = frame.len();
        let left = self.eval(left, frame);
        let mut values = vec![false; n];
        let mut failed = vec![false; n];
        let mut open = Vec::new();
        for row in 0..n {
            match truth(&left, row) {
                None => failed[row] = true,
                Some(value) if value == or => values[row] = or,
                Some(_) => open.push(row as u32),
            }
        }
        if !open.is_empty() {
            let right = self.on(right, frame, &open);
            for (k, row) in open.iter().enumerate() {
                match truth(&right, k) {
                    Some(value) => values[*row as usize] = value,
                    None => failed[*row as usize] = true,
                }
            }
        }
        Column::new(Data::Bool(values), None, mask(failed), n)
    }

    /// Field `field` of the records `object` names, from the chunk's column of the field,
    /// when `object` is the record decided or one bound and every row's record is the chunk's.
    fn chunk_field(&mut self, object: &Code, field: RecordField, frame: &Frame) -> Option<Column> {
        let entities = match object {
            Code::This if frame.scope == Scope::Record => &frame.this,
            Code::Bound(slot) => &frame.bound[*slot],
            _ => return None,
        };
        // The field over the chunk's first records, as many as the rows need: the records
        // received, and those given only when a row reads one.
        let needed = entities
            .local
            .iter()
            .map(|l| *l as usize + 1)
            .max()
            .unwrap_or(0);
        if needed > self.records.index.len() {
            return None;
        }
        let slot = field as usize;
        if self.fields[slot].as_ref().is_none_or(|c| c.len < needed) {
            let count = needed.max(self.received);
            let records = Data::Record(self.records.index[..count].to_vec());
            let column = self.record_field(&Column::new(records, None, None, count), field);
            self.fields[slot] = Some(column);
        }
        self.fields[slot]
            .as_ref()
            .map(|column| column.gather(&entities.local))
    }

    fn record_field(&mut self, object: &Column, field: RecordField) -> Column {
        let Data::Record(records) = &object.data else {
            return Column::failed(object.len);
        };
        let data = self.evaluation.data;
        let rows = records.iter().map(|r| &data.records[*r as usize]);
        let (values, missing) = match field {
            RecordField::Assurer | RecordField::Assuree => {
                let assurer = field == RecordField::Assurer;
                let links = records.iter().map(|r| data.links[*r as usize]);
                let members = links.map(|l| if assurer { l.assurer } else { l.assuree });
                (Data::Member(members.collect()), None)
            }
            RecordField::When | RecordField::Expire | RecordField::Deleted => {
                let mut missing = vec![false; records.len()];
                let days = rows
                    .zip(&mut missing)
                    .map(|(row, missing)| {
                        let stamp = match field {
                            RecordField::When => row.when,
                            RecordField::Expire => row.expire,
                            _ => row.deleted,
                        };
                        let day = stamp.days_from_ce();
                        *missing = day.is_none();
                        day.unwrap_or(0)
                    })
                    .collect();
                (Data::Date(days), mask(missing))
            }
            _ => match data.records.first().map(|row| row.text(field)) {
                Some(Some(_)) => {
                    let texts = rows.map(|row| match row.text(field) {
                        Some(text) => Strings::record_text(text),
                        None => Str::Rule(0),
                    });
                    (Data::Text(texts.collect()), None)
                }
                _ => (
                    Data::Int(rows.map(|row| row.integer(field).unwrap_or(0)).collect()),
                    None,
                ),
            },
        };
        Column::new(
            values,
            either(&missing, &object.missing),
            object.failed.clone(),
            object.len,
        )
    }

    fn member_field(&mut self, object: &Column, field: MemberField) -> Column {
        let Data::Member(members) = &object.data else {
            return Column::failed(object.len);
        };
        let n = object.len;
        let mut out = Builder::new(n);
        for (row, member) in members.iter().enumerate() {
            if object.is_failed(row) {
                out.push_failed();
            } else if object.is_missing(row) {
                out.push_missing();
            } else {
                match self.evaluation.member_field(*member as usize, field) {
                    Ok(value) => out.push(value, self.strings),
                    Err(_) => out.push_failed(),
                }
            }
        }
        out.finish()
    }

    /// Definition `id` of the entity `object` yields in each row: the chunk's column when
    /// the entity is the chunk's, the interpreter's value when it is not.
    fn definition(&mut self, object: &'a Code, id: DefId, frame: &Frame) -> Column {
        let scope = self.evaluation.program.definitions[id].scope;
        let computed_over = self.base_frame(id).len();
        if let (Code::This, true, true) = (object, frame.base, frame.scope == scope)
            && computed_over == frame.len()
        {
            self.ensure(id, &frame.this.local);
            if let Some(partial) = &self.columns[id] {
                return partial.column.clone();
            }
        }
        let entities = self.eval(object, frame);
        let (Data::Member(indices) | Data::Record(indices)) = &entities.data else {
            return Column::failed(entities.len);
        };
        let locals = self.locals(object, frame, scope, indices);
        let asked: Vec<u32> = (0..entities.len)
            .filter(|row| !entities.is_failed(*row) && !entities.is_missing(*row))
            .map(|row| locals[row])
            .filter(|local| (*local as usize) < computed_over)
            .collect();
        self.ensure(id, &asked);
        let column = self.columns[id].as_ref().map(|partial| &partial.column);
        if let Some(column) = column
            && entities.missing.is_none()
            && entities.failed.is_none()
            && locals.iter().all(|l| (*l as usize) < column.len)
        {
            return column.gather(&locals);
        }
        let mut out = Builder::new(entities.len);
        for (row, (entity, local)) in indices.iter().zip(&locals).enumerate() {
            if entities.is_failed(row) {
                out.push_failed();
            } else if entities.is_missing(row) {
                out.push_missing();
            } else if let Some(column) = column.filter(|c| (*local as usize) < c.len) {
                out.push_from(column, *local as usize, self.strings);
            } else {
                match self.evaluation.value(id, *entity as usize) {
                    Ok(value) => out.push(value, self.strings),
                    Err(_) => out.push_failed(),
                }
            }
        }
        out.finish()
    }

    /// The rows among the chunk's entities of `scope` of the entities `object` yields.
    pub(super) fn locals(
        &self,
        object: &Code,
        frame: &Frame,
        scope: Scope,
        indices: &[u32],
    ) -> Vec<u32> {
        match object {
            Code::This if frame.scope == scope => return frame.this.local.clone(),
            Code::Bound(slot) if scope == Scope::Record => return frame.bound[*slot].local.clone(),
            _ => {}
        }
        let memo = &self.evaluation.memo;
        let local = |e: &u32| {
            memo.local(scope, *e as usize)
                .map_or(NOT_LOCAL, |l| l as u32)
        };
        indices.iter().map(local).collect()
    }

    fn concat(&mut self, a: &Column, b: &Column) -> Column {
        let (Data::Text(x), Data::Text(y)) = (&a.data, &b.data) else {
            return Column::failed(a.len);
        };
        let texts: Vec<Str> = x
            .iter()
            .zip(y)
            .enumerate()
            .map(|(row, (x, y))| {
                if a.is_missing(row) || b.is_missing(row) {
                    return Str::Rule(0);
                }
                let joined = format!("{}{}", self.strings.get(*x), self.strings.get(*y));
                self.strings.build(Arc::from(joined))
            })
            .collect();
        let failed = either(
            &either(&a.failed, &b.failed),
            &either(&a.missing, &b.missing),
        );
        Column::new(Data::Text(texts), None, failed, a.len)
    }

    fn compare(&mut self, op: Compare, a: &Column, b: &Column) -> Column {
        let n = a.len;
        let failed = either(&a.failed, &b.failed);
        // `x == null`, `x != null`: the missing mask itself.
        if let (Data::Null, _) | (_, Data::Null) = (&a.data, &b.data)
            && matches!(op, Compare::Eq | Compare::Ne)
        {
            let other = if matches!(a.data, Data::Null) { b } else { a };
            let equal = op == Compare::Eq;
            let values = match (&other.data, &other.missing) {
                (Data::Null, _) => vec![equal; n],
                (_, None) => vec![!equal; n],
                (_, Some(missing)) => missing.iter().map(|m| *m == equal).collect(),
            };
            return Column::new(Data::Bool(values), None, failed, n);
        }
        if let (None, None) = (&a.missing, &b.missing) {
            let values = match (&a.data, &b.data) {
                (Data::Int(x), Data::Int(y)) => {
                    Some(x.iter().zip(y).map(|(x, y)| op.holds(x.cmp(y))).collect())
                }
                (Data::Date(x), Data::Date(y)) => {
                    Some(x.iter().zip(y).map(|(x, y)| op.holds(x.cmp(y))).collect())
                }
                (Data::Text(x), Data::Text(y)) if matches!(op, Compare::Eq | Compare::Ne) => {
                    let equal = op == Compare::Eq;
                    let strings = &*self.strings;
                    Some(
                        x.iter()
                            .zip(y)
                            .map(|(x, y)| strings.equal(*x, *y) == equal)
                            .collect(),
                    )
                }
                _ => None,
            };
            if let Some(values) = values {
                return Column::new(Data::Bool(values), None, failed, n);
            }
        }
        let strings = &*self.strings;
        let values = (0..n)
            .map(|row| {
                let (gone_a, gone_b) = (a.is_missing(row), b.is_missing(row));
                if gone_a || gone_b {
                    return if gone_a && gone_b {
                        op.holds(Ordering::Equal)
                    } else {
                        op == Compare::Ne
                    };
                }
                let ordering = match (&a.data, &b.data) {
                    (Data::Int(x), Data::Int(y)) => Some(x[row].cmp(&y[row])),
                    (Data::Date(x), Data::Date(y)) => Some(x[row].cmp(&y[row])),
                    (Data::Bool(x), Data::Bool(y)) => Some(x[row].cmp(&y[row])),
                    (Data::Text(x), Data::Text(y)) => {
                        if matches!(op, Compare::Eq | Compare::Ne) {
                            let equal = strings.equal(x[row], y[row]);
                            return equal == (op == Compare::Eq);
                        }
                        Some(strings.get(x[row]).cmp(strings.get(y[row])))
                    }
                    _ => {
                        let (x, y) = (a.value(row, strings), b.value(row, strings));
                        return compare(op, &x, &y);
                    }
                };
                ordering.is_some_and(|o| op.holds(o))
            })
            .collect();
        Column::new(Data::Bool(values), None, failed, n)
    }

    fn member_of(&mut self, value: &Column, list: &[Value], negated: bool) -> Column {
        let n = value.len;
        let holds: Vec<bool> = match &value.data {
            Data::Text(texts) => {
                let wanted: Vec<Str> = list
                    .iter()
                    .filter_map(|item| match item {
                        Value::Text(t) => Some(self.strings.constant(t)),
                        _ => None,
                    })
                    .collect();
                let strings = &*self.strings;
                let missing_in = list.contains(&Value::Missing);
                (0..n)
                    .map(|row| {
                        let found = if value.is_missing(row) {
                            missing_in
                        } else {
                            wanted.iter().any(|w| strings.equal(*w, texts[row]))
                        };
                        found != negated
                    })
                    .collect()
            }
            _ => (0..n)
                .map(|row| list.contains(&value.value(row, self.strings)) != negated)
                .collect(),
        };
        Column::new(Data::Bool(holds), None, value.failed.clone(), n)
    }

    fn call(&mut self, builtin: &Builtin, arguments: &[Column], n: usize) -> Column {
        if let (Implementation::TextTest(test), [a, b]) = (builtin.call, arguments)
            && let (Data::Text(x), Data::Text(y)) = (&a.data, &b.data)
        {
            let strings = &*self.strings;
            let values = x
                .iter()
                .zip(y)
                .map(|(x, y)| test(strings.get(*x), strings.get(*y)))
                .collect();
            let failed = either(
                &either(&a.failed, &b.failed),
                &either(&a.missing, &b.missing),
            );
            return Column::new(Data::Bool(values), None, failed, n);
        }
        if let (Implementation::Pick { smaller }, [a, b]) = (builtin.call, arguments)
            && let (None, None) = (&a.missing, &b.missing)
        {
            let failed = either(&a.failed, &b.failed);
            let pick = |x: i64, y: i64| if (x <= y) == smaller || x == y { x } else { y };
            let data = match (&a.data, &b.data) {
                (Data::Int(x), Data::Int(y)) => Some(Data::Int(
                    x.iter().zip(y).map(|(x, y)| pick(*x, *y)).collect(),
                )),
                (Data::Date(x), Data::Date(y)) => Some(Data::Date(
                    x.iter()
                        .zip(y)
                        .map(|(x, y)| pick(i64::from(*x), i64::from(*y)) as i32)
                        .collect(),
                )),
                _ => None,
            };
            if let Some(data) = data {
                return Column::new(data, None, failed, n);
            }
        }
        let mut out = Builder::new(n);
        let mut values = Vec::with_capacity(arguments.len());
        for row in 0..n {
            if arguments.iter().any(|a| a.is_failed(row)) {
                out.push_failed();
                continue;
            }
            values.clear();
            values.extend(arguments.iter().map(|a| a.value(row, self.strings)));
            let references: Vec<&Value> = values.iter().collect();
            match builtin.call.call(&references) {
                Ok(value) => out.push(value, self.strings),
                Err(_) => out.push_failed(),
            }
        }
        out.finish()
    }
}

/// The truth of a condition's row: `None` when it failed or is not a boolean.
pub(super) fn truth(column: &Column, row: usize) -> Option<bool> {
    if column.is_failed(row) || column.is_missing(row) {
        return None;
    }
    match &column.data {
        Data::Bool(values) => Some(values[row]),
        _ => None,
    }
}

/// `not` of a boolean column; a row that failed or is missing fails.
fn not(a: &Column) -> Column {
    let n = a.len;
    let mut values = vec![false; n];
    let mut failed = vec![false; n];
    for row in 0..n {
        match truth(a, row) {
            Some(value) => values[row] = !value,
            None => failed[row] = true,
        }
    }
    Column::new(Data::Bool(values), None, mask(failed), n)
}

/// Integer arithmetic over one or two columns; a missing operand, an overflow or a
/// division by zero fails the row.
fn integers(a: &Column, b: Option<&Column>, f: impl Fn(i64, i64) -> Option<i64>) -> Column {
    let n = a.len;
    let Data::Int(x) = &a.data else {
        return Column::failed(n);
    };
    let y = match b.map(|b| &b.data) {
        Some(Data::Int(y)) => Some(y),
        Some(_) => return Column::failed(n),
        None => None,
    };
    let mut values = vec![0; n];
    let mut failed = vec![false; n];
    for row in 0..n {
        let bad = |c: &Column| is_set(&c.failed, row) || is_set(&c.missing, row);
        if bad(a) || b.is_some_and(bad) {
            failed[row] = true;
            continue;
        }
        match f(x[row], y.map_or(0, |y| y[row])) {
            Some(value) => values[row] = value,
            None => failed[row] = true,
        }
    }
    Column::new(Data::Int(values), None, mask(failed), n)
}

fn arithmetic(op: Arith, a: i64, b: i64) -> Option<i64> {
    match op {
        Arith::Add => a.checked_add(b),
        Arith::Sub => a.checked_sub(b),
        Arith::Mul => a.checked_mul(b),
        Arith::Div => a.checked_div(b),
        Arith::Rem => a.checked_rem(b),
        Arith::Concat => None,
    }
}
