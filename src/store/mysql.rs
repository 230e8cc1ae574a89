//! `mysqldump` files of CAcert's production database: read as a stream, statement by
//! statement, into the SQLite store.
//!
//! A reader for exactly what `mysqldump` (MySQL and MariaDB) writes, not a SQL parser:
//! `CREATE TABLE` gives each table's column order, `INSERT INTO … VALUES (…),(…)` its rows;
//! `DROP`, `LOCK TABLES`, `SET`, `/*!…*/` and every other statement, and every other table,
//! are skipped. Only the columns the rules and the mailing read are kept.

use std::io::BufRead;

use rusqlite::types::Value as SqlValue;

use super::parse_datetime;
use super::sqlite::{db_error, write_all_or_nothing};
use crate::diag::Diagnostic;

/// The longest statement read (`mysqldump` writes extended inserts of about 1 MiB by
/// default; `max_allowed_packet` allows up to 1 GiB).
const MAX_STATEMENT_BYTES: usize = 256 << 20;

/// How a kept column's dump value is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// A whole number.
    Int,
    /// Text.
    Text,
    /// A `date` or `datetime`; `0000-00-00…` and NULL are stored as NULL.
    Date,
}

/// A table the store keeps, with the columns it keeps (the production names).
struct Kept {
    table: &'static str,
    columns: &'static [(&'static str, Column)],
}

const KEPT: &[Kept] = &[
    Kept {
        table: "users",
        columns: &[
            ("id", Column::Int),
            ("email", Column::Text),
            ("fname", Column::Text),
            ("mname", Column::Text),
            ("lname", Column::Text),
            ("suffix", Column::Text),
            ("dob", Column::Date),
            ("assurer", Column::Int),
            ("assurer_blocked", Column::Int),
            ("ttpadmin", Column::Int),
            ("deleted", Column::Date),
            ("locked", Column::Int),
        ],
    },
    Kept {
        table: "notary",
        columns: &[
            ("id", Column::Int),
            ("from", Column::Int),
            ("to", Column::Int),
            ("points", Column::Int),
            ("awarded", Column::Int),
            ("method", Column::Text),
            ("location", Column::Text),
            ("date", Column::Text),
            ("when", Column::Date),
            ("expire", Column::Date),
            ("deleted", Column::Date),
        ],
    },
    Kept {
        table: "cats_passed",
        columns: &[
            ("id", Column::Int),
            ("user_id", Column::Int),
            ("variant_id", Column::Int),
            ("pass_date", Column::Date),
        ],
    },
    Kept {
        table: "cats_variant",
        columns: &[
            ("id", Column::Int),
            ("type_id", Column::Int),
            ("name", Column::Text),
        ],
    },
];

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

/// Imports a `mysqldump` of CAcert's database into a new SQLite database at `db`, replacing
/// it only when the whole dump has been read: a bad or truncated dump is an error naming
/// its line, and leaves the old file (or none) in place. `progress` is told how many bytes
/// of the dump have been read.
pub fn import_mysql_dump(
    dump_path: &str,
    dump: impl BufRead,
    db: &str,
    mut progress: impl FnMut(u64),
) -> Result<DumpCounts, Diagnostic> {
    // Rows written per kept table, in `KEPT` order.
    let mut written = [0u64; KEPT.len()];
    write_all_or_nothing(db, false, |transaction| {
        let sql = |e: rusqlite::Error| db_error(db, e.to_string(), "nothing was written");
        transaction
            .execute_batch(
                "CREATE TABLE cats_variant (id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL, name TEXT NOT NULL DEFAULT '');",
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
        let mut reader = DumpReader {
            path: dump_path,
            shapes: vec![None; KEPT.len()],
        };
        let mut statements = Statements::new(dump);
        while let Some(statement) = statements.next_statement().map_err(|e| e.at(dump_path))? {
            progress(statements.bytes_read);
            let Some((table, rows)) = reader.statement(&statement)? else {
                continue;
            };
            for row in rows {
                let line = statement.line + row.newlines_before;
                inserts[table]
                    .execute(rusqlite::params_from_iter(row.values))
                    .map_err(|e| {
                        dump_error(
                            dump_path,
                            line,
                            format!("`{}` row {}: {e}", KEPT[table].table, row.id),
                            "ids are unique in CAcert's tables: is the dump from one database?",
                        )
                    })?;
                written[table] += 1;
            }
        }
        if reader.shapes.iter().all(Option::is_none) {
            return Err(dump_error(
                dump_path,
                statements.line,
                "no `CREATE TABLE` of CAcert's `users`, `notary`, `cats_passed` or `cats_variant`: this is not a dump of CAcert's database".into(),
                "dump it with `mysqldump cacert > cacert.sql` (the table definitions included)",
            ));
        }
        statements.finish().map_err(|e| e.at(dump_path))?;
        if let Some(missing) = KEPT
            .iter()
            .zip(&reader.shapes)
            .find_map(|(kept, shape)| shape.is_none().then_some(kept.table))
        {
            return Err(dump_error(
                dump_path,
                statements.line,
                format!("the dump has no table `{missing}` (no `CREATE TABLE` for it)"),
                "dump CAcert's database with its `users`, `notary`, `cats_passed` and `cats_variant` tables",
            ));
        }
        Ok(())
    })?;
    let [users, notary, cats_passed, cats_variant] = written;
    Ok(DumpCounts {
        users,
        notary,
        cats_passed,
        cats_variant,
    })
}

fn dump_error(path: &str, line: usize, message: String, help: &str) -> Diagnostic {
    Diagnostic::input_error("mysql-dump", format!("{path}:{line}: {message}")).help(help)
}

/// A problem found while splitting the dump into statements.
struct SplitError {
    line: usize,
    message: String,
    help: &'static str,
}

impl SplitError {
    fn at(self, path: &str) -> Diagnostic {
        dump_error(path, self.line, self.message, self.help)
    }
}

/// One statement: its text without comments, and the line it starts on.
struct Statement {
    line: usize,
    text: Vec<u8>,
}

/// Where the splitter stands inside the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Quoted(u8),
    Escaped(u8),
    BlockComment,
}

/// Splits a dump into statements, one line of input at a time.
struct Statements<R> {
    input: R,
    line: usize,
    bytes_read: u64,
    state: State,
    /// `mysqldump` writes this header, and `-- Dump completed` as its last line.
    header: Option<bool>,
    completed: bool,
    current: Statement,
    /// Statements complete but not yet handed out (a line may end several).
    ready: std::collections::VecDeque<Statement>,
    buffer: Vec<u8>,
    /// The statement's delimiter (`DELIMITER ;;` around triggers).
    delimiter: Vec<u8>,
}

impl<R: BufRead> Statements<R> {
    fn new(input: R) -> Self {
        Self {
            input,
            line: 0,
            bytes_read: 0,
            state: State::Code,
            header: None,
            completed: false,
            current: Statement {
                line: 1,
                text: Vec::new(),
            },
            ready: std::collections::VecDeque::new(),
            buffer: Vec::new(),
            delimiter: b";".to_vec(),
        }
    }

    fn error(&self, line: usize, message: impl Into<String>, help: &'static str) -> SplitError {
        SplitError {
            line,
            message: message.into(),
            help,
        }
    }

    /// The next complete statement, or `None` at the end of the dump.
    fn next_statement(&mut self) -> Result<Option<Statement>, SplitError> {
        loop {
            if let Some(statement) = self.ready.pop_front() {
                return Ok(Some(statement));
            }
            self.buffer.clear();
            let read = self
                .input
                .read_until(b'\n', &mut self.buffer)
                .map_err(|e| {
                    self.error(self.line + 1, format!("cannot read: {e}"), "check the file")
                })?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            self.bytes_read += read as u64;
            let line = std::mem::take(&mut self.buffer);
            let split = self.split_line(&line);
            self.buffer = line;
            split?;
        }
    }

    /// Adds one line to the statement being read; the statements it completes are `ready`.
    fn split_line(&mut self, line: &[u8]) -> Result<(), SplitError> {
        let at_start =
            self.state == State::Code && self.current.text.iter().all(u8::is_ascii_whitespace);
        if at_start {
            self.current.text.clear();
            self.current.line = self.line;
            let trimmed = line.trim_ascii();
            if self.header.is_none() && !trimmed.is_empty() {
                self.header = Some(
                    trimmed.starts_with(b"-- MySQL dump")
                        || trimmed.starts_with(b"-- MariaDB dump"),
                );
            }
            if trimmed.starts_with(b"-- Dump completed") {
                self.completed = true;
            }
            if trimmed.len() > 10 && trimmed[..10].eq_ignore_ascii_case(b"DELIMITER ") {
                self.delimiter = trimmed[10..].trim_ascii().to_vec();
                return Ok(());
            }
        }
        let mut index = 0;
        while index < line.len() {
            let byte = line[index];
            match self.state {
                State::Code => {
                    let rest = &line[index..];
                    let comment = rest.starts_with(b"-- ")
                        || rest.starts_with(b"--\t")
                        || rest.trim_ascii_end() == b"--"
                        || byte == b'#';
                    if comment {
                        // The line's end still separates what stands before and after it.
                        self.current.text.push(b'\n');
                        break;
                    }
                    if rest.starts_with(b"/*") {
                        self.state = State::BlockComment;
                        index += 2;
                        continue;
                    }
                    if rest.starts_with(&self.delimiter) {
                        let text = std::mem::take(&mut self.current.text);
                        index += self.delimiter.len();
                        if !text.iter().all(u8::is_ascii_whitespace) {
                            self.ready.push_back(Statement {
                                line: self.current.line,
                                text,
                            });
                        }
                        self.current.line = self.line;
                        continue;
                    }
                    if matches!(byte, b'\'' | b'"' | b'`') {
                        self.state = State::Quoted(byte);
                    }
                    self.current.text.push(byte);
                }
                State::Quoted(quote) => {
                    if byte == b'\\' && quote != b'`' {
                        self.state = State::Escaped(quote);
                    } else if byte == quote {
                        self.state = State::Code;
                    }
                    self.current.text.push(byte);
                }
                State::Escaped(quote) => {
                    self.state = State::Quoted(quote);
                    self.current.text.push(byte);
                }
                State::BlockComment => {
                    if line[index..].starts_with(b"*/") {
                        self.state = State::Code;
                        self.current.text.push(b' ');
                        index += 2;
                        continue;
                    }
                }
            }
            index += 1;
        }
        if self.current.text.len() > MAX_STATEMENT_BYTES {
            return Err(self.error(
                self.current.line,
                format!("a statement longer than {} MiB", MAX_STATEMENT_BYTES >> 20),
                "dump with a smaller `--net-buffer-length` (mysqldump's default is 1 MiB)",
            ));
        }
        Ok(())
    }

    /// At the end of the dump: nothing may be left open.
    fn finish(&self) -> Result<(), SplitError> {
        let help = "the dump is truncated: dump the database again";
        match self.state {
            State::Quoted(_) | State::Escaped(_) => {
                return Err(self.error(
                    self.current.line,
                    "the dump ends inside a quoted value",
                    help,
                ));
            }
            State::BlockComment => {
                return Err(self.error(
                    self.line,
                    "the dump ends inside a `/* … */` comment",
                    help,
                ));
            }
            State::Code => {}
        }
        if !self.current.text.iter().all(u8::is_ascii_whitespace) {
            return Err(self.error(
                self.current.line,
                "the dump ends inside a statement (no closing `;`)",
                help,
            ));
        }
        if self.header == Some(true) && !self.completed {
            return Err(self.error(
                self.line,
                "the dump has mysqldump's header but not its last line `-- Dump completed`",
                help,
            ));
        }
        Ok(())
    }
}

/// One row of an `INSERT`, in the kept columns' order.
struct Row {
    id: String,
    newlines_before: usize,
    values: Vec<SqlValue>,
}

/// Reads statements against the tables' shapes (column order) learnt from `CREATE TABLE`.
struct DumpReader<'a> {
    path: &'a str,
    /// For each kept table: where each kept column stands among the dump's columns.
    shapes: Vec<Option<Vec<usize>>>,
}

impl DumpReader<'_> {
    /// The rows of a statement that inserts into a kept table (with the table's index).
    fn statement(
        &mut self,
        statement: &Statement,
    ) -> Result<Option<(usize, Vec<Row>)>, Diagnostic> {
        let mut cursor = Cursor {
            text: &statement.text,
            at: 0,
            newlines: std::cell::Cell::new((0, 0)),
        };
        let error = |cursor: &Cursor, message: String, help: &str| {
            dump_error(self.path, statement.line + cursor.newlines(), message, help)
        };
        let first = cursor.word();
        if first.eq_ignore_ascii_case("CREATE") && cursor.keyword("TABLE") {
            if cursor.keyword("IF") {
                cursor.keyword("NOT");
                cursor.keyword("EXISTS");
            }
            let Some(table) = cursor.identifier() else {
                return Err(error(
                    &cursor,
                    "`CREATE TABLE` without a table name".into(),
                    "check the dump",
                ));
            };
            let Some(index) = KEPT.iter().position(|k| k.table == table) else {
                return Ok(None);
            };
            let columns = cursor.column_definitions().ok_or_else(|| {
                error(
                    &cursor,
                    format!("cannot read the columns of table `{table}`"),
                    "check the dump",
                )
            })?;
            self.shapes[index] = Some(self.shape(index, &columns, statement.line)?);
            return Ok(None);
        }
        let inserting =
            first.eq_ignore_ascii_case("INSERT") || first.eq_ignore_ascii_case("REPLACE");
        if !inserting {
            return Ok(None);
        }
        cursor.keyword("IGNORE");
        cursor.keyword("INTO");
        let Some(table) = cursor.identifier() else {
            return Err(error(
                &cursor,
                "`INSERT` without a table name".into(),
                "check the dump",
            ));
        };
        let Some(index) = KEPT.iter().position(|k| k.table == table) else {
            return Ok(None);
        };
        let shape = if cursor.peek() == Some(b'(') {
            let columns = cursor.identifier_list().ok_or_else(|| {
                error(
                    &cursor,
                    format!("cannot read the column list of an `INSERT` into `{table}`"),
                    "check the dump",
                )
            })?;
            self.shape(index, &columns, statement.line)?
        } else {
            match &self.shapes[index] {
                Some(shape) => shape.clone(),
                None => {
                    return Err(error(
                        &cursor,
                        format!(
                            "rows of `{table}` before its `CREATE TABLE`: the order of its columns is unknown"
                        ),
                        "dump with the table definitions (no `--no-create-info`), or with `--complete-insert`",
                    ));
                }
            }
        };
        if !cursor.keyword("VALUES") {
            return Err(error(
                &cursor,
                format!("an `INSERT` into `{table}` without `VALUES`"),
                "check the dump",
            ));
        }
        let kept = &KEPT[index];
        let mut rows = Vec::new();
        loop {
            let newlines_before = cursor.newlines();
            let values = cursor.tuple().map_err(|message| {
                error(
                    &cursor,
                    format!("`{table}`: {message}"),
                    "the dump is damaged or truncated: dump the database again",
                )
            })?;
            let id = shape
                .first()
                .and_then(|&i| values.get(i))
                .map_or_else(String::new, |v| v.shown());
            let mut row = Vec::with_capacity(shape.len());
            for ((name, column), &position) in kept.columns.iter().zip(&shape) {
                let Some(value) = values.get(position) else {
                    return Err(error(
                        &cursor,
                        format!(
                            "`{table}` row {id}: {} values, but column `{name}` is number {}",
                            values.len(),
                            position + 1
                        ),
                        "every row has a value for each column of the table",
                    ));
                };
                row.push(value.convert(*column).map_err(|message| {
                    error(
                        &cursor,
                        format!("`{table}` row {id}, column `{name}`: {message}"),
                        "fix the row in the database, then dump it again",
                    )
                })?);
            }
            rows.push(Row {
                id,
                newlines_before,
                values: row,
            });
            cursor.skip_space();
            match cursor.next_byte() {
                Some(b',') => continue,
                None => break,
                Some(other) => {
                    return Err(error(
                        &cursor,
                        format!(
                            "`{table}`: `{}` after a row, where `,` or the end of the statement belongs",
                            other as char
                        ),
                        "the dump is damaged: dump the database again",
                    ));
                }
            }
        }
        Ok(Some((index, rows)))
    }

    /// Where each kept column of table `index` stands among `columns`.
    fn shape(
        &self,
        index: usize,
        columns: &[String],
        line: usize,
    ) -> Result<Vec<usize>, Diagnostic> {
        let kept = &KEPT[index];
        kept.columns
            .iter()
            .map(|(name, _)| {
                columns.iter().position(|c| c == name).ok_or_else(|| {
                    dump_error(
                        self.path,
                        line,
                        format!("table `{}` has no column `{name}` (it has: {})", kept.table, columns.join(", ")),
                        "this is not CAcert's production schema: the rules and the mailing need that column",
                    )
                })
            })
            .collect()
    }
}

/// A value as the dump writes it.
#[derive(Debug, Clone, PartialEq)]
enum DumpValue {
    Null,
    /// A number or another unquoted word.
    Bare(String),
    /// A quoted string, unescaped.
    Quoted(Vec<u8>),
}

impl DumpValue {
    fn shown(&self) -> String {
        match self {
            Self::Null => "NULL".into(),
            Self::Bare(text) => text.clone(),
            Self::Quoted(bytes) => crate::data::escape_control(&String::from_utf8_lossy(bytes)),
        }
    }

    fn text(&self) -> Result<String, String> {
        match self {
            Self::Null => Err("is NULL".into()),
            Self::Bare(text) => Ok(text.clone()),
            Self::Quoted(bytes) => String::from_utf8(bytes.clone()).map_err(|_| {
                "is not valid UTF-8 text (dump with `--default-character-set=utf8mb4`)".into()
            }),
        }
    }

    fn convert(&self, column: Column) -> Result<SqlValue, String> {
        match column {
            Column::Int => {
                let text = self.text()?;
                text.trim()
                    .parse::<i64>()
                    .map(SqlValue::Integer)
                    .map_err(|_| format!("`{}` is not a whole number", self.shown()))
            }
            Column::Text => self.text().map(SqlValue::Text),
            Column::Date => {
                if *self == Self::Null {
                    return Ok(SqlValue::Null);
                }
                let text = self.text()?;
                match parse_datetime(&text)? {
                    None => Ok(SqlValue::Null),
                    Some(_) => Ok(SqlValue::Text(text.trim().to_string())),
                }
            }
        }
    }
}

/// A position in one statement's text.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
    /// Newlines before `counted`, counted once (rows only move forward).
    newlines: std::cell::Cell<(usize, usize)>,
}

impl Cursor<'_> {
    /// How many newlines stand before the cursor.
    fn newlines(&self) -> usize {
        let (counted, mut newlines) = self.newlines.get();
        let end = self.at.min(self.text.len());
        if end < counted {
            return self.text[..end].iter().filter(|&&b| b == b'\n').count();
        }
        newlines += self.text[counted..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.newlines.set((end, newlines));
        newlines
    }

    fn skip_space(&mut self) {
        while self.text.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.at).copied()
    }

    fn next_byte(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    /// An unquoted word (letters, digits, `_`, `.`, `-`, `+`).
    fn word(&mut self) -> String {
        self.skip_space();
        let start = self.at;
        while self.text.get(self.at).is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'+' | b'$')
        }) {
            self.at += 1;
        }
        String::from_utf8_lossy(&self.text[start..self.at]).into_owned()
    }

    /// Consumes `word` (in any case) when it comes next.
    fn keyword(&mut self, word: &str) -> bool {
        let start = self.at;
        if self.word().eq_ignore_ascii_case(word) {
            return true;
        }
        self.at = start;
        false
    }

    /// A backticked or bare identifier.
    fn identifier(&mut self) -> Option<String> {
        if self.peek() != Some(b'`') {
            let word = self.word();
            return (!word.is_empty()).then_some(word);
        }
        self.at += 1;
        let mut name = Vec::new();
        loop {
            let byte = *self.text.get(self.at)?;
            self.at += 1;
            if byte == b'`' {
                if self.text.get(self.at) == Some(&b'`') {
                    self.at += 1;
                } else {
                    return String::from_utf8(name).ok();
                }
            }
            name.push(byte);
        }
    }

    /// `(`a`, `b`, …)`.
    fn identifier_list(&mut self) -> Option<Vec<String>> {
        (self.next_byte()? == b'(').then_some(())?;
        let mut names = Vec::new();
        loop {
            names.push(self.identifier()?);
            match self.next_byte()? {
                b',' => {}
                b')' => return Some(names),
                _ => return None,
            }
        }
    }

    /// The column names of a `CREATE TABLE` body (keys and constraints skipped).
    fn column_definitions(&mut self) -> Option<Vec<String>> {
        (self.next_byte()? == b'(').then_some(())?;
        let mut names = Vec::new();
        loop {
            let start = self.at;
            let backticked = self.peek() == Some(b'`');
            let name = self.identifier()?;
            let keyword = [
                "PRIMARY",
                "KEY",
                "UNIQUE",
                "INDEX",
                "CONSTRAINT",
                "FOREIGN",
                "FULLTEXT",
                "SPATIAL",
                "CHECK",
                "PERIOD",
            ]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&name));
            if backticked || !keyword {
                names.push(name);
            }
            if self.at == start {
                return None;
            }
            // The rest of the definition, to the `,` or `)` at depth 0.
            let mut depth = 0usize;
            loop {
                let byte = *self.text.get(self.at)?;
                self.at += 1;
                match byte {
                    b'\'' | b'"' => self.skip_quoted(byte)?,
                    b'(' => depth += 1,
                    b')' if depth == 0 => return Some(names),
                    b')' => depth -= 1,
                    b',' if depth == 0 => break,
                    _ => {}
                }
            }
        }
    }

    /// Skips to after the closing `quote` (the opening one is consumed).
    fn skip_quoted(&mut self, quote: u8) -> Option<()> {
        loop {
            let byte = *self.text.get(self.at)?;
            self.at += 1;
            match byte {
                b'\\' => self.at += 1,
                b if b == quote => {
                    if self.text.get(self.at) == Some(&quote) {
                        self.at += 1;
                    } else {
                        return Some(());
                    }
                }
                _ => {}
            }
        }
    }

    /// `(v, v, …)` of an `INSERT`.
    fn tuple(&mut self) -> Result<Vec<DumpValue>, String> {
        if self.next_byte() != Some(b'(') {
            return Err("a row must start with `(`".into());
        }
        let mut values = Vec::new();
        loop {
            values.push(self.value()?);
            match self.next_byte() {
                Some(b',') => {}
                Some(b')') => return Ok(values),
                Some(other) => return Err(format!("`{}` where `,` or `)` belongs", other as char)),
                None => return Err("a row ends without `)`".into()),
            }
        }
    }

    fn value(&mut self) -> Result<DumpValue, String> {
        match self.peek() {
            Some(quote @ (b'\'' | b'"')) => {
                self.at += 1;
                self.quoted(quote).map(DumpValue::Quoted)
            }
            Some(_) => {
                let word = self.word();
                if word.eq_ignore_ascii_case("_binary") || word.eq_ignore_ascii_case("_utf8mb4") {
                    return self.value();
                }
                if word.is_empty() {
                    return Err("a value is missing".into());
                }
                if word.eq_ignore_ascii_case("NULL") {
                    return Ok(DumpValue::Null);
                }
                if let Some(hex) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
                    return hex_bytes(hex)
                        .map(DumpValue::Quoted)
                        .ok_or_else(|| format!("`{word}` is not a hex literal"));
                }
                Ok(DumpValue::Bare(word))
            }
            None => Err("a row ends without `)`".into()),
        }
    }

    /// A quoted string's content, unescaped as MySQL does (the opening quote is consumed).
    fn quoted(&mut self, quote: u8) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        loop {
            let Some(&byte) = self.text.get(self.at) else {
                return Err("a quoted value is not closed".into());
            };
            self.at += 1;
            match byte {
                b'\\' => {
                    let Some(&escaped) = self.text.get(self.at) else {
                        return Err("a quoted value is not closed".into());
                    };
                    self.at += 1;
                    let unescaped = match escaped {
                        b'0' => 0,
                        b'b' => 8,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'Z' => 26,
                        // `\%` and `\_` keep their backslash (MySQL's own rule).
                        b'%' | b'_' => {
                            out.push(b'\\');
                            escaped
                        }
                        other => other,
                    };
                    out.push(unescaped);
                }
                b if b == quote => {
                    if self.text.get(self.at) == Some(&quote) {
                        self.at += 1;
                        out.push(quote);
                    } else {
                        return Ok(out);
                    }
                }
                other => out.push(other),
            }
        }
    }
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The production tables as `mysqldump` writes them (columns the store does not keep
/// included), and one table it does not keep at all.
const PRODUCTION_TABLES: &str = r"--
-- Table structure for table `users`
--

DROP TABLE IF EXISTS `users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL DEFAULT '',
  `password` varchar(255) NOT NULL DEFAULT '',
  `fname` varchar(255) NOT NULL DEFAULT '',
  `mname` varchar(255) NOT NULL DEFAULT '',
  `lname` varchar(255) NOT NULL DEFAULT '',
  `suffix` varchar(50) NOT NULL DEFAULT '',
  `dob` date NOT NULL DEFAULT '0000-00-00',
  `verified` int(1) NOT NULL DEFAULT 0,
  `ccid` int(3) NOT NULL DEFAULT 0,
  `regid` int(5) NOT NULL DEFAULT 0,
  `locid` int(7) NOT NULL DEFAULT 0,
  `listme` int(1) NOT NULL DEFAULT 0,
  `codesign` int(1) NOT NULL DEFAULT 0,
  `1024bit` tinyint(1) NOT NULL DEFAULT 0,
  `contactinfo` varchar(255) NOT NULL DEFAULT '',
  `admin` tinyint(1) NOT NULL DEFAULT 0,
  `orgadmin` tinyint(1) NOT NULL DEFAULT 0,
  `ttpadmin` tinyint(1) NOT NULL DEFAULT 0,
  `adadmin` tinyint(1) unsigned NOT NULL DEFAULT 0,
  `board` tinyint(1) NOT NULL DEFAULT 0,
  `tverify` tinyint(1) NOT NULL DEFAULT 0,
  `locadmin` tinyint(1) NOT NULL DEFAULT 0,
  `language` varchar(5) NOT NULL DEFAULT '',
  `created` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `modified` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `locked` tinyint(1) NOT NULL DEFAULT 0,
  `uniqueID` varchar(255) NOT NULL DEFAULT '',
  `assurer` int(2) NOT NULL DEFAULT 0,
  `assurer_blocked` tinyint(1) NOT NULL DEFAULT 0,
  `lastLoginAttempt` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ccid` (`ccid`),
  KEY `email` (`email`(191)),
  KEY `stats_users_created` (`created`)
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

DROP TABLE IF EXISTS `email`;
CREATE TABLE `email` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `memid` int(11) NOT NULL DEFAULT 0,
  `email` varchar(255) NOT NULL DEFAULT '',
  `created` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `hash` varchar(50) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  KEY `memid` (`memid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

DROP TABLE IF EXISTS `cats_variant`;
CREATE TABLE `cats_variant` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `type_id` int(11) NOT NULL,
  `name` varchar(255) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `type_id` (`type_id`,`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

DROP TABLE IF EXISTS `cats_passed`;
CREATE TABLE `cats_passed` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `user_id` int(11) NOT NULL,
  `variant_id` int(11) NOT NULL,
  `pass_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (`id`),
  UNIQUE KEY `test_passed` (`user_id`,`variant_id`,`pass_date`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

DROP TABLE IF EXISTS `notary`;
CREATE TABLE `notary` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `from` int(11) NOT NULL DEFAULT 0,
  `to` int(11) NOT NULL DEFAULT 0,
  `awarded` int(3) NOT NULL DEFAULT 0,
  `points` int(3) NOT NULL DEFAULT 0,
  `method` enum('Face to Face Meeting','Trusted Third Parties','Thawte Points Transfer','Administrative Increase','CT Magazine - Germany','Temporary Increase','Unknown','TOPUP','TTP-Assisted') NOT NULL DEFAULT 'Face to Face Meeting',
  `location` varchar(255) NOT NULL DEFAULT '',
  `date` varchar(255) NOT NULL DEFAULT '',
  `when` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `expire` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `sponsor` int(11) NOT NULL DEFAULT 0,
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (`id`),
  KEY `from` (`from`),
  KEY `to` (`to`),
  KEY `stamp` (`when`),
  KEY `method` (`method`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
";

/// Writes `case` as a `mysqldump` of CAcert's production schema (MariaDB's flavour), with
/// columns and a table the store does not keep. CATS passes are of a variant of type
/// `cats_type`; members without one get a pass of another type, which must not count.
pub fn write_mysql_dump(
    case: &super::CaseFile,
    out: &mut impl std::io::Write,
    cats_type: i64,
) -> std::io::Result<()> {
    let datetime = |d: Option<chrono::NaiveDateTime>| {
        d.map_or("'0000-00-00 00:00:00'".to_string(), |d| {
            format!("'{}'", d.format("%Y-%m-%d %H:%M:%S"))
        })
    };
    let date = |d: Option<chrono::NaiveDate>| d.map_or("'0000-00-00'".into(), |d| format!("'{d}'"));
    writeln!(
        out,
        "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n--\n\
         -- Host: localhost    Database: cacert\n\
         -- ------------------------------------------------------\n\
         -- Server version\t10.11.6-MariaDB-0+deb12u1\n\n\
         /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n\
         /*!40101 SET NAMES utf8mb4 */;\n\
         /*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n\
         /*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
    )?;
    writeln!(out, "{PRODUCTION_TABLES}")?;
    let mut users = Batch::new("users");
    for member in &case.members {
        let contact = member.contact.as_deref().cloned().unwrap_or_default();
        let deleted = member.deleted.map(|d| d.and_time(chrono::NaiveTime::MIN));
        let row = format!(
            "({},{},'*',{},{},{},{},{},1,0,0,0,0,0,0,'',0,0,{},0,0,0,0,'en_US','2004-01-01 00:00:00','2004-01-01 00:00:00',{},{},'',{},{},NULL)",
            member.id,
            quote(&contact.email),
            quote(&contact.fname),
            quote(&contact.mname),
            quote(&contact.lname),
            quote(&contact.suffix),
            date(member.dob),
            member.ttpadmin,
            datetime(deleted),
            i64::from(member.locked),
            i64::from(member.assurer),
            i64::from(member.assurer_blocked),
        );
        users.add(out, &row)?;
    }
    users.finish(out)?;
    let mut emails = Batch::new("email");
    for member in &case.members {
        let email = member.contact.as_deref().map_or("", |c| c.email.as_str());
        let row = format!(
            "({},{},{},'2004-01-01 00:00:00','')",
            member.id,
            member.id,
            quote(email)
        );
        emails.add(out, &row)?;
    }
    emails.finish(out)?;
    let mut variants = Batch::new("cats_variant");
    variants.add(out, &format!("(1,{cats_type},'Assurer Challenge')"))?;
    variants.add(
        out,
        &format!("(2,{},'Org Assurer Challenge')", cats_type + 1),
    )?;
    variants.finish(out)?;
    let mut passes = Batch::new("cats_passed");
    let mut pass_id = 0;
    // The other variant's passes are dated with the first entry of the data.
    let first_day = case.records.iter().filter_map(|r| r.when.get()).min();
    for member in &case.members {
        let other = first_day
            .filter(|_| member.cats_passes.is_empty())
            .map(|day| (2, day.date().to_string()));
        let kept = member.cats_passes.iter().map(|pass| (1, pass.to_string()));
        for (variant, pass) in kept.chain(other) {
            pass_id += 1;
            passes.add(
                out,
                &format!("({pass_id},{},{variant},'{pass} 12:00:00')", member.id),
            )?;
        }
    }
    passes.finish(out)?;
    let mut notary = Batch::new("notary");
    for r in &case.records {
        let row = format!(
            "({},{},{},{},{},{},{},{},{},{},0,{})",
            r.id,
            r.from,
            r.to,
            r.awarded,
            r.points,
            quote(case.texts.get(r.method)),
            quote(case.texts.get(r.location)),
            quote(case.texts.get(r.date)),
            datetime(r.when.get()),
            datetime(r.expire.get()),
            datetime(r.deleted.get()),
        );
        notary.add(out, &row)?;
    }
    notary.finish(out)?;
    writeln!(
        out,
        "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n\
         /*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n\n\
         -- Dump completed on 2026-12-01 12:00:00"
    )
}

/// Text as a MySQL string literal, escaped as `mysqldump` does.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{1a}' => out.push_str("\\Z"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Extended `INSERT`s of about 1 MiB, as `mysqldump` writes them, inside `LOCK TABLES`.
struct Batch {
    table: &'static str,
    line: String,
    started: bool,
}

impl Batch {
    const LINE_BYTES: usize = 1 << 20;

    fn new(table: &'static str) -> Self {
        Self {
            table,
            line: String::new(),
            started: false,
        }
    }

    fn add(&mut self, out: &mut impl std::io::Write, row: &str) -> std::io::Result<()> {
        if !self.started {
            self.started = true;
            let table = self.table;
            writeln!(
                out,
                "--\n-- Dumping data for table `{table}`\n--\n\nLOCK TABLES `{table}` WRITE;\n/*!40000 ALTER TABLE `{table}` DISABLE KEYS */;"
            )?;
        }
        if self.line.is_empty() {
            self.line = format!("INSERT INTO `{}` VALUES {row}", self.table);
        } else {
            self.line.push(',');
            self.line.push_str(row);
        }
        if self.line.len() >= Self::LINE_BYTES {
            writeln!(out, "{};", std::mem::take(&mut self.line))?;
        }
        Ok(())
    }

    fn finish(mut self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        if !self.line.is_empty() {
            writeln!(out, "{};", std::mem::take(&mut self.line))?;
        }
        if self.started {
            let table = self.table;
            writeln!(
                out,
                "/*!40000 ALTER TABLE `{table}` ENABLE KEYS */;\nUNLOCK TABLES;\n"
            )?;
        }
        Ok(())
    }
}
