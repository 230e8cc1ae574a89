//! `wotrules diff` lists exactly the outputs that two `eval` runs disagree on.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{copy_dir, root, snapshot_settings, wotrules};
use serde_json::Value as Json;

/// A copy of the shipped rules with one text replaced in one file.
fn edited_rules(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), dir.path());
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).expect("the rule file exists");
    assert!(text.contains(from), "{file} contains {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("the copy is writable");
    dir
}

/// `(kind, id, output)` of every output whose value differs between two `eval --format json`.
fn eval_differences(old_rules: &Path, new_rules: &Path, input: &[&str]) -> BTreeSet<String> {
    let eval = |rules: &Path| -> Json {
        let mut args = vec![
            "eval",
            "--format",
            "json",
            "--rules",
            rules.to_str().unwrap(),
        ];
        args.extend_from_slice(input);
        let run = wotrules(&root(), &args);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        serde_json::from_str(&run.stdout).expect("eval prints JSON")
    };
    let (old, new) = (eval(old_rules), eval(new_rules));
    let mut differences = BTreeSet::new();
    for kind in ["members", "records"] {
        let old_list = old[kind].as_array().expect("a list");
        let new_list = new[kind].as_array().expect("a list");
        assert_eq!(old_list.len(), new_list.len());
        for (a, b) in old_list.iter().zip(new_list) {
            for (key, value) in b.as_object().expect("an object") {
                if a[key] != *value {
                    differences.insert(format!("{kind} {} {key}", b["id"]));
                }
            }
        }
    }
    differences
}

/// `(kind, id, output)` of every change `diff --format json` lists.
fn diff_changes(old_rules: &Path, new_rules: &Path, input: &[&str]) -> BTreeSet<String> {
    let mut args = vec![
        "diff",
        "--format",
        "json",
        "--base",
        old_rules.to_str().unwrap(),
        "--rules",
        new_rules.to_str().unwrap(),
    ];
    args.extend_from_slice(input);
    let run = wotrules(&root(), &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let document: Json = serde_json::from_str(&run.stdout).expect("diff prints JSON");
    let mut changes = BTreeSet::new();
    for kind in ["members", "records"] {
        for entity in document[kind].as_array().expect("a list") {
            for change in entity["changes"].as_array().expect("a list") {
                changes.insert(format!(
                    "{kind} {} {}",
                    entity["id"],
                    change["output"].as_str().expect("a name")
                ));
            }
        }
    }
    changes
}

#[test]
fn diff_lists_exactly_what_two_evaluations_disagree_on() {
    let edits = [
        (
            "ttp/ttp-assisted.yaml",
            "then min(35, record.value)",
            "then min(30, record.value)",
        ),
        (
            "rulings/a20111001.1-ruling-1.yaml",
            "record.entered_on >= 2006-09-01",
            "record.entered_on >= 2006-08-31",
        ),
        (
            "ap/member.yaml",
            "member.assurance_points >= 50",
            "member.assurance_points >= 49",
        ),
        // No longer in force as of the cases: the same code, decided otherwise.
        (
            "rulings/a20111001.1-ruling-2.yaml",
            "effective_from: 2011-12-05",
            "effective_from: 2011-12-07",
        ),
        // A citation only: the same decisions.
        (
            "ap/member.yaml",
            "reference §3: experience capped at 50",
            "reference §3: experience is capped at 50",
        ),
    ];
    let inputs: [&[&str]; 5] = [
        &["--case", "rules/tests/cases/topup.yaml"],
        &["--case", "rules/tests/cases/reapply-steps.yaml"],
        &[
            "--case",
            "rules/tests/cases/reapply-no-ticket-and-mismatch.yaml",
        ],
        &["--case", "rules/tests/cases/ap-level-boundaries.yaml"],
        &["--db", "examples/sample.sqlite"],
    ];
    let shipped = root().join("rules");
    let mut changed = 0;
    for (file, from, to) in edits {
        let edited = edited_rules(file, from, to);
        for input in inputs {
            let expected = eval_differences(&shipped, edited.path(), input);
            let listed = diff_changes(&shipped, edited.path(), input);
            assert_eq!(listed, expected, "{file}: {from} → {to} on {input:?}");
            changed += listed.len();
        }
    }
    assert!(changed >= 3, "every edit changes something somewhere");
}

#[test]
fn diff_explains_a_change_by_the_rule_it_comes_from() {
    let edited = edited_rules(
        "ttp/ttp-assisted.yaml",
        "then min(35, record.value)",
        "then min(30, record.value)",
    );
    let run = wotrules(
        &root(),
        &[
            "diff",
            "--base",
            "rules",
            "--rules",
            edited.path().to_str().unwrap(),
            "--case",
            "rules/tests/cases/topup.yaml",
            "--fail-on-change",
        ],
    );
    assert_eq!(
        run.code,
        Some(3),
        "--fail-on-change exits 3 (a change, not an error): {}",
        run.stderr
    );
    let shown = run.stdout.replace(edited.path().to_str().unwrap(), "NEW");
    // Each side names the clause where it is: the two can be told apart and opened.
    for side in [
        "old: record.method_points = 35, override from ttp-assist (priority 11) at rules/ttp/ttp-assisted.yaml:82: ",
        "new: record.method_points = 30, override from ttp-assist (priority 11) at NEW/ttp/ttp-assisted.yaml:82: ",
    ] {
        assert!(shown.contains(side), "{side}\n{shown}");
    }
    snapshot_settings().bind(|| insta::assert_snapshot!("diff__topup_35_to_30", shown));
}

#[test]
fn diff_of_identical_rules_lists_nothing_and_passes_fail_on_change() {
    let run = wotrules(
        &root(),
        &[
            "diff",
            "--base",
            "rules",
            "--db",
            "examples/sample.sqlite",
            "--fail-on-change",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.ends_with("0 members and 0 records changed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn diff_takes_the_old_rules_from_a_git_revision() {
    let repository = tempfile::tempdir().expect("a temporary directory");
    let dir = repository.path();
    std::fs::create_dir_all(dir.join("rules")).expect("a new folder");
    copy_dir(&root().join("rules"), &dir.join("rules"));
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "rules"]);
    git(&["commit", "-qm", "rules"]);
    let path = dir.join("rules/ttp/ttp-assisted.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen(
            "then min(35, record.value)",
            "then min(30, record.value)",
            1,
        ),
    )
    .unwrap();
    let case = root().join("rules/tests/cases/topup.yaml");
    let run = wotrules(
        dir,
        &[
            "diff",
            "--base",
            "git:HEAD",
            "--case",
            case.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let document: Json = serde_json::from_str(&run.stdout).expect("JSON");
    let records: Vec<i64> = document["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(records, vec![13]);
    assert_eq!(document["old_rules"]["source"], "git:HEAD");
    let text = wotrules(
        dir,
        &[
            "diff",
            "--base",
            "git:HEAD",
            "--case",
            case.to_str().unwrap(),
        ],
    );
    assert!(
        text.stdout
            .contains("old: record.method_points = 35, override from ttp-assist (priority 11) at git:HEAD:rules/ttp/ttp-assisted.yaml:82: "),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("at rules/ttp/ttp-assisted.yaml:82: "),
        "{}",
        text.stdout
    );
    let missing = wotrules(
        dir,
        &[
            "diff",
            "--base",
            "git:no-such-rev",
            "--case",
            case.to_str().unwrap(),
        ],
    );
    assert_eq!(missing.code, Some(2), "{}", missing.stderr);
    assert!(
        missing.stderr.contains("git:no-such-rev"),
        "{}",
        missing.stderr
    );
}

/// A rules directory of another name, deeper in its repository, from any working
/// directory; and, once it has moved, the old one named where it was (`git:REV:PATH`).
#[test]
fn diff_finds_the_rules_directory_at_a_revision_wherever_it_is() {
    let repository = tempfile::tempdir().expect("a temporary directory");
    let dir = repository.path();
    copy_dir(&root().join("rules"), &dir.join("policy/cacert"));
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "policy"]);
    git(&["commit", "-qm", "rules"]);
    let case = root().join("rules/tests/cases/topup.yaml");
    let case = case.to_str().expect("UTF-8");
    let rules = dir.join("policy/cacert");
    let rules = rules.to_str().expect("UTF-8");
    let workspace = tempfile::tempdir().expect("another directory");
    let diff = |base: &str, rules: &str| {
        wotrules(
            workspace.path(),
            &["diff", "--base", base, "--rules", rules, "--case", case],
        )
    };
    let run = diff("git:HEAD", rules);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("0 members and 0 records changed"),
        "{}",
        run.stdout
    );
    git(&["mv", "policy/cacert", "policy/moved"]);
    git(&["commit", "-qm", "moved"]);
    let moved = dir.join("policy/moved");
    let moved = moved.to_str().expect("UTF-8");
    let run = diff("git:HEAD~1", moved);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("`git:REV:PATH`"), "{}", run.stderr);
    let run = diff("git:HEAD~1:policy/cacert", moved);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("0 members and 0 records changed"),
        "{}",
        run.stdout
    );
}

/// A new value computed from personal fields is withheld in every format of the diff,
/// saying which fields, unless `--show-personal`.
#[test]
fn a_changed_value_computed_from_personal_fields_is_withheld() {
    let new_rules = tempfile::tempdir().expect("a directory");
    copy_dir(&root().join("rules"), new_rules.path());
    std::fs::write(
        new_rules.path().join("rulings/leak.yaml"),
        "id: leak\ntitle: A location that quotes the assuree\nkind: ruling\nsource: https://example.org/leak\neffective_from: 2011-11-30\n\noverrides:\n  - target: record.reapply_location\n    priority: 90\n    cite: leak §1\n    when: record.id == 123456\n    then: '\"RE: \" + record.assuree.fname + \" \" + record.assuree.email'\n",
    )
    .expect("written");
    let run = |format: &str, extra: &[&str]| {
        let mut args = vec![
            "diff",
            "--base",
            "rules",
            "--rules",
            new_rules.path().to_str().expect("UTF-8"),
            "--case",
            "rules/tests/cases/part-2-mailing.yaml",
            "--format",
            format,
        ];
        args.extend_from_slice(extra);
        let run = wotrules(&root(), &args);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.stdout
    };
    for format in ["text", "json", "markdown"] {
        let out = run(format, &[]);
        assert!(!out.contains("paul@example.org"), "{format}:\n{out}");
        assert!(
            out.contains("withheld: computed from member.email, member.fname"),
            "{format}:\n{out}"
        );
        assert!(
            run(format, &["--show-personal"]).contains("RE: Paul paul@example.org"),
            "{format}"
        );
    }
}
