//! Checking: names, types, dates, cycles and precedence, before anything is evaluated.
//!
//! [`check`] turns a loaded [`RuleSet`] into a [`Program`] or reports every
//! problem it finds in one pass.

pub mod program;
mod types;

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::data::{MemberField, RecordField, RequestField};
use crate::diag::Diagnostic;
use crate::lang::Type;
use crate::rules::{self, CaseValue, ExprSource, Located, RuleSet, Scope};
use crate::suggest::did_you_mean;

use crate::syntax::ast::{BinaryOp, Expr, ExprKind};
use program::{Body, Conjunct, Definition, FileInfo, Output, Rule};
pub use program::{Code, DefId, Program};
use types::{ExprChecker, Facts, Names, Usage};

/// What the checker tells a feature of the rule set: every definition declared, by scope
/// and name, with its type (also when another part of the rule set has errors).
pub struct Declared<'a> {
    /// The rule set checked.
    pub set: &'a RuleSet,
    definitions: &'a HashMap<(Scope, String), (DefId, Type)>,
}

impl Declared<'_> {
    /// The definition `name` of `scope`, with its type.
    pub fn definition(&self, scope: Scope, name: &str) -> Option<(DefId, &Type)> {
        self.definitions
            .get(&(scope, name.to_string()))
            .map(|(id, ty)| (*id, ty))
    }

    /// The names of `scope`'s definitions.
    pub fn names(&self, scope: Scope) -> impl Iterator<Item = &str> + Clone {
        self.definitions
            .keys()
            .filter(move |(s, _)| *s == scope)
            .map(|(_, n)| n.as_str())
    }
}

/// A feature with a plan of its own in the rule set (the mailings of rule files, the
/// schema's `why_not`): checked with the rules, after their definitions, its diagnostics
/// among theirs; the definitions it uses are not "unused".
pub trait Feature {
    /// Checks the feature's part of the rule set, reporting into `diagnostics`; returns the
    /// definitions it uses.
    fn check(&mut self, declared: &Declared, diagnostics: &mut Vec<Diagnostic>) -> Vec<DefId>;
}

/// Checks a rule set with `features`; returns the program when there is no error, and
/// every diagnostic.
pub fn check(
    set: &RuleSet,
    features: &mut [&mut dyn Feature],
) -> (Option<Program>, Vec<Diagnostic>) {
    let mut checker = Checker {
        set,
        names: Names::default(),
        diagnostics: Vec::new(),
        definitions: Vec::new(),
        references: Vec::new(),
        positions: Vec::new(),
    };
    checker.schema();
    let files = checker.files();
    checker.declare_definitions();
    checker.compile_definitions();
    checker.compile_overrides();
    let outputs = checker.outputs();
    let mut used_by_features = Vec::new();
    for feature in features {
        let declared = Declared {
            set,
            definitions: &checker.names.definitions,
        };
        used_by_features.extend(feature.check(&declared, &mut checker.diagnostics));
    }
    checker.cycles();
    // With an error the definition graph is incomplete: "not used" would be a guess.
    if !set.incomplete && !checker.diagnostics.iter().any(Diagnostic::is_error) {
        checker.unused(&outputs, &used_by_features);
    }
    let Checker {
        diagnostics,
        definitions,
        ..
    } = checker;
    // A rule set that failed to load in part has no program, even where what remains checks.
    if set.incomplete || diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    let (member_outputs, record_outputs) = outputs;
    let program = Program {
        files,
        definitions: definitions.into_iter().flatten().collect(),
        member_outputs,
        record_outputs,
        enums: set.schema.enums.clone(),
        digest: digest(set),
    };
    (Some(program), diagnostics)
}

/// `sha256:` of every source file's rules-relative path and text, in load order: the same
/// rules give the same digest from any directory, copy or git revision.
fn digest(set: &RuleSet) -> String {
    let mut hasher = Sha256::new();
    for file in &set.files {
        hasher.update(file.name.as_bytes());
        hasher.update([0]);
        hasher.update(file.text.as_bytes());
        hasher.update([0]);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("sha256:{hex}")
}

struct Checker<'a> {
    set: &'a RuleSet,
    names: Names,
    diagnostics: Vec<Diagnostic>,
    /// Compiled definitions by id (`None` until compiled, or when compiling failed).
    definitions: Vec<Option<Definition>>,
    /// Definitions each definition reads (edges of the definition graph).
    references: Vec<Vec<DefId>>,
    /// Where each definition was declared: (rule file index, definition index).
    positions: Vec<(usize, usize)>,
}

impl Checker<'_> {
    fn error(
        &mut self,
        pos: rules::Pos,
        width: usize,
        code: &'static str,
        message: String,
        help: Option<String>,
    ) {
        let diagnostic = self.set.error_at(pos, width, code, message, help);
        self.diagnostics.push(diagnostic);
    }

    /// `name:line` of a place: rules-relative, as traces cite it.
    fn at(&self, pos: rules::Pos) -> String {
        format!("{}:{}", self.set.files[pos.file].name, pos.line)
    }

    /// Reads the schema's enumerations and fields, checking each field against the data.
    fn schema(&mut self) {
        let schema = &self.set.schema;
        self.names.enums = schema.enums.clone();
        for (object, declared) in &schema.fields {
            for (name, type_name) in declared {
                let Some(ty) = Type::parse(&type_name.value, &schema.enums) else {
                    self.unknown_type(type_name);
                    continue;
                };
                let provided = match object.as_str() {
                    "record" => RecordField::lookup(&name.value).map(|(f, t)| {
                        self.names
                            .record_fields
                            .insert(name.value.clone(), (f, ty.clone()));
                        t
                    }),
                    "member" => MemberField::lookup(&name.value).map(|(f, t)| {
                        self.names
                            .member_fields
                            .insert(name.value.clone(), (f, ty.clone()));
                        t
                    }),
                    _ => RequestField::lookup(&name.value).map(|(f, t)| {
                        self.names
                            .request_fields
                            .insert(name.value.clone(), (f, ty.clone()));
                        t
                    }),
                };
                match provided {
                    None => self.error(name.pos, name.value.chars().count(), "unknown-data-field", format!("the data has no {object} field `{}`", name.value), Some("the schema can only declare fields the store reads; see ARCHITECTURE.md".into())),
                    Some(actual) if actual != ty => self.error(type_name.pos, type_name.value.chars().count(), "type-mismatch", format!("{object} field `{}` has type `{actual}` in the data, not `{ty}`", name.value), Some(format!("declare it as `{actual}`"))),
                    Some(_) => {}
                }
            }
        }
    }

    fn unknown_type(&mut self, type_name: &Located<String>) {
        let mut candidates: Vec<&str> = vec!["int", "bool", "text", "date"];
        candidates.extend(self.set.schema.enums.keys().map(String::as_str));
        let help =
            did_you_mean(type_name.value.trim_end_matches('?'), candidates).unwrap_or_else(|| {
                "types: int, bool, text, date, an enumeration of the schema, `T?`, `list<T>`".into()
            });
        self.error(
            type_name.pos,
            type_name.value.chars().count(),
            "unknown-type",
            format!("unknown type `{}`", type_name.value),
            Some(help),
        );
    }

    fn output_type(&self, scope: Scope, name: &str) -> Option<(&Located<String>, Option<Type>)> {
        self.set
            .schema
            .outputs
            .iter()
            .find(|(s, n, _)| *s == scope && n.value == name)
            .map(|(_, _, t)| (t, Type::parse(&t.value, &self.set.schema.enums)))
    }

    fn files(&mut self) -> Vec<FileInfo> {
        let mut seen: HashMap<&str, rules::Pos> = HashMap::new();
        let mut files = Vec::new();
        for rule_file in &self.set.rule_files {
            if let (Some(from), Some(until)) =
                (&rule_file.effective_from, &rule_file.effective_until)
                && until.value <= from.value
            {
                self.error(until.pos, 10, "dates-reversed", format!("`effective_until` {} is not after `effective_from` {}", until.value, from.value), Some("a rule file is in force from `effective_from` up to the day before `effective_until`".into()));
            }
            if let Some(first) = seen.insert(&rule_file.id.value, rule_file.id.pos) {
                let diagnostic = Diagnostic::error(
                    "duplicate-id",
                    format!("rule file id `{}` is used twice", rule_file.id.value),
                )
                .at(self
                    .set
                    .location(rule_file.id.pos, rule_file.id.value.chars().count()))
                .note(self.set.location(first, 1), "first used here")
                .help("give each rule file its own id");
                self.diagnostics.push(diagnostic);
            }
            files.push(FileInfo {
                path: self.set.files[rule_file.file].path.clone(),
                id: rule_file.id.value.clone(),
                title: rule_file.title.clone(),
                kind: rule_file.kind,
                source: rule_file.source.clone(),
                effective_from: rule_file.effective_from.as_ref().map(|d| d.value),
                effective_until: rule_file.effective_until.as_ref().map(|d| d.value),
            });
        }
        files
    }

    /// Gives every definition an id and a type, reporting duplicates.
    fn declare_definitions(&mut self) {
        for (file_index, rule_file) in self.set.rule_files.iter().enumerate() {
            for (index, definition) in rule_file.definitions.iter().enumerate() {
                let key = (definition.scope, definition.name.value.clone());
                if let Some((first, _)) = self.names.definitions.get(&key) {
                    let (first_file, first_index) = self.positions[*first];
                    let first = &self.set.rule_files[first_file].definitions[first_index];
                    let diagnostic = Diagnostic::error(
                        "conflict",
                        format!(
                            "`{}.{}` is defined twice, with no precedence between the two",
                            definition.scope.name(),
                            definition.name.value
                        ),
                    )
                    .at(self
                        .set
                        .location(definition.name.pos, definition.name.value.chars().count()))
                    .note(
                        self.set.location(definition.cite.pos, 1),
                        format!("this one cites: {}", definition.cite.value),
                    )
                    .note(
                        self.set.location(first.name.pos, 1),
                        format!("also defined here, citing: {}", first.cite.value),
                    )
                    .help(
                        "keep one definition, and write the other as an override with a `priority`",
                    );
                    self.diagnostics.push(diagnostic);
                    continue;
                }
                let Some(ty) = self.definition_type(definition) else {
                    continue;
                };
                let id = self.positions.len();
                self.positions.push((file_index, index));
                self.names.definitions.insert(key, (id, ty));
            }
        }
        self.definitions = vec![None; self.positions.len()];
        self.references = vec![Vec::new(); self.positions.len()];
    }

    fn definition_type(&mut self, definition: &rules::Definition) -> Option<Type> {
        let declared = match &definition.type_name {
            Some(type_name) => match Type::parse(&type_name.value, &self.set.schema.enums) {
                Some(ty) => Some((ty, type_name)),
                None => {
                    self.unknown_type(type_name);
                    return None;
                }
            },
            None => None,
        };
        let output = self
            .output_type(definition.scope, &definition.name.value)
            .and_then(|(located, ty)| ty.map(|t| (t, located.clone())));
        match (declared, output) {
            (Some((declared, located)), Some((output, _))) if declared != output => {
                let message = format!(
                    "`{}` is an output of type `{output}`, not `{declared}`",
                    definition.name.value
                );
                self.error(
                    located.pos,
                    located.value.chars().count(),
                    "type-mismatch",
                    message,
                    Some(format!("write `type: {output}` or leave `type` out")),
                );
                None
            }
            (Some((declared, _)), _) => Some(declared),
            (None, Some((output, _))) => Some(output),
            (None, None) => {
                let message = format!("definition `{}` has no `type`", definition.name.value);
                self.error(definition.name.pos, definition.name.value.chars().count(), "missing-type", message, Some("add `type: int` (or bool, text, date, an enumeration; `T?` when it may be missing)".into()));
                None
            }
        }
    }

    fn compile_definitions(&mut self) {
        for id in 0..self.positions.len() {
            let (file_index, index) = self.positions[id];
            let rule_file = &self.set.rule_files[file_index];
            let definition = &rule_file.definitions[index];
            if definition.broken {
                continue;
            }
            let ty = self.names.definitions[&(definition.scope, definition.name.value.clone())]
                .1
                .clone();
            let mut references = Vec::new();
            let body = match &definition.body {
                rules::Body::Value(expr) => self
                    .rule(
                        definition.scope,
                        file_index,
                        None,
                        &CaseValue::Expr(expr.clone()),
                        &ty,
                        &Facts::default(),
                        &definition.cite.value,
                        expr.pos,
                        &mut references,
                    )
                    .map(|rule| Body::Value(Box::new(rule))),
                rules::Body::Cases(cases) => self
                    .table(
                        definition.scope,
                        file_index,
                        cases,
                        &ty,
                        &definition.cite.value,
                        &mut references,
                        true,
                    )
                    .map(Body::Cases),
                rules::Body::Collect(cases) => {
                    let Type::List(element) = &ty else {
                        self.error(
                            definition.name.pos,
                            definition.name.value.chars().count(),
                            "type-mismatch",
                            format!(
                                "`collect:` builds a list, but `{}` has type `{ty}`",
                                definition.name.value
                            ),
                            Some("declare `type: list<…>`".into()),
                        );
                        continue;
                    };
                    let element = (**element).clone();
                    self.table(
                        definition.scope,
                        file_index,
                        cases,
                        &element,
                        &definition.cite.value,
                        &mut references,
                        false,
                    )
                    .map(Body::Collect)
                }
            };
            self.references[id] = references;
            let Some(body) = body else { continue };
            self.definitions[id] = Some(Definition {
                name: definition.name.value.clone(),
                scope: definition.scope,
                ty,
                file: file_index,
                cite: definition.cite.value.clone(),
                at: self.at(definition.name.pos),
                body,
                overrides: Vec::new(),
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn table(
        &mut self,
        scope: Scope,
        file: usize,
        cases: &[rules::Case],
        ty: &Type,
        cite: &str,
        references: &mut Vec<DefId>,
        first_match: bool,
    ) -> Option<Vec<Rule>> {
        let mut facts = Facts::default();
        let mut rules = Vec::with_capacity(cases.len());
        let mut complete = true;
        if first_match {
            self.shadowed_rows(cases);
        }
        for case in cases {
            let case_cite = case.cite.as_ref().map_or(cite, |c| c.value.as_str());
            match self.rule(
                scope,
                file,
                case.when.as_ref(),
                &case.then,
                ty,
                &facts,
                case_cite,
                case.pos,
                references,
            ) {
                Some(rule) => rules.push(rule),
                None => complete = false,
            }
            if let (Some(when), true) = (&case.when, first_match) {
                facts.learn(&when.expr, false);
            }
        }
        complete.then_some(rules)
    }

    #[allow(clippy::too_many_arguments)]
    fn rule(
        &mut self,
        scope: Scope,
        file: usize,
        when: Option<&ExprSource>,
        then: &CaseValue,
        ty: &Type,
        facts: &Facts,
        cite: &str,
        pos: rules::Pos,
        references: &mut Vec<DefId>,
    ) -> Option<Rule> {
        let mut checker = ExprChecker {
            set: self.set,
            names: &self.names,
            scope,
            diagnostics: &mut self.diagnostics,
            usage: Usage::default(),
        };
        let condition = when.map(|when| checker.check(when, Some(&Type::Bool), facts));
        let mut then_facts = facts.clone();
        if let Some(when) = when {
            then_facts.learn(&when.expr, true);
        }
        let value = match then {
            CaseValue::Expr(expr) => checker
                .check(expr, Some(ty), &then_facts)
                .map(|(code, _)| code),
            CaseValue::Outcome(outcome) => outcome_constant(&mut checker, outcome, ty),
        };
        let Usage {
            references: read,
            mut uses,
            mut fields,
        } = checker.usage;
        references.extend(read);
        uses.dedup();
        fields.dedup();
        let condition = match condition {
            Some(checked) => Some(checked?.0),
            None => None,
        };
        let mut conjuncts = Vec::new();
        if let (Some(when), Some(code)) = (when, &condition) {
            self.conjuncts(scope, when, &when.expr, code, &mut conjuncts);
        }
        Some(Rule {
            when: condition,
            then: value?,
            cite: cite.to_string(),
            at: self.at(pos),
            file,
            condition_text: when.map(|w| w.text.trim().to_string()),
            conjuncts,
            uses,
            fields,
        })
    }

    /// Splits a checked condition at its top-level `and`s, each part with its text and the
    /// fields and definitions of the entity it reads directly.
    fn conjuncts(
        &self,
        scope: Scope,
        source: &ExprSource,
        expr: &Expr,
        code: &Code,
        out: &mut Vec<Conjunct>,
    ) {
        if let (ExprKind::Binary(BinaryOp::And, left, right), Code::And(left_code, right_code)) =
            (&expr.kind, code)
        {
            self.conjuncts(scope, source, left, left_code, out);
            self.conjuncts(scope, source, right, right_code, out);
            return;
        }
        let text = source
            .text
            .get(expr.span.start..expr.span.end)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut reads = Vec::new();
        self.direct_reads(scope, expr, &mut reads);
        out.push(Conjunct {
            text,
            code: code.clone(),
            reads,
        });
    }

    /// `record.x` / `member.x` read in `expr` (of the scope's own entity), as code.
    fn direct_reads(&self, scope: Scope, expr: &Expr, out: &mut Vec<(String, Code)>) {
        if let ExprKind::Field(object, name) = &expr.kind
            && matches!(&object.kind, ExprKind::Var(v) if v == scope.name())
        {
            let shown = format!("{}.{}", scope.name(), name.text);
            let this = Box::new(Code::This);
            let code = match scope {
                Scope::Record => self
                    .names
                    .record_fields
                    .get(&name.text)
                    .filter(|(_, ty)| !matches!(ty, Type::Member | Type::Records))
                    .map(|(field, _)| Code::RecordField(this.clone(), *field)),
                Scope::Member => self
                    .names
                    .member_fields
                    .get(&name.text)
                    .filter(|(_, ty)| !matches!(ty, Type::Member | Type::Records))
                    .map(|(field, _)| Code::MemberField(this.clone(), *field)),
            }
            .or_else(|| {
                self.names
                    .definitions
                    .get(&(scope, name.text.clone()))
                    .map(|(id, _)| Code::Definition(this, *id))
            });
            if let Some(code) = code
                && !out.iter().any(|(n, _)| *n == shown)
            {
                out.push((shown, code));
            }
            return;
        }
        for child in children(expr) {
            self.direct_reads(scope, child, out);
        }
    }

    fn compile_overrides(&mut self) {
        let mut by_target: HashMap<DefId, Vec<(i64, rules::Pos, usize, &str)>> = HashMap::new();
        for (file_index, rule_file) in self.set.rule_files.iter().enumerate() {
            for exception in &rule_file.overrides {
                let key = (exception.scope, exception.target.value.clone());
                let Some((id, ty)) = self.names.definitions.get(&key).cloned() else {
                    if self.set.names_missing {
                        continue;
                    }
                    let candidates = self
                        .names
                        .definitions
                        .keys()
                        .filter(|(s, _)| *s == exception.scope)
                        .map(|(_, n)| n.as_str());
                    let help =
                        did_you_mean(&exception.target.value, candidates).unwrap_or_else(|| {
                            "an override names a definition of another rule file".into()
                        });
                    self.error(
                        exception.target.pos,
                        exception.target.value.chars().count() + 7,
                        "unknown-target",
                        format!(
                            "override of `{}.{}`, which is not defined",
                            exception.scope.name(),
                            exception.target.value
                        ),
                        Some(help),
                    );
                    continue;
                };
                let Some(priority) = &exception.priority else {
                    let (target_file, target_index) = self.positions[id];
                    let target = &self.set.rule_files[target_file].definitions[target_index];
                    let diagnostic = Diagnostic::error(
                        "conflict",
                        format!(
                            "override of `{}.{}` has no `priority`: it and the definition it amends could both decide",
                            exception.scope.name(),
                            exception.target.value
                        ),
                    )
                    .at(self.set.location(exception.pos, 1))
                    .note(
                        self.set.location(exception.cite.pos, 1),
                        format!("the override cites: {}", exception.cite.value),
                    )
                    .note(
                        self.set.location(target.name.pos, 1),
                        format!("the definition cites: {}", target.cite.value),
                    )
                    .help("add `priority: <integer>`: an override wins where its condition holds, higher priorities first");
                    self.diagnostics.push(diagnostic);
                    continue;
                };
                // On a `collect:` definition an override adds one element.
                let value_type = match (&self.definition_source(id).body, &ty) {
                    (rules::Body::Collect(_), Type::List(element)) => (**element).clone(),
                    _ => ty.clone(),
                };
                let mut references = Vec::new();
                let rule = self.rule(
                    exception.scope,
                    file_index,
                    exception.when.as_ref(),
                    &exception.then,
                    &value_type,
                    &Facts::default(),
                    &exception.cite.value,
                    exception.pos,
                    &mut references,
                );
                self.references[id].extend(references);
                let siblings = by_target.entry(id).or_default();
                if let Some((_, first, _, first_cite)) = siblings
                    .iter()
                    .find(|(p, _, f, _)| *p == priority.value && self.overlap(*f, file_index))
                {
                    let diagnostic = Diagnostic::error(
                        "conflict",
                        format!(
                            "two overrides of `{}.{}` have priority {} and can both apply",
                            exception.scope.name(),
                            exception.target.value,
                            priority.value
                        ),
                    )
                    .at(self.set.location(priority.pos, 1))
                    .note(
                        self.set.location(exception.cite.pos, 1),
                        format!("this one cites: {}", exception.cite.value),
                    )
                    .note(
                        self.set.location(*first, 1),
                        format!("the other override cites: {first_cite}"),
                    )
                    .help("give the one that should win the higher priority");
                    self.diagnostics.push(diagnostic);
                }
                siblings.push((
                    priority.value,
                    priority.pos,
                    file_index,
                    &exception.cite.value,
                ));
                if let (Some(rule), Some(definition)) = (rule, self.definitions[id].as_mut()) {
                    definition.overrides.push((priority.value, rule));
                }
            }
        }
        for definition in self.definitions.iter_mut().flatten() {
            definition
                .overrides
                .sort_by_key(|(priority, _)| std::cmp::Reverse(*priority));
        }
    }

    /// Whether two rule files can be in force on the same day.
    fn overlap(&self, first: usize, second: usize) -> bool {
        let window = |index: usize| {
            let file = &self.set.rule_files[index];
            (
                file.effective_from.as_ref().map(|d| d.value),
                file.effective_until.as_ref().map(|d| d.value),
            )
        };
        let ((from_a, until_a), (from_b, until_b)) = (window(first), window(second));
        let starts_before_end =
            |from: Option<chrono::NaiveDate>, until: Option<chrono::NaiveDate>| match (from, until)
            {
                (Some(from), Some(until)) => from < until,
                _ => true,
            };
        starts_before_end(from_a, until_b) && starts_before_end(from_b, until_a)
    }

    /// Links each schema output to its definition.
    fn outputs(&mut self) -> (Vec<Output>, Vec<Output>) {
        let mut member_outputs = Vec::new();
        let mut record_outputs = Vec::new();
        for (scope, name, type_name) in &self.set.schema.outputs {
            if Type::parse(&type_name.value, &self.set.schema.enums).is_none() {
                self.unknown_type(type_name);
                continue;
            }
            match self.names.definitions.get(&(*scope, name.value.clone())) {
                Some((id, _)) => {
                    let output = Output {
                        name: name.value.clone(),
                        definition: *id,
                    };
                    match scope {
                        Scope::Member => member_outputs.push(output),
                        Scope::Record => record_outputs.push(output),
                    }
                }
                None if self.set.names_missing => {}
                None => self.error(
                    name.pos,
                    name.value.chars().count(),
                    "undefined-output",
                    format!("output `{}.{}` has no definition", scope.name(), name.value),
                    Some(format!(
                        "define it in a rule file with `for: {}`",
                        scope.name()
                    )),
                ),
            }
        }
        (member_outputs, record_outputs)
    }

    /// Reports each cycle of the definition graph once.
    fn cycles(&mut self) {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let count = self.references.len();
        let mut marks = vec![Mark::New; count];
        for root in 0..count {
            if marks[root] != Mark::New {
                continue;
            }
            let mut stack: Vec<(DefId, usize)> = vec![(root, 0)];
            marks[root] = Mark::Open;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&child) = self.references[node].get(*next) {
                    *next += 1;
                    match marks[child] {
                        Mark::New => {
                            marks[child] = Mark::Open;
                            stack.push((child, 0));
                        }
                        Mark::Open => {
                            let start = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                            let cycle: Vec<DefId> =
                                stack[start..].iter().map(|(n, _)| *n).collect();
                            self.report_cycle(&cycle);
                        }
                        Mark::Done => {}
                    }
                } else {
                    marks[node] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }

    fn definition_source(&self, id: DefId) -> &rules::Definition {
        let (file, index) = self.positions[id];
        &self.set.rule_files[file].definitions[index]
    }

    fn report_cycle(&mut self, cycle: &[DefId]) {
        let name = |id: DefId| {
            let d = self.definition_source(id);
            format!("{}.{}", d.scope.name(), d.name.value)
        };
        let mut chain: Vec<String> = cycle.iter().map(|id| name(*id)).collect();
        chain.push(name(cycle[0]));
        let first = self.definition_source(cycle[0]);
        let mut diagnostic = Diagnostic::error(
            "cycle",
            format!(
                "definitions depend on each other in a cycle: {}",
                chain.join(" → ")
            ),
        )
        .at(self
            .set
            .location(first.name.pos, first.name.value.chars().count()))
        .help("one of them must be computed without the others");
        for id in &cycle[1..] {
            let d = self.definition_source(*id);
            diagnostic = diagnostic.note(
                self.set.location(d.name.pos, 1),
                format!("`{}` is part of the cycle", d.name.value),
            );
        }
        self.diagnostics.push(diagnostic);
    }

    /// Warns about rows of a decision table that can never decide: an earlier row has the
    /// same condition, or a condition that is always true.
    fn shadowed_rows(&mut self, cases: &[rules::Case]) {
        // Conditions are compared as printed from their trees: spacing and brackets aside.
        let mut earlier: Vec<(String, &ExprSource)> = Vec::new();
        for (index, case) in cases.iter().enumerate() {
            let canonical = case.when.as_ref().map(|when| when.expr.to_string());
            let always = earlier.iter().find(|(other, _)| other == "true");
            let same = canonical
                .as_ref()
                .and_then(|canonical| earlier.iter().find(|(other, _)| other == canonical));
            if let Some((_, shadowing)) = always.or(same) {
                let text = shadowing
                    .text
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let diagnostic = Diagnostic::warning(
                    "shadowed",
                    format!(
                        "row {} can never decide: an earlier row always wins",
                        index + 1
                    ),
                )
                .at(self
                    .set
                    .location(case.when.as_ref().map_or(case.pos, |w| w.pos), 1))
                .note(
                    self.set.location(shadowing.pos, 1),
                    format!("this row's condition `{text}` holds wherever the later one could"),
                )
                .help("remove the row, or make the earlier condition narrower");
                self.diagnostics.push(diagnostic);
            }
            if let (Some(canonical), Some(when)) = (canonical, &case.when) {
                earlier.push((canonical, when));
            }
        }
    }

    /// Warns about definitions no output reaches.
    fn unused(&mut self, outputs: &(Vec<Output>, Vec<Output>), used_by_features: &[DefId]) {
        let mut reached = vec![false; self.references.len()];
        let mut stack: Vec<DefId> = outputs
            .0
            .iter()
            .chain(&outputs.1)
            .map(|o| o.definition)
            .collect();
        stack.extend(used_by_features);
        while let Some(id) = stack.pop() {
            if !std::mem::replace(&mut reached[id], true) {
                stack.extend(self.references[id].iter().copied());
            }
        }
        for id in (0..reached.len()).filter(|id| !reached[*id]) {
            let d = self.definition_source(id);
            let diagnostic = Diagnostic::warning(
                "unused",
                format!(
                    "definition `{}.{}` is not used by any output",
                    d.scope.name(),
                    d.name.value
                ),
            )
            .at(self.set.location(d.name.pos, d.name.value.chars().count()))
            .help("use it in an output or a mailing, or remove it");
            self.diagnostics.push(diagnostic);
        }
    }
}

/// The sub-expressions of `expr`.
fn children(expr: &Expr) -> Vec<&Expr> {
    match &expr.kind {
        ExprKind::List(items) | ExprKind::Call(_, items) => items.iter().collect(),
        ExprKind::Field(object, _) | ExprKind::Unary(_, object) => vec![object],
        ExprKind::Binary(_, left, right) => vec![left, right],
        ExprKind::In { value, list, .. } => vec![value, list],
        ExprKind::If(a, b, c) => vec![a, b, c],
        ExprKind::Aggregate(aggregate) => aggregate
            .value
            .iter()
            .chain(std::iter::once(&aggregate.source))
            .chain(&aggregate.filter)
            .collect(),
        _ => Vec::new(),
    }
}

/// An `outcome:` value: a member of the (element) type's enumeration.
fn outcome_constant(
    checker: &mut ExprChecker,
    outcome: &Located<String>,
    ty: &Type,
) -> Option<Code> {
    let width = outcome.value.chars().count();
    let Type::Enum(name) = ty.required() else {
        let at = checker.set.location(outcome.pos, width);
        let diagnostic = Diagnostic::error(
            "type-mismatch",
            format!("`outcome:` gives a value of an enumeration, but this value has type `{ty}`"),
        )
        .at(at)
        .help("use `then:` with an expression");
        checker.diagnostics.push(diagnostic);
        return None;
    };
    checker
        .enum_member(|set| set.location(outcome.pos, width), name, &outcome.value)
        .then(|| Code::Const(crate::lang::Value::Text(outcome.value.as_str().into())))
}
