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
    #[arg(long)]
    check: bool,
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
                if !args.check
                    && let Err(diagnostic) = replace(Path::new(&file.path), &formatted)
                {
                    fail(&diagnostic, Exit::BadInput);
                    refused = true;
                    continue;
                }
                changed.push(file.path.clone());
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
    let verb = if args.check {
        "not formatted"
    } else {
        "formatted"
    };
    let listed: String = changed.iter().map(|p| format!("{verb}: {p}\n")).collect();
    emit(&format!(
        "{listed}{} of {} rule files {verb}\n",
        changed.len(),
        sources.rule_files.len()
    ));
    if refused {
        Exit::BadInput
    } else if args.check && !changed.is_empty() {
        Exit::RuleErrors
    } else {
        Exit::Success
    }
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
