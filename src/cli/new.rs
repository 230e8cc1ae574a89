//! `wotrules new case|test|rules`: commented files to start from, which check and pass as
//! written. A new file never replaces one that exists.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{Exit, emit, emit_error, exit_for, fail, rules};
use wotrules_core::diag::{Diagnostic, DiagnosticCode, render_styled};
use wotrules_core::eval::{Decisions, Explain, Selection, decide};
use wotrules_core::lang::Value;
use wotrules_session::RulesFrom;
use wotrules_store::{Replaces, Target, read_case, write_file};

/// The case `new case` writes (and `new test` embeds without `--case`): example data, kept
/// in `examples/new/` beside the other examples and built into the binary.
const CASE: &str = include_str!("../../examples/new/case.yaml");

#[derive(Args)]
pub(super) struct NewArgs {
    #[command(subcommand)]
    what: New,
}

#[derive(Subcommand)]
enum New {
    /// A case file: members and notary rows as of a date, each field explained.
    Case {
        /// The file to write (it must not exist).
        file: PathBuf,
    },
    /// A rule test: a case and every output the rules decide for it today, to review and
    /// keep (put it in RULES/tests/ for `wotrules test` to run it).
    Test {
        /// The file to write (it must not exist).
        file: PathBuf,
        /// The case to test (a path written relative to the test file); without it, the
        /// case of `new case`, inline.
        #[arg(long)]
        case: Option<PathBuf>,
        /// The rules whose decisions are expected.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
    },
    /// A rule set to edit: a copy of RULES (schema, rule files, tests, REFERENCE.md) with a
    /// commented starter rule file, for `wotrules diff --base RULES --rules DIR`.
    Rules {
        /// The directory to create (it must not exist).
        dir: PathBuf,
        /// The rules to start from.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
    },
}

/// The starter rule file of `new rules`.
const STARTER: &str = include_str!("../../examples/new/starter.yaml");

pub(super) fn run(args: &NewArgs) -> Exit {
    match &args.what {
        New::Case { file } => match write_new(file, CASE) {
            Ok(()) => done(
                file,
                "a case file",
                &format!(
                    "wotrules eval --case {} --member 1 --explain",
                    file.display()
                ),
            ),
            Err(exit) => exit,
        },
        New::Test { file, case, rules } => new_test(file, case.as_deref(), rules),
        New::Rules { dir, rules } => new_rules(dir, rules),
    }
}

/// Writes `text` to `path`, which must not exist.
fn write_new(path: &Path, text: &str) -> Result<(), Exit> {
    let target = Target::check(path, Replaces::Nothing).map_err(|d| fail(&d, Exit::BadInput))?;
    write_file(target, text.as_bytes()).map_err(|error| {
        fail(
            &Diagnostic::input_error(DiagnosticCode::Io, format!("{}: {error}", path.display()))
                .help("nothing was written: check the directory exists and may be written"),
            Exit::BadInput,
        )
    })
}

fn done(path: &Path, what: &str, next: &str) -> Exit {
    emit(&format!("wrote {what}: {}\nnext: {next}\n", path.display()));
    Exit::Success
}

fn new_test(file: &Path, case: Option<&Path>, rules_dir: &Path) -> Exit {
    let rules = match rules(&RulesFrom::Directory(rules_dir.to_path_buf())) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let (shown, text) = match case {
        None => (
            "the case of `wotrules new case`".to_owned(),
            CASE.to_owned(),
        ),
        Some(case) => {
            // As the test will read it: relative to the test file's folder.
            let base = file.parent().unwrap_or(Path::new(""));
            let path = base.join(case);
            match std::fs::read_to_string(&path) {
                Ok(text) => (path.display().to_string(), text),
                Err(error) => {
                    return fail(
                        &Diagnostic::input_error(
                            DiagnosticCode::Io,
                            format!("{}: {error}", path.display()),
                        )
                        .help(
                            "`--case` is written relative to the test file, as the test names it",
                        ),
                        Exit::BadInput,
                    );
                }
            }
        }
    };
    let decided = read_case(&shown, &text).and_then(|rows| {
        let as_of = wotrules_session::as_of_for(None, &rows);
        let data = rows.dataset(as_of).map_err(|e| vec![e])?;
        Ok(decide(
            &rules.program,
            &data,
            Selection::All,
            &Explain::Nothing,
        ))
    });
    let decisions = match decided {
        Ok(decisions) => decisions,
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            return exit_for(&diagnostics);
        }
    };
    if decisions.has_errors() {
        emit_error("error: some outputs of the case could not be evaluated: see `wotrules eval`\n");
        return Exit::RuleErrors;
    }
    let case_entry = match case {
        Some(case) => format!("    case: {}\n", case.display()),
        // The template without its opening comment (which is about the file).
        None => format!(
            "    case:\n{}",
            indented(CASE.split_once("\n\n").map_or(CASE, |(_, rest)| rest), 6)
        ),
    };
    let text = format!(
        "# A rule test, written by `wotrules new test`: what {rules} decides for\n\
         # {shown}.\n\
         # Review every expected value against the policy before keeping it: a test pins what\n\
         # the rules decide, right or wrong. Remove the outputs a test is not about.\n\
         tests:\n  - name: {name}\n{case_entry}    expect:\n{expect}",
        rules = rules_dir.display(),
        name = file.file_stem().map_or("my test".into(), |s| s
            .to_string_lossy()
            .replace(['-', '_'], " ")),
        expect = expectations(&decisions),
    );
    match write_new(file, &text) {
        Ok(()) => done(
            file,
            "a rule test",
            &format!(
                "wotrules test --rules {} --filter {}",
                rules_dir.display(),
                file.file_stem()
                    .map_or(String::new(), |s| s.to_string_lossy().into_owned())
            ),
        ),
        Err(exit) => exit,
    }
}

/// `members:` and `records:` with every output decided, one entity a line.
fn expectations(decisions: &Decisions) -> String {
    let mut out = String::new();
    for (title, entities) in [
        ("members", &decisions.members),
        ("records", &decisions.records),
    ] {
        if entities.is_empty() {
            continue;
        }
        out.push_str(&format!("      {title}:\n"));
        for entity in entities {
            let outputs: Vec<String> = entity
                .outputs
                .iter()
                .filter_map(|(name, value)| Some(format!("{name}: {}", yaml(value.as_ref().ok()?))))
                .collect();
            out.push_str(&format!(
                "        {}: {{{}}}\n",
                entity.id,
                outputs.join(", ")
            ));
        }
    }
    out
}

/// A value as YAML flow writes it.
fn yaml(value: &Value) -> String {
    match value {
        Value::Text(text) => serde_json::to_string(&**text).unwrap_or_default(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(yaml).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

fn indented(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|line| match line.is_empty() {
            true => "\n".to_owned(),
            false => format!("{pad}{line}\n"),
        })
        .collect()
}

fn new_rules(dir: &Path, from: &Path) -> Exit {
    if std::fs::symlink_metadata(dir).is_ok() {
        return fail(
            &Diagnostic::input_error(
                DiagnosticCode::Io,
                format!("{}: already exists", dir.display()),
            )
            .help("name a directory that does not exist yet; nothing was written"),
            Exit::BadInput,
        );
    }
    // The rules must check before they are copied: a copy of broken rules starts nothing.
    if let Err(exit) = rules(&RulesFrom::Directory(from.to_path_buf())) {
        return exit;
    }
    if let Err(error) = copy_tree(from, dir) {
        let _ = std::fs::remove_dir_all(dir);
        return fail(
            &Diagnostic::input_error(DiagnosticCode::Io, format!("{}: {error}", dir.display()))
                .help("nothing was kept: check the directory may be written"),
            Exit::BadInput,
        );
    }
    let starter = dir.join("motions").join("my-motion.yaml");
    if let Err(exit) = std::fs::create_dir_all(dir.join("motions"))
        .map_err(|_| Exit::BadInput)
        .and_then(|()| write_new(&starter, STARTER))
    {
        let _ = std::fs::remove_dir_all(dir);
        return exit;
    }
    done(
        dir,
        "a rule set",
        &format!(
            "edit {}, then: wotrules check --rules {0} && wotrules test --rules {0} && wotrules diff --base {} --rules {0} --case …",
            dir.display(),
            from.display()
        ),
    )
}

/// Copies the regular files and folders under `from` into a new `to` (links and anything
/// else are left out: a copy never follows a link out of the rule set).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
