//! `wotrules sql`: the rules as SQL views over CAcert's tables, for an engine's dialect.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::{Exit, emit, emit_error, parse_as_of, rules};
use crate::diag::{Diagnostic, Location, render_styled};
use crate::plan::{Plan, Refusal};
use crate::session::RulesFrom;
use crate::sql::{Dialect, Form, Origin, script};
use crate::words::counted;

#[derive(Args)]
pub(super) struct SqlArgs {
    /// The engine the views are for.
    #[arg(long, value_enum)]
    dialect: Dialect,
    /// Decide as of this date, written into the views (default: the date in the table
    /// `wotrules_params`, read when the views are queried).
    #[arg(long, value_parser = parse_as_of)]
    as_of: Option<NaiveDate>,
    /// The rules directory.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Keep the steps between CAcert's tables and the views in tables (mariadb, spark):
    /// in MariaDB computed by the procedure `wotrules_refresh()`, to call after the data or
    /// the date changed; in Spark by the script. Both compute a common table expression
    /// again for every reference to it, which makes the plain views slow beyond a few
    /// hundred members.
    #[arg(long)]
    tables: bool,
}

pub(super) fn run(args: &SqlArgs) -> Exit {
    if args.tables && !matches!(args.dialect, Dialect::Mariadb | Dialect::Spark) {
        emit_error(
            &Diagnostic::input_error("usage", "--tables is for the mariadb and spark dialects")
                .help("the other engines compute each step once inside the views")
                .styled(),
        );
        return Exit::BadInput;
    }
    let rules = match rules(&RulesFrom::Directory(args.rules.clone())) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let printed =
        Plan::new(&rules.program, args.as_of, rules.cats_types.clone()).and_then(|plan| {
            let origin = Origin {
                tool: concat!("wotrules ", env!("CARGO_PKG_VERSION")),
                digest: &rules.program.digest,
            };
            let form = if args.tables {
                Form::Tables
            } else {
                Form::Views
            };
            script(&plan, args.dialect, form, &origin)
        });
    match printed {
        Ok(script) => {
            emit(&script);
            Exit::Success
        }
        Err(refusals) => {
            let diagnostics: Vec<Diagnostic> = refusals
                .iter()
                .map(|refusal| diagnostic(&rules.root, args.dialect, refusal))
                .collect();
            emit_error(&render_styled(&diagnostics));
            emit_error(&format!(
                "{} outside the SQL fragment ({})\n",
                counted(diagnostics.len(), "rule"),
                args.dialect.name()
            ));
            Exit::RuleErrors
        }
    }
}

/// A refusal as a diagnostic at the rule, with its line when the file can be read.
fn diagnostic(root: &str, dialect: Dialect, refusal: &Refusal) -> Diagnostic {
    let path = format!("{root}{}", refusal.rule_file);
    let (line, column) = (refusal.place.line, refusal.place.column);
    let location = match std::fs::read_to_string(&path) {
        Ok(text) => Location::in_text(&path, &text, line, column, 1),
        Err(_) => Location::bare(&path, line, column),
    };
    Diagnostic::error("sql-fragment", refusal.reason.clone())
        .at(location)
        .help(format!(
            "the {} views cannot compute this rule; README.md, \"The SQL fragment\", lists what they can",
            dialect.name()
        ))
}
