//! `mysqldump` files of CAcert's production database: read as a stream, statement by
//! statement, into the SQLite store.
//!
//! A reader for exactly what `mysqldump` and `mariadb-dump` write, not a SQL parser
//! (`split` cuts statements, `parse` reads the few that matter, `kept` converts the rows of
//! the tables and columns the rules and the mailing read, `text` reads text and times as the
//! webdb sees them). One database is read: the only one, or the one named. A dump that can
//! be read twice (a file) is first read without writing, so that a truncated dump, a missing
//! table or a second database is reported before anything is written.

mod kept;
mod parse;
mod settle;
mod source;
mod split;
mod text;
mod write;

use rusqlite::types::Value as SqlValue;

use self::kept::{DumpZone, Fault, KEPT, Reading, Shape, kept_index};
use self::parse::{Parsed, TableDef};
use self::split::{Piece, SplitError, Statements};
use super::replace::{Replacement, Target};
use super::sqlite::{commit_database, sql_error, write_beside};
use wotrules_core::diag::{Diagnostic, DiagnosticCode};

pub use self::source::DumpSource;
pub use self::text::{Charset, Zone};
pub use self::write::{write_mysql_dump, write_mysql_dump_file};

/// How to read a dump where it does not say, and what to do with a bad row.
#[derive(Debug, Clone, Default)]
pub struct DumpOptions {
    /// Read this database of a dump that holds several (`--database`).
    pub database: Option<String>,
    /// The character set the dump was written in, for a dump that does not say
    /// (`--compact`, `--skip-set-charset`, `--compatible=ansi`).
    pub charset: Option<Charset>,
    /// The server's time zone, in which the webdb sees `timestamp` columns; a dump written
    /// in UTC (mysqldump's `--tz-utc`, the default) is converted to it.
    pub time_zone: Option<Zone>,
    /// Leave rows that fail validation out, and report them, instead of refusing the dump.
    pub quarantine: bool,
}

/// How many rows of each kept table an import wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DumpCounts {
    /// Rows of `users`.
    pub users: u64,
    /// Rows of `notary`.
    pub notary: u64,
    /// Rows of `cats_passed`.
    pub cats_passed: u64,
    /// Rows of `cats_variant`.
    pub cats_variant: u64,
}

/// A row's id: a number, or the text the dump writes where it is not one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum RowId {
    /// A whole number, as CAcert's ids are.
    Number(i64),
    /// What the dump writes instead.
    Text(String),
}

impl RowId {
    fn of(value: Option<&parse::DumpValue>) -> Self {
        let shown = value.map_or_else(String::new, parse::DumpValue::shown);
        shown.trim().parse().map_or(Self::Text(shown), Self::Number)
    }
}

impl std::fmt::Display for RowId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(id) => write!(f, "{id}"),
            Self::Text(text) => write!(f, "`{text}`"),
        }
    }
}

/// A row left out of the import (`--quarantine`), and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Quarantined {
    /// The dump's line the row stands on (`None` for a row left out after reading: a
    /// record of a member whose row was left out).
    pub line: Option<usize>,
    /// Its table.
    pub table: &'static str,
    /// Its id.
    pub id: RowId,
    /// The column that failed, if one did.
    pub column: Option<&'static str>,
    /// Why.
    pub reason: String,
}

/// What an import read and did.
#[derive(Debug, Clone, Default)]
pub struct DumpReport {
    /// Rows written per table.
    pub counts: DumpCounts,
    /// The database read, when the dump names it.
    pub database: Option<String>,
    /// Texts the dump held re-encoded by a UTF-8 connection, repaired.
    pub repaired_texts: u64,
    /// `timestamp` columns read as the dump wrote them (no server zone was given), with the
    /// zone they were written in and how many values: `(table.column…, zone, values)`.
    pub timestamps_as_written: Option<(Vec<String>, String, u64)>,
    /// Whether the dump lacks mysqldump's header and last line (`--compact`,
    /// `--skip-comments`), so that a dump cut between two statements cannot be told apart.
    pub unchecked_end: bool,
    /// Rows left out (`--quarantine`).
    pub quarantined: Vec<Quarantined>,
}

/// Imports a `mysqldump` of CAcert's database into a new SQLite database at `db`, replacing
/// it only when the whole dump has been read: a bad or truncated dump is an error naming
/// its line, and leaves the old file (or none) in place. With `quarantine`, the rows left
/// out are listed in that new file; the list and the database are both written or neither.
/// `progress` is told how many bytes of the source have been read.
pub fn import_mysql_dump(
    source: &DumpSource,
    db: Target,
    quarantine: Option<Target>,
    options: &DumpOptions,
    mut progress: impl FnMut(u64),
) -> Result<DumpReport, Diagnostic> {
    if source.rereadable() {
        let mut survey = DumpReader::new(source.shown(), options, None);
        survey.read(source, &mut |_| {})?;
    }
    let mut report = DumpReport::default();
    let shown = db.shown().to_string();
    let copy = write_beside(db, false, |transaction| {
        let sql = |e: rusqlite::Error| sql_error(&shown, &e);
        transaction
            .execute_batch(
                "CREATE TABLE cats_variant (id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL);",
            )
            .map_err(sql)?;
        let mut inserts = Vec::new();
        for kept in KEPT {
            let names: Vec<String> = kept
                .columns
                .iter()
                .map(|(n, _)| format!("\"{n}\""))
                .collect();
            let holes: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
            let statement = transaction
                .prepare(&format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    kept.table,
                    names.join(", "),
                    holes.join(", ")
                ))
                .map_err(sql)?;
            inserts.push(statement);
        }
        let mut reader = DumpReader::new(source.shown(), options, Some(inserts));
        reader.read(source, &mut progress)?;
        reader.inserts = None;
        reader.settle(transaction, &shown)?;
        report = reader.report();
        Ok(())
    })?;
    let listed = match quarantine {
        Some(target) => Some(write_quarantine(target, &report.quarantined)?),
        None => None,
    };
    commit_database(copy).inspect_err(|_| {
        if let Some(listed) = &listed {
            let _ = std::fs::remove_file(listed);
        }
    })?;
    Ok(report)
}

/// Writes the quarantined rows, as JSON lines, to the new file `target` (private: the
/// reasons quote the rows' texts); returns its path.
fn write_quarantine(
    target: Target,
    rows: &[Quarantined],
) -> Result<std::path::PathBuf, Diagnostic> {
    use std::io::Write;
    let shown = target.shown().to_string();
    let path = target.path().to_path_buf();
    let written = Replacement::beside(target).and_then(|list| {
        let mut out =
            std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(list.path())?);
        for row in rows {
            serde_json::to_writer(&mut out, row)?;
            out.write_all(b"\n")?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        list.commit()
    });
    written.map_err(|e| {
        Diagnostic::input_error(DiagnosticCode::Io, format!("{shown}: {e}"))
            .help("the list of quarantined rows could not be written, so the database was not replaced either: check the directory and the disk")
    })?;
    Ok(path)
}

fn dump_error(path: &str, line: usize, message: String, help: &str) -> Diagnostic {
    Diagnostic::input_error(
        DiagnosticCode::MysqlDump,
        format!("{path}:{line}: {message}"),
    )
    .help(help)
}

impl SplitError {
    fn at(self, path: &str) -> Diagnostic {
        dump_error(path, self.line, self.message, self.help)
    }
}

/// A database of the dump, as far as its kept tables go.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chosen {
    /// Its name (`None`: the dump does not name it).
    name: Option<String>,
    /// The line its first kept table stands on.
    line: usize,
}

/// Reads a dump's pieces; with `inserts`, writes the kept rows through them, else only
/// checks what the dump holds (the survey).
struct DumpReader<'a, 'c> {
    path: &'a str,
    options: &'a DumpOptions,
    inserts: Option<Vec<rusqlite::Statement<'c>>>,
    /// The database of the statements being read (`USE`), when the dump names one.
    current: Option<String>,
    /// The database read, once a kept table has been met.
    chosen: Option<Chosen>,
    /// Every database the dump names, in order.
    databases: Vec<String>,
    /// Per kept table: its `CREATE TABLE`, and whether the dump holds it.
    tables: Vec<Option<TableDef>>,
    present: Vec<bool>,
    /// Per kept table: the shape of its rows without a column list.
    shapes: Vec<Option<Shape>>,
    /// Per kept table: the `timestamp` columns read.
    timestamp_columns: Vec<String>,
    reading: Reading,
    counts: [u64; 4],
    /// Per kept table: the highest id among its rows (written or not).
    max_ids: [Option<i64>; 4],
    quarantined: Vec<Quarantined>,
    /// Rows whose text is not what the dump's character set says, held until the end tells
    /// a bad row from a dump read with the wrong character set.
    charset_suspects: Vec<Quarantined>,
    unchecked_end: bool,
    /// Whether the dump opened with mysqldump's header.
    has_header: bool,
    /// Per kept table: the line of its `CREATE TABLE`.
    table_lines: [usize; 4],
    /// The dump's last line.
    last_line: usize,
}

impl<'a, 'c> DumpReader<'a, 'c> {
    fn new(
        path: &'a str,
        options: &'a DumpOptions,
        inserts: Option<Vec<rusqlite::Statement<'c>>>,
    ) -> Self {
        Self {
            path,
            options,
            inserts,
            current: None,
            chosen: None,
            databases: Vec::new(),
            tables: vec![None; KEPT.len()],
            present: vec![false; KEPT.len()],
            shapes: vec![None; KEPT.len()],
            timestamp_columns: Vec::new(),
            reading: Reading {
                connection: options.charset,
                server_zone: options.time_zone,
                ..Reading::default()
            },
            counts: [0; 4],
            max_ids: [None; 4],
            quarantined: Vec::new(),
            charset_suspects: Vec::new(),
            unchecked_end: false,
            has_header: false,
            table_lines: [0; 4],
            last_line: 0,
        }
    }

    fn error(&self, line: usize, message: String, help: &str) -> Diagnostic {
        dump_error(self.path, line, message, help)
    }

    /// Reads the whole dump.
    fn read(
        &mut self,
        source: &DumpSource,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Diagnostic> {
        let (input, position) = source.open()?;
        let mut statements = Statements::new(input);
        while let Some(piece) = statements.next_piece().map_err(|e| e.at(self.path))? {
            progress(position.get());
            if self.reading.dump_zone == DumpZone::Unknown && statements.has_header() == Some(true)
            {
                // mysqldump states the zone right after its header, unless `--skip-tz-utc`.
                self.reading.dump_zone = DumpZone::Server;
            }
            match piece {
                Piece::TableComment(table, line) => {
                    if let Some(index) = kept_index(&table)
                        && self.in_scope(line, statements.header_database.as_deref())?
                    {
                        self.present[index] = true;
                    }
                }
                Piece::Statement(statement) => {
                    self.statement(&statement, statements.header_database.as_deref())?
                }
            }
        }
        self.has_header = statements.has_header() == Some(true);
        self.last_line = statements.line;
        if self.chosen.is_none() {
            return Err(self.nothing_read(statements.line));
        }
        statements.finish().map_err(|e| e.at(self.path))?;
        self.unchecked_end = statements.has_header() != Some(true);
        self.missing_table(statements.line)
    }

    /// Whether a kept table's statement at `line` belongs to the database read; a second
    /// database with CAcert's tables is an error unless one was named.
    fn in_scope(&mut self, line: usize, header: Option<&str>) -> Result<bool, Diagnostic> {
        let name = self.current.clone().or_else(|| header.map(str::to_string));
        if let Some(wanted) = &self.options.database {
            let inside = name.as_ref().is_some_and(|n| n == wanted);
            if inside && self.chosen.is_none() {
                self.chosen = Some(Chosen { name, line });
            }
            return Ok(inside);
        }
        match &self.chosen {
            None => {
                self.chosen = Some(Chosen { name, line });
                Ok(true)
            }
            Some(chosen) if chosen.name == name => Ok(true),
            Some(chosen) => Err(self.error(
                line,
                format!(
                    "the dump holds CAcert's tables in more than one database: {} (line {}) and {} (line {line})",
                    shown_database(chosen.name.as_deref()),
                    chosen.line,
                    shown_database(name.as_deref())
                ),
                "read one of them with `--database NAME`",
            )),
        }
    }

    fn statement(
        &mut self,
        statement: &split::Statement,
        header: Option<&str>,
    ) -> Result<(), Diagnostic> {
        let parsed = parse::parse(&statement.text).map_err(|(message, newlines)| {
            self.error(statement.line + newlines, message, "check the dump")
        })?;
        match parsed {
            Parsed::SetNames(name) => {
                self.reading.connection_stated = true;
                let Some(charset) = Charset::named(&name) else {
                    return Err(self.error(
                        statement.line,
                        format!("the dump was written in the character set `{name}`"),
                        "dump with `--default-character-set=latin1` (exact for CAcert's latin1 tables) or `utf8mb4`",
                    ));
                };
                self.reading.connection = Some(charset);
            }
            Parsed::SetTimeZone(zone) => {
                let zone = Zone::parse(&zone).map_err(|message| {
                    self.error(statement.line, message, "check the dump's `SET TIME_ZONE`")
                })?;
                self.reading.dump_zone = DumpZone::Stated(zone);
            }
            Parsed::Use(database) => {
                if !self.databases.contains(&database) {
                    self.databases.push(database.clone());
                }
                self.current = Some(database);
            }
            Parsed::CreateTable(table) => {
                let Some(index) = kept_index(&table.name) else {
                    return Ok(());
                };
                if !self.in_scope(statement.line, header)? {
                    return Ok(());
                }
                let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
                let shape = Shape::new(index, &columns, Some(&table)).map_err(|message| {
                    self.error(
                        statement.line,
                        message,
                        "this is not CAcert's production schema: the rules and the mailing need that column",
                    )
                })?;
                self.present[index] = true;
                self.shapes[index] = Some(shape);
                self.tables[index] = Some(table);
                self.table_lines[index] = statement.line;
            }
            Parsed::Insert {
                table,
                columns,
                rows,
            } => {
                let Some(index) = kept_index(&table) else {
                    return Ok(());
                };
                if !self.in_scope(statement.line, header)? {
                    return Ok(());
                }
                self.present[index] = true;
                let shape = match columns {
                    Some(columns) => {
                        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                        Shape::new(index, &columns, self.tables[index].as_ref()).map_err(
                            |message| {
                                self.error(
                                    statement.line,
                                    message,
                                    "this is not CAcert's production schema: the rules and the mailing need that column",
                                )
                            },
                        )?
                    }
                    None => match &self.shapes[index] {
                        Some(shape) => shape.clone(),
                        None => {
                            return Err(self.error(
                                statement.line,
                                format!(
                                    "rows of `{table}` before its `CREATE TABLE`: the order of its columns is unknown"
                                ),
                                "dump with the table definitions, or with `--no-create-info --complete-insert`",
                            ));
                        }
                    },
                };
                if self.inserts.is_some() {
                    self.rows(index, &shape, rows, statement.line)?;
                }
            }
            Parsed::Other => {}
        }
        Ok(())
    }

    /// Writes the rows of an `INSERT` into kept table `index`.
    fn rows(
        &mut self,
        index: usize,
        shape: &Shape,
        mut cursor: parse::Cursor,
        line: usize,
    ) -> Result<(), Diagnostic> {
        let table = KEPT[index].table;
        for column in shape.timestamp_columns(index) {
            let name = format!("{table}.{column}");
            if !self.timestamp_columns.contains(&name) {
                self.timestamp_columns.push(name);
            }
        }
        loop {
            cursor.skip_space();
            let row_line = line + cursor.newlines();
            let values = cursor.tuple().map_err(|message| {
                self.error(
                    line + cursor.newlines(),
                    format!("`{table}`: {message}"),
                    "the dump is damaged or truncated: dump the database again",
                )
            })?;
            let id = RowId::of(shape.positions.first().and_then(|&i| values.get(i)));
            if let RowId::Number(number) = id {
                self.max_ids[index] = self.max_ids[index].max(Some(number));
            }
            let fault = match self.reading.row(index, shape, values) {
                Ok(row) => match self.insert(index, row) {
                    Ok(()) => None,
                    Err(Inserted::Refused(reason)) => Some(Fault::Row(None, reason)),
                    Err(Inserted::Failed(error)) => return Err(sql_error(self.path, &error)),
                },
                Err(fault) => Some(fault),
            };
            let quarantined = |column, reason| Quarantined {
                line: Some(row_line),
                table,
                id: id.clone(),
                column,
                reason,
            };
            match fault {
                None => self.counts[index] += 1,
                Some(Fault::Dump(column, message, help)) => {
                    return Err(self.error(
                        row_line,
                        format!("`{table}` row {id}, column `{column}`: {message}"),
                        help,
                    ));
                }
                Some(Fault::Charset(column, reason)) => {
                    self.charset_suspects
                        .push(quarantined(Some(column), reason));
                }
                Some(Fault::Row(column, reason)) if self.options.quarantine => {
                    self.quarantined.push(quarantined(column, reason));
                }
                Some(Fault::Row(column, reason)) => {
                    return Err(self.row_error(&quarantined(column, reason)));
                }
            }
            match cursor.next_byte() {
                Some(b',') => continue,
                None => return Ok(()),
                Some(other) => {
                    return Err(self.error(
                        line + cursor.newlines(),
                        format!(
                            "`{table}`: `{}` after a row, where `,` or the end of the statement belongs",
                            other as char
                        ),
                        "the dump is damaged: dump the database again",
                    ));
                }
            }
        }
    }

    /// Writes one row: refused for a duplicate id (the row's fault), failed otherwise (the
    /// database's: a full disk).
    fn insert(&mut self, index: usize, row: Vec<SqlValue>) -> Result<(), Inserted> {
        let Some(inserts) = &mut self.inserts else {
            return Ok(());
        };
        inserts[index]
            .execute(rusqlite::params_from_iter(row))
            .map(|_| ())
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(failure, _)
                    if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Inserted::Refused(
                        "an earlier row has the same id (ids are unique in CAcert's tables)".into(),
                    )
                }
                other => Inserted::Failed(other),
            })
    }

    /// The error that refuses the dump for a bad row.
    fn row_error(&self, row: &Quarantined) -> Diagnostic {
        let at = row
            .column
            .map_or(String::new(), |c| format!(", column `{c}`"));
        self.error(
            row.line.unwrap_or(0),
            format!("`{}` row {}{at}: {}", row.table, row.id, row.reason),
            "fix the row in the database and dump it again, or leave such rows out with `--quarantine FILE`",
        )
    }

    /// The error for a dump in which no kept table was met (in the database named).
    fn nothing_read(&self, last_line: usize) -> Diagnostic {
        if let Some(wanted) = &self.options.database {
            let found = if self.databases.is_empty() {
                "it names none".to_string()
            } else {
                let names: Vec<String> = self.databases.iter().map(|d| format!("`{d}`")).collect();
                format!("it has {}", names.join(", "))
            };
            return self.error(
                last_line,
                format!("the dump has no database `{wanted}` with CAcert's tables ({found})"),
                "name one of the dump's databases with `--database`",
            );
        }
        if self.has_header {
            return self.error(
                last_line,
                "the dump ends after mysqldump's header, before any table: mysqldump stopped (a missing privilege, such as `--master-data` without RELOAD?)".into(),
                "the dump is truncated: read mysqldump's error and dump the database again",
            );
        }
        self.error(
            last_line,
            "no `CREATE TABLE` or rows of CAcert's `users`, `notary`, `cats_passed` or `cats_variant`: this is not a dump of CAcert's database".into(),
            "dump it with `mariadb-dump --default-character-set=latin1 cacert > cacert.sql`",
        )
    }

    /// At the end: the database read has every kept table.
    fn missing_table(&self, last_line: usize) -> Result<(), Diagnostic> {
        if let Some(missing) = KEPT
            .iter()
            .zip(&self.present)
            .find_map(|(kept, present)| (!present).then_some(kept.table))
        {
            return Err(self.error(
                last_line,
                format!("the dump has no table `{missing}` (no `CREATE TABLE` and no rows)"),
                "dump CAcert's database with its `users`, `notary`, `cats_passed` and `cats_variant` tables",
            ));
        }
        Ok(())
    }

    fn report(&self) -> DumpReport {
        let [users, notary, cats_passed, cats_variant] = self.counts;
        let as_written = self.reading.timestamps_as_written;
        DumpReport {
            counts: DumpCounts {
                users,
                notary,
                cats_passed,
                cats_variant,
            },
            database: self.chosen.as_ref().and_then(|c| c.name.clone()),
            repaired_texts: self.reading.repaired,
            timestamps_as_written: (as_written > 0).then(|| {
                let zone = match self.reading.dump_zone {
                    DumpZone::Stated(Zone::Offset(offset)) => format!("{offset} (its SET TIME_ZONE)"),
                    DumpZone::Stated(Zone::Named(zone)) => format!("{zone} (its SET TIME_ZONE)"),
                    DumpZone::Server | DumpZone::Unknown => "a zone the dump does not say (mysqldump writes UTC unless `--skip-tz-utc`; `--compact` drops the SET TIME_ZONE that says so)".into(),
                };
                (self.timestamp_columns.clone(), zone, as_written)
            }),
            unchecked_end: self.unchecked_end,
            quarantined: self.quarantined.clone(),
        }
    }
}

/// Why a row was not written.
enum Inserted {
    /// The row's fault: its id is taken.
    Refused(String),
    /// The database's: SQLite failed (a full disk).
    Failed(rusqlite::Error),
}

fn shown_database(name: Option<&str>) -> String {
    name.map_or("an unnamed database".into(), |n| format!("`{n}`"))
}
