//! The command line itself: shell completions and examples in `--help`.

use crate::support::{root, wotrules};

#[test]
fn completions_cover_every_command_in_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let run = wotrules(&root(), &["completions", shell]);
        assert_eq!(run.code, Some(0), "{shell}: {}", run.stderr);
        for command in ["check", "eval", "diff", "test", "import", "schema"] {
            assert!(run.stdout.contains(command), "{shell}: no `{command}`");
        }
        assert!(run.stdout.contains("explain"), "{shell}: no eval options");
    }
    let run = wotrules(&root(), &["completions", "cmd.exe"]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
}

#[test]
fn help_shows_examples_that_run() {
    let run = wotrules(&root(), &["eval", "--help"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let example = run
        .stdout
        .lines()
        .find(|l| l.contains("--member 1500 --explain"))
        .expect("an example with a member")
        .trim();
    let args: Vec<&str> = example.split_whitespace().skip(1).collect();
    let ran = wotrules(&root(), &args);
    assert_eq!(ran.code, Some(0), "`{example}`: {}", ran.stderr);
    assert!(ran.stdout.contains("member 1500"), "{}", ran.stdout);
}

#[test]
fn the_readme_lists_the_functions_the_language_has() {
    let run = wotrules(&root(), &["functions"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let readme = std::fs::read_to_string(root().join("README.md")).expect("the README");
    let start = readme
        .find("<!-- functions -->\n```\n")
        .expect("the functions block")
        + 23;
    let end = readme[start..]
        .find("```\n<!-- /functions -->")
        .expect("its end")
        + start;
    assert_eq!(
        &readme[start..end],
        run.stdout,
        "README.md: paste the output of `wotrules functions`"
    );
    assert!(run.stdout.contains("has_word(text, text) → bool"));
}

/// What a newcomer types: `eval` without input names both inputs, `md` is Markdown,
/// `--member` may repeat, and completions offer the rules' outputs and their values.
#[test]
fn the_command_line_helps_where_a_newcomer_guesses() {
    let run = wotrules(&root(), &["eval"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("<--case <FILE>|--db <FILE>>"),
        "{}",
        run.stderr
    );
    let case = ["eval", "--case", "rules/tests/cases/a20111001.1.yaml"];
    let md = wotrules(&root(), &[&case[..], &["--format", "md"]].concat());
    let markdown = wotrules(&root(), &[&case[..], &["--format", "markdown"]].concat());
    assert_eq!(md.code, Some(0), "{}", md.stderr);
    assert_eq!(md.stdout, markdown.stdout);
    let two = wotrules(
        &root(),
        &[
            &case[..],
            &["--member", "1500", "--member", "2001", "--format", "json"],
        ]
        .concat(),
    );
    assert_eq!(two.code, Some(0), "{}", two.stderr);
    let json: serde_json::Value = serde_json::from_str(&two.stdout).expect("JSON");
    let ids: Vec<i64> = json["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(ids, [1500, 2001]);
    let bash = wotrules(&root(), &["completions", "bash"]);
    for offered in [
        "reapply_points",
        "level=assurer-on-hold",
        "reapply=eligible",
    ] {
        assert!(bash.stdout.contains(offered), "{offered}");
    }
}

/// The data is opened before the rules are checked: a bad `--db` is said at once, even
/// when the rules have errors of their own (and would take longer).
#[test]
fn a_bad_database_is_said_before_the_rules_are_checked() {
    let dir = tempfile::tempdir().expect("a directory");
    let rules = dir.path().join("rules");
    crate::support::copy_dir(&root().join("rules"), &rules);
    crate::support::replace_in(
        &rules.join("ap/member.yaml"),
        "member.assurance_points >= 100",
        "member.assurance_pointz >= 100",
    );
    let not_sqlite = dir.path().join("notes.sqlite");
    std::fs::write(&not_sqlite, "not a database\n").expect("written");
    let run = wotrules(
        &root(),
        &[
            "eval",
            "--db",
            not_sqlite.to_str().expect("UTF-8"),
            "--rules",
            rules.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(run.stderr.contains("notes.sqlite"), "{}", run.stderr);
    assert!(!run.stderr.contains("assurance_pointz"), "{}", run.stderr);
}
