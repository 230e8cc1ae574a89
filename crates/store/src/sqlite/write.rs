//! Writing a database: a case imported in one transaction, into a copy renamed over the
//! old file, all or nothing.

use super::{SCHEMA, db_error};
use crate::replace::{Replacement, Target};
use rusqlite::{Connection, OpenFlags, params};
use std::path::Path;
use wotrules_core::data::Rows;
use wotrules_core::data::Stamp;
use wotrules_core::diag::Diagnostic;

/// Writes a case into the database at `target`: all of it, or nothing, and never a state
/// that blocks readers (see `write_all_or_nothing`).
pub fn import_case(case: &Rows, target: Target) -> Result<(), Diagnostic> {
    let path = target.shown().to_string();
    let copy = write_beside(target, true, |transaction| {
        write_case(transaction, case, &path)
    })?;
    commit_database(copy)
}

/// Writes into the database at `target` with `fill`, in one transaction, all or nothing:
/// the rows go into a private temporary beside the database (a copy of the database when
/// `keep` and it exists, else a new one), which [`commit_database`] renames over it, with
/// its mode and owner. A failed, interrupted or full-disk write leaves the old file as it
/// was (and no file where there was none).
pub(crate) fn write_beside(
    target: Target,
    keep: bool,
    fill: impl FnOnce(&rusqlite::Transaction) -> Result<(), Diagnostic>,
) -> Result<Replacement, Diagnostic> {
    let path = target.shown().to_string();
    let source = (keep && target.exists()).then(|| target.path().to_path_buf());
    let copy = Replacement::beside(target).map_err(|e| {
        db_error(
            &path,
            format!("cannot create a file beside it: {e}"),
            "check the permissions of the database's directory and the disk",
        )
    })?;
    write_copy(&path, source.as_deref(), copy.path(), fill)?;
    Ok(copy)
}

/// Renames a database written by [`write_beside`] into place.
pub(crate) fn commit_database(copy: Replacement) -> Result<(), Diagnostic> {
    let path = copy.target().shown().to_string();
    copy.commit().map_err(|e| {
        db_error(
            &path,
            format!("cannot replace the database: {e}"),
            "check the permissions of its directory and the disk",
        )
    })
}

/// Writes the database `source` (when given; else an empty one) with `fill`'s rows added
/// into the empty file `copy`; `path` names the database in messages.
fn write_copy(
    path: &str,
    source: Option<&Path>,
    copy: &Path,
    fill: impl FnOnce(&rusqlite::Transaction) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let sql = |e: rusqlite::Error| sql_error(path, &e);
    if let Some(source) = source {
        let log = format!("{}-wal", source.display());
        if std::fs::metadata(&log).is_ok_and(|m| m.len() > 0) {
            return Err(db_error(
                path,
                format!(
                    "{log} holds changes not yet in the database (it is open in another program, or was not closed)"
                ),
                "close the other program, or run `sqlite3 FILE 'PRAGMA wal_checkpoint(TRUNCATE)'`, then import again",
            ));
        }
        // The committed state copied in one statement.
        let from = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| db_error(path, format!("cannot open: {e}"), "check the path"))?;
        let into = copy.to_string_lossy();
        from.execute("VACUUM INTO ?1", [&*into]).map_err(|e| {
            if is_disk_full(&e) {
                return sql(e);
            }
            db_error(
                path,
                format!("cannot copy: {e}"),
                "check it is a SQLite database and the disk has room",
            )
        })?;
    }
    // The temporary exists (made and registered beside the target): opened, never created,
    // so that one a signal's cleanup has just removed is not made again.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut connection = Connection::open_with_flags(copy, flags).map_err(|e| {
        db_error(
            path,
            format!("cannot open the file beside it: {e}"),
            "check the permissions of the database's directory",
        )
    })?;
    // The copy is private and thrown away on failure: its journal stays in memory, so that
    // nothing is left beside the target whatever happens.
    connection
        .execute_batch("PRAGMA journal_mode=MEMORY;")
        .map_err(sql)?;
    let transaction = connection.transaction().map_err(sql)?;
    transaction.execute_batch(SCHEMA).map_err(sql)?;
    fill(&transaction)?;
    transaction.commit().map_err(sql)?;
    connection.close().map_err(|(_, e)| sql(e))
}

/// Whether SQLite failed because the disk (or the file system's quota) is full.
pub(crate) fn is_disk_full(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(failure, _)
        if failure.code == rusqlite::ErrorCode::DiskFull)
}

/// A SQLite error while writing the database at `path`: a full disk is said as such (no row
/// is to blame), anything else as SQLite says it.
pub(crate) fn sql_error(path: &str, error: &rusqlite::Error) -> Diagnostic {
    if is_disk_full(error) {
        return db_error(
            path,
            "the disk is full",
            "free space on the disk of the database's directory and import again; nothing was written",
        );
    }
    db_error(path, error.to_string(), "nothing was written")
}

/// The rows of a case, and its date and request as the one `wotrules_case` row.
pub(super) fn write_case(
    transaction: &rusqlite::Transaction,
    case: &Rows,
    path: &str,
) -> Result<(), Diagnostic> {
    let sql = |e: rusqlite::Error| sql_error(path, &e);
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
            let date = (*pass != wotrules_core::lang::UNDATED).then(|| pass.to_string());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_blames_the_disk_not_a_row() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        );
        let diagnostic = sql_error("cacert.sqlite", &full);
        assert_eq!(diagnostic.message, "cacert.sqlite: the disk is full");
        let help = diagnostic.help.unwrap_or_default();
        assert!(help.contains("free space"), "{help}");
        assert!(!help.contains("quarantine"), "{help}");
    }
}
