//! The command line: argument parsing, files in and out, exit codes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::check::{Program, check};
use crate::data::Dataset;
use crate::diag::{Diagnostic, render};
use crate::eval::{Evaluation, Selection};
use crate::report::{render_json, render_text};
use crate::rules::{RuleSources, load_rule_set};
use crate::store::{CaseFile, import_case, read_case, read_database};

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
    Check {
        /// The rules directory.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
    },
    /// Decide every output for a case file or a database.
    Eval {
        /// A case file (YAML).
        #[arg(long, conflicts_with = "db", required_unless_present = "db")]
        case: Option<PathBuf>,
        /// A SQLite database with CAcert's tables (opened read-only).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Only this member and the records it received.
        #[arg(long)]
        member: Option<i64>,
        /// The date to evaluate as of (default: the case's `as_of`, else today).
        #[arg(long, value_parser = parse_as_of)]
        as_of: Option<NaiveDate>,
        /// The rules directory.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Add the chain of rules and citations behind every value.
        #[arg(long)]
        explain: bool,
    },
    /// Load a case file into a SQLite database, in one transaction.
    Import {
        /// The case file.
        file: PathBuf,
        /// The database (created when missing).
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_as_of(text: &str) -> Result<NaiveDate, String> {
    crate::store::parse_date(text)
}

/// Runs the command line and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let exit = match cli.command {
        Command::Check { rules } => run_check(&rules),
        Command::Eval {
            case,
            db,
            member,
            as_of,
            rules,
            format,
            explain,
        } => {
            let input = match (case, db) {
                (Some(case), _) => Input::Case(case),
                (None, Some(db)) => Input::Database(db),
                (None, None) => Input::Case(PathBuf::new()),
            };
            run_eval(&EvalRequest {
                input,
                member,
                as_of,
                rules,
                format,
                explain,
            })
        }
        Command::Import { file, db } => run_import(&file, &db),
    };
    ExitCode::from(exit as u8)
}

/// Writes a report to standard output; a closed pipe (`| head`) ends the output quietly.
fn emit(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Reads a text file; a missing file, a directory or non-UTF-8 bytes are a diagnostic.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(
            Diagnostic::error("io", format!("{shown}: is a directory, not a file"))
                .help("give the path of a file"),
        );
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            "io",
            format!("{shown}: cannot read: {}", e.to_string().to_lowercase()),
        )
        .help("check the path")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            "encoding",
            format!(
                "{shown}: byte {} is not valid UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
        .help("save the file as UTF-8")
    })
}

/// Every `*.yaml` under `dir`, recursively, sorted; `schema.yaml` at its root is the schema.
fn rule_sources(dir: &Path) -> Result<RuleSources, Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Err(vec![
            Diagnostic::error("io", format!("{}: no such rules directory", dir.display()))
                .help("pass `--rules DIR`"),
        ]);
    }
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    let mut errors = Vec::new();
    while let Some(folder) = pending.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(Diagnostic::error(
                    "io",
                    format!("{}: cannot list: {e}", folder.display()),
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let schema_path = dir.join("schema.yaml");
    let mut sources = RuleSources::default();
    for path in paths {
        match read_text(&path) {
            Ok(text) if path == schema_path => sources.schema = (path.display().to_string(), text),
            Ok(text) => sources.rule_files.push((path.display().to_string(), text)),
            Err(error) => errors.push(error),
        }
    }
    if sources.schema.0.is_empty() {
        errors.push(
            Diagnostic::error("no-schema", format!("{}: no schema.yaml", dir.display()))
                .help("the rules directory needs `schema.yaml` declaring fields and outputs"),
        );
    }
    if errors.is_empty() {
        Ok(sources)
    } else {
        Err(errors)
    }
}

/// Loads and checks the rules in `dir`: the program, or the exit code after printing why not.
pub fn load_program(dir: &Path) -> Result<(Program, Vec<Diagnostic>), (Exit, Vec<Diagnostic>)> {
    let sources = rule_sources(dir).map_err(|errors| {
        let exit = if errors.iter().all(|e| e.code == "io") {
            Exit::BadInput
        } else {
            Exit::RuleErrors
        };
        (exit, errors)
    })?;
    let (set, mut diagnostics) = load_rule_set(sources);
    let (program, check_diagnostics) = check(&set);
    diagnostics.extend(check_diagnostics);
    match program {
        Some(program) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok((program, diagnostics))
        }
        _ => Err((Exit::RuleErrors, diagnostics)),
    }
}

fn run_check(rules: &Path) -> Exit {
    match load_program(rules) {
        Ok((program, warnings)) => {
            eprint!("{}", render(&warnings));
            emit(&format!(
                "{} rule files, {} definitions: ok\n",
                program.files.len(),
                program.definitions.len(),
            ));
            Exit::Success
        }
        Err((exit, diagnostics)) => {
            eprint!("{}", render(&diagnostics));
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("{errors} error(s)");
            exit
        }
    }
}

enum Input {
    Case(PathBuf),
    Database(PathBuf),
}

struct EvalRequest {
    input: Input,
    member: Option<i64>,
    as_of: Option<NaiveDate>,
    rules: PathBuf,
    format: Format,
    explain: bool,
}

fn read_input(input: &Input) -> Result<CaseFile, Vec<Diagnostic>> {
    match input {
        Input::Case(path) => {
            let text = read_text(path).map_err(|e| vec![e])?;
            read_case(&path.display().to_string(), &text)
        }
        Input::Database(path) => read_database(&path.display().to_string()).map_err(|e| vec![e]),
    }
}

fn run_eval(request: &EvalRequest) -> Exit {
    let program = match load_program(&request.rules) {
        Ok((program, _warnings)) => program,
        Err((exit, diagnostics)) => {
            eprint!("{}", render(&diagnostics));
            return exit;
        }
    };
    let case = match read_input(&request.input) {
        Ok(case) => case,
        Err(diagnostics) => {
            eprint!("{}", render(&diagnostics));
            return Exit::BadInput;
        }
    };
    let as_of = request
        .as_of
        .or(case.as_of)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let data = Dataset::new(as_of, case.request, case.members, case.records);
    let selection = match request.member {
        None => Selection::All,
        Some(id) => match data
            .members
            .iter()
            .position(|m| m.evaluated && m.row.id == id)
        {
            Some(index) => Selection::Member(index),
            None => {
                eprint!(
                    "{}",
                    Diagnostic::error("unknown-member", format!("member {id} is not in the data"))
                        .help("`--member` takes the id of a listed member")
                );
                return Exit::BadInput;
            }
        },
    };
    let mut evaluation = Evaluation::new(&program, &data);
    let decisions = evaluation.decide_all(selection, request.explain);
    let output = match request.format {
        Format::Json => render_json(&data, &program.digest, &decisions),
        Format::Text => render_text(&data, &program.digest, &decisions),
    };
    emit(&output);
    if decisions.has_errors() {
        eprintln!("error: some outputs could not be evaluated; see `errors` in the output");
        return Exit::RuleErrors;
    }
    Exit::Success
}

fn run_import(file: &Path, db: &Path) -> Exit {
    let case = match read_input(&Input::Case(file.to_path_buf())) {
        Ok(case) => case,
        Err(diagnostics) => {
            eprint!("{}", render(&diagnostics));
            return Exit::BadInput;
        }
    };
    match import_case(&case, &db.display().to_string()) {
        Ok(()) => {
            emit(&format!(
                "imported {} members and {} records into {}\n",
                case.members.len(),
                case.records.len(),
                db.display(),
            ));
            Exit::Success
        }
        Err(diagnostic) => {
            eprint!("{diagnostic}");
            Exit::BadInput
        }
    }
}
