//! Files out: never destroy what is not a database, never widen a file's access, never
//! follow a planted link, never leave a temporary; a link given is written through.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::support::{copy_dir, root, wotrules};

const CASE: &str = "rules/tests/cases/a20111001.1.yaml";
const DUMP: &str = "tests/bad_inputs/dumps/00_valid.sql";

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o7777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
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
}

fn text(path: &Path) -> String {
    path.to_str().expect("UTF-8").to_string()
}

fn import_case(db: &Path) -> crate::support::Run {
    let case = root().join(CASE);
    wotrules(&root(), &["import", &text(&case), "--db", &text(db)])
}

fn import_dump(dump: &Path, db: &Path) -> crate::support::Run {
    wotrules(
        &root(),
        &["import", "--mysql-dump", &text(dump), "--db", &text(db)],
    )
}

#[test]
fn import_never_replaces_its_input_a_text_file_or_a_device() {
    let dir = tempfile::tempdir().expect("a directory");
    let dump = dir.path().join("d.sql");
    std::fs::copy(root().join(DUMP), &dump).expect("copy the dump");
    let before = std::fs::read(&dump).expect("the dump");
    let run = import_dump(&dump, &dump);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr.contains("d.sql: is the file being imported"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&dump).expect("the dump"), before, "untouched");

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").expect("written");
    let gz = dir.path().join("old.sql.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0]).expect("written");
    for target in [&notes, &gz] {
        let before = std::fs::read(target).expect("the file");
        for run in [import_dump(&dump, target), import_case(target)] {
            assert_eq!(run.code, Some(2), "{}", run.transcript());
            assert!(
                run.stderr
                    .contains("is not a SQLite database: wotrules replaces only a database"),
                "{}",
                run.stderr
            );
            assert_eq!(std::fs::read(target).expect("the file"), before);
        }
    }
    // A device (here a FIFO, which also needs no privilege) is never replaced by a file.
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    for target in [fifo.clone(), PathBuf::from("/dev/null")] {
        let run = import_dump(&dump, &target);
        assert_eq!(run.code, Some(2), "{}", run.transcript());
        assert!(
            run.stderr.contains("is not a regular file"),
            "{}",
            run.stderr
        );
        let kind = std::fs::metadata(&target).expect("still there").file_type();
        assert!(
            !kind.is_file(),
            "{} is still not a regular file",
            target.display()
        );
    }
    assert_eq!(
        entries(dir.path()),
        ["d.sql", "fifo", "notes.txt", "old.sql.gz"],
        "no temporary left"
    );
}

#[test]
fn import_keeps_a_database_s_mode_and_makes_new_ones_private() {
    let dir = tempfile::tempdir().expect("a directory");
    let db = dir.path().join("new.sqlite");
    let run = import_dump(&root().join(DUMP), &db);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(
        mode(&db),
        0o600,
        "a new database of personal data is private"
    );
    for kept in [0o600, 0o640, 0o444] {
        set_mode(&db, kept);
        let run = import_dump(&root().join(DUMP), &db);
        assert_eq!(run.code, Some(0), "{}", run.transcript());
        assert_eq!(mode(&db), kept, "the mode of the database replaced");
    }
    set_mode(&db, 0o640);
    let run = import_case(&db);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(mode(&db), 0o640, "import CASE keeps the mode too");
}

#[test]
fn import_through_a_link_writes_the_database_it_names_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("a directory");
    let real = dir.path().join("real.sqlite");
    let run = import_case(&real);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let link = dir.path().join("current.sqlite");
    std::os::unix::fs::symlink("real.sqlite", &link).expect("a link");
    let run = import_dump(&root().join(DUMP), &link);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert!(
        run.stderr
            .contains("current.sqlite is a link: writing through it to"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("the link")
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    let connection = rusqlite::Connection::open(&real).expect("the database");
    let users: i64 = connection
        .query_row("SELECT count(*) FROM users", [], |row| row.get(0))
        .expect("users");
    assert!(users > 0, "the dump went into the file the link names");
    let dangling = dir.path().join("dangling.sqlite");
    std::os::unix::fs::symlink("nowhere/x.sqlite", &dangling).expect("a link");
    let run = import_dump(&root().join(DUMP), &dangling);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr.contains("is a link to nothing"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_quarantine_list_and_a_mailing_are_private() {
    let dir = tempfile::tempdir().expect("a directory");
    let db = dir.path().join("q.sqlite");
    let list = dir.path().join("left-out.jsonl");
    let run = wotrules(
        &root(),
        &[
            "import",
            "--mysql-dump",
            "tests/data/dumps/mariadb/bad-rows.sql",
            "--db",
            &text(&db),
            "--quarantine",
            &text(&list),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(mode(&list), 0o600);
    let out = dir.path().join("mailing");
    let run = wotrules(
        &root(),
        &[
            "mailing",
            "--case",
            "rules/tests/cases/part-2-mailing.yaml",
            "--out",
            &text(&out),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(mode(&out), 0o700, "names and addresses: the owner's only");
    for file in entries(&out) {
        assert_eq!(mode(&out.join(&file)), 0o600, "{file}");
    }
}

/// A copy of the shipped rules in `dir/r` with `ap/member.yaml` made untidy.
fn untidy_rules(dir: &Path) -> PathBuf {
    let rules = dir.join("r");
    copy_dir(&root().join("rules"), &rules);
    let member = rules.join("ap/member.yaml");
    let tidy = std::fs::read_to_string(&member).expect("the rule file");
    std::fs::write(
        &member,
        tidy.replacen("definitions:\n", "definitions:\n\n\n", 1),
    )
    .expect("untidied");
    rules
}

#[test]
fn fmt_keeps_modes_and_never_follows_a_planted_link() {
    let dir = tempfile::tempdir().expect("a directory");
    let rules = untidy_rules(dir.path());
    let member = rules.join("ap/member.yaml");
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious\n").expect("written");
    // The name the formatter used to write through, planted as a link to the victim.
    std::os::unix::fs::symlink(&victim, rules.join("ap/member.yaml.wotrules-fmt")).expect("a link");
    set_mode(&member, 0o444);
    let run = wotrules(dir.path(), &["fmt", "--rules", "r"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert!(
        run.stdout.contains("formatted: r/ap/member.yaml"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious\n"
    );
    assert!(
        !std::fs::symlink_metadata(&member)
            .expect("the rule file")
            .file_type()
            .is_symlink(),
        "the rule file is a file, not the planted link"
    );
    assert_eq!(
        mode(&member),
        0o444,
        "a read-only rule file stays read-only"
    );
    let mut names = entries(&rules.join("ap"));
    names.retain(|n| n.starts_with('.'));
    assert!(names.is_empty(), "no temporary left: {names:?}");
}

#[test]
fn fmt_formats_the_file_a_link_names_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("a directory");
    let rules = untidy_rules(dir.path());
    let member = rules.join("ap/member.yaml");
    let shared = dir.path().join("shared-member.yaml");
    std::fs::rename(&member, &shared).expect("moved");
    set_mode(&shared, 0o600);
    std::os::unix::fs::symlink(&shared, &member).expect("a link");
    let run = wotrules(dir.path(), &["fmt", "--rules", "r"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert!(
        std::fs::symlink_metadata(&member)
            .expect("the link")
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    let formatted = std::fs::read_to_string(&shared).expect("the target");
    assert!(
        !formatted.contains("definitions:\n\n\n"),
        "the target is formatted"
    );
    assert_eq!(mode(&shared), 0o600);
    let check = wotrules(dir.path(), &["fmt", "--check", "--rules", "r"]);
    assert_eq!(check.code, Some(0), "{}", check.transcript());
}

/// Runs `wotrules args` with its standard output sent to `stdout`.
fn with_stdout(args: &[&str], stdout: std::process::Stdio) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wotrules"))
        .args(args)
        .current_dir(root())
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("wotrules runs")
}

#[test]
fn a_failed_write_on_standard_output_is_an_error_and_a_closed_pipe_a_quiet_end() {
    let full = || {
        std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    for args in [
        &["sql", "--dialect", "sqlite"][..],
        &["eval", "--case", CASE, "--format", "json"],
        &["eval", "--case", CASE, "--summary"],
        &["check"],
        &["schema"],
    ] {
        let output = with_stdout(args, full().into());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write standard output: no space left on device"),
            "{args:?}: {stderr}"
        );
    }
    // A reader that stops early (`| head -1`): quiet, and the command's own exit code.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wotrules"))
        .args(["sql", "--dialect", "sqlite"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("wotrules runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("it ends");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
