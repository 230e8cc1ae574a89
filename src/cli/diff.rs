//! `wotrules diff`: the outputs two versions of the rules decide differently over the same
//! data, with the rule responsible on each side.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::{DataArgs, Exit, TextOrJson, dataset, emit, parse_as_of, rules};
use crate::diff::{Versions, compare, render_diff_json, render_diff_text};
use crate::session::RulesFrom;

#[derive(Args)]
pub(super) struct DiffArgs {
    /// The old rules: a directory, or `git:REV` for the rules directory at a git revision.
    #[arg(long)]
    base: String,
    #[command(flatten)]
    data: DataArgs,
    /// The new rules directory.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// The date to evaluate as of (default: the case's `as_of`, else today).
    #[arg(long, value_parser = parse_as_of)]
    as_of: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Exit 3 when any output changed (for CI on a pull request).
    #[arg(long)]
    fail_on_change: bool,
}

pub(super) fn run(args: &DiffArgs) -> Exit {
    let mut versions = Vec::new();
    for from in [
        RulesFrom::parse(&args.base, &args.rules),
        RulesFrom::Directory(args.rules.clone()),
    ] {
        match rules(&from) {
            Ok(rules) => versions.push(rules),
            Err(exit) => return exit,
        }
    }
    let (old_program, new_program) = (&versions[0].program, &versions[1].program);
    // Both programs decide over the data as the new rules' schema reads it.
    let data = match dataset(&versions[1], &args.data.source(), args.as_of, false) {
        Ok(data) => data,
        Err(exit) => return exit,
    };
    let bar = super::members_bar(data.members.len(), "comparing");
    let changes = compare(old_program, new_program, &data, &|n| bar.inc(n as u64));
    bar.finish_and_clear();
    let new_source = args.rules.display().to_string();
    let versions = Versions {
        old: (&args.base, &old_program.digest),
        new: (&new_source, &new_program.digest),
        roots: (&versions[0].root, &versions[1].root),
    };
    emit(&match args.format {
        TextOrJson::Text => render_diff_text(&data, &versions, &changes),
        TextOrJson::Json => render_diff_json(&data, &versions, &changes),
    });
    let changed = !changes.members.is_empty() || !changes.records.is_empty();
    drop(changes);
    super::leave_to_exit(data);
    if changed && args.fail_on_change {
        Exit::Changed
    } else {
        Exit::Success
    }
}
