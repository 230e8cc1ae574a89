//! Checking: overrides (their targets, precedence and overlap) and the schema's outputs.

use super::program::Output;
use super::types::{Facts, Overriding};
use crate::diag::{Diagnostic, DiagnosticCode};
use crate::lang::Type;
use crate::rules::Reports;
use crate::rules::{self, Scope};
use crate::suggest::did_you_mean;
use std::collections::HashMap;

use super::{Checker, DefId};

impl Checker<'_> {
    pub(super) fn compile_overrides(&mut self) {
        let mut by_target: HashMap<DefId, Vec<(i64, rules::Place, usize, &str)>> = HashMap::new();
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
                        DiagnosticCode::UnknownTarget,
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
                        DiagnosticCode::Conflict,
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
                self.overriding = Some(Overriding {
                    definition: id,
                    ty: ty.clone(),
                    priority: priority.value,
                    file: file_index,
                    collecting: matches!(self.definition_source(id).body, rules::Body::Collect(_)),
                });
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
                self.overriding = None;
                self.references[id].extend(references);
                let siblings = by_target.entry(id).or_default();
                if let Some((_, first, _, first_cite)) = siblings
                    .iter()
                    .find(|(p, _, f, _)| *p == priority.value && self.overlap(*f, file_index))
                {
                    let diagnostic = Diagnostic::error(
                        DiagnosticCode::Conflict,
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
    pub(super) fn overlap(&self, first: usize, second: usize) -> bool {
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
    pub(super) fn outputs(&mut self) -> (Vec<Output>, Vec<Output>) {
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
                    DiagnosticCode::UndefinedOutput,
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
}
