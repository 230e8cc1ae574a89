//! `wotrules test`: the rules' own tests, with branch coverage on request, as text, JSON or
//! JUnit XML.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{Exit, emit, emit_error, fail, rules};
use wotrules_core::diag::{Diagnostic, DiagnosticCode, render_styled};
use wotrules_features::ruletest::{Suite, load_tests, render};
use wotrules_session::RulesFrom;

#[derive(Args)]
pub(super) struct TestArgs {
    /// The rules directory.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Lay a draft rule file (or a folder of them) over the rules: it adds definitions and
    /// overrides, or replaces the rule file with its id; every output it decides is marked
    /// DRAFT (may be given more than once).
    #[arg(long, value_name = "PATH")]
    pub(super) draft: Vec<PathBuf>,
    /// Only tests whose name or file contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Report the branches, rows and overrides no test exercised.
    #[arg(long)]
    coverage: bool,
    /// Fail (exit 1) when branch coverage is below this percentage (0–100).
    #[arg(long, value_name = "PERCENT", requires = "coverage", value_parser = parse_percent)]
    threshold: Option<f64>,
    /// The report's form: text for a person, JSON for a program, JUnit XML for a CI system.
    #[arg(long, value_enum, default_value = "text")]
    format: TestFormat,
    /// List every test with its result, not only the failures (text).
    #[arg(short, long)]
    verbose: bool,
    /// Run again on every save under the rules directory (Ctrl-C ends).
    #[arg(long)]
    watch: bool,
}

/// The forms of a test report.
#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum TestFormat {
    /// Plain text for a terminal.
    Text,
    /// One JSON document.
    Json,
    /// JUnit XML, as CI systems read test results.
    Junit,
}

/// The tests of drafts: a draft folder's `tests/`, or for a draft file the test file of
/// its name in the `tests/` beside it (`drafts/x/b.yaml` → `drafts/x/tests/b.yaml`). The
/// rules' own tests expect the rules as adopted, which a draft changes on purpose.
fn draft_tests(
    drafts: &[PathBuf],
    program: &wotrules_core::check::Program,
) -> Result<
    Vec<(
        wotrules_features::ruletest::TestFile,
        Vec<wotrules_core::data::Rows>,
    )>,
    Vec<Diagnostic>,
> {
    let mut all = Vec::new();
    for draft in drafts {
        let (folder, stem) = match draft.is_dir() {
            true => (draft.clone(), None),
            false => (
                draft.parent().map(PathBuf::from).unwrap_or_default(),
                draft.file_stem().map(|s| s.to_string_lossy().into_owned()),
            ),
        };
        let files = load_tests(&folder, program)?;
        let before = all.len();
        all.extend(files.into_iter().filter(|(file, _)| {
            stem.as_ref().is_none_or(|stem| {
                std::path::Path::new(&file.path)
                    .file_stem()
                    .is_some_and(|s| s.to_string_lossy() == *stem)
            })
        }));
        if all.len() == before {
            return Err(vec![Diagnostic::input_error(
                DiagnosticCode::NoTests,
                format!("{}: a draft without rule tests", draft.display()),
            )
            .help("write them in the `tests/` folder beside the draft, a file of the draft's name")]);
        }
    }
    Ok(all)
}

fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').trim().parse::<f64>() {
        Ok(percent) if (0.0..=100.0).contains(&percent) => Ok(percent),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

pub(super) fn run(args: &TestArgs) -> Exit {
    if args.watch {
        return super::watch::watch(&args.rules, || run_once(args));
    }
    run_once(args)
}

/// One run of the rule tests, reported.
fn run_once(args: &TestArgs) -> Exit {
    let rules = match rules(&RulesFrom::Directory(args.rules.clone()).with_drafts(&args.draft)) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let program = &rules.program;
    let loaded = match args.draft.as_slice() {
        [] => load_tests(&args.rules, program),
        drafts => draft_tests(drafts, program),
    };
    let files = match loaded {
        Ok(files) => files,
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            return Exit::BadInput;
        }
    };
    let filter = args.filter.as_deref();
    let suite = match Suite::run(
        program,
        &rules.root,
        files,
        filter,
        args.coverage,
        args.threshold,
    ) {
        Ok(suite) => suite,
        Err(diagnostic) => return fail(&diagnostic, Exit::BadInput),
    };
    if let Some(filter) = filter.filter(|_| suite.outcomes.is_empty()) {
        return fail(
            &Diagnostic::error(
                DiagnosticCode::NoTests,
                format!("no rule test matches `{filter}`"),
            )
            .help("`--filter` keeps the tests whose name or file contains its text"),
            Exit::BadInput,
        );
    }
    emit(&match args.format {
        TestFormat::Text => render::text(&suite, args.verbose),
        TestFormat::Json => render::json(&suite),
        TestFormat::Junit => render::junit(&suite),
    });
    if suite.passed() {
        Exit::Success
    } else {
        Exit::RuleErrors
    }
}
