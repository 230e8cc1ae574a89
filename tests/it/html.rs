//! `eval --format html`: one self-contained page whose values are `eval --format json`'s,
//! explanations as collapsible trees naming the deciding clause, free text escaped,
//! personal data withheld.

use crate::support::{root, wotrules};

const CASE: &str = "rules/tests/cases/a20111001.1.yaml";

fn page(args: &[&str]) -> String {
    let mut all = vec!["eval", "--format", "html"];
    all.extend_from_slice(args);
    let run = wotrules(&root(), &all);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    run.stdout
}

/// The cells of the `output | value` table of member `id`, as text.
fn member_outputs(html: &str, id: i64) -> Vec<(String, String)> {
    let section = html
        .split(&format!("<section class=\"member\" id=\"member-{id}\">"))
        .nth(1)
        .expect("the member's section");
    let table = section.split("</table>").next().expect("its outputs table");
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|cell| strip_tags(cell.split_once('>').map_or("", |(_, rest)| rest)))
                .collect();
            (cells[0].clone(), cells[1].clone())
        })
        .collect()
}

fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.trim().to_owned()
}

#[test]
fn the_page_holds_the_values_json_gives_and_is_self_contained() {
    let html = page(&["--case", CASE]);
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{}",
        &html[..80]
    );
    assert!(html.ends_with("</html>\n"));
    for outside in ["<script", "src=\"http", "href=\"http", "@import", "url("] {
        assert!(
            !html.contains(outside),
            "the page loads nothing from elsewhere: {outside}"
        );
    }
    let json = wotrules(&root(), &["eval", "--case", CASE, "--format", "json"]);
    let decided: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    for member in decided["members"].as_array().expect("members") {
        let id = member["id"].as_i64().expect("an id");
        let shown = member_outputs(&html, id);
        assert!(!shown.is_empty());
        for (name, value) in shown {
            let expected = match &member[&name] {
                serde_json::Value::Null => "–".to_owned(),
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            assert_eq!(value, expected, "member {id} {name}");
        }
    }
}

#[test]
fn an_explanation_is_a_tree_naming_the_clause_that_decided() {
    let html = page(&["--case", CASE, "--member", "1500", "--explain", "level"]);
    assert!(
        html.contains("<details open><summary><code>member.level</code> = assurer-on-hold <span class=\"muted\">— row 2 of 4</span></summary>"),
        "{html}"
    );
    // The row that failed first, with what it read; the cite and a link to the rule file.
    assert!(
        html.contains("<li>not row 1: <code>member.assurance_points &gt;= 100"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"rules/ap/member.yaml\"><code>ap-member (ap/member.yaml:"),
        "{html}"
    );
}

#[test]
fn free_text_is_escaped_and_personal_data_withheld() {
    let html = page(&[
        "--case",
        "tests/data/formats/hostile-text.yaml",
        "--explain",
    ]);
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains('\u{1b}'));
    // The date of birth and what is computed from it, read by the explanations.
    let ages = "rules/tests/cases/ap-age-boundaries.yaml";
    let withheld = page(&["--case", ages, "--member", "13", "--explain", "max_award"]);
    assert!(withheld.contains("<code>member.age</code> = <span class=\"withheld\">(withheld: computed from member.dob)</span>"), "{withheld}");
    assert!(
        withheld.contains("read <code>member.dob = (withheld)</code>"),
        "{withheld}"
    );
    assert!(!withheld.contains("member.age = 13"), "{withheld}");
    let shown = page(&[
        "--case",
        ages,
        "--member",
        "13",
        "--explain",
        "max_award",
        "--show-personal",
    ]);
    assert!(shown.contains("<code>member.age</code> = 13"), "{shown}");
}

/// `diff --format html` over a generated population and a rule change: its headline counts
/// and every cell of its transition matrices are `diff --format json`'s, and it draws its
/// charts inline.
#[test]
fn the_impact_page_counts_what_the_json_counts() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("population.sqlite");
    let db = db.to_str().expect("UTF-8");
    let generated = wotrules(&root(), &["gen", "--members", "400", "--db", db]);
    assert_eq!(generated.code, Some(0), "{}", generated.transcript());
    let changed = dir.path().join("rules");
    crate::support::copy_dir(&root().join("rules"), &changed);
    let member = changed.join("ap/member.yaml");
    let text = std::fs::read_to_string(&member).expect("read");
    let edited = text.replacen(
        "      - when: member.assurance_points >= 50",
        "      - when: member.assurance_points >= 60",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&member, edited).expect("written");
    let changed = changed.to_str().expect("UTF-8");
    let diff = |format: &str| {
        let run = wotrules(
            &root(),
            &[
                "diff",
                "--base",
                "rules",
                "--rules",
                changed,
                "--db",
                db,
                "--as-of",
                "2012-01-01",
                "--format",
                format,
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.transcript());
        run.stdout
    };
    let html = diff("html");
    let json: serde_json::Value = serde_json::from_str(&diff("json")).expect("JSON");
    let figure = |key: &str| -> u64 {
        let marker = format!("data-count=\"{key}\">");
        html.split(&marker)
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .and_then(|n| n.parse().ok())
            .expect("the figure")
    };
    assert_eq!(
        figure("members-changed"),
        json["changed"]["members"].as_u64().expect("a count")
    );
    assert_eq!(
        figure("records-changed"),
        json["changed"]["records"].as_u64().expect("a count")
    );
    assert!(figure("members-changed") > 0, "the change moves someone");
    let mut cells = 0;
    for entry in json["summary"]["members"].as_array().expect("the summary") {
        if entry["output"] != "level" {
            continue;
        }
        let (old, new) = (
            entry["old"].as_str().expect("a level"),
            entry["new"].as_str().expect("a level"),
        );
        let cell = format!(
            "data-from=\"{old}\" data-to=\"{new}\">{}</td>",
            entry["count"]
        );
        assert!(html.contains(&cell), "{cell}");
        cells += 1;
    }
    assert!(cells > 0, "levels moved");
    assert!(
        html.contains("<svg width=\"900\" height="),
        "a chart, inline"
    );
    assert!(!html.contains("<script"));
}
