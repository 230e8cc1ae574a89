//! Dump import: the tables and columns the store keeps, and a dump's values converted to
//! them.

use rusqlite::types::Value as SqlValue;

use super::parse::{DumpValue, TableDef};
use super::text::{Charset, TextError, Zone, convert, read_text};
use crate::parse_datetime;

/// How a kept column's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A whole number.
    Int,
    /// Text (in the production schema, a `latin1` column holding UTF-8).
    Text,
    /// A `date` or `datetime`; `0000-00-00…` and NULL are stored as NULL.
    Date,
    /// A `timestamp`: a `datetime` that a dump writes in its `TIME_ZONE`.
    Timestamp,
}

/// A table the store keeps, with the columns it keeps (the production names and kinds) and
/// whether it may be absent from a dump.
pub(crate) struct Kept {
    /// The table.
    pub table: &'static str,
    /// Its kept columns, in the order the store's `INSERT` takes them.
    pub columns: &'static [(&'static str, Kind)],
}

/// The tables and columns the rules and the mailing read (CAcert's production schema).
pub(crate) const KEPT: &[Kept] = &[
    Kept {
        table: "users",
        columns: &[
            ("id", Kind::Int),
            ("email", Kind::Text),
            ("fname", Kind::Text),
            ("mname", Kind::Text),
            ("lname", Kind::Text),
            ("suffix", Kind::Text),
            ("dob", Kind::Date),
            ("assurer", Kind::Int),
            ("assurer_blocked", Kind::Int),
            ("ttpadmin", Kind::Int),
            ("deleted", Kind::Date),
            ("locked", Kind::Int),
        ],
    },
    Kept {
        table: "notary",
        columns: &[
            ("id", Kind::Int),
            ("from", Kind::Int),
            ("to", Kind::Int),
            ("points", Kind::Int),
            ("awarded", Kind::Int),
            ("method", Kind::Text),
            ("location", Kind::Text),
            ("date", Kind::Text),
            ("when", Kind::Date),
            ("expire", Kind::Date),
            ("deleted", Kind::Date),
        ],
    },
    Kept {
        table: "cats_passed",
        columns: &[
            ("id", Kind::Int),
            ("user_id", Kind::Int),
            ("variant_id", Kind::Int),
            ("pass_date", Kind::Timestamp),
        ],
    },
    Kept {
        table: "cats_variant",
        columns: &[("id", Kind::Int), ("type_id", Kind::Int)],
    },
];

/// The index in [`KEPT`] of the table named `name`.
pub(crate) fn kept_index(name: &str) -> Option<usize> {
    KEPT.iter().position(|k| k.table == name)
}

/// Where each kept column of a table stands among a dump's values for it, and how to read it.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    /// Per kept column: its position among the row's values.
    pub positions: Vec<usize>,
    /// Per kept column: how it is read (a `timestamp` per the dump's `CREATE TABLE`).
    kinds: Vec<Kind>,
    /// Per kept column: its character set (the table's, or the column's own).
    charsets: Vec<Charset>,
}

impl Shape {
    /// The shape of kept table `index` when a row's values stand in the order `columns`;
    /// types and character sets from the table's `CREATE TABLE` when the dump has one,
    /// else production's (`latin1` text). An unknown character set is an error.
    pub(crate) fn new(
        index: usize,
        columns: &[&str],
        table: Option<&TableDef>,
    ) -> Result<Self, String> {
        let kept = &KEPT[index];
        let table_charset = match table.and_then(|t| t.charset.as_deref()) {
            Some(name) => known_charset(name, kept.table, None)?,
            None => Charset::Latin1,
        };
        let mut shape = Self {
            positions: Vec::new(),
            kinds: Vec::new(),
            charsets: Vec::new(),
        };
        for &(name, kind) in kept.columns {
            let Some(position) = columns.iter().position(|c| *c == name) else {
                return Err(format!(
                    "table `{}` has no column `{name}` (it has: {})",
                    kept.table,
                    columns.join(", ")
                ));
            };
            let definition = table.and_then(|t| t.columns.iter().find(|c| c.name == name));
            let kind = match (kind, definition) {
                (Kind::Date | Kind::Timestamp, Some(d)) if d.type_name == "timestamp" => {
                    Kind::Timestamp
                }
                (Kind::Date | Kind::Timestamp, Some(_)) => Kind::Date,
                (kind, _) => kind,
            };
            let charset = match definition.and_then(|d| d.charset.as_deref()) {
                Some(own) => known_charset(own, kept.table, Some(name))?,
                None => table_charset,
            };
            shape.positions.push(position);
            shape.kinds.push(kind);
            shape.charsets.push(charset);
        }
        Ok(shape)
    }

    /// The kept columns read as `timestamp`s.
    pub(crate) fn timestamp_columns(
        &self,
        index: usize,
    ) -> impl Iterator<Item = &'static str> + '_ {
        KEPT[index]
            .columns
            .iter()
            .zip(&self.kinds)
            .filter(|(_, kind)| **kind == Kind::Timestamp)
            .map(|((name, _), _)| *name)
    }
}

fn known_charset(name: &str, table: &str, column: Option<&str>) -> Result<Charset, String> {
    Charset::named(name).ok_or_else(|| {
        let what = column.map_or(format!("table `{table}`"), |c| format!("`{table}`.`{c}`"));
        format!("{what} is `{name}`: the reader knows latin1, utf8, utf8mb3, utf8mb4 and binary")
    })
}

/// The zone a dump wrote its `timestamp`s in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum DumpZone {
    /// Not known yet, or not at all: the dump has neither mysqldump's header nor a
    /// `SET TIME_ZONE` (`--compact` drops both; mysqldump writes UTC unless `--skip-tz-utc`).
    #[default]
    Unknown,
    /// The server's own: the dump has mysqldump's header but no `SET TIME_ZONE`
    /// (`--skip-tz-utc`).
    Server,
    /// The zone its `SET TIME_ZONE` names (`+00:00` by default).
    Stated(Zone),
}

/// How the dump's text and times are read: its connection's character set and its
/// `TIME_ZONE`, the server's zone to show times in, and what was done.
#[derive(Debug, Default)]
pub(crate) struct Reading {
    /// The character set the dump was written in (`SET NAMES`, or `--dump-charset`).
    pub connection: Option<Charset>,
    /// Whether `connection` is the dump's own `SET NAMES` (else the user's `--dump-charset`).
    pub connection_stated: bool,
    /// Texts read through a `latin1` connection into a `latin1` column that hold more than
    /// ASCII, and how many of them read as UTF-8 re-encoded ("JÃ¶rg"): when all do, the
    /// dump was written through a UTF-8 connection whatever `--dump-charset` said.
    pub non_ascii_as_written: u64,
    /// See `non_ascii_as_written`.
    pub looking_reencoded: u64,
    /// The zone the dump wrote `timestamp`s in.
    pub dump_zone: DumpZone,
    /// The server's zone (`--time-zone`), in which the webdb sees them.
    pub server_zone: Option<Zone>,
    /// Texts the dump held re-encoded, repaired.
    pub repaired: u64,
    /// `timestamp` values read as written in the dump's zone (no server zone given, or the
    /// dump's zone unknown).
    pub timestamps_as_written: u64,
}

/// Why a row's values could not be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The row is bad (its column, if one is to blame, and why): refused, or quarantined
    /// on request.
    Row(Option<&'static str>, String),
    /// The row's text is not what the dump's character set says: a bad row, or a dump read
    /// with the wrong character set, told at the end by how many texts read well.
    Charset(&'static str, String),
    /// The dump is read wrongly as a whole (a setting, not a row; the column where it
    /// showed, what is wrong, what to do): always refused.
    Dump(&'static str, String, &'static str),
}

/// A row's kept values, or why not.
pub(crate) type Converted = Result<Vec<SqlValue>, Fault>;

impl Reading {
    /// Converts one row's values (of kept table `index`, in `shape`) to the kept columns.
    pub(crate) fn row(
        &mut self,
        index: usize,
        shape: &Shape,
        mut values: Vec<DumpValue>,
    ) -> Converted {
        let kept = &KEPT[index];
        let count = values.len();
        let mut row = Vec::with_capacity(kept.columns.len());
        for (i, &(name, _)) in kept.columns.iter().enumerate() {
            let position = shape.positions[i];
            let Some(value) = values.get_mut(position).map(std::mem::take) else {
                return Err(Fault::Row(
                    Some(name),
                    format!(
                        "the row has {count} values, and the table has this column as its number {}",
                        position + 1
                    ),
                ));
            };
            let converted = self
                .value(value, shape.kinds[i], shape.charsets[i])
                .map_err(|fault| fault.at(name))?;
            row.push(converted);
        }
        check_record(index, &row).map_err(|(column, reason)| Fault::Row(Some(column), reason))?;
        Ok(row)
    }

    fn value(
        &mut self,
        value: DumpValue,
        kind: Kind,
        charset: Charset,
    ) -> Result<SqlValue, ValueFault> {
        let plain = |value: DumpValue| match value {
            DumpValue::Null => Err(ValueFault::Row("is NULL".to_string())),
            DumpValue::Bare(text) => Ok(text),
            DumpValue::Quoted(bytes) => String::from_utf8(bytes)
                .map_err(|e| ValueFault::Row(super::text::not_utf8(e.as_bytes()))),
        };
        match kind {
            Kind::Int => {
                let shown = value.shown();
                plain(value)?
                    .trim()
                    .parse::<i64>()
                    .map(SqlValue::Integer)
                    .map_err(|_| ValueFault::Row(format!("`{shown}` is not a whole number")))
            }
            Kind::Text => match value {
                DumpValue::Quoted(bytes) => self.text(bytes, charset),
                other => plain(other).map(SqlValue::Text),
            },
            Kind::Date | Kind::Timestamp => {
                if value == DumpValue::Null {
                    return Ok(SqlValue::Null);
                }
                let text = plain(value)?;
                let Some(written) = parse_datetime(&text).map_err(ValueFault::Row)? else {
                    return Ok(SqlValue::Null);
                };
                match (kind, self.dump_zone, self.server_zone) {
                    (Kind::Timestamp, DumpZone::Stated(from), Some(to)) => {
                        let shown = convert(written, from, to).ok_or_else(|| {
                            ValueFault::Row(format!(
                                "{written} does not exist in the dump's time zone"
                            ))
                        })?;
                        Ok(SqlValue::Text(shown.format("%Y-%m-%d %H:%M:%S").to_string()))
                    }
                    (Kind::Timestamp, DumpZone::Unknown, Some(_)) => Err(ValueFault::Dump(
                        "the dump has `timestamp` columns and does not say in which time zone it wrote them (`--compact` drops mysqldump's `SET TIME_ZONE`), so `--time-zone` cannot convert them".into(),
                        "dump without `--compact`; or import without `--time-zone` to keep the times as written; or dump with `--skip-tz-utc`, which writes them in the server's zone",
                    )),
                    (Kind::Timestamp, DumpZone::Stated(_) | DumpZone::Unknown, None) => {
                        self.timestamps_as_written += 1;
                        Ok(SqlValue::Text(text.trim().to_string()))
                    }
                    _ => Ok(SqlValue::Text(text.trim().to_string())),
                }
            }
        }
    }
}

/// Why one value could not be kept (see [`Fault`]; the column is added by the row).
#[derive(Debug)]
enum ValueFault {
    Row(String),
    Charset(String),
    Dump(String, &'static str),
}

impl ValueFault {
    fn at(self, column: &'static str) -> Fault {
        match self {
            Self::Row(reason) => Fault::Row(Some(column), reason),
            Self::Charset(reason) => Fault::Charset(column, reason),
            Self::Dump(message, help) => Fault::Dump(column, message, help),
        }
    }
}

impl Reading {
    /// A text column's value, read through the dump's connection into a column of
    /// `charset`, with the evidence of a wrong character set counted.
    fn text(&mut self, bytes: Vec<u8>, charset: Charset) -> Result<SqlValue, ValueFault> {
        let as_written_latin1 = charset == Charset::Latin1
            && self.connection == Some(Charset::Latin1)
            && !self.connection_stated
            && !bytes.is_ascii();
        if as_written_latin1 {
            self.non_ascii_as_written += 1;
            if looks_reencoded(&bytes) {
                self.looking_reencoded += 1;
            }
        }
        match read_text(bytes, self.connection, charset) {
            Ok(read) => {
                self.repaired += u64::from(read.repaired);
                Ok(SqlValue::Text(read.text))
            }
            Err(error @ TextError::Undone(_)) => Err(ValueFault::Charset(error.message())),
            Err(error @ TextError::NotUtf8(_)) => Err(ValueFault::Row(error.message())),
            Err(error @ TextError::NotLatin1(_)) => Err(ValueFault::Dump(
                error.message(),
                if self.connection_stated {
                    "dump with `--default-character-set=latin1` (exact for CAcert's latin1 tables)"
                } else {
                    "the dump was written through a `latin1` connection (mariadb-dump --default-character-set=latin1): import it with `--dump-charset latin1`"
                },
            )),
            Err(error @ TextError::Ambiguous { .. }) => Err(ValueFault::Dump(
                error.message(),
                "say how the dump was written: `--dump-charset latin1` (mariadb-dump --default-character-set=latin1) or `--dump-charset utf8mb4` (mariadb-dump's default)",
            )),
        }
    }
}

/// Whether UTF-8 `bytes` read as text re-encoded by a UTF-8 connection: undoing the
/// re-encoding gives other, valid UTF-8 ("JÃ¶rg" → "Jörg").
fn looks_reencoded(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| {
        read_text(
            text.as_bytes().to_vec(),
            Some(Charset::Utf8),
            Charset::Latin1,
        )
        .is_ok_and(|read| read.repaired)
    })
}

/// What the store requires of a record beyond its values' types (as `eval --db` does): no
/// member assures themself, and none is revoked before it was entered.
fn check_record(index: usize, row: &[SqlValue]) -> Result<(), (&'static str, String)> {
    if KEPT[index].table != "notary" {
        return Ok(());
    }
    if let (SqlValue::Integer(from), SqlValue::Integer(to)) = (&row[1], &row[2])
        && from == to
    {
        return Err((
            "to",
            format!("`from` and `to` are both {to} (a member cannot assure themself)"),
        ));
    }
    if let (SqlValue::Text(when), SqlValue::Text(deleted)) = (&row[8], &row[10])
        && deleted < when
    {
        return Err((
            "deleted",
            format!("{deleted} is before `when` {when} (a record is revoked after it was entered)"),
        ));
    }
    Ok(())
}
