//! Output for CI: `test --format json|junit`, `test -v`, `test --coverage --threshold N`,
//! `diff --format markdown` and `diff --summary`. Each test reads the output as its reader
//! would (JSON parsed, XML parsed) and asserts what it says.

use std::path::Path;

use crate::support::{copy_dir, replace_in, root, wotrules};
use serde_json::Value as Json;

/// A copy of the rules in which one expectation is wrong and one test file is gone (so
/// that coverage falls below 100 %).
fn failing_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), &dir.path().join("rules"));
    let tests = dir.path().join("rules/tests");
    replace_in(
        &tests.join("ap-member.yaml"),
        "1099: {assurance_points: 99, level: assured}",
        "1099: {assurance_points: 99, level: assurer}",
    );
    std::fs::remove_file(tests.join("a20111001.1-part-2.yaml")).expect("remove a test file");
    dir
}

#[test]
fn test_as_json_names_the_failing_test_its_place_and_the_coverage_gaps() {
    let dir = failing_rules();
    let run = wotrules(dir.path(), &["test", "--format", "json", "--coverage"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let report: Json = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(report["passed"], false);
    // Opened as every JSON document of wotrules is.
    assert_eq!(report["format"], 2);
    assert!(
        report["tool"]
            .as_str()
            .is_some_and(|t| t.starts_with("wotrules ")),
        "{report}"
    );
    let failed: Vec<&Json> = report["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .filter(|t| t["passed"] == false)
        .collect();
    assert_eq!(failed.len(), 1, "{}", run.stdout);
    assert_eq!(failed[0]["file"], "rules/tests/ap-member.yaml");
    let failure = &failed[0]["failures"][0];
    let at = failure["at"].as_str().expect("a place");
    assert!(at.starts_with("rules/tests/ap-member.yaml:"), "{at}");
    let message = failure["message"].as_str().expect("a message");
    assert!(
        message.contains("assurer") && message.contains("assured"),
        "{message}"
    );
    let passed = report["counts"]["passed"].as_u64().expect("a count");
    assert_eq!(report["counts"]["failed"], 1);
    assert_eq!(
        report["tests"].as_array().map(Vec::len),
        Some(passed as usize + 1)
    );
    let coverage = &report["coverage"];
    let (covered, total) = (coverage["covered"].as_u64(), coverage["total"].as_u64());
    assert!(covered < total, "{coverage}");
    let part_2 = coverage["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["path"] == "rules/rulings/a20111001.1-part-2.yaml")
        .expect("the mailing ruling's file");
    assert!(
        part_2["gaps"]
            .as_array()
            .is_some_and(|gaps| !gaps.is_empty()),
        "{part_2}"
    );
}

#[test]
fn a_coverage_threshold_fails_below_and_passes_at_or_above() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), &dir.path().join("rules"));
    std::fs::remove_file(dir.path().join("rules/tests/a20111001.1-part-2.yaml")).expect("remove");
    let json = wotrules(dir.path(), &["test", "--format", "json", "--coverage"]);
    let report: Json = serde_json::from_str(&json.stdout).expect("JSON");
    let percent = report["coverage"]["percent"]
        .as_f64()
        .expect("a percentage");
    assert!(percent < 100.0 && percent > 50.0, "{percent}");

    let below = wotrules(dir.path(), &["test", "--coverage", "--threshold", "100"]);
    assert_eq!(below.code, Some(1), "{}", below.transcript());
    assert!(
        below.stdout.ends_with(&format!(
            "coverage {percent:.1} % is below the threshold of 100 %\n"
        )),
        "{}",
        below.stdout
    );
    let above = wotrules(dir.path(), &["test", "--coverage", "--threshold", "50"]);
    assert_eq!(above.code, Some(0), "{}", above.transcript());
    let bad = wotrules(dir.path(), &["test", "--coverage", "--threshold", "150"]);
    assert_eq!(bad.code, Some(2), "{}", bad.transcript());
    let without = wotrules(dir.path(), &["test", "--threshold", "50"]);
    assert_eq!(without.code, Some(2), "--threshold needs --coverage");
}

#[test]
fn test_as_junit_is_xml_with_a_failure_on_the_failing_test() {
    let dir = failing_rules();
    replace_in(
        &dir.path().join("rules/tests/a20111001.1.yaml"),
        "steps 1 to 5 and the x3 table",
        "steps 1 to 5 & the \"x3\" <table>",
    );
    let run = wotrules(
        dir.path(),
        &[
            "test",
            "--format",
            "junit",
            "--coverage",
            "--threshold",
            "100",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let document = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        root.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    assert_eq!(
        root.attribute("failures"),
        Some("2"),
        "a test and the threshold"
    );
    let failing: Vec<_> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .collect();
    assert_eq!(failing.len(), 2);
    assert_eq!(
        failing[0].attribute("file"),
        Some("rules/tests/ap-member.yaml")
    );
    let failure = failing[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    assert!(
        failure
            .text()
            .is_some_and(|t| t.contains("rules/tests/ap-member.yaml:")),
        "{failure:?}"
    );
    assert_eq!(failing[1].attribute("classname"), Some("coverage"));
    // A test name with XML's special characters survives the round trip.
    assert!(
        cases
            .iter()
            .any(|c| c.attribute("name") == Some("steps 1 to 5 & the \"x3\" <table>"))
    );
}

#[test]
fn verbose_lists_every_test_with_its_result() {
    let dir = failing_rules();
    let quiet = wotrules(dir.path(), &["test"]);
    let verbose = wotrules(dir.path(), &["test", "-v"]);
    assert_eq!(verbose.code, Some(1));
    let listed: Vec<&str> = verbose
        .stdout
        .lines()
        .filter(|l| l.starts_with("ok ") || l.starts_with("FAILED "))
        .collect();
    let closing = quiet.stdout.lines().last().expect("counts");
    let (passed, failed) = closing
        .split_once(" passed, ")
        .map(|(p, f)| {
            (
                p.parse::<usize>(),
                f.trim_end_matches(" failed").parse::<usize>(),
            )
        })
        .expect("`N passed, M failed`");
    assert_eq!(listed.len(), passed.expect("N") + failed.expect("M"));
    let failed_lines: Vec<&&str> = listed.iter().filter(|l| l.starts_with("FAILED")).collect();
    assert_eq!(failed_lines.len(), 1);
    assert!(
        failed_lines[0].contains("rules/tests/ap-member.yaml:"),
        "{}",
        failed_lines[0]
    );
    assert!(!quiet.stdout.lines().any(|l| l.starts_with("ok ")));
}

/// A copy of the shipped rules with one text replaced in one file.
fn edited_rules(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), dir.path());
    replace_in(&dir.path().join(file), from, to);
    dir
}

/// Edited rules (an assured member needs 40 points, not 50) and 300 generated members.
struct Edit {
    rules: tempfile::TempDir,
    data: tempfile::TempDir,
}

fn forty_points_assure() -> Edit {
    let rules = edited_rules(
        "ap/member.yaml",
        "member.assurance_points >= 50",
        "member.assurance_points >= 40",
    );
    let data = tempfile::tempdir().expect("a temporary directory");
    let db = data.path().join("population.sqlite");
    let run = wotrules(
        &root(),
        &[
            "gen",
            "--members",
            "300",
            "--db",
            db.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    Edit { rules, data }
}

/// `diff` of the shipped rules against `rules` over the edit's population.
fn diff(edit: &Edit, rules: &Path, extra: &[&str]) -> crate::support::Run {
    let db = edit.data.path().join("population.sqlite");
    let mut args = vec![
        "diff",
        "--base",
        "rules",
        "--rules",
        rules.to_str().expect("UTF-8"),
        "--db",
        db.to_str().expect("UTF-8"),
        "--as-of",
        "2011-12-05",
    ];
    args.extend_from_slice(extra);
    wotrules(&root(), &args)
}

#[test]
fn diff_summary_counts_what_the_full_diff_lists() {
    let edit = forty_points_assure();
    let edited = edit.rules.path();
    let full = diff(&edit, edited, &["--format", "json"]);
    let summary = diff(&edit, edited, &["--format", "json", "--summary"]);
    assert_eq!(full.code, Some(0), "{}", full.transcript());
    assert_eq!(summary.code, Some(0), "{}", summary.transcript());
    let full: Json = serde_json::from_str(&full.stdout).expect("JSON");
    let summary: Json = serde_json::from_str(&summary.stdout).expect("JSON");
    let members = full["members"].as_array().expect("the changed members");
    assert!(!members.is_empty(), "the edit changes some member");
    assert_eq!(summary["summary"], full["summary"]);
    assert_eq!(summary["changed"], full["changed"]);
    assert_eq!(summary["changed"]["members"], members.len());
    assert!(summary.get("members").is_none() && summary.get("records").is_none());
    // Every count is the number of listed changes of that output between those values.
    for count in full["summary"]["members"].as_array().expect("counts") {
        let listed = members
            .iter()
            .flat_map(|m| m["changes"].as_array().expect("changes"))
            .filter(|c| {
                c["output"] == count["output"]
                    && c["old"] == count["old"]
                    && c["new"] == count["new"]
            })
            .count();
        assert_eq!(count["count"], listed, "{count}");
    }

    let text = diff(&edit, edited, &["--summary", "--fail-on-change"]);
    assert_eq!(text.code, Some(3), "a change: {}", text.transcript());
    let full_text = diff(&edit, edited, &[]).stdout;
    let tail = |text: &str| text[text.find("\nsummary:").expect("a summary")..].to_string();
    assert_eq!(tail(&text.stdout), tail(&full_text));
    assert!(!text.stdout.contains("\nmember "), "{}", text.stdout);
}

#[test]
fn diff_as_markdown_has_the_counts_and_the_responsible_rules() {
    let edit = forty_points_assure();
    let edited = edit.rules.path();
    let json: Json =
        serde_json::from_str(&diff(&edit, edited, &["--format", "json"]).stdout).expect("JSON");
    let run = diff(&edit, edited, &["--format", "markdown"]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let md = run.stdout;
    let members = json["changed"]["members"].as_u64().expect("a count");
    let records = json["changed"]["records"].as_u64().expect("a count");
    let plural = |n: u64, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    assert!(
        md.starts_with(&format!(
            "### wotrules diff: {} and {} decide differently\n",
            plural(members, "member"),
            plural(records, "record")
        )),
        "{md}"
    );
    for count in json["summary"]["members"].as_array().expect("counts") {
        let row = format!(
            "| ` {} ` | {} | {} | {} |",
            count["output"].as_str().expect("a name"),
            count["old"]
                .as_str()
                .map_or(count["old"].to_string(), str::to_string),
            count["new"]
                .as_str()
                .map_or(count["new"].to_string(), str::to_string),
            count["count"]
        );
        assert!(md.contains(&row), "{row}\n{md}");
    }
    let first = &json["members"][0];
    assert!(
        md.contains(&format!("- **member {}**\n", first["id"])),
        "{md}"
    );
    let new_rule = &first["changes"][0]["new_rule"];
    let place = new_rule["at"].as_str().expect("a place");
    let line = place
        .trim_end_matches(")")
        .rsplit(":")
        .next()
        .expect("a line");
    assert!(
        md.contains(&format!("/ap/member.yaml:{line} `")),
        "the new side's clause, {place}, is named: {md}"
    );
    assert!(md.trim_end().ends_with("</details>"), "{md}");

    let unchanged = diff(&edit, &root().join("rules"), &["--format", "markdown"]);
    assert_eq!(
        unchanged.stdout.lines().next(),
        Some("### wotrules diff: no output changes")
    );
}
