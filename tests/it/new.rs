//! `wotrules new`: a case, a rule test and a rule set to start from, which check and pass as
//! written; nothing that exists is replaced.

use crate::support::{root, wotrules};

#[test]
fn a_new_case_evaluates_and_a_new_test_of_it_passes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rules = root().join("rules");
    let rules = rules.to_str().expect("UTF-8");
    let case = wotrules(dir.path(), &["new", "case", "my-case.yaml"]);
    assert_eq!(case.code, Some(0), "{}", case.transcript());
    let eval = wotrules(
        dir.path(),
        &[
            "eval",
            "--case",
            "my-case.yaml",
            "--rules",
            rules,
            "--member",
            "1",
            "--format",
            "json",
        ],
    );
    assert_eq!(eval.code, Some(0), "{}", eval.transcript());
    let decided: serde_json::Value = serde_json::from_str(&eval.stdout).expect("JSON");
    // Two face-to-face assurances of 35 and 30 points; the revoked one counts nothing.
    assert_eq!(decided["members"][0]["assurance_points"], 65);
    assert_eq!(decided["members"][0]["level"], "assured");

    // A rule set of our own, with the test of the case in it.
    let copy = wotrules(dir.path(), &["new", "rules", "my-rules", "--rules", rules]);
    assert_eq!(copy.code, Some(0), "{}", copy.transcript());
    std::fs::create_dir_all(dir.path().join("my-rules/tests/cases")).expect("a folder");
    std::fs::rename(
        dir.path().join("my-case.yaml"),
        dir.path().join("my-rules/tests/cases/my-case.yaml"),
    )
    .expect("moved");
    let test = wotrules(
        dir.path(),
        &[
            "new",
            "test",
            "my-rules/tests/my-case.yaml",
            "--case",
            "cases/my-case.yaml",
            "--rules",
            "my-rules",
        ],
    );
    assert_eq!(test.code, Some(0), "{}", test.transcript());
    let written =
        std::fs::read_to_string(dir.path().join("my-rules/tests/my-case.yaml")).expect("read");
    assert!(
        written.contains("    case: cases/my-case.yaml\n"),
        "{written}"
    );
    assert!(
        written.contains(
            "1: {assurance_points: 65, experience_points: 0, max_award: 0, level: \"assured\""
        ),
        "{written}"
    );
    let run = wotrules(
        dir.path(),
        &["test", "--rules", "my-rules", "--filter", "my-case"],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(run.stdout.lines().last(), Some("1 passed, 0 failed"));
    // The expectations are meant: change the rules and the test fails.
    let member = dir.path().join("my-rules/ap/member.yaml");
    let text = std::fs::read_to_string(&member).expect("read");
    std::fs::write(&member, text.replace("min(100,", "min(60,")).expect("written");
    let broken = wotrules(
        dir.path(),
        &["test", "--rules", "my-rules", "--filter", "my-case"],
    );
    assert_eq!(broken.code, Some(1), "{}", broken.transcript());
}

#[test]
fn a_new_rule_set_checks_and_its_tests_pass_and_an_inline_test_passes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rules = root().join("rules");
    let run = wotrules(
        dir.path(),
        &[
            "new",
            "rules",
            "mine",
            "--rules",
            rules.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert!(dir.path().join("mine/motions/my-motion.yaml").is_file());
    let check = wotrules(dir.path(), &["check", "--rules", "mine", "--strict"]);
    assert_eq!(check.code, Some(0), "{}", check.transcript());
    assert_eq!(check.stdout, "9 rule files, 40 definitions: ok\n");
    let inline = wotrules(
        dir.path(),
        &["new", "test", "mine/tests/inline.yaml", "--rules", "mine"],
    );
    assert_eq!(inline.code, Some(0), "{}", inline.transcript());
    let test = wotrules(dir.path(), &["test", "--rules", "mine"]);
    assert_eq!(test.code, Some(0), "{}", test.transcript());
    assert!(test.stdout.ends_with(", 0 failed\n"), "{}", test.stdout);
    // The starter changes nothing until it is edited.
    let case = root().join("rules/tests/cases/a20111001.1.yaml");
    let diff = wotrules(
        dir.path(),
        &[
            "diff",
            "--base",
            rules.to_str().expect("UTF-8"),
            "--rules",
            "mine",
            "--case",
            case.to_str().expect("UTF-8"),
            "--fail-on-change",
        ],
    );
    assert_eq!(diff.code, Some(0), "{}", diff.transcript());
}

#[test]
fn new_never_replaces_what_exists() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("taken.yaml"), "mine\n").expect("written");
    for args in [
        &["new", "case", "taken.yaml"][..],
        &[
            "new",
            "test",
            "taken.yaml",
            "--rules",
            root().join("rules").to_str().expect("UTF-8"),
        ],
    ] {
        let run = wotrules(dir.path(), args);
        assert_eq!(run.code, Some(2), "{}", run.transcript());
        assert!(run.stderr.contains("taken.yaml"), "{}", run.stderr);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("taken.yaml")).expect("read"),
            "mine\n"
        );
    }
    std::fs::create_dir(dir.path().join("there")).expect("a folder");
    let rules = wotrules(dir.path(), &["new", "rules", "there"]);
    assert_eq!(rules.code, Some(2), "{}", rules.transcript());
    assert!(
        std::fs::read_dir(dir.path().join("there"))
            .expect("read")
            .next()
            .is_none()
    );
}
