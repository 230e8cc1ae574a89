//! `wotrules import --mysql-dump`: CAcert's production schema in, the same decisions out,
//! and every bad dump refused with its line, leaving no database behind.

use crate::support::{file_name, root, snapshot_settings, wotrules};

fn dumps() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/bad_inputs/dumps"))
        .expect("the dump catalogue")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_bad_dump_is_refused_with_its_line_and_leaves_the_database_as_it_was() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let existing = workspace.path().join("existing.sqlite");
    let import = wotrules(
        &root(),
        &[
            "import",
            "rules/tests/cases/a20111001.1.yaml",
            "--db",
            existing.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(import.code, Some(0), "{}", import.stderr);
    let before = std::fs::read(&existing).expect("the database");
    let bad: Vec<_> = dumps()
        .into_iter()
        .filter(|p| !file_name(p).starts_with("00_"))
        .collect();
    assert!(bad.len() >= 13, "the catalogue has its entries");
    for dump in bad {
        let name = file_name(&dump);
        let shown = format!("tests/bad_inputs/dumps/{name}");
        let fresh = workspace.path().join("fresh.sqlite");
        for target in [&fresh, &existing] {
            let run = wotrules(
                &root(),
                &[
                    "import",
                    "--mysql-dump",
                    &shown,
                    "--db",
                    target.to_str().expect("UTF-8"),
                ],
            );
            assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
            assert!(
                run.stderr
                    .starts_with(&format!("error[mysql-dump]: {shown}:")),
                "{name}: the error names the dump and its line: {}",
                run.stderr
            );
            let line: usize = run.stderr[format!("error[mysql-dump]: {shown}:").len()..]
                .split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{name}: a line number: {}", run.stderr));
            assert!(line >= 1, "{name}");
            assert!(!fresh.exists(), "{name}: a failed import leaves no file");
            assert_eq!(
                std::fs::read(&existing).expect("the database"),
                before,
                "{name}: a failed import leaves the old database as it was"
            );
            let leftovers: Vec<_> = std::fs::read_dir(workspace.path())
                .expect("the workspace")
                .map(|e| file_name(&e.expect("an entry").path()))
                .filter(|n| n.contains("wotrules-"))
                .collect();
            assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
            if target == &fresh {
                snapshot_settings().bind(|| {
                    insta::assert_snapshot!(format!("dump_err@{name}"), run.stderr);
                });
            }
        }
    }
}

#[test]
fn a_dump_keeps_names_escapes_zero_dates_and_only_the_challenge_passes() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let db = workspace.path().join("valid.sqlite");
    let run = wotrules(
        &root(),
        &[
            "import",
            "--mysql-dump",
            "tests/bad_inputs/dumps/00_valid.sql",
            "--db",
            db.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "imported 2 users, 1 notary rows, 1 CATS passes and 1 CATS variants of database `cacert` into {}\n",
            db.display()
        )
    );
    let connection = rusqlite::Connection::open(&db).expect("open");
    let users: Vec<(i64, String, Option<String>, Option<String>)> = connection
        .prepare("SELECT id, lname, dob, deleted FROM users ORDER BY id")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        users,
        vec![
            (1, "O'Brien".into(), Some("1970-01-01".into()), None),
            (2, "Back\\slash".into(), None, None),
        ]
    );
    let expire: Option<String> = connection
        .query_row("SELECT expire FROM notary WHERE id = 10", [], |r| r.get(0))
        .expect("the record");
    assert_eq!(expire, None, "0000-00-00 00:00:00 is null");
}

/// The same generated population, once as SQLite and once through a production-schema
/// dump, gives the same decisions, every output of every member and record. The dump adds
/// a pass of another CATS type for every member without an Assurer Challenge pass: were it
/// counted, levels would differ.
#[test]
fn a_generated_dump_decides_exactly_as_the_generated_database() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let path = |name: &str| workspace.path().join(name).display().to_string();
    for args in [
        vec![
            "gen",
            "--members",
            "400",
            "--seed",
            "7",
            "--db",
            &path("gen.sqlite"),
        ],
        vec![
            "gen",
            "--members",
            "400",
            "--seed",
            "7",
            "--mysql-dump",
            &path("gen.sql"),
        ],
        vec![
            "import",
            "--mysql-dump",
            &path("gen.sql"),
            "--db",
            &path("dump.sqlite"),
        ],
    ] {
        let run = wotrules(&root(), &args);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
    }
    let dump = std::fs::read_to_string(path("gen.sql")).expect("the dump");
    assert!(
        dump.contains("INSERT INTO `email` VALUES"),
        "a table the store skips"
    );
    assert!(
        dump.contains("(2,2,'Data Privacy Quiz (generated)')"),
        "a CATS variant that does not count"
    );
    for production in [
        "`test_text` varchar(255) NOT NULL",
        "`lastLoginAttempt` datetime DEFAULT NULL",
        "`pass_date` timestamp NOT NULL",
        "CREATE TABLE `cats_type`",
        ") ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;",
        "/*!40101 SET NAMES latin1 */;",
    ] {
        assert!(
            dump.contains(production),
            "the production schema: {production}"
        );
    }
    let eval = |db: &str| {
        let run = wotrules(
            &root(),
            &[
                "eval",
                "--db",
                db,
                "--as-of",
                "2012-06-01",
                "--format",
                "json",
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.stdout
    };
    let (generated, imported) = (eval(&path("gen.sqlite")), eval(&path("dump.sqlite")));
    assert!(generated.matches("\"level\"").count() >= 400);
    assert_eq!(generated, imported);
}

/// What real dumps hold besides plain rows: `--complete-insert` column lists in another
/// order, `_binary` and hex literals, every escape, `''`, two statements on a line, a
/// `DELIMITER ;;` trigger, a table the store skips, `;` and `--` inside values, a row over
/// two lines, CRLF line ends.
#[test]
fn a_dump_s_variants_read_as_mysql_reads_them() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let db = workspace.path().join("variants.sqlite");
    let run = wotrules(
        &root(),
        &[
            "import",
            "--mysql-dump",
            "tests/data/dumps/variants.sql",
            "--db",
            db.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let connection = rusqlite::Connection::open(&db).expect("open");
    let users: Vec<(i64, String, String, String, Option<String>, i64)> = connection
        .prepare("SELECT id, email, fname, lname, deleted, locked FROM users ORDER BY id")
        .expect("query")
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
        .expect("rows");
    assert_eq!(
        users,
        vec![
            (
                1,
                "a@example.org".into(),
                "Anna".into(),
                "Tab\there \"quoted\" \\ back".into(),
                Some("2011-02-03 04:05:06".into()),
                1
            ),
            (
                2,
                "b@example.org".into(),
                "Zero\0Byte".into(),
                "It's".into(),
                None,
                0
            ),
        ]
    );
    let passes: Vec<(i64, i64)> = connection
        .prepare("SELECT user_id, variant_id FROM cats_passed ORDER BY id")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(passes, vec![(1, 5), (2, 1)]);
    let location: String = connection
        .query_row("SELECT location FROM notary WHERE id = 10", [], |r| {
            r.get(0)
        })
        .expect("the record");
    assert_eq!(location, "Paris; -- here");
    // Member 1 passed only a variant of type 2, member 2 the Assurer Challenge (type 1).
    let options = wotrules_store::ReadOptions {
        cats_types: vec![1],
        contacts: true,
    };
    let case = wotrules_store::read_database(db.to_str().expect("UTF-8"), &options)
        .expect("the database reads");
    let passes: Vec<(i64, usize)> = case
        .members
        .iter()
        .map(|m| (m.id, m.cats_passes.len()))
        .collect();
    assert_eq!(passes, vec![(1, 0), (2, 1)]);
    let contact = case.members[0]
        .contact
        .as_deref()
        .expect("names were asked for");
    assert_eq!(contact.email, "a@example.org");
    assert!(case.members[0].locked);
}

/// A schema without `store` (as every schema before it): `diff` against it works, and a
/// database with `cats_variant` is refused under it rather than read with a guess.
#[test]
fn rules_without_store_diff_and_refuse_a_database_with_variants() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let old = workspace.path().join("old-rules");
    crate::support::copy_dir(&root().join("rules"), &old);
    let schema = std::fs::read_to_string(old.join("schema.yaml")).expect("the schema");
    let start = schema.find("\nstore:").expect("the store section");
    let end = start + schema[start..].find("\nenums:").expect("the next section");
    std::fs::write(
        old.join("schema.yaml"),
        format!("{}{}", &schema[..start], &schema[end..]),
    )
    .expect("the old schema");
    let old_text = old.to_str().expect("UTF-8");
    let diff = wotrules(
        &root(),
        &[
            "diff",
            "--base",
            old_text,
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--fail-on-change",
        ],
    );
    assert_eq!(diff.code, Some(0), "{}{}", diff.stdout, diff.stderr);
    assert!(
        diff.stdout.contains("0 members and 0 records changed"),
        "{}",
        diff.stdout
    );
    let db = workspace.path().join("valid.sqlite");
    let import = wotrules(
        &root(),
        &[
            "import",
            "--mysql-dump",
            "tests/bad_inputs/dumps/00_valid.sql",
            "--db",
            db.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(import.code, Some(0), "{}", import.stderr);
    let eval = wotrules(
        &root(),
        &[
            "eval",
            "--db",
            db.to_str().expect("UTF-8"),
            "--rules",
            old_text,
        ],
    );
    assert_eq!(eval.code, Some(2), "{}", eval.stderr);
    assert!(
        eval.stderr
            .contains("does not say which CATS variant types count"),
        "{}",
        eval.stderr
    );
}
