//! `wotrules import --mysql-dump` on dumps the real `mariadb-dump` (MariaDB 10.11) wrote of
//! CAcert's production tables holding the rows of `scripts/mariadb/hostile-rows.sql`, loaded
//! as the webdb writes them (UTF-8 through a latin1 connection) into a server in
//! Europe/Berlin (`scripts/mariadb/dump-fixtures.sh` renews them; no MariaDB is needed here).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::support::{Run, root, wotrules, wotrules_with_input};

/// The users as the webdb shows them: id, email, fname, mname, lname, suffix.
fn expected_users() -> Vec<(i64, String, String, String, String, String)> {
    let row = |id, email: &str, fname: &str, mname: &str, lname: &str, suffix: &str| {
        (
            id,
            email.to_string(),
            fname.to_string(),
            mname.to_string(),
            lname.to_string(),
            suffix.to_string(),
        )
    };
    vec![
        row(
            900001,
            "jörg@example.org",
            "Jörg",
            "",
            "Müller-Lüdenscheidt",
            "",
        ),
        row(
            900002,
            "obrien@example.org",
            "O'Brien",
            "Tab\there",
            "Back\\slash \"quoted\"",
            "Jr.",
        ),
        row(
            900003,
            "smile@example.org",
            "Line\nbreak",
            "Nul\0byte",
            "Smile 😀",
            "",
        ),
        row(
            900004,
            "zhang@example.org",
            &format!("{}x", "é".repeat(127)),
            "",
            "Zhāng 张",
            "",
        ),
        row(
            900005,
            "cp1252@example.org",
            "ÁÍÏÐÝ €uro ‚quotes‘ „Ž“",
            "",
            "Œuvre • Šaš – ™",
            "",
        ),
    ]
}

/// The records' free texts: id, method, location, date.
fn expected_texts() -> Vec<(i64, String, String, String)> {
    [
        (
            9000001,
            "Face to Face Meeting",
            "Köln, Café am Dom".to_string(),
            "13.6.2005",
        ),
        (
            9000002,
            "Face to Face Meeting",
            "Paris; -- here".into(),
            "2004-02-10",
        ),
        (
            9000003,
            "Face to Face Meeting",
            "TTP \"x\" \\ y".into(),
            "anfang 2004",
        ),
        (
            9000004,
            "Face to Face Meeting",
            "🏠 Home\nsecond line".into(),
            "2009-01-01",
        ),
        (9000005, "", format!("{}y", "é".repeat(127)), ""),
        (9000006, "TTP-Assisted", "Wien".into(), "2016-01-01"),
    ]
    .into_iter()
    .map(|(id, method, location, date)| (id, method.into(), location, date.into()))
    .collect()
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/data/dumps/mariadb").join(name)
}

/// Imports `dump` (a path, or `-` with `input`) into a new database in `dir`.
fn import(dir: &Path, dump: &str, extra: &[&str], input: Option<&[u8]>) -> (Run, PathBuf) {
    let db = dir.join(format!("import-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let db_text = db.to_str().expect("UTF-8").to_string();
    let mut args = vec!["import", "--mysql-dump", dump, "--db", &db_text];
    args.extend_from_slice(extra);
    let run = match input {
        Some(bytes) => wotrules_with_input(&root(), &args, bytes),
        None => wotrules(&root(), &args),
    };
    (run, db)
}

fn users(db: &Path) -> Vec<(i64, String, String, String, String, String)> {
    let connection = rusqlite::Connection::open(db).expect("open");
    let mut statement = connection
        .prepare("SELECT id, email, fname, mname, lname, suffix FROM users ORDER BY id")
        .expect("query");
    statement
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn texts(db: &Path) -> Vec<(i64, String, String, String)> {
    let connection = rusqlite::Connection::open(db).expect("open");
    let mut statement = connection
        .prepare("SELECT id, method, location, date FROM notary ORDER BY id")
        .expect("query");
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn passes(db: &Path) -> Vec<(i64, i64, Option<String>)> {
    let connection = rusqlite::Connection::open(db).expect("open");
    let mut statement = connection
        .prepare("SELECT user_id, variant_id, pass_date FROM cats_passed ORDER BY id")
        .expect("query");
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The names and texts of an import are exactly those the webdb shows.
fn assert_as_the_webdb_shows(db: &Path, what: &str) {
    assert_eq!(users(db), expected_users(), "{what}: users");
    assert_eq!(texts(db), expected_texts(), "{what}: notary texts");
}

#[test]
fn a_latin1_dump_of_the_production_schema_gives_every_name_as_the_webdb_shows_it() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = fixture("latin1.sql");
    let (run, db) = import(dir.path(), dump.to_str().expect("UTF-8"), &[], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "imported 5 users, 6 notary rows, 3 CATS passes and 3 CATS variants of database `cacert`"
        ),
        "{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains("re-encoded"),
        "latin1 is exact: {}",
        run.stderr
    );
    assert_as_the_webdb_shows(&db, "latin1");
    let connection = rusqlite::Connection::open(&db).expect("open");
    let variants: Vec<(i64, i64)> = connection
        .prepare("SELECT id, type_id FROM cats_variant ORDER BY id")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        variants,
        [(5, 1), (6, 1), (12, 5)],
        "production's `test_text` is not needed"
    );
}

#[test]
fn a_utf8mb4_dump_is_repaired_to_the_same_names_and_says_how_many_texts_it_repaired() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = fixture("utf8mb4.sql");
    let (run, db) = import(dir.path(), dump.to_str().expect("UTF-8"), &[], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_as_the_webdb_shows(&db, "utf8mb4");
    let non_ascii = expected_users()
        .into_iter()
        .flat_map(|(_, a, b, c, d, e)| [a, b, c, d, e])
        .chain(
            expected_texts()
                .into_iter()
                .flat_map(|(_, a, b, c)| [a, b, c]),
        )
        .filter(|text| !text.is_ascii())
        .count();
    assert_eq!(non_ascii, 11);
    assert!(
        run.stderr.contains(&format!(
            "note: {non_ascii} texts were written re-encoded by a UTF-8 connection"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_dump_that_does_not_say_its_character_set_is_refused_where_a_text_reads_two_ways() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = fixture("compact.sql");
    let dump = dump.to_str().expect("UTF-8");
    let (run, db) = import(dir.path(), dump, &[], None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "`notary` row 9000001, column `location`: reads as `KÃ¶ln, CafÃ© am Dom` or as `Köln, Café am Dom`, and the dump does not say its character set"
        ),
        "{}",
        run.stderr
    );
    assert!(!db.exists(), "a refused dump leaves no database");
    let (run, db) = import(dir.path(), dump, &["--dump-charset", "utf8mb4"], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_as_the_webdb_shows(&db, "compact, utf8mb4");
    assert!(
        run.stderr
            .contains("a dump cut between two statements cannot be told"),
        "a compact dump has no last line to check: {}",
        run.stderr
    );
    // `--compact` drops the SET TIME_ZONE too: converting its timestamps would be a guess,
    // and a problem of the whole dump, refused even where bad rows may be quarantined (it
    // used to leave out every CATS pass).
    for quarantine in [false, true] {
        let list = dir.path().join("left-out.jsonl");
        let mut args = vec!["--dump-charset", "utf8mb4", "--time-zone", "Europe/Berlin"];
        if quarantine {
            args.extend(["--quarantine", list.to_str().expect("UTF-8")]);
        }
        let (run, db) = import(dir.path(), dump, &args, None);
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(
            run.stderr
                .contains("does not say in which time zone it wrote them"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("--quarantine"), "{}", run.stderr);
        assert!(!list.exists(), "no list of rows left out");
        assert!(!db.exists(), "no database");
    }
}

#[test]
fn timestamps_are_read_in_the_server_s_zone_when_it_is_given_and_said_to_be_utc_when_not() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = fixture("latin1.sql");
    let dump = dump.to_str().expect("UTF-8");
    let (run, db) = import(dir.path(), dump, &[], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        passes(&db),
        [
            (900001, 5, Some("2010-04-30 22:30:00".into())),
            (900002, 6, None),
            (900003, 12, Some("2010-05-01 10:00:00".into())),
        ],
        "as written: in UTC"
    );
    assert!(
        run.stderr.contains(
            "note: 2 values of cats_passed.pass_date were read as the dump wrote them, in +00:00 (its SET TIME_ZONE)"
        ),
        "{}",
        run.stderr
    );
    let (run, db) = import(dir.path(), dump, &["--time-zone", "Europe/Berlin"], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        passes(&db),
        [
            (900001, 5, Some("2010-05-01 00:30:00".into())),
            (900002, 6, None),
            (900003, 12, Some("2010-05-01 12:00:00".into())),
        ],
        "in Berlin's summer time, as the server shows them"
    );
    assert!(!run.stderr.contains("pass_date"), "{}", run.stderr);
}

#[test]
fn a_zero_pass_date_is_a_pass_without_a_date_that_counts_at_every_as_of() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = fixture("latin1.sql");
    let (run, db) = import(dir.path(), dump.to_str().expect("UTF-8"), &[], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let options = wotrules_store::ReadOptions {
        cats_types: vec![1],
        contacts: false,
    };
    let case = wotrules_store::read_database(db.to_str().expect("UTF-8"), &options)
        .expect("the database reads");
    let passes: Vec<(i64, Vec<String>)> = case
        .members
        .iter()
        .map(|m| {
            let shown = m
                .cats_passes
                .iter()
                .map(|d| wotrules_core::lang::ShownDate(*d).to_string());
            (m.id, shown.collect())
        })
        .collect();
    assert_eq!(
        passes,
        [
            (900001, vec!["2010-04-30".to_string()]),
            (900002, vec!["0000-00-00".to_string()]),
            (900003, vec![]),
            (900004, vec![]),
            (900005, vec![]),
        ],
        "900003 passed only the Data Privacy Quiz (type 5), which does not count"
    );
    assert_eq!(case.members[1].cats_passes, [wotrules_core::lang::UNDATED]);
}

#[test]
fn a_truncated_dump_is_refused_after_mariadb_s_sandbox_line_too() {
    let dir = tempfile::tempdir().expect("a directory");
    let text = std::fs::read_to_string(fixture("latin1.sql")).expect("the dump");
    assert!(text.starts_with("/*M!999999\\- enable the sandbox mode */"));
    // Cut between two statements: after the data of `notary`, before `users`.
    let cut = text.find("UNLOCK TABLES;\n").expect("a table's data") + "UNLOCK TABLES;\n".len();
    let cut = text[cut..]
        .find("UNLOCK TABLES;\n")
        .map(|more| cut + more + "UNLOCK TABLES;\n".len())
        .expect("a second table");
    let truncated = dir.path().join("truncated.sql");
    std::fs::write(&truncated, &text[..cut]).expect("written");
    let (run, db) = import(dir.path(), truncated.to_str().expect("UTF-8"), &[], None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the dump has mysqldump's header but not its last line `-- Dump completed`"),
        "{}",
        run.stderr
    );
    assert!(!db.exists());
}

#[test]
fn a_dump_of_several_databases_is_refused_unless_one_is_named() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = fixture("databases.sql");
    let dump = dump.to_str().expect("UTF-8");
    let (run, db) = import(dir.path(), dump, &[], None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the dump holds CAcert's tables in more than one database: `cacert` (line"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("and `cacert_test` (line"),
        "{}",
        run.stderr
    );
    assert!(!db.exists());
    let (run, db) = import(dir.path(), dump, &["--database", "cacert"], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_as_the_webdb_shows(&db, "--database cacert");
    let (run, _) = import(dir.path(), dump, &["--database", "cacert_old"], None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the dump has no database `cacert_old` with CAcert's tables (it has `cacert`, `cacert_test`)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn dumps_without_table_definitions_or_in_ansi_or_with_routines_read_the_same() {
    let dir = tempfile::tempdir().expect("a directory");
    for name in ["no-create-info.sql", "ansi.sql", "routines.sql"] {
        let dump = fixture(name);
        let (run, db) = import(dir.path(), dump.to_str().expect("UTF-8"), &[], None);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert_as_the_webdb_shows(&db, name);
    }
}

#[test]
fn xml_dumps_and_table_lists_without_a_kept_table_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = fixture("xml.sql");
    let (run, _) = import(dir.path(), dump.to_str().expect("UTF-8"), &[], None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("xml.sql:1: an XML dump (`mysqldump --xml`)"),
        "{}",
        run.stderr
    );
    let dump = fixture("table-list.sql");
    let (run, db) = import(dir.path(), dump.to_str().expect("UTF-8"), &[], None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("the dump has no table `cats_variant`"),
        "{}",
        run.stderr
    );
    assert!(!db.exists());
}

#[test]
fn a_duplicate_id_is_reported_at_the_line_of_its_row() {
    let dir = tempfile::tempdir().expect("a directory");
    let text = std::fs::read_to_string(fixture("latin1.sql")).expect("the dump");
    let mut lines: Vec<&str> = text.lines().collect();
    let row = lines
        .iter()
        .position(|l| l.starts_with("(9000002,"))
        .expect("the row of record 9000002");
    lines.insert(row + 1, lines[row]);
    let duplicated = dir.path().join("duplicated.sql");
    std::fs::write(&duplicated, lines.join("\n") + "\n").expect("written");
    let (run, _) = import(dir.path(), duplicated.to_str().expect("UTF-8"), &[], None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let expected = format!(
        "duplicated.sql:{}: `notary` row 9000002: an earlier row has the same id",
        row + 2
    );
    assert!(run.stderr.contains(&expected), "{expected}\n{}", run.stderr);
}

#[test]
fn gzip_and_standard_input_are_read_as_streams() {
    let dir = tempfile::tempdir().expect("a directory");
    let text = std::fs::read(fixture("latin1.sql")).expect("the dump");
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&text).expect("compressed");
    let gzip = gzip.finish().expect("compressed");
    // Told by its first bytes, not its name.
    let compressed = dir.path().join("cacert.dump");
    std::fs::write(&compressed, &gzip).expect("written");
    let (run, db) = import(dir.path(), compressed.to_str().expect("UTF-8"), &[], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_as_the_webdb_shows(&db, "gzip");
    for (what, input) in [("plain", &text), ("gzip", &gzip)] {
        let (run, db) = import(dir.path(), "-", &[], Some(input));
        assert_eq!(
            run.code,
            Some(0),
            "{what} on standard input: {}",
            run.stderr
        );
        assert_as_the_webdb_shows(&db, what);
    }
    let cut = &gzip[..gzip.len() / 2];
    let (run, db) = import(dir.path(), "-", &[], Some(cut));
    assert_eq!(
        run.code,
        Some(2),
        "a compressed dump cut short: {}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with("error[mysql-dump]: <stdin>:"),
        "{}",
        run.stderr
    );
    assert!(!db.exists());
}

#[test]
fn bad_rows_refuse_the_dump_unless_quarantined_with_their_line_table_id_column_and_reason() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = fixture("bad-rows.sql");
    let dump = dump.to_str().expect("UTF-8");
    let (run, db) = import(dir.path(), dump, &[], None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "`notary` row 9000101, column `to`: `from` and `to` are both 900001 (a member cannot assure themself)"
        ),
        "{}",
        run.stderr
    );
    assert!(!db.exists());
    let report = dir.path().join("quarantine.jsonl");
    let report_text = report.to_str().expect("UTF-8");
    let (run, db) = import(dir.path(), dump, &["--quarantine", report_text], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("note: 3 rows failed validation and were left out"),
        "{}",
        run.stderr
    );
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&report)
        .expect("the report")
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    let shown: Vec<(String, i64, String)> = rows
        .iter()
        .map(|row| {
            (
                row["table"].as_str().unwrap_or_default().to_string(),
                row["id"].as_i64().expect("ids are numbers"),
                row["column"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("notary".into(), 9000101, "to".into()),
            ("users".into(), 900101, "fname".into()),
            ("users".into(), 900102, "dob".into()),
        ]
    );
    // The dump holds the bytes of the cut name: not UTF-8 as a whole.
    let bytes = std::fs::read(fixture("bad-rows.sql")).expect("the dump");
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    for row in &rows {
        let line = row["line"].as_u64().expect("a line") as usize;
        let id = row["id"].as_i64().expect("an id");
        assert!(
            lines[line - 1].starts_with(format!("({id},").as_bytes()),
            "line {line} holds row {id}"
        );
    }
    assert!(
        rows[1]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("not UTF-8"))
    );
    let ids: Vec<i64> = users(&db).into_iter().map(|u| u.0).collect();
    assert_eq!(ids, [900001, 900002, 900003, 900004, 900005]);
    let (run, _) = import(dir.path(), dump, &["--quarantine", report_text], None);
    assert_eq!(run.code, Some(2), "an existing report is not overwritten");
}
