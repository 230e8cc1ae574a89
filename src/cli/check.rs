//! `wotrules check`: every problem of the rule set, as text or one JSON document.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, TextOrJson, emit, emit_error, exit_for};
use crate::diag::{Diagnostic, render_styled};
use crate::session::RulesFrom;

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
    let result = RulesFrom::Directory(args.rules.clone()).check();
    if let TextOrJson::Json = args.format {
        let (counts, diagnostics) = match &result {
            Ok((rules, warnings)) => (
                Some((rules.program.files.len(), rules.program.definitions.len())),
                warnings.as_slice(),
            ),
            Err(diagnostics) => (None, diagnostics.as_slice()),
        };
        let document = serde_json::json!({
            "format": crate::report::JSON_FORMAT,
            "tool": concat!("wotrules ", env!("CARGO_PKG_VERSION")),
            "ok": counts.is_some(),
            "rule_files": counts.map(|c| c.0),
            "definitions": counts.map(|c| c.1),
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
        Ok((rules, warnings)) => {
            emit_error(&render_styled(&warnings));
            emit(&format!(
                "{} rule files, {} definitions: ok\n",
                rules.program.files.len(),
                rules.program.definitions.len(),
            ));
            Exit::Success
        }
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            emit_error(&format!("{errors} error(s)\n"));
            exit_for(&diagnostics)
        }
    }
}
