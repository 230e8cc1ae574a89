//! `wotrules mailing` (a20111001.1 Part II): every affected record reaches its assurer and
//! its assuree once, in one message per member, and no message holds another member's
//! address.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::{root, snapshot_settings, wotrules};
use serde_json::Value;

/// The mailing of `input` (`--case FILE` or `--db FILE`) written into `out`, read back: the
/// index and every message by file name.
fn mail(input: &[&str], as_of: &str, out: &Path) -> (Value, BTreeMap<String, String>) {
    let out_text = out.to_str().expect("UTF-8");
    let mut args = vec!["mailing"];
    args.extend(input);
    args.extend([
        "--as-of",
        as_of,
        "--out",
        out_text,
        "--date",
        "2011-12-02T09:30:00+01:00",
    ]);
    let run = wotrules(&root(), &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).expect("index"))
            .expect("index.json is JSON");
    let mut messages = BTreeMap::new();
    for entry in std::fs::read_dir(out).expect("the mailing") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "eml") {
            let name = crate::support::file_name(&path);
            messages.insert(name, std::fs::read_to_string(&path).expect("a message"));
        }
    }
    (index, messages)
}

/// Each record's `from`, `to` and re-apply outcome, from `eval --format json`.
fn records(input: &[&str], as_of: &str) -> Vec<(i64, i64, i64, String)> {
    let mut args = vec!["eval"];
    args.extend(input);
    args.extend(["--as-of", as_of, "--format", "json"]);
    let run = wotrules(&root(), &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    json["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().expect("id"),
                r["from"].as_i64().expect("from"),
                r["to"].as_i64().expect("to"),
                r["reapply"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The assertions every mailing must pass, whatever the data.
fn check_mailing(
    index: &Value,
    messages: &BTreeMap<String, String>,
    records: &[(i64, i64, i64, String)],
    addresses: &BTreeMap<i64, String>,
    deleted: &BTreeSet<i64>,
) {
    // Eligible or on hold under ruling #1, of an assuree whose account is not deleted.
    let affected: Vec<_> = records
        .iter()
        .filter(|r| (r.3 == "eligible" || r.3 == "on-hold") && !deleted.contains(&r.2))
        .collect();
    assert!(!affected.is_empty(), "the data has affected records");
    let mailings = index["mailings"].as_array().expect("mailings");
    assert_eq!(mailings.len(), 2, "one mailing per role");
    for mailing in mailings {
        let role = mailing["role"].as_str().expect("role");
        let party = |r: &(i64, i64, i64, String)| if role == "assurer" { r.1 } else { r.2 };
        // Record → the members whose message (or exclusion) lists it.
        let mut listed: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        let mut members = BTreeSet::new();
        let sent = mailing["messages"].as_array().expect("messages");
        let excluded = mailing["not_mailed"].as_array().expect("not_mailed");
        for entry in sent.iter().chain(excluded) {
            let member = entry["member"].as_i64().expect("member");
            assert!(members.insert(member), "{role} {member} appears once");
            for record in entry["records"].as_array().expect("records") {
                listed
                    .entry(record.as_i64().expect("id"))
                    .or_default()
                    .push(member);
            }
        }
        let expected: BTreeMap<i64, Vec<i64>> =
            affected.iter().map(|r| (r.0, vec![party(r)])).collect();
        assert_eq!(
            listed, expected,
            "{role}: every affected record is listed once, for its own {role}"
        );
        for message in sent {
            let member = message["member"].as_i64().expect("member");
            let file = message["file"].as_str().expect("file");
            let text = &messages[file];
            let own = &addresses[&member];
            assert!(
                text.contains(&format!("\r\nTo: {own}\r\n")),
                "{file}: To: {own}"
            );
            // Every address in the message is the recipient's or the sender's.
            let known: BTreeSet<&str> = addresses.values().map(String::as_str).collect();
            for word in text.split(|c: char| c.is_whitespace() || "<>(),;\"".contains(c)) {
                if word.contains('@') && known.contains(word) {
                    assert_eq!(word, own, "{file} holds another member's address");
                }
            }
            let ids: BTreeSet<i64> = message["records"]
                .as_array()
                .expect("records")
                .iter()
                .map(|r| r.as_i64().expect("id"))
                .collect();
            let listed: BTreeSet<i64> = text
                .split("Id ")
                .skip(1)
                .filter_map(|rest| rest.split(" |").next()?.parse().ok())
                .collect();
            assert_eq!(
                listed, ids,
                "{file}: lists exactly the records the index names"
            );
            assert!(
                text.split("\r\n")
                    .all(|l| !l.contains('\n') && l.len() <= 998),
                "{file}: CRLF lines of at most 998 bytes"
            );
        }
    }
    assert_eq!(
        messages.len(),
        mailings
            .iter()
            .map(|m| m["messages"].as_array().expect("messages").len())
            .sum::<usize>(),
        "one file per message"
    );
}

#[test]
fn the_example_mailing_reaches_each_party_once_and_says_why_others_are_not_mailed() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let out = workspace.path().join("mailing");
    let input = ["--case", "rules/tests/cases/part-2-mailing.yaml"];
    let (index, messages) = mail(&input, "2011-12-01", &out);
    let addresses: BTreeMap<i64, String> = [
        (2001, "ulrich@example.org"),
        (2002, "marie@example.org"),
        (2003, "locked@example.org"),
        (2004, "chloe@example.org"),
        (1500, "paul@example.org"),
        (1501, "anna@example.org"),
        (1502, "gone@example.org"),
        (1503, ""),
    ]
    .into_iter()
    .map(|(id, a)| (id, a.to_string()))
    .collect();
    let deleted = BTreeSet::from([1502, 2004]);
    check_mailing(
        &index,
        &messages,
        &records(&input, "2011-12-01"),
        &addresses,
        &deleted,
    );
    let reasons: BTreeMap<i64, String> = index["mailings"]
        .as_array()
        .expect("mailings")
        .iter()
        .flat_map(|m| m["not_mailed"].as_array().expect("not_mailed").iter())
        .map(|n| {
            assert_eq!(n["error"], Value::Bool(false), "{n}");
            (
                n["member"].as_i64().expect("member"),
                n["reason"].as_str().expect("reason").to_string(),
            )
        })
        .collect();
    assert_eq!(
        reasons.keys().copied().collect::<Vec<_>>(),
        vec![1503, 2003, 2004, 9002]
    );
    assert!(reasons[&2003].contains("locked"), "{}", reasons[&2003]);
    assert!(reasons[&2004].contains("deleted"), "{}", reasons[&2004]);
    assert!(reasons[&1503].contains("no email address"));
    assert!(reasons[&9002].contains("no row in `users`"));
    // The deleted assuree's record is not affected: in no message and no exclusion.
    assert!(!index.to_string().contains("124002"));
    assert!(!messages.values().any(|m| m.contains("124002")));
    // The assurer with three affected records gets one message listing all three, and the
    // re-apply instructions of ruling #1 step 4 for the eligible ones.
    let message = &messages["a20111001.1-part-2-assurers-2001.eml"];
    assert!(message.contains("Subject: CAcert: 3 old assurance(s) you gave"));
    assert!(message.contains("RE: Paris, [ticket id], 123456"));
    assert!(message.contains("original assurance date: 2005-06-12"));
    assert!(message.contains("repair of pre AP assurance"));
    assert_eq!(message.matches("eligible for re-apply").count(), 2);
    assert_eq!(message.matches("on hold:").count(), 1);
    assert!(
        message.contains("Who Paul O'Neill Jr."),
        "the assuree's name, not address"
    );
    snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "mailing_index",
            serde_json::to_string_pretty(&index).expect("JSON")
        );
        for (name, text) in &messages {
            insta::assert_snapshot!(format!("mailing@{name}"), text.replace("\r\n", "⏎\n"));
        }
    });
}

#[test]
fn a_generated_database_mails_every_assurer_of_affected_records_once() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let db = workspace.path().join("gen.sqlite");
    let db_text = db.to_str().expect("UTF-8");
    let run = wotrules(
        &root(),
        &["gen", "--members", "1500", "--seed", "5", "--db", db_text],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let input = ["--db", db_text];
    let (index, messages) = mail(&input, "2011-12-01", &workspace.path().join("out"));
    let addresses: BTreeMap<i64, String> = (1..=1500)
        .map(|id| (id, format!("member{id}@example.org")))
        .collect();
    let records = records(&input, "2011-12-01");
    let connection = rusqlite::Connection::open(&db).expect("open");
    let deleted: BTreeSet<i64> = connection
        .prepare("SELECT id FROM users WHERE deleted IS NOT NULL AND deleted <= '2011-12-01'")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(!deleted.is_empty(), "the population has deleted accounts");
    let assurers: BTreeSet<i64> = records
        .iter()
        .filter(|r| (r.3 == "eligible" || r.3 == "on-hold") && !deleted.contains(&r.2))
        .map(|r| r.1)
        .collect();
    assert!(
        assurers.len() > 30,
        "a population with many affected assurers"
    );
    check_mailing(&index, &messages, &records, &addresses, &deleted);
    let mailed: usize = index["summary"]["assurers"].as_u64().expect("count") as usize;
    let excluded = index["mailings"][0]["not_mailed"]
        .as_array()
        .expect("list")
        .len();
    assert_eq!(mailed + excluded, assurers.len());
}

#[test]
fn a_mailing_writes_nothing_where_it_would_mix_with_other_files_or_before_the_ruling() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let out = workspace.path().join("busy");
    std::fs::create_dir(&out).expect("a directory");
    std::fs::write(out.join("old.eml"), "x").expect("a file");
    let out_text = out.to_str().expect("UTF-8");
    let case = ["mailing", "--case", "rules/tests/cases/part-2-mailing.yaml"];
    let busy = wotrules(&root(), &[&case[..], &["--out", out_text]].concat());
    assert_eq!(busy.code, Some(2), "{}", busy.stderr);
    assert!(
        busy.stderr.contains("exists and is not empty"),
        "{}",
        busy.stderr
    );
    assert_eq!(std::fs::read_dir(&out).expect("dir").count(), 1);
    let early = wotrules(
        &root(),
        &[&case[..], &["--as-of", "2011-06-01", "--dry-run"]].concat(),
    );
    assert_eq!(early.code, Some(2), "{}", early.stderr);
    assert!(
        early.stderr.contains("is not in force on 2011-06-01"),
        "{}",
        early.stderr
    );
    let dry = wotrules(&root(), &[&case[..], &["--dry-run"]].concat());
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    let lines: Vec<&str> = dry.stdout.lines().collect();
    assert_eq!(
        lines.last(),
        Some(&"2 assurers, 2 assurees, 7 records; 4 members not mailed")
    );
    // Who would be mailed, in which role, about which records; who not, and why.
    for expected in [
        "  mail assurer 2001: records 123456, 123457, 123458",
        "  mail assuree 1501: records 123457, 124500",
        "  not assurer 9002: the member has no row in `users` (no name, no address) (records 120100)",
        "  not assuree 1503: the member has no email address (records 120100, 123458)",
    ] {
        assert!(lines.contains(&expected), "{expected}\n{}", dry.stdout);
    }
    assert_eq!(lines.iter().filter(|l| l.starts_with("  mail ")).count(), 4);
    assert_eq!(lines.iter().filter(|l| l.starts_with("  not ")).count(), 4);

    let leftovers: Vec<_> = std::fs::read_dir(workspace.path())
        .expect("the workspace")
        .map(|e| crate::support::file_name(&e.expect("an entry").path()))
        .collect();
    assert_eq!(leftovers, vec!["busy".to_string()]);
}

/// A template's `{{` and `}}` are braces, a hole may hold any expression (even a `format`
/// whose own template has braces), and the result is checked by a rule test.
#[test]
fn template_braces_and_nested_holes_evaluate_as_written() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let rules = workspace.path().join("rules");
    crate::support::copy_dir(&root().join("rules"), &rules);
    // The shipped rule tests read cases outside the rules: only this one is run.
    std::fs::remove_dir_all(rules.join("tests")).expect("the tests folder");
    std::fs::create_dir(rules.join("tests")).expect("a tests folder");
    std::fs::write(
        rules.join("extra.yaml"),
        "id: extra\ntitle: t\nkind: policy\nsource: s\neffective_from: null\ndefinitions:\n  \
         braces:\n    for: member\n    type: text\n    cite: c\n    \
         template: \"a {{b}} {member.fname} {format(\\\"{}\\\", member.id)} }}\"\n",
    )
    .expect("a rule file");
    std::fs::write(
        rules.join("tests/extra.yaml"),
        "tests:\n  - name: braces\n    case:\n      as_of: 2011-12-01\n      members:\n        \
         - {id: 7, fname: \"Zoë\"}\n      records: []\n    expect:\n      members:\n        \
         7: {braces: \"a {b} Zoë 7 }\"}\n",
    )
    .expect("a test file");
    let run = wotrules(
        workspace.path(),
        &[
            "test",
            "--rules",
            rules.to_str().expect("UTF-8"),
            "--filter",
            "braces",
        ],
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 passed, 0 failed"), "{}", run.stdout);
}

/// A message is dated when it is written (or as `--date` pins it), never back-dated to the
/// date its decisions are as of; that date is a header of its own.
#[test]
fn messages_are_dated_when_written_and_say_the_date_of_their_decisions() {
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let case = ["--case", "rules/tests/cases/part-2-mailing.yaml"];
    let (_, messages) = mail(&case, "2011-12-01", &workspace.path().join("pinned"));
    for (name, message) in &messages {
        assert!(
            message.contains("\r\nDate: Fri, 2 Dec 2011 09:30:00 +0100\r\n"),
            "{name}: {message}"
        );
        assert!(
            message.contains("\r\nX-Wotrules-As-Of: 2011-12-01\r\n"),
            "{name}"
        );
    }
    let out = workspace.path().join("now");
    let run = wotrules(
        &root(),
        &[
            "mailing",
            case[0],
            case[1],
            "--as-of",
            "2011-12-01",
            "--out",
            out.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let year = chrono::Local::now().format("%Y").to_string();
    for entry in std::fs::read_dir(&out).expect("the mailing") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "eml") {
            let message = std::fs::read_to_string(&path).expect("a message");
            let date = message
                .lines()
                .find(|l| l.starts_with("Date: "))
                .expect("a Date header");
            assert!(date.contains(&year) && !date.contains("2011"), "{date}");
        }
    }
}

/// The dry run says the date its decisions are as of, counts a member not mailed in two
/// roles once, and `--out` with `--dry-run` is refused (it would write nothing).
#[test]
fn the_dry_run_says_its_date_and_counts_each_member_once() {
    let dir = tempfile::tempdir().expect("a directory");
    let case = dir.path().join("both-roles.yaml");
    std::fs::write(
        &case,
        r#"as_of: 2011-12-01
members:
  - {id: 3000, fname: Lea, lname: Locked, email: lea@example.org, locked: true, assurer: true}
  - {id: 3001, fname: Ada, lname: Open, email: ada@example.org, assurer: true}
  - {id: 3002, fname: Bo, lname: Open, email: bo@example.org}
records:
  - {id: 1, from: 3000, to: 3002, points: 0, awarded: 0, method: Face to Face Meeting,
     location: Paris, date: "2005-06-12", when: "2005-06-13 10:00:00"}
  - {id: 2, from: 3001, to: 3000, points: 0, awarded: 0, method: Face to Face Meeting,
     location: Berlin, date: "2005-07-12", when: "2005-07-13 10:00:00"}
"#,
    )
    .expect("written");
    let case = case.to_str().expect("UTF-8");
    let dry = wotrules(&root(), &["mailing", "--case", case, "--dry-run"]);
    assert_eq!(dry.code, Some(0), "{}", dry.transcript());
    let lines: Vec<&str> = dry.stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"as of 2011-12-01"), "{}", dry.stdout);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("  not ") && l.contains(" 3000:"))
            .count(),
        2,
        "not mailed as assurer and as assuree: {}",
        dry.stdout
    );
    assert_eq!(
        lines.last(),
        Some(&"1 assurer, 1 assuree, 2 records; 1 member not mailed"),
        "{}",
        dry.stdout
    );
    let out = dir.path().join("out");
    let both = wotrules(
        &root(),
        &[
            "mailing",
            "--case",
            case,
            "--dry-run",
            "--out",
            out.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(both.code, Some(2), "{}", both.transcript());
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
    assert!(!out.exists());
}
