//! Evaluation: every output of every member and record, as of a date, with the rule that decided it.
//!
//! No IO and no unbounded recursion: the checker guarantees an acyclic definition
//! graph and bounded expression depth; every definition is computed once per
//! entity and memoised.

mod chunks;
mod columnar;
mod compile;
mod decisions;
mod error;
mod memo;
mod summary;
mod trace;

use std::rc::Rc;
use std::sync::Arc;

use crate::check::program::{Body, Code, Compare, DefId, Program};
use crate::data::{Contact, Dataset, MemberField, RecordField, RequestField, Stamp};
use crate::lang::Scope;
use crate::lang::{Direction, Value};
use columnar::Columnar;
use compile::{CompiledDefinition, CompiledRule, Compiler, compile_program};
use memo::{Memo, Slot};

pub use decisions::{Decisions, EntityDecisions, Explain, Selection, decide};
pub use error::{EvalError, Failure, MissingUse, Place};

pub use chunks::{CHUNK_MEMBERS, Progress, over_chunks, over_chunks_in_order, quietly};
pub use summary::{Summary, summarize};
pub use trace::{FailedRow, Location, Skipped, SkippedOverride, TraceNode};

type Result<T> = std::result::Result<T, EvalError>;

fn fail<T>(failure: Failure) -> Result<T> {
    Err(EvalError::new(failure))
}

/// How a whole dataset is evaluated, chunk by chunk of members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The columnar executor, with the interpreter for what it leaves (the default).
    #[default]
    Columnar,
    /// The interpreter alone, one entity at a time (the reference).
    Interpreter,
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
    /// Every definition compiled (shared, so that running one borrows nothing of `self`).
    code: Rc<[CompiledDefinition<'a>]>,
    in_force: Vec<bool>,
    /// Whether a rule file is a draft (then outputs say which draft decided them).
    drafts: bool,
    memo: Memo,
    /// The empty list, shared: most `collect` tables collect nothing.
    empty_list: Arc<[Value]>,
    /// The columnar executor that computes each chunk on focus, when the evaluation has one.
    columnar: Option<Box<Columnar<'a>>>,
}

/// What compiled code runs on: the entity decided and the records bound by aggregations.
pub(super) struct Env {
    this: usize,
    bound: Vec<usize>,
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

    /// Prepares an evaluation that decides one chunk of members at a time (see
    /// [`Self::focus`]) with the columnar executor: on focus, the definitions `wanted` and
    /// what they read are computed a column at a time for the whole chunk, and the wanted
    /// ones are read as if the interpreter had decided them (values, clauses, errors).
    pub fn columnar(program: &'a Program, data: &'a Dataset, wanted: &[DefId]) -> Self {
        let mut evaluation = Self::chunked(program, data);
        evaluation.columnar = Some(Box::new(Columnar::new(program, data, wanted)));
        evaluation
    }

    /// An evaluation of chunks (see [`Self::focus`]) by `engine`, for the definitions
    /// `wanted`. Rules with a draft are evaluated by the interpreter: which outputs a draft
    /// decided follows the definitions the interpreter read, one entity at a time.
    pub fn for_chunks(
        program: &'a Program,
        data: &'a Dataset,
        engine: Engine,
        wanted: &[DefId],
    ) -> Self {
        match engine {
            Engine::Columnar if !program.files.iter().any(|f| f.draft) => {
                Self::columnar(program, data, wanted)
            }
            _ => Self::chunked(program, data),
        }
    }

    /// The definitions the columnar executor computes for each chunk, by name (the asked
    /// ones and what they read; nothing else), each after what it reads.
    pub fn computed_definitions(&self) -> Vec<String> {
        self.columnar
            .as_ref()
            .map_or_else(Vec::new, |c| c.computed(self.program))
    }

    /// The definitions the columnar executor leaves to the interpreter whole (those reading
    /// `overridden`), by name: to say once.
    pub fn interpreted_definitions(&self) -> Vec<String> {
        self.columnar
            .as_ref()
            .map_or_else(Vec::new, |c| c.interpreted(self.program))
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
            code: compile_program(program).into(),
            in_force,
            drafts: program.files.iter().any(|file| file.draft),
            memo,
            empty_list: Arc::from([]),
            columnar: None,
        }
    }

    /// Forgets every value and focuses on `members` and the records they received:
    /// memory stays proportional to the chunk.
    pub fn focus(&mut self, members: &[usize]) {
        self.memo.focus(self.data, members);
        if let Some(mut columnar) = self.columnar.take() {
            columnar.run(self, members);
            self.columnar = Some(columnar);
        }
    }

    /// Writes the value of definition `id` for `entity` (in the focus) and the clause that
    /// decided it, as the columnar executor computed them.
    fn store(&mut self, id: DefId, entity: usize, value: Value, decision: Decision) {
        let place = self.memo.place(id, entity);
        self.memo.set(place, Slot::Done(Ok(value), decision));
    }

    /// The program evaluated.
    pub fn program(&self) -> &'a Program {
        self.program
    }

    /// Whether rule file `file` is in force as of the dataset's date.
    pub fn in_force(&self, file: usize) -> bool {
        self.in_force[file]
    }

    /// Whether any rule file of the program is a draft.
    pub(crate) fn has_drafts(&self) -> bool {
        self.drafts
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
        let mut env = Env {
            this: entity,
            bound: Vec::new(),
        };
        let code = Rc::clone(&self.code);
        let (value, decision) = match self.decide(id, &code[id], &mut env, 0) {
            Ok((value, decision)) => (Ok(value), decision),
            Err(error) => (Err(error), Decision::Value),
        };
        self.memo.set(place, Slot::Done(value.clone(), decision));
        value
    }

    /// The value of definition `id` for `entity` and the clause that decided it, trying only
    /// its overrides from index `from` on (what `overridden` in override `from - 1` reads);
    /// not memoised.
    pub(crate) fn value_from(
        &mut self,
        id: DefId,
        entity: usize,
        from: usize,
    ) -> Result<(Value, Decision)> {
        let mut env = Env {
            this: entity,
            bound: Vec::new(),
        };
        let code = Rc::clone(&self.code);
        self.decide(id, &code[id], &mut env, from)
    }

    /// The value of `code` for the entity at `entity` of `scope` (for explanations).
    pub fn value_of(&mut self, code: &'a Code, scope: Scope, entity: usize) -> Result<Value> {
        let program = self.program;
        let compiled = Compiler { program, scope }.value(code);
        let mut env = Env {
            this: entity,
            bound: Vec::new(),
        };
        compiled(self, &mut env)
    }

    /// The value of an expression checked on its own for `entity`, with what it read
    /// directly (`member.assurance_points`, `record.points`) and those values.
    pub fn expression(
        &mut self,
        expression: &'a crate::check::CheckedExpression,
        entity: usize,
    ) -> Result<(Value, Vec<(String, Value)>)> {
        let scope = expression.scope;
        let value = self.value_of(&expression.code, scope, entity)?;
        let mut read = Vec::new();
        for id in &expression.definitions {
            let name = &self.program.definitions[*id].name;
            let definition = self.value(*id, entity)?;
            read.push((format!("{}.{name}", scope.name()), definition));
        }
        for field in &expression.fields {
            let name = match field {
                crate::check::program::FieldUse::Record(_, name) => format!("record.{name}"),
                crate::check::program::FieldUse::Member(_, name) => format!("member.{name}"),
            };
            read.push((name, self.field_value(scope, entity, field)));
        }
        Ok((value, read))
    }

    /// The clause that decided definition `id` for `entity` (after [`Self::value`]).
    pub fn decision(&self, id: DefId, entity: usize) -> Option<&Decision> {
        match self.memo.get(self.memo.place(id, entity)) {
            Some(Slot::Done(_, decision)) => Some(decision),
            _ => None,
        }
    }

    /// The value of definition `id` for the entity in `env` and the clause that decided it,
    /// its overrides tried from index `from` on; an error names the definition and the
    /// clause (`path:line`) it arose in.
    fn decide(
        &mut self,
        id: DefId,
        code: &CompiledDefinition<'a>,
        env: &mut Env,
        from: usize,
    ) -> Result<(Value, Decision)> {
        let program = self.program;
        let definition = &program.definitions[id];
        let located = |at: &'a str| located(&definition.name, at);
        let collecting = matches!(definition.body, Body::Collect(_));
        let mut collected_overrides = Vec::new();
        for (index, ((_, rule), compiled)) in definition
            .overrides
            .iter()
            .zip(&code.overrides)
            .enumerate()
            .skip(from)
        {
            if self.in_force[rule.file] && self.holds(compiled, env).map_err(located(&rule.at))? {
                if !collecting {
                    let value = (compiled.then)(self, env).map_err(located(&rule.at))?;
                    return Ok((value, Decision::Override(index)));
                }
                collected_overrides.push(index);
            }
        }
        if !self.in_force[definition.file] {
            if definition.ty.is_optional() {
                return Ok((Value::Missing, Decision::NotInForce));
            }
            return fail(Failure::NotInForce {
                definition: definition.name.clone(),
                as_of: self.data.as_of,
            })
            .map_err(located(&definition.at));
        }
        match &definition.body {
            Body::Value(rule) => {
                let value = (code.rules[0].then)(self, env).map_err(located(&rule.at))?;
                Ok((value, Decision::Value))
            }
            Body::Cases(rules) => {
                for (index, (rule, compiled)) in rules.iter().zip(&code.rules).enumerate() {
                    if self.holds(compiled, env).map_err(located(&rule.at))? {
                        let value = (compiled.then)(self, env).map_err(located(&rule.at))?;
                        return Ok((value, Decision::Case(index)));
                    }
                }
                fail(Failure::NoRowHolds).map_err(located(&definition.at))
            }
            Body::Collect(rules) => {
                let mut items = Vec::new();
                let mut rows = Vec::new();
                for (index, (rule, compiled)) in rules.iter().zip(&code.rules).enumerate() {
                    if self.holds(compiled, env).map_err(located(&rule.at))? {
                        items.push((compiled.then)(self, env).map_err(located(&rule.at))?);
                        rows.push(index);
                    }
                }
                for index in &collected_overrides {
                    let rule = &definition.overrides[*index].1;
                    let compiled = &code.overrides[*index];
                    items.push((compiled.then)(self, env).map_err(located(&rule.at))?);
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

    fn holds(&mut self, rule: &CompiledRule<'a>, env: &mut Env) -> Result<bool> {
        match &rule.when {
            None => Ok(true),
            Some(condition) => condition(self, env),
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
        let date = |d: Stamp| d.date().map_or(Value::Missing, Value::Date);
        if let Some(value) = row.integer(field) {
            return Value::Int(value);
        }
        if let Some(text) = row.text(field) {
            return Value::Text(self.data.text(text).into());
        }
        match field {
            RecordField::When => date(row.when),
            RecordField::Expire => date(row.expire),
            RecordField::Deleted => date(row.deleted),
            RecordField::Assurer => Value::Member(link.assurer as usize),
            RecordField::Assuree => Value::Member(link.assuree as usize),
            _ => Value::Missing,
        }
    }

    fn member_field(&self, index: usize, field: MemberField) -> Result<Value> {
        let member = &self.data.members[index];
        let contact = |part: fn(&Contact) -> &str| match &member.row.contact {
            Some(contact) => Ok(Value::Text(part(contact).into())),
            None => fail(Failure::ContactNotRead {
                member: member.row.id,
            }),
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
    pub(crate) fn field_value(
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
    move |error| error.within(definition, at)
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
    ordering.is_some_and(|ordering| op.holds(ordering))
}
