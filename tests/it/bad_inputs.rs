//! The catalogue of bad inputs: every one gets a clear error (snapshotted with its exit
//! code), naming the file and line:col, the record id or the problem, and a fix. None
//! panics, none is silently accepted.
//!
//! - `tests/bad_inputs/rules/`: a rule file dropped beside the shipped rules (`check`, exit 1);
//! - `tests/bad_inputs/cases/`: a case file (`eval --case`, exit 2);
//! - `tests/bad_inputs/rule_tests/`: a rule-test file (`test`, exit 2);
//! - `tests/bad_inputs/evaluation/`: a rule that fails while evaluating (`eval`, exit 1, the
//!   error cited on its output);
//! - generated here: a 10 MB rule file, directories where files belong, and broken,
//!   incomplete and locked databases.

use std::path::{Path, PathBuf};

use crate::support::{Run, copy_dir, file_name, root, snapshot_settings, wotrules, yaml_files};

/// A workspace with the shipped rules (and their tests' cases) and the examples.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for folder in ["rules", "examples"] {
        copy_dir(&root().join(folder), &dir.path().join(folder));
    }
    dir
}

/// Runs `wotrules` with a rule file added to the workspace's rules.
fn with_rule_file(name: &str, text: &[u8], args: &[&str]) -> Run {
    let dir = workspace();
    let folder = dir.path().join("rules/zz");
    std::fs::create_dir_all(&folder).expect("a folder");
    std::fs::write(folder.join(name), text).expect("a copy");
    wotrules(dir.path(), args)
}

fn assert_no_panic(name: &str, run: &Run) {
    assert_ne!(run.code, Some(101), "{name} panicked: {}", run.transcript());
    assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
}

fn catalogue(folder: &str) -> Vec<PathBuf> {
    yaml_files(&root().join("tests/bad_inputs").join(folder))
}

#[test]
fn the_catalogue_has_at_least_60_bad_inputs() {
    let files: usize = ["rules", "cases", "rule_tests", "evaluation"]
        .iter()
        .map(|f| catalogue(f).len())
        .sum();
    let generated = GENERATED_CASES + DATABASE_CASES;
    assert!(
        files + generated >= 60,
        "{files} files + {generated} generated"
    );
}

#[test]
fn every_bad_rule_file_gets_its_diagnostic() {
    snapshot_settings().bind(|| {
        insta::glob!("../bad_inputs/rules", "*.yaml", |bad| {
            let name = file_name(bad);
            let text = std::fs::read(bad).expect("a bad rule file");
            let run = with_rule_file(&name, &text, &["check"]);
            assert_no_panic(&name, &run);
            assert_eq!(
                run.code,
                Some(1),
                "{name} fails the check: {}",
                run.transcript()
            );
            assert!(
                run.stderr.contains(&format!("rules/zz/{name}:"))
                    || name.contains("conflict")
                    || name.contains("twice"),
                "{name}: the diagnostic names the file: {}",
                run.stderr
            );
            assert!(
                run.stderr.contains("help:"),
                "{name}: says how to fix it: {}",
                run.stderr
            );
            insta::assert_snapshot!("check_err", run.transcript());
        });
    });
}

#[test]
fn every_bad_case_file_is_rejected_with_its_place() {
    snapshot_settings().bind(|| {
        insta::glob!("../bad_inputs/cases", "*.yaml", |bad| {
            let name = file_name(bad);
            let path = format!("tests/bad_inputs/cases/{name}");
            let run = wotrules(&root(), &["eval", "--case", &path, "--format", "json"]);
            assert_no_panic(&name, &run);
            assert_eq!(run.code, Some(2), "{name}: {}", run.transcript());
            assert!(
                run.stdout.is_empty(),
                "{name}: nothing is decided from a bad case"
            );
            assert!(
                run.stderr.contains(&path),
                "{name}: names the file: {}",
                run.stderr
            );
            insta::assert_snapshot!("case_err", run.transcript());
        });
    });
}

#[test]
fn every_bad_rule_test_file_is_exit_2_with_its_location() {
    snapshot_settings().bind(|| {
        insta::glob!("../bad_inputs/rule_tests", "*.yaml", |bad| {
            let dir = workspace();
            let name = file_name(bad);
            std::fs::copy(bad, dir.path().join("rules/tests").join(&name)).expect("a copy");
            let run = wotrules(dir.path(), &["test"]);
            assert_no_panic(&name, &run);
            assert_eq!(run.code, Some(2), "{name}: {}", run.transcript());
            assert!(
                run.stderr.contains(&format!("rules/tests/{name}:")),
                "{name} names the file: {}",
                run.stderr
            );
            insta::assert_snapshot!("ruletest_err", run.transcript());
        });
    });
}

#[test]
fn an_evaluation_error_is_cited_on_its_output_and_the_rest_is_decided() {
    snapshot_settings().bind(|| {
        insta::glob!("../bad_inputs/evaluation", "*.yaml", |bad| {
            let name = file_name(bad);
            let text = std::fs::read(bad).expect("a rule file");
            let run = with_rule_file(
                &name,
                &text,
                &[
                    "eval",
                    "--case",
                    "rules/tests/cases/reapply-steps.yaml",
                    "--format",
                    "json",
                ],
            );
            assert_no_panic(&name, &run);
            assert_eq!(run.code, Some(1), "{name}: {}", run.transcript());
            assert!(run.stdout.contains("\"errors\""), "{name}: {}", run.stdout);
            assert!(
                run.stdout.contains(&format!("zz/{name}:")),
                "{name}: cites the rule"
            );
            insta::assert_snapshot!("eval_err", run.transcript());
        });
    });
}

/// Inputs made by [`generated_bad_inputs_get_clear_errors`].
const GENERATED_CASES: usize = 5;

#[test]
fn generated_bad_inputs_get_clear_errors() {
    let mut big = b"id: big\ntitle: t\nkind: policy\nsource: s\n# ".to_vec();
    big.resize(10 * 1024 * 1024, b'x');
    let runs = [
        (
            "rule file of 10 MB",
            with_rule_file("big.yaml", &big, &["check"]),
            1,
            "the limit is",
        ),
        (
            "a directory named like a rule file",
            {
                let dir = workspace();
                std::fs::create_dir_all(dir.path().join("rules/zz/folder.yaml")).expect("a folder");
                std::fs::write(dir.path().join("rules/zz/folder.yaml/x.yaml"), "id: x\n")
                    .expect("a file");
                wotrules(dir.path(), &["check"])
            },
            1,
            "folder.yaml/x.yaml",
        ),
        (
            "a directory as the case file",
            wotrules(&root(), &["eval", "--case", "rules/tests/cases"]),
            2,
            "is a directory, not a file",
        ),
        (
            "a missing case file",
            wotrules(&root(), &["eval", "--case", "rules/tests/cases/none.yaml"]),
            2,
            "cannot read",
        ),
        (
            "a member with more records than the limit",
            overfull_database(),
            2,
            "member 1 has 100001 records, the limit is 100000",
        ),
    ];
    assert_eq!(runs.len(), GENERATED_CASES);
    for (what, run, code, expected) in runs {
        assert_no_panic(what, &run);
        assert_eq!(run.code, Some(code), "{what}: {}", run.transcript());
        assert!(run.stderr.contains(expected), "{what}: {}", run.stderr);
    }
}

/// Databases made by [`every_bad_database_is_rejected_with_its_problem`].
const DATABASE_CASES: usize = 6;

#[test]
fn every_bad_database_is_rejected_with_its_problem() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let dir = workspace.path();
    std::fs::write(dir.join("not-sqlite.sqlite"), "this is not a database\n").expect("write");
    let sample = std::fs::read(root().join("examples/sample.sqlite")).expect("the sample");
    std::fs::write(dir.join("truncated.sqlite"), &sample[..sample.len() / 3]).expect("write");
    std::fs::write(dir.join("locked.sqlite"), &sample).expect("write");
    make_incomplete_databases(dir);
    let lock = rusqlite::Connection::open(dir.join("locked.sqlite")).expect("open");
    lock.execute_batch("BEGIN EXCLUSIVE; DELETE FROM notary;")
        .expect("an exclusive lock");
    let cases = [
        ("missing.sqlite", "no such database file"),
        ("not-sqlite.sqlite", "not a database"),
        ("no-notary.sqlite", "table `notary` is missing"),
        ("no-column.sqlite", "table `notary` has no column `awarded`"),
        ("truncated.sqlite", "truncated.sqlite"),
        ("locked.sqlite", "locked"),
    ];
    assert_eq!(cases.len(), DATABASE_CASES);
    let rules = root().join("rules");
    snapshot_settings().bind(|| {
        for (file, expected) in cases {
            // Reading the locked file here would close a descriptor of this process and so
            // release its SQLite lock (POSIX locks are per process): compare the others only.
            let compare = file != "locked.sqlite";
            let before = compare.then(|| std::fs::read(dir.join(file)).ok());
            let run = wotrules(
                dir,
                &[
                    "eval",
                    "--db",
                    file,
                    "--rules",
                    rules.to_str().expect("UTF-8"),
                ],
            );
            assert_no_panic(file, &run);
            assert_eq!(run.code, Some(2), "{file}: {}", run.transcript());
            assert!(run.stderr.contains(expected), "{file}: {}", run.stderr);
            if compare {
                let after = Some(std::fs::read(dir.join(file)).ok());
                assert_eq!(after, before, "{file} is untouched");
            }
            let stem = file.trim_end_matches(".sqlite");
            insta::assert_snapshot!(format!("db_err__{stem}"), run.transcript());
        }
    });
    drop(lock);
}

/// Databases with a table or a column missing: `wotrules import` of an empty case creates
/// the tables, then SQL removes one.
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

/// `eval --db` of a database where member 1 received 100 001 assurances.
fn overfull_database() -> Run {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("empty.yaml"), "members: [{id: 1}]\n").expect("write");
    let run = wotrules(dir.path(), &["import", "empty.yaml", "--db", "full.sqlite"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut connection = rusqlite::Connection::open(dir.path().join("full.sqlite")).expect("open");
    let transaction = connection.transaction().expect("a transaction");
    {
        let mut insert = transaction
            .prepare(r#"INSERT INTO notary (id, "from", "to", points, awarded, method, location, date, "when", expire, deleted) VALUES (?1, ?2, 1, 10, 10, 'Face to Face Meeting', 'A', '2010-01-01', NULL, NULL, NULL)"#)
            .expect("an insert");
        for id in 0..100_001i64 {
            insert.execute([id, 10 + id]).expect("a row");
        }
    }
    transaction.commit().expect("commit");
    let rules = root().join("rules");
    wotrules(
        dir.path(),
        &[
            "eval",
            "--db",
            "full.sqlite",
            "--summary",
            "--rules",
            rules.to_str().expect("UTF-8"),
        ],
    )
}

#[test]
fn files_that_are_not_files_are_refused_at_once() {
    // A FIFO used to hang `check`, a link to /dev/zero to grow without bound, and a
    // directory link back up the tree to give thousands of errors.
    let dir = workspace();
    let folder = dir.path().join("rules/ap");
    let fifo = folder.join("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let run = wotrules(dir.path(), &["check"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr.contains("fifo.yaml: is not a regular file"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(&fifo).expect("remove the FIFO");
    std::os::unix::fs::symlink("/dev/zero", folder.join("zero.yaml")).expect("a link");
    let run = wotrules(dir.path(), &["check"]);
    assert!(
        run.stderr.contains("zero.yaml: is not a regular file"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(folder.join("zero.yaml")).expect("remove the link");
    std::os::unix::fs::symlink("..", folder.join("up")).expect("a link");
    let run = wotrules(dir.path(), &["check"]);
    assert_eq!(
        run.code,
        Some(0),
        "a loop is listed once: {}",
        run.transcript()
    );
    let run = wotrules(dir.path(), &["eval", "--case", "/dev/zero"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr.contains("is not a regular file"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_huge_bad_case_file_is_not_echoed_into_the_error() {
    // A 1 MB line of plain text, and a 1 MB key: the message quotes at most a window of it.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let plain = dir.path().join("plain.yaml");
    std::fs::write(&plain, "x".repeat(1_000_000)).expect("write");
    let key = dir.path().join("key.yaml");
    std::fs::write(
        &key,
        format!("members: [{{id: 1, {}: 1}}]\n", "k".repeat(1_000_000)),
    )
    .expect("write");
    for case in [plain, key] {
        let run = wotrules(&root(), &["eval", "--case", case.to_str().expect("UTF-8")]);
        assert_eq!(run.code, Some(2), "{}", run.stderr.len());
        assert!(
            run.stderr.len() < 2_000,
            "{} bytes of error",
            run.stderr.len()
        );
    }
}

/// `check --format json` reports the same problems as the text, with their places: one
/// entry per `error:` line, the first at the same `path:line:col`, exit codes equal.
#[test]
fn check_as_json_gives_every_diagnostic_with_its_place() {
    for bad in catalogue("rules") {
        let name = file_name(&bad);
        let text = std::fs::read(&bad).expect("a bad rule file");
        let plain = with_rule_file(&name, &text, &["check"]);
        let json = with_rule_file(&name, &text, &["check", "--format", "json"]);
        assert_eq!(plain.code, json.code, "{name}");
        let document: serde_json::Value =
            serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(document["ok"], false, "{name}");
        let errors: Vec<&serde_json::Value> = document["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["severity"] == "error")
            .collect();
        let text_errors = plain
            .stderr
            .lines()
            .filter(|l| l.contains(" error[") || l.starts_with("error["))
            .count();
        assert_eq!(errors.len(), text_errors, "{name}: {}", plain.stderr);
        let first = errors[0];
        if let Some(path) = first["path"].as_str() {
            let place = format!(
                "{path}:{}:{}: error[{}]: ",
                first["line"],
                first["column"],
                first["code"].as_str().expect("a code")
            );
            assert!(
                plain.stderr.starts_with(&place),
                "{name}: {place} vs {}",
                plain.stderr
            );
        }
        assert!(
            first["code"].as_str().is_some_and(|c| !c.is_empty()),
            "{name}"
        );
        assert!(
            !json.stderr.contains('\u{1b}') && !plain.stderr.contains('\u{1b}'),
            "{name}: no colour off a terminal"
        );
    }
}
