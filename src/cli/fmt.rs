//! `wotrules fmt`: the rule files in canonical form, rewritten in place or checked.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{Exit, emit, fail};
use wotrules_core::diag::{Diagnostic, DiagnosticCode, Location};
use wotrules_features::fmt::format_rule_file;
use wotrules_store::{Replaces, Target, rule_sources, write_file};

#[derive(Args)]
pub(super) struct FmtArgs {
    /// The rules directory (its rule files; `schema.yaml` and `tests/` are left as written).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Change nothing: list the files not in canonical form and exit 1 if there are any.
    #[arg(long, conflicts_with = "diff")]
    check: bool,
    /// Change nothing: print what formatting would change, as a unified diff (exit 1 if
    /// anything would).
    #[arg(long)]
    diff: bool,
}

pub(super) fn run(args: &FmtArgs) -> Exit {
    let sources = match rule_sources(&args.rules) {
        Ok(sources) => sources,
        Err(diagnostics) => {
            for diagnostic in &diagnostics {
                fail(diagnostic, Exit::BadInput);
            }
            return Exit::BadInput;
        }
    };
    let mut changed = Vec::new();
    let mut refused = false;
    for file in &sources.rule_files {
        match format_rule_file(&file.text) {
            Ok(formatted) if formatted == file.text => {}
            Ok(formatted) => {
                if args.diff {
                    emit(&unified_diff(&file.path, &file.text, &formatted));
                } else if !args.check
                    && let Err(diagnostic) = replace(Path::new(&file.path), &formatted)
                {
                    fail(&diagnostic, Exit::BadInput);
                    refused = true;
                    continue;
                }
                changed.push((file.path.clone(), first_difference(&file.text, &formatted)));
            }
            Err(why) => {
                refused = true;
                let diagnostic = Diagnostic::error(
                    DiagnosticCode::NotFormatted,
                    format!("{} is left as it is: {}", file.name, why.message),
                )
                .help("format it by hand; `wotrules check` says whether it is a valid rule file");
                let diagnostic = if why.line > 0 {
                    diagnostic.at(Location::in_text(&file.path, &file.text, why.line, 1, 1))
                } else {
                    diagnostic
                };
                fail(&diagnostic, Exit::BadInput);
            }
        }
    }
    let verb = if args.check || args.diff {
        "not formatted"
    } else {
        "formatted"
    };
    let listed: String = changed
        .iter()
        .map(|(path, (line, written))| match args.check {
            true => format!("{verb}: {path}:{line}: {written}\n"),
            false => format!("{verb}: {path}\n"),
        })
        .collect();
    let summary = format!(
        "{listed}{} of {} rule files {verb}\n",
        changed.len(),
        sources.rule_files.len()
    );
    // After a diff the summary goes to standard error: the diff stays a patch.
    if args.diff {
        super::emit_error(&summary);
    } else {
        emit(&summary);
    }
    if refused {
        Exit::BadInput
    } else if (args.check || args.diff) && !changed.is_empty() {
        Exit::RuleErrors
    } else {
        Exit::Success
    }
}

/// The first line where `written` and `canonical` differ: its number and the line as
/// written (`(end of file)` when the written text is shorter).
fn first_difference(written: &str, canonical: &str) -> (usize, String) {
    let mut canonical_lines = canonical.lines();
    for (index, line) in written.lines().enumerate() {
        if canonical_lines.next() != Some(line) {
            return (index + 1, line.trim().to_owned());
        }
    }
    (written.lines().count() + 1, "(end of file)".to_owned())
}

/// What formatting changes in `path`, as a unified diff (`a/` before, `b/` after, as git
/// writes a relative path; an absolute path as it is).
fn unified_diff(path: &str, written: &str, canonical: &str) -> String {
    let (before, after) = match Path::new(path).is_absolute() {
        true => (path.to_owned(), path.to_owned()),
        false => (format!("a/{path}"), format!("b/{path}")),
    };
    similar::TextDiff::from_lines(written, canonical)
        .unified_diff()
        .context_radius(3)
        .header(&before, &after)
        .to_string()
}

/// Writes `text` over the rule file at `path` (through a link, to the file it names, the
/// link kept), by a unique temporary beside it renamed into place with its mode and owner.
fn replace(path: &Path, text: &str) -> Result<(), Diagnostic> {
    let target = Target::check(path, Replaces::AnyFile)?;
    write_file(target, text.as_bytes()).map_err(|e| {
        Diagnostic::input_error(DiagnosticCode::Io, format!("{}: {e}", path.display()))
            .help("the file is left as it was: check its directory's permissions and the disk")
    })
}
