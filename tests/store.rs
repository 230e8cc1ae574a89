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
