//! Checking the definition graph: cycles, rows an earlier row shadows, definitions nothing
//! uses.

use super::program::Output;
use crate::diag::{Diagnostic, DiagnosticCode};
use crate::rules::{self, ExprSource};

use super::{Checker, DefId};

impl Checker<'_> {
    /// Reports each cycle of the definition graph once.
    pub(super) fn cycles(&mut self) {
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

    pub(super) fn definition_source(&self, id: DefId) -> &rules::Definition {
        let (file, index) = self.positions[id];
        &self.set.rule_files[file].definitions[index]
    }

    pub(super) fn report_cycle(&mut self, cycle: &[DefId]) {
        let name = |id: DefId| {
            let d = self.definition_source(id);
            format!("{}.{}", d.scope.name(), d.name.value)
        };
        let mut chain: Vec<String> = cycle.iter().map(|id| name(*id)).collect();
        chain.push(name(cycle[0]));
        let first = self.definition_source(cycle[0]);
        let mut diagnostic = Diagnostic::error(
            DiagnosticCode::Cycle,
            format!(
                "definitions depend on each other in a cycle: {}",
                chain.join(" → ")
            ),
        )
        .at(self
            .set
            .location(first.name.pos, first.name.value.chars().count()))
        .help(if cycle.len() == 1 {
            "a definition cannot read itself; an override that needs the value it replaces reads it as `overridden`"
        } else {
            "one of them must be computed without the others"
        });
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
    pub(super) fn shadowed_rows(&mut self, cases: &[rules::Case]) {
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
                    DiagnosticCode::Shadowed,
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
    pub(super) fn unused(
        &mut self,
        outputs: &(Vec<Output>, Vec<Output>),
        used_by_features: &[DefId],
    ) {
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
                DiagnosticCode::Unused,
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
