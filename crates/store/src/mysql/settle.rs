//! Dump import: what the whole dump tells once read, that no single row does — a character
//! set read wrongly, the records of members left out, a dump cut between statements.

use rusqlite::Transaction;

use super::kept::KEPT;
use super::{DumpReader, Quarantined, RowId};
use crate::sqlite::sql_error;
use wotrules_core::diag::Diagnostic;

impl DumpReader<'_, '_> {
    /// After the write pass, inside its transaction: refuses a dump read with the wrong
    /// character set or cut between statements, and leaves out (`--quarantine`) the records
    /// of members whose row was left out.
    pub(super) fn settle(
        &mut self,
        transaction: &Transaction,
        shown: &str,
    ) -> Result<(), Diagnostic> {
        self.settle_charset()?;
        self.leave_out_records_of_members_left_out(transaction)
            .map_err(|e| sql_error(shown, &e))?;
        self.refuse_records_of_absent_members(transaction, shown)?;
        self.refuse_rows_short_of_auto_increment()
    }

    /// Texts that do not read as the character set says: when no text of the dump reads
    /// as a UTF-8 connection writes, the setting is wrong (refused); else the rows are bad
    /// (refused, or quarantined). A `--dump-charset latin1` under which every text beyond
    /// ASCII reads as re-encoded UTF-8 ("JÃ¶rg") is the opposite mistake.
    fn settle_charset(&mut self) -> Result<(), Diagnostic> {
        let reading = &self.reading;
        if reading.looking_reencoded > 0
            && reading.looking_reencoded == reading.non_ascii_as_written
        {
            return Err(self.error(
                self.last_line,
                format!(
                    "every one of the {} texts beyond ASCII reads as UTF-8 re-encoded by a UTF-8 connection (`JÃ¶rg` for `Jörg`): read as `latin1` they would be imported garbled",
                    reading.looking_reencoded
                ),
                "the dump was written through a UTF-8 connection (mariadb-dump's default): import it with `--dump-charset utf8mb4`",
            ));
        }
        let Some(first) = self.charset_suspects.first() else {
            return Ok(());
        };
        if reading.repaired == 0 {
            let help = if reading.connection_stated {
                "the dump says it was written through a UTF-8 connection, but its texts do not read so: dump the database again with `--default-character-set=latin1`"
            } else {
                "the dump was written through a `latin1` connection (mariadb-dump --default-character-set=latin1): import it with `--dump-charset latin1`"
            };
            let at = first
                .column
                .map_or(String::new(), |c| format!(", column `{c}`"));
            return Err(self.error(
                first.line.unwrap_or(self.last_line),
                format!(
                    "{} texts do not read as a UTF-8 connection writes CAcert's latin1 columns, and none does (the first: `{}` row {}{at} at line {}: {})",
                    self.charset_suspects.len(),
                    first.table,
                    first.id,
                    first.line.unwrap_or(0),
                    first.reason
                ),
                help,
            ));
        }
        if !self.options.quarantine {
            return Err(self.row_error(first));
        }
        self.quarantined.append(&mut self.charset_suspects);
        Ok(())
    }

    /// Leaves out the `notary` and `cats_passed` rows of members whose `users` row was left
    /// out (and no other row with their id kept): kept, they would change other members'
    /// decisions while their member is missing.
    fn leave_out_records_of_members_left_out(
        &mut self,
        transaction: &Transaction,
    ) -> rusqlite::Result<()> {
        let members: Vec<i64> = self
            .quarantined
            .iter()
            .filter(|row| row.table == "users")
            .filter_map(|row| match row.id {
                RowId::Number(id) => Some(id),
                RowId::Text(_) => None,
            })
            .collect();
        if members.is_empty() {
            return Ok(());
        }
        transaction
            .execute_batch("CREATE TEMP TABLE wotrules_left_out (id INTEGER PRIMARY KEY);")?;
        {
            let mut insert = transaction
                .prepare("INSERT OR IGNORE INTO temp.wotrules_left_out (id) VALUES (?1)")?;
            for id in members {
                insert.execute([id])?;
            }
        }
        let gone = "(SELECT id FROM temp.wotrules_left_out WHERE id NOT IN (SELECT id FROM users))";
        let tables = [
            (
                "notary",
                1,
                format!(
                    r#"SELECT id, "from" IN {gone}, "from", "to" FROM notary WHERE "from" IN {gone} OR "to" IN {gone} ORDER BY id"#
                ),
            ),
            (
                "cats_passed",
                2,
                format!(
                    "SELECT id, 1, user_id, user_id FROM cats_passed WHERE user_id IN {gone} ORDER BY id"
                ),
            ),
        ];
        for (table, index, query) in tables {
            let rows: Vec<(i64, bool, i64, i64)> = transaction
                .prepare(&query)?
                .query_map([], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            for &(id, first_column, from, to) in &rows {
                let (column, member) = match (table, first_column) {
                    ("cats_passed", _) => ("user_id", from),
                    (_, true) => ("from", from),
                    (_, false) => ("to", to),
                };
                self.quarantined.push(Quarantined {
                    line: None,
                    table: KEPT[index].table,
                    id: RowId::Number(id),
                    column: Some(column),
                    reason: format!("names member {member}, whose `users` row was left out"),
                });
            }
            let deleted = transaction.execute(
                &format!("DELETE FROM {table} WHERE id IN (SELECT id FROM ({query}))"),
                [],
            )?;
            self.counts[index] -= deleted as u64;
        }
        transaction.execute_batch("DROP TABLE temp.wotrules_left_out;")
    }

    /// `notary` rows naming a member the dump has no row for: the dump was cut (or mixes
    /// databases), whatever its last line says.
    fn refuse_records_of_absent_members(
        &self,
        transaction: &Transaction,
        shown: &str,
    ) -> Result<(), Diagnostic> {
        let absent = r#"FROM notary WHERE "from" NOT IN (SELECT id FROM users) OR "to" NOT IN (SELECT id FROM users)"#;
        let found = transaction
            .query_row(
                &format!(r#"SELECT count(*), min(id) {absent}"#),
                [],
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Option<i64>>(1)?)),
            )
            .and_then(|(count, first)| match first {
                None => Ok(None),
                Some(id) => transaction
                    .query_row(
                        r#"SELECT "from", "to", "from" IN (SELECT id FROM users) FROM notary WHERE id = ?1"#,
                        [id],
                        |row| {
                            let (from, to, from_known): (i64, i64, bool) =
                                (row.get(0)?, row.get(1)?, row.get(2)?);
                            Ok(Some((count, id, if from_known { to } else { from })))
                        },
                    ),
            })
            .map_err(|e| sql_error(shown, &e))?;
        let Some((count, id, member)) = found else {
            return Ok(());
        };
        Err(self.error(
            self.last_line,
            format!(
                "{count} `notary` {} the dump has no `users` row for (the first: row {id} names member {member}): the dump was cut before its end, or its tables come from different databases",
                if count == 1 { "row names a member" } else { "rows name members" }
            ),
            "dump the database again, whole (without `--compact`, its last line proves it whole)",
        ))
    }

    /// A dump without mysqldump's last line whose table stops short of the id its
    /// `CREATE TABLE` says comes next: the evidence of a cut between statements.
    fn refuse_rows_short_of_auto_increment(&self) -> Result<(), Diagnostic> {
        if !self.unchecked_end {
            return Ok(());
        }
        for (index, table) in self.tables.iter().enumerate() {
            let Some(next) = table.as_ref().and_then(|t| t.auto_increment) else {
                continue;
            };
            let last = self.max_ids[index].unwrap_or(0);
            if last < next - 1 {
                return Err(self.error(
                    self.table_lines[index],
                    format!(
                        "`{}` declares AUTO_INCREMENT={next}, so its last row is id {} or later, but the dump's last row of it is id {last}: a dump without mysqldump's last line (`--compact`) cut between two statements",
                        KEPT[index].table,
                        next - 1
                    ),
                    "dump the database again; if the table's last rows were deleted in the database, dump it without `--compact`: its last line proves the dump whole",
                ));
            }
        }
        Ok(())
    }
}
