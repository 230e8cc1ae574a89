//! `wotrules test`: the shipped rule tests pass with full coverage; a changed expectation
//! fails naming it; a malformed test file is exit 2 with `path:line:col`.

use crate::support::{copy_dir, replace_in, root, snapshot_settings, wotrules};

/// A workspace with the rules (and the cases their tests name) and the examples.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for folder in ["rules", "examples"] {
        copy_dir(&root().join(folder), &dir.path().join(folder));
    }
    dir
}

#[test]
fn shipped_rule_tests_pass_with_full_branch_coverage() {
    let run = wotrules(&root(), &["test", "--coverage"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let last = run.stdout.lines().last().expect("a closing line");
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    assert!(run.stdout.contains("total: "), "{}", run.stdout);
    assert!(run.stdout.contains("branches, 100.0 %\n"), "{}", run.stdout);
    snapshot_settings().bind(|| insta::assert_snapshot!("ruletest__coverage", run.stdout));
}

/// A changed rule fails a test that names that rule, not only the clause of the output that
/// passed its value on: the TOPUP override (its line in the changed file, under the rules
/// folder as given), as `diff` names it.
#[test]
fn a_failure_names_the_rule_the_wrong_value_comes_from() {
    let dir = workspace();
    let changed = dir.path().join("rules/ttp/ttp-assisted.yaml");
    replace_in(
        &changed,
        "if record.topup_valid then min(35",
        "if record.topup_valid then min(30",
    );
    let line = std::fs::read_to_string(&changed)
        .expect("read")
        .lines()
        .position(|l| l.contains("min(30"))
        .expect("the changed line");
    let run = wotrules(dir.path(), &["test", "--rules", "./rules"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let failure = run.stdout.lines().next().expect("a failure");
    assert!(
        failure.starts_with("./rules/tests/ttp-assisted.yaml:"),
        "{failure}"
    );
    assert!(failure.contains("expected 35, got 30"), "{failure}");
    assert!(failure.contains("at ./rules/ap/points.yaml:"), "{failure}");
    // The override decides from its `target:` row; the changed `then:` is a few lines on.
    let override_at = failure
        .split("from record.method_points = 30: override from ttp-assist (priority 11) at ./rules/ttp/ttp-assisted.yaml:")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok())
        .expect("the override named with its line");
    assert!(
        override_at <= line + 1 && line + 1 - override_at < 10,
        "{override_at} for {line}"
    );
}

#[test]
fn a_changed_expectation_fails_with_its_location_and_both_values() {
    let dir = workspace();
    replace_in(
        &dir.path().join("rules/tests/ap-member.yaml"),
        "1099: {assurance_points: 99, level: assured}",
        "1099: {assurance_points: 99, level: assurer}",
    );
    let run = wotrules(dir.path(), &["test"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    snapshot_settings()
        .bind(|| insta::assert_snapshot!("ruletest__changed_expectation", run.stdout));
}

#[test]
fn filter_runs_only_the_tests_it_names() {
    let run = wotrules(&root(), &["test", "--filter", "cut-off"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(run.stdout, "3 passed, 0 failed\n");
}

#[test]
fn a_member_missing_from_the_case_fails_once() {
    let dir = workspace();
    replace_in(
        &dir.path().join("rules/tests/a20111001.1.yaml"),
        "1500: {assurance_points: 45, level: assurer-on-hold, points_if_reapplied: 80}",
        "1501: {assurance_points: 45, level: assurer-on-hold, points_if_reapplied: 80}",
    );
    let run = wotrules(dir.path(), &["test"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let failures: Vec<&str> = run.stdout.lines().filter(|l| l.contains("1501")).collect();
    assert_eq!(failures.len(), 1, "{}", run.stdout);
    assert!(failures[0].contains("member 1501 is not a member listed in the case"));
}

#[test]
fn a_filter_that_matches_no_test_is_exit_2() {
    let run = wotrules(&root(), &["test", "--filter", "no such test"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr.contains("no rule test matches `no such test`"),
        "{}",
        run.stderr
    );
}

/// The rule set stands alone: copied anywhere, its tests find their cases (they travel in
/// `tests/cases/`) and pass, from any working directory.
#[test]
fn the_rule_set_copied_anywhere_passes_its_own_tests() {
    let elsewhere = tempfile::tempdir().expect("a temporary directory");
    let copy = elsewhere.path().join("copy");
    copy_dir(&root().join("rules"), &copy);
    let cwd = tempfile::tempdir().expect("another directory");
    let run = wotrules(
        cwd.path(),
        &["test", "--rules", copy.to_str().expect("UTF-8")],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert!(
        run.stdout.ends_with(" passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}
