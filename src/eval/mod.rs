//! Evaluation: every output of every member and record, as of a date, with the rule that decided it.
//!
//! No IO and no unbounded recursion: the checker guarantees an acyclic definition
//! graph and bounded expression depth; every definition is computed once per
//! entity and memoised.

mod decisions;
mod memo;
mod summary;
mod trace;
mod whynot;

use std::borrow::Cow;
use std::sync::Arc;

use crate::builtins::BuiltinId;
use crate::check::program::{AggregateCode, Arith, Body, Code, Compare, DefId, Program, Rule};
use crate::data::{Contact, Dataset, Direction, MemberField, RecordField, RequestField, Value};
use crate::lang::AggregateKind;
use crate::lang::Scope;
use memo::{Memo, Slot};

pub use decisions::{Decisions, EntityDecisions, Explain, Selection};

/// Members decided together when a whole dataset is evaluated chunk by chunk: with the
/// records they received, their memo slots stay within the processor's caches.
pub const CHUNK_MEMBERS: usize = 256;
pub use summary::{Summary, summarize};
pub use trace::{FailedRow, Location, TraceNode};
pub use whynot::{Change, MAX_CHANGES, Obstacle, Rows, Suggestion, WhyNot, apply, why_not};

/// An evaluation error: the output it hit and why (division by zero, overflow…).
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    /// What went wrong.
    pub message: String,
}

type Result<T> = std::result::Result<T, EvalError>;

fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(EvalError {
        message: message.into(),
    })
}

/// Which clause decided a definition's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The single `value:` expression.
    Value,
    /// Row `n` of the decision table.
    Case(usize),
    /// Override `n` (in priority order).
    Override(usize),
    /// The rows and overrides of a `collect:` table whose conditions held; `None` when none
    /// did (boxed: it would make every memo slot twice as large).
    Collected(Option<Box<(Vec<usize>, Vec<usize>)>>),
    /// The definition's rule file was not in force.
    NotInForce,
}

/// The evaluation of one program over one dataset; outputs are computed on demand and memoised.
pub struct Evaluation<'a> {
    program: &'a Program,
    data: &'a Dataset,
    in_force: Vec<bool>,
    memo: Memo,
    /// The empty list, shared: most `collect` tables collect nothing.
    empty_list: Arc<[Value]>,
}

struct Env {
    this: Value,
    bound: Vec<Value>,
}

impl<'a> Evaluation<'a> {
    /// Prepares an evaluation as of the dataset's date.
    pub fn new(program: &'a Program, data: &'a Dataset) -> Self {
        Self::with_memo(program, data, Memo::everything(program, data))
    }

    /// Prepares an evaluation that decides one chunk of members at a time (see [`Self::focus`]).
    pub fn chunked(program: &'a Program, data: &'a Dataset) -> Self {
        Self::with_memo(program, data, Memo::unfocused(program, data))
    }

    fn with_memo(program: &'a Program, data: &'a Dataset, memo: Memo) -> Self {
        let in_force = program
            .files
            .iter()
            .map(|file| file.in_force(data.as_of))
            .collect();
        Self {
            program,
            data,
            in_force,
            memo,
            empty_list: Arc::from([]),
        }
    }

    /// Forgets every value and focuses on `members` and the records they received:
    /// memory stays proportional to the chunk.
    pub fn focus(&mut self, members: &[usize]) {
        self.memo.focus(self.data, members);
    }

    /// The program evaluated.
    pub fn program(&self) -> &'a Program {
        self.program
    }

    /// Whether rule file `file` is in force as of the dataset's date.
    pub fn in_force(&self, file: usize) -> bool {
        self.in_force[file]
    }

    /// The dataset evaluated.
    pub fn data(&self) -> &'a Dataset {
        self.data
    }

    /// The value of definition `id` for the member or record at `entity`.
    ///
    /// No slot is marked "in progress": the checker rejects every cycle between
    /// definitions, across entities too, so a value never waits on itself.
    pub fn value(&mut self, id: DefId, entity: usize) -> Result<Value> {
        let place = self.memo.place(id, entity);
        if let Some(Slot::Done(value, _)) = self.memo.get(place) {
            return value.clone();
        }
        let this = match self.program.definitions[id].scope {
            Scope::Record => Value::Record(entity),
            Scope::Member => Value::Member(entity),
        };
        let mut env = Env {
            this,
            bound: Vec::new(),
        };
        let (value, decision) = match self.decide(id, &mut env) {
            Ok((value, decision)) => (Ok(value), decision),
            Err(error) => (Err(error), Decision::Value),
        };
        self.memo.set(place, Slot::Done(value.clone(), decision));
        value
    }

    /// The value of `code` for the entity at `entity` of `scope` (for explanations).
    pub(super) fn value_of(&mut self, code: &Code, scope: Scope, entity: usize) -> Result<Value> {
        let this = match scope {
            Scope::Record => Value::Record(entity),
            Scope::Member => Value::Member(entity),
        };
        let mut env = Env {
            this,
            bound: Vec::new(),
        };
        self.eval(code, &mut env)
    }

    /// The clause that decided definition `id` for `entity` (after [`Self::value`]).
    pub fn decision(&self, id: DefId, entity: usize) -> Option<&Decision> {
        match self.memo.get(self.memo.place(id, entity)) {
            Some(Slot::Done(_, decision)) => Some(decision),
            _ => None,
        }
    }

    /// The value of definition `id` for the entity in `env` and the clause that decided it;
    /// an error names the definition and the clause (`path:line`) it arose in.
    fn decide(&mut self, id: DefId, env: &mut Env) -> Result<(Value, Decision)> {
        let program = self.program;
        let definition = &program.definitions[id];
        let located = |at: &'a str| located(&definition.name, at);
        let collecting = matches!(definition.body, Body::Collect(_));
        let mut collected_overrides = Vec::new();
        for (index, (_, rule)) in definition.overrides.iter().enumerate() {
            if self.in_force[rule.file] && self.holds(rule, env).map_err(located(&rule.at))? {
                if !collecting {
                    let value = self.eval(&rule.then, env).map_err(located(&rule.at))?;
                    return Ok((value, Decision::Override(index)));
                }
                collected_overrides.push(index);
            }
        }
        if !self.in_force[definition.file] {
            if definition.ty.is_optional() {
                return Ok((Value::Missing, Decision::NotInForce));
            }
            return fail(format!(
                "no rule for `{}` is in force as of {}",
                definition.name, self.data.as_of
            ))
            .map_err(located(&definition.at));
        }
        match &definition.body {
            Body::Value(rule) => {
                let value = self.eval(&rule.then, env).map_err(located(&rule.at))?;
                Ok((value, Decision::Value))
            }
            Body::Cases(rules) => {
                for (index, rule) in rules.iter().enumerate() {
                    if self.holds(rule, env).map_err(located(&rule.at))? {
                        let value = self.eval(&rule.then, env).map_err(located(&rule.at))?;
                        return Ok((value, Decision::Case(index)));
                    }
                }
                fail("no row of the decision table holds").map_err(located(&definition.at))
            }
            Body::Collect(rules) => {
                let mut items = Vec::new();
                let mut rows = Vec::new();
                for (index, rule) in rules.iter().enumerate() {
                    if self.holds(rule, env).map_err(located(&rule.at))? {
                        items.push(self.eval(&rule.then, env).map_err(located(&rule.at))?);
                        rows.push(index);
                    }
                }
                for index in &collected_overrides {
                    let rule = &definition.overrides[*index].1;
                    items.push(self.eval(&rule.then, env).map_err(located(&rule.at))?);
                }
                if items.is_empty() {
                    return Ok((
                        Value::List(self.empty_list.clone()),
                        Decision::Collected(None),
                    ));
                }
                Ok((
                    Value::List(items.into()),
                    Decision::Collected(Some(Box::new((rows, collected_overrides)))),
                ))
            }
        }
    }

    fn holds(&mut self, rule: &Rule, env: &mut Env) -> Result<bool> {
        match &rule.when {
            None => Ok(true),
            Some(condition) => self.boolean(condition, env),
        }
    }

    /// A condition, evaluated without building a `Value` for the logic and comparisons.
    fn boolean(&mut self, code: &Code, env: &mut Env) -> Result<bool> {
        Ok(match code {
            Code::Not(inner) => !self.boolean(inner, env)?,
            Code::And(left, right) => self.boolean(left, env)? && self.boolean(right, env)?,
            Code::Or(left, right) => self.boolean(left, env)? || self.boolean(right, env)?,
            Code::Compare(op @ (Compare::Eq | Compare::Ne), left, right)
                if let (Some(a), Some(b)) = (
                    self.borrowed_text(left, env),
                    self.borrowed_text(right, env),
                ) =>
            {
                (a == b) == (*op == Compare::Eq)
            }
            Code::Compare(op, left, right) => {
                let left = self.operand(left, env)?;
                let right = self.operand(right, env)?;
                compare(*op, &left, &right)
            }
            Code::In(value, list, negated) => {
                let found = match self.borrowed_text(value, env) {
                    Some(text) => list
                        .iter()
                        .any(|item| matches!(item, Value::Text(t) if **t == *text)),
                    None => list.contains(&self.eval(value, env)?),
                };
                found != *negated
            }
            _ => match self.eval(code, env)? {
                Value::Bool(value) => value,
                other => return fail(format!("expected a boolean, found {other:?}")),
            },
        })
    }

    /// An operand: a constant is read in place, anything else evaluated.
    fn operand<'c>(&mut self, code: &'c Code, env: &mut Env) -> Result<Cow<'c, Value>> {
        match code {
            Code::Const(value) => Ok(Cow::Borrowed(value)),
            _ => Ok(Cow::Owned(self.eval(code, env)?)),
        }
    }

    /// A builtin call; up to three arguments stay on the stack and constants are not copied
    /// (builtins run for every record).
    #[inline(never)]
    fn call(&mut self, builtin: BuiltinId, arguments: &[Code], env: &mut Env) -> Result<Value> {
        let function = builtin.spec().call;
        let call = |values: &[&Value]| function(values).map_err(|message| EvalError { message });
        match arguments {
            [a] => call(&[&*self.operand(a, env)?]),
            [a, b] => {
                let a = self.operand(a, env)?;
                call(&[&*a, &*self.operand(b, env)?])
            }
            [a, b, c] => {
                let (a, b) = (self.operand(a, env)?, self.operand(b, env)?);
                call(&[&*a, &*b, &*self.operand(c, env)?])
            }
            _ => {
                let mut values = Vec::with_capacity(arguments.len());
                for argument in arguments {
                    values.push(self.operand(argument, env)?);
                }
                let references: Vec<&Value> = values.iter().map(|v| &**v).collect();
                call(&references)
            }
        }
    }

    fn integer(&mut self, code: &Code, env: &mut Env) -> Result<i64> {
        match self.eval(code, env)? {
            Value::Int(value) => Ok(value),
            Value::Missing => fail("a missing value was used as an integer"),
            other => fail(format!("expected an integer, found {other:?}")),
        }
    }

    fn eval(&mut self, code: &Code, env: &mut Env) -> Result<Value> {
        Ok(match code {
            Code::Const(value) => value.clone(),
            Code::AsOf => Value::Date(self.data.as_of),
            Code::This => env.this.clone(),
            Code::Bound(index) => env.bound[*index].clone(),
            Code::Request(field) => self.request_field(*field),
            Code::RecordField(object, field) if matches!(**object, Code::This) => match env.this {
                Value::Record(index) => self.record_field(index, *field),
                _ => Value::Missing,
            },
            Code::RecordField(object, field) => match self.eval(object, env)? {
                Value::Record(index) => self.record_field(index, *field),
                _ => Value::Missing,
            },
            Code::MemberField(object, field) if matches!(**object, Code::This) => match env.this {
                Value::Member(index) => self.member_field(index, *field)?,
                _ => Value::Missing,
            },
            Code::MemberField(object, field) => match self.eval(object, env)? {
                Value::Member(index) => self.member_field(index, *field)?,
                _ => Value::Missing,
            },
            Code::Definition(object, id) if matches!(**object, Code::This) => match env.this {
                Value::Record(index) | Value::Member(index) => self.value(*id, index)?,
                _ => Value::Missing,
            },
            Code::Definition(object, id) => match self.eval(object, env)? {
                Value::Record(index) | Value::Member(index) => self.value(*id, index)?,
                _ => Value::Missing,
            },
            Code::Not(_) | Code::And(..) | Code::Or(..) | Code::Compare(..) | Code::In(..) => {
                Value::Bool(self.boolean(code, env)?)
            }
            Code::Negate(inner) => match self.integer(inner, env)?.checked_neg() {
                Some(value) => Value::Int(value),
                None => return fail("integer overflow in `-`"),
            },
            Code::Arith(op, left, right) => self.arith(*op, left, right, env)?,
            Code::Coalesce(left, right) => match self.eval(left, env)? {
                Value::Missing => self.eval(right, env)?,
                value => value,
            },
            Code::If(condition, then, otherwise) => {
                if self.boolean(condition, env)? {
                    self.eval(then, env)?
                } else {
                    self.eval(otherwise, env)?
                }
            }
            Code::Call(builtin, arguments) => self.call(*builtin, arguments, env)?,
            Code::Aggregate(aggregate) => self.aggregate(aggregate, env)?,
        })
    }

    /// Text read in place, without touching reference counts: a text constant, or a text
    /// column of the record being decided or bound by an aggregation.
    fn borrowed_text<'c>(&self, code: &'c Code, env: &Env) -> Option<&'c str>
    where
        'a: 'c,
    {
        match code {
            Code::Const(Value::Text(text)) => Some(text),
            Code::RecordField(object, field) => {
                let index = match (&**object, &env.this) {
                    (Code::This, Value::Record(index)) => *index,
                    (Code::Bound(slot), _) => match env.bound.get(*slot) {
                        Some(Value::Record(index)) => *index,
                        _ => return None,
                    },
                    _ => return None,
                };
                let row: &'a crate::data::RecordRow = &self.data.records[index];
                match field {
                    RecordField::Method => Some(&row.method),
                    RecordField::Location => Some(&row.location),
                    RecordField::Date => Some(&row.date),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    #[inline(never)]
    fn arith(&mut self, op: Arith, left: &Code, right: &Code, env: &mut Env) -> Result<Value> {
        if op == Arith::Concat {
            let (left, right) = (self.eval(left, env)?, self.eval(right, env)?);
            return match (left, right) {
                (Value::Text(a), Value::Text(b)) => Ok(Value::Text(Arc::from(format!("{a}{b}")))),
                _ => fail("`+` on text met a missing value"),
            };
        }
        let (a, b) = (self.integer(left, env)?, self.integer(right, env)?);
        let (result, symbol) = match op {
            Arith::Add => (a.checked_add(b), "+"),
            Arith::Sub => (a.checked_sub(b), "-"),
            Arith::Mul => (a.checked_mul(b), "*"),
            Arith::Div if b == 0 => return fail("division by zero"),
            Arith::Div => (a.checked_div(b), "/"),
            Arith::Rem if b == 0 => return fail("division by zero in `%`"),
            _ => (a.checked_rem(b), "%"),
        };
        match result {
            Some(value) => Ok(Value::Int(value)),
            None => fail(format!("integer overflow in `{a} {symbol} {b}`")),
        }
    }

    #[inline(never)]
    fn aggregate(&mut self, aggregate: &AggregateCode, env: &mut Env) -> Result<Value> {
        let Value::Records(member, direction) = self.eval(&aggregate.source, env)? else {
            return fail("aggregation over a missing collection");
        };
        let indices = match direction {
            Direction::Received => &self.data.members[member].received,
            Direction::Given => &self.data.members[member].given,
        };
        let mut count: i64 = 0;
        let mut sum: i64 = 0;
        let mut best: Option<Value> = None;
        let mut distinct: Vec<Value> = Vec::new();
        let mut lines: Vec<Arc<str>> = Vec::new();
        let kind = aggregate.kind;
        for &record in indices {
            env.bound.push(Value::Record(record));
            let result = self.aggregate_element(aggregate, env);
            env.bound.pop();
            let Some(value) = result? else { continue };
            count += 1;
            match (kind, value) {
                (AggregateKind::Sum, Value::Int(v)) => {
                    sum = sum.checked_add(v).ok_or_else(|| EvalError {
                        message: "integer overflow in `sum`".into(),
                    })?;
                }
                (AggregateKind::Min | AggregateKind::Max, v) => {
                    let better = match &best {
                        None => true,
                        Some(b) => compare(
                            if kind == AggregateKind::Min {
                                Compare::Lt
                            } else {
                                Compare::Gt
                            },
                            &v,
                            b,
                        ),
                    };
                    if better {
                        best = Some(v);
                    }
                }
                (AggregateKind::CountDistinct, v) if !distinct.contains(&v) => {
                    distinct.push(v);
                }
                (AggregateKind::Any, Value::Bool(true)) => return Ok(Value::Bool(true)),
                (AggregateKind::All, Value::Bool(false)) => return Ok(Value::Bool(false)),
                (AggregateKind::Lines, Value::Text(line)) => lines.push(line),
                _ => {}
            }
        }
        Ok(match kind {
            AggregateKind::Count => Value::Int(count),
            AggregateKind::CountDistinct => Value::Int(distinct.len() as i64),
            AggregateKind::Sum => Value::Int(sum),
            AggregateKind::Min | AggregateKind::Max => best.unwrap_or(Value::Missing),
            AggregateKind::Any => Value::Bool(false),
            AggregateKind::All => Value::Bool(true),
            AggregateKind::Lines => Value::Text(lines.join("\n").into()),
        })
    }

    /// The element's value when it passes the filter (`Bool(true)` when there is no value expression).
    fn aggregate_element(
        &mut self,
        aggregate: &AggregateCode,
        env: &mut Env,
    ) -> Result<Option<Value>> {
        if let Some(filter) = &aggregate.filter
            && !self.boolean(filter, env)?
        {
            return Ok(None);
        }
        match &aggregate.value {
            Some(value) => self.eval(value, env).map(Some),
            None => Ok(Some(Value::Bool(true))),
        }
    }

    fn request_field(&self, field: RequestField) -> Value {
        let request = &self.data.request;
        let text = match field {
            RequestField::Ticket => &request.ticket,
            RequestField::By => &request.by,
            RequestField::Mismatch => &request.mismatch,
        };
        text.as_deref()
            .map_or(Value::Missing, |t| Value::Text(t.into()))
    }

    fn record_field(&self, index: usize, field: RecordField) -> Value {
        let row = &self.data.records[index];
        let link = self.data.links[index];
        let date =
            |d: Option<chrono::NaiveDateTime>| d.map_or(Value::Missing, |d| Value::Date(d.date()));
        match field {
            RecordField::Id => Value::Int(row.id),
            RecordField::From => Value::Int(row.from),
            RecordField::To => Value::Int(row.to),
            RecordField::Points => Value::Int(row.points),
            RecordField::Awarded => Value::Int(row.awarded),
            RecordField::Method => Value::Text(row.method.clone()),
            RecordField::Location => Value::Text(row.location.clone()),
            RecordField::Date => Value::Text(row.date.clone()),
            RecordField::When => date(row.when),
            RecordField::Expire => date(row.expire),
            RecordField::Deleted => date(row.deleted),
            RecordField::Assurer => Value::Member(link.assurer as usize),
            RecordField::Assuree => Value::Member(link.assuree as usize),
        }
    }

    fn member_field(&self, index: usize, field: MemberField) -> Result<Value> {
        let member = &self.data.members[index];
        let contact = |part: fn(&Contact) -> &str| match &member.row.contact {
            Some(contact) => Ok(Value::Text(part(contact).into())),
            None => fail(format!(
                "member {}'s name and address were not read (a database's are read by `wotrules mailing` only; a member without a `users` row has none)",
                member.row.id
            )),
        };
        Ok(match field {
            MemberField::Id => Value::Int(member.row.id),
            MemberField::Dob => member.row.dob.map_or(Value::Missing, Value::Date),
            MemberField::Assurer => Value::Bool(member.row.assurer),
            MemberField::AssurerBlocked => Value::Bool(member.row.assurer_blocked),
            MemberField::TtpAdmin => Value::Int(member.row.ttpadmin),
            MemberField::CatsPassed => member.cats_passed.map_or(Value::Missing, Value::Date),
            MemberField::Received => Value::Records(index, Direction::Received),
            MemberField::Given => Value::Records(index, Direction::Given),
            MemberField::Deleted => member.row.deleted.map_or(Value::Missing, Value::Date),
            MemberField::Locked => Value::Bool(member.row.locked),
            MemberField::Email => return contact(|c| &c.email),
            MemberField::Fname => return contact(|c| &c.fname),
            MemberField::Mname => return contact(|c| &c.mname),
            MemberField::Lname => return contact(|c| &c.lname),
            MemberField::Suffix => return contact(|c| &c.suffix),
        })
    }

    /// A field of the entity a definition is decided for, for explanations.
    pub fn field_value(
        &self,
        scope: Scope,
        entity: usize,
        field: &crate::check::program::FieldUse,
    ) -> Value {
        use crate::check::program::FieldUse;
        match (scope, field) {
            (Scope::Record, FieldUse::Record(field, _)) => self.record_field(entity, *field),
            (Scope::Member, FieldUse::Member(field, _)) => {
                self.member_field(entity, *field).unwrap_or(Value::Missing)
            }
            _ => Value::Missing,
        }
    }
}

/// Adds to an error the definition and the clause (`path:line`) it arose in.
fn located<'r>(definition: &'r str, at: &'r str) -> impl Fn(EvalError) -> EvalError + 'r {
    move |error| EvalError {
        message: format!("{} (in `{definition}`, {at})", error.message),
    }
}

/// Compares two values; a missing value equals only a missing value and orders before nothing.
fn compare(op: Compare, left: &Value, right: &Value) -> bool {
    use std::cmp::Ordering;
    match op {
        Compare::Eq => return left == right,
        Compare::Ne => return left != right,
        _ => {}
    }
    let ordering = match (left, right) {
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Missing, Value::Missing) => Some(Ordering::Equal),
        _ => None,
    };
    match (op, ordering) {
        (Compare::Eq | Compare::Ne, _) | (_, None) => false,
        (Compare::Lt, Some(o)) => o == Ordering::Less,
        (Compare::Le, Some(o)) => o != Ordering::Greater,
        (Compare::Gt, Some(o)) => o == Ordering::Greater,
        (Compare::Ge, Some(o)) => o != Ordering::Less,
    }
}
