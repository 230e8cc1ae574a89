//! The layered plan: the checked program as columns of two tables, the records and the
//! members, computed level by level. A definition's level is one more than the highest
//! level of anything it reads (of its own entity, of a record's member, of the records it
//! aggregates), so a level reads only what earlier levels completed: each level is one
//! pass over each table, whatever executes it. The SQL printer (`sql`) reads the plan; a
//! columnar evaluator would read the same one.
//!
//! The plan also decides what is outside the fragment a table engine can run (nested
//! aggregations, a missing value where SQL would drop it silently…): each refusal names
//! the rule, where it is written and why.

mod kinds;

use chrono::NaiveDate;

use crate::check::program::{Body, Code, DefId, LineColumn, Program, Rule};
use crate::data::{MemberField, RecordField};
use crate::lang::{AggregateKind, Scope, Value};

pub use kinds::{Kind, Kinds, Typed, definition_kind};

/// The program as levels of columns, as of a date fixed now or read when the plan runs.
pub struct Plan<'p> {
    /// The checked program.
    pub program: &'p Program,
    /// The date, when fixed when planning (`None`: read when run).
    pub as_of: Option<NaiveDate>,
    /// The definitions of each level, from level 1 (which reads only the data).
    pub levels: Vec<Level>,
    /// The CATS variant types whose passes count (the schema's `store.cats_types`).
    pub cats_types: Vec<i64>,
    /// Whether a record reads a definition of one of its members: the members a record
    /// names without a `users` row then need rows of their own, as in the evaluator.
    pub reads_linked_definitions: bool,
}

/// The definitions computed in one level, per table.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Level {
    /// Columns of the records.
    pub record: Vec<DefId>,
    /// Columns of the members.
    pub member: Vec<DefId>,
}

/// When a rule file's rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InForce {
    /// At the plan's date, or at every date.
    Always,
    /// Not at the plan's date.
    Never,
    /// From the first date (inclusive) until the second (exclusive), the date read when run.
    Between(Option<NaiveDate>, Option<NaiveDate>),
}

/// A rule outside the fragment the plan can run: where it is written and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The rule file, relative to the rules directory.
    pub rule_file: String,
    /// Where in it.
    pub place: LineColumn,
    /// Why.
    pub reason: String,
}

impl Refusal {
    /// A refusal of `rule` at `place` (the file is the one `rule.at` names).
    pub fn of(rule: &Rule, place: LineColumn, reason: String) -> Self {
        let file = rule.at.rsplit_once(':').map_or(&*rule.at, |(file, _)| file);
        Self {
            rule_file: file.to_string(),
            place,
            reason,
        }
    }
}

impl<'p> Plan<'p> {
    /// Plans `program` as of `as_of` (or a date read when run), or says which rules are
    /// outside the fragment.
    pub fn new(
        program: &'p Program,
        as_of: Option<NaiveDate>,
        cats_types: Vec<i64>,
    ) -> Result<Self, Vec<Refusal>> {
        let mut refusals = Vec::new();
        for definition in &program.definitions {
            for rule in rules_of(definition) {
                fragment::check_rule(program, definition.scope, rule, &mut refusals);
            }
            if let Body::Collect(rules) = &definition.body {
                for rule in rules
                    .iter()
                    .chain(definition.overrides.iter().map(|(_, r)| r))
                {
                    fragment::check_collected(program, definition.scope, rule, &mut refusals);
                }
            }
        }
        if !refusals.is_empty() {
            return Err(refusals);
        }
        let levels = levels(program);
        let reads_linked_definitions = program.definitions.iter().any(|definition| {
            rules_of(definition).any(|rule| codes_of(rule).any(reads_through_link))
        });
        Ok(Self {
            program,
            as_of,
            levels,
            cats_types,
            reads_linked_definitions,
        })
    }

    /// When rule file `file` applies.
    pub fn in_force(&self, file: usize) -> InForce {
        let info = &self.program.files[file];
        match self.as_of {
            Some(date) if info.in_force(date) => InForce::Always,
            Some(_) => InForce::Never,
            None if info.effective_from.is_none() && info.effective_until.is_none() => {
                InForce::Always
            }
            None => InForce::Between(info.effective_from, info.effective_until),
        }
    }
}

/// Every rule of a definition: its body's rows, then its overrides.
pub(crate) fn rules_of(
    definition: &crate::check::program::Definition,
) -> impl Iterator<Item = &Rule> {
    let body: &[Rule] = match &definition.body {
        Body::Value(rule) => std::slice::from_ref(&**rule),
        Body::Cases(rules) | Body::Collect(rules) => rules,
    };
    body.iter()
        .chain(definition.overrides.iter().map(|(_, rule)| rule))
}

/// A rule's condition and value.
fn codes_of(rule: &Rule) -> impl Iterator<Item = &Code> {
    rule.when.iter().chain(std::iter::once(&rule.then))
}

/// Calls `f` on every code of every rule of `definition`: conditions and values, and every
/// code inside them.
pub(crate) fn each_in(definition: &crate::check::program::Definition, f: &mut impl FnMut(&Code)) {
    for rule in rules_of(definition) {
        for code in codes_of(rule) {
            each(code, f);
        }
    }
}

/// The definitions each definition reads, by definition.
pub(crate) fn reads(program: &Program) -> Vec<Vec<DefId>> {
    let found = |definition| {
        let mut found = Vec::new();
        each_in(definition, &mut |code| {
            if let Code::Definition(_, id) = code {
                found.push(*id);
            }
        });
        found
    };
    program.definitions.iter().map(found).collect()
}

/// The levels: each definition one more than the highest of what it reads.
fn levels(program: &Program) -> Vec<Level> {
    let count = program.definitions.len();
    let mut level: Vec<Option<usize>> = vec![None; count];
    // The checker rejected every cycle: repeating until nothing changes terminates.
    let reads = reads(program);
    let mut changed = true;
    while changed {
        changed = false;
        for id in 0..count {
            if level[id].is_some() {
                continue;
            }
            let mut highest = 0;
            let mut ready = true;
            for read in &reads[id] {
                match level[*read] {
                    Some(l) => highest = highest.max(l),
                    None => ready = false,
                }
            }
            if ready {
                level[id] = Some(highest + 1);
                changed = true;
            }
        }
    }
    let deepest = level.iter().flatten().copied().max().unwrap_or(0);
    let mut levels = vec![Level::default(); deepest];
    for (id, l) in level.iter().enumerate() {
        let Some(l) = l else { continue };
        let entry = &mut levels[l - 1];
        match program.definitions[id].scope {
            Scope::Record => entry.record.push(id),
            Scope::Member => entry.member.push(id),
        }
    }
    levels
}

/// Calls `f` on `code` and every code inside it.
pub fn each(code: &Code, f: &mut impl FnMut(&Code)) {
    f(code);
    for child in children(code) {
        each(child, f);
    }
}

/// The codes directly inside `code` (an aggregation's source, filter and value included).
fn children(code: &Code) -> Vec<&Code> {
    match code {
        Code::Const(_)
        | Code::AsOf
        | Code::This
        | Code::Bound(_)
        | Code::Request(_)
        | Code::Overridden { .. } => vec![],
        Code::RecordField(inner, _)
        | Code::MemberField(inner, _)
        | Code::Definition(inner, _)
        | Code::Not(inner)
        | Code::Negate(inner)
        | Code::In(inner, ..) => vec![inner],
        Code::Arith(_, a, b)
        | Code::Compare(_, a, b)
        | Code::And(a, b)
        | Code::Or(a, b)
        | Code::Coalesce(a, b) => vec![a, b],
        Code::If(a, b, c) => vec![a, b, c],
        Code::Call(_, arguments) => arguments.iter().collect(),
        Code::Aggregate(aggregate) => std::iter::once(&aggregate.source)
            .chain(&aggregate.filter)
            .chain(&aggregate.value)
            .collect(),
    }
}

/// Whether `code` reads a member's definition through a record's link.
fn reads_through_link(code: &Code) -> bool {
    let mut found = false;
    each(code, &mut |code| {
        if let Code::Definition(object, _) = code
            && matches!(
                **object,
                Code::RecordField(_, RecordField::Assurer | RecordField::Assuree)
            )
        {
            found = true;
        }
    });
    found
}

mod fragment {
    //! What the plan can run: every refusal names the rule and why.

    use super::*;

    /// Refuses what in `rule`'s condition or value is outside the fragment.
    pub(crate) fn check_rule(program: &Program, scope: Scope, rule: &Rule, out: &mut Vec<Refusal>) {
        let kinds = Kinds { program, scope };
        for (code, place) in rule
            .when
            .iter()
            .zip(rule.when_at)
            .chain(std::iter::once((&rule.then, rule.then_at)))
        {
            if let Some(reason) = refused(&kinds, code, 0) {
                out.push(Refusal::of(rule, place, reason));
            }
        }
    }

    /// Refuses an item of a `collect:` table that a list column cannot hold.
    pub(crate) fn check_collected(
        program: &Program,
        scope: Scope,
        rule: &Rule,
        out: &mut Vec<Refusal>,
    ) {
        let kinds = Kinds { program, scope };
        let plain = match &rule.then {
            Code::Const(Value::Text(text)) => !text
                .chars()
                .any(|c| c == '"' || c == '\\' || c.is_control()),
            code => kinds.of(code).kind == Kind::Int && !kinds.of(code).optional,
        };
        if !plain {
            out.push(Refusal::of(
                rule,
                rule.then_at,
                "a `collect:` row's value must be an outcome or an integer that is never missing to be a list column".into(),
            ));
        }
    }

    /// Why `code` is outside the fragment, if it is; `depth` counts the aggregations it is in.
    fn refused(kinds: &Kinds, code: &Code, depth: usize) -> Option<String> {
        let mut reason = None;
        visit(kinds, code, depth, &mut reason);
        reason
    }

    fn visit(kinds: &Kinds, code: &Code, depth: usize, reason: &mut Option<String>) {
        if reason.is_some() {
            return;
        }
        match code {
            Code::Aggregate(aggregate) => {
                if depth > 0 {
                    *reason = Some(format!(
                        "`{}` inside another aggregation: only one level of aggregation becomes a grouped join",
                        aggregate.kind.name()
                    ));
                    return;
                }
                let source_ok = match &aggregate.source {
                    Code::MemberField(object, MemberField::Received | MemberField::Given) => {
                        match &**object {
                            Code::This => kinds.scope == Scope::Member,
                            Code::RecordField(
                                inner,
                                RecordField::Assurer | RecordField::Assuree,
                            ) => **inner == Code::This,
                            _ => false,
                        }
                    }
                    _ => false,
                };
                if !source_ok {
                    *reason = Some(format!(
                        "`{}` over records other than those the member decided (or the record's assurer or assuree) received or gave",
                        aggregate.kind.name()
                    ));
                    return;
                }
                if let (
                    AggregateKind::CountDistinct | AggregateKind::Min | AggregateKind::Max,
                    Some(value),
                ) = (aggregate.kind, &aggregate.value)
                    && kinds.of(value).optional
                {
                    *reason = Some(format!(
                        "`{}` of a value that may be missing: SQL would leave the missing values out, the language counts them",
                        aggregate.kind.name()
                    ));
                    return;
                }
                for inner in aggregate.filter.iter().chain(aggregate.value.iter()) {
                    visit(kinds, inner, depth + 1, reason);
                }
            }
            Code::Definition(_, id)
                if matches!(
                    kinds.program.definitions[*id].ty.required(),
                    crate::lang::Type::List(_)
                ) =>
            {
                *reason = Some(format!(
                    "reads the list `{}`: a list is a column of its own, not a value to compute with",
                    kinds.program.definitions[*id].name
                ));
            }
            Code::Overridden { .. } => {
                *reason = Some(
                    "`overridden`: the definition's value without one of its overrides is not a column of the views yet".into(),
                );
            }
            Code::In(_, list, _) if list.contains(&Value::Missing) => {
                *reason = Some("`null` in a list of `in`".into());
            }
            Code::Const(Value::List(_)) => {
                *reason = Some("a list outside `in`".into());
            }
            _ => {
                for child in super::children(code) {
                    visit(kinds, child, depth, reason);
                }
            }
        }
    }
}
