//! Writing a database: a case imported in one transaction, into a copy renamed over the
//! old file, all or nothing.

use super::{SCHEMA, db_error};
use crate::data::Stamp;
use crate::diag::Diagnostic;
use crate::store::CaseFile;
use rusqlite::{Connection, OpenFlags, params};
use std::path::Path;

/// Writes a case into a database: all of it, or nothing, and never a state that blocks
/// readers (see [`write_all_or_nothing`]).
pub fn import_case(case: &CaseFile, path: &str) -> Result<(), Diagnostic> {
    write_all_or_nothing(path, true, |transaction| {
        write_case(transaction, case, path)
    })
}

/// Writes into the database at `path` with `fill`, in one transaction, all or nothing: the
/// rows go into a copy beside the database (of the database when `keep` and it exists, else
/// a new file), which is renamed over it once complete. A failed, killed or full-disk write
/// leaves the old file as it was (and no file where there was none).
pub(in crate::store) fn write_all_or_nothing(
    path: &str,
    keep: bool,
    fill: impl FnOnce(&rusqlite::Transaction) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let target = Path::new(path);
    let name = target
        .file_name()
        .map_or("database".into(), |n| n.to_string_lossy().into_owned());
    let copy = target.with_file_name(format!(".{name}.wotrules-import-{}", std::process::id()));
    let shown = copy.display().to_string();
    let result = write_copy(path, &shown, keep, fill).and_then(|()| {
        std::fs::rename(&copy, target).map_err(|e| {
            db_error(
                path,
                format!("cannot replace the database: {e}"),
                "check the permissions of its directory",
            )
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&copy);
        let _ = std::fs::remove_file(format!("{shown}-journal"));
    }
    result
}

/// Writes the database at `path` (when `keep`; else an empty one) with `fill`'s rows added
/// into `copy`.
pub(super) fn write_copy(
    path: &str,
    copy: &str,
    keep: bool,
    fill: impl FnOnce(&rusqlite::Transaction) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "nothing was written");
    let _ = std::fs::remove_file(copy);
    let log = format!("{path}-wal");
    if std::fs::metadata(&log).is_ok_and(|m| m.len() > 0) {
        return Err(db_error(
            path,
            format!(
                "{log} holds changes not yet in the database (it is open in another program, or was not closed)"
            ),
            "close the other program, or run `sqlite3 FILE 'PRAGMA wal_checkpoint(TRUNCATE)'`, then import again",
        ));
    }
    if keep && Path::new(path).exists() {
        // The committed state copied in one statement.
        let source = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| db_error(path, format!("cannot open: {e}"), "check the path"))?;
        source.execute("VACUUM INTO ?1", [copy]).map_err(|e| {
            db_error(
                path,
                format!("cannot copy: {e}"),
                "check it is a SQLite database and the disk has room",
            )
        })?;
    }
    let mut connection = Connection::open(copy).map_err(|e| {
        db_error(
            path,
            format!("cannot create {copy}: {e}"),
            "check the permissions of the database's directory",
        )
    })?;
    // The copy is new and private: no write-ahead log to leave behind beside the target.
    connection
        .execute_batch("PRAGMA journal_mode=DELETE;")
        .map_err(sql)?;
    let transaction = connection.transaction().map_err(sql)?;
    transaction.execute_batch(SCHEMA).map_err(sql)?;
    fill(&transaction)?;
    transaction.commit().map_err(sql)?;
    connection.close().map_err(|(_, e)| sql(e))?;
    std::fs::File::open(copy)
        .and_then(|file| file.sync_all())
        .map_err(|e| db_error(path, format!("cannot write {copy}: {e}"), "check the disk"))
}

/// The rows of a case, and its date and request as the one `wotrules_case` row.
pub(super) fn write_case(
    transaction: &rusqlite::Transaction,
    case: &CaseFile,
    path: &str,
) -> Result<(), Diagnostic> {
    let sql = |e: rusqlite::Error| db_error(path, e.to_string(), "nothing was written");
    let format_datetime = |d: Stamp| d.get().map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string());
    let mut users = transaction.prepare("INSERT INTO users (id, dob, assurer, assurer_blocked, ttpadmin, deleted, locked, email, fname, mname, lname, suffix) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)").map_err(sql)?;
    let mut cats = transaction
        .prepare("INSERT INTO cats_passed (user_id, pass_date) VALUES (?1, ?2)")
        .map_err(sql)?;
    for member in &case.members {
        let dob = member.dob.map(|d| d.to_string());
        let deleted = member.deleted.map(|d| d.to_string());
        let contact = member.contact.as_deref().cloned().unwrap_or_default();
        users
            .execute(params![
                member.id,
                dob,
                member.assurer,
                member.assurer_blocked,
                member.ttpadmin,
                deleted,
                member.locked,
                contact.email,
                contact.fname,
                contact.mname,
                contact.lname,
                contact.suffix
            ])
            .map_err(sql)?;
        for pass in &member.cats_passes {
            let date = (*pass != crate::lang::UNDATED).then(|| pass.to_string());
            cats.execute(params![member.id, date]).map_err(sql)?;
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
                case.texts.get(r.method),
                case.texts.get(r.location),
                case.texts.get(r.date),
                format_datetime(r.when),
                format_datetime(r.expire),
                format_datetime(r.deleted)
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
    Ok(())
}
