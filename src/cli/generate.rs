//! `wotrules gen`: a deterministic synthetic population, as a SQLite database or as a dump
//! of CAcert's production database.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, emit, fail, rules};
use crate::diag::Diagnostic;
use crate::generate::{generate, read_profile};
use crate::session::RulesFrom;
use crate::store::{import_case, read_text, write_mysql_dump_file};
use crate::words::counted;

/// The profile `gen` uses unless told otherwise, so that it runs anywhere.
const BUILT_IN_PROFILE: &str = include_str!("../../benches/population.yaml");

#[derive(Args)]
pub(super) struct GenArgs {
    /// How many members.
    #[arg(long)]
    members: usize,
    /// The seed: the same seed and profile give the same database.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The database to create (must not exist).
    #[arg(
        long,
        conflicts_with = "mysql_dump",
        required_unless_present = "mysql_dump"
    )]
    db: Option<PathBuf>,
    /// Instead, a `mysqldump` of CAcert's production schema to create (must not exist).
    #[arg(long)]
    mysql_dump: Option<PathBuf>,
    /// The distributions [default: the built-in profile, `benches/population.yaml` of the
    /// source tree].
    #[arg(long)]
    profile: Option<PathBuf>,
    /// The rules whose `store.cats_types` the dump's Assurer Challenge variant takes.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
}

pub(super) fn run(args: &GenArgs) -> Exit {
    let Some(target) = args.db.as_ref().or(args.mysql_dump.as_ref()) else {
        return Exit::BadInput;
    };
    if target.exists() {
        return fail(
            &Diagnostic::input_error("io", format!("{}: already exists", target.display()))
                .help("gen writes a new file: remove it or name another"),
            Exit::BadInput,
        );
    }
    let profile = match &args.profile {
        Some(path) => {
            read_text(path).and_then(|text| read_profile(&path.display().to_string(), &text))
        }
        None => read_profile("benches/population.yaml (built in)", BUILT_IN_PROFILE),
    };
    let case = profile.and_then(|profile| generate(&profile, args.members, args.seed));
    let case = match case {
        Ok(case) => case,
        Err(diagnostic) => return fail(&diagnostic, Exit::BadInput),
    };
    let written = match &args.mysql_dump {
        None => import_case(&case, &target.display().to_string()),
        Some(dump) => {
            let rules = match rules(&RulesFrom::Directory(args.rules.clone())) {
                Ok(rules) => rules,
                Err(exit) => return exit,
            };
            let Some(&cats_type) = rules.cats_types.first() else {
                return fail(
                    &Diagnostic::input_error("usage", "the schema's `store.cats_types` is empty")
                        .help("the dump's Assurer Challenge variant takes the first of them"),
                    Exit::BadInput,
                );
            };
            write_mysql_dump_file(&case, dump, cats_type)
        }
    };
    match written {
        Ok(()) => {
            emit(&format!(
                "generated {} and {} into {}\n",
                counted(case.members.len(), "member"),
                counted(case.records.len(), "record"),
                target.display()
            ));
            Exit::Success
        }
        Err(diagnostic) => fail(&diagnostic, Exit::BadInput),
    }
}
