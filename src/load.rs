//! Loading a program: the rule files of a directory or a git revision, read by [`store`],
//! loaded by [`rules`], checked by [`check`] — the one way every command gets its rules;
//! and the rule tests beside them.
//!
//! [`store`]: crate::store
//! [`rules`]: crate::rules
//! [`check`]: crate::check

use std::path::Path;

use crate::check::{Program, check};
use crate::diag::Diagnostic;
use crate::rules::{RuleSources, load_rule_set};
use crate::ruletest::{CaseSource, TestFile, read_test_file};
use crate::store::{
    CaseFile, RULE_TESTS_FOLDER, read_case, read_text, rule_sources, yaml_files_under,
};

/// The checked program of the rules in `dir` and its warnings, or every diagnostic that
/// stopped it (their [`crate::diag::Kind`] says whether the rules or the input are at fault).
pub fn load_program(dir: &Path) -> Result<(Program, Vec<Diagnostic>), Vec<Diagnostic>> {
    check_sources(rule_sources(dir))
}

/// The checked program of rule sources already read (or the errors of reading them).
pub fn check_sources(
    sources: Result<RuleSources, Vec<Diagnostic>>,
) -> Result<(Program, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (set, mut diagnostics) = load_rule_set(sources?);
    let (program, check_diagnostics) = check(&set);
    diagnostics.extend(check_diagnostics);
    match program {
        Some(program) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok((program, diagnostics))
        }
        _ => Err(diagnostics),
    }
}

/// Every rule test under `RULES/tests/` with the case of each test, or every problem of
/// the test files and their cases.
pub fn load_rule_tests(
    rules: &Path,
    program: &Program,
) -> Result<Vec<(TestFile, Vec<CaseFile>)>, Vec<Diagnostic>> {
    let folder = rules.join(RULE_TESTS_FOLDER);
    if !folder.is_dir() {
        return Err(vec![
            Diagnostic::input_error("io", format!("{}: no rule tests here", folder.display()))
                .help(
                    "write rule tests as `*.yaml` files in the rules directory's `tests/` folder",
                ),
        ]);
    }
    let paths = yaml_files_under(&folder)?;
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let file = read_text(&path)
            .map_err(|e| vec![e])
            .and_then(|text| read_test_file(&path, &text, program));
        let file = match file {
            Ok(file) => file,
            Err(diagnostics) => {
                errors.extend(diagnostics);
                continue;
            }
        };
        let mut cases = Vec::new();
        for test in &file.tests {
            let case = match &test.case {
                CaseSource::Path(path, at) => read_text(path)
                    .map_err(|e| vec![e])
                    .and_then(|text| read_case(&path.display().to_string(), &text))
                    .map_err(|diagnostics| {
                        diagnostics
                            .into_iter()
                            .map(|d| match d.location {
                                None => d.at(at.clone()),
                                Some(_) => d,
                            })
                            .collect()
                    }),
                CaseSource::Inline { path, text } => read_case(path, text),
            };
            match case {
                Ok(case) => cases.push(case),
                Err(diagnostics) => errors.extend(diagnostics),
            }
        }
        files.push((file, cases));
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}
