//! Drafts laid over the rules (`--draft`): a draft adds definitions and overrides, or
//! replaces the rule file with its id; it must say `status: draft`; every output it decides
//! (directly, or through what the deciding rows read) is marked in every format. The
//! Legacy Points drafts A, B and C decide as their rule files say.

use crate::support::{root, wotrules};

const CASE: &str = "rules/drafts/legacy-points/tests/cases/legacy-points.yaml";

fn points(draft: Option<&str>) -> Vec<(i64, i64, String, serde_json::Value)> {
    let mut args = vec!["eval", "--case", CASE, "--format", "json"];
    if let Some(draft) = draft {
        args.extend(["--draft", draft]);
    }
    let run = wotrules(&root(), &args);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let document: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    document["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            (
                m["id"].as_i64().expect("an id"),
                m["assurance_points"].as_i64().expect("points"),
                m["level"].as_str().expect("a level").to_owned(),
                m["drafted"].clone(),
            )
        })
        .collect()
}

#[test]
fn the_legacy_points_drafts_decide_as_written() {
    let adopted = points(None);
    let summary = |rows: &[(i64, i64, String, serde_json::Value)]| {
        rows.iter()
            .map(|(id, points, level, _)| (*id, *points, level.clone()))
            .collect::<Vec<_>>()
    };
    let level = |l: &str| l.to_owned();
    assert_eq!(
        summary(&adopted),
        [
            (1, 80, level("assured")),
            (2, 100, level("assurer")),
            (3, 65, level("assured"))
        ]
    );
    assert!(
        adopted.iter().all(|(_, _, _, drafted)| drafted.is_null()),
        "no draft, no mark"
    );
    // A writes today's practice down: the same values, each marked.
    let a = points(Some("rules/drafts/legacy-points/a.yaml"));
    assert_eq!(summary(&a), summary(&adopted));
    assert!(
        a.iter()
            .all(|(_, _, _, drafted)| drafted["assurance_points"] == "legacy-points-a")
    );
    // B: only points under AP and re-applied ones.
    let b = points(Some("rules/drafts/legacy-points/b.yaml"));
    assert_eq!(
        summary(&b),
        [
            (1, 20, level("unassured")),
            (2, 0, level("assurer-on-hold")),
            (3, 35, level("unassured"))
        ]
    );
    assert_eq!(
        b[1].3["level"], "legacy-points-b",
        "the level read the drafted points"
    );
    // C: legacy points up to 50.
    let c = points(Some("rules/drafts/legacy-points/c.yaml"));
    assert_eq!(
        summary(&c),
        [
            (1, 70, level("assured")),
            (2, 50, level("assurer-on-hold")),
            (3, 65, level("assured"))
        ]
    );
}

#[test]
fn every_format_says_what_a_draft_decided() {
    let draft = "rules/drafts/legacy-points/b.yaml";
    for (format, mark) in [
        ("text", "assurance_points     20 (DRAFT legacy-points-b)"),
        ("markdown", "(DRAFT legacy-points-b)"),
        (
            "html",
            "<span class=\"badge draft\">DRAFT legacy-points-b</span>",
        ),
    ] {
        let run = wotrules(
            &root(),
            &[
                "eval", "--case", CASE, "--member", "1", "--draft", draft, "--format", format,
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.transcript());
        assert!(run.stdout.contains(mark), "{format}: {}", run.stdout);
    }
    let diff = wotrules(
        &root(),
        &["diff", "--base", "rules", "--draft", draft, "--case", CASE],
    );
    assert!(
        diff.stdout
            .contains("→ rules + draft rules/drafts/legacy-points/b.yaml"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout.contains("assurance_points: 80 → 20"),
        "{}",
        diff.stdout
    );
}

#[test]
fn a_draft_replaces_the_rule_file_with_its_id_and_must_say_it_is_one() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let motion =
        std::fs::read_to_string(root().join("rules/motions/m20090928.1.yaml")).expect("read");
    // The same id, the expiry moved by a year, as a draft: the motion's rule is replaced.
    let draft = motion
        .replace("kind: motion\n", "kind: motion\nstatus: draft\n")
        .replace("as_of >= 2010-11-16", "as_of >= 2011-11-16");
    let path = dir.path().join("later-expiry.yaml");
    std::fs::write(&path, &draft).expect("written");
    let path = path.to_str().expect("UTF-8");
    let case = "rules/tests/cases/tverify-2011-01-01.yaml";
    let run = wotrules(
        &root(),
        &[
            "eval", "--case", case, "--member", "1", "--draft", path, "--format", "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let document: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    // Under the adopted motion the Tverify 100 points are gone on 2011-01-01; not under the draft.
    assert_eq!(
        document["members"][0]["assurance_points"], 100,
        "{}",
        run.stdout
    );
    let check = wotrules(&root(), &["check", "--draft", path]);
    assert_eq!(
        check.stdout, "8 rule files, 40 definitions: ok\n",
        "replaced, not added"
    );

    let not_a_draft = dir.path().join("not-a-draft.yaml");
    std::fs::write(&not_a_draft, &motion).expect("written");
    let refused = wotrules(
        &root(),
        &["check", "--draft", not_a_draft.to_str().expect("UTF-8")],
    );
    assert_eq!(refused.code, Some(2), "{}", refused.transcript());
    assert!(
        refused.stderr.contains("error[not-a-draft]"),
        "{}",
        refused.stderr
    );
    // The rules directory's own drafts folder is not read as rules.
    let plain = wotrules(&root(), &["check"]);
    assert_eq!(plain.stdout, "8 rule files, 40 definitions: ok\n");
}

/// Each Legacy Points draft passes its own rule tests; the rules' tests are not run under it.
#[test]
fn each_draft_passes_its_own_rule_tests() {
    for draft in ["a", "b", "c"] {
        let path = format!("rules/drafts/legacy-points/{draft}.yaml");
        let run = wotrules(&root(), &["test", "--draft", &path]);
        assert_eq!(run.code, Some(0), "{}", run.transcript());
        assert_eq!(run.stdout, "1 passed, 0 failed\n", "{draft}");
    }
    // B's tests under C fail: they are meant.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let drafts = dir.path().join("drafts");
    crate::support::copy_dir(&root().join("rules/drafts/legacy-points"), &drafts);
    std::fs::copy(drafts.join("tests/b.yaml"), drafts.join("tests/c.yaml")).expect("copied");
    let run = wotrules(
        &root(),
        &[
            "test",
            "--draft",
            drafts.join("c.yaml").to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.transcript());
}
