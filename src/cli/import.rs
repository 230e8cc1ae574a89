//! `wotrules import`: a case file, or a dump of CAcert's production database, into a
//! SQLite database, all or nothing.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{Exit, emit, emit_error, fail};
use wotrules_core::diag::{Diagnostic, DiagnosticCode, render_styled};
use wotrules_core::words::counted;
use wotrules_store::{
    Charset, DumpOptions, DumpReport, DumpSource, Replaces, Target, Zone, import_case,
    import_mysql_dump, read_case_file, same_file,
};

#[derive(Args)]
pub(super) struct ImportArgs {
    /// The case file (its rows are added to the database).
    #[arg(conflicts_with = "mysql_dump", required_unless_present = "mysql_dump")]
    file: Option<PathBuf>,
    /// Instead, a `mysqldump` of CAcert's database (`-` for standard input; gzip is
    /// read as such): the database is replaced by its `users`, `notary`, `cats_passed`
    /// and `cats_variant` rows once all have been read.
    #[arg(long)]
    mysql_dump: Option<PathBuf>,
    /// The database (created when missing, private to its owner; an existing SQLite
    /// database keeps its mode and owner; anything else is refused). A link is written
    /// through to the file it names.
    #[arg(long)]
    db: PathBuf,
    /// The database to read from a dump of several (`--databases`, `--all-databases`).
    #[arg(long, requires = "mysql_dump")]
    database: Option<String>,
    /// The character set a dump was written in, where it does not say (`--compact`,
    /// `--skip-set-charset`, `--compatible=ansi`): `latin1` or `utf8mb4`.
    #[arg(long, requires = "mysql_dump", value_parser = parse_charset)]
    dump_charset: Option<Charset>,
    /// The MariaDB server's time zone (`+01:00`, `Europe/Berlin`): a dump written in UTC
    /// (mysqldump's default `--tz-utc`) has its `timestamp` columns converted to it.
    #[arg(long, requires = "mysql_dump", value_parser = Zone::parse)]
    time_zone: Option<Zone>,
    /// Leave the dump's rows that fail validation out of the import (and the records of
    /// members left out), and write each with its line, table, id, column and reason to the
    /// new, private FILE (JSON lines). A problem of the whole dump (its character set, time
    /// zone, a missing table, a cut) is refused all the same.
    #[arg(long, requires = "mysql_dump", value_name = "FILE")]
    quarantine: Option<PathBuf>,
}

pub(super) fn run(args: &ImportArgs) -> Exit {
    match (&args.file, &args.mysql_dump) {
        (_, Some(dump)) => {
            let options = DumpOptions {
                database: args.database.clone(),
                charset: args.dump_charset,
                time_zone: args.time_zone,
                quarantine: args.quarantine.is_some(),
            };
            import_dump(dump, &args.db, &options, args.quarantine.as_deref())
        }
        (Some(file), None) => import_case_file(file, &args.db),
        (None, None) => Exit::BadInput,
    }
}

/// The database to write, checked: a SQLite database, an empty file or nothing, and not
/// the input itself; a link is written through (and said so).
fn database_target(db: &Path, input: Option<&Path>) -> Result<Target, Exit> {
    if let Some(input) = input
        && same_file(db, input)
    {
        return Err(fail(
            &Diagnostic::input_error(
                DiagnosticCode::Usage,
                format!("{}: is the file being imported", db.display()),
            )
            .help("name another file for the database: importing would replace its own input"),
            Exit::BadInput,
        ));
    }
    let target = Target::check(db, Replaces::Database).map_err(|d| fail(&d, Exit::BadInput))?;
    if let Some(link) = &target.through_link {
        emit_error(&format!(
            "note: {} is a link: writing through it to {}\n",
            link.display(),
            target.path().display()
        ));
    }
    Ok(target)
}

fn import_case_file(file: &Path, db: &Path) -> Exit {
    let target = match database_target(db, Some(file)) {
        Ok(target) => target,
        Err(exit) => return exit,
    };
    let case = match read_case_file(file) {
        Ok(case) => case,
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            return Exit::BadInput;
        }
    };
    match import_case(&case, target) {
        Ok(()) => {
            emit(&format!(
                "imported {} and {} into {}\n",
                counted(case.members.len(), "member"),
                counted(case.records.len(), "record"),
                db.display(),
            ));
            Exit::Success
        }
        Err(diagnostic) => fail(&diagnostic, Exit::BadInput),
    }
}

/// Imports a `mysqldump`, with a progress bar when standard error is a terminal, then says
/// what was repaired, read as written or left out.
fn import_dump(dump: &Path, db: &Path, options: &DumpOptions, quarantine: Option<&Path>) -> Exit {
    use std::io::IsTerminal;
    let source = match DumpSource::new(dump) {
        Ok(source) => source,
        Err(diagnostic) => {
            emit_error(&diagnostic.styled());
            return Exit::BadInput;
        }
    };
    let target = match database_target(db, source.path()) {
        Ok(target) => target,
        Err(exit) => return exit,
    };
    let list = match quarantine
        .map(|file| Target::check(file, Replaces::Nothing))
        .transpose()
    {
        Ok(list) => list,
        Err(diagnostic) => {
            return fail(
                &diagnostic.help("name a new file for the quarantined rows"),
                Exit::BadInput,
            );
        }
    };
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
    let result = import_mysql_dump(&source, target, list, options, |bytes| {
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
    let counts = &report.counts;
    let from = report
        .database
        .as_ref()
        .map_or(String::new(), |d| format!(" of database `{d}`"));
    for note in dump_notes(&report, quarantine) {
        emit_error(&format!("note: {note}\n"));
    }
    emit(&format!(
        "imported {} users, {} notary rows, {} CATS passes and {} CATS variants{from} into {}\n",
        counts.users,
        counts.notary,
        counts.cats_passed,
        counts.cats_variant,
        db.display()
    ));
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

fn parse_charset(text: &str) -> Result<Charset, String> {
    Charset::named(text).ok_or_else(|| {
        format!("`{text}` is not a character set the reader knows: latin1, utf8, utf8mb3, utf8mb4 or binary")
    })
}
