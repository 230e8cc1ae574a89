//! The command line: argument parsing, files in and out, exit codes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::check::Program;
use crate::compare::compare;
use crate::data::{Dataset, MAX_RECORDS_PER_MEMBER, Value};
use crate::diag::{Diagnostic, Kind, render_styled};
use crate::eval::{Evaluation, Explain, Selection, summarize};
use crate::generate::{generate, read_profile};
use crate::load::{check_sources, load_program, load_rule_tests};
use crate::report::{
    MailingError, Markup, Versions, compose, message_file, render_diff_json, render_diff_text,
    render_eml, render_index, render_json, render_summary_json, render_summary_text, render_text,
    render_why_not, render_why_not_json, render_why_not_wiki, render_wiki, summarize_mailing,
    summary_line,
};
use crate::rules::RuleSources;
use crate::ruletest::{Coverage, run_test};
use crate::store::{
    CaseFile, DumpOptions, DumpReport, DumpSource, Quarantined, ReadOptions, import_case,
    import_mysql_dump, read_case, read_database, read_text, rule_sources, rule_sources_at_revision,
    write_mysql_dump,
};

/// How a run ended; the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Success = 0,
    /// The rules have errors (or an output failed to evaluate).
    RuleErrors = 1,
    /// Bad input: arguments, a case file, a database, a missing file.
    BadInput = 2,
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
    Check {
        /// The rules directory.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// `text` for a person (coloured on a terminal unless NO_COLOR is set), `json` for
        /// CI and editors (on standard output: path, line, column, code, message, help).
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Decide every output for a case file or a database.
    #[command(after_help = "Examples:\n  \
        wotrules eval --case examples/a20111001.1.yaml --member 1500 --explain\n  \
        wotrules eval --case examples/a20111001.1.yaml --record 123456 --explain reapply\n  \
        wotrules eval --case examples/a20111001.1.yaml --member 1500 --why-not level=assurer\n  \
        wotrules eval --db examples/sample.sqlite --format json\n  \
        wotrules eval --case examples/a20111001.1.yaml --explain --format moin\n  \
        wotrules eval --db cacert.sqlite --summary --as-of 2012-01-01")]
    Eval {
        /// A case file (YAML).
        #[arg(long, conflicts_with = "db", required_unless_present = "db")]
        case: Option<PathBuf>,
        /// A SQLite database with CAcert's tables (opened read-only).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Only this member and the records it received.
        #[arg(long, conflicts_with = "record")]
        member: Option<i64>,
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
    },
    /// Compare two versions of the rules over the same data: every output that changes.
    #[command(after_help = "Examples:\n  \
        wotrules diff --base git:HEAD --case tests/cases/topup.yaml\n  \
        wotrules diff --base git:origin/main --db cacert.sqlite --fail-on-change")]
    Diff {
        /// The old rules: a directory, or `git:REV` for the rules directory at a git revision.
        #[arg(long)]
        base: String,
        /// A case file (YAML).
        #[arg(long, conflicts_with = "db", required_unless_present = "db")]
        case: Option<PathBuf>,
        /// A SQLite database with CAcert's tables (opened read-only).
        #[arg(long)]
        db: Option<PathBuf>,
        /// The new rules directory.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// The date to evaluate as of (default: the case's `as_of`, else today).
        #[arg(long, value_parser = parse_as_of)]
        as_of: Option<NaiveDate>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        /// Exit 1 when any output changed.
        #[arg(long)]
        fail_on_change: bool,
    },
    /// Print the JSON Schema of the rule-file format (for editors' YAML language servers).
    Schema,
    /// List the expression language's built-in functions with their types.
    Functions,
    /// Run the rule tests in `RULES/tests/*.yaml`.
    #[command(
        after_help = "Examples:\n  wotrules test --coverage\n  wotrules test --filter cut-off"
    )]
    Test {
        /// The rules directory.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// Only tests whose name or file contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// Report the branches, rows and overrides no test exercised.
        #[arg(long)]
        coverage: bool,
    },
    /// Write a deterministic synthetic CAcert database (for benchmarks and load tests).
    #[command(after_help = "Examples:\n  \
        wotrules gen --members 10000 --db /tmp/s.sqlite\n  \
        wotrules gen --members 10000 --mysql-dump /tmp/s.sql   # CAcert's production schema")]
    Gen {
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
        /// The distributions.
        #[arg(long, default_value = "benches/population.yaml")]
        profile: PathBuf,
        /// The rules whose `store.cats_types` the dump's Assurer Challenge variant takes.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
    },
    /// Load a case file, or a `mysqldump` of CAcert's database, into a SQLite database, all
    /// or nothing.
    #[command(after_help = "Examples:\n  \
        wotrules import examples/a20111001.1.yaml --db /tmp/case.sqlite\n  \
        wotrules import --mysql-dump cacert.sql.gz --db cacert.sqlite --time-zone Europe/Berlin\n  \
        mariadb-dump --default-character-set=latin1 cacert | wotrules import --mysql-dump - --db cacert.sqlite")]
    Import {
        /// The case file (its rows are added to the database).
        #[arg(conflicts_with = "mysql_dump", required_unless_present = "mysql_dump")]
        file: Option<PathBuf>,
        /// Instead, a `mysqldump` of CAcert's database (`-` for standard input; gzip is
        /// read as such): the database is replaced by its `users`, `notary`, `cats_passed`
        /// and `cats_variant` rows once all have been read.
        #[arg(long)]
        mysql_dump: Option<PathBuf>,
        /// The database (created when missing).
        #[arg(long)]
        db: PathBuf,
        /// The database to read from a dump of several (`--databases`, `--all-databases`).
        #[arg(long, requires = "mysql_dump")]
        database: Option<String>,
        /// The character set a dump was written in, where it does not say (`--compact`,
        /// `--skip-set-charset`, `--compatible=ansi`): `latin1` or `utf8mb4`.
        #[arg(long, requires = "mysql_dump", value_parser = parse_charset)]
        dump_charset: Option<crate::store::Charset>,
        /// The MariaDB server's time zone (`+01:00`, `Europe/Berlin`): a dump written in UTC
        /// (mysqldump's default `--tz-utc`) has its `timestamp` columns converted to it.
        #[arg(long, requires = "mysql_dump", value_parser = parse_zone)]
        time_zone: Option<crate::store::Zone>,
        /// Leave the dump's rows that fail validation out of the import, and write each with
        /// its line, table, id, column and reason to FILE (JSON lines).
        #[arg(long, requires = "mysql_dump", value_name = "FILE")]
        quarantine: Option<PathBuf>,
    },
    /// Write the messages of the rules' scripted mailings (a20111001.1 Part II): one RFC 5322
    /// file per recipient and `index.json`, for an operator to review and feed to their MTA.
    /// Nothing is sent.
    #[command(after_help = "Examples:\n  \
        wotrules mailing --db cacert.sqlite --as-of 2011-12-01 --out /tmp/mailing\n  \
        wotrules mailing --case examples/part-2-mailing.yaml --dry-run")]
    Mailing {
        /// A case file (YAML).
        #[arg(long, conflicts_with = "db", required_unless_present = "db")]
        case: Option<PathBuf>,
        /// A SQLite database with CAcert's tables (opened read-only; names and addresses read).
        #[arg(long)]
        db: Option<PathBuf>,
        /// The date to evaluate as of (default: the case's `as_of`, else today).
        #[arg(long, value_parser = parse_as_of)]
        as_of: Option<NaiveDate>,
        /// The rules directory.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// The directory to write the messages into (must not exist, or be empty).
        #[arg(long, required_unless_present = "dry_run")]
        out: Option<PathBuf>,
        /// Print the summary only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print a completion script for a shell.
    #[command(
        after_help = "Example:\n  wotrules completions bash > /etc/bash_completion.d/wotrules"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Text for a person, or one JSON document.
#[derive(Clone, Copy, ValueEnum)]
enum TextOrJson {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Format {
    /// Plain text for a terminal.
    Text,
    /// One JSON document.
    Json,
    /// Markdown, to paste into a ruling.
    Markdown,
    /// MoinMoin wiki markup, as on wiki.cacert.org.
    Moin,
}

fn parse_as_of(text: &str) -> Result<NaiveDate, String> {
    crate::store::parse_date(text)
}

/// Runs the command line and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let exit = match cli.command {
        Command::Check { rules, format } => run_check(&rules, format),
        Command::Eval {
            case,
            db,
            member,
            record,
            as_of,
            rules,
            format,
            explain,
            why_not,
            summary,
        } => run_eval(&EvalRequest {
            input: input_of(case, db),
            member,
            record,
            as_of,
            rules,
            format,
            explain: match explain {
                None => Explain::Nothing,
                Some(names) if names.is_empty() => Explain::Everything,
                Some(names) => Explain::Outputs(names),
            },
            why_not,
            summary,
        }),
        Command::Diff {
            base,
            case,
            db,
            rules,
            as_of,
            format,
            fail_on_change,
        } => run_diff(&DiffRequest {
            base,
            input: input_of(case, db),
            rules,
            as_of,
            format,
            fail_on_change,
        }),
        Command::Schema => {
            emit(&crate::rules::json_schema());
            Exit::Success
        }
        Command::Functions => {
            emit(&crate::builtins::reference());
            Exit::Success
        }
        Command::Test {
            rules,
            filter,
            coverage,
        } => run_tests(&rules, filter.as_deref(), coverage),
        Command::Import {
            file,
            mysql_dump,
            db,
            database,
            dump_charset,
            time_zone,
            quarantine,
        } => match (file, mysql_dump) {
            (_, Some(dump)) => {
                let options = DumpOptions {
                    database,
                    charset: dump_charset,
                    time_zone,
                    quarantine: quarantine.is_some(),
                };
                run_dump_import(&dump, &db, &options, quarantine.as_deref())
            }
            (Some(file), None) => run_import(&file, &db),
            (None, None) => Exit::BadInput,
        },
        Command::Gen {
            members,
            seed,
            db,
            mysql_dump,
            profile,
            rules,
        } => run_gen(
            members,
            seed,
            db.as_deref(),
            mysql_dump.as_deref(),
            &profile,
            &rules,
        ),
        Command::Mailing {
            case,
            db,
            as_of,
            rules,
            out,
            dry_run,
        } => run_mailing(
            &input_of(case, db),
            as_of,
            &rules,
            if dry_run { None } else { out.as_deref() },
        ),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "wotrules", &mut script);
            emit(&String::from_utf8_lossy(&script));
            Exit::Success
        }
    };
    ExitCode::from(exit as u8)
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

/// Writes a report to standard output; a closed pipe (`| head`) ends the output quietly.
fn emit(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
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

/// The checked program of rule sources, or the exit code after printing why not (warnings
/// are for `check`; the other commands run quietly on rules that pass).
fn program_from(sources: Result<RuleSources, Vec<Diagnostic>>) -> Result<Program, Exit> {
    check_sources(sources)
        .map(|(program, _warnings)| program)
        .map_err(|diagnostics| {
            emit_error(&render_styled(&diagnostics));
            exit_for(&diagnostics)
        })
}

fn run_check(rules: &Path, format: TextOrJson) -> Exit {
    let result = load_program(rules);
    if let TextOrJson::Json = format {
        let (counts, diagnostics) = match &result {
            Ok((program, warnings)) => (
                Some((program.files.len(), program.definitions.len())),
                warnings.as_slice(),
            ),
            Err(diagnostics) => (None, diagnostics.as_slice()),
        };
        let document = serde_json::json!({
            "format": crate::report::JSON_FORMAT,
            "tool": concat!("wotrules ", env!("CARGO_PKG_VERSION")),
            "ok": counts.is_some(),
            "rule_files": counts.map(|c| c.0),
            "definitions": counts.map(|c| c.1),
            "diagnostics": diagnostics.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
        });
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        ));
        return match result {
            Ok(_) => Exit::Success,
            Err(diagnostics) => exit_for(&diagnostics),
        };
    }
    match result {
        Ok((program, warnings)) => {
            emit_error(&render_styled(&warnings));
            emit(&format!(
                "{} rule files, {} definitions: ok\n",
                program.files.len(),
                program.definitions.len(),
            ));
            Exit::Success
        }
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            emit_error(&format!("{errors} error(s)\n"));
            exit_for(&diagnostics)
        }
    }
}

enum Input {
    Case(PathBuf),
    Database(PathBuf),
}

/// Reads the input into a dataset, or prints why not and gives the exit code.
fn read_dataset(
    input: &Input,
    options: &ReadOptions,
    as_of: Option<NaiveDate>,
) -> Result<Dataset, Exit> {
    let case = read_input(input, options).map_err(|diagnostics| {
        emit_error(&render_styled(&diagnostics));
        Exit::BadInput
    })?;
    dataset(as_of, case).map_err(|diagnostic| {
        emit_error(&diagnostic.styled());
        Exit::BadInput
    })
}

/// The dataset of a case as of `--as-of`, else the case's `as_of`, else today; a member
/// with more records than the limit is an error.
fn dataset(as_of: Option<NaiveDate>, case: CaseFile) -> Result<Dataset, Diagnostic> {
    let as_of = as_of
        .or(case.as_of)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let data = Dataset::new(as_of, case.request, case.members, case.records, case.texts);
    match data.overfull_member() {
        None => Ok(data),
        Some((id, count)) => Err(Diagnostic::error(
            "limit",
            format!("member {id} has {count} records, the limit is {MAX_RECORDS_PER_MEMBER}"),
        )
        .help("check the data: no member has assured or been assured that often")),
    }
}

/// What an evaluation by `program` reads from a database (no names or addresses).
fn read_options(program: &Program) -> ReadOptions {
    ReadOptions {
        cats_types: program.cats_types.clone(),
        contacts: false,
    }
}

/// The input named by `--case` or `--db` (clap requires exactly one).
fn input_of(case: Option<PathBuf>, db: Option<PathBuf>) -> Input {
    match (case, db) {
        (Some(case), _) => Input::Case(case),
        (None, Some(db)) => Input::Database(db),
        (None, None) => Input::Case(PathBuf::new()),
    }
}

struct EvalRequest {
    input: Input,
    member: Option<i64>,
    record: Option<i64>,
    as_of: Option<NaiveDate>,
    rules: PathBuf,
    format: Format,
    explain: Explain,
    why_not: Option<String>,
    summary: bool,
}

fn read_input(input: &Input, options: &ReadOptions) -> Result<CaseFile, Vec<Diagnostic>> {
    match input {
        Input::Case(path) => {
            let text = read_text(path).map_err(|e| vec![e])?;
            read_case(&path.display().to_string(), &text)
        }
        Input::Database(path) => {
            read_database(&path.display().to_string(), options).map_err(|e| vec![e])
        }
    }
}

fn run_eval(request: &EvalRequest) -> Exit {
    if request.summary && matches!(request.format, Format::Markdown | Format::Moin) {
        emit_error(
            &Diagnostic::error(
                "usage",
                "`--summary` prints counts as text or JSON, not as a ruling",
            )
            .help("use `--format text` or `--format json` with `--summary`")
            .styled(),
        );
        return Exit::BadInput;
    }
    let program = match program_from(rule_sources(&request.rules)) {
        Ok(program) => program,
        Err(exit) => return exit,
    };
    if let Some(question) = &request.why_not {
        return run_why_not(request, &program, question);
    }
    let data = match read_dataset(&request.input, &read_options(&program), request.as_of) {
        Ok(data) => data,
        Err(exit) => return exit,
    };
    if let Explain::Outputs(names) = &request.explain
        && let Some(unknown) = names.iter().find(|name| {
            !program
                .member_outputs
                .iter()
                .chain(&program.record_outputs)
                .any(|o| &o.name == *name)
        })
    {
        let known = program
            .member_outputs
            .iter()
            .chain(&program.record_outputs)
            .map(|o| o.name.as_str());
        let help = crate::suggest::did_you_mean(unknown, known.clone())
            .unwrap_or_else(|| format!("outputs: {}", known.collect::<Vec<_>>().join(", ")));
        emit_error(
            &Diagnostic::error("usage", format!("`--explain {unknown}`: no such output"))
                .help(help)
                .styled(),
        );
        return Exit::BadInput;
    }
    let selection = match (request.member, request.record) {
        (None, Some(id)) => match data.records.iter().position(|r| r.id == id) {
            Some(index) => Selection::Record(index),
            None => {
                emit_error(
                    &Diagnostic::error(
                        "unknown-record",
                        format!("record {id} is not in the data as of {}", data.as_of),
                    )
                    .help("`--record` takes the id of a notary row entered on or before the date")
                    .styled(),
                );
                return Exit::BadInput;
            }
        },
        (None, None) => Selection::All,
        (Some(id), _) => match data
            .members
            .iter()
            .position(|m| m.evaluated && m.row.id == id)
        {
            Some(index) => Selection::Member(index),
            None => {
                emit_error(
                    &Diagnostic::error("unknown-member", format!("member {id} is not in the data"))
                        .help("`--member` takes the id of a listed member")
                        .styled(),
                );
                return Exit::BadInput;
            }
        },
    };
    if request.summary {
        let summary = summarize(&program, &data);
        emit(&match request.format {
            Format::Json => render_summary_json(&data, &program.digest, &summary),
            _ => render_summary_text(&data, &program.digest, &summary),
        });
        // A whole database: the process ends now, and freeing millions of rows one by one
        // takes longer than the system reclaiming them at exit.
        std::mem::forget(data);
        return if summary.errors > 0 {
            Exit::RuleErrors
        } else {
            Exit::Success
        };
    }
    let mut evaluation = match selection {
        Selection::All | Selection::Record(_) => Evaluation::new(&program, &data),
        Selection::Member(index) => {
            // One member of a large database: a memo for it and its records only.
            let mut evaluation = Evaluation::chunked(&program, &data);
            evaluation.focus(&[index]);
            evaluation
        }
    };
    let decisions = evaluation.decide_all(selection, &request.explain);
    let output = match request.format {
        Format::Json => render_json(&data, &program.digest, &decisions),
        Format::Text => render_text(&data, &program.digest, &decisions),
        Format::Markdown => render_wiki(Markup::Markdown, &data, &program.digest, &decisions),
        Format::Moin => render_wiki(Markup::Moin, &data, &program.digest, &decisions),
    };
    emit(&output);
    if decisions.has_errors() {
        emit_error("error: some outputs could not be evaluated; see `errors` in the output\n");
        return Exit::RuleErrors;
    }
    Exit::Success
}

/// `eval --why-not OUTPUT=VALUE` for the `--member` or `--record`.
fn run_why_not(request: &EvalRequest, program: &Program, question: &str) -> Exit {
    let usage = |message: String, help: &str| {
        emit_error(&Diagnostic::error("usage", message).help(help).styled());
        Exit::BadInput
    };
    let (scope, id, outputs) = match (request.member, request.record) {
        (Some(id), _) => ("member", id, &program.member_outputs),
        (None, Some(id)) => ("record", id, &program.record_outputs),
        (None, None) => {
            return usage(
                "`--why-not` asks about one member or record".into(),
                "add `--member ID` or `--record ID`",
            );
        }
    };
    let Some((name, text)) = question.split_once('=') else {
        return usage(
            format!("`--why-not {question}`: write OUTPUT=VALUE"),
            "such as `--why-not level=assurer`",
        );
    };
    let Some(output) = outputs.iter().find(|o| o.name == name.trim()) else {
        let known = outputs.iter().map(|o| o.name.as_str());
        let help = crate::suggest::did_you_mean(name.trim(), known.clone()).unwrap_or_else(|| {
            format!("{scope} outputs: {}", known.collect::<Vec<_>>().join(", "))
        });
        return usage(format!("`{}` is not a {scope} output", name.trim()), &help);
    };
    let ty = &program.definitions[output.definition].ty;
    let text = text.trim();
    let wanted = match (ty.required(), text) {
        (_, "null") if ty.is_optional() => Value::Missing,
        (crate::data::Type::Int, _) => match text.parse() {
            Ok(number) => Value::Int(number),
            Err(_) => {
                return usage(
                    format!("`{text}` is not a whole number"),
                    "write e.g. `assurance_points=100`",
                );
            }
        },
        (crate::data::Type::Bool, "true" | "false") => Value::Bool(text == "true"),
        (crate::data::Type::Enum(enumeration), _) => {
            let values = program
                .enums
                .get(&**enumeration)
                .cloned()
                .unwrap_or_default();
            if !values.iter().any(|v| v == text) {
                return usage(
                    format!("`{text}` is not a value of `{name}`"),
                    &format!("one of: {}", values.join(", ")),
                );
            }
            Value::Text(text.into())
        }
        (crate::data::Type::Text, _) => Value::Text(text.into()),
        _ => {
            return usage(
                format!("`{name}` is of type `{ty}`: no value to ask for"),
                "ask about an enumeration, integer, boolean or text output",
            );
        }
    };
    let case = match read_input(&request.input, &read_options(program)) {
        Ok(case) => case,
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            return Exit::BadInput;
        }
    };
    let as_of = request
        .as_of
        .or(case.as_of)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let rows = crate::eval::Rows {
        request: &case.request,
        members: &case.members,
        records: &case.records,
        texts: &case.texts,
    };
    match crate::eval::why_not(program, rows, as_of, id, output.definition, &wanted) {
        Some(answer) => {
            let entity = format!("{scope} {id} as of {as_of}");
            let member = scope == "member";
            let name = &output.name;
            emit(&match request.format {
                Format::Text => render_why_not(&entity, name, &wanted, &answer, member),
                Format::Json => render_why_not_json((scope, id), name, &wanted, &answer),
                Format::Markdown => {
                    render_why_not_wiki(Markup::Markdown, &entity, name, &wanted, &answer, member)
                }
                Format::Moin => {
                    render_why_not_wiki(Markup::Moin, &entity, name, &wanted, &answer, member)
                }
            });
            Exit::Success
        }
        None => usage(
            format!("{scope} {id} is not in the data as of {as_of}"),
            "give the id of a listed member, or of a record entered on or before the date",
        ),
    }
}

fn run_import(file: &Path, db: &Path) -> Exit {
    match read_input(&Input::Case(file.to_path_buf()), &ReadOptions::default()) {
        Ok(case) => write_database(&case, db, "imported"),
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            Exit::BadInput
        }
    }
}

/// Writes a case into a database in one transaction and says what was `done`.
fn write_database(case: &CaseFile, db: &Path, done: &str) -> Exit {
    match import_case(case, &db.display().to_string()) {
        Ok(()) => {
            emit(&format!(
                "{done} {} members and {} records into {}\n",
                case.members.len(),
                case.records.len(),
                db.display(),
            ));
            Exit::Success
        }
        Err(diagnostic) => {
            emit_error(&diagnostic.styled());
            Exit::BadInput
        }
    }
}

fn run_tests(rules: &Path, filter: Option<&str>, with_coverage: bool) -> Exit {
    let program = match program_from(rule_sources(rules)) {
        Ok(program) => program,
        Err(exit) => return exit,
    };
    let files = match load_rule_tests(rules, &program) {
        Ok(files) => files,
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            return Exit::BadInput;
        }
    };
    let mut coverage = with_coverage.then(|| Coverage::new(&program));
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    for (file, cases) in files {
        for (test, case) in file.tests.iter().zip(cases) {
            let chosen = filter.is_none_or(|f| test.name.contains(f) || file.path.contains(f));
            if !chosen {
                continue;
            }
            match run_test(&program, &file, test, case, coverage.as_mut()) {
                Ok(failures) if failures.is_empty() => passed += 1,
                Ok(failures) => {
                    failed += 1;
                    for failure in failures {
                        out.push_str(&format!(
                            "{}: test `{}`: {}\n",
                            failure.at, failure.test, failure.message
                        ));
                    }
                }
                Err(diagnostic) => {
                    emit(&out);
                    emit_error(&diagnostic.styled());
                    return Exit::BadInput;
                }
            }
        }
    }
    if let Some(filter) = filter.filter(|_| passed + failed == 0) {
        emit(&out);
        emit_error(
            &Diagnostic::error("no-tests", format!("no rule test matches `{filter}`"))
                .help("`--filter` keeps the tests whose name or file contains its text")
                .styled(),
        );
        return Exit::BadInput;
    }
    if let Some(coverage) = &coverage {
        out.push_str(&coverage.report(&program));
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    emit(&out);
    if failed > 0 {
        Exit::RuleErrors
    } else {
        Exit::Success
    }
}

struct DiffRequest {
    base: String,
    input: Input,
    rules: PathBuf,
    as_of: Option<NaiveDate>,
    format: TextOrJson,
    fail_on_change: bool,
}

fn run_diff(request: &DiffRequest) -> Exit {
    let base_sources = match request.base.strip_prefix("git:") {
        Some(revision) => rule_sources_at_revision(&request.rules, revision),
        None => rule_sources(Path::new(&request.base)),
    };
    let mut programs = Vec::new();
    for sources in [base_sources, rule_sources(&request.rules)] {
        match program_from(sources) {
            Ok(program) => programs.push(program),
            Err(exit) => return exit,
        }
    }
    let (old_program, new_program) = (&programs[0], &programs[1]);
    // Both programs decide over the data as the new rules' schema reads it.
    let data = match read_dataset(&request.input, &read_options(new_program), request.as_of) {
        Ok(data) => data,
        Err(exit) => return exit,
    };
    let changes = compare(old_program, new_program, &data);
    let new_source = request.rules.display().to_string();
    let versions = Versions {
        old: (&request.base, &old_program.digest),
        new: (&new_source, &new_program.digest),
    };
    emit(&match request.format {
        TextOrJson::Text => render_diff_text(&data, &versions, &changes),
        TextOrJson::Json => render_diff_json(&data, &versions, &changes),
    });
    let changed = !changes.members.is_empty() || !changes.records.is_empty();
    drop(changes);
    // As for `eval --summary`: leave the rows to the system at exit.
    std::mem::forget(data);
    if changed && request.fail_on_change {
        Exit::RuleErrors
    } else {
        Exit::Success
    }
}

fn run_gen(
    members: usize,
    seed: u64,
    db: Option<&Path>,
    dump: Option<&Path>,
    profile_path: &Path,
    rules: &Path,
) -> Exit {
    let Some(target) = db.or(dump) else {
        return Exit::BadInput;
    };
    if target.exists() {
        emit_error(
            &Diagnostic::input_error("io", format!("{}: already exists", target.display()))
                .help("gen writes a new file: remove it or name another")
                .styled(),
        );
        return Exit::BadInput;
    }
    let shown = profile_path.display().to_string();
    let case = read_text(profile_path)
        .and_then(|text| read_profile(&shown, &text))
        .and_then(|profile| generate(&profile, members, seed));
    let case = match case {
        Ok(case) => case,
        Err(diagnostic) => {
            emit_error(&diagnostic.styled());
            return Exit::BadInput;
        }
    };
    let Some(dump) = dump else {
        return write_database(&case, target, "generated");
    };
    let program = match program_from(rule_sources(rules)) {
        Ok(program) => program,
        Err(exit) => return exit,
    };
    let Some(&cats_type) = program.cats_types.first() else {
        emit_error(
            &Diagnostic::input_error("usage", "the schema's `store.cats_types` is empty")
                .help("the dump's Assurer Challenge variant takes the first of them")
                .styled(),
        );
        return Exit::BadInput;
    };
    let written = std::fs::File::create_new(dump).and_then(|file| {
        let mut out = std::io::BufWriter::new(file);
        write_mysql_dump(&case, &mut out, cats_type)?;
        std::io::Write::flush(&mut out)
    });
    match written {
        Ok(()) => {
            emit(&format!(
                "generated {} members and {} records into {}\n",
                case.members.len(),
                case.records.len(),
                dump.display()
            ));
            Exit::Success
        }
        Err(e) => {
            let _ = std::fs::remove_file(dump);
            emit_error(
                &Diagnostic::input_error("io", format!("{}: {e}", dump.display()))
                    .help("check the directory and the disk")
                    .styled(),
            );
            Exit::BadInput
        }
    }
}

/// Composes the rules' mailings and writes them into `out` (all files or none), or only
/// prints the summary when there is no `out` (`--dry-run`).
fn run_mailing(input: &Input, as_of: Option<NaiveDate>, rules: &Path, out: Option<&Path>) -> Exit {
    let program = match program_from(rule_sources(rules)) {
        Ok(program) => program,
        Err(exit) => return exit,
    };
    let options = ReadOptions {
        contacts: true,
        ..read_options(&program)
    };
    let data = match read_dataset(input, &options, as_of) {
        Ok(data) => data,
        Err(exit) => return exit,
    };
    let written = match out.map(MailingDirectory::create).transpose() {
        Ok(written) => written,
        Err(diagnostic) => {
            emit_error(&diagnostic.styled());
            return Exit::BadInput;
        }
    };
    let composed = compose(&program, &data, |bag, message| match &written {
        Some(directory) => directory.write(
            &message_file(bag, message.member),
            &render_eml(bag, message, data.as_of),
        ),
        None => Ok(()),
    });
    let bags = match composed {
        Ok(bags) => bags,
        Err(error) => {
            if let Some(directory) = written {
                directory.abandon();
            }
            let (diagnostic, exit) = match error {
                MailingError::None => (
                    Diagnostic::input_error("usage", "the rules order no mailing")
                        .help("a ruling orders one with `mailings:` (see rules/rulings/a20111001.1-part-2.yaml)"),
                    Exit::BadInput,
                ),
                MailingError::NotInForce { id, path } => (
                    Diagnostic::input_error(
                        "usage",
                        format!("mailing `{id}` ({path}) is not in force on {}", data.as_of),
                    )
                    .help("give an `--as-of` on or after the rule file's `effective_from`"),
                    Exit::BadInput,
                ),
                MailingError::Selection { record, message } => (
                    Diagnostic::error("evaluation", format!("record {record}: {message}"))
                        .help("the mailing's selection could not be evaluated: fix the rule"),
                    Exit::RuleErrors,
                ),
                MailingError::Delivery(message) => (
                    Diagnostic::input_error("io", message).help("check the directory and the disk"),
                    Exit::BadInput,
                ),
            };
            emit_error(&diagnostic.styled());
            return exit;
        }
    };
    if let Some(directory) = written
        && let Err(diagnostic) = directory.finish(&render_index(&bags, &data, &program.digest))
    {
        emit_error(&diagnostic.styled());
        return Exit::BadInput;
    }
    let summary = summarize_mailing(&bags);
    emit(&summary_line(&summary));
    for not_mailed in bags.iter().flat_map(|b| &b.not_mailed).filter(|n| n.error) {
        emit_error(&format!(
            "error: member {}: {}\n",
            not_mailed.member,
            crate::data::escape_control(&not_mailed.reason)
        ));
    }
    if summary.errors > 0 {
        Exit::RuleErrors
    } else {
        Exit::Success
    }
}

/// A mailing's output directory, written as a hidden sibling and renamed into place once
/// complete: an operator never finds half a mailing.
struct MailingDirectory {
    out: PathBuf,
    temporary: PathBuf,
}

impl MailingDirectory {
    /// Starts writing `out`, which must not exist or be empty.
    fn create(out: &Path) -> Result<Self, Diagnostic> {
        let fail = |e: std::io::Error| {
            Diagnostic::input_error("io", format!("{}: {e}", out.display()))
                .help("check the directory and the disk")
        };
        if out.exists() {
            let empty = std::fs::read_dir(out).map_err(fail)?.next().is_none();
            if !empty {
                return Err(Diagnostic::input_error(
                    "io",
                    format!("{}: exists and is not empty", out.display()),
                )
                .help("the mailing writes into a new or empty directory: name another"));
            }
        }
        let name = out
            .file_name()
            .map_or("mailing".into(), |n| n.to_string_lossy().into_owned());
        let temporary = out.with_file_name(format!(".{name}.wotrules-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&temporary);
        std::fs::create_dir_all(&temporary).map_err(fail)?;
        Ok(Self {
            out: out.to_path_buf(),
            temporary,
        })
    }

    fn write(&self, file: &str, text: &str) -> Result<(), String> {
        std::fs::write(self.temporary.join(file), text)
            .map_err(|e| format!("{}: {e}", self.out.join(file).display()))
    }

    /// Writes `index.json` and puts the directory in place.
    fn finish(self, index: &str) -> Result<(), Diagnostic> {
        let result = self
            .write("index.json", index)
            .map_err(std::io::Error::other)
            .and_then(|()| {
                if self.out.exists() {
                    std::fs::remove_dir(&self.out)?;
                }
                std::fs::rename(&self.temporary, &self.out)
            });
        result.map_err(|e| {
            let _ = std::fs::remove_dir_all(&self.temporary);
            Diagnostic::input_error("io", format!("{}: {e}", self.out.display()))
                .help("check the directory and the disk")
        })
    }

    /// Removes what was written.
    fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.temporary);
    }
}

/// Imports a `mysqldump`, with a progress bar when standard error is a terminal, then says
/// what was repaired, read as written or left out.
fn run_dump_import(
    dump: &Path,
    db: &Path,
    options: &DumpOptions,
    quarantine: Option<&Path>,
) -> Exit {
    use std::io::IsTerminal;
    let source = match DumpSource::new(dump) {
        Ok(source) => source,
        Err(diagnostic) => {
            emit_error(&diagnostic.styled());
            return Exit::BadInput;
        }
    };
    if let Some(file) = quarantine.filter(|file| file.exists()) {
        emit_error(
            &Diagnostic::input_error("usage", format!("{}: exists", file.display()))
                .help("name a new file for the quarantined rows")
                .styled(),
        );
        return Exit::BadInput;
    }
    let bar = match (std::io::stderr().is_terminal(), source.size()) {
        (true, Some(size)) => indicatif::ProgressBar::new(size).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        (true, None) => indicatif::ProgressBar::new_spinner(),
        (false, _) => indicatif::ProgressBar::hidden(),
    };
    let result = import_mysql_dump(&source, &db.display().to_string(), options, |bytes| {
        bar.set_position(bytes);
    });
    bar.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(diagnostic) => {
            emit_error(&diagnostic.styled());
            return Exit::BadInput;
        }
    };
    if let Some(file) = quarantine
        && let Err(e) = write_quarantine(file, &report.quarantined)
    {
        emit_error(
            &Diagnostic::input_error("io", format!("{}: {e}", file.display()))
                .help("the database was written; the quarantined rows could not be listed")
                .styled(),
        );
        return Exit::BadInput;
    }
    let counts = &report.counts;
    let from = report
        .database
        .as_ref()
        .map_or(String::new(), |d| format!(" of database `{d}`"));
    emit(&format!(
        "imported {} users, {} notary rows, {} CATS passes and {} CATS variants{from} into {}\n",
        counts.users,
        counts.notary,
        counts.cats_passed,
        counts.cats_variant,
        db.display()
    ));
    for note in dump_notes(&report, quarantine) {
        emit_error(&format!("note: {note}\n"));
    }
    Exit::Success
}

/// What an operator should know of an import that succeeded.
fn dump_notes(report: &DumpReport, quarantine: Option<&Path>) -> Vec<String> {
    let mut notes = Vec::new();
    if report.repaired_texts > 0 {
        notes.push(format!(
            "{} texts were written re-encoded by a UTF-8 connection (\"Jörg\" as \"JÃ¶rg\") and were read back as the webdb shows them",
            report.repaired_texts
        ));
    }
    if let Some((columns, zone, values)) = &report.timestamps_as_written {
        notes.push(format!(
            "{values} {} of {} {} read as the dump wrote {}, in {zone}: give `--time-zone` with the server's zone to read them in its local time",
            if *values == 1 { "value" } else { "values" },
            columns.join(", "),
            if *values == 1 { "was" } else { "were" },
            if *values == 1 { "it" } else { "them" },
        ));
    }
    if report.unchecked_end {
        notes.push("the dump has no mysqldump header and last line (`--compact` or `--skip-comments`): a dump cut between two statements cannot be told from a whole one".into());
    }
    if let Some(file) = quarantine {
        notes.push(format!(
            "{} rows failed validation and were left out: {}",
            report.quarantined.len(),
            file.display()
        ));
    }
    notes
}

/// Writes the quarantined rows as JSON lines.
fn write_quarantine(file: &Path, rows: &[Quarantined]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create_new(file)?);
    for row in rows {
        serde_json::to_writer(&mut out, row)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

fn parse_charset(text: &str) -> Result<crate::store::Charset, String> {
    crate::store::Charset::named(text)
        .ok_or_else(|| format!("`{text}` is not a character set the reader knows: latin1, utf8, utf8mb3, utf8mb4 or binary"))
}

fn parse_zone(text: &str) -> Result<crate::store::Zone, String> {
    crate::store::Zone::parse(text)
}
