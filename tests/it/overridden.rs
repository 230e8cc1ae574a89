//! `overridden` in an override: the value the definition would have without it, checked
//! for type, evaluated from the overrides ranked below and the body, and shown in traces.

use crate::support::{Run, copy_dir, root, wotrules};
use serde_json::Value as Json;

/// The shipped rules plus `rulings/cap.yaml` overriding `record.reapply_points` with
/// `when` and `then`.
fn with_cap(when: &str, then: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), &dir.path().join("rules"));
    let text = format!(
        "id: cap\ntitle: A cap on re-applied points\nkind: ruling\nsource: https://example.org/cap\n\
         effective_from: 2011-11-30\ndefinitions: {{}}\noverrides:\n  \
         - target: record.reapply_points\n    priority: 20\n    cite: \"cap: at most 20\"\n    \
         when: {when}\n    then: {then}\n"
    );
    std::fs::write(dir.path().join("rules/rulings/cap.yaml"), text).expect("a rule file");
    dir
}

/// `reapply_points` of record 123456 of the ruling's example, explained, as JSON.
fn reapply_points(dir: &tempfile::TempDir) -> Json {
    let case = root().join("rules/tests/cases/a20111001.1.yaml");
    let run = wotrules(
        dir.path(),
        &[
            "eval",
            "--case",
            case.to_str().expect("UTF-8"),
            "--record",
            "123456",
            "--explain",
            "reapply_points",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let document: Json = serde_json::from_str(&run.stdout).expect("JSON");
    document["records"][0]["trace"]["reapply_points"].clone()
}

#[test]
fn an_override_caps_the_value_it_replaces_and_the_trace_shows_that_value() {
    // Without the cap, ruling #1's override gives 35 (tests/explain.rs pins it).
    let dir = with_cap(
        "overridden != null and overridden > 20",
        "min(20, overridden)",
    );
    let trace = reapply_points(&dir);
    assert_eq!(trace["value"], 20);
    assert_eq!(trace["clause"], "override from cap (priority 20)");
    let without = &trace["because"][0];
    assert_eq!(
        without["definition"],
        "overridden: record.reapply_points without the override of priority 20"
    );
    assert_eq!(without["value"], 35);
    assert_eq!(
        without["clause"],
        "override from a20111001.1-ruling-1 (priority 10)"
    );
    // The override that decided the inner value is not listed as tried and failed.
    let tried = without["overrides_tried"].as_array().map_or(0, Vec::len);
    assert_eq!(tried, 0, "{without}");
}

#[test]
fn a_cap_that_does_not_bite_leaves_the_value_to_the_override_below() {
    let dir = with_cap("overridden != null and overridden > 40", "40");
    let trace = reapply_points(&dir);
    assert_eq!(trace["value"], 35);
    assert_eq!(
        trace["clause"],
        "override from a20111001.1-ruling-1 (priority 10)"
    );
    let tried = trace["overrides_tried"]
        .as_array()
        .expect("overrides tried");
    assert_eq!(tried.len(), 1, "{tried:?}");
    assert_eq!(tried[0]["rule_file"], "cap");
}

fn check(dir: &tempfile::TempDir) -> Run {
    wotrules(dir.path(), &["check"])
}

#[test]
fn overridden_is_typed_like_the_definition() {
    let missing = check(&with_cap("true", "min(20, overridden)"));
    assert_eq!(missing.code, Some(1));
    assert!(
        missing
            .stderr
            .contains("error[type-mismatch]: `overridden` has type `int?`, expected `int`"),
        "{}",
        missing.stderr
    );
    let text = check(&with_cap("true", "overridden == \"x\""));
    assert_eq!(text.code, Some(1));
    assert!(
        text.stderr.contains("cannot compare `int?` with `text`"),
        "{}",
        text.stderr
    );
}

#[test]
fn overridden_outside_an_override_and_in_a_collect_override_are_errors() {
    let dir = with_cap("true", "20");
    let file = dir.path().join("rules/rulings/cap.yaml");
    let text = std::fs::read_to_string(&file).expect("the file");
    let text = text.replace(
        "definitions: {}",
        "definitions:\n  own:\n    for: record\n    type: int?\n    cite: c\n    value: overridden",
    );
    std::fs::write(&file, text).expect("written");
    let run = check(&dir);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains(
            "error[overridden-outside-override]: `overridden` is only available in an override"
        ),
        "{}",
        run.stderr
    );

    let dir = with_cap("true", "20");
    let collect = "overrides:\n  - target: record.findings\n    priority: 5\n    cite: c\n    \
                   when: overridden == []\n    outcome: topup-same-admin\n";
    std::fs::write(
        dir.path().join("rules/rulings/cap.yaml"),
        format!(
            "id: cap\ntitle: t\nkind: ruling\nsource: s\neffective_from: null\ndefinitions: {{}}\n{collect}"
        ),
    )
    .expect("written");
    let run = check(&dir);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("`overridden` has no meaning in an override of a `collect:` definition"),
        "{}",
        run.stderr
    );
}

#[test]
fn reading_the_target_itself_is_a_cycle_that_points_to_overridden() {
    let run = check(&with_cap("true", "min(20, record.reapply_points ?? 0)"));
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("cycle"), "{}", run.stderr);
    assert!(
        run.stderr.contains("reads it as `overridden`"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_sql_views_refuse_overridden_at_its_place() {
    let dir = with_cap(
        "overridden != null and overridden > 20",
        "min(20, overridden)",
    );
    let run = wotrules(dir.path(), &["sql", "--dialect", "sqlite"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    assert!(run.stderr.contains("rulings/cap.yaml:"), "{}", run.stderr);
    assert!(run.stderr.contains("`overridden`"), "{}", run.stderr);
}
