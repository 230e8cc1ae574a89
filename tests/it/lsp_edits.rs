//! The language server's edits and its rule sets: quick fixes that apply a did-you-mean
//! or a parse hint, renames of a definition and of an outcome value across rule files,
//! schema and rule tests (verified by `check` and `test` on the result), and the rule set of
//! each file found from where it lies.

use std::path::Path;

use serde_json::{Value as Json, json};

use crate::lsp::{RULING, Session};
use crate::support::{copy_dir, root, wotrules};
use wotrules_lsp::{path_to_uri, uri_to_path};

/// Applies LSP text edits (ranges in UTF-16 columns; ASCII here) to `text`.
fn apply(text: &str, edits: &[Json]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut edits: Vec<&Json> = edits.iter().collect();
    edits.sort_by_key(|e| {
        let start = &e["range"]["start"];
        std::cmp::Reverse((start["line"].as_u64(), start["character"].as_u64()))
    });
    for edit in edits {
        let (start, end) = (&edit["range"]["start"], &edit["range"]["end"]);
        let line = start["line"].as_u64().expect("a line") as usize;
        assert_eq!(end["line"], start["line"], "one-line edits");
        let from = start["character"].as_u64().expect("a column") as usize;
        let to = end["character"].as_u64().expect("a column") as usize;
        lines[line].replace_range(from..to, edit["newText"].as_str().expect("a text"));
    }
    lines.join("\n") + if text.ends_with('\n') { "\n" } else { "" }
}

/// The one quick fix offered over the first diagnostic of `uri`, applied to `text`.
fn quick_fix(session: &mut Session, uri: &str, text: &str) -> (String, String) {
    let diagnostics = session.diagnostics_for(uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let range = diagnostics[0]["range"].clone();
    let actions = session.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": diagnostics}}),
    );
    let actions = actions.as_array().expect("actions");
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    let edits = actions[0]["edit"]["changes"][uri]
        .as_array()
        .expect("edits of the file");
    (
        actions[0]["title"].as_str().expect("a title").to_owned(),
        apply(text, edits),
    )
}

#[test]
fn a_did_you_mean_and_a_parse_hint_are_quick_fixes_that_clear_the_error() {
    let mut session = Session::start();
    let uri = session.uri(RULING);
    let good = session.text(RULING);
    let typo = good.replacen("min(35, record.awarded)", "min(35, record.awardd)", 1);
    session.open(RULING, &typo);
    let (title, fixed) = quick_fix(&mut session, &uri, &typo);
    assert!(title.starts_with("Replace with `awarded`"), "{title}");
    assert_eq!(fixed, good);
    session.change(RULING, 2, &fixed);
    assert_eq!(session.diagnostics_for(&uri), Vec::<Json>::new(), "cleared");

    let c_style = good.replacen("record.awarded > 0 and", "record.awarded > 0 &&", 1);
    assert_ne!(c_style, good);
    session.change(RULING, 3, &c_style);
    let (title, fixed) = quick_fix(&mut session, &uri, &c_style);
    assert!(title.starts_with("Replace with `and`"), "{title}");
    assert_eq!(fixed, good);
}

/// Renames through the server, applies the edit to the files on disk, and returns the
/// files changed.
fn rename_on_disk(session: &mut Session, file: &str, needle: &str, new_name: &str) -> Vec<String> {
    let text = session.text(file);
    let at = session.at(file, &text, needle, 1);
    let prepared = session.request("textDocument/prepareRename", at.clone());
    assert!(prepared["start"].is_object(), "{prepared}");
    let mut params = at;
    params["newName"] = json!(new_name);
    let edit = session.request("textDocument/rename", params);
    let changes = edit["changes"].as_object().expect("changes");
    let mut changed = Vec::new();
    for (uri, edits) in changes {
        let path = uri_to_path(&uri.parse().expect("a URI")).expect("a path");
        let old = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, apply(&old, edits.as_array().expect("edits"))).expect("written");
        changed.push(
            path.strip_prefix(&session.rules)
                .expect("in the rules")
                .display()
                .to_string(),
        );
    }
    changed.sort();
    changed
}

fn check_and_test(rules: &Path) {
    let check = wotrules(
        rules.parent().expect("a parent"),
        &["check", "--rules", "rules", "--strict"],
    );
    assert_eq!(check.code, Some(0), "{}", check.transcript());
    let test = wotrules(
        rules.parent().expect("a parent"),
        &["test", "--rules", "rules"],
    );
    assert_eq!(test.code, Some(0), "{}", test.transcript());
    assert!(
        test.stdout.ends_with(" passed, 0 failed\n"),
        "{}",
        test.stdout
    );
}

#[test]
fn renaming_a_definition_changes_rule_files_schema_and_tests_and_they_still_pass() {
    let mut session = Session::start();
    let naming: Vec<String> = [
        "ap/member.yaml",
        "schema.yaml",
        "tests/ap-member.yaml",
        "tests/ap-points.yaml",
    ]
    .iter()
    .filter(|file| session.text(file).contains("experience_points"))
    .map(|file| (*file).to_owned())
    .collect();
    assert_eq!(naming.len(), 4, "the shipped rules name it in four files");
    let changed = rename_on_disk(
        &mut session,
        "ap/member.yaml",
        "experience_points",
        "experience",
    );
    assert_eq!(changed, naming, "every file that names it, and no other");
    for file in &naming {
        assert!(
            !session.text(file).contains("experience_points"),
            "{file} still names it"
        );
    }
    check_and_test(&session.rules);
    // The same decisions under the new name.
    let case = root().join("rules/tests/cases/ap-experience-boundaries.yaml");
    let eval = wotrules(
        session.dir.path(),
        &[
            "eval",
            "--case",
            case.to_str().expect("UTF-8"),
            "--member",
            "150",
            "--format",
            "json",
        ],
    );
    let decided: Json = serde_json::from_str(&eval.stdout).expect("JSON");
    assert_eq!(decided["members"][0]["experience"], 50, "{}", eval.stdout);
}

#[test]
fn renaming_an_outcome_value_changes_schema_rules_and_tests_and_they_still_pass() {
    let mut session = Session::start();
    let changed = rename_on_disk(
        &mut session,
        "schema.yaml",
        "assurer-on-hold",
        "assurer-suspended",
    );
    assert!(changed.contains(&"schema.yaml".to_owned()), "{changed:?}");
    assert!(
        changed.iter().any(|f| f.starts_with("tests/")),
        "{changed:?}"
    );
    assert!(changed.iter().any(|f| f.starts_with("ap/")), "{changed:?}");
    for file in &changed {
        assert!(!session.text(file).contains("assurer-on-hold"), "{file}");
    }
    check_and_test(&session.rules);
}

#[test]
fn a_rename_that_would_clash_is_refused() {
    let mut session = Session::start();
    let text = session.text("ap/member.yaml");
    let mut at = session.at("ap/member.yaml", &text, "  experience_points:", 2);
    at["newName"] = json!("assurance_points");
    let refused = session
        .request_result("textDocument/rename", at.clone())
        .expect_err("refused");
    assert!(
        refused.contains("`member.assurance_points` is already defined"),
        "{refused}"
    );
    at["newName"] = json!("Experience Points");
    let refused = session
        .request_result("textDocument/rename", at)
        .expect_err("refused");
    assert!(refused.contains("is not a definition name"), "{refused}");
}

#[test]
fn each_file_is_served_with_its_own_rule_set_or_told_it_has_none() {
    // Started for a folder without a schema, as `cd /tmp && wotrules lsp` is.
    let session = Session::start_for(Some("elsewhere"));
    let second = session.dir.path().join("my-rules");
    copy_dir(&root().join("rules"), &second);
    let second = std::fs::canonicalize(second).expect("a real path");
    // A typo in the first rule set and in the second: each is found with its own.
    for rules in [session.rules.clone(), second] {
        let path = rules.join(RULING);
        let uri = path_to_uri(&path).expect("a URI").as_str().to_owned();
        let text = std::fs::read_to_string(&path).expect("read");
        let typo = text.replacen("min(35, record.awarded)", "min(35, record.awardd)", 1);
        session.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": typo}}),
        );
        let diagnostics = session.diagnostics_for(&uri);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert!(
            diagnostics[0]["message"]
                .as_str()
                .expect("a message")
                .starts_with("unknown field `record.awardd`")
        );
    }
    // A rule file in no rules directory: a message and a diagnostic at its first line.
    let lost = session.dir.path().join("loose/draft.yaml");
    std::fs::create_dir_all(lost.parent().expect("a folder")).expect("a folder");
    let text = "id: draft\ndefinitions:\n  x: {for: member, type: int, cite: c, value: 1}\n";
    std::fs::write(&lost, text).expect("written");
    let uri = path_to_uri(&std::fs::canonicalize(&lost).expect("a real path"))
        .expect("a URI")
        .as_str()
        .to_owned();
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let mut told = None;
    let mut diagnostics = None;
    while told.is_none() || diagnostics.is_none() {
        if let lsp_server::Message::Notification(n) = session.receive() {
            match n.method.as_str() {
                "window/showMessage" => {
                    told = Some(n.params["message"].as_str().unwrap_or_default().to_owned())
                }
                "textDocument/publishDiagnostics" if n.params["uri"] == uri.as_str() => {
                    diagnostics = Some(n.params["diagnostics"].clone());
                }
                _ => {}
            }
        }
    }
    let told = told.unwrap_or_default();
    assert!(told.contains("is in no rule set"), "{told}");
    let diagnostics = diagnostics.unwrap_or_default();
    assert_eq!(diagnostics[0]["code"], "no-rule-set", "{diagnostics}");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 0);
}

/// A draft opened from the rules' `drafts/` folder is checked laid over its rule set, as
/// `--draft` lays it.
#[test]
fn a_draft_is_checked_over_its_rule_set() {
    let session = Session::start();
    let draft = "drafts/legacy-points/b.yaml";
    let uri = session.uri(draft);
    let text = session.text(draft);
    let typo = text.replacen("member.points_under_ap)", "member.points_under_apx)", 1);
    assert_ne!(typo, text);
    session.open(draft, &typo);
    let diagnostics = session.diagnostics_for(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let message = diagnostics[0]["message"].as_str().expect("a message");
    assert!(
        message.starts_with("unknown field `member.points_under_apx`"),
        "{message}"
    );
    session.change(draft, 2, &text);
    assert_eq!(session.diagnostics_for(&uri), Vec::<Json>::new(), "cleared");
}
