//! SQLite databases with CAcert's tables: read-only reading, all-or-nothing import.

use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use rayon::prelude::*;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use rustc_hash::FxHashSet;

use super::{CaseFile, parse_date, parse_datetime};
use crate::data::{MemberRow, RecordRow, Request};
use crate::diag::Diagnostic;

/// CAcert's tables (real column names), plus `wotrules_case` for a case's date and request.
const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    dob TEXT,
    assurer INTEGER NOT NULL DEFAULT 0,
    assurer_blocked INTEGER NOT NULL DEFAULT 0,
    ttpadmin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cats_passed (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    variant_id INTEGER NOT NULL DEFAULT 1,
    pass_date TEXT NOT NULL
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
        &["id", "dob", "assurer", "assurer_blocked", "ttpadmin"],
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

fn db_error(path: &str, message: impl Into<String>, help: &str) -> Diagnostic {
    let message = message.into();
    let help = if message.contains("locked") || message.contains("busy") {
        "another program is writing to the database: try again when it has finished"
    } else {
        help
    };
    Diagnostic::error("database", format!("{path}: {message}")).help(help)
}

/// Reads a database without writing to it: every user is evaluated.
pub fn read_database(path: &str) -> Result<CaseFile, Diagnostic> {
    if !Path::new(path).is_file() {
        return Err(db_error(
            path,
            "no such database file",
            "give the path of a SQLite file (`wotrules import` makes one from a case file)",
        ));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags).map_err(|e| {
        db_error(
            path,
            format!("cannot open: {e}"),
            "check the file is a SQLite database",
        )
    })?;
    let sql = |e: rusqlite::Error| {
        db_error(
            path,
            e.to_string(),
            "check the file is an intact SQLite database with CAcert's tables",
        )
    };
    for (table, columns) in REQUIRED_COLUMNS {
        let mut statement = connection
            .prepare(&format!("PRAGMA table_info({table})"))
            .map_err(sql)?;
        let present: Vec<String> = statement
            .query_map([], |row| row.get::<_, String>(1))
            .map_err(sql)?
            .collect::<Result<_, _>>()
            .map_err(sql)?;
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
    let (as_of, request) = read_case_table(&connection, path)?;
    let mut members = read_users(&connection, path)?;
    let mut statement = connection
        .prepare("SELECT user_id, pass_date FROM cats_passed ORDER BY user_id")
        .map_err(sql)?;
    let passes = statement
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })
        .map_err(sql)?;
    for pass in passes {
        let (user, text) = pass.map_err(sql)?;
        let date = parse_datetime(&text).map_err(|m| {
            db_error(
                path,
                format!("cats_passed of user {user}: {m}"),
                "fix the row",
            )
        })?;
        if let (Some(date), Ok(index)) = (date, members.binary_search_by_key(&user, |m| m.id)) {
            members[index].cats_passes.push(date.date());
        }
    }
    let records = read_notary(&connection, path, flags)?;
    Ok(CaseFile {
        as_of,
        request,
        members,
        records,
    })
}

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
    let row = connection
        .query_row(
            "SELECT as_of, ticket, requested_by, mismatch FROM wotrules_case LIMIT 1",
            [],
            |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?,
                    Request {
                        ticket: row.get(1)?,
                        by: row.get(2)?,
                        mismatch: row.get(3)?,
                    },
                ))
            },
        )
        .optional()
        .map_err(sql)?;
    let Some((as_of, request)) = row else {
        return Ok((None, Request::default()));
    };
    let as_of = as_of
        .map(|text| parse_date(&text))
        .transpose()
        .map_err(|m| db_error(path, format!("wotrules_case.as_of: {m}"), "fix the row"))?;
    Ok((as_of, request))
}

fn read_users(connection: &Connection, path: &str) -> Result<Vec<MemberRow>, Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "check the `users` table");
    let mut statement = connection
        .prepare("SELECT id, dob, assurer, assurer_blocked, ttpadmin FROM users ORDER BY id")
        .map_err(sql)?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, bool>(2)?,
                row.get::<_, bool>(3)?,
                row.get::<_, i64>(4)?,
            ))
        })
        .map_err(sql)?;
    let mut members = Vec::new();
    for row in rows {
        let (id, dob, assurer, assurer_blocked, ttpadmin) = row.map_err(sql)?;
        let dob = match dob.as_deref().map(parse_datetime) {
            None | Some(Ok(None)) => None,
            Some(Ok(Some(dob))) => Some(dob.date()),
            Some(Err(message)) => {
                return Err(db_error(
                    path,
                    format!("users.dob of user {id}: {message}"),
                    "fix the row",
                ));
            }
        };
        members.push(MemberRow {
            id,
            dob,
            assurer,
            assurer_blocked,
            ttpadmin,
            cats_passes: Vec::new(),
        });
    }
    Ok(members)
}

/// Reads `notary` in id order: in as many id ranges as there are threads, each on a
/// connection of its own, filling its own part of one vector (no second copy of the rows).
fn read_notary(
    connection: &Connection,
    path: &str,
    flags: OpenFlags,
) -> Result<Vec<RecordRow>, Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "check the `notary` table");
    let total = connection
        .query_row("SELECT count(*) FROM notary", [], |row| {
            row.get::<_, i64>(0)
        })
        .map_err(sql)? as usize;
    let parts = rayon::current_num_threads().clamp(1, 16).min(total.max(1));
    let offsets: Vec<usize> = (0..=parts).map(|k| k * total / parts).collect();
    let mut starts: Vec<Option<i64>> = vec![None];
    for offset in &offsets[1..parts] {
        let id = connection
            .query_row(
                "SELECT id FROM notary ORDER BY id LIMIT 1 OFFSET ?1",
                [*offset as i64],
                |row| row.get::<_, i64>(0),
            )
            .map_err(sql)?;
        starts.push(Some(id));
    }
    starts.push(None);
    let empty: Arc<str> = Arc::from("");
    let placeholder = RecordRow {
        id: 0,
        from: 0,
        to: 0,
        points: 0,
        awarded: 0,
        method: empty.clone(),
        location: empty.clone(),
        date: empty,
        when: None,
        expire: None,
        deleted: None,
    };
    let mut rows = vec![placeholder; total];
    let mut slices = Vec::with_capacity(parts);
    let mut rest = rows.as_mut_slice();
    for k in 0..parts {
        let (part, tail) = rest.split_at_mut(offsets[k + 1] - offsets[k]);
        slices.push((part, starts[k], starts[k + 1]));
        rest = tail;
    }
    slices
        .into_par_iter()
        .map(|(part, from, until)| read_notary_range(path, flags, from, until, part))
        .collect::<Result<(), Diagnostic>>()?;
    Ok(rows)
}

/// Reads the rows with `from <= id < until` into `part`, which has room for exactly them.
fn read_notary_range(
    path: &str,
    flags: OpenFlags,
    from: Option<i64>,
    until: Option<i64>,
    part: &mut [RecordRow],
) -> Result<(), Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "check the `notary` table");
    let changed = || {
        db_error(
            path,
            "the notary table changed while it was read",
            "another program is writing to the database: try again when it has finished",
        )
    };
    let connection = Connection::open_with_flags(path, flags).map_err(sql)?;
    let mut statement = connection
        .prepare(r#"SELECT id, "from", "to", points, awarded, method, location, date, "when", expire, deleted FROM notary WHERE (?1 IS NULL OR id >= ?1) AND (?2 IS NULL OR id < ?2) ORDER BY id"#)
        .map_err(sql)?;
    // Free text repeats (a few methods, cities, days): each distinct text is stored once.
    let mut texts: FxHashSet<Arc<str>> = FxHashSet::default();
    let mut intern = |value: rusqlite::types::ValueRef| -> rusqlite::Result<Arc<str>> {
        let text = value.as_str()?;
        Ok(match texts.get(text) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Arc<str> = text.into();
                texts.insert(shared.clone());
                shared
            }
        })
    };
    let rows = statement
        .query_map(params![from, until], |row| {
            Ok((
                RecordRow {
                    id: row.get(0)?,
                    from: row.get(1)?,
                    to: row.get(2)?,
                    points: row.get(3)?,
                    awarded: row.get(4)?,
                    method: intern(row.get_ref(5)?)?,
                    location: intern(row.get_ref(6)?)?,
                    date: intern(row.get_ref(7)?)?,
                    when: None,
                    expire: None,
                    deleted: None,
                },
                [
                    datetime_column(row.get_ref(8)?)?,
                    datetime_column(row.get_ref(9)?)?,
                    datetime_column(row.get_ref(10)?)?,
                ],
            ))
        })
        .map_err(sql)?;
    let mut count = 0;
    for row in rows {
        let (mut record, [when, expire, deleted]) = row.map_err(sql)?;
        let datetime = |column: &str, parsed: Result<Option<NaiveDateTime>, String>| {
            parsed.map_err(|message| {
                db_error(
                    path,
                    format!("notary.{column} of record {}: {message}", record.id),
                    "fix the row",
                )
            })
        };
        record.when = datetime("when", when)?;
        record.expire = datetime("expire", expire)?;
        record.deleted = datetime("deleted", deleted)?;
        *part.get_mut(count).ok_or_else(changed)? = record;
        count += 1;
    }
    if count != part.len() {
        return Err(changed());
    }
    Ok(())
}

/// A nullable date-time column, parsed where it is read.
fn datetime_column(
    value: rusqlite::types::ValueRef,
) -> rusqlite::Result<Result<Option<NaiveDateTime>, String>> {
    Ok(match value {
        rusqlite::types::ValueRef::Null => Ok(None),
        other => parse_datetime(other.as_str()?),
    })
}

/// Writes a case into a database in one transaction: all of it, or nothing.
pub fn import_case(case: &CaseFile, path: &str) -> Result<(), Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "nothing was written");
    let mut connection = Connection::open(path).map_err(|e| {
        db_error(
            path,
            format!("cannot open: {e}"),
            "check the path and permissions",
        )
    })?;
    let transaction = connection.transaction().map_err(sql)?;
    transaction.execute_batch(SCHEMA).map_err(sql)?;
    let format_datetime =
        |d: &Option<chrono::NaiveDateTime>| d.map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string());
    {
        let mut users = transaction.prepare("INSERT INTO users (id, dob, assurer, assurer_blocked, ttpadmin) VALUES (?1, ?2, ?3, ?4, ?5)").map_err(sql)?;
        let mut cats = transaction
            .prepare("INSERT INTO cats_passed (user_id, pass_date) VALUES (?1, ?2)")
            .map_err(sql)?;
        for member in &case.members {
            let dob = member.dob.map(|d| d.to_string());
            users
                .execute(params![
                    member.id,
                    dob,
                    member.assurer,
                    member.assurer_blocked,
                    member.ttpadmin
                ])
                .map_err(sql)?;
            for pass in &member.cats_passes {
                cats.execute(params![member.id, pass.to_string()])
                    .map_err(sql)?;
            }
        }
        let mut notary = transaction
            .prepare(r#"INSERT INTO notary (id, "from", "to", points, awarded, method, location, date, "when", expire, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"#)
            .map_err(sql)?;
        for r in &case.records {
            notary
                .execute(params![
                    r.id,
                    r.from,
                    r.to,
                    r.points,
                    r.awarded,
                    &*r.method,
                    &*r.location,
                    &*r.date,
                    format_datetime(&r.when),
                    format_datetime(&r.expire),
                    format_datetime(&r.deleted)
                ])
                .map_err(sql)?;
        }
        let request = &case.request;
        transaction
            .execute("DELETE FROM wotrules_case", [])
            .map_err(sql)?;
        transaction
            .execute("INSERT INTO wotrules_case (as_of, ticket, requested_by, mismatch) VALUES (?1, ?2, ?3, ?4)", params![case.as_of.map(|d| d.to_string()), request.ticket, request.by, request.mismatch])
            .map_err(sql)?;
    }
    transaction.commit().map_err(sql)
}
