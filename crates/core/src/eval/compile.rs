//! Checked code compiled to closures: each node is resolved once, before evaluation, to a
//! closure of the type it yields (a condition to `bool`, arithmetic to `i64`, the rest to
//! [`Value`]), so that evaluating a record walks no tree and builds no `Value` for logic,
//! comparisons or integer arithmetic.

use std::sync::Arc;

use super::{Env, EvalError, Evaluation, Failure, MissingUse, Result, compare, fail};
use crate::builtins::{Builtin, BuiltinId, Implementation, Param, Signature};
use crate::check::program::{AggregateCode, Arith, Body, Code, Compare, Program, Rule};
use crate::data::RecordField;
use crate::lang::{AggregateKind, Scope};
use crate::lang::{Direction, Type, Value};

/// Compiled code yielding a `T` for the entity (and the aggregation variables) of an [`Env`].
pub(super) type Run<'a, T> = Box<dyn Fn(&mut Evaluation<'a>, &mut Env) -> Result<T> + 'a>;

/// Compiled code yielding text read in place from the rules or the data (`None`: missing).
type InPlace<'a> = Box<dyn Fn(&Evaluation<'a>, &Env) -> Option<&'a str> + 'a>;

/// A compiled clause.
pub(super) struct CompiledRule<'a> {
    /// The condition (`None`: always).
    pub when: Option<Run<'a, bool>>,
    /// The value.
    pub then: Run<'a, Value>,
}

/// A compiled definition: its overrides in priority order, then its rows (or its one value).
pub(super) struct CompiledDefinition<'a> {
    /// Its overrides, in the order of [`crate::check::program::Definition::overrides`].
    pub overrides: Vec<CompiledRule<'a>>,
    /// Its `value:` (one rule), or the rows of its `cases:` or `collect:` table.
    pub rules: Vec<CompiledRule<'a>>,
}

/// Every definition of `program`, compiled, by [`crate::check::program::DefId`].
pub(super) fn compile_program<'a>(program: &'a Program) -> Vec<CompiledDefinition<'a>> {
    program
        .definitions
        .iter()
        .map(|definition| {
            let compiler = Compiler {
                program,
                scope: definition.scope,
            };
            let rule = |rule: &'a Rule| compiler.rule(rule);
            let rules = match &definition.body {
                Body::Value(rule) => vec![compiler.rule(rule)],
                Body::Cases(rules) | Body::Collect(rules) => rules.iter().map(rule).collect(),
            };
            CompiledDefinition {
                overrides: definition.overrides.iter().map(|(_, r)| rule(r)).collect(),
                rules,
            }
        })
        .collect()
}

/// A copy of a constant that shares no reference count with the program's: each evaluation
/// (one per thread) clones its own, so that threads do not contend for one counter.
fn unshared(value: &Value) -> Value {
    match value {
        Value::Text(text) => Value::Text(Arc::from(&**text)),
        Value::List(items) => Value::List(items.iter().map(unshared).collect()),
        other => other.clone(),
    }
}

/// Compiles code of a definition of `scope`.
pub(super) struct Compiler<'a> {
    /// The program the code belongs to (for the types of the definitions it reads).
    pub program: &'a Program,
    /// The scope of the entity the code is evaluated for (`This`).
    pub scope: Scope,
}

impl<'a> Compiler<'a> {
    fn rule(&self, rule: &'a Rule) -> CompiledRule<'a> {
        CompiledRule {
            when: rule.when.as_ref().map(|when| self.boolean(when)),
            then: self.value(&rule.then),
        }
    }

    /// Code yielding any value.
    pub(crate) fn value(&self, code: &'a Code) -> Run<'a, Value> {
        match code {
            Code::Const(value) => {
                let value = unshared(value);
                Box::new(move |_, _| Ok(value.clone()))
            }
            Code::AsOf => Box::new(|evaluation, _| Ok(Value::Date(evaluation.data.as_of))),
            Code::This => match self.scope {
                Scope::Record => Box::new(|_, env| Ok(Value::Record(env.this))),
                Scope::Member => Box::new(|_, env| Ok(Value::Member(env.this))),
            },
            Code::Bound(slot) => Box::new(move |_, env| Ok(Value::Record(env.bound[*slot]))),
            Code::Request(field) => {
                Box::new(move |evaluation, _| Ok(evaluation.request_field(*field)))
            }
            Code::RecordField(object, field) => {
                let object = self.entity(object);
                Box::new(move |evaluation, env| {
                    Ok(match object(evaluation, env)? {
                        Some(index) => evaluation.record_field(index, *field),
                        None => Value::Missing,
                    })
                })
            }
            Code::MemberField(object, field) => {
                let object = self.entity(object);
                Box::new(move |evaluation, env| match object(evaluation, env)? {
                    Some(index) => evaluation.member_field(index, *field),
                    None => Ok(Value::Missing),
                })
            }
            Code::Definition(object, id) => {
                let object = self.entity(object);
                Box::new(move |evaluation, env| match object(evaluation, env)? {
                    Some(index) => evaluation.value(*id, index),
                    None => Ok(Value::Missing),
                })
            }
            Code::Not(_) | Code::And(..) | Code::Or(..) | Code::Compare(..) | Code::In(..) => {
                let condition = self.boolean(code);
                Box::new(move |evaluation, env| condition(evaluation, env).map(Value::Bool))
            }
            Code::Arith(Arith::Concat, left, right) => {
                let (left, right) = (self.value(left), self.value(right));
                Box::new(move |evaluation, env| {
                    match (left(evaluation, env)?, right(evaluation, env)?) {
                        (Value::Text(a), Value::Text(b)) => {
                            Ok(Value::Text(Arc::from(format!("{a}{b}"))))
                        }
                        _ => fail(Failure::Missing(MissingUse::TextJoin)),
                    }
                })
            }
            Code::Negate(_) | Code::Arith(..) => {
                let number = self.integer(code);
                Box::new(move |evaluation, env| number(evaluation, env).map(Value::Int))
            }
            Code::Coalesce(left, right) => {
                let (left, right) = (self.value(left), self.value(right));
                Box::new(move |evaluation, env| match left(evaluation, env)? {
                    Value::Missing => right(evaluation, env),
                    value => Ok(value),
                })
            }
            Code::If(condition, then, otherwise) => {
                let condition = self.boolean(condition);
                let (then, otherwise) = (self.value(then), self.value(otherwise));
                Box::new(move |evaluation, env| {
                    if condition(evaluation, env)? {
                        then(evaluation, env)
                    } else {
                        otherwise(evaluation, env)
                    }
                })
            }
            Code::Call(builtin, arguments) => {
                if let Some(test) = self.text_test(*builtin, arguments) {
                    return Box::new(move |evaluation, env| test(evaluation, env).map(Value::Bool));
                }
                let Builtin { name, call, .. } = builtin.spec();
                let call = move |values: &[&Value]| {
                    call.call(values)
                        .map_err(|_| EvalError::new(Failure::BuiltinMetMissing(name)))
                };
                let mut arguments: Vec<Run<'a, Value>> = arguments
                    .iter()
                    .map(|argument| self.value(argument))
                    .collect();
                match arguments.len() {
                    1 => {
                        let a = arguments.remove(0);
                        Box::new(move |evaluation, env| call(&[&a(evaluation, env)?]))
                    }
                    2 => {
                        let (a, b) = (arguments.remove(0), arguments.remove(0));
                        Box::new(move |evaluation, env| {
                            let a = a(evaluation, env)?;
                            call(&[&a, &b(evaluation, env)?])
                        })
                    }
                    _ => Box::new(move |evaluation, env| {
                        let mut values = Vec::with_capacity(arguments.len());
                        for argument in &arguments {
                            values.push(argument(evaluation, env)?);
                        }
                        let references: Vec<&Value> = values.iter().collect();
                        call(&references)
                    }),
                }
            }
            Code::Aggregate(aggregate) => self.aggregate(aggregate),
            Code::Overridden {
                definition,
                priority,
                file,
            } => {
                let id = *definition;
                // The overrides ranked below this one, then the body.
                let from = self.program.definitions[id]
                    .overrides
                    .iter()
                    .position(|(p, rule)| p == priority && rule.file == *file)
                    .map_or(usize::MAX, |index| index + 1);
                Box::new(move |evaluation, env| {
                    evaluation
                        .value_from(id, env.this, from)
                        .map(|(value, _)| value)
                })
            }
        }
    }

    /// Code yielding a boolean.
    pub(crate) fn boolean(&self, code: &'a Code) -> Run<'a, bool> {
        match code {
            Code::Const(Value::Bool(value)) => Box::new(move |_, _| Ok(*value)),
            Code::Not(inner) => {
                let inner = self.boolean(inner);
                Box::new(move |evaluation, env| inner(evaluation, env).map(|value| !value))
            }
            Code::And(left, right) => {
                let (left, right) = (self.boolean(left), self.boolean(right));
                Box::new(move |evaluation, env| {
                    Ok(left(evaluation, env)? && right(evaluation, env)?)
                })
            }
            Code::Or(left, right) => {
                let (left, right) = (self.boolean(left), self.boolean(right));
                Box::new(move |evaluation, env| {
                    Ok(left(evaluation, env)? || right(evaluation, env)?)
                })
            }
            Code::Compare(op, left, right) => self.comparison(*op, left, right),
            Code::In(value, list, negated) => {
                let negated = *negated;
                if let Some(text) = self.text(value) {
                    let texts: Vec<&'a str> = list
                        .iter()
                        .filter_map(|item| match item {
                            Value::Text(text) => Some(&**text),
                            _ => None,
                        })
                        .collect();
                    return Box::new(move |evaluation, env| {
                        let found = text(evaluation, env).is_some_and(|t| texts.contains(&t));
                        Ok(found != negated)
                    });
                }
                let value = self.value(value);
                Box::new(move |evaluation, env| {
                    Ok(list.contains(&value(evaluation, env)?) != negated)
                })
            }
            Code::Call(builtin, arguments) => self
                .text_test(*builtin, arguments)
                .unwrap_or_else(|| self.value_as_boolean(code)),
            _ => self.value_as_boolean(code),
        }
    }

    /// Code yielding a boolean, as a value.
    fn value_as_boolean(&self, code: &'a Code) -> Run<'a, bool> {
        let value = self.value(code);
        Box::new(move |evaluation, env| match value(evaluation, env)? {
            Value::Bool(value) => Ok(value),
            other => fail(Failure::Unexpected {
                expected: "a boolean",
                found: format!("{other:?}"),
            }),
        })
    }

    /// A comparison: of text read in place, of integers, or of values.
    fn comparison(&self, op: Compare, left: &'a Code, right: &'a Code) -> Run<'a, bool> {
        if matches!(op, Compare::Eq | Compare::Ne)
            && let (Some(a), Some(b)) = (self.text(left), self.text(right))
        {
            let equal = op == Compare::Eq;
            return Box::new(move |evaluation, env| {
                Ok((a(evaluation, env) == b(evaluation, env)) == equal)
            });
        }
        if self.is_int(left) && self.is_int(right) {
            let (a, b) = (self.integer(left), self.integer(right));
            return Box::new(move |evaluation, env| {
                let (a, b) = (a(evaluation, env)?, b(evaluation, env)?);
                Ok(op.holds(a.cmp(&b)))
            });
        }
        match (left, right) {
            (_, Code::Const(b)) => {
                let a = self.value(left);
                Box::new(move |evaluation, env| Ok(compare(op, &a(evaluation, env)?, b)))
            }
            _ => {
                let (a, b) = (self.value(left), self.value(right));
                Box::new(move |evaluation, env| {
                    let a = a(evaluation, env)?;
                    Ok(compare(op, &a, &b(evaluation, env)?))
                })
            }
        }
    }

    /// Code yielding an integer; a missing value is an error.
    fn integer(&self, code: &'a Code) -> Run<'a, i64> {
        match code {
            Code::Const(Value::Int(value)) => Box::new(move |_, _| Ok(*value)),
            Code::RecordField(object, field) if self.is_int(code) => {
                let object = self.entity(object);
                let field = *field;
                Box::new(move |evaluation, env| {
                    let Some(index) = object(evaluation, env)? else {
                        return fail(Failure::Missing(MissingUse::Integer));
                    };
                    match evaluation.data.records[index].integer(field) {
                        Some(value) => Ok(value),
                        None => fail(Failure::Missing(MissingUse::Integer)),
                    }
                })
            }
            Code::Negate(inner) => {
                let inner = self.integer(inner);
                Box::new(
                    move |evaluation, env| match inner(evaluation, env)?.checked_neg() {
                        Some(value) => Ok(value),
                        None => fail(Failure::Overflow("-".into())),
                    },
                )
            }
            Code::Arith(op, left, right) if *op != Arith::Concat => {
                let (op, left, right) = (*op, self.integer(left), self.integer(right));
                Box::new(move |evaluation, env| {
                    arithmetic(op, left(evaluation, env)?, right(evaluation, env)?)
                })
            }
            _ => {
                let value = self.value(code);
                Box::new(move |evaluation, env| match value(evaluation, env)? {
                    Value::Int(value) => Ok(value),
                    Value::Missing => fail(Failure::Missing(MissingUse::Integer)),
                    other => fail(Failure::Unexpected {
                        expected: "an integer",
                        found: format!("{other:?}"),
                    }),
                })
            }
        }
    }

    /// Whether `code` always yields an integer (never a missing value).
    fn is_int(&self, code: &Code) -> bool {
        match code {
            Code::Const(value) => matches!(value, Value::Int(_)),
            Code::RecordField(object, field) => self.is_entity(object) && field.ty() == Type::Int,
            Code::MemberField(object, field) => self.is_entity(object) && field.ty() == Type::Int,
            Code::Definition(object, id) => {
                self.is_entity(object) && self.program.definitions[*id].ty == Type::Int
            }
            Code::Negate(_) => true,
            Code::Arith(op, ..) => *op != Arith::Concat,
            Code::Coalesce(_, right) => self.is_int(right),
            Code::If(_, then, otherwise) => self.is_int(then) && self.is_int(otherwise),
            Code::Call(builtin, arguments) => match builtin.spec().signature {
                Signature::Fixed(_, result) => result == Param::Int,
                Signature::TwoOrdered => arguments.iter().all(|a| self.is_int(a)),
                Signature::Template => false,
            },
            Code::Aggregate(aggregate) => matches!(
                aggregate.kind,
                AggregateKind::Count | AggregateKind::CountDistinct | AggregateKind::Sum
            ),
            _ => false,
        }
    }

    /// Whether `code` always yields a record or member: the entity decided, an aggregation
    /// variable, or one of their links.
    fn is_entity(&self, code: &Code) -> bool {
        match code {
            Code::This | Code::Bound(_) => true,
            Code::RecordField(object, RecordField::Assurer | RecordField::Assuree) => {
                self.is_entity(object)
            }
            _ => false,
        }
    }

    /// Code yielding the index of a record or member, or `None` for a missing one.
    fn entity(&self, code: &'a Code) -> Run<'a, Option<usize>> {
        match code {
            Code::This => Box::new(|_, env| Ok(Some(env.this))),
            Code::Bound(slot) => Box::new(move |_, env| Ok(Some(env.bound[*slot]))),
            Code::RecordField(object, field @ (RecordField::Assurer | RecordField::Assuree)) => {
                let object = self.entity(object);
                let assurer = *field == RecordField::Assurer;
                Box::new(move |evaluation, env| {
                    Ok(object(evaluation, env)?.map(|record| {
                        let link = evaluation.data.links[record];
                        (if assurer { link.assurer } else { link.assuree }) as usize
                    }))
                })
            }
            _ => {
                let value = self.value(code);
                Box::new(move |evaluation, env| match value(evaluation, env)? {
                    Value::Record(index) | Value::Member(index) => Ok(Some(index)),
                    _ => Ok(None),
                })
            }
        }
    }

    /// Text read in place (a text constant, or a text column of a record), when `code` is that.
    fn text(&self, code: &'a Code) -> Option<InPlace<'a>> {
        match code {
            Code::Const(Value::Text(text)) => Some(Box::new(move |_, _| Some(&**text))),
            Code::RecordField(object, field)
                if matches!(**object, Code::This | Code::Bound(_)) && field.ty() == Type::Text =>
            {
                let (bound, field) = match **object {
                    Code::Bound(slot) => (Some(slot), *field),
                    _ => (None, *field),
                };
                Some(Box::new(move |evaluation, env| {
                    let index = bound.map_or(env.this, |slot| env.bound[slot]);
                    let data = evaluation.data;
                    data.records[index].text(field).map(|text| data.text(text))
                }))
            }
            _ => None,
        }
    }

    /// A text predicate of two texts read in place, when `builtin` is one and `arguments` are
    /// such texts.
    fn text_test(&self, builtin: BuiltinId, arguments: &'a [Code]) -> Option<Run<'a, bool>> {
        let Builtin {
            name,
            call: Implementation::TextTest(test),
            ..
        } = builtin.spec()
        else {
            return None;
        };
        let [a, b] = arguments else { return None };
        let (a, b) = (self.text(a)?, self.text(b)?);
        Some(Box::new(move |evaluation, env| {
            match (a(evaluation, env), b(evaluation, env)) {
                (Some(a), Some(b)) => Ok(test(a, b)),
                _ => fail(Failure::BuiltinMetMissing(name)),
            }
        }))
    }

    /// The records an aggregation runs over.
    fn source(&self, aggregate: &'a AggregateCode) -> Run<'a, (usize, Direction)> {
        let source = self.value(&aggregate.source);
        Box::new(move |evaluation, env| match source(evaluation, env)? {
            Value::Records(member, direction) => Ok((member, direction)),
            _ => fail(Failure::Missing(MissingUse::Collection)),
        })
    }

    /// Any aggregation, over values.
    fn aggregate(&self, aggregate: &'a AggregateCode) -> Run<'a, Value> {
        let kind = aggregate.kind;
        let source = self.source(aggregate);
        let filter = aggregate.filter.as_ref().map(|f| self.boolean(f));
        let value = aggregate.value.as_ref().map(|v| self.value(v));
        Box::new(move |evaluation, env| {
            let (member, direction) = source(evaluation, env)?;
            let data = evaluation.data;
            let mut count: i64 = 0;
            let mut sum: i64 = 0;
            let mut best: Option<Value> = None;
            let mut distinct: Vec<Value> = Vec::new();
            let mut lines: Vec<Arc<str>> = Vec::new();
            for record in data.records_of(member, direction) {
                let record = *record as usize;
                env.bound.push(record);
                let element = element(evaluation, env, filter.as_ref(), value.as_ref());
                env.bound.pop();
                let Some(value) = element? else { continue };
                count += 1;
                match (kind, value) {
                    (AggregateKind::Sum, Value::Int(v)) => {
                        sum = sum
                            .checked_add(v)
                            .ok_or_else(|| EvalError::new(Failure::Overflow("sum".into())))?;
                    }
                    (AggregateKind::Min | AggregateKind::Max, v) => {
                        let op = if kind == AggregateKind::Min {
                            Compare::Lt
                        } else {
                            Compare::Gt
                        };
                        if best.as_ref().is_none_or(|b| compare(op, &v, b)) {
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
        })
    }
}

/// An aggregation's element: its value when it passes the filter (`Bool(true)` when the
/// aggregation has no value expression).
fn element<'a>(
    evaluation: &mut Evaluation<'a>,
    env: &mut Env,
    filter: Option<&Run<'a, bool>>,
    value: Option<&Run<'a, Value>>,
) -> Result<Option<Value>> {
    if let Some(filter) = filter
        && !filter(evaluation, env)?
    {
        return Ok(None);
    }
    match value {
        Some(value) => value(evaluation, env).map(Some),
        None => Ok(Some(Value::Bool(true))),
    }
}

/// Checked integer arithmetic, with the language's error messages.
fn arithmetic(op: Arith, a: i64, b: i64) -> Result<i64> {
    let (result, symbol) = match op {
        Arith::Add => (a.checked_add(b), "+"),
        Arith::Sub => (a.checked_sub(b), "-"),
        Arith::Mul => (a.checked_mul(b), "*"),
        Arith::Div if b == 0 => return fail(Failure::DivisionByZero { remainder: false }),
        Arith::Div => (a.checked_div(b), "/"),
        Arith::Rem if b == 0 => return fail(Failure::DivisionByZero { remainder: true }),
        _ => (a.checked_rem(b), "%"),
    };
    match result {
        Some(value) => Ok(value),
        None => fail(Failure::Overflow(format!("{a} {symbol} {b}"))),
    }
}
