//! `wotrules check`: every problem of the rule set, as text or one JSON document.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, TextOrJson, emit, emit_error, exit_for};
use wotrules_core::diag::{Diagnostic, render_styled};
use wotrules_core::words::counted;
use wotrules_session::RulesFrom;

#[derive(Args)]
pub(super) struct CheckArgs {
    /// The rules directory.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// `text` for a person (coloured on a terminal unless NO_COLOR is set), `json` for
    /// CI and editors (on standard output: path, line, column, code, message, help).
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Lay a draft rule file (or a folder of them) over the rules: it adds definitions and
    /// overrides, or replaces the rule file with its id; every output it decides is marked
    /// DRAFT (may be given more than once).
    #[arg(long, value_name = "PATH")]
    pub(super) draft: Vec<PathBuf>,
    /// Warnings fail too (exit 1): for CI that keeps the rules free of them.
    #[arg(long)]
    strict: bool,
    /// Check again on every save under the rules directory (Ctrl-C ends).
    #[arg(long)]
    watch: bool,
}

pub(super) fn run(args: &CheckArgs) -> Exit {
    if args.watch {
        return super::watch::watch(&args.rules, || check(args));
    }
    check(args)
}

/// One check of the rule set, reported.
fn check(args: &CheckArgs) -> Exit {
    let (result, counts) = RulesFrom::Directory(args.rules.clone())
        .with_drafts(&args.draft)
        .check_counted();
    if let TextOrJson::Json = args.format {
        let diagnostics = match &result {
            Ok((_, warnings)) => warnings.as_slice(),
            Err(diagnostics) => diagnostics.as_slice(),
        };
        let document = serde_json::json!({
            "format": wotrules_features::report::JSON_FORMAT,
            "tool": concat!("wotrules ", env!("CARGO_PKG_VERSION")),
            "ok": result.is_ok() && !(args.strict && warned(&result)),
            "strict": args.strict,
            "rule_files": counts.rule_files,
            "definitions": counts.definitions,
            "diagnostics": diagnostics.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
        });
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        ));
        return match result {
            Ok(_) if args.strict && warned(&result) => Exit::RuleErrors,
            Ok(_) => Exit::Success,
            Err(diagnostics) => exit_for(&diagnostics),
        };
    }
    match result {
        Ok((_, warnings)) => {
            emit_error(&render_styled(&warnings));
            let files = format!(
                "{}, {}",
                counted(counts.rule_files, "rule file"),
                counted(counts.definitions, "definition"),
            );
            if warnings.is_empty() {
                emit(&format!("{files}: ok\n"));
                Exit::Success
            } else if args.strict {
                let warned = counted(warnings.len(), "warning");
                emit(&format!("{files}: {warned}, failed (--strict)\n"));
                Exit::RuleErrors
            } else {
                let warned = counted(warnings.len(), "warning");
                emit(&format!("{files}: ok, {warned}\n"));
                Exit::Success
            }
        }
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            emit_error(&format!("{}\n", counted(errors, "error")));
            exit_for(&diagnostics)
        }
    }
}

/// Whether a rule set that checked has warnings.
fn warned<T>(result: &Result<(T, Vec<Diagnostic>), Vec<Diagnostic>>) -> bool {
    matches!(result, Ok((_, warnings)) if !warnings.is_empty())
}
