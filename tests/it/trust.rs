//! What the tool prints is true: every citation in an explanation names a clause that was
//! in force and held (or, for an empty `collect`, says none held); the checker reports a
//! fault once, in linear time; the digest identifies the rules' content. In-process, so a
//! wrong claim fails here whatever the transcripts say.

use std::path::Path;

use wotrules_core::check::program::{Body, Program};
use wotrules_core::data::Dataset;
use wotrules_core::diag::{Diagnostic, DiagnosticCode};
use wotrules_core::eval::{Decision, Evaluation, Explain, Selection, TraceNode};
use wotrules_core::lang::Value;
use wotrules_core::rules::{RuleSources, SourceText};
use wotrules_core::syntax::parse_expression;
use wotrules_session::check_sources;
use wotrules_store::{read_case, rule_sources};

use crate::support::{copy_dir, root, wotrules, yaml_files};

/// Checks `sources`: the program (when there is no error) and every diagnostic.
fn checked(sources: RuleSources) -> (Option<Program>, Vec<Diagnostic>) {
    match check_sources(Ok(sources)) {
        Ok((rules, warnings)) => (Some(rules.program), warnings),
        Err(diagnostics) => (None, diagnostics),
    }
}

fn shipped_program() -> Program {
    let (program, diagnostics) = checked(rule_sources(&root().join("rules")).expect("rules"));
    program.unwrap_or_else(|| panic!("the shipped rules check: {diagnostics:?}"))
}

fn dataset(path: &Path) -> Dataset {
    let text = std::fs::read_to_string(path).expect("a case file");
    let case = read_case(&path.display().to_string(), &text).expect("a valid case");
    let as_of = case.as_of.expect("the case sets as_of");
    case.dataset(as_of).expect("within the limits")
}

/// The rules of `program` that a trace node's citation must come from.
fn assert_citation_true(program: &Program, evaluation: &Evaluation, node: &TraceNode) {
    let definition = &program.definitions[node.id];
    let rows = match &definition.body {
        Body::Value(rule) => std::slice::from_ref(&**rule),
        Body::Cases(rules) | Body::Collect(rules) => rules.as_slice(),
    };
    let in_force = |file: usize| evaluation.in_force(file);
    let where_ = format!("{} = {} ({})", node.definition, node.value, node.clause);
    match &node.decision {
        Decision::Value => {
            assert!(in_force(definition.file), "{where_}: cited out of force");
            assert_eq!(node.cite, rows[0].cite, "{where_}");
        }
        Decision::Case(row) => {
            assert!(in_force(rows[*row].file), "{where_}: cited out of force");
            assert_eq!(node.cite, rows[*row].cite, "{where_}");
        }
        Decision::Override(index) => {
            let rule = &definition.overrides[*index].1;
            assert!(in_force(rule.file), "{where_}: override cited out of force");
            assert_eq!(node.cite, rule.cite, "{where_}");
        }
        Decision::Collected(Some(held)) => {
            let (held_rows, held_overrides) = &**held;
            let expected: Vec<&str> = held_rows
                .iter()
                .map(|row| rows[*row].cite.as_str())
                .chain(
                    held_overrides
                        .iter()
                        .map(|index| definition.overrides[*index].1.cite.as_str()),
                )
                .collect();
            assert_eq!(node.cite, expected.join("; "), "{where_}");
        }
        Decision::Collected(None) => {
            assert!(in_force(definition.file), "{where_}");
            assert!(
                !node.cite.contains("not in force"),
                "{where_}: {}",
                node.cite
            );
            assert!(node.clause.starts_with("none of"), "{where_}");
            assert_eq!(node.value, Value::List(Vec::new().into()), "{where_}");
            let tried = rows.iter().filter(|rule| in_force(rule.file)).count();
            assert_eq!(
                node.tried.len(),
                tried,
                "{where_}: every row tried is named"
            );
            assert_eq!(
                node.overrides_tried.len(),
                definition.overrides.len(),
                "{where_}: every override is named with why it did not apply"
            );
        }
        Decision::NotInForce => {
            assert!(!in_force(definition.file), "{where_}: in force");
            assert!(node.cite.contains("is not in force as of"), "{where_}");
        }
    }
    for child in &node.because {
        assert_citation_true(program, evaluation, child);
    }
}

#[test]
fn every_citation_in_an_explanation_names_a_clause_in_force_that_held() {
    let program = shipped_program();
    let mut cases = yaml_files(&root().join("rules/tests/cases"));
    cases.push(root().join("rules/tests/cases/a20111001.1.yaml"));
    let mut nodes = 0;
    for case in cases {
        let data = dataset(&case);
        let mut evaluation = Evaluation::new(&program, &data);
        let decisions = evaluation.decide_all(Selection::All, &Explain::Everything);
        for entity in decisions.members.iter().chain(&decisions.records) {
            for (_, node) in &entity.traces {
                assert_citation_true(&program, &evaluation, node);
                nodes += 1;
            }
        }
    }
    assert!(nodes > 100, "the cases explain many values: {nodes}");
}

#[test]
fn an_empty_collect_is_not_explained_as_not_in_force() {
    // The defect: `record.findings = []` of a face-to-face record cited "ttp-assist is not
    // in force", though ttp-assist has `effective_from: null`.
    let program = shipped_program();
    let data = dataset(&root().join("rules/tests/cases/a20111001.1.yaml"));
    let mut evaluation = Evaluation::new(&program, &data);
    let record = data
        .records
        .iter()
        .position(|r| r.id == 123456)
        .expect("record 123456");
    let findings = program
        .record_outputs
        .iter()
        .find(|o| o.name == "findings")
        .expect("the findings output");
    let node = evaluation.trace(findings.definition, record);
    assert_eq!(node.decision, Decision::Collected(None));
    assert_eq!(node.clause, "none of 3 rows held");
    assert!(node.cite.starts_with("reference §4"), "{}", node.cite);
    assert_eq!(node.tried.len(), 3, "{:?}", node.tried);
    assert!(node.tried[0].starts_with("row 1 (ttp/ttp-assisted.yaml:"));
}

/// The shipped rules plus one rule file.
fn with_rule_file(text: &str) -> RuleSources {
    let mut sources = rule_sources(&root().join("rules")).expect("rules");
    sources.rule_files.push(SourceText {
        path: "extra.yaml".into(),
        name: "extra.yaml".into(),
        text: text.into(),
    });
    sources
}

fn rule_file_with_value(value: &str) -> String {
    format!(
        "id: extra\ntitle: t\nkind: policy\nsource: s\neffective_from: null\ndefinitions:\n  \
         nested:\n    for: record\n    type: int\n    cite: c\n    value: '{value}'\n\
         overrides:\n  - target: record.reapply_points\n    priority: 99\n    cite: c\n    \
         then: record.nested\n"
    )
}

fn nested_max(depth: usize, innermost: &str) -> String {
    let mut text = innermost.to_string();
    for _ in 0..depth {
        text = format!("max({text}, 0)");
    }
    text
}

#[test]
fn a_fault_deep_in_nested_calls_is_reported_once() {
    // Each level used to parse and check its first argument twice: 2^depth reports and
    // 2^depth time. (Deep nesting recurses: the main thread of `wotrules` has the stack for
    // it, a test thread is given as much.)
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(nested_calls_check_linearly)
        .expect("a thread")
        .join()
        .expect("no panic");
}

fn nested_calls_check_linearly() {
    for depth in [1, 2, 12, 24] {
        let (program, diagnostics) = checked(with_rule_file(&rule_file_with_value(&nested_max(
            depth,
            "record.pionts",
        ))));
        assert!(program.is_none());
        let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "depth {depth}: {errors:#?}");
        assert_eq!(errors[0].code, DiagnosticCode::UnknownField);
    }
    let (program, diagnostics) = checked(with_rule_file(&rule_file_with_value(&nested_max(
        40,
        "record.points",
    ))));
    assert!(program.is_some(), "40 valid levels check: {diagnostics:?}");
}

#[test]
fn a_bad_part_of_a_definition_is_the_only_error() {
    // A bad date literal in `ruling_1_reapply` used to make it unknown to the override that
    // reads it, and the definitions only it reads "unused".
    let mut sources = rule_sources(&root().join("rules")).expect("rules");
    let ruling = sources
        .rule_files
        .iter_mut()
        .find(|f| f.name == "rulings/a20111001.1-ruling-1.yaml")
        .expect("ruling #1");
    assert!(ruling.text.contains(">= 2006-09-01"));
    ruling.text = ruling.text.replace(">= 2006-09-01", ">= 2006-09-31");
    let (program, diagnostics) = checked(sources);
    assert!(program.is_none());
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["`2006-09-31` is not a calendar date"]);
}

#[test]
fn printing_a_call_of_an_in_test_reads_back_as_a_call() {
    // proptest found `min((as_of) in [])` printed as `min(as_of in [])`, an aggregation.
    let tree = parse_expression("min((as_of) in [])").expect("parses");
    let printed = tree.to_string();
    let again = parse_expression(&printed).expect("the printed text parses");
    assert_eq!(again.to_string(), printed);
    assert!(matches!(
        again.kind,
        wotrules_core::syntax::ast::ExprKind::Call(ref name, _) if name.text == "min"
    ));
}

/// The `rules_digest` that `eval --format json` prints for `rules`, run in `dir`.
fn digest(dir: &Path, rules: &str) -> String {
    let case = root().join("rules/tests/cases/topup.yaml");
    let run = wotrules(
        dir,
        &[
            "eval",
            "--rules",
            rules,
            "--case",
            case.to_str().expect("UTF-8"),
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    json["rules_digest"].as_str().expect("a digest").to_string()
}

#[test]
fn the_same_rules_have_one_digest_from_any_path() {
    let expected = digest(&root(), "rules");
    assert!(expected.starts_with("sha256:"));
    let copy = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), copy.path());
    let absolute = root().join("rules");
    for (dir, rules) in [
        (root(), "./rules".to_string()),
        (root(), absolute.display().to_string()),
        (root().join("src"), "../rules".to_string()),
        (root(), copy.path().display().to_string()),
    ] {
        assert_eq!(digest(&dir, &rules), expected, "--rules {rules} in {dir:?}");
    }
}

#[test]
fn diff_against_git_head_works_from_any_rules_spelling_and_digests_content() {
    let head = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root())
        .output()
        .expect("git runs");
    let sha = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let case = root().join("rules/tests/cases/topup.yaml");
    let case = case.to_str().expect("UTF-8");
    let absolute = root().join("rules").display().to_string();
    let mut digests = Vec::new();
    for (dir, rules, base) in [
        (root(), "rules", "git:HEAD".to_string()),
        (root(), "./rules", "git:HEAD".to_string()),
        (root(), absolute.as_str(), format!("git:{sha}")),
        (root().join("src"), "../rules", "git:HEAD".to_string()),
    ] {
        let run = wotrules(
            &dir,
            &[
                "diff", "--base", &base, "--rules", rules, "--case", case, "--format", "json",
            ],
        );
        assert_eq!(
            run.code,
            Some(0),
            "--rules {rules} in {dir:?}: {}",
            run.stderr
        );
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        digests.push(json["old_rules"]["digest"].clone());
    }
    assert!(
        digests.windows(2).all(|pair| pair[0] == pair[1]),
        "{digests:?}"
    );
}

#[test]
fn a_revision_that_looks_like_an_option_is_refused() {
    let run = wotrules(
        &root(),
        &[
            "diff",
            "--base",
            "git:-h",
            "--case",
            "rules/tests/cases/topup.yaml",
        ],
    );
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert!(
        run.stderr.contains("`git:-h` does not name a revision"),
        "{}",
        run.stderr
    );
}

#[test]
fn summary_refuses_what_it_cannot_honour() {
    for extra in [
        &["--member", "1500"][..],
        &["--format", "markdown"][..],
        &["--format", "moin"][..],
    ] {
        let mut args = vec![
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--summary",
        ];
        args.extend_from_slice(extra);
        let run = wotrules(&root(), &args);
        assert_eq!(run.code, Some(2), "{extra:?}: {}", run.transcript());
        assert!(run.stdout.is_empty(), "{extra:?}");
    }
}

#[test]
fn a_case_file_with_a_byte_order_mark_reads_as_without() {
    let text = std::fs::read_to_string(root().join("rules/tests/cases/a20111001.1.yaml"))
        .expect("example");
    let plain = read_case("example", &text).expect("the example reads");
    let marked = read_case("example", &format!("\u{feff}{text}")).expect("with a BOM it reads");
    assert_eq!(plain, marked);
}

#[test]
fn every_problem_of_a_case_file_is_reported_in_one_run() {
    let text = "members: [{id: 1, dob: 1970-02-30}, {idd: 2}]\nrecords:\n  \
                - {id: 7, from: 1, to: 1, points: x, awarded: 10, method: M, location: A, date: \"\"}\n";
    let errors = read_case("case.yaml", text).expect_err("four problems");
    let messages: Vec<String> = errors.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        messages,
        // In the order of the file.
        [
            "member 1: `dob`: `1970-02-30` is not a calendar date: 1970-02 has 28 days",
            "member 2 of the list has no `id`",
            "member 2 of the list: unknown key `idd`",
            "record 7: `from` and `to` are both 1",
            "record 7: `points` must be a whole number, not `x`",
        ]
    );
    let lines: Vec<usize> = errors
        .iter()
        .map(|d| d.location.as_ref().expect("a place").line)
        .collect();
    assert_eq!(lines, [1, 1, 1, 3, 3]);
}

#[test]
fn every_key_a_record_lacks_is_reported() {
    let text = "records:\n  - {id: 7, to: 1, awarded: 10, method: M, location: A, date: \"\"}\n";
    let errors = read_case("case.yaml", text).expect_err("two keys missing");
    let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        ["record 7 has no `from`", "record 7 has no `points`"],
        "{errors:#?}"
    );
}

/// Every `reference §N` a rule file cites leads to a heading `§N` of `rules/REFERENCE.md`,
/// the interpretations the rule files take, shipped with them.
#[test]
fn every_reference_a_rule_file_cites_has_its_section_in_the_shipped_reference() {
    let reference = std::fs::read_to_string(root().join("rules/REFERENCE.md"))
        .expect("the rules carry their reference");
    let headings: Vec<String> = reference
        .lines()
        .filter(|l| l.starts_with("## §") || l.starts_with("### §"))
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect();
    let mut cited = std::collections::BTreeSet::new();
    let mut files = Vec::new();
    let mut folders = vec![root().join("rules")];
    while let Some(folder) = folders.pop() {
        folders.extend(
            std::fs::read_dir(&folder)
                .expect("a folder")
                .map(|e| e.expect("an entry").path())
                .filter(|p| p.is_dir()),
        );
        files.extend(yaml_files(&folder));
    }
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a rule file");
        for (at, _) in text.match_indices("reference §") {
            let section: String = text[at + "reference ".len()..]
                .chars()
                .take_while(|c| *c == '§' || c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            cited.insert(section.trim_end_matches('.').to_string());
        }
    }
    assert!(cited.len() >= 8, "{cited:?}");
    for section in &cited {
        assert!(
            headings.contains(section),
            "`reference {section}` is cited, and rules/REFERENCE.md has no heading {section}: {headings:?}"
        );
    }
}
