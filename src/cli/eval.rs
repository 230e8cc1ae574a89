//! `wotrules eval`: the decisions of a case or a database, explained on request, as text,
//! JSON or ruling markup; or only their counts.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::{DataArgs, Exit, dataset, emit, emit_error, fail, parse_as_of, rules, usage};
use wotrules_core::data::Dataset;
use wotrules_core::eval::{
    Engine, EntityDecisions, Evaluation, Explain, Selection, decide, over_chunks_in_order,
    summarize,
};
use wotrules_features::report::{
    Context, Pieces, Privacy, Renderer, render_chunk, render_summary_json, render_summary_text,
    renderer, write_decisions,
};
use wotrules_session::{Rules, RulesFrom};

#[derive(Args)]
pub(super) struct EvalArgs {
    #[command(flatten)]
    pub(super) data: DataArgs,
    /// Only this member and the records it received (may be given more than once).
    #[arg(long, conflicts_with = "record")]
    pub(super) member: Vec<i64>,
    /// Only this record (by notary id).
    #[arg(long, conflicts_with = "summary")]
    pub(super) record: Option<i64>,
    /// The date to evaluate as of (default: the case's `as_of`, else today).
    #[arg(long, value_parser = parse_as_of)]
    pub(super) as_of: Option<NaiveDate>,
    /// The rules directory.
    #[arg(long, default_value = "rules")]
    pub(super) rules: PathBuf,
    /// Lay a draft rule file (or a folder of them) over the rules: it adds definitions and
    /// overrides, or replaces the rule file with its id; every output it decides is marked
    /// DRAFT (may be given more than once).
    #[arg(long, value_name = "PATH")]
    pub(super) draft: Vec<PathBuf>,
    /// Output format: text, json, markdown (md), moin or html (one self-contained page,
    /// explanations as collapsible trees).
    #[arg(long, default_value = "text", value_parser = super::report_format())]
    pub(super) format: String,
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
    pub(super) show_personal: bool,
    /// Evaluate one expression of the rules' language for the `--member` (or `--record`):
    /// its value, its type and what it read (`--expr 'member.assurance_points >= 100'`).
    #[arg(long, value_name = "EXPR", conflicts_with_all = ["summary", "explain", "why_not"])]
    expr: Option<String>,
    /// How a whole dataset is evaluated: `columnar` (a column at a time, the default) or
    /// `interpreter` (one entity at a time: the reference the executor is tested against).
    #[arg(long, value_enum, default_value_t = EngineArg::Columnar)]
    engine: EngineArg,
}

/// `--engine`: the evaluator of whole datasets.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    /// The columnar executor (the interpreter decides what it leaves).
    Columnar,
    /// The interpreter alone.
    Interpreter,
}

impl EngineArg {
    fn engine(self) -> Engine {
        match self {
            Self::Columnar => Engine::Columnar,
            Self::Interpreter => Engine::Interpreter,
        }
    }
}

pub(super) fn run(args: &EvalArgs) -> Exit {
    if let Some(text) = &args.expr {
        return super::expr::run(args, text);
    }
    let Some(renderer) = renderer(&args.format) else {
        return usage(format!("no format `{}`", args.format), "see `--help`");
    };
    if args.summary && !matches!(args.format.as_str(), "text" | "json") {
        return usage(
            format!(
                "`--summary` prints counts as text or JSON, not as {}",
                args.format
            ),
            "use `--format text` or `--format json` with `--summary`",
        );
    }
    // The data first: a bad file is said before the rules are checked.
    let source = match args.data.open() {
        Ok(source) => source,
        Err(exit) => return exit,
    };
    let rules = match rules(&RulesFrom::Directory(args.rules.clone()).with_drafts(&args.draft)) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let program = &rules.program;
    let privacy = Privacy::new(program, &rules.personal, args.show_personal);
    if let Some(question) = &args.why_not {
        let asked = super::why_not::Asked {
            data: source,
            members: &args.member,
            record: args.record,
            as_of: args.as_of,
            format: &args.format,
            privacy: &privacy,
        };
        return super::why_not::run(&rules, asked, question);
    }
    let data = match dataset(&rules, source, args.as_of, false) {
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
    if args.summary || selection == Selection::All {
        say_interpreted(program, &data, args.engine.engine());
    }
    if args.summary {
        let bar = super::members_bar(data.members.len(), "deciding");
        let summary = summarize(program, &data, args.engine.engine(), &|n| bar.inc(n as u64));
        bar.finish_and_clear();
        emit(&match args.format.as_str() {
            "json" => render_summary_json(&data, &program.digest, &summary),
            _ => render_summary_text(&data, &program.digest, &summary),
        });
        super::leave_to_exit(data);
        return if summary.errors > 0 {
            Exit::RuleErrors
        } else {
            Exit::Success
        };
    }
    let has_errors = match selection {
        Selection::All => {
            let how = (args.engine.engine(), &explain);
            stream(&*renderer, &rules, &data, &privacy, how)
        }
        selection => {
            let decisions = decide(program, &data, selection, &explain);
            let has_errors = decisions.has_errors();
            let context =
                Context::new(&data, &program.digest, &privacy, true).with_root(&rules.root);
            super::write_out(|out| write_decisions(&*renderer, out, &context, decisions));
            has_errors
        }
    };
    super::leave_to_exit(data);
    if has_errors {
        emit_error("error: some outputs could not be evaluated; see `errors` in the output\n");
        return Exit::RuleErrors;
    }
    Exit::Success
}

/// Says once which definitions the columnar executor leaves to the interpreter whole (those
/// reading `overridden`), when there are any.
fn say_interpreted(program: &wotrules_core::check::Program, data: &Dataset, engine: Engine) {
    let outputs = program.output_definitions();
    let names = Evaluation::for_chunks(program, data, engine, &outputs).interpreted_definitions();
    if !names.is_empty() {
        emit_error(&format!(
            "note: the interpreter decides {} (reading `overridden`), the columnar executor the rest\n",
            names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}

/// Decides and writes the whole dataset chunk by chunk, each chunk written as soon as it
/// and those before it are decided; records a format writes after the members (JSON) wait
/// in a private temporary file. Returns whether any output failed to evaluate.
fn stream(
    renderer: &dyn Renderer,
    rules: &Rules,
    data: &Dataset,
    privacy: &Privacy,
    (engine, explain): (Engine, &Explain),
) -> bool {
    use std::io::{Seek, Write};
    let program = &rules.program;
    let outputs = program.output_definitions();
    let context = Context::new(data, &program.digest, privacy, false).with_root(&rules.root);
    let bar = super::members_bar(data.members.len(), "deciding");
    let mut has_errors = false;
    super::write_out(|out| {
        let mut apart = tempfile::tempfile()?;
        let mut apart_out = std::io::BufWriter::new(&mut apart);
        renderer.head(out, &context)?;
        let mut members = Pieces::new(renderer.list());
        let mut records = Pieces::new(renderer.list());
        let mut unlisted = Vec::new();
        over_chunks_in_order(
            data.members.len(),
            &|n| bar.inc(n as u64),
            || Evaluation::for_chunks(program, data, engine, &outputs),
            |evaluation, chunk| {
                evaluation.focus(chunk);
                let decisions = evaluation.decide_chunk(chunk, explain);
                let errors = decisions.has_errors();
                let context =
                    Context::new(data, &program.digest, privacy, false).with_root(&rules.root);
                render_chunk(renderer, &context, decisions).map(|r| (r, errors))
            },
            |rendered| {
                let (rendered, errors) = rendered?;
                has_errors |= errors;
                for piece in &rendered.members {
                    members.write(out, piece)?;
                }
                for piece in &rendered.apart {
                    records.write(&mut apart_out, piece)?;
                }
                unlisted.extend(rendered.unlisted);
                Ok::<(), std::io::Error>(())
            },
        )?;
        members.close(out)?;
        apart_out.flush()?;
        drop(apart_out);
        let unlisted: Vec<&EntityDecisions> = unlisted.iter().collect();
        let any_member = data.members.iter().any(|m| m.evaluated);
        renderer.tail(
            out,
            &context,
            &mut |out| {
                apart.rewind()?;
                std::io::copy(&mut std::io::BufReader::new(&mut apart), out)?;
                records.close(out)
            },
            &unlisted,
            any_member,
        )
    });
    bar.finish_and_clear();
    has_errors
}
