//! SQLite databases with CAcert's tables: read-only reading, all-or-nothing import.

mod cells;
mod split;
mod write;

use cells::Cell;
use split::{Ids, journal_mode, split_id};
pub use write::import_case;
pub(crate) use write::{commit_database, sql_error, write_beside};

use std::borrow::Cow;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::parse_date;
use wotrules_core::data::Rows;
use wotrules_core::data::{Contact, MAX_TABLE_ROWS, MemberRow, RecordRow, Request, Texts};
use wotrules_core::diag::{Diagnostic, DiagnosticCode};

/// CAcert's tables (real column names), plus `wotrules_case` for a case's date and request.
const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL DEFAULT '',
    fname TEXT NOT NULL DEFAULT '',
    mname TEXT NOT NULL DEFAULT '',
    lname TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    dob TEXT,
    assurer INTEGER NOT NULL DEFAULT 0,
    assurer_blocked INTEGER NOT NULL DEFAULT 0,
    ttpadmin INTEGER NOT NULL DEFAULT 0,
    deleted TEXT,
    locked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cats_passed (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    variant_id INTEGER NOT NULL DEFAULT 1,
    pass_date TEXT
);
CREATE TABLE IF NOT EXISTS notary (
    id INTEGER PRIMARY KEY,
    "from" INTEGER NOT NULL,
    "to" INTEGER NOT NULL,
    points INTEGER NOT NULL,
    awarded INTEGER NOT NULL DEFAULT 0,
    method TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    "when" TEXT,
    expire TEXT,
    deleted TEXT
);
CREATE INDEX IF NOT EXISTS notary_to ON notary("to");
CREATE INDEX IF NOT EXISTS notary_from ON notary("from");
CREATE TABLE IF NOT EXISTS wotrules_case (
    as_of TEXT,
    ticket TEXT,
    requested_by TEXT,
    mismatch TEXT
);
"#;

/// The columns reading needs, per table.
const REQUIRED_COLUMNS: &[(&str, &[&str])] = &[
    (
        "users",
        &[
            "id",
            "dob",
            "assurer",
            "assurer_blocked",
            "ttpadmin",
            "deleted",
            "locked",
        ],
    ),
    ("cats_passed", &["user_id", "pass_date"]),
    (
        "notary",
        &[
            "id", "from", "to", "points", "awarded", "method", "location", "date", "when",
            "expire", "deleted",
        ],
    ),
];

pub(super) fn db_error(path: &str, message: impl Into<String>, help: &str) -> Diagnostic {
    let message = message.into();
    let help = if message.contains("locked") || message.contains("busy") {
        "another program is writing to the database: try again when it has finished"
    } else {
        help
    };
    Diagnostic::error(DiagnosticCode::Database, format!("{path}: {message}")).help(help)
}

/// The error for a table of more than [`MAX_TABLE_ROWS`] rows.
fn too_many_rows(path: &str, table: &str) -> Diagnostic {
    db_error(
        path,
        format!("table `{table}` has more than {MAX_TABLE_ROWS} rows, the limit"),
        "wotrules numbers members, records and their texts in 32 bits: evaluate a part of the database",
    )
}

/// The columns of members' names and addresses, read when [`ReadOptions::contacts`] asks.
const CONTACT_COLUMNS: &[&str] = &["email", "fname", "mname", "lname", "suffix"];

/// What reading takes from a database besides the rows every evaluation needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// The `cats_variant.type_id`s whose passes are CATS passes (the schema's
    /// `store.cats_types`). A database without a `cats_variant` table (one `wotrules import`
    /// wrote from a case file) holds only such passes.
    pub cats_types: Vec<i64>,
    /// Also read names and email addresses (`users.email`, `fname`, `mname`, `lname`,
    /// `suffix`): a mailing needs them, an evaluation does not.
    pub contacts: bool,
}

/// Checks that `path` is a SQLite database with CAcert's tables and the columns reading
/// needs (names and addresses too when `contacts`), without reading a row: what a command
/// says at once of a bad `--db`.
pub(crate) fn check_database(path: &str, contacts: bool) -> Result<(), Diagnostic> {
    open_checked(path, quiet_wal(path), contacts).map(|_| ())
}

/// The database at `path` opened read-only in a read transaction, its tables and columns
/// checked; with the columns of its `cats_variant` (none when it has no such table).
fn open_checked(
    path: &str,
    quiet: bool,
    contacts: bool,
) -> Result<(Connection, Vec<String>), Diagnostic> {
    if !Path::new(path).is_file() {
        return Err(db_error(
            path,
            "no such database file",
            "give the path of a SQLite file (`wotrules import` makes one from a case file)",
        ));
    }
    let connection = open_read_only(path, quiet)?;
    let sql = |e: rusqlite::Error| {
        db_error(
            path,
            e.to_string(),
            "check the file is an intact SQLite database with CAcert's tables",
        )
    };
    connection.execute_batch("BEGIN").map_err(sql)?;
    let variants = columns_of(&connection, "cats_variant").map_err(sql)?;
    let mut required: Vec<(&str, Vec<&str>)> = REQUIRED_COLUMNS
        .iter()
        .map(|(table, columns)| (*table, columns.to_vec()))
        .collect();
    if let Some(users) = required.first_mut()
        && contacts
    {
        users.1.extend(CONTACT_COLUMNS);
    }
    if !variants.is_empty() {
        if let Some(passes) = required.get_mut(1) {
            passes.1.extend(["id", "variant_id"]);
        }
        required.push(("cats_variant", vec!["id", "type_id"]));
    }
    for (table, columns) in &required {
        let present = columns_of(&connection, table).map_err(sql)?;
        if present.is_empty() {
            return Err(db_error(
                path,
                format!("table `{table}` is missing"),
                "the database needs CAcert's `users`, `cats_passed` and `notary` tables",
            ));
        }
        if let Some(column) = columns.iter().find(|c| !present.iter().any(|p| p == *c)) {
            return Err(db_error(
                path,
                format!("table `{table}` has no column `{column}`"),
                "the database needs CAcert's column names",
            ));
        }
    }
    Ok((connection, variants))
}

/// Reads a database without writing to it: every user is evaluated.
///
/// Everything is read in one read transaction, so a database that another program is
/// writing gives one consistent state. Rows are checked as strictly as a case file's:
/// a NULL, BLOB or non-UTF-8 value, a duplicate id, a record from a member to themself or
/// revoked before it was entered is an error naming the table, the row and the column.
pub fn read_database(path: &str, options: &ReadOptions) -> Result<Rows, Diagnostic> {
    let quiet = quiet_wal(path) && Path::new(path).is_file();
    let before = quiet.then(|| file_state(path));
    let (connection, variants) = open_checked(path, quiet, options.contacts)?;
    let sql = |e: rusqlite::Error| {
        db_error(
            path,
            e.to_string(),
            "check the file is an intact SQLite database with CAcert's tables",
        )
    };
    let (as_of, request) = read_case_table(&connection, path)?;
    // The lower ids of `notary` (`split_id`) are read on a second connection, on another
    // thread, when it sees the same state: a quiet WAL database is checked unchanged below,
    // and without WAL no writer can commit while this connection's read transaction holds
    // its shared lock. This connection reads `users`, `cats_passed` and the upper ids.
    let same_state = quiet
        || !journal_mode(&connection)
            .map_err(sql)?
            .eq_ignore_ascii_case("wal");
    let split = if same_state {
        split_id(&connection).map_err(sql)?
    } else {
        None
    };
    let (members, lower, upper) = std::thread::scope(|scope| {
        let lower = split.map(|split| {
            scope.spawn(move || {
                let second = open_read_only(path, quiet)?;
                second.execute_batch("BEGIN").map_err(sql)?;
                read_notary(&second, path, Ids::UpTo(split))
            })
        });
        let members = read_users(&connection, path, options.contacts).and_then(|mut members| {
            let with_variants = !variants.is_empty();
            read_cats(
                &connection,
                path,
                &options.cats_types,
                with_variants,
                &mut members,
            )?;
            Ok(members)
        });
        let upper = read_notary(&connection, path, split.map_or(Ids::All, Ids::Above));
        let lower = lower.map(|reader| {
            reader
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        });
        (members, lower, upper)
    });
    let members = members?;
    let (records, texts) = match lower {
        None => upper?,
        Some(lower) => {
            let (mut records, mut texts) = lower?;
            let (upper, upper_texts) = upper?;
            if records.len() + upper.len() > MAX_TABLE_ROWS {
                return Err(too_many_rows(path, "notary"));
            }
            // The upper part is the smaller: copying it costs less time and memory.
            let start = records.len();
            records.extend(upper);
            texts.absorb(upper_texts, &mut records[start..]);
            (records, texts)
        }
    };
    drop(connection);
    if let Some(before) = before
        && (file_state(path) != before || !quiet_wal(path))
    {
        return Err(db_error(
            path,
            "the database changed while it was read",
            "another program wrote to it meanwhile: run again",
        ));
    }
    Ok(Rows {
        as_of,
        request,
        members,
        records,
        texts,
    })
}

/// The column names of `table` (none when there is no such table).
fn columns_of(connection: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare(&format!("PRAGMA table_info({table})"))?;
    statement
        .query_map([], |row| row.get::<_, String>(1))?
        .collect()
}

/// Adds each member's CATS passes: with a `cats_variant` table, the passes of the variants
/// whose type is one of `types`; without one, every pass.
fn read_cats(
    connection: &Connection,
    path: &str,
    types: &[i64],
    with_variants: bool,
    members: &mut [MemberRow],
) -> Result<(), Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "check the `cats_passed` table");
    if with_variants && types.is_empty() {
        return Err(db_error(
            path,
            "the database has `cats_variant`, but the rules' schema does not say which CATS variant types count",
            "declare them in rules/schema.yaml: `store: {cats_types: [1]}` (the Assurer Challenge, reference §1)",
        ));
    }
    let query = if with_variants {
        "SELECT c.user_id, c.pass_date, c.id, c.variant_id, v.type_id FROM cats_passed c \
         LEFT JOIN cats_variant v ON v.id = c.variant_id ORDER BY c.user_id"
    } else {
        "SELECT user_id, pass_date FROM cats_passed ORDER BY user_id"
    };
    let mut statement = connection.prepare(query).map_err(sql)?;
    let mut rows = statement.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let at = Cell::new(path, "cats_passed", None);
        let user = at.integer(row, 0, "user_id")?;
        let at = Cell::new(path, "cats_passed", Some(user));
        if with_variants {
            let at = Cell::new(path, "cats_passed", Some(at.integer(row, 2, "id")?));
            let variant = at.integer(row, 3, "variant_id")?;
            let ValueRef::Integer(kind) = at.value(row, 4, "variant_id")? else {
                return Err(at.error(
                    "variant_id",
                    &format!(
                        "{variant} is no row of `cats_variant` (or its `type_id` is not an integer)"
                    ),
                ));
            };
            if !types.contains(&kind) {
                continue;
            }
        }
        // NULL or CAcert's zero date: a pass without a date, which counts at every as_of.
        let date = at.datetime(row, 1, "pass_date")?;
        if let Ok(index) = members.binary_search_by_key(&user, |m| m.id) {
            members[index]
                .cats_passes
                .push(date.map_or(wotrules_core::lang::UNDATED, |d| d.date()));
        }
    }
    Ok(())
}

/// Whether `path` is a WAL database that no program has open (no `-wal` with content, no
/// `-shm`): it can be read as immutable, without SQLite creating those files beside it.
fn quiet_wal(path: &str) -> bool {
    use std::io::Read;
    let mut header = [0u8; 20];
    let wal_mode = std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut header))
        .is_ok_and(|()| header.starts_with(b"SQLite format 3\0") && header[18] == 2);
    let log_empty = std::fs::metadata(format!("{path}-wal")).map_or(true, |m| m.len() == 0);
    let no_shared_memory = !Path::new(&format!("{path}-shm")).exists();
    wal_mode && log_empty && no_shared_memory
}

/// Size and modification time: what a writer that started meanwhile would change.
fn file_state(path: &str) -> Option<(u64, std::time::SystemTime)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.len(), metadata.modified().ok()?))
}

/// Opens the database read-only; a quiet WAL database as immutable (see [`quiet_wal`]), so
/// that reading leaves no `-wal` or `-shm` file and works on a read-only copy.
fn open_read_only(path: &str, quiet: bool) -> Result<Connection, Diagnostic> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let uri = format!(
        "file:{}{}",
        uri_path(path),
        if quiet { "?immutable=1" } else { "" }
    );
    Connection::open_with_flags(&uri, flags).map_err(|e| {
        let message = e.to_string();
        let help = if message.contains("readonly") || message.contains("read-only") {
            "the database needs a writer's repair first (a crashed write left a journal): open it once read-write, e.g. `sqlite3 FILE 'PRAGMA integrity_check'`, or copy it with its -wal and -shm files to a writable place"
        } else {
            "check the file is a SQLite database"
        };
        db_error(path, format!("cannot open: {message}"), help)
    })
}

/// A path as the path part of a `file:` URI (`%`, `?` and `#` escaped).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// The case's date and request, from `wotrules_case` when the database has one (one row).
fn read_case_table(
    connection: &Connection,
    path: &str,
) -> Result<(Option<NaiveDate>, Request), Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "check the `wotrules_case` table");
    let exists: Option<String> = connection
        .query_row(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='wotrules_case'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(sql)?;
    if exists.is_none() {
        return Ok((None, Request::default()));
    }
    let mut statement = connection
        .prepare("SELECT as_of, ticket, requested_by, mismatch FROM wotrules_case")
        .map_err(sql)?;
    let mut rows = statement.query([]).map_err(sql)?;
    let Some(row) = rows.next().map_err(sql)? else {
        return Ok((None, Request::default()));
    };
    let at = Cell::new(path, "wotrules_case", None);
    let as_of = at.optional_text(row, 0, "as_of")?.map(Cow::into_owned);
    let ticket = at.optional_text(row, 1, "ticket")?.map(Cow::into_owned);
    let by = at
        .optional_text(row, 2, "requested_by")?
        .map(Cow::into_owned);
    let mismatch = at.optional_text(row, 3, "mismatch")?.map(Cow::into_owned);
    if rows.next().map_err(sql)?.is_some() {
        return Err(db_error(
            path,
            "`wotrules_case` has more than one row",
            "a database holds one case: keep one row",
        ));
    }
    for (column, value, allowed) in [
        ("requested_by", &by, ["assuree", "assurer"]),
        ("mismatch", &mismatch, ["name", "dob"]),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !allowed.contains(v)) {
            return Err(at.error(
                column,
                &format!("`{value}` is not one of {}", allowed.join(", ")),
            ));
        }
    }
    let as_of = as_of
        .map(|text| parse_date(&text))
        .transpose()
        .map_err(|m| at.error("as_of", &m))?;
    Ok((
        as_of,
        Request {
            ticket,
            by,
            mismatch,
        },
    ))
}

fn read_users(
    connection: &Connection,
    path: &str,
    contacts: bool,
) -> Result<Vec<MemberRow>, Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "check the `users` table");
    let query = format!(
        "SELECT id, dob, assurer, assurer_blocked, ttpadmin, deleted, locked{} FROM users ORDER BY id",
        if contacts {
            ", email, fname, mname, lname, suffix"
        } else {
            ""
        }
    );
    let mut statement = connection.prepare(&query).map_err(sql)?;
    let mut rows = statement.query([]).map_err(sql)?;
    let mut members: Vec<MemberRow> = Vec::new();
    while let Some(row) = rows.next().map_err(sql)? {
        let id = Cell::new(path, "users", None).integer(row, 0, "id")?;
        let at = Cell::new(path, "users", Some(id));
        if members.last().is_some_and(|m| m.id == id) {
            return Err(db_error(
                path,
                format!("users has two rows with id {id}"),
                "user ids are unique: remove or renumber one",
            ));
        }
        let dob = at.datetime(row, 1, "dob")?.map(|d| d.date());
        let contact = if contacts {
            let text = |offset: usize| {
                at.text(row, 7 + offset, CONTACT_COLUMNS[offset])
                    .map(Cow::into_owned)
            };
            Some(Box::new(Contact {
                email: text(0)?,
                fname: text(1)?,
                mname: text(2)?,
                lname: text(3)?,
                suffix: text(4)?,
            }))
        } else {
            None
        };
        if members.len() == MAX_TABLE_ROWS {
            return Err(too_many_rows(path, "users"));
        }
        members.push(MemberRow {
            id,
            dob,
            assurer: at.flag(row, 2, "assurer")?,
            assurer_blocked: at.flag(row, 3, "assurer_blocked")?,
            ttpadmin: at.integer(row, 4, "ttpadmin")?,
            cats_passes: Vec::new(),
            deleted: at.datetime(row, 5, "deleted")?.map(|d| d.date()),
            locked: at.flag(row, 6, "locked")?,
            contact,
        });
    }
    Ok(members)
}

/// Reads the rows `ids` of `notary` in id order, with their texts.
fn read_notary(
    connection: &Connection,
    path: &str,
    ids: Ids,
) -> Result<(Vec<RecordRow>, Texts), Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "check the `notary` table");
    let (condition, bound) = ids.condition();
    let mut statement = connection
        .prepare(&format!(r#"SELECT id, "from", "to", points, awarded, method, location, date, "when", expire, deleted FROM notary WHERE {condition} ORDER BY id"#))
        .map_err(sql)?;
    let mut texts = Texts::default();
    // Not counted first: counting reads every page once more, and a vector that grows by
    // doubling is moved, not copied, once it is large (the allocator remaps its pages).
    let mut records: Vec<RecordRow> = Vec::new();
    let mut rows = statement.query([bound]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let id = Cell::new(path, "notary", None).integer(row, 0, "id")?;
        let at = Cell::new(path, "notary", Some(id));
        if records.last().is_some_and(|r| r.id == id) {
            return Err(db_error(
                path,
                format!("notary has two rows with id {id}"),
                "notary ids are unique: remove or renumber one",
            ));
        }
        let record = RecordRow {
            id,
            from: at.integer(row, 1, "from")?,
            to: at.integer(row, 2, "to")?,
            points: at.integer(row, 3, "points")?,
            awarded: at.integer(row, 4, "awarded")?,
            method: texts.intern(&at.text(row, 5, "method")?),
            location: texts.intern(&at.text(row, 6, "location")?),
            date: texts.intern(&at.text(row, 7, "date")?),
            when: at.datetime(row, 8, "when")?.into(),
            expire: at.datetime(row, 9, "expire")?.into(),
            deleted: at.datetime(row, 10, "deleted")?.into(),
        };
        if record.from == record.to {
            return Err(at.error(
                "to",
                &format!(
                    "`from` and `to` are both {} (a member cannot assure themself)",
                    record.to
                ),
            ));
        }
        if let (Some(when), Some(deleted)) = (record.when.get(), record.deleted.get())
            && deleted < when
        {
            return Err(at.error(
                "deleted",
                &format!(
                    "{deleted} is before `when` {when} (a record is revoked after it was entered)"
                ),
            ));
        }
        if records.len() == MAX_TABLE_ROWS {
            return Err(too_many_rows(path, "notary"));
        }
        records.push(record);
    }
    Ok((records, texts))
}
