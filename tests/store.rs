//! The store: case files and databases, read without loss, rejected with a message naming the
//! file, line and field; imports all or nothing; `eval --db` never writes.

mod support;

use std::path::Path;

use support::{file_name, root, snapshot_settings, wotrules, yaml_files};

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

#[test]
fn every_bad_case_file_is_rejected_with_its_place() {
    let bad_files = yaml_files(&root().join("tests/data/cases/err"));
    assert!(bad_files.len() >= 10);
    snapshot_settings().bind(|| {
        for bad in bad_files {
            let name = file_name(&bad);
            let path = format!("tests/data/cases/err/{name}");
            let run = wotrules(&root(), &["eval", "--case", &path, "--format", "json"]);
            assert_eq!(run.code, Some(2), "{name}: {}", run.transcript());
            assert!(
                run.stdout.is_empty(),
                "{name}: nothing is decided from a bad case"
            );
            assert!(
                run.stderr.contains(&path),
                "{name}: the message names the file: {}",
                run.stderr
            );
            insta::assert_snapshot!(
                format!("case_err__{}", name.trim_end_matches(".yaml")),
                run.transcript()
            );
        }
    });
}

#[test]
fn every_bad_database_is_rejected_with_its_problem() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let dir = workspace.path();
    std::fs::write(dir.join("not-sqlite.sqlite"), "this is not a database\n").expect("write");
    let sample = std::fs::read(root().join("examples/sample.sqlite")).expect("read the sample");
    std::fs::write(dir.join("truncated.sqlite"), &sample[..sample.len() / 3]).expect("write");
    make_incomplete_databases(dir);
    let cases = [
        ("missing.sqlite", "no such database file"),
        ("not-sqlite.sqlite", "not a database"),
        ("no-notary.sqlite", "table `notary` is missing"),
        ("no-column.sqlite", "table `notary` has no column `awarded`"),
        ("truncated.sqlite", "truncated.sqlite"),
    ];
    for (file, expected) in cases {
        let rules = root().join("rules");
        let run = wotrules(
            dir,
            &[
                "eval",
                "--db",
                file,
                "--rules",
                rules.to_str().expect("a UTF-8 path"),
            ],
        );
        assert_eq!(run.code, Some(2), "{file}: {}", run.transcript());
        assert!(run.stderr.contains(expected), "{file}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{file}: {}", run.stderr);
    }
}

/// Makes databases with a table or a column missing: `wotrules import` of an empty case
/// creates the tables, then SQL removes one.
fn make_incomplete_databases(dir: &Path) {
    std::fs::write(dir.join("empty.yaml"), "members: []\n").expect("write");
    for name in ["no-notary.sqlite", "no-column.sqlite"] {
        let run = wotrules(dir, &["import", "empty.yaml", "--db", name]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    let edit = |name: &str, sql: &str| {
        let connection = rusqlite::Connection::open(dir.join(name)).expect("open");
        connection.execute_batch(sql).expect("edit the schema");
    };
    edit("no-notary.sqlite", "DROP TABLE notary;");
    edit(
        "no-column.sqlite",
        "ALTER TABLE notary DROP COLUMN awarded;",
    );
}
