//! `wotrules test`: the rules' own tests, with branch coverage on request.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, emit, emit_error, fail, rules};
use crate::diag::{Diagnostic, render_styled};
use crate::ruletest::{Coverage, load_tests, run_test};
use crate::session::RulesFrom;

#[derive(Args)]
pub(super) struct TestArgs {
    /// The rules directory.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Only tests whose name or file contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Report the branches, rows and overrides no test exercised.
    #[arg(long)]
    coverage: bool,
}

pub(super) fn run(args: &TestArgs) -> Exit {
    let rules = match rules(&RulesFrom::Directory(args.rules.clone())) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let program = &rules.program;
    let files = match load_tests(&args.rules, program) {
        Ok(files) => files,
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            return Exit::BadInput;
        }
    };
    let filter = args.filter.as_deref();
    let mut coverage = args.coverage.then(|| Coverage::new(program));
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    for (file, cases) in files {
        for (test, case) in file.tests.iter().zip(cases) {
            let chosen = filter.is_none_or(|f| test.name.contains(f) || file.path.contains(f));
            if !chosen {
                continue;
            }
            match run_test(program, &file, test, case, coverage.as_mut()) {
                Ok(failures) if failures.is_empty() => passed += 1,
                Ok(failures) => {
                    failed += 1;
                    for failure in failures {
                        out.push_str(&format!(
                            "{}: test `{}`: {}\n",
                            failure.at, failure.test, failure.message
                        ));
                    }
                }
                Err(diagnostic) => {
                    emit(&out);
                    return fail(&diagnostic, Exit::BadInput);
                }
            }
        }
    }
    if let Some(filter) = filter.filter(|_| passed + failed == 0) {
        emit(&out);
        return fail(
            &Diagnostic::error("no-tests", format!("no rule test matches `{filter}`"))
                .help("`--filter` keeps the tests whose name or file contains its text"),
            Exit::BadInput,
        );
    }
    if let Some(coverage) = &coverage {
        out.push_str(&coverage.report(program));
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    emit(&out);
    if failed > 0 {
        Exit::RuleErrors
    } else {
        Exit::Success
    }
}
