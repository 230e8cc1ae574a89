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
}

pub(super) fn run(args: &CheckArgs) -> Exit {
    let (result, counts) = RulesFrom::Directory(args.rules.clone()).check_counted();
    if let TextOrJson::Json = args.format {
        let diagnostics = match &result {
            Ok((_, warnings)) => warnings.as_slice(),
            Err(diagnostics) => diagnostics.as_slice(),
        };
        let document = serde_json::json!({
            "format": wotrules_features::report::JSON_FORMAT,
            "tool": concat!("wotrules ", env!("CARGO_PKG_VERSION")),
            "ok": result.is_ok(),
            "rule_files": counts.rule_files,
            "definitions": counts.definitions,
            "diagnostics": diagnostics.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
        });
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        ));
        return match result {
            Ok(_) => Exit::Success,
            Err(diagnostics) => exit_for(&diagnostics),
        };
    }
    match result {
        Ok((_, warnings)) => {
            emit_error(&render_styled(&warnings));
            emit(&format!(
                "{}, {}: ok\n",
                counted(counts.rule_files, "rule file"),
                counted(counts.definitions, "definition"),
            ));
            Exit::Success
        }
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            emit_error(&format!("{}\n", counted(errors, "error")));
            exit_for(&diagnostics)
        }
    }
}
