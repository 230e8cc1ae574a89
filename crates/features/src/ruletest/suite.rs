//! Running the tests of a rule set: each test's outcome, the coverage, the threshold.

use super::{Coverage, Failure, TestFile, run_test};
use wotrules_core::check::Program;
use wotrules_core::data::Rows;
use wotrules_core::diag::Diagnostic;

use super::coverage::{FileCoverage, ratio};

/// What one test did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The test file, as shown in messages.
    pub file: String,
    /// The test's name.
    pub name: String,
    /// Line of the test in its file.
    pub line: usize,
    /// The expectations that did not hold (empty when it passed).
    pub failures: Vec<Failure>,
}

/// Every chosen test's outcome, and the coverage when asked for.
#[derive(Debug, Clone)]
pub struct Suite {
    /// In file order, then test order.
    pub outcomes: Vec<Outcome>,
    /// Per rule file, when coverage was asked for.
    pub coverage: Option<Vec<FileCoverage>>,
    /// The least coverage in percent that passes, when one was set.
    pub threshold: Option<f64>,
}

impl Suite {
    /// Runs the tests whose name or file contains `filter` (all without one), recording
    /// coverage when asked. A test that cannot run (no date, a case that does not load)
    /// stops the run with its diagnostic.
    pub fn run(
        program: &Program,
        root: &str,
        files: Vec<(TestFile, Vec<Rows>)>,
        filter: Option<&str>,
        coverage: bool,
        threshold: Option<f64>,
    ) -> Result<Self, Diagnostic> {
        let mut recorder = (coverage || threshold.is_some()).then(|| Coverage::new(program));
        let mut outcomes = Vec::new();
        for (file, cases) in files {
            for (test, case) in file.tests.iter().zip(cases) {
                if !filter.is_none_or(|f| test.name.contains(f) || file.path.contains(f)) {
                    continue;
                }
                let failures = run_test(program, root, &file, test, case, recorder.as_mut())?;
                outcomes.push(Outcome {
                    file: file.path.clone(),
                    name: test.name.clone(),
                    line: test.line,
                    failures,
                });
            }
        }
        Ok(Self {
            outcomes,
            coverage: recorder.map(|recorder| recorder.files(program)),
            threshold,
        })
    }

    /// Tests passed and failed.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let failed = self
            .outcomes
            .iter()
            .filter(|o| !o.failures.is_empty())
            .count();
        (self.outcomes.len() - failed, failed)
    }

    /// Covered and total branch outcomes over every rule file, when coverage was recorded.
    pub(crate) fn coverage_totals(&self) -> Option<(usize, usize)> {
        self.coverage.as_ref().map(|files| {
            files
                .iter()
                .fold((0, 0), |(c, t), f| (c + f.covered, t + f.total))
        })
    }

    /// The coverage in percent, when recorded.
    pub(crate) fn coverage_percent(&self) -> Option<f64> {
        self.coverage_totals()
            .map(|(covered, total)| ratio(covered, total))
    }

    /// Whether the coverage falls below the threshold (false without one).
    pub(crate) fn below_threshold(&self) -> bool {
        match (self.threshold, self.coverage_percent()) {
            (Some(threshold), Some(percent)) => percent < threshold,
            _ => false,
        }
    }

    /// Every test passed and the coverage meets the threshold.
    pub fn passed(&self) -> bool {
        self.counts().1 == 0 && !self.below_threshold()
    }
}

impl Exercised {
    /// What no test saw of the clause ("never true"…), `None` when it is covered.
    pub fn missing(&self) -> Option<&'static str> {
        super::coverage::missing(self.conditional, self.seen_true, self.seen_false)
    }
}

/// What the rule tests did with one clause of the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exercised {
    /// The tests under which it held (decided), by name.
    pub tests: Vec<String>,
    /// Whether it has a condition (else it only needs reaching).
    pub conditional: bool,
    /// Whether any test made it hold.
    pub seen_true: bool,
    /// Whether any test saw it not hold.
    pub seen_false: bool,
}

/// Per clause (`path:line` as rules cite it): the tests that made it hold, and whether it was
/// seen to hold and not to (the rows a page marks never true or never false).
pub fn exercised(
    program: &Program,
    files: Vec<(TestFile, Vec<Rows>)>,
) -> Result<std::collections::BTreeMap<String, Exercised>, Diagnostic> {
    let mut clauses: std::collections::BTreeMap<String, Exercised> = Default::default();
    for (file, cases) in files {
        for (test, case) in file.tests.iter().zip(cases) {
            let mut coverage = Coverage::new(program);
            run_test(program, "", &file, test, case, Some(&mut coverage))?;
            for (at, conditional, seen_true, seen_false) in coverage.branches() {
                let clause = clauses.entry(at.to_owned()).or_default();
                clause.conditional = conditional;
                clause.seen_true |= seen_true;
                clause.seen_false |= seen_false;
                if seen_true && !clause.tests.contains(&test.name) {
                    clause.tests.push(test.name.clone());
                }
            }
        }
    }
    Ok(clauses)
}
