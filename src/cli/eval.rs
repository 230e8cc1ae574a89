//! `wotrules eval`: the decisions of a case or a database, explained on request, as text,
//! JSON or ruling markup; or only their counts.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::{DataArgs, Exit, Format, dataset, emit, emit_error, fail, parse_as_of, rules, usage};
use wotrules_core::eval::{Explain, Selection, decide, summarize};
use wotrules_features::report::{
    Markup, Privacy, render_json, render_summary_json, render_summary_text, render_text,
    render_wiki,
};
use wotrules_session::RulesFrom;

#[derive(Args)]
pub(super) struct EvalArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Only this member and the records it received (may be given more than once).
    #[arg(long, conflicts_with = "record")]
    member: Vec<i64>,
    /// Only this record (by notary id).
    #[arg(long, conflicts_with = "summary")]
    record: Option<i64>,
    /// The date to evaluate as of (default: the case's `as_of`, else today).
    #[arg(long, value_parser = parse_as_of)]
    as_of: Option<NaiveDate>,
    /// The rules directory.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Add the chain of rules and citations behind every value, or behind the outputs
    /// named (`--explain level,reapply`): the rows tried and why each did not hold, the
    /// row that held, what it read and cites.
    #[arg(long, conflicts_with = "summary", num_args = 0..=1, value_delimiter = ',', value_name = "OUTPUTS")]
    explain: Option<Vec<String>>,
    /// What would have to change for an output of the `--member` (or `--record`) to
    /// have a value (`level=assurer`, `reapply=eligible`): what stands in the way, and the
    /// smallest changes of the kinds rules/schema.yaml `why_not` allows, each verified.
    #[arg(long, value_name = "OUTPUT=VALUE", conflicts_with_all = ["summary", "explain"])]
    why_not: Option<String>,
    /// Only counts: members per level, records per class and re-apply outcome… (text or
    /// JSON, over the whole input)
    #[arg(long, conflicts_with = "member")]
    summary: bool,
    /// Show personal data (the schema's `personal` fields: date of birth, names, email) and
    /// the values computed from it; without it every format withholds them.
    #[arg(long)]
    show_personal: bool,
}

pub(super) fn run(args: &EvalArgs) -> Exit {
    if args.summary && matches!(args.format, Format::Markdown | Format::Moin) {
        return usage(
            "`--summary` prints counts as text or JSON, not as a ruling",
            "use `--format text` or `--format json` with `--summary`",
        );
    }
    let rules = match rules(&RulesFrom::Directory(args.rules.clone())) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let program = &rules.program;
    let privacy = Privacy::new(program, &rules.personal, args.show_personal);
    let data_source = args.data.source();
    if let Some(question) = &args.why_not {
        let asked = super::why_not::Asked {
            data: &data_source,
            members: &args.member,
            record: args.record,
            as_of: args.as_of,
            format: args.format,
            privacy: &privacy,
        };
        return super::why_not::run(&rules, &asked, question);
    }
    let data = match dataset(&rules, &data_source, args.as_of, false) {
        Ok(data) => data,
        Err(exit) => return exit,
    };
    let explain = match args.explain.clone() {
        None => Explain::Nothing,
        Some(names) => match Explain::outputs(names, program) {
            Ok(explain) => explain,
            Err(diagnostic) => return fail(&diagnostic, Exit::BadInput),
        },
    };
    let selection = match Selection::of(&data, &args.member, args.record) {
        Ok(selection) => selection,
        Err(diagnostic) => return fail(&diagnostic, Exit::BadInput),
    };
    if args.summary {
        let bar = super::members_bar(data.members.len(), "deciding");
        let summary = summarize(program, &data, &|n| bar.inc(n as u64));
        bar.finish_and_clear();
        emit(&match args.format {
            Format::Json => render_summary_json(&data, &program.digest, &summary),
            _ => render_summary_text(&data, &program.digest, &summary),
        });
        super::leave_to_exit(data);
        return if summary.errors > 0 {
            Exit::RuleErrors
        } else {
            Exit::Success
        };
    }
    let decisions = decide(program, &data, selection, &explain);
    emit(&match args.format {
        Format::Json => render_json(&data, &program.digest, &decisions, &privacy),
        Format::Text => render_text(&data, &program.digest, &decisions, &privacy),
        Format::Markdown | Format::Moin => {
            let markup = match args.format {
                Format::Moin => Markup::Moin,
                _ => Markup::Markdown,
            };
            render_wiki(markup, &data, &program.digest, &decisions, &privacy)
        }
    });
    if decisions.has_errors() {
        emit_error("error: some outputs could not be evaluated; see `errors` in the output\n");
        return Exit::RuleErrors;
    }
    Exit::Success
}
