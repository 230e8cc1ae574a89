//! The store: case files and databases, read without loss, rejected with a message naming the
//! file, line and field; imports all or nothing; `eval --db` never writes.

use std::path::Path;

use crate::support::{root, wotrules};

fn copy_example(dir: &Path) {
    std::fs::create_dir_all(dir.join("rules/tests/cases")).expect("create directory");
    std::fs::copy(
        root().join("rules/tests/cases/a20111001.1.yaml"),
        dir.join("rules/tests/cases/a20111001.1.yaml"),
    )
    .expect("copy the example");
}

/// The JSON decisions of the example case, the reference for the database runs.
fn example_case_json() -> String {
    let run = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.stdout
}

#[test]
fn eval_db_gives_the_same_json_as_eval_case() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    copy_example(workspace.path());
    let db = workspace.path().join("case.sqlite");
    let db = db.to_str().expect("a UTF-8 path");
    let import = wotrules(
        &root(),
        &[
            "import",
            &format!(
                "{}/rules/tests/cases/a20111001.1.yaml",
                workspace.path().display()
            ),
            "--db",
            db,
        ],
    );
    assert_eq!(import.code, Some(0), "{}", import.stderr);
    let from_db = wotrules(&root(), &["eval", "--db", db, "--format", "json"]);
    assert_eq!(from_db.code, Some(0), "{}", from_db.stderr);
    assert_eq!(from_db.stdout, example_case_json());
}

#[test]
fn the_bundled_sample_database_matches_its_case() {
    let from_db = wotrules(
        &root(),
        &["eval", "--db", "examples/sample.sqlite", "--format", "json"],
    );
    assert_eq!(from_db.code, Some(0), "{}", from_db.stderr);
    assert_eq!(from_db.stdout, example_case_json());
}

#[test]
fn eval_db_reads_a_read_only_file_and_changes_no_byte() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let db = workspace.path().join("sample.sqlite");
    std::fs::copy(root().join("examples/sample.sqlite"), &db).expect("copy the sample");
    let mut permissions = std::fs::metadata(&db).expect("metadata").permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&db, permissions).expect("make it read-only");
    let before = std::fs::read(&db).expect("read the database");
    let run = wotrules(
        &root(),
        &[
            "eval",
            "--db",
            db.to_str().expect("a UTF-8 path"),
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("\"reapply\": \"eligible\""));
    assert_eq!(std::fs::read(&db).expect("read the database"), before);
    let listing: Vec<_> = std::fs::read_dir(workspace.path()).expect("list").collect();
    assert_eq!(listing.len(), 1, "no journal or other file was created");
}

#[test]
fn import_with_a_conflicting_row_leaves_the_database_as_it_was() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    copy_example(workspace.path());
    let first = wotrules(
        workspace.path(),
        &[
            "import",
            "rules/tests/cases/a20111001.1.yaml",
            "--db",
            "case.sqlite",
        ],
    );
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let before = std::fs::read(workspace.path().join("case.sqlite")).expect("read the database");
    // A second case whose last record collides with an existing notary id.
    std::fs::write(
        workspace.path().join("more.yaml"),
        "members: [{id: 7000}]\nrecords:\n  - {id: 1, from: 2, to: 7000, points: 10, awarded: 10, method: Face to Face Meeting, location: A, date: \"2010-01-01\", when: null}\n  - {id: 123456, from: 2, to: 7000, points: 10, awarded: 10, method: Face to Face Meeting, location: A, date: \"2010-01-01\", when: null}\n",
    )
    .expect("write the case");
    let second = wotrules(
        workspace.path(),
        &["import", "more.yaml", "--db", "case.sqlite"],
    );
    assert_eq!(second.code, Some(2));
    assert!(
        second
            .stderr
            .contains("UNIQUE constraint failed: notary.id"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("nothing was written"),
        "{}",
        second.stderr
    );
    assert_eq!(
        std::fs::read(workspace.path().join("case.sqlite")).expect("read the database"),
        before
    );
}

/// A case of `records` records to members 100 000.. (no id shared with the example case).
fn big_case(records: usize) -> String {
    let mut text = String::from("as_of: 2012-01-01\nmembers:\n  - {id: 100000}\nrecords:\n");
    for i in 0..records {
        text.push_str(&format!(
            "  - {{id: {}, from: {}, to: {}, points: 10, awarded: 10, method: Face to Face Meeting, location: Somewhere, date: \"2010-01-01\", when: \"2010-01-01 10:00:00\"}}\n",
            1_000_000 + i,
            200_000 + i,
            100_000 + i % 1000,
        ));
    }
    text
}

#[test]
fn an_import_killed_midway_leaves_the_database_intact_and_readable() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let dir = workspace.path();
    copy_example(dir);
    let rules = root().join("rules");
    let rules = rules.to_str().expect("UTF-8");
    let first = wotrules(
        dir,
        &[
            "import",
            "rules/tests/cases/a20111001.1.yaml",
            "--db",
            "case.sqlite",
        ],
    );
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let eval_json = || {
        wotrules(
            dir,
            &[
                "eval",
                "--db",
                "case.sqlite",
                "--format",
                "json",
                "--rules",
                rules,
            ],
        )
    };
    let before = eval_json();
    std::fs::write(dir.join("big.yaml"), big_case(300_000)).expect("write the big case");
    let mut import = std::process::Command::new(env!("CARGO_BIN_EXE_wotrules"))
        .args(["import", "big.yaml", "--db", "case.sqlite"])
        .current_dir(dir)
        .spawn()
        .expect("the import starts");
    // The import writes a copy beside the database and renames it into place when done.
    let started = std::time::Instant::now();
    while temporaries(dir).is_empty() {
        assert!(
            import.try_wait().expect("the import runs").is_none(),
            "the import ended before it began writing"
        );
        assert!(
            started.elapsed().as_secs() < 120,
            "the import never began writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(
        import.try_wait().expect("the import runs").is_none(),
        "killed midway"
    );
    import.kill().expect("SIGKILL");
    import.wait().expect("the import ends");
    // No hot journal beside the database: a reader opens it read-only at once, and it is
    // as before (nothing opens it read-write first).
    assert!(!dir.join("case.sqlite-journal").exists());
    let after = eval_json();
    assert_eq!(after.code, Some(0), "{}", after.stderr);
    assert_eq!(after.stdout, before.stdout);
}

/// The temporaries wotrules is writing in `dir` (hidden, `.NAME.XXXXXX.wotrules-tmp`).
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("the directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.starts_with('.') && n.contains(".wotrules-tmp"))
        .collect()
}

#[test]
fn an_import_ended_by_ctrl_c_or_kill_leaves_nothing_behind() {
    use std::io::Write;
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let dir = workspace.path();
    let dump = std::fs::read(root().join("tests/bad_inputs/dumps/00_valid.sql")).expect("a dump");
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        // A dump on standard input that is still being written: the import has begun its
        // database beside the target and waits for the rest.
        let mut import = std::process::Command::new(env!("CARGO_BIN_EXE_wotrules"))
            .args(["import", "--mysql-dump", "-", "--db", "case.sqlite"])
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("the import starts");
        let mut input = import.stdin.take().expect("a pipe");
        input
            .write_all(&dump[..dump.len() / 2])
            .expect("half the dump");
        let started = std::time::Instant::now();
        while temporaries(dir).is_empty() {
            assert!(started.elapsed().as_secs() < 60, "never began writing");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &import.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let status = import.wait().expect("the import ends");
        drop(input);
        assert_eq!(status.code(), Some(code), "SIG{signal}");
        let left: Vec<String> = std::fs::read_dir(dir)
            .expect("the directory")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert!(left.is_empty(), "SIG{signal} left {left:?}");
    }
}

#[test]
fn a_failed_import_leaves_the_old_file_and_no_new_one() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let dir = workspace.path();
    copy_example(dir);
    let import = |db: &str| {
        wotrules(
            dir,
            &["import", "rules/tests/cases/a20111001.1.yaml", "--db", db],
        )
    };
    assert_eq!(import("case.sqlite").code, Some(0));
    let before = std::fs::read(dir.join("case.sqlite")).expect("the database");
    // The same notary ids again: the database refuses them, nothing changes.
    let again = import("case.sqlite");
    assert_eq!(again.code, Some(2), "{}", again.transcript());
    assert!(again.stderr.contains("UNIQUE"), "{}", again.stderr);
    assert_eq!(
        std::fs::read(dir.join("case.sqlite")).expect("the database"),
        before
    );
    let names: Vec<String> = std::fs::read_dir(dir)
        .expect("the directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("wotrules-")),
        "no copy is left behind: {names:?}"
    );
    // Into a directory that does not exist: an error, and no file.
    let missing = import("no/such/dir/case.sqlite");
    assert_eq!(missing.code, Some(2), "{}", missing.transcript());
    assert!(!dir.join("no").exists());
}

/// The example imported into `dir/case.sqlite`, with its tables copied without
/// constraints (as a database made by another program may have them).
fn unconstrained_example(dir: &Path) -> std::path::PathBuf {
    copy_example(dir);
    let db = dir.join("case.sqlite");
    let example = dir.join("rules/tests/cases/a20111001.1.yaml");
    let run = wotrules(
        &root(),
        &[
            "import",
            example.to_str().expect("UTF-8"),
            "--db",
            db.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let connection = rusqlite::Connection::open(&db).expect("open");
    for table in ["users", "notary", "wotrules_case"] {
        connection
            .execute_batch(&format!(
                "CREATE TABLE loose AS SELECT * FROM {table}; DROP TABLE {table}; \
                 ALTER TABLE loose RENAME TO {table};"
            ))
            .expect("copy without constraints");
    }
    db
}

#[test]
fn a_database_is_checked_as_strictly_as_a_case_file() {
    let cases: [(&str, &str); 9] = [
        (
            "INSERT INTO notary SELECT * FROM notary WHERE id = 123456",
            "notary has two rows with id 123456",
        ),
        (
            "INSERT INTO users (id, dob, assurer, assurer_blocked, ttpadmin) VALUES (1500, NULL, 0, 0, 0)",
            "users has two rows with id 1500",
        ),
        (
            "UPDATE users SET id = NULL WHERE id = 1500",
            "users.id of a row: is NULL, not an integer",
        ),
        (
            "UPDATE notary SET location = X'00FF' WHERE id = 123456",
            "notary.location of row 123456: is a BLOB, not text",
        ),
        (
            "UPDATE notary SET method = CAST(X'FF20' AS TEXT) WHERE id = 123456",
            "notary.method of row 123456: is not valid UTF-8 text",
        ),
        (
            "UPDATE notary SET location = NULL WHERE id = 123456",
            "notary.location of row 123456: is NULL, not text",
        ),
        (
            "UPDATE notary SET \"from\" = \"to\" WHERE id = 123456",
            "notary.to of row 123456: `from` and `to` are both 1500",
        ),
        (
            "UPDATE notary SET deleted = '2005-01-01 00:00:00' WHERE id = 123456",
            "notary.deleted of row 123456: 2005-01-01 00:00:00 is before `when`",
        ),
        (
            "INSERT INTO wotrules_case SELECT * FROM wotrules_case",
            "`wotrules_case` has more than one row",
        ),
    ];
    for (sql, expected) in cases {
        let workspace = tempfile::tempdir().expect("a temporary directory");
        let db = unconstrained_example(workspace.path());
        rusqlite::Connection::open(&db)
            .expect("open")
            .execute_batch(sql)
            .expect("the edit");
        let run = wotrules(&root(), &["eval", "--db", db.to_str().expect("UTF-8")]);
        assert_eq!(run.code, Some(2), "{sql}: {}", run.transcript());
        assert!(run.stdout.is_empty(), "{sql}: nothing is decided");
        assert!(run.stderr.contains(expected), "{sql}: {}", run.stderr);
    }
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let db = unconstrained_example(workspace.path());
    rusqlite::Connection::open(&db)
        .expect("open")
        .execute_batch("UPDATE wotrules_case SET requested_by = 'somebody'")
        .expect("the edit");
    let run = wotrules(&root(), &["eval", "--db", db.to_str().expect("UTF-8")]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr.contains(
            "wotrules_case.requested_by of a row: `somebody` is not one of assuree, assurer"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_database_being_written_is_read_in_one_consistent_state() {
    // A writer flips every record's location between two values, one transaction per flip;
    // each evaluation must see all records in one state (the rows used to be read in
    // ranges on separate connections, mixing two states).
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let db = unconstrained_example(workspace.path());
    let writer = rusqlite::Connection::open(&db).expect("open");
    writer
        .execute_batch("PRAGMA journal_mode=WAL; UPDATE notary SET location = 'A';")
        .expect("WAL");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flipping = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut flips = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let location = if flips.is_multiple_of(2) { "B" } else { "A" };
                writer
                    .execute("UPDATE notary SET location = ?1", [location])
                    .expect("a flip");
                flips += 1;
            }
            flips
        })
    };
    for _ in 0..15 {
        let run = wotrules(
            &root(),
            &[
                "eval",
                "--db",
                db.to_str().expect("UTF-8"),
                "--format",
                "json",
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        let locations: std::collections::BTreeSet<String> = json["records"]
            .as_array()
            .expect("records")
            .iter()
            .filter_map(|r| r["reapply_location"].as_str())
            .map(|l| l[..5].to_string())
            .collect();
        assert!(locations.len() <= 1, "two states mixed: {locations:?}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(flipping.join().expect("the writer ends") > 0);
}

#[test]
fn reading_a_wal_database_leaves_no_file_beside_it() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let db = unconstrained_example(workspace.path());
    let connection = rusqlite::Connection::open(&db).expect("open");
    connection
        .query_row("PRAGMA journal_mode=WAL", [], |row| row.get::<_, String>(0))
        .expect("WAL");
    drop(connection);
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(workspace.path())
            .expect("the directory")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    };
    let (files, bytes) = (listing(), std::fs::read(&db).expect("the database"));
    assert!(
        !files
            .iter()
            .any(|n| n.ends_with("-wal") || n.ends_with("-shm"))
    );
    let run = wotrules(
        &root(),
        &[
            "eval",
            "--db",
            db.to_str().expect("UTF-8"),
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(listing(), files, "eval created files beside the database");
    assert_eq!(std::fs::read(&db).expect("the database"), bytes);
}

#[test]
fn a_bad_row_in_either_part_of_notary_is_reported() {
    // A database whose notary ids are the rowid is read in two parts on two connections
    // (the lowest and the highest id always fall in different parts); a bad row is an error
    // whichever part it is in, and the rows are those of one reading.
    for (part, pick) in [("lower", "min(id)"), ("upper", "max(id)")] {
        let workspace = tempfile::tempdir().expect("a temporary directory");
        copy_example(workspace.path());
        let db = workspace.path().join("case.sqlite");
        let example = workspace.path().join("rules/tests/cases/a20111001.1.yaml");
        let db_arg = db.to_str().expect("UTF-8");
        let args = ["import", example.to_str().expect("UTF-8"), "--db", db_arg];
        let run = wotrules(&root(), &args);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let full = wotrules(&root(), &["eval", "--db", db_arg, "--format", "json"]);
        assert_eq!(full.stdout, example_case_json(), "{part}: both parts read");
        let connection = rusqlite::Connection::open(&db).expect("open");
        let id: i64 = connection
            .query_row(&format!("SELECT {pick} FROM notary"), [], |row| row.get(0))
            .expect("an id");
        connection
            .execute("UPDATE notary SET \"from\" = \"to\" WHERE id = ?1", [id])
            .expect("the edit");
        let run = wotrules(&root(), &["eval", "--db", db_arg]);
        assert_eq!(run.code, Some(2), "{part}: {}", run.transcript());
        let expected = format!("notary.to of row {id}: `from` and `to` are both");
        assert!(run.stderr.contains(&expected), "{part}: {}", run.stderr);
    }
}
