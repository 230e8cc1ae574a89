//! Rule tests: cases with the outputs they must produce, and the branches they exercise.
//!
//! A test file (`rules/tests/*.yaml`) lists tests; each names a case (a case-file path,
//! relative to the test file, or an inline case), an optional `as_of`, and the outputs it
//! expects for chosen members and records. Only the outputs named are compared.

mod coverage;
mod load;
pub mod render;
mod suite;

use std::path::PathBuf;

use chrono::NaiveDate;

pub use coverage::{Coverage, FileCoverage, Gap};
pub use load::{CASES_FOLDER, load_tests, read_test_file};
pub use suite::{Exercised, Outcome, Suite, exercised};

use wotrules_core::check::Program;
use wotrules_core::data::Rows;
use wotrules_core::diag::{Diagnostic, DiagnosticCode, Location};
use wotrules_core::eval::Evaluation;
use wotrules_core::lang::Scope;
use wotrules_core::lang::Value;

/// One test file.
#[derive(Debug, Clone)]
pub struct TestFile {
    /// Path, as shown in messages.
    pub path: String,
    /// Its tests, in file order.
    pub tests: Vec<RuleTest>,
}

/// One test: a case and what it must decide.
#[derive(Debug, Clone)]
pub struct RuleTest {
    /// What the test shows.
    pub name: String,
    /// Line of the test in its file.
    pub line: usize,
    /// Where the case is.
    pub case: CaseSource,
    /// The date evaluated, when the test sets one (else the case's).
    pub as_of: Option<NaiveDate>,
    /// The outputs expected.
    pub expectations: Vec<Expectation>,
}

/// Where a test's case is.
#[derive(Debug, Clone)]
pub enum CaseSource {
    /// A case file (relative to the test file), and where the test names it.
    Path(PathBuf, Location),
    /// A case written in the test: its text, line for line with the test file.
    Inline {
        /// The test file.
        path: String,
        /// The test file's text with everything but the case blanked.
        text: String,
    },
}

/// One expected output (or value of another definition, such as a mailing's selection).
#[derive(Debug, Clone)]
pub struct Expectation {
    /// Member or record output.
    pub scope: Scope,
    /// Member or notary id.
    pub entity: i64,
    /// Output (or definition) name.
    pub output: String,
    /// The definition computing it.
    pub definition: wotrules_core::check::DefId,
    /// The value expected.
    pub expected: Expected,
    /// Line of the expectation.
    pub line: usize,
    /// Column of the expectation.
    pub column: usize,
}

/// An expected value, checked against the output's type when the test file was read.
pub(crate) type Expected = Value;

fn show(value: &Value) -> String {
    match value {
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|item| item.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// An expectation that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// `path:line:col` of the expectation.
    pub at: String,
    /// The test's name.
    pub test: String,
    /// What was expected, what came out, and the clause that decided it.
    pub message: String,
}

/// Runs one test on its case: the expectations that failed (empty when it passed).
///
/// A test whose date is unknown (neither it nor its case sets `as_of`) is malformed:
/// tests must not depend on the day they run.
pub(crate) fn run_test(
    program: &Program,
    root: &str,
    file: &TestFile,
    test: &RuleTest,
    case: Rows,
    coverage: Option<&mut Coverage>,
) -> Result<Vec<Failure>, Diagnostic> {
    let Some(as_of) = test.as_of.or(case.as_of) else {
        return Err(Diagnostic::error(
            DiagnosticCode::BadTestFile,
            format!(
                "test `{}` has no date: neither it nor its case sets `as_of`",
                test.name
            ),
        )
        .at(Location::bare(&file.path, test.line, 1))
        .help("add `as_of: YYYY-MM-DD` to the test"));
    };
    let data = case.dataset(as_of)?;
    let mut evaluation = Evaluation::new(program, &data);
    // An entity missing from the case is one failure, however many of its outputs are expected.
    let mut missing: Vec<(Scope, i64)> = Vec::new();
    let mut failures = Vec::new();
    for expectation in &test.expectations {
        let key = (expectation.scope, expectation.entity);
        if missing.contains(&key) {
            continue;
        }
        if entity_index(&evaluation, expectation).is_none() {
            missing.push(key);
        }
        if let Some((expectation, message)) = check_expectation(&mut evaluation, expectation, root)
        {
            failures.push(Failure {
                at: format!("{}:{}:{}", file.path, expectation.line, expectation.column),
                test: test.name.clone(),
                message,
            });
        }
    }
    if let Some(coverage) = coverage {
        coverage.record(&mut evaluation);
    }
    Ok(failures)
}

/// The index of the member or record an expectation is about, when the case has it.
fn entity_index(evaluation: &Evaluation, expectation: &Expectation) -> Option<usize> {
    let data = evaluation.data();
    match expectation.scope {
        Scope::Member => data
            .members
            .iter()
            .position(|m| m.evaluated && m.row.id == expectation.entity),
        Scope::Record => data.records.iter().position(|r| r.id == expectation.entity),
    }
}

/// Where a wrong value came from, as `diff` names the rule responsible: the clause that
/// decided the output, then — while exactly one definition it read has that same value — the
/// clause that decided that one, down to the rule the value comes from, with its cite.
/// Paths are the rules folder as given (`root`) and the rule file.
fn origin(node: &wotrules_core::eval::TraceNode, value: &Value, root: &str) -> String {
    let place = |node: &wotrules_core::eval::TraceNode| {
        format!(
            "{} at {root}{}:{}",
            node.clause, node.location.rule_file, node.location.line
        )
    };
    let mut said = place(node);
    let mut current = node;
    loop {
        let mut same = current
            .because
            .iter()
            .filter(|child| &child.value == value && child.definition != current.definition);
        match (same.next(), same.next()) {
            (Some(child), None) => {
                said.push_str(&format!(
                    ", from {} = {}: {}",
                    child.definition,
                    show(value),
                    place(child)
                ));
                current = child;
            }
            _ => break,
        }
    }
    format!("{said}: {}", current.cite)
}

fn check_expectation<'e>(
    evaluation: &mut Evaluation,
    expectation: &'e Expectation,
    root: &str,
) -> Option<(&'e Expectation, String)> {
    let data = evaluation.data();
    let index = entity_index(evaluation, expectation);
    let subject = format!(
        "{} {} `{}`",
        expectation.scope.name(),
        expectation.entity,
        expectation.output
    );
    let Some(index) = index else {
        let why = match expectation.scope {
            Scope::Member => "is not a member listed in the case".to_string(),
            Scope::Record => format!("is not a record of the case as of {}", data.as_of),
        };
        return Some((
            expectation,
            format!("{} {} {why}", expectation.scope.name(), expectation.entity),
        ));
    };
    match evaluation.value(expectation.definition, index) {
        Ok(value) if expectation.expected == value => None,
        Ok(value) => {
            let node = evaluation.trace(expectation.definition, index);
            Some((
                expectation,
                format!(
                    "{subject}: expected {}, got {} ({})",
                    show(&expectation.expected),
                    show(&value),
                    origin(&node, &value, root)
                ),
            ))
        }
        Err(error) => Some((
            expectation,
            format!(
                "{subject}: expected {}, evaluation failed: {}",
                show(&expectation.expected),
                error
            ),
        )),
    }
}
