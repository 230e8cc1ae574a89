//! The first two tables of the plan, read from CAcert's production tables: the records that
//! exist as of the date (`notary`) and the members (`users`, with their first CATS pass),
//! in the language's terms (dates without time, `0000-00-00` missing, text as UTF-8).

use super::dialect::{Dialect, SqlType};
use super::expr::parameter;
use wotrules_core::plan::Plan;

/// The date a CATS pass without a date is stored as in a table: the earliest date every
/// engine has (the evaluator's is earlier still; only the order matters).
pub(crate) fn undated() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default()
}

/// A date column of the production tables as a date, or missing.
fn date(d: Dialect, column: &str) -> String {
    match d {
        Dialect::Sqlite => format!(
            "(CASE WHEN {column} IS NULL OR {column} LIKE '0000-00-00%' THEN NULL ELSE date({column}) END)"
        ),
        // A zero date (`0000-00-00`) is no date.
        Dialect::Mariadb => {
            format!("(CASE WHEN YEAR({column}) = 0 THEN NULL ELSE DATE({column}) END)")
        }
        Dialect::Postgres | Dialect::Spark => format!("CAST({column} AS DATE)"),
    }
}

/// A text column as text.
fn text(d: Dialect, column: &str) -> String {
    match d {
        // CAcert's latin1 columns hold the UTF-8 the webdb writes: read as the bytes they are.
        Dialect::Mariadb => {
            format!("CONVERT(CAST({column} AS BINARY) USING utf8mb4) COLLATE utf8mb4_nopad_bin")
        }
        _ => column.to_string(),
    }
}

/// An integer column as a 64-bit integer.
fn int(d: Dialect, column: &str) -> String {
    match d {
        Dialect::Postgres | Dialect::Spark => format!("CAST({column} AS BIGINT)"),
        _ => column.to_string(),
    }
}

/// A flag column (an integer) as a boolean.
fn flag(column: &str) -> String {
    format!("({column} <> 0)")
}

/// The columns of the first step of the records, in order.
pub(crate) const RECORD_COLUMNS: &[&str] = &[
    "f_id",
    "f_from",
    "f_to",
    "f_points",
    "f_awarded",
    "f_method",
    "f_location",
    "f_date",
    "f_when",
    "f_expire",
    "f_deleted",
];

/// The columns of the first step of the members, in order.
pub(crate) const MEMBER_COLUMNS: &[&str] = &[
    "f_id",
    "f_dob",
    "f_assurer",
    "f_assurer_blocked",
    "f_ttpadmin",
    "f_cats_passed",
    "f_deleted",
    "f_locked",
    "f_email",
    "f_fname",
    "f_mname",
    "f_lname",
    "f_suffix",
    "f_in_users",
];

/// The records that exist as of the date: `notary` rows entered on or before it (or with
/// no entry date).
pub(crate) fn records(plan: &Plan, d: Dialect) -> String {
    let q = |name: &str| format!("n.{}", d.ident(name));
    let when = date(d, &q("when"));
    let as_of = match plan.as_of {
        Some(date) => d.date(date),
        None => parameter(d, "as_of"),
    };
    format!(
        "SELECT {} AS f_id, {} AS f_from, {} AS f_to, {} AS f_points, {} AS f_awarded, \
         {} AS f_method, {} AS f_location, {} AS f_date, {when} AS f_when, {} AS f_expire, \
         {} AS f_deleted FROM notary n WHERE {when} IS NULL OR {when} <= {as_of}",
        int(d, &q("id")),
        int(d, &q("from")),
        int(d, &q("to")),
        int(d, &q("points")),
        int(d, &q("awarded")),
        text(d, &q("method")),
        text(d, &q("location")),
        text(d, &q("date")),
        date(d, &q("expire")),
        date(d, &q("deleted")),
    )
}

/// The members: `users` rows with their first CATS pass on or before the date, then (when
/// a record reads a definition of its member) the members records name without a row.
pub(crate) fn members(plan: &Plan, d: Dialect, records: &str) -> String {
    let as_of = match plan.as_of {
        Some(date) => d.date(date),
        None => parameter(d, "as_of"),
    };
    let pass = match d {
        Dialect::Sqlite => format!(
            "(CASE WHEN c.pass_date IS NULL OR c.pass_date LIKE '0000-00-00%' THEN {} ELSE date(c.pass_date) END)",
            d.date(undated())
        ),
        Dialect::Mariadb => format!(
            "(CASE WHEN c.pass_date IS NULL OR YEAR(c.pass_date) = 0 THEN {} ELSE DATE(c.pass_date) END)",
            d.date(undated())
        ),
        Dialect::Postgres | Dialect::Spark => {
            format!("COALESCE(CAST(c.pass_date AS DATE), {})", d.date(undated()))
        }
    };
    let types: Vec<String> = plan.cats_types.iter().map(|t| t.to_string()).collect();
    let types = if types.is_empty() {
        "NULL".to_string()
    } else {
        types.join(", ")
    };
    let cats = format!(
        "SELECT c.user_id AS k, MIN({pass}) AS v FROM cats_passed c \
         JOIN cats_variant t ON t.id = c.variant_id \
         WHERE t.type_id IN ({types}) AND {pass} <= {as_of} GROUP BY c.user_id"
    );
    let u = |name: &str| format!("u.{}", d.ident(name));
    let users = format!(
        "SELECT {} AS f_id, {} AS f_dob, {} AS f_assurer, {} AS f_assurer_blocked, \
         {} AS f_ttpadmin, cp.v AS f_cats_passed, {} AS f_deleted, {} AS f_locked, \
         {} AS f_email, {} AS f_fname, {} AS f_mname, {} AS f_lname, {} AS f_suffix, \
         {} AS f_in_users FROM users u LEFT JOIN ({cats}) cp ON cp.k = u.id",
        int(d, &u("id")),
        date(d, &u("dob")),
        flag(&u("assurer")),
        flag(&u("assurer_blocked")),
        int(d, &u("ttpadmin")),
        date(d, &u("deleted")),
        flag(&u("locked")),
        text(d, &u("email")),
        text(d, &u("fname")),
        text(d, &u("mname")),
        text(d, &u("lname")),
        text(d, &u("suffix")),
        d.boolean(true),
    );
    if !plan.reads_linked_definitions {
        return users;
    }
    let (no, empty) = (d.boolean(false), d.text(""));
    format!(
        "{users} UNION ALL SELECT x.id, {}, {no}, {no}, 0, {}, {}, {no}, {empty}, {empty}, \
         {empty}, {empty}, {empty}, {no} FROM (SELECT f_from AS id FROM {records} \
         UNION SELECT f_to FROM {records}) x WHERE NOT EXISTS \
         (SELECT 1 FROM users u2 WHERE u2.id = x.id)",
        d.null(SqlType::Date),
        d.null(SqlType::Date),
        d.null(SqlType::Date),
    )
}
