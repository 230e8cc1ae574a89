//! The store: case files and databases, read without loss, rejected with a message naming the
//! file, line and field; imports all or nothing; `eval --db` never writes.

mod support;

use std::path::Path;

use support::{root, wotrules};

fn copy_example(dir: &Path) {
    std::fs::create_dir_all(dir.join("examples")).expect("create directory");
    std::fs::copy(
        root().join("examples/a20111001.1.yaml"),
        dir.join("examples/a20111001.1.yaml"),
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
            "examples/a20111001.1.yaml",
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
            &format!("{}/examples/a20111001.1.yaml", workspace.path().display()),
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
        &["import", "examples/a20111001.1.yaml", "--db", "case.sqlite"],
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
        &["import", "examples/a20111001.1.yaml", "--db", "case.sqlite"],
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
    let journal = dir.join("case.sqlite-journal");
    let started = std::time::Instant::now();
    while !journal.exists() {
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
    // The next writer rolls the hot journal back; then the database is as before.
    let connection = rusqlite::Connection::open(dir.join("case.sqlite")).expect("it opens");
    let check: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("an integrity check");
    assert_eq!(check, "ok");
    let records: i64 = connection
        .query_row("SELECT count(*) FROM notary", [], |row| row.get(0))
        .expect("a count");
    assert_eq!(records, 9, "none of the killed import's rows remain");
    drop(connection);
    let after = eval_json();
    assert_eq!(after.code, Some(0), "{}", after.stderr);
    assert_eq!(after.stdout, before.stdout);
}
