//! `wotrules mailing`: the messages a ruling's mailings order, written for an operator to
//! review and send, or only counted.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;

use super::{DataArgs, Exit, dataset, emit, emit_error, parse_as_of, rules};
use wotrules_core::diag::{Diagnostic, DiagnosticCode};
use wotrules_features::mailing::{
    MailingError, compose, message_file, render_dry_run, render_eml, render_index, summarize,
    summary_line,
};
use wotrules_session::RulesFrom;
use wotrules_store::NewDirectory;

#[derive(Args)]
pub(super) struct MailingArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The date to evaluate as of (default: the case's `as_of`, else today).
    #[arg(long, value_parser = parse_as_of)]
    as_of: Option<NaiveDate>,
    /// The rules directory.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// The directory to write the messages into (must not exist, or be empty; written
    /// private to its owner: it holds names and addresses).
    #[arg(long, required_unless_present = "dry_run")]
    out: Option<PathBuf>,
    /// Write nothing: list who would be mailed, in which role, about which records, and who
    /// not and why, then the summary.
    #[arg(long, conflicts_with = "out")]
    dry_run: bool,
    /// The messages' `Date:` (RFC 3339, such as `2011-12-01T10:00:00+01:00`, or a day
    /// `YYYY-MM-DD` at midnight UTC); default: now.
    #[arg(long, value_parser = parse_written)]
    date: Option<chrono::DateTime<chrono::FixedOffset>>,
}

pub(super) fn run(args: &MailingArgs) -> Exit {
    let out = if args.dry_run {
        None
    } else {
        args.out.as_deref()
    };
    compose_and_write(args, out)
}

/// Composes the rules' mailings and writes them into `out` (all files or none), or only
/// prints the summary when there is no `out` (`--dry-run`).
fn compose_and_write(args: &MailingArgs, out: Option<&Path>) -> Exit {
    // The data first: a bad file is said before the rules are checked.
    let source = match args.data.open() {
        Ok(source) => source,
        Err(exit) => return exit,
    };
    let rules = match rules(&RulesFrom::Directory(args.rules.clone())) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let data = match dataset(&rules, source, args.as_of, true) {
        Ok(data) => data,
        Err(exit) => return exit,
    };
    let written = match out.map(NewDirectory::create).transpose() {
        Ok(written) => written,
        Err(diagnostic) => {
            emit_error(&diagnostic.styled());
            return Exit::BadInput;
        }
    };
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().fixed_offset());
    let bar = super::members_bar(data.members.len() * rules.mailings.len(), "selecting");
    let composed = compose(
        &rules.program,
        &rules.mailings,
        &data,
        &|n| bar.inc(n as u64),
        |bag, message| match &written {
            Some(directory) => directory.write(
                &message_file(bag, message.member),
                &render_eml(bag, message, data.as_of, date),
            ),
            None => Ok(()),
        },
    );
    bar.finish_and_clear();
    let bags = match composed {
        Ok(bags) => bags,
        Err(error) => {
            // The directory's temporary is removed when it is dropped.
            drop(written);
            let message = error.to_string();
            let (diagnostic, exit) = match error {
                MailingError::None => (
                    Diagnostic::input_error(DiagnosticCode::Usage, message).help(
                        "a ruling orders one with `mailings:` (see rules/rulings/a20111001.1-part-2.yaml)",
                    ),
                    Exit::BadInput,
                ),
                MailingError::NotInForce { .. } => (
                    Diagnostic::input_error(
                        DiagnosticCode::Usage,
                        format!("{message} on {}", data.as_of),
                    )
                    .help("give an `--as-of` on or after the rule file's `effective_from`"),
                    Exit::BadInput,
                ),
                MailingError::Selection { .. } => (
                    Diagnostic::error(DiagnosticCode::Evaluation, message)
                        .help("the mailing's selection could not be evaluated: fix the rule"),
                    Exit::RuleErrors,
                ),
                MailingError::Delivery(_) => (
                    Diagnostic::input_error(DiagnosticCode::Io, message)
                        .help("check the directory and the disk"),
                    Exit::BadInput,
                ),
            };
            emit_error(&diagnostic.styled());
            return exit;
        }
    };
    if let Some(directory) = written
        && let Err(diagnostic) =
            directory.finish(&render_index(&bags, &data, &rules.program.digest))
    {
        emit_error(&diagnostic.styled());
        return Exit::BadInput;
    }
    let summary = summarize(&bags);
    // The date the decisions are as of: a database's is today unless `--as-of` says.
    emit(&format!("as of {}\n", data.as_of));
    if out.is_none() {
        emit(&render_dry_run(&bags));
    }
    emit(&summary_line(&summary));
    for not_mailed in bags.iter().flat_map(|b| &b.not_mailed).filter(|n| n.error) {
        emit_error(&format!(
            "error: member {}: {}\n",
            not_mailed.member,
            wotrules_core::escape::escape_control(&not_mailed.reason)
        ));
    }
    if summary.errors > 0 {
        Exit::RuleErrors
    } else {
        Exit::Success
    }
}

/// `--date`: RFC 3339, or a day at midnight UTC.
fn parse_written(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    if let Ok(written) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(written);
    }
    wotrules_store::parse_date(text)
        .map(|day| {
            day.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .fixed_offset()
        })
        .map_err(|_| {
            format!("`{text}` is not a date: write 2011-12-01T10:00:00+01:00 or 2011-12-01")
        })
}
