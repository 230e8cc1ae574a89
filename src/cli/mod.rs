//! The command line: one file per command (arguments → session → feature → render → exit
//! code); what is not argument handling lives in the library.

mod check;
mod diff;
mod doc;
mod eval;
mod explain;
mod expr;
mod fmt;
mod generate;
mod import;
mod lsp;
mod mailing;
mod new;
mod sql;
mod test;
mod watch;
mod why_not;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use wotrules_core::diag::{Diagnostic, DiagnosticCode, Kind, render_styled};
use wotrules_session::Rules;
use wotrules_session::RulesFrom;
use wotrules_store::{SOURCES, Source, open_source};

/// How a run ended; the process exit code (the README's table lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Everything worked.
    Success = 0,
    /// The rules are at fault: they have errors (`check`, every command), an output failed
    /// to evaluate (`eval`, `mailing`), a rule test failed (`test`).
    RuleErrors = 1,
    /// Bad input: arguments, a case file, a test file, a database, a dump, a git revision, a
    /// missing file or directory.
    BadInput = 2,
    /// `diff --fail-on-change`: the rules decide something differently (nothing is wrong).
    Changed = 3,
}

#[derive(Parser)]
#[command(
    name = "wotrules",
    version,
    about = "CAcert's Web of Trust rules as data: check them, evaluate them, explain them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load and check every rule file; report every problem.
    #[command(
        after_help = "Examples:\n  wotrules check\n  wotrules check --rules broken/\n  wotrules check --format json   # for CI and editors"
    )]
    Check(check::CheckArgs),
    /// Decide every output for a case file or a database.
    #[command(after_help = "Examples:\n  \
        wotrules eval --case rules/tests/cases/a20111001.1.yaml --member 1500 --explain\n  \
        wotrules eval --case rules/tests/cases/a20111001.1.yaml --record 123456 --explain reapply\n  \
        wotrules eval --case rules/tests/cases/a20111001.1.yaml --member 1500 --why-not level=assurer\n  \
        wotrules eval --db examples/sample.sqlite --format json\n  \
        wotrules eval --case rules/tests/cases/a20111001.1.yaml --explain --format moin\n  \
        wotrules eval --db cacert.sqlite --summary --as-of 2012-01-01")]
    Eval(eval::EvalArgs),
    /// Compare two versions of the rules over the same data: every output that changes.
    #[command(after_help = "Examples:\n  \
        wotrules diff --base git:HEAD --case rules/tests/cases/topup.yaml\n  \
        wotrules diff --base git:origin/main --db cacert.sqlite --fail-on-change")]
    Diff(diff::DiffArgs),
    /// Say what a diagnostic code (`error[unknown-key]`) means and how to fix it; without a
    /// code, list them.
    #[command(after_help = "Examples:\n  wotrules explain unknown-key\n  wotrules explain")]
    Explain(explain::ExplainArgs),
    /// Print the JSON Schema of the rule-file format (for editors' YAML language servers).
    Schema,
    /// List the expression language's built-in functions with their types.
    Functions,
    /// Run the rule tests in `RULES/tests/*.yaml`.
    #[command(
        after_help = "Examples:\n  wotrules test --coverage\n  wotrules test --filter cut-off"
    )]
    Test(test::TestArgs),
    /// Write a deterministic synthetic CAcert database (for benchmarks and load tests).
    #[command(after_help = "Examples:\n  \
        wotrules gen --members 10000 --db /tmp/s.sqlite\n  \
        wotrules gen --members 10000 --mysql-dump /tmp/s.sql   # CAcert's production schema")]
    Gen(generate::GenArgs),
    /// Load a case file, or a `mysqldump` of CAcert's database, into a SQLite database, all
    /// or nothing.
    #[command(after_help = "Examples:\n  \
        wotrules import rules/tests/cases/a20111001.1.yaml --db /tmp/case.sqlite\n  \
        wotrules import --mysql-dump cacert.sql.gz --db cacert.sqlite --time-zone Europe/Berlin\n  \
        mariadb-dump --default-character-set=latin1 cacert | wotrules import --mysql-dump - --db cacert.sqlite")]
    Import(import::ImportArgs),
    /// Write the messages of the rules' scripted mailings (a20111001.1 Part II): one RFC 5322
    /// file per recipient and `index.json`, for an operator to review and feed to their MTA.
    /// Nothing is sent.
    #[command(after_help = "Examples:\n  \
        wotrules mailing --db cacert.sqlite --as-of 2011-12-01 --out /tmp/mailing\n  \
        wotrules mailing --case rules/tests/cases/part-2-mailing.yaml --dry-run")]
    Mailing(mailing::MailingArgs),
    /// Print SQL that creates views deciding every output over CAcert's tables
    /// (`wotrules_records`, `wotrules_members`), for SQLite, MariaDB, PostgreSQL or Spark.
    #[command(after_help = "Examples:\n  \
        wotrules sql --dialect mariadb | mariadb cacert\n  \
        wotrules sql --dialect sqlite --as-of 2011-12-01 | sqlite3 cacert.sqlite")]
    Sql(sql::SqlArgs),
    /// Serve the Language Server Protocol over standard input and output: diagnostics as
    /// you type, quick fixes, rename, hover, go to definition, references, completion,
    /// document symbols, formatting; each file with the rule set it lies in.
    #[command(
        after_help = "Examples (an editor starts it):\n  wotrules lsp\n  wotrules lsp --rules my-rules"
    )]
    Lsp(lsp::LspArgs),
    /// Write the rule files in canonical form (key order, two-space indentation, expressions
    /// as `fmt` prints them), comments kept; `--check` changes nothing and exits 1 if a file
    /// is not in that form.
    #[command(after_help = "Examples:\n  wotrules fmt\n  wotrules fmt --check   # in CI")]
    Fmt(fmt::FmtArgs),
    /// Write a commented file to start from: a case, a rule test whose expectations are
    /// what the rules decide today, or a rule set to edit; each checks and passes as written.
    #[command(after_help = "Examples:\n  \
        wotrules new case my-case.yaml\n  \
        wotrules new test rules/tests/my-case.yaml --case cases/my-case.yaml\n  \
        wotrules new rules my-rules")]
    New(new::NewArgs),
    /// Write the rule set as a static site (rule files by kind and time in force, a page per
    /// rule file with its tables, tests and coverage, what reads what, an offline search).
    #[command(
        after_help = "Examples:\n  wotrules doc --out site\n  wotrules doc --out site-b --draft rules/drafts/legacy-points/b.yaml"
    )]
    Doc(doc::DocArgs),
    /// Print a completion script for a shell (with the outputs of the rules for `--explain`
    /// and `--why-not`).
    #[command(
        after_help = "Example:\n  wotrules completions bash > /etc/bash_completion.d/wotrules"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
        /// The rules whose outputs `--explain` and `--why-not` complete.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
    },
}

/// Runs the command line and returns the exit code.
pub(crate) fn run() -> ExitCode {
    let exit = match Cli::parse().command {
        Command::Check(args) => check::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Schema => {
            emit(&wotrules_core::rules::json_schema(
                wotrules_features::SECTIONS,
            ));
            Exit::Success
        }
        Command::Functions => {
            emit(&wotrules_core::builtins::reference());
            Exit::Success
        }
        Command::Test(args) => test::run(&args),
        Command::Gen(args) => generate::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Mailing(args) => mailing::run(&args),
        Command::Sql(args) => sql::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::New(args) => new::run(&args),
        Command::Doc(args) => doc::run(&args),
        Command::Completions { shell, rules } => {
            let mut command = Cli::command();
            // Rules that do not check complete without their outputs.
            if let Ok(rules) = RulesFrom::Directory(rules).rules() {
                command = command.mut_subcommand("eval", |eval| with_outputs(eval, &rules));
            }
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "wotrules", &mut script);
            emit(&String::from_utf8_lossy(&script));
            Exit::Success
        }
    };
    ExitCode::from(with_output_checked(exit) as u8)
}

/// The data a command reads: one flag per registered source (`--case FILE`, `--db FILE`;
/// [`wotrules_store::SOURCES`]), exactly one of them given.
struct DataArgs {
    /// The flag given and its path.
    given: Option<(&'static str, PathBuf)>,
}

impl clap::FromArgMatches for DataArgs {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let given = SOURCES.iter().find_map(|kind| {
            matches
                .get_one::<PathBuf>(kind.flag)
                .map(|path| (kind.flag, path.clone()))
        });
        Ok(Self { given })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for DataArgs {
    fn augment_args(command: clap::Command) -> clap::Command {
        let flags: Vec<&'static str> = SOURCES.iter().map(|kind| kind.flag).collect();
        let mut command = command.group(
            clap::ArgGroup::new("data")
                .args(&flags)
                .required(true)
                .multiple(false),
        );
        for kind in SOURCES {
            command = command.arg(
                clap::Arg::new(kind.flag)
                    .long(kind.flag)
                    .value_name("FILE")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help(format!("{}.", kind.help)),
            );
        }
        command
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

impl DataArgs {
    /// The source named, opened (and checked as far as it can be without the rules), or
    /// the exit code after printing why not.
    fn open(&self) -> Result<Box<dyn Source>, Exit> {
        let opened = self
            .given
            .as_ref()
            .and_then(|(flag, path)| open_source(flag, path));
        match opened {
            Some(Ok(source)) => Ok(source),
            Some(Err(diagnostics)) => {
                emit_error(&render_styled(&diagnostics));
                Err(Exit::BadInput)
            }
            None => Err(usage("no data given", "give `--case FILE` or `--db FILE`")),
        }
    }
}

/// Text for a person, or one JSON document.
#[derive(Clone, Copy, ValueEnum)]
enum TextOrJson {
    Text,
    Json,
}

/// `--format`: one of the report formats ([`wotrules_features::report::FORMATS`]).
fn report_format() -> clap::builder::PossibleValuesParser {
    use clap::builder::PossibleValue;
    let formats = wotrules_features::report::FORMATS;
    clap::builder::PossibleValuesParser::new(formats.iter().map(|format| {
        let value = PossibleValue::new(format.name);
        match format.alias {
            Some(alias) => value.alias(alias),
            None => value,
        }
    }))
}

fn parse_as_of(text: &str) -> Result<NaiveDate, String> {
    wotrules_store::parse_date(text)
}

/// Writes diagnostics to standard error; a closed stderr is no reason to panic.
fn emit_error(text: &str) {
    use std::io::Write;
    // Styles are kept on a terminal and dropped elsewhere or under NO_COLOR (anstream).
    let mut stderr = anstream::stderr().lock();
    let _ = stderr
        .write_all(text.as_bytes())
        .and_then(|()| stderr.flush());
}

/// The first write on standard output that failed; nothing is written after it, and the
/// command's end reports it ([`with_output_checked`]).
static STDOUT_FAILED: std::sync::OnceLock<std::io::Error> = std::sync::OnceLock::new();

/// Writes a report to standard output; a failed write is kept for [`with_output_checked`].
fn emit(text: &str) {
    use std::io::Write;
    if STDOUT_FAILED.get().is_some() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        let _ = STDOUT_FAILED.set(error);
    }
}

/// Writes to standard output through `write` (buffered); a failed write is kept for
/// [`with_output_checked`], and `false` says so (long commands stop writing).
fn write_out(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> bool {
    use std::io::Write;
    if STDOUT_FAILED.get().is_some() {
        return false;
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = write(&mut out).and_then(|()| out.flush());
    match written {
        Ok(()) => true,
        Err(error) => {
            let _ = STDOUT_FAILED.set(error);
            false
        }
    }
}

/// The command's exit code, unless its output could not be written: a closed pipe
/// (`| head`) ends quietly, as command-line tools do; anything else (a full disk,
/// `/dev/full`) is an error, never a success over a truncated output.
fn with_output_checked(exit: Exit) -> Exit {
    match STDOUT_FAILED.get() {
        None => exit,
        Some(error) if error.kind() == std::io::ErrorKind::BrokenPipe => exit,
        Some(error) => fail(
            &Diagnostic::input_error(
                DiagnosticCode::Io,
                format!(
                    "cannot write standard output: {}",
                    error.to_string().to_lowercase()
                ),
            )
            .help("the output is incomplete: check the disk, or where the output goes"),
            Exit::BadInput,
        ),
    }
}

/// Prints one diagnostic and gives `exit`.
fn fail(diagnostic: &Diagnostic, exit: Exit) -> Exit {
    emit_error(&diagnostic.styled());
    exit
}

/// A usage error: the arguments do not make sense together.
fn usage(message: impl Into<String>, help: impl Into<String>) -> Exit {
    fail(
        &Diagnostic::error(DiagnosticCode::Usage, message).help(help),
        Exit::BadInput,
    )
}

/// The exit code for diagnostics that stopped a command: bad input when every error is the
/// input's (a missing directory, an unreadable file, a git revision), else rule errors.
fn exit_for(diagnostics: &[Diagnostic]) -> Exit {
    let errors = diagnostics.iter().filter(|d| d.is_error());
    if errors.clone().next().is_some() && errors.clone().all(|d| d.kind == Kind::Input) {
        Exit::BadInput
    } else {
        Exit::RuleErrors
    }
}

/// The checked rules, or the exit code after printing why not.
fn rules(from: &RulesFrom) -> Result<Rules, Exit> {
    from.rules().map_err(|diagnostics| {
        emit_error(&render_styled(&diagnostics));
        exit_for(&diagnostics)
    })
}

/// The dataset of `source` as `rules` read it, or the exit code after printing why not.
fn dataset(
    rules: &Rules,
    source: Box<dyn Source>,
    as_of: Option<NaiveDate>,
    contacts: bool,
) -> Result<wotrules_core::data::Dataset, Exit> {
    wotrules_session::dataset(source, rules, as_of, contacts).map_err(|diagnostics| {
        emit_error(&render_styled(&diagnostics));
        Exit::BadInput
    })
}

/// Leaves a whole database to the system: the process ends now, and freeing millions of
/// rows one by one takes longer than the system reclaiming them at exit.
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// A bar of members decided, on standard error when it is a terminal (whole databases take
/// seconds to minutes); nothing elsewhere.
fn members_bar(total: usize, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{what} {{bar:40}} {{pos}}/{{len}} members, eta {{eta}}"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    indicatif::ProgressBar::new(total as u64).with_style(style)
}

/// `eval` with the outputs of `rules` as the values `--explain` and `--why-not` complete
/// (`level`; `level=assurer`, one for each value of an enumerated or boolean output).
fn with_outputs(eval: clap::Command, rules: &Rules) -> clap::Command {
    use wotrules_core::lang::Type;
    let program = &rules.program;
    let outputs = program.member_outputs.iter().chain(&program.record_outputs);
    let names: Vec<String> = outputs.clone().map(|o| o.name.clone()).collect();
    let mut questions = Vec::new();
    for output in outputs {
        let values = match program.definitions[output.definition].ty.required() {
            Type::Enum(name) => program.enums.get(&**name).cloned().unwrap_or_default(),
            Type::Bool => vec!["true".into(), "false".into()],
            _ => Vec::new(),
        };
        questions.extend(values.iter().map(|v| format!("{}={v}", output.name)));
    }
    eval.mut_arg("explain", |arg| {
        arg.value_parser(clap::builder::PossibleValuesParser::new(names))
    })
    .mut_arg("why_not", |arg| {
        arg.value_parser(clap::builder::PossibleValuesParser::new(questions))
    })
}
