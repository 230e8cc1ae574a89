//! `wotrules diff`: the outputs two versions of the rules decide differently over the same
//! data, with the rule responsible on each side.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::{DataArgs, Exit, dataset, emit, parse_as_of, rules};
use wotrules_features::diff::{
    Sides, Versions, compare, count_changes, render_diff_html, render_diff_json,
    render_diff_markdown, render_diff_text,
};
use wotrules_features::report::Privacy;
use wotrules_session::RulesFrom;

/// The forms of a diff.
#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum DiffFormat {
    /// Plain text for a terminal.
    Text,
    /// One JSON document.
    Json,
    /// Markdown, for a pull-request comment (`md` for short).
    #[value(alias = "md")]
    Markdown,
    /// One self-contained page for a Policy Group: counts, transition matrices, histograms
    /// (inline SVG), changes by year of first assurance, the rules responsible.
    Html,
}

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
    /// Lay a draft rule file (or a folder of them) over the rules: it adds definitions and
    /// overrides, or replaces the rule file with its id; every output it decides is marked
    /// DRAFT (may be given more than once).
    #[arg(long, value_name = "PATH")]
    pub(super) draft: Vec<PathBuf>,
    /// The date to evaluate as of (default: the case's `as_of`, else today).
    #[arg(long, value_parser = parse_as_of)]
    as_of: Option<NaiveDate>,
    /// Output format: text, JSON, Markdown for a pull-request comment, or an HTML page.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Only the counts: how many members and records moved from which value to which, with
    /// no changed entity listed and no trace taken (for a million members).
    #[arg(long)]
    summary: bool,
    /// Exit 3 when any output changed (for CI on a pull request).
    #[arg(long)]
    fail_on_change: bool,
    /// Show values computed from personal data (the schema's `personal` fields); without
    /// it they are withheld.
    #[arg(long)]
    show_personal: bool,
}

pub(super) fn run(args: &DiffArgs) -> Exit {
    // The data first: a bad file is said before the rules are checked.
    let source = match args.data.open() {
        Ok(source) => source,
        Err(exit) => return exit,
    };
    let mut versions = Vec::new();
    for from in [
        RulesFrom::parse(&args.base, &args.rules),
        RulesFrom::Directory(args.rules.clone()).with_drafts(&args.draft),
    ] {
        match rules(&from) {
            Ok(rules) => versions.push(rules),
            Err(exit) => return exit,
        }
    }
    let (old_program, new_program) = (&versions[0].program, &versions[1].program);
    // Both programs decide over the data as the new rules' schema reads it.
    let data = match dataset(&versions[1], source, args.as_of, false) {
        Ok(data) => data,
        Err(exit) => return exit,
    };
    let privacy = Sides {
        old: Privacy::new(old_program, &versions[0].personal, args.show_personal),
        new: Privacy::new(new_program, &versions[1].personal, args.show_personal),
    };
    let bar = super::members_bar(data.members.len(), "comparing");
    let progress = |n: usize| bar.inc(n as u64);
    let (changes, counts) = if args.summary {
        let counts = count_changes(old_program, new_program, &data, &privacy, &progress);
        (None, counts)
    } else {
        let changes = compare(old_program, new_program, &data, &privacy, &progress);
        let counts = changes.counts();
        (Some(changes), counts)
    };
    bar.finish_and_clear();
    let drafts: Vec<String> = args
        .draft
        .iter()
        .map(|d| format!(" + draft {}", d.display()))
        .collect();
    let new_source = format!("{}{}", args.rules.display(), drafts.concat());
    let versions = Versions {
        old: (&args.base, &old_program.digest),
        new: (&new_source, &new_program.digest),
        roots: (&versions[0].root, &versions[1].root),
    };
    let render = match args.format {
        DiffFormat::Text => render_diff_text,
        DiffFormat::Json => render_diff_json,
        DiffFormat::Markdown => render_diff_markdown,
        DiffFormat::Html => render_diff_html,
    };
    emit(&render(&data, &versions, changes.as_ref(), &counts));
    let changed = counts.members_changed + counts.records_changed > 0;
    drop(changes);
    super::leave_to_exit(data);
    if changed && args.fail_on_change {
        Exit::Changed
    } else {
        Exit::Success
    }
}
