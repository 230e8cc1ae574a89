//! Markdown and MoinMoin reports for rulings, and free text that tries to be code.

mod support;

use support::{root, snapshot_settings, wotrules};

#[test]
fn the_example_case_reads_well_in_markdown_and_moin() {
    snapshot_settings().bind(|| {
        for format in ["markdown", "moin"] {
            let run = wotrules(
                &root(),
                &[
                    "eval",
                    "--case",
                    "examples/a20111001.1.yaml",
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
                "examples/a20111001.1.yaml",
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
