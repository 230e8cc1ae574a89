//! Focused explanations: the rows a `cases:` table tried and why each failed, with the
//! values read; `--explain OUTPUTS` and `--record ID`; structured trace locations in JSON.

use crate::support::{root, wotrules};
use serde_json::Value;

fn eval_json(args: &[&str]) -> Value {
    let mut all = vec![
        "eval",
        "--case",
        "rules/tests/cases/a20111001.1.yaml",
        "--format",
        "json",
    ];
    all.extend(args);
    let run = wotrules(&root(), &all);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON")
}

#[test]
fn a_row_that_failed_says_which_part_and_the_values_it_read() {
    let json = eval_json(&["--member", "1500", "--explain", "level"]);
    let level = &json["members"][0]["trace"]["level"];
    assert_eq!(level["value"], "assurer-on-hold");
    assert_eq!(level["location"]["row"], 2, "{level}");
    let failed = level["failed"].as_array().expect("the rows tried before");
    assert_eq!(failed.len(), 1, "{level}");
    assert_eq!(failed[0]["row"], 1);
    assert_eq!(failed[0]["condition"], "member.assurance_points >= 100");
    assert_eq!(failed[0]["value"], false);
    assert_eq!(failed[0]["read"]["member.assurance_points"], 45);
    // In text: the failed row, then the row that held.
    let run = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--member",
            "1500",
            "--explain",
            "level",
        ],
    );
    let text = &run.stdout;
    let not_row = text
        .find("not row 1: member.assurance_points >= 100 — false (member.assurance_points = 45)")
        .expect("the failed row is shown");
    let held = text
        .find("because member.assurer")
        .expect("the row that held");
    assert!(not_row < held);
}

#[test]
fn every_failed_row_really_failed_and_every_location_names_its_clause() {
    let json = eval_json(&["--explain"]);
    let mut checked = 0;
    let mut stack: Vec<&Value> = Vec::new();
    for entity in json["members"]
        .as_array()
        .into_iter()
        .chain(json["records"].as_array())
        .flatten()
    {
        stack.extend(entity["trace"].as_object().expect("traces").values());
    }
    while let Some(node) = stack.pop() {
        let location = &node["location"];
        let file = root()
            .join("rules")
            .join(location["rule_file"].as_str().expect("file"));
        let text = std::fs::read_to_string(&file).expect("the rule file exists");
        let line = location["line"].as_u64().expect("line") as usize;
        assert!(line >= 1 && line <= text.lines().count(), "{location}");
        assert_eq!(location["definition"], node["definition"]);
        let clause = node["clause"].as_str().expect("clause");
        if let Some(row) = location["row"].as_u64() {
            assert!(
                clause.starts_with(&format!("row {row} of")),
                "{clause} vs {location}"
            );
        }
        for failed in node["failed"].as_array().into_iter().flatten() {
            assert_ne!(
                failed["value"], true,
                "a failed row's part did not hold: {failed}"
            );
            let row = failed["row"].as_u64().expect("row");
            assert!(
                Some(row) < location["row"].as_u64(),
                "tried before the row that held"
            );
            checked += 1;
        }
        stack.extend(node["because"].as_array().into_iter().flatten());
    }
    assert!(checked > 30, "the example tries many rows: {checked}");
}

#[test]
fn explain_names_the_outputs_it_explains_and_record_selects_one_record() {
    let json = eval_json(&["--record", "123456", "--explain", "reapply,reapply_points"]);
    assert_eq!(json["members"].as_array().map(Vec::len), Some(0));
    let records = json["records"].as_array().expect("records");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["id"], 123456);
    let traces: Vec<&String> = records[0]["trace"]
        .as_object()
        .expect("traces")
        .keys()
        .collect();
    assert_eq!(traces, ["reapply", "reapply_points"]);
    let bad = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--explain",
            "levle",
        ],
    );
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("did you mean `level`?"),
        "{}",
        bad.stderr
    );
    let missing = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--record",
            "1",
        ],
    );
    assert_eq!(missing.code, Some(2));
    assert!(
        missing.stderr.contains("record 1 is not in the data"),
        "{}",
        missing.stderr
    );
}

#[test]
fn an_empty_collect_takes_one_line_a_long_citation_is_quoted_once_and_a_record_fits_a_screen() {
    let run = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--member",
            "1500",
            "--explain",
            "level,reapply",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let full = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--record",
            "123456",
            "--explain",
        ],
    );
    let findings: Vec<&str> = full
        .stdout
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("findings"))
        .collect();
    assert_eq!(
        findings.len(),
        3,
        "the value, one line, and the override tried: {findings:?}"
    );
    assert!(
        findings[1].contains("none of 3 rows held: tried row 1 (ttp/ttp-assisted.yaml:"),
        "{}",
        findings[1]
    );
    assert!(
        findings[1].contains("; cites reference §4"),
        "{}",
        findings[1]
    );
    assert!(
        findings[2].ends_with(
            "not override from a20111001.1-ruling-2 (priority 10, rulings/a20111001.1-ruling-2.yaml:12): its rule file is not in force (in force from 2011-12-05)"
        ),
        "{}",
        findings[2]
    );
    // A citation that takes a paragraph (ruling #1's condition 3) is quoted once, then
    // named with where it is.
    let text = &run.stdout;
    let quoted = "cites a20111001.1 ruling #1, condition 3: \"reduced assurance points count:";
    assert_eq!(text.matches(quoted).count(), 1, "{text}");
    let named = "cites a20111001.1 ruling #1, condition 3 (quoted above) — at a20111001.1-ruling-1 (rulings/a20111001.1-ruling-1.yaml:45)";
    assert_eq!(text.matches(named).count(), 2, "{text}");
    assert!(text.find(quoted) < text.find(named));
    assert!(
        text.lines().all(|line| line.chars().count() <= 800),
        "no line runs on: {text}"
    );
    // Each record's explanation (from its heading to the next) fits on a screen.
    let blocks: Vec<&str> = text.split("\n  record ").skip(1).collect();
    assert_eq!(blocks.len(), 7, "the seven records member 1500 received");
    for block in blocks {
        assert!(
            block.lines().count() <= 50,
            "{} lines:\n{block}",
            block.lines().count()
        );
    }
}

/// Ruling #1's override of `reapply_points` was tried for record 100200 and did not apply:
/// its condition (with the value it read), or, before 2011-11-30, its rule file not in
/// force. Every format says so; none says only "AP has no re-apply procedure".
#[test]
fn an_override_tried_is_shown_with_why_it_did_not_apply_in_every_format() {
    let run = |as_of: &str, format: &str| {
        let run = wotrules(
            &root(),
            &[
                "eval",
                "--case",
                "rules/tests/cases/a20111001.1.yaml",
                "--record",
                "100200",
                "--explain",
                "reapply_points",
                "--as-of",
                as_of,
                "--format",
                format,
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.stdout
    };
    let condition = "not override from a20111001.1-ruling-1 (priority 10, rulings/a20111001.1-ruling-1.yaml:93): record.reapply == \"eligible\" — false (record.reapply = \"not-eligible\")";
    let not_in_force = "not override from a20111001.1-ruling-1 (priority 10, rulings/a20111001.1-ruling-1.yaml:93): its rule file is not in force (in force from 2011-11-30)";
    for format in ["text", "markdown", "moin"] {
        let after = run("2011-12-01", format);
        let before = run("2011-11-29", format);
        let shown = |text: &str| text.replace('\\', "").replace("{{{", "").replace("}}}", "");
        assert!(shown(&after).contains(condition), "{format}:\n{after}");
        assert!(shown(&before).contains(not_in_force), "{format}:\n{before}");
    }
    let json: serde_json::Value = serde_json::from_str(&run("2011-12-01", "json")).expect("JSON");
    let tried = &json["records"][0]["trace"]["reapply_points"]["overrides_tried"][0];
    assert_eq!(tried["rule_file"], "a20111001.1-ruling-1");
    assert_eq!(
        tried["failed"]["condition"],
        "record.reapply == \"eligible\""
    );
    assert_eq!(tried["failed"]["read"]["record.reapply"], "not-eligible");
    let json: serde_json::Value = serde_json::from_str(&run("2011-11-29", "json")).expect("JSON");
    let tried = &json["records"][0]["trace"]["reapply_points"]["overrides_tried"][0];
    assert_eq!(tried["not_in_force"]["effective_from"], "2011-11-30");
}

/// Every format withholds the schema's personal fields (a date of birth read while
/// explaining an age) and what is computed from them (the age) unless asked. Only the
/// parts of conditions actually evaluated are listed as read.
#[test]
fn every_format_withholds_personal_data_unless_asked_and_lists_only_what_was_evaluated() {
    let run = |format: &str, extra: &[&str]| {
        let mut args = vec![
            "eval",
            "--case",
            "rules/tests/cases/ap-age-boundaries.yaml",
            "--member",
            "14",
            "--explain",
            "level",
            "--format",
            format,
        ];
        args.extend_from_slice(extra);
        let run = wotrules(&root(), &args);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.stdout
    };
    for format in ["markdown", "moin", "text"] {
        let withheld = run(format, &[]);
        assert!(!withheld.contains("1998-06-15"), "{format}:\n{withheld}");
        assert!(
            withheld.contains("member.dob = (withheld)"),
            "{format}:\n{withheld}"
        );
        assert!(
            withheld.contains("member.age = (withheld: computed from member.dob)"),
            "{format}:\n{withheld}"
        );
        assert!(
            !withheld.contains("member.age = 14"),
            "{format}:\n{withheld}"
        );
        let shown = run(format, &["--show-personal"]);
        assert!(
            shown.contains("member.dob = 1998-06-15"),
            "{format}:\n{shown}"
        );
        assert!(shown.contains("member.age = 14"), "{format}:\n{shown}");
    }
    let json: serde_json::Value = serde_json::from_str(&run("json", &[])).expect("JSON");
    let age = &json["members"][0]["trace"]["level"]["because"][1];
    assert_eq!(age["definition"], "member.age", "{json}");
    assert_eq!(
        age["value"],
        serde_json::json!({"withheld": ["member.dob"]})
    );
    assert_eq!(
        age["fields"]["member.dob"],
        serde_json::json!({"withheld": ["member.dob"]})
    );
    assert!(!json.to_string().contains("1998-06-15"));
    assert!(run("json", &["--show-personal"]).contains("1998-06-15"));
    // Member 1500's level is decided by row 2 (`member.assurer`) after row 1 failed on its
    // first part: the CATS date and the blocked flag of row 1 were never read.
    let run = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--member",
            "1500",
            "--explain",
            "level",
        ],
    );
    let level: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.contains("member.level ="))
        .take_while(|l| !l.contains("points_if_reapplied"))
        .collect();
    assert!(
        level
            .iter()
            .any(|l| l.trim() == "read member.assurer = true"),
        "{level:#?}"
    );
    assert!(
        !level.iter().any(|l| l.contains("member.cats_passed")),
        "{level:#?}"
    );
    assert!(
        !level.iter().any(|l| l.contains("member.age")),
        "{level:#?}"
    );
}

/// A value computed from personal fields (an override writing the assuree's name and
/// address into the new location) is withheld in every format, saying which fields, when
/// that override decided it; the record decided by the ruling's own row shows its value.
#[test]
fn a_value_computed_from_personal_fields_is_withheld_saying_which() {
    let dir = tempfile::tempdir().expect("a directory");
    let rules = dir.path().join("rules");
    crate::support::copy_dir(&root().join("rules"), &rules);
    std::fs::write(
        rules.join("rulings/leak.yaml"),
        r#"id: leak
title: A location that quotes the assuree
kind: ruling
source: https://example.org/leak
effective_from: 2011-11-30

overrides:
  - target: record.reapply_location
    priority: 90
    cite: leak §1
    when: record.id == 123456
    then: '"RE: " + record.assuree.fname + " " + record.assuree.email'
"#,
    )
    .expect("written");
    let case = root().join("rules/tests/cases/part-2-mailing.yaml");
    let run = |format: &str, extra: &[&str]| {
        let mut args = vec![
            "eval",
            "--rules",
            rules.to_str().expect("UTF-8"),
            "--case",
            case.to_str().expect("UTF-8"),
            "--member",
            "1500",
            "--explain",
            "reapply_location",
            "--format",
            format,
        ];
        args.extend_from_slice(extra);
        let run = wotrules(&root(), &args);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.stdout
    };
    for format in ["text", "json", "markdown", "moin"] {
        let out = run(format, &[]);
        assert!(!out.contains("paul@example.org"), "{format}:\n{out}");
        assert!(!out.contains("RE: Paul"), "{format}:\n{out}");
        assert!(
            out.contains("member.email") && out.contains("member.fname"),
            "{format} says which fields:\n{out}"
        );
        let shown = run(format, &["--show-personal"]);
        assert!(
            shown.contains("RE: Paul paul@example.org"),
            "{format}:\n{shown}"
        );
    }
    let json: serde_json::Value = serde_json::from_str(&run("json", &[])).expect("JSON");
    let records = json["records"].as_array().expect("records");
    let leaked = records.iter().find(|r| r["id"] == 123456).expect("123456");
    assert_eq!(
        leaked["reapply_location"],
        serde_json::json!({"withheld": ["member.email", "member.fname"]})
    );
    // Record 124001 is decided by the ruling's own clause (no ticket: no location): shown.
    let other = records.iter().find(|r| r["id"] == 124001).expect("124001");
    assert_eq!(other["reapply"], "eligible");
    assert_eq!(other["reapply_location"], serde_json::Value::Null);
}
