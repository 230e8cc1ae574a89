//! `wotrules gen`: a deterministic synthetic population, as a SQLite database or as a dump
//! of CAcert's production database.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, emit, fail};
use wotrules_core::words::counted;
use wotrules_features::generate::{generate, read_profile};
use wotrules_store::{Replaces, Target, import_case, read_text, write_mysql_dump_file};

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
}

pub(super) fn run(args: &GenArgs) -> Exit {
    let Some(path) = args.db.as_ref().or(args.mysql_dump.as_ref()) else {
        return Exit::BadInput;
    };
    let target = match Target::check(path, Replaces::Nothing) {
        Ok(target) => target,
        Err(diagnostic) => {
            return fail(
                &diagnostic.help("gen writes a new file: remove it or name another"),
                Exit::BadInput,
            );
        }
    };
    let profile = match &args.profile {
        Some(path) => {
            read_text(path).and_then(|text| read_profile(&path.display().to_string(), &text))
        }
        None => read_profile("benches/population.yaml (built in)", BUILT_IN_PROFILE),
    };
    let generated = profile.and_then(|profile| {
        generate(&profile, args.members, args.seed).map(|case| (case, profile.cats_type()))
    });
    let (case, cats_type) = match generated {
        Ok(generated) => generated,
        Err(diagnostic) => return fail(&diagnostic, Exit::BadInput),
    };
    let written = match &args.mysql_dump {
        None => import_case(&case, target),
        Some(_) => write_mysql_dump_file(&case, target, cats_type),
    };
    match written {
        Ok(()) => {
            emit(&format!(
                "generated {} and {} into {}\n",
                counted(case.members.len(), "member"),
                counted(case.records.len(), "record"),
                path.display()
            ));
            Exit::Success
        }
        Err(diagnostic) => fail(&diagnostic, Exit::BadInput),
    }
}
