//! `import --mysql-dump`: what only the whole dump tells — a character set read wrongly
//! either way, a dump cut between statements, the records of members left out — refused
//! or quarantined as it deserves, the database and the list of rows left out both written
//! or neither; and the small things around it (a header alone, `--database` on an unnamed
//! dump, pipes).

use std::path::{Path, PathBuf};

use crate::support::{Run, root, wotrules, wotrules_with_input};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/data/dumps/mariadb").join(name)).expect("a dump")
}

/// Writes `text` as `name` in `dir`, and imports it into `dir/cacert.sqlite` with `extra`.
fn import(dir: &Path, name: &str, text: &str, extra: &[&str]) -> (Run, PathBuf) {
    let dump = dir.join(name);
    std::fs::write(&dump, text).expect("written");
    let db = dir.join("cacert.sqlite");
    let mut args = vec![
        "import",
        "--mysql-dump",
        dump.to_str().expect("UTF-8"),
        "--db",
        db.to_str().expect("UTF-8"),
    ];
    args.extend_from_slice(extra);
    (wotrules(&root(), &args), db)
}

/// A database already in place, to show a refused import leaves it as it was.
fn existing_database(dir: &Path) -> Vec<u8> {
    let db = dir.join("cacert.sqlite");
    let _ = std::fs::remove_file(&db);
    let run = wotrules(
        &root(),
        &[
            "import",
            "rules/tests/cases/a20111001.1.yaml",
            "--db",
            db.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    std::fs::read(db).expect("the database")
}

/// Runs `import` with and without `--quarantine`: both refuse, with `expected` and
/// without suggesting quarantine, and leave the database and no list.
fn assert_refused_as_a_whole(dir: &Path, name: &str, text: &str, extra: &[&str], expected: &str) {
    let before = existing_database(dir);
    let list = dir.join("left-out.jsonl");
    let list_text = list.to_str().expect("UTF-8");
    for quarantine in [false, true] {
        let mut args = extra.to_vec();
        if quarantine {
            args.extend(["--quarantine", list_text]);
        }
        let (run, db) = import(dir, name, text, &args);
        assert_eq!(run.code, Some(2), "{name} {args:?}: {}", run.transcript());
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
        assert!(
            !run.stderr.contains("--quarantine"),
            "{name}: {}",
            run.stderr
        );
        assert!(!list.exists(), "{name}: no list");
        assert_eq!(std::fs::read(db).expect("the database"), before, "{name}");
    }
}

#[test]
fn a_utf8_dump_read_as_latin1_is_refused_not_imported_garbled() {
    let dir = tempfile::tempdir().expect("a directory");
    assert_refused_as_a_whole(
        dir.path(),
        "compact.sql",
        &fixture("compact.sql"),
        &["--dump-charset", "latin1"],
        "reads as UTF-8 re-encoded by a UTF-8 connection (`JÃ¶rg` for `Jörg`)",
    );
    let (run, _) = import(
        dir.path(),
        "compact.sql",
        &fixture("compact.sql"),
        &["--dump-charset", "latin1"],
    );
    assert!(
        run.stderr.contains("--dump-charset utf8mb4"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_latin1_dump_read_as_utf8_is_refused_not_quarantined_name_by_name() {
    let dir = tempfile::tempdir().expect("a directory");
    let silent = fixture("latin1.sql").replace("/*!40101 SET NAMES latin1 */;\n", "");
    assert_refused_as_a_whole(
        dir.path(),
        "silent.sql",
        &silent,
        &["--dump-charset", "utf8mb4"],
        "import it with `--dump-charset latin1`",
    );
    // Without the text no latin1 column can hold, the evidence is that no text reads as a
    // UTF-8 connection writes.
    let plain = silent
        .replace('🏠', "house")
        .replace('😀', ":)")
        .replace('张', "Z")
        .replace('ā', "a");
    assert_refused_as_a_whole(
        dir.path(),
        "plain.sql",
        &plain,
        &["--dump-charset", "utf8mb4"],
        "texts do not read as a UTF-8 connection writes CAcert's latin1 columns, and none does",
    );
    let (run, _) = import(
        dir.path(),
        "silent.sql",
        &silent,
        &["--dump-charset", "latin1"],
    );
    assert_eq!(
        run.code,
        Some(0),
        "the right setting imports: {}",
        run.stderr
    );
}

/// `latin1.sql` with member 900001's `fname` holding the latin1 byte of "ö" (as something
/// other than the webdb would write "Jörg").
fn with_a_latin1_byte() -> Vec<u8> {
    let text = fixture("latin1.sql");
    let mut bytes = text
        .replacen("'','Jörg','',", "'','J\u{1}rg','',", 1)
        .into_bytes();
    let at = bytes.iter().position(|&b| b == 1).expect("the marked byte");
    bytes[at] = 0xF6;
    bytes
}

#[test]
fn a_member_left_out_takes_their_records_along_and_the_list_says_why() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = dir.path().join("byte.sql");
    std::fs::write(&dump, with_a_latin1_byte()).expect("written");
    let db = dir.path().join("q.sqlite");
    let list = dir.path().join("left-out.jsonl");
    let run = wotrules(
        &root(),
        &[
            "import",
            "--mysql-dump",
            dump.to_str().expect("UTF-8"),
            "--db",
            db.to_str().expect("UTF-8"),
            "--quarantine",
            list.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&list)
        .expect("the list")
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    let member = rows
        .iter()
        .find(|r| r["table"] == "users")
        .expect("the member");
    assert_eq!(member["id"], 900001, "ids are numbers");
    assert_eq!(member["column"], "fname");
    assert_eq!(
        member["reason"],
        "holds the byte 0xF6 (`latin1` `ö`) at byte 2, which is not UTF-8: the webdb writes UTF-8, so something else wrote this text"
    );
    let records: Vec<&serde_json::Value> = rows.iter().filter(|r| r["table"] == "notary").collect();
    assert!(!records.is_empty(), "{rows:?}");
    for record in &records {
        assert_eq!(record["line"], serde_json::Value::Null);
        assert!(
            record["reason"]
                .as_str()
                .is_some_and(|r| r == "names member 900001, whose `users` row was left out"),
            "{record}"
        );
    }
    let connection = rusqlite::Connection::open(&db).expect("the database");
    let kept: i64 = connection
        .query_row(
            r#"SELECT count(*) FROM notary WHERE "from" = 900001 OR "to" = 900001"#,
            [],
            |row| row.get(0),
        )
        .expect("a count");
    assert_eq!(kept, 0, "no record of the member left out stays in");
    assert!(
        run.stderr
            .contains(&format!("{} rows failed validation", rows.len())),
        "{}",
        run.stderr
    );
}

#[test]
fn a_list_that_cannot_be_written_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().expect("a directory");
    let before = existing_database(dir.path());
    let dump = dir.path().join("byte.sql");
    std::fs::write(&dump, with_a_latin1_byte()).expect("written");
    let db = dir.path().join("cacert.sqlite");
    let list = dir.path().join("no/such/folder/left-out.jsonl");
    let run = wotrules(
        &root(),
        &[
            "import",
            "--mysql-dump",
            dump.to_str().expect("UTF-8"),
            "--db",
            db.to_str().expect("UTF-8"),
            "--quarantine",
            list.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert_eq!(std::fs::read(&db).expect("the database"), before);
    assert!(!list.exists());
}

#[test]
fn a_compact_dump_cut_between_statements_is_refused_by_its_evidence() {
    let dir = tempfile::tempdir().expect("a directory");
    let compact = fixture("compact.sql");
    // Cut after member 900002: the records of 900003 and later name members not there.
    let start = compact.find("(900003,'smile@").expect("member 900003");
    let cut = format!("{};\n", compact[..start].trim_end().trim_end_matches(','));
    assert_refused_as_a_whole(
        dir.path(),
        "cut.sql",
        &cut,
        &["--dump-charset", "utf8mb4"],
        "`notary` rows name members the dump has no `users` row for (the first: row",
    );
    // A table that stops short of the id its CREATE TABLE says comes next.
    let short = compact.replace("AUTO_INCREMENT=900006 ", "AUTO_INCREMENT=920000 ");
    assert_refused_as_a_whole(
        dir.path(),
        "short.sql",
        &short,
        &["--dump-charset", "utf8mb4"],
        "`users` declares AUTO_INCREMENT=920000, so its last row is id 919999 or later, but the dump's last row of it is id 900005",
    );
    // With mysqldump's last line, the same gap is rows deleted in the database: imported.
    let whole = fixture("latin1.sql").replace("AUTO_INCREMENT=900006 ", "AUTO_INCREMENT=920000 ");
    let (run, _) = import(dir.path(), "whole.sql", &whole, &[]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
}

#[test]
fn a_dump_that_stops_after_its_header_is_called_truncated() {
    let dir = tempfile::tempdir().expect("a directory");
    let latin1 = fixture("latin1.sql");
    let header_end = latin1
        .find("--\n-- Table structure")
        .expect("the first table");
    let (run, _) = import(dir.path(), "header.sql", &latin1[..header_end], &[]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr
            .contains("the dump ends after mysqldump's header, before any table"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the dump is truncated"),
        "{}",
        run.stderr
    );
}

#[test]
fn database_names_a_database_the_dump_must_name() {
    let dir = tempfile::tempdir().expect("a directory");
    let (run, db) = import(
        dir.path(),
        "compact.sql",
        &fixture("compact.sql"),
        &["--dump-charset", "utf8mb4", "--database", "other"],
    );
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr
            .contains("the dump has no database `other` with CAcert's tables (it names none)"),
        "{}",
        run.stderr
    );
    assert!(!db.exists());
}

#[test]
fn a_pipe_named_by_its_path_is_read_as_standard_input_is() {
    let dir = tempfile::tempdir().expect("a directory");
    let db = dir.path().join("piped.sqlite");
    let run = wotrules_with_input(
        &root(),
        &[
            "import",
            "--mysql-dump",
            "/dev/stdin",
            "--db",
            db.to_str().expect("UTF-8"),
        ],
        fixture("latin1.sql").as_bytes(),
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert!(run.stdout.contains("imported 5 users"), "{}", run.stdout);
}
