//! Reading a database: how `notary` is split between two connections (by rowid, the
//! larger part to the connection that reads nothing else).

use rusqlite::Connection;

/// Which rows of `notary` a reader reads, by id.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ids {
    All,
    UpTo(i64),
    Above(i64),
}

impl Ids {
    /// The SQL condition on `id` and its bound (`?1`).
    pub(super) fn condition(self) -> (&'static str, i64) {
        match self {
            Ids::All => ("?1 = ?1", 0),
            Ids::UpTo(split) => ("id <= ?1", split),
            Ids::Above(split) => ("id > ?1", split),
        }
    }
}

/// The database's journal mode (`wal`, `delete`, …).
pub(super) fn journal_mode(connection: &Connection) -> rusqlite::Result<String> {
    connection.query_row("PRAGMA journal_mode", [], |row| row.get(0))
}

/// How long a `users` row (with its CATS passes) takes to read, as a share of a `notary` row
/// (measured on the benchmark's L database, 2026-12-03: 0.5 against 0.8 µs).
pub(super) const USERS_ROW_COST: f64 = 0.6;

/// The least and the greatest id of `table`, when `id` is its rowid (so that every id is an
/// integer, never NULL, and a range of them is found without a scan: SQLite's plan for a
/// range of ids says so) and it has rows. `min` and `max` are asked apart: SQLite finds
/// each in the rowid's b-tree at once, but both in one query only by reading every row.
pub(super) fn id_range(
    connection: &Connection,
    table: &str,
) -> rusqlite::Result<Option<(i64, i64)>> {
    let mut plan = connection.prepare(&format!(
        "EXPLAIN QUERY PLAN SELECT id FROM {table} WHERE id > 0"
    ))?;
    let steps: Vec<String> = plan
        .query_map([], |row| row.get(3))?
        .collect::<rusqlite::Result<_>>()?;
    if !steps
        .iter()
        .any(|step| step.contains("USING INTEGER PRIMARY KEY"))
    {
        return Ok(None);
    }
    let bound = |aggregate: &str| {
        connection.query_row(&format!("SELECT {aggregate}(id) FROM {table}"), [], |row| {
            row.get::<_, Option<i64>>(0)
        })
    };
    Ok(bound("min")?.zip(bound("max")?))
}

/// The notary id that splits reading between two connections: the second reads the ids up
/// to it, the first the ids above it and `users`, so the split lies above the middle by what
/// evens out the work (the tables' id ranges standing for their sizes). `None` when
/// `notary`'s `id` is not its rowid or there are no rows on both sides.
pub(super) fn split_id(connection: &Connection) -> rusqlite::Result<Option<i64>> {
    let Some((least, greatest)) = id_range(connection, "notary")? else {
        return Ok(None);
    };
    if least >= greatest {
        return Ok(None);
    }
    let span = |(least, greatest): (i64, i64)| (greatest as f64 - least as f64) + 1.0;
    let users = id_range(connection, "users")?.map_or(0.0, span);
    let notary = span((least, greatest));
    let lower_share = (0.5 + USERS_ROW_COST / 2.0 * users / notary).clamp(0.5, 0.95);
    let split = least as f64 + (greatest as f64 - least as f64) * lower_share;
    Ok(Some((split as i64).clamp(least, greatest - 1)))
}
