//! Markdown and MoinMoin reports for rulings, and free text that tries to be code.

use crate::support::{root, snapshot_settings, wotrules};

#[test]
fn the_example_case_reads_well_in_markdown_and_moin() {
    snapshot_settings().bind(|| {
        for format in ["markdown", "moin"] {
            let run = wotrules(
                &root(),
                &[
                    "eval",
                    "--case",
                    "rules/tests/cases/a20111001.1.yaml",
                    "--explain",
                    "--format",
                    format,
                ],
            );
            assert_eq!(run.code, Some(0), "{}", run.stderr);
            insta::assert_snapshot!(format!("format__example__{format}"), run.stdout);
        }
    });
}

/// Cells of a Markdown table row: split at `|` not preceded by a backslash.
fn markdown_cells(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        if c == '|' && !escaped {
            count += 1;
        }
        escaped = c == '\\' && !escaped;
    }
    count
}

/// Cells of a Moin table row: `||` outside `{{{…}}}` verbatim text.
fn moin_cells(line: &str) -> usize {
    let mut count = 0;
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("{{{") {
            rest = after.find("}}}").map_or("", |end| &after[end + 3..]);
        } else if let Some(after) = rest.strip_prefix("||") {
            count += 1;
            rest = after;
        } else {
            let mut chars = rest.chars();
            chars.next();
            rest = chars.as_str();
        }
    }
    count
}

#[test]
fn free_text_is_data_in_every_format() {
    let case = "tests/data/formats/hostile-text.yaml";
    snapshot_settings().bind(|| {
        for format in ["text", "json", "markdown", "moin"] {
            let run = wotrules(&root(), &["eval", "--case", case, "--format", format]);
            assert_eq!(run.code, Some(0), "{}", run.stderr);
            let out = &run.stdout;
            assert!(
                !out.contains('\u{1b}'),
                "{format}: a raw ANSI escape got through"
            );
            assert!(
                !out.contains('\r'),
                "{format}: a raw carriage return got through"
            );
            let tables: Vec<&str> = out.lines().filter(|l| l.starts_with('|')).collect();
            let cells: Vec<usize> = match format {
                "markdown" => tables.iter().map(|l| markdown_cells(l)).collect(),
                "moin" => tables.iter().map(|l| moin_cells(l)).collect(),
                _ => Vec::new(),
            };
            for pair in cells.windows(2) {
                assert!(
                    pair[0] == pair[1] || pair[0] == 3 || pair[1] == 3,
                    "{format}: every row of a table has the same cells: {cells:?}"
                );
            }
            insta::assert_snapshot!(format!("format__hostile_text__{format}"), out);
        }
    });
}

#[test]
fn free_text_survives_a_database_round_trip_unchanged() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("hostile.sqlite");
    let db = db.to_str().expect("a UTF-8 path");
    let case = "tests/data/formats/hostile-text.yaml";
    let import = wotrules(&root(), &["import", case, "--db", db]);
    assert_eq!(import.code, Some(0), "{}", import.stderr);
    let from_case = wotrules(&root(), &["eval", "--case", case, "--format", "json"]);
    let from_db = wotrules(&root(), &["eval", "--db", db, "--format", "json"]);
    assert_eq!(from_db.code, Some(0), "{}", from_db.stderr);
    assert_eq!(from_case.stdout, from_db.stdout);
}

#[test]
fn ruling_formats_show_no_null_and_name_the_when_column() {
    for format in ["markdown", "moin"] {
        let run = wotrules(
            &root(),
            &[
                "eval",
                "--case",
                "rules/tests/cases/a20111001.1.yaml",
                "--explain",
                "--format",
                format,
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let table_lines: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with('|')).collect();
        assert!(!table_lines.is_empty());
        for line in &table_lines {
            for cell in line.split('|').map(str::trim) {
                assert!(
                    !["null", "'''null'''", "[]", "none"].contains(&cell),
                    "{format}: a cell reads `{cell}`: {line}"
                );
            }
        }
        assert!(run.stdout.contains("When"), "{format}: the When column");
        assert!(
            run.stdout.contains("2005-06-13 10:00:00"),
            "{format}: record 123456's when"
        );
        assert!(
            run.stdout.contains("\"\""),
            "{format}: an empty location reads \"\""
        );
        assert!(
            !run.stdout.contains(&root().display().to_string()),
            "{format}: no local path"
        );
        assert!(
            !run.stdout.contains("(rules/"),
            "{format}: paths are rules-relative"
        );
    }
}

#[test]
fn invisible_characters_are_shown_escaped_in_every_format() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let case = dir.path().join("bidi.yaml");
    std::fs::write(
        &case,
        "as_of: 2012-01-01\nmembers: [{id: 1}]\nrecords:\n  - {id: 7, from: 2, to: 1, points: 10, \
         awarded: 10, method: Face to Face Meeting, location: \"Paris\u{202e}txet\u{200b}\u{2028}x\", \
         date: \"2005-01-01\", when: \"2005-01-01 10:00:00\"}\n",
    )
    .expect("write");
    for format in ["text", "json", "markdown", "moin"] {
        let run = wotrules(
            &root(),
            &[
                "eval",
                "--case",
                case.to_str().expect("UTF-8"),
                "--format",
                format,
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        if format == "json" {
            // JSON carries the text as it is; a JSON reader is no terminal.
            continue;
        }
        for c in ['\u{202e}', '\u{200b}', '\u{2028}'] {
            assert!(!run.stdout.contains(c), "{format}: {c:?} passes through");
        }
        assert!(run.stdout.contains("\\u{202e}"), "{format}: {}", run.stdout);
    }
}

#[test]
fn terminal_escapes_in_data_do_not_reach_diagnostics() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let case = dir.path().join("escape.yaml");
    std::fs::write(
        &case,
        "members: [{id: 1, dob: \"\u{1b}]0;PWNED\u{7}\u{1b}[2J\"}]\n",
    )
    .expect("write");
    let run = wotrules(&root(), &["eval", "--case", case.to_str().expect("UTF-8")]);
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(!run.stderr.contains('\u{7}'), "{:?}", run.stderr);
    assert!(run.stderr.contains("\\u{1b}]0;PWNED"), "{}", run.stderr);
}

#[test]
fn moin_cells_keep_their_shape_whatever_the_text() {
    // A location of `|` used to merge cells; one starting with `<` to set the cell's
    // attributes (MoinMoin reads `||<tablestyle="display:none">`).
    let dir = tempfile::tempdir().expect("a temporary directory");
    let case = dir.path().join("cells.yaml");
    std::fs::write(
        &case,
        "as_of: 2012-01-01\nmembers: [{id: 1}]\nrecords:\n  \
         - {id: 7, from: 2, to: 1, points: 10, awarded: 10, method: Face to Face Meeting, location: \"|\", date: \"<-6>\", when: \"2005-01-01 10:00:00\"}\n  \
         - {id: 8, from: 2, to: 1, points: 10, awarded: 10, method: Face to Face Meeting, location: '<tablestyle=\"display:none\">', date: \"2005-01-01\", when: \"2005-01-01 10:00:00\"}\n",
    )
    .expect("write");
    let run = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            case.to_str().expect("UTF-8"),
            "--format",
            "moin",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for line in run
        .stdout
        .lines()
        .filter(|l| l.starts_with("||") && !l.contains("'''Id'''"))
    {
        let cells = line.trim_start_matches("||");
        assert!(!cells.starts_with('<'), "a cell starts with `<`: {line}");
        assert!(!line.contains("||<"), "a cell starts with `<`: {line}");
        assert!(!line.contains("|||"), "a `|` beside a cell border: {line}");
    }
    assert!(run.stdout.contains("{{{|}}}"), "{}", run.stdout);
}

/// Every JSON document says its format (2), and the same thing has the same type in all of
/// them: a diff's summary values are its changes' values, a why-not gap is a number,
/// `check`'s counts are numbers even when the rules do not check, `eval` says the request.
#[test]
fn json_documents_give_one_thing_one_type() {
    let json = |args: &[&str]| -> serde_json::Value {
        let run = wotrules(&root(), args);
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr))
    };
    let workspace = tempfile::tempdir().expect("a temporary directory");
    let edited = workspace.path().join("rules");
    crate::support::copy_dir(&root().join("rules"), &edited);
    let path = edited.join("ttp/ttp-assisted.yaml");
    let text = std::fs::read_to_string(&path).expect("a rule file");
    std::fs::write(
        &path,
        text.replacen(
            "then min(35, record.value)",
            "then min(30, record.value)",
            1,
        ),
    )
    .expect("written");
    let edited = edited.to_str().expect("UTF-8");
    let diff = json(&[
        "diff",
        "--base",
        "rules",
        "--rules",
        edited,
        "--case",
        "rules/tests/cases/topup.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(diff["format"], 2);
    let change = &diff["records"][0]["changes"][0];
    let count = &diff["summary"]["records"][0];
    assert_eq!(
        (change["old"].clone(), change["new"].clone()),
        (35.into(), 30.into())
    );
    assert_eq!(
        (count["old"].clone(), count["new"].clone()),
        (35.into(), 30.into())
    );
    assert_eq!(count["count"], 1);

    let why_not = json(&[
        "eval",
        "--case",
        "rules/tests/cases/a20111001.1.yaml",
        "--member",
        "1500",
        "--why-not",
        "level=assurer",
        "--format",
        "json",
    ]);
    assert_eq!(why_not["format"], 2);
    assert_eq!(why_not["obstacles"][0]["gap"], 55, "{why_not:#}");

    let broken = workspace.path().join("broken");
    crate::support::copy_dir(&root().join("rules"), &broken);
    let path = broken.join("ap/points.yaml");
    let text = std::fs::read_to_string(&path).expect("a rule file");
    std::fs::write(&path, text.replacen("record.awarded", "record.awared", 1)).expect("written");
    let check = json(&[
        "check",
        "--rules",
        broken.to_str().expect("UTF-8"),
        "--format",
        "json",
    ]);
    assert_eq!(check["ok"], false);
    assert!(
        check["rule_files"].as_u64().is_some_and(|n| n >= 8),
        "{check:#}"
    );
    assert!(
        check["definitions"].as_u64().is_some_and(|n| n >= 40),
        "{check:#}"
    );

    let eval = json(&[
        "eval",
        "--case",
        "rules/tests/cases/a20111001.1.yaml",
        "--member",
        "1500",
        "--format",
        "json",
    ]);
    assert_eq!(eval["format"], 2);
    assert_eq!(eval["request"]["ticket"], "s20111128.6822");
    assert_eq!(eval["request"]["by"], "assuree");
    assert!(eval["request"]["mismatch"].is_null());
}
