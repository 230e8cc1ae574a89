//! `eval --expr`: one expression's value, type and reads for a member or a record; errors
//! placed in the expression as in a rule file; personal data withheld.

use crate::support::{root, wotrules};

const CASE: &str = "rules/tests/cases/a20111001.1.yaml";

fn eval_expr(args: &[&str]) -> crate::support::Run {
    let mut all = vec!["eval", "--case", CASE];
    all.extend_from_slice(args);
    wotrules(&root(), &all)
}

#[test]
fn a_member_expression_gives_its_value_type_and_reads() {
    let run = eval_expr(&[
        "--member",
        "1500",
        "--expr",
        "member.assurance_points >= 100 or member.level == \"assurer-on-hold\"",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let document: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(document["type"], "bool");
    assert_eq!(document["value"], true);
    assert_eq!(document["for"], "member 1500");
    assert_eq!(document["read"][0]["name"], "member.assurance_points");
    assert_eq!(document["read"][0]["value"], 45);
    assert_eq!(document["read"][1]["name"], "member.level");
    assert_eq!(document["read"][1]["value"], "assurer-on-hold");
    // The same value as `eval` decides for the member.
    let eval = eval_expr(&["--member", "1500", "--format", "json"]);
    let decided: serde_json::Value = serde_json::from_str(&eval.stdout).expect("JSON");
    assert_eq!(decided["members"][0]["assurance_points"], 45);
}

#[test]
fn a_record_expression_reads_the_record() {
    let run = eval_expr(&[
        "--record",
        "123456",
        "--expr",
        "(record.reapply_points ?? 0) * 2",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(
        run.stdout,
        "70\n  type: int\n  for: record 123456, as of 2011-12-01\n  read:\n    record.reapply_points = 35\n"
    );
}

#[test]
fn errors_are_placed_in_the_expression_with_did_you_mean() {
    let run = eval_expr(&["--member", "1500", "--expr", "member.assurance_pionts + 1"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    assert!(
        run.stderr.starts_with(
            "--expr:1:8: error[unknown-field]: unknown field `member.assurance_pionts`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("did you mean `member.assurance_points`?"),
        "{}",
        run.stderr
    );

    let syntax = eval_expr(&["--member", "1500", "--expr", "member.age = 1"]);
    assert_eq!(syntax.code, Some(1), "{}", syntax.transcript());
    assert!(
        syntax.stderr.contains("--expr:1:12: error[syntax]"),
        "{}",
        syntax.stderr
    );
    assert!(syntax.stderr.contains("write `==`"), "{}", syntax.stderr);

    let neither = eval_expr(&["--expr", "1 + 1"]);
    assert_eq!(neither.code, Some(2), "{}", neither.transcript());
}

#[test]
fn personal_data_and_what_is_computed_from_it_is_withheld_unless_asked() {
    let run = eval_expr(&["--member", "1500", "--expr", "(member.age ?? 0) >= 18"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert!(
        run.stdout
            .starts_with("(withheld: computed from member.dob)\n"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("true") && !run.stdout.contains("false"),
        "{}",
        run.stdout
    );
    let dob = eval_expr(&[
        "--member",
        "1500",
        "--expr",
        "member.dob",
        "--format",
        "json",
    ]);
    let document: serde_json::Value = serde_json::from_str(&dob.stdout).expect("JSON");
    assert_eq!(document["value"], serde_json::Value::Null);
    assert_eq!(document["read"][0]["withheld"], "(withheld)");

    let shown = eval_expr(&[
        "--member",
        "1500",
        "--expr",
        "(member.age ?? 0) >= 18",
        "--show-personal",
    ]);
    assert!(
        shown.stdout.starts_with("true\n") || shown.stdout.starts_with("false\n"),
        "{}",
        shown.stdout
    );
}
