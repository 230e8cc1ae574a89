//! `wotrules check`: the shipped rules pass; warnings do not fail it. (Bad rule files are in
//! the catalogue of `tests/bad_inputs.rs`.)

use crate::support::{copy_dir, file_name, root, snapshot_settings, wotrules, yaml_files};

#[test]
fn shipped_rules_check_clean() {
    let run = wotrules(&root(), &["check"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.ends_with(": ok\n"), "{}", run.stdout);
    assert!(
        run.stderr.is_empty(),
        "no warnings on the shipped rules: {}",
        run.stderr
    );
}

#[test]
fn missing_rules_directory_is_a_usage_error() {
    let run = wotrules(&root(), &["check", "--rules", "no/such/dir"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("no/such/dir: no such rules directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn shadowed_rows_and_unused_definitions_are_warnings_not_errors() {
    let warn_files = yaml_files(&root().join("tests/data/warnings"));
    assert!(!warn_files.is_empty());
    snapshot_settings().bind(|| {
        for file in warn_files {
            let workspace = tempfile::tempdir().expect("a temporary directory");
            copy_dir(&root().join("rules"), &workspace.path().join("rules"));
            let name = file_name(&file);
            std::fs::create_dir_all(workspace.path().join("rules/zz")).expect("create directory");
            std::fs::copy(&file, workspace.path().join("rules/zz").join(&name))
                .expect("copy the file");
            let run = wotrules(workspace.path(), &["check"]);
            assert_eq!(
                run.code,
                Some(0),
                "{name} passes the check: {}",
                run.transcript()
            );
            assert!(
                run.stderr.contains("warning"),
                "{name} warns: {}",
                run.stderr
            );
            let stem = name.trim_end_matches(".yaml");
            insta::assert_snapshot!(format!("check_warn__{stem}"), run.transcript());
        }
    });
}

/// One run reports every problem of a rule file, each at its own line and column, and the
/// parts without problems are still read (a definition missing its `cite` is declared: what
/// uses it is checked, not called unknown).
#[test]
fn every_problem_of_a_rule_file_is_reported_in_one_run() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), &workspace.path().join("rules"));
    let file = workspace.path().join("rules/zz/many.yaml");
    std::fs::create_dir_all(file.parent().expect("a folder")).expect("create directory");
    let text = "\
id: many
title: t
kind: statute
source: s
effective_from: 2011-13-01
colour: red
definitions:
  uncited:
    for: record
    type: int
    value: 1
  user:
    for: record
    type: int
    cite: c
    valeu: record.uncited
overrides:
  - target: record.reapply_points
    priority: high
    cite: c
    then: 1
";
    std::fs::write(&file, text).expect("write the rule file");
    let run = wotrules(workspace.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut found: Vec<(String, u64, u64)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["path"].as_str().is_some_and(|p| p.ends_with("many.yaml")))
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort_by_key(|(_, line, column)| (*line, *column));
    let expected = [
        ("unknown-kind", 3, 7),
        ("bad-date", 5, 17),
        ("unknown-key", 6, 1),
        ("missing-key", 8, 3),
        ("definition-body", 12, 3),
        ("unknown-key", 16, 5),
        ("wrong-value", 19, 15),
    ];
    let expected: Vec<(String, u64, u64)> = expected
        .iter()
        .map(|(code, line, column)| (code.to_string(), *line, *column))
        .collect();
    assert_eq!(found, expected, "{}", run.stdout);
    assert!(!run.stdout.contains("unknown-field"), "{}", run.stdout);
}

/// Warnings never hide behind a bare "ok"; `--strict` makes them fail (exit 1), in text and
/// in JSON.
#[test]
fn check_counts_warnings_and_strict_fails_on_them() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), &workspace.path().join("rules"));
    std::fs::create_dir_all(workspace.path().join("rules/zz")).expect("create directory");
    std::fs::copy(
        root().join("tests/data/warnings/shadowed-row.yaml"),
        workspace.path().join("rules/zz/shadowed-row.yaml"),
    )
    .expect("copy the file");
    let plain = wotrules(workspace.path(), &["check"]);
    assert_eq!(plain.code, Some(0), "{}", plain.transcript());
    assert!(
        plain.stdout.ends_with(": ok, 2 warnings\n"),
        "{}",
        plain.stdout
    );

    let strict = wotrules(workspace.path(), &["check", "--strict"]);
    assert_eq!(strict.code, Some(1), "{}", strict.transcript());
    assert!(
        strict.stdout.ends_with(": 2 warnings, failed (--strict)\n"),
        "{}",
        strict.stdout
    );
    assert!(
        strict.stderr.contains("warning[shadowed]"),
        "{}",
        strict.stderr
    );

    let json = wotrules(workspace.path(), &["check", "--strict", "--format", "json"]);
    assert_eq!(json.code, Some(1), "{}", json.transcript());
    let document: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(document["ok"], false);
    assert_eq!(document["diagnostics"][0]["code"], "shadowed");

    let clean = wotrules(&root(), &["check", "--strict"]);
    assert_eq!(clean.code, Some(0), "{}", clean.transcript());
}

/// A misspelt key is reported once (not again as a missing key), and it hides nothing: the
/// other rows of its table and both sides of every `and` are checked in the same run.
#[test]
fn a_misspelt_key_is_reported_once_and_every_other_error_with_it() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let rules = workspace.path().join("rules");
    copy_dir(&root().join("rules"), &rules);
    let member = rules.join("ap/member.yaml");
    let text = std::fs::read_to_string(&member).expect("read");
    let broken = text
        .replacen(
            "      - when: member.age != null and member.age < 18\n        then: min(10, member.experience_raw)",
            "      - wehn: member.age != null and member.age < 18\n        then: min(10, member.experience_rawx)",
            1,
        )
        .replacen(
            "      - when: member.assurer\n        outcome: assurer-on-hold",
            "      - when: member.assurer and member.dob == \"x\" and trimm(member.email) == \"\"\n        outcome: elegible",
            1,
        );
    assert_ne!(broken, text);
    std::fs::write(&member, &broken).expect("written");
    let run = wotrules(workspace.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let document: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let found: Vec<(String, u64)> = document["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let line = |needle: &str| {
        broken
            .lines()
            .position(|l| l.contains(needle))
            .expect("the line") as u64
            + 1
    };
    assert_eq!(
        found,
        [
            ("unknown-key".to_owned(), line("wehn:")),
            ("unknown-field".to_owned(), line("experience_rawx")),
            ("type-mismatch".to_owned(), line("trimm(")),
            ("unknown-function".to_owned(), line("trimm(")),
            ("unknown-outcome".to_owned(), line("elegible")),
        ]
    );
}
