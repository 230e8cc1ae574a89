//! Personal data: which values a report withholds, in every format, unless asked to show them.
//!
//! The schema's `personal` fields (`member.dob`, names, email) are personal; so is a value
//! computed from one: a definition's value is withheld when the clause that decided it
//! carries a personal field into its value (its `then:` or `value:` reads the field, or a
//! definition whose value may carry one). A condition only chooses among values: the
//! level a member reaches is not personal because a row tested the member's age.

use std::collections::BTreeSet;

use wotrules_core::check::program::{Body, Code, DefId, Program, Rule};
use wotrules_core::data::{MemberField, RecordField};
use wotrules_core::eval::{Decision, EntityDecisions, TraceNode};
use wotrules_core::lang::Value;

/// What a report may show of personal data.
#[derive(Debug, Clone)]
pub struct Privacy {
    /// Whether personal data is shown (`--show-personal`).
    shown: bool,
    /// The schema's personal fields, `object.field`.
    fields: Vec<String>,
    /// Per definition, the personal fields its value may carry (through any clause).
    definitions: Vec<Vec<String>>,
    /// Per definition, per clause (the body's, then the overrides'), the personal fields
    /// its value carries.
    clauses: Vec<Clauses>,
    /// Definition names (`member.age`) to their index, for the values a trace read.
    names: std::collections::HashMap<String, DefId>,
}

#[derive(Debug, Clone, Default)]
struct Clauses {
    body: Vec<Vec<String>>,
    overrides: Vec<Vec<String>>,
}

impl Privacy {
    /// What reports of `program` may show: everything when `shown`, else nothing of the
    /// `personal` fields (`object.field`) and the values computed from them.
    pub fn new(program: &Program, personal: &[String], shown: bool) -> Self {
        let mut flow = Flow {
            program,
            member: personal
                .iter()
                .filter_map(|name| {
                    let field = name.strip_prefix("member.")?;
                    MemberField::lookup(field).map(|(f, _)| (f, name.clone()))
                })
                .collect(),
            record: personal
                .iter()
                .filter_map(|name| {
                    let field = name.strip_prefix("record.")?;
                    RecordField::lookup(field).map(|(f, _)| (f, name.clone()))
                })
                .collect(),
            definitions: vec![None; program.definitions.len()],
        };
        let clauses = (0..program.definitions.len())
            .map(|id| flow.clauses(id))
            .collect();
        let definitions = (0..program.definitions.len())
            .map(|id| flow.definition(id).into_iter().collect())
            .collect();
        let names = program
            .definitions
            .iter()
            .enumerate()
            .map(|(id, d)| (format!("{}.{}", d.scope.name(), d.name), id))
            .collect();
        Self {
            shown,
            fields: personal.to_vec(),
            definitions,
            clauses,
            names,
        }
    }

    /// The personal fields that make the value of definition `id`, decided by `decision`,
    /// personal; empty when it may be shown.
    pub(crate) fn carried(&self, id: DefId, decision: &Decision) -> Vec<&str> {
        if self.shown {
            return Vec::new();
        }
        let Some(clauses) = self.clauses.get(id) else {
            return Vec::new();
        };
        let chosen: Vec<&Vec<String>> = match decision {
            Decision::Value => clauses.body.first().into_iter().collect(),
            Decision::Case(row) => clauses.body.get(*row).into_iter().collect(),
            Decision::Override(n) => clauses.overrides.get(*n).into_iter().collect(),
            Decision::Collected(Some(held)) => held
                .0
                .iter()
                .filter_map(|row| clauses.body.get(*row))
                .chain(held.1.iter().filter_map(|n| clauses.overrides.get(*n)))
                .collect(),
            Decision::Collected(None) | Decision::NotInForce => Vec::new(),
        };
        let fields: BTreeSet<&str> = chosen.into_iter().flatten().map(String::as_str).collect();
        fields.into_iter().collect()
    }

    /// The personal fields the value read as `name` (a field, `member.dob`, or a definition,
    /// `member.age`) is or may carry; empty when it may be shown.
    pub fn read_carries(&self, name: &str) -> Vec<&str> {
        if self.shown {
            return Vec::new();
        }
        if let Some(field) = self.fields.iter().find(|f| *f == name) {
            return vec![field.as_str()];
        }
        self.names
            .get(name)
            .and_then(|id| self.definitions.get(*id))
            .map(|fields| fields.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The personal fields an expression written as `text` may carry: every personal field
    /// and every definition carrying one that it names anywhere (on any entity, in any
    /// aggregation), so that what is computed from personal data is never shown without
    /// `--show-personal`; empty when it may be shown.
    pub fn expression_carries(&self, text: &str) -> Vec<&str> {
        if self.shown {
            return Vec::new();
        }
        let names = |name: &str| {
            let last = name.rsplit('.').next().unwrap_or(name);
            wotrules_core::builtins::has_word(text, last)
        };
        let mut carried: BTreeSet<&str> = self
            .fields
            .iter()
            .filter(|field| names(field))
            .map(String::as_str)
            .collect();
        for (name, id) in &self.names {
            if names(name) {
                let fields = self.definitions.get(*id).into_iter().flatten();
                carried.extend(fields.map(String::as_str));
            }
        }
        carried.into_iter().collect()
    }

    /// The personal fields that make output `index` of `entity` personal; empty when it may
    /// be shown.
    pub(crate) fn output(&self, entity: &EntityDecisions, index: usize) -> Vec<&str> {
        entity
            .decided
            .get(index)
            .map(|(id, decision)| self.carried(*id, decision))
            .unwrap_or_default()
    }

    /// The personal fields that make the value of a trace node personal.
    pub(crate) fn node(&self, node: &TraceNode) -> Vec<&str> {
        self.carried(node.id, &node.decision)
    }

    /// A value as text shows it: the value, or why it is withheld.
    pub(crate) fn shown(&self, carried: &[&str], value: &Value) -> String {
        if carried.is_empty() {
            value.to_string()
        } else {
            withheld_text(None, carried)
        }
    }

    /// `name = value` as a report shows a value read, withheld when personal.
    pub(crate) fn read(&self, name: &str, value: &Value) -> String {
        let carried = self.read_carries(name);
        if carried.is_empty() {
            format!("{name} = {}", quoted(value))
        } else {
            format!("{name} = {}", withheld_text(Some(name), &carried))
        }
    }
}

/// How text shows a withheld value: `(withheld)` for the personal field `name`,
/// `(withheld: computed from member.dob)` for a value computed from one.
pub fn withheld_text(name: Option<&str>, carried: &[&str]) -> String {
    if name.is_some_and(|name| carried == [name]) {
        "(withheld)".into()
    } else {
        format!("(withheld: computed from {})", carried.join(", "))
    }
}

/// A value as text shows it: text quoted.
pub fn quoted(value: &Value) -> String {
    match value {
        Value::Text(_) => format!("\"{value}\""),
        other => other.to_string(),
    }
}

/// The static flow of personal fields into definitions' values.
struct Flow<'a> {
    program: &'a Program,
    member: Vec<(MemberField, String)>,
    record: Vec<(RecordField, String)>,
    /// Per definition, once computed: the fields any of its clauses may carry.
    definitions: Vec<Option<BTreeSet<String>>>,
}

impl Flow<'_> {
    fn clauses(&mut self, id: DefId) -> Clauses {
        let definition = &self.program.definitions[id];
        let body: Vec<&Rule> = match &definition.body {
            Body::Value(rule) => vec![rule],
            Body::Cases(rules) | Body::Collect(rules) => rules.iter().collect(),
        };
        Clauses {
            body: body
                .into_iter()
                .map(|rule| self.code(&rule.then).into_iter().collect())
                .collect(),
            overrides: definition
                .overrides
                .iter()
                .map(|(_, rule)| self.code(&rule.then).into_iter().collect())
                .collect(),
        }
    }

    /// The fields any clause of definition `id` may carry (its overrides included).
    fn definition(&mut self, id: DefId) -> BTreeSet<String> {
        if let Some(Some(known)) = self.definitions.get(id) {
            return known.clone();
        }
        let clauses = self.clauses(id);
        let fields: BTreeSet<String> = clauses
            .body
            .into_iter()
            .chain(clauses.overrides)
            .flatten()
            .collect();
        self.definitions[id] = Some(fields.clone());
        fields
    }

    /// The fields the value of `code` may carry.
    fn code(&mut self, code: &Code) -> BTreeSet<String> {
        let mut fields = BTreeSet::new();
        let mut definitions = Vec::new();
        wotrules_core::plan::each(code, &mut |node| match node {
            Code::MemberField(_, field) => {
                if let Some((_, name)) = self.member.iter().find(|(f, _)| f == field) {
                    fields.insert(name.clone());
                }
            }
            Code::RecordField(_, field) => {
                if let Some((_, name)) = self.record.iter().find(|(f, _)| f == field) {
                    fields.insert(name.clone());
                }
            }
            Code::Definition(_, id) => definitions.push((*id, false)),
            Code::Overridden { definition, .. } => definitions.push((*definition, true)),
            _ => {}
        });
        for (id, body_only) in definitions {
            if body_only {
                // `overridden`: the definition's value without the overrides.
                let body = self.clauses_body(id);
                fields.extend(body);
            } else {
                fields.extend(self.definition(id));
            }
        }
        fields
    }

    /// The fields the body clauses (not the overrides) of definition `id` may carry.
    fn clauses_body(&mut self, id: DefId) -> BTreeSet<String> {
        let definition = &self.program.definitions[id];
        let body: Vec<&Rule> = match &definition.body {
            Body::Value(rule) => vec![rule],
            Body::Cases(rules) | Body::Collect(rules) => rules.iter().collect(),
        };
        body.into_iter()
            .flat_map(|rule| self.code(&rule.then))
            .collect()
    }
}
