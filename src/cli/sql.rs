//! `wotrules sql`: the rules as SQL views over CAcert's tables, for an engine's dialect.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::{Exit, emit, emit_error, parse_as_of, rules};
use wotrules_core::diag::{Diagnostic, DiagnosticCode, Location, render_styled};
use wotrules_core::plan::{Plan, Refusal};
use wotrules_core::words::counted;
use wotrules_features::sql::{Dialect, Form, Origin, script};
use wotrules_session::RulesFrom;

/// `--dialect`: the engines the views are printed for.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Engine {
    /// SQLite 3.35 or later (a database `wotrules import` wrote).
    Sqlite,
    /// MariaDB 10.5 or later, or MySQL 8 (CAcert's production schema).
    Mariadb,
    /// PostgreSQL 12 or later.
    Postgres,
    /// Spark SQL 3.4 or later.
    Spark,
}

impl Engine {
    fn dialect(self) -> Dialect {
        match self {
            Self::Sqlite => Dialect::Sqlite,
            Self::Mariadb => Dialect::Mariadb,
            Self::Postgres => Dialect::Postgres,
            Self::Spark => Dialect::Spark,
        }
    }
}

#[derive(Args)]
pub(super) struct SqlArgs {
    /// The engine the views are for.
    #[arg(long, value_enum)]
    dialect: Engine,
    /// Decide as of this date, written into the views (default: the date kept in the
    /// database, read when the views are queried: `wotrules_case` in SQLite, the one-row
    /// table `wotrules_params` elsewhere; today until set).
    #[arg(long, value_parser = parse_as_of)]
    as_of: Option<NaiveDate>,
    /// The rules directory.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Keep the steps between CAcert's tables and the views in tables (mariadb, spark):
    /// in MariaDB computed by the procedure `wotrules_refresh()`, to call after the data or
    /// the date changed; in Spark by the script, to run again then. Both compute a common
    /// table expression again for every reference to it, which makes the plain views slow
    /// beyond a few hundred members.
    #[arg(long)]
    tables: bool,
}

pub(super) fn run(args: &SqlArgs) -> Exit {
    let dialect = args.dialect.dialect();
    if args.tables && !matches!(dialect, Dialect::Mariadb | Dialect::Spark) {
        emit_error(
            &Diagnostic::input_error(
                DiagnosticCode::Usage,
                "--tables is for the mariadb and spark dialects",
            )
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
            script(&plan, dialect, form, &origin)
        });
    match printed {
        Ok(script) => {
            emit(&script);
            Exit::Success
        }
        Err(refusals) => {
            let diagnostics: Vec<Diagnostic> = refusals
                .iter()
                .map(|refusal| diagnostic(&rules.root, dialect, refusal))
                .collect();
            emit_error(&render_styled(&diagnostics));
            emit_error(&format!(
                "{} outside the SQL fragment ({})\n",
                counted(diagnostics.len(), "rule"),
                dialect.name()
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
    Diagnostic::error(DiagnosticCode::SqlFragment, refusal.reason.clone())
        .at(location)
        .help(format!(
            "the {} views cannot compute this rule; README.md, \"The SQL fragment\", lists what they can",
            dialect.name()
        ))
}
