//! Checking: the schema, the rule files' metadata, and every definition declared and
//! compiled (its table's rows, their conditions and values).

use super::program::{Body, Conjunct, Definition, FileInfo, LineColumn, Rule};
use super::types::{ExprChecker, Facts, Usage};
use crate::data::{MemberField, RecordField, RequestField};
use crate::diag::{Diagnostic, DiagnosticCode};
use crate::lang::Type;
use crate::rules::Reports;
use crate::rules::{self, CaseValue, ExprSource, Located, Scope};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind};
use std::collections::HashMap;

use super::{Checker, Code, DefId, children, outcome_constant};

impl Checker<'_> {
    /// Reads the schema's enumerations and fields, checking each field against the data.
    pub(super) fn schema(&mut self) {
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
                    None => self.error(name.pos, name.value.chars().count(), DiagnosticCode::UnknownDataField, format!("the data has no {object} field `{}`", name.value), Some("the schema can only declare fields the store reads; see ARCHITECTURE.md".into())),
                    Some(actual) if actual != ty => self.error(type_name.pos, type_name.value.chars().count(), DiagnosticCode::TypeMismatch, format!("{object} field `{}` has type `{actual}` in the data, not `{ty}`", name.value), Some(format!("declare it as `{actual}`"))),
                    Some(_) => {}
                }
            }
        }
    }

    pub(super) fn unknown_type(&mut self, type_name: &Located<String>) {
        let mut candidates: Vec<&str> = vec!["int", "bool", "text", "date"];
        candidates.extend(self.set.schema.enums.keys().map(String::as_str));
        let help =
            did_you_mean(type_name.value.trim_end_matches('?'), candidates).unwrap_or_else(|| {
                "types: int, bool, text, date, an enumeration of the schema, `T?`, `list<T>`".into()
            });
        self.error(
            type_name.pos,
            type_name.value.chars().count(),
            DiagnosticCode::UnknownType,
            format!("unknown type `{}`", type_name.value),
            Some(help),
        );
    }

    pub(super) fn output_type(
        &self,
        scope: Scope,
        name: &str,
    ) -> Option<(&Located<String>, Option<Type>)> {
        self.set
            .schema
            .outputs
            .iter()
            .find(|(s, n, _)| *s == scope && n.value == name)
            .map(|(_, _, t)| (t, Type::parse(&t.value, &self.set.schema.enums)))
    }

    pub(super) fn files(&mut self) -> Vec<FileInfo> {
        let mut seen: HashMap<&str, rules::Place> = HashMap::new();
        let mut files = Vec::new();
        for rule_file in &self.set.rule_files {
            if let (Some(from), Some(until)) =
                (&rule_file.effective_from, &rule_file.effective_until)
                && until.value <= from.value
            {
                self.error(until.pos, 10, DiagnosticCode::DatesReversed, format!("`effective_until` {} is not after `effective_from` {}", until.value, from.value), Some("a rule file is in force from `effective_from` up to the day before `effective_until`".into()));
            }
            if let Some(first) = seen.insert(&rule_file.id.value, rule_file.id.pos) {
                let diagnostic = Diagnostic::error(
                    DiagnosticCode::DuplicateId,
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
                draft: rule_file.draft,
                source: rule_file.source.clone(),
                effective_from: rule_file.effective_from.as_ref().map(|d| d.value),
                effective_until: rule_file.effective_until.as_ref().map(|d| d.value),
            });
        }
        files
    }

    /// Gives every definition an id and a type, reporting duplicates.
    pub(super) fn declare_definitions(&mut self) {
        for (file_index, rule_file) in self.set.rule_files.iter().enumerate() {
            for (index, definition) in rule_file.definitions.iter().enumerate() {
                let key = (definition.scope, definition.name.value.clone());
                if let Some((first, _)) = self.names.definitions.get(&key) {
                    let (first_file, first_index) = self.positions[*first];
                    let first = &self.set.rule_files[first_file].definitions[first_index];
                    let diagnostic = Diagnostic::error(
                        DiagnosticCode::Conflict,
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

    pub(super) fn definition_type(&mut self, definition: &rules::Definition) -> Option<Type> {
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
                    DiagnosticCode::TypeMismatch,
                    message,
                    Some(format!("write `type: {output}` or leave `type` out")),
                );
                None
            }
            (Some((declared, _)), _) => Some(declared),
            (None, Some((output, _))) => Some(output),
            (None, None) => {
                let message = format!("definition `{}` has no `type`", definition.name.value);
                self.error(definition.name.pos, definition.name.value.chars().count(), DiagnosticCode::MissingType, message, Some("add `type: int` (or bool, text, date, an enumeration; `T?` when it may be missing)".into()));
                None
            }
        }
    }

    pub(super) fn compile_definitions(&mut self) {
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
                            DiagnosticCode::TypeMismatch,
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
    pub(super) fn table(
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
    pub(super) fn rule(
        &mut self,
        scope: Scope,
        file: usize,
        when: Option<&ExprSource>,
        then: &CaseValue,
        ty: &Type,
        facts: &Facts,
        cite: &str,
        pos: rules::Place,
        references: &mut Vec<DefId>,
    ) -> Option<Rule> {
        let mut checker = ExprChecker {
            set: self.set,
            names: &self.names,
            scope,
            diagnostics: &mut self.diagnostics,
            usage: Usage::default(),
            overriding: self.overriding.clone(),
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
            overridden: reads_overridden,
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
            when_at: when.map(|w| line_column(w.pos)),
            then_at: line_column(match then {
                CaseValue::Expr(expr) => expr.pos,
                CaseValue::Outcome(outcome) => outcome.pos,
            }),
            file,
            condition_text: when.map(|w| w.text.trim().to_string()),
            conjuncts,
            uses,
            fields,
            reads_overridden,
        })
    }

    /// Splits a checked condition at its top-level `and`s, each part with its text and the
    /// fields and definitions of the entity it reads directly.
    pub(super) fn conjuncts(
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
    pub(super) fn direct_reads(&self, scope: Scope, expr: &Expr, out: &mut Vec<(String, Code)>) {
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
}

fn line_column(place: rules::Place) -> LineColumn {
    LineColumn {
        line: place.line,
        column: place.column,
    }
}
