//! Branch coverage: which conditions, rows and overrides the tests exercised.
//!
//! Computed from the clause that decided each definition for each entity: the
//! deciding row held, the rows before it were tried and failed, and so did every
//! override in force ranked above it. No instrumentation of the evaluator.

use wotrules_core::check::program::{Body, Program, Rule};
use wotrules_core::eval::{Decision, Evaluation};
use wotrules_core::lang::Scope;

/// One branch point: a condition (true and false wanted) or an unconditional clause (reached).
#[derive(Debug, Clone)]
struct Branch {
    file: usize,
    at: String,
    what: String,
    conditional: bool,
    seen_true: bool,
    seen_false: bool,
}

/// Which branches of a program the tests run so far exercised.
#[derive(Debug, Clone)]
pub struct Coverage {
    branches: Vec<Branch>,
    /// Per definition: index of its first override branch and of its first body branch.
    starts: Vec<(usize, usize)>,
}

impl Coverage {
    /// No branch exercised yet.
    pub(crate) fn new(program: &Program) -> Self {
        let mut branches = Vec::new();
        let mut starts = Vec::new();
        let add = |rule: &Rule, what: String, branches: &mut Vec<Branch>| {
            branches.push(Branch {
                file: rule.file,
                at: rule.at.clone(),
                what,
                conditional: rule.when.is_some(),
                seen_true: false,
                seen_false: false,
            });
        };
        for definition in &program.definitions {
            let name = &definition.name;
            let overrides = branches.len();
            for (priority, rule) in &definition.overrides {
                add(
                    rule,
                    format!("override of `{name}`, priority {priority}"),
                    &mut branches,
                );
            }
            let body = branches.len();
            match &definition.body {
                Body::Value(rule) => add(rule, format!("value of `{name}`"), &mut branches),
                Body::Cases(rules) | Body::Collect(rules) => {
                    for (index, rule) in rules.iter().enumerate() {
                        let what = format!("row {} of {} of `{name}`", index + 1, rules.len());
                        add(rule, what, &mut branches);
                    }
                }
            }
            starts.push((overrides, body));
        }
        Self { branches, starts }
    }

    /// Evaluates every definition for every entity and records which branches went which way.
    pub(crate) fn record(&mut self, evaluation: &mut Evaluation) {
        let program = evaluation.program();
        let data = evaluation.data();
        for (id, definition) in program.definitions.iter().enumerate() {
            let count = match definition.scope {
                Scope::Member => data.members.len(),
                Scope::Record => data.records.len(),
            };
            let (overrides, body) = self.starts[id];
            for entity in 0..count {
                let _ = evaluation.value(id, entity);
                let Some(decision) = evaluation.decision(id, entity).cloned() else {
                    continue;
                };
                let override_in_force: Vec<bool> = definition
                    .overrides
                    .iter()
                    .map(|(_, rule)| evaluation.in_force(rule.file))
                    .collect();
                let tried_overrides = |upto: usize, held: &[usize], this: &mut Self| {
                    for (k, in_force) in override_in_force.iter().enumerate().take(upto) {
                        if *in_force {
                            this.saw(overrides + k, held.contains(&k));
                        }
                    }
                };
                match &decision {
                    Decision::Override(k) => tried_overrides(*k + 1, &[*k], self),
                    Decision::Collected(matched) => {
                        let (rows, held) = matched.as_deref().cloned().unwrap_or_default();
                        let (rows, held) = (&rows, &held);
                        tried_overrides(override_in_force.len(), held, self);
                        let count = match &definition.body {
                            Body::Collect(rules) => rules.len(),
                            _ => 0,
                        };
                        for row in 0..count {
                            self.saw(body + row, rows.contains(&row));
                        }
                    }
                    Decision::Case(row) => {
                        tried_overrides(override_in_force.len(), &[], self);
                        for earlier in 0..*row {
                            self.saw(body + earlier, false);
                        }
                        self.saw(body + row, true);
                    }
                    Decision::Value => {
                        tried_overrides(override_in_force.len(), &[], self);
                        if matches!(definition.body, Body::Value(_)) {
                            self.saw(body, true);
                        }
                    }
                    Decision::NotInForce => tried_overrides(override_in_force.len(), &[], self),
                }
            }
        }
    }

    /// Every branch: its clause (`path:line` as rules cite it), whether it has a condition,
    /// and whether it was seen to hold and not to.
    pub(crate) fn branches(&self) -> impl Iterator<Item = (&str, bool, bool, bool)> {
        self.branches
            .iter()
            .map(|b| (b.at.as_str(), b.conditional, b.seen_true, b.seen_false))
    }

    fn saw(&mut self, branch: usize, outcome: bool) {
        let branch = &mut self.branches[branch];
        if outcome {
            branch.seen_true = true;
        } else {
            branch.seen_false = true;
        }
    }

    /// Per rule file of the program: covered and total branch outcomes, and every outcome
    /// never seen.
    pub(crate) fn files(&self, program: &Program) -> Vec<FileCoverage> {
        program
            .files
            .iter()
            .enumerate()
            .map(|(file, info)| {
                let mine: Vec<&Branch> = self.branches.iter().filter(|b| b.file == file).collect();
                let (covered, total) = count(mine.iter().copied());
                let gaps = mine
                    .into_iter()
                    .filter_map(|branch| {
                        let missing =
                            missing(branch.conditional, branch.seen_true, branch.seen_false)?;
                        // The file as the rules folder was given, as failures name it.
                        let line = branch.at.rsplit_once(':').map_or("0", |(_, line)| line);
                        Some(Gap {
                            at: format!("{}:{line}", info.path),
                            what: branch.what.clone(),
                            missing,
                        })
                    })
                    .collect();
                FileCoverage {
                    path: info.path.clone(),
                    covered,
                    total,
                    gaps,
                }
            })
            .collect()
    }
}

/// The coverage of one rule file.
#[derive(Debug, Clone)]
pub struct FileCoverage {
    /// The rule file, as shown in messages.
    pub path: String,
    /// Branch outcomes the tests exercised.
    pub covered: usize,
    /// Branch outcomes there are (a condition counts two, a plain clause one).
    pub total: usize,
    /// The outcomes never seen.
    pub gaps: Vec<Gap>,
}

/// A branch outcome no test exercised.
#[derive(Debug, Clone)]
pub struct Gap {
    /// `path:line` of the clause.
    pub at: String,
    /// Which clause: "row 2 of 4 of `level`", "override of `reapply`, priority 10".
    pub what: String,
    /// "never reached", "never tried", "never true" or "never false".
    pub missing: &'static str,
}

/// What the tests never saw of a branch: "never reached" (a clause without a condition),
/// "never tried", "never true" or "never false"; `None` when it is covered.
pub(crate) fn missing(
    conditional: bool,
    seen_true: bool,
    seen_false: bool,
) -> Option<&'static str> {
    match (conditional, seen_true, seen_false) {
        (false, false, _) => Some("never reached"),
        (true, false, false) => Some("never tried"),
        (true, false, true) => Some("never true"),
        (true, true, false) => Some("never false"),
        _ => None,
    }
}

/// Covered outcomes as a percentage of all (100 when there are none).
pub(crate) fn ratio(covered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    }
}

fn count<'a>(branches: impl Iterator<Item = &'a Branch>) -> (usize, usize) {
    branches.fold((0, 0), |(covered, total), b| {
        if b.conditional {
            (
                covered + b.seen_true as usize + b.seen_false as usize,
                total + 2,
            )
        } else {
            (covered + b.seen_true as usize, total + 1)
        }
    })
}
