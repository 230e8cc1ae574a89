//! The columns of one chunk: typed values (integers, dates as day numbers, booleans, texts
//! as ids, members and records as indices) with two masks, the rows whose value is missing
//! and the rows the executor leaves to the interpreter (an error, or a case it does not run).

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;

use crate::data::{Dataset, Text};
use crate::lang::Value;

/// A text in a column: one of the records' texts, a text of the rules that is none of them,
/// or a text built in this chunk. Two texts of the first two kinds are equal exactly when
/// their ids are; a built text is compared by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Str {
    /// One of [`Dataset::texts`].
    Data(u32),
    /// A text of the rules, by its place in [`Strings`].
    Rule(u32),
    /// A text built in this chunk, by its place in [`Strings`].
    Built(u32),
}

/// A placeholder (a missing or failed row's).
impl Default for Str {
    fn default() -> Self {
        Str::Rule(0)
    }
}

/// Every text a column can hold: the dataset's, the rules' (kept across chunks: a rule set
/// has few), and those built in the current chunk (forgotten at the next).
pub(super) struct Strings<'a> {
    data: &'a Dataset,
    rules: Vec<Arc<str>>,
    rule_ids: FxHashMap<Arc<str>, u32>,
    built: Vec<Arc<str>>,
}

impl<'a> Strings<'a> {
    pub(super) fn new(data: &'a Dataset) -> Self {
        Self {
            data,
            rules: Vec::new(),
            rule_ids: FxHashMap::default(),
            built: Vec::new(),
        }
    }

    /// Forgets the texts built in the last chunk.
    pub(super) fn next_chunk(&mut self) {
        self.built.clear();
    }

    /// A text of the rules (a constant).
    pub(super) fn constant(&mut self, text: &Arc<str>) -> Str {
        if let Some(known) = self.data.texts.find(text) {
            return Str::Data(known.index());
        }
        if let Some(id) = self.rule_ids.get(text) {
            return Str::Rule(*id);
        }
        let id = self.rules.len() as u32;
        self.rules.push(Arc::from(&**text));
        self.rule_ids.insert(Arc::from(&**text), id);
        Str::Rule(id)
    }

    /// A text built from others.
    pub(super) fn build(&mut self, text: Arc<str>) -> Str {
        self.built.push(text);
        Str::Built(self.built.len() as u32 - 1)
    }

    /// A text of a record.
    pub(super) fn record_text(text: Text) -> Str {
        Str::Data(text.index())
    }

    pub(super) fn get(&self, text: Str) -> &str {
        match text {
            Str::Data(id) => self.data.text(Text::at(id)),
            Str::Rule(id) => &self.rules[id as usize],
            Str::Built(id) => &self.built[id as usize],
        }
    }

    pub(super) fn equal(&self, a: Str, b: Str) -> bool {
        match (a, b) {
            (Str::Built(_), _) | (_, Str::Built(_)) => self.get(a) == self.get(b),
            _ => a == b,
        }
    }

    /// The text as a value (shared when it is the rules' or a built one).
    pub(super) fn value(&self, text: Str) -> Value {
        Value::Text(match text {
            Str::Data(id) => Arc::from(self.data.text(Text::at(id))),
            Str::Rule(id) => Arc::clone(&self.rules[id as usize]),
            Str::Built(id) => Arc::clone(&self.built[id as usize]),
        })
    }
}

/// A mask over a column's rows (`None`: no row).
pub(super) type Mask = Option<Vec<bool>>;

/// Whether row `row` is in `mask`.
pub(super) fn is_set(mask: &Mask, row: usize) -> bool {
    mask.as_ref().is_some_and(|m| m[row])
}

/// The rows in either mask.
pub(super) fn either(a: &Mask, b: &Mask) -> Mask {
    match (a, b) {
        (None, None) => None,
        (Some(m), None) | (None, Some(m)) => Some(m.clone()),
        (Some(a), Some(b)) => Some(a.iter().zip(b).map(|(a, b)| *a || *b).collect()),
    }
}

/// A mask from a vector, `None` when no row is set.
pub(super) fn mask(rows: Vec<bool>) -> Mask {
    rows.contains(&true).then_some(rows)
}

/// A column's values, typed; a missing or failed row holds a placeholder.
#[derive(Debug, Clone)]
pub(super) enum Data {
    /// Every row missing.
    Null,
    Int(Vec<i64>),
    Bool(Vec<bool>),
    /// Days from the common era (chrono's `num_days_from_ce`).
    Date(Vec<i32>),
    Text(Vec<Str>),
    /// Members, by index into the dataset.
    Member(Vec<u32>),
    /// Records, by index into the dataset.
    Record(Vec<u32>),
    /// Anything else (lists), as values.
    Values(Vec<Value>),
}

/// A typed column with its masks.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub data: Data,
    /// Rows whose value is missing.
    pub missing: Mask,
    /// Rows the executor did not compute (an error, or left to the interpreter).
    pub failed: Mask,
    pub len: usize,
}

pub(super) fn date_of(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days)
}

pub(super) fn days_of(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

impl Column {
    pub(super) fn new(data: Data, missing: Mask, failed: Mask, len: usize) -> Self {
        Self {
            data,
            missing,
            failed,
            len,
        }
    }

    /// `len` rows, all failed.
    pub(super) fn failed(len: usize) -> Self {
        Self::new(Data::Null, None, mask(vec![true; len]), len)
    }

    /// `value` in each of `len` rows.
    pub(super) fn constant(value: &Value, len: usize, strings: &mut Strings) -> Self {
        let data = match value {
            Value::Missing => {
                return Self::new(Data::Null, mask(vec![true; len]), None, len);
            }
            Value::Int(v) => Data::Int(vec![*v; len]),
            Value::Bool(v) => Data::Bool(vec![*v; len]),
            Value::Date(d) => Data::Date(vec![days_of(*d); len]),
            Value::Text(t) => Data::Text(vec![strings.constant(t); len]),
            Value::Member(m) => Data::Member(vec![*m as u32; len]),
            Value::Record(r) => Data::Record(vec![*r as u32; len]),
            other => Data::Values(vec![other.clone(); len]),
        };
        Self::new(data, None, None, len)
    }

    pub(super) fn is_missing(&self, row: usize) -> bool {
        is_set(&self.missing, row)
    }

    pub(super) fn is_failed(&self, row: usize) -> bool {
        is_set(&self.failed, row)
    }

    /// The value of a row that did not fail.
    pub(super) fn value(&self, row: usize, strings: &Strings) -> Value {
        if self.is_missing(row) {
            return Value::Missing;
        }
        match &self.data {
            Data::Null => Value::Missing,
            Data::Int(v) => Value::Int(v[row]),
            Data::Bool(v) => Value::Bool(v[row]),
            Data::Date(v) => date_of(v[row]).map_or(Value::Missing, Value::Date),
            Data::Text(v) => strings.value(v[row]),
            Data::Member(v) => Value::Member(v[row] as usize),
            Data::Record(v) => Value::Record(v[row] as usize),
            Data::Values(v) => v[row].clone(),
        }
    }

    /// Writes the rows of `part` at the rows `rows` (as many, ascending) of this column,
    /// typed when the types agree (a column of missing values only takes the part's type).
    pub(super) fn place(&mut self, rows: &[u32], part: &Column, strings: &Strings) {
        fn write<T: Copy>(into: &mut [T], rows: &[u32], from: &[T]) {
            for (row, value) in rows.iter().zip(from) {
                into[*row as usize] = *value;
            }
        }
        let len = self.len;
        if matches!(self.data, Data::Null) {
            self.data = match &part.data {
                Data::Int(_) => Data::Int(vec![0; len]),
                Data::Bool(_) => Data::Bool(vec![false; len]),
                Data::Date(_) => Data::Date(vec![0; len]),
                Data::Text(_) => Data::Text(vec![Str::default(); len]),
                Data::Member(_) => Data::Member(vec![0; len]),
                Data::Record(_) => Data::Record(vec![0; len]),
                Data::Values(_) => Data::Values(vec![Value::Missing; len]),
                Data::Null => Data::Null,
            };
        }
        let typed = match (&mut self.data, &part.data) {
            (_, Data::Null) => true,
            (Data::Int(into), Data::Int(from)) => {
                write(into, rows, from);
                true
            }
            (Data::Bool(into), Data::Bool(from)) => {
                write(into, rows, from);
                true
            }
            (Data::Date(into), Data::Date(from)) => {
                write(into, rows, from);
                true
            }
            (Data::Text(into), Data::Text(from)) => {
                write(into, rows, from);
                true
            }
            (Data::Member(into), Data::Member(from)) => {
                write(into, rows, from);
                true
            }
            (Data::Record(into), Data::Record(from)) => {
                write(into, rows, from);
                true
            }
            _ => false,
        };
        if !typed {
            let mut values: Vec<Value> = (0..len).map(|row| self.value(row, strings)).collect();
            for (k, row) in rows.iter().enumerate() {
                values[*row as usize] = part.value(k, strings);
            }
            self.data = Data::Values(values);
        }
        let missing = self.missing.get_or_insert_with(|| vec![false; len]);
        let failed = self.failed.get_or_insert_with(|| vec![false; len]);
        for (k, row) in rows.iter().enumerate() {
            missing[*row as usize] = part.is_missing(k) || matches!(part.data, Data::Null);
            failed[*row as usize] = part.is_failed(k);
        }
        if !missing.contains(&true) {
            self.missing = None;
        }
        if !failed.contains(&true) {
            self.failed = None;
        }
    }

    /// The rows at `rows`, in that order.
    pub(super) fn gather(&self, rows: &[u32]) -> Column {
        fn pick<T: Copy>(values: &[T], rows: &[u32]) -> Vec<T> {
            rows.iter().map(|r| values[*r as usize]).collect()
        }
        let sub = |m: &Mask| {
            m.as_ref()
                .and_then(|m| mask(rows.iter().map(|r| m[*r as usize]).collect()))
        };
        let data = match &self.data {
            Data::Null => Data::Null,
            Data::Int(v) => Data::Int(pick(v, rows)),
            Data::Bool(v) => Data::Bool(pick(v, rows)),
            Data::Date(v) => Data::Date(pick(v, rows)),
            Data::Text(v) => Data::Text(pick(v, rows)),
            Data::Member(v) => Data::Member(pick(v, rows)),
            Data::Record(v) => Data::Record(pick(v, rows)),
            Data::Values(v) => Data::Values(rows.iter().map(|r| v[*r as usize].clone()).collect()),
        };
        let missing = match &self.data {
            Data::Null => mask(vec![true; rows.len()]),
            _ => sub(&self.missing),
        };
        Column::new(data, missing, sub(&self.failed), rows.len())
    }
}

/// A column built row by row, typed by the values pushed: the first value fixes the type,
/// and a value of another type turns the column into values.
pub(super) struct Builder {
    data: Data,
    missing: Vec<bool>,
    failed: Vec<bool>,
    len: usize,
}

impl Builder {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            data: Data::Null,
            missing: Vec::with_capacity(capacity),
            failed: Vec::with_capacity(capacity),
            len: 0,
        }
    }

    fn placeholder(&mut self) {
        match &mut self.data {
            Data::Null => {}
            Data::Int(v) => v.push(0),
            Data::Bool(v) => v.push(false),
            Data::Date(v) => v.push(0),
            Data::Text(v) => v.push(Str::Rule(0)),
            Data::Member(v) | Data::Record(v) => v.push(0),
            Data::Values(v) => v.push(Value::Missing),
        }
    }

    pub(super) fn push_missing(&mut self) {
        self.placeholder();
        self.missing.push(true);
        self.failed.push(false);
        self.len += 1;
    }

    pub(super) fn push_failed(&mut self) {
        self.placeholder();
        self.missing.push(false);
        self.failed.push(true);
        self.len += 1;
    }

    /// Pushes row `row` of `column` (typed when the types agree).
    pub(super) fn push_from(&mut self, column: &Column, row: usize, strings: &mut Strings) {
        if column.is_failed(row) {
            return self.push_failed();
        }
        if column.is_missing(row) {
            return self.push_missing();
        }
        match (&mut self.data, &column.data) {
            (Data::Int(v), Data::Int(from)) => v.push(from[row]),
            (Data::Bool(v), Data::Bool(from)) => v.push(from[row]),
            (Data::Date(v), Data::Date(from)) => v.push(from[row]),
            (Data::Text(v), Data::Text(from)) => v.push(from[row]),
            (Data::Member(v), Data::Member(from)) => v.push(from[row]),
            (Data::Record(v), Data::Record(from)) => v.push(from[row]),
            _ => return self.push(column.value(row, strings), strings),
        }
        self.missing.push(false);
        self.failed.push(false);
        self.len += 1;
    }

    /// Pushes a value.
    pub(super) fn push(&mut self, value: Value, strings: &mut Strings) {
        if value == Value::Missing {
            return self.push_missing();
        }
        if matches!(self.data, Data::Null) {
            let len = self.len;
            self.data = match &value {
                Value::Int(_) => Data::Int(vec![0; len]),
                Value::Bool(_) => Data::Bool(vec![false; len]),
                Value::Date(_) => Data::Date(vec![0; len]),
                Value::Text(_) => Data::Text(vec![Str::Rule(0); len]),
                Value::Member(_) => Data::Member(vec![0; len]),
                Value::Record(_) => Data::Record(vec![0; len]),
                _ => Data::Values(vec![Value::Missing; len]),
            };
        }
        let pushed = match (&mut self.data, &value) {
            (Data::Int(v), Value::Int(x)) => {
                v.push(*x);
                true
            }
            (Data::Bool(v), Value::Bool(x)) => {
                v.push(*x);
                true
            }
            (Data::Date(v), Value::Date(x)) => {
                v.push(days_of(*x));
                true
            }
            (Data::Text(v), Value::Text(x)) => {
                let text = match strings.data.texts.find(x) {
                    Some(known) => Str::Data(known.index()),
                    None => strings.build(Arc::clone(x)),
                };
                v.push(text);
                true
            }
            (Data::Member(v), Value::Member(x)) => {
                v.push(*x as u32);
                true
            }
            (Data::Record(v), Value::Record(x)) => {
                v.push(*x as u32);
                true
            }
            (Data::Values(v), _) => {
                v.push(value.clone());
                true
            }
            _ => false,
        };
        if !pushed {
            self.become_values(strings);
            if let Data::Values(v) = &mut self.data {
                v.push(value);
            }
        }
        self.missing.push(false);
        self.failed.push(false);
        self.len += 1;
    }

    /// Turns the typed values so far into values.
    fn become_values(&mut self, strings: &Strings) {
        let column = Column::new(
            std::mem::replace(&mut self.data, Data::Null),
            Some(self.missing.clone()),
            Some(self.failed.clone()),
            self.len,
        );
        let values = (0..self.len)
            .map(|row| column.value(row, strings))
            .collect();
        self.data = Data::Values(values);
    }

    pub(super) fn finish(self) -> Column {
        let missing = match self.data {
            Data::Null => mask(self.failed.iter().map(|f| !f).collect::<Vec<bool>>()),
            _ => mask(self.missing),
        };
        Column::new(self.data, missing, mask(self.failed), self.len)
    }
}
