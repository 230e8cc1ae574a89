//! The columnar executor decides as the interpreter does: every output of every member and
//! record, its value (or its error) and the clause that decided it, chunk by chunk as the
//! commands run it. `sql.rs` adds the SQLite views as the third engine over the shipped
//! rules; here the rule sets the views cannot run are compared too: the Legacy Points
//! drafts laid over the shipped rules, and an override reading `overridden` (which the
//! executor hands to the interpreter whole).

use std::path::Path;

use crate::support::{copy_dir, root};
use chrono::NaiveDate;
use wotrules_core::check::Program;
use wotrules_core::data::Dataset;
use wotrules_core::eval::{CHUNK_MEMBERS, Evaluation};
use wotrules_session::{Rules, RulesFrom};

/// Values and clauses compared, and every disagreement (the first few are enough to read).
#[derive(Default)]
pub(crate) struct Agreement {
    pub compared: usize,
    pub disagreements: Vec<String>,
}

impl Agreement {
    /// Fails the test, showing the first disagreements, unless there are none.
    pub(crate) fn assert_none(&self, what: &str) {
        assert!(
            self.disagreements.is_empty(),
            "{what}: {} of {} disagree:\n{}",
            self.disagreements.len(),
            self.compared,
            self.disagreements
                .iter()
                .take(40)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// Compares the columnar executor with the interpreter over `data`: every output of every
/// evaluated member and every record, chunk by chunk as `eval` runs them.
pub(crate) fn compare_engines(program: &Program, data: &Dataset, place: &str, out: &mut Agreement) {
    let outputs = program.output_definitions();
    let mut interpreter = Evaluation::new(program, data);
    let mut columnar = Evaluation::columnar(program, data, &outputs);
    let members: Vec<usize> = (0..data.members.len()).collect();
    for chunk in members.chunks(CHUNK_MEMBERS) {
        columnar.focus(chunk);
        let (evaluated, records) = data.chunk_entities(chunk);
        let entities = [
            (evaluated, &program.member_outputs, "member"),
            (records, &program.record_outputs, "record"),
        ];
        for (indices, outputs, kind) in entities {
            for index in indices {
                for output in outputs {
                    let id = output.definition;
                    let (expected, got) = (interpreter.value(id, index), columnar.value(id, index));
                    let clauses = (
                        interpreter.decision(id, index),
                        columnar.decision(id, index),
                    );
                    out.compared += 1;
                    let same_value = match (&expected, &got) {
                        (Ok(a), Ok(b)) => a == b,
                        (Err(a), Err(b)) => a.to_string() == b.to_string(),
                        _ => false,
                    };
                    if !same_value || clauses.0 != clauses.1 {
                        let id = match kind {
                            "member" => data.members[index].row.id,
                            _ => data.records[index].id,
                        };
                        out.disagreements.push(format!(
                            "{place}: {kind} {id} {}: interpreter {expected:?} by {:?}, columnar {got:?} by {:?}",
                            output.name, clauses.0, clauses.1
                        ));
                    }
                }
            }
        }
    }
}

/// Every case the rule tests of `rules_dir` decide and every shipped case file, compared
/// under `rules`.
fn compare_cases(rules: &Rules, rules_dir: &Path, out: &mut Agreement) {
    let tests = wotrules_features::ruletest::load_tests(rules_dir, &rules.program)
        .expect("the rule tests load");
    let mut count = 0;
    for (file, cases) in tests {
        for (test, case) in file.tests.iter().zip(cases) {
            let Some(as_of) = test.as_of.or(case.as_of) else {
                continue;
            };
            let data = case.dataset(as_of).expect("the dataset");
            compare_engines(&rules.program, &data, &test.name, out);
            count += 1;
        }
    }
    for path in crate::support::yaml_files(&root().join("rules/tests/cases")) {
        let case = wotrules_store::read_case_file(&path).expect("the case reads");
        let as_of = case.as_of.expect("a shipped case sets its date");
        let data = case.dataset(as_of).expect("the dataset");
        compare_engines(&rules.program, &data, &path.display().to_string(), out);
        count += 1;
    }
    assert!(count >= 20, "{count} cases");
}

/// 2 000 generated members at three dates either side of ruling #1's first day.
fn compare_population(rules: &Rules, out: &mut Agreement) {
    let profile = std::fs::read_to_string(root().join("benches/population.yaml")).expect("profile");
    let profile =
        wotrules_features::generate::read_profile("population.yaml", &profile).expect("profile");
    let population = wotrules_features::generate::generate(&profile, 2_000, 11).expect("members");
    for as_of in ["2011-11-29", "2011-12-01", "2021-01-01"] {
        let as_of = NaiveDate::parse_from_str(as_of, "%Y-%m-%d").expect("a date");
        let data = population.clone().dataset(as_of).expect("the dataset");
        compare_engines(
            &rules.program,
            &data,
            &format!("generated as of {as_of}"),
            out,
        );
    }
}

#[test]
fn the_executor_decides_each_legacy_points_draft_as_the_interpreter() {
    let drafts = root().join("rules/drafts/legacy-points");
    for draft in ["a", "b", "c"] {
        let rules = RulesFrom::Directory(root().join("rules"))
            .with_drafts(&[drafts.join(format!("{draft}.yaml"))])
            .rules()
            .expect("the draft checks");
        let mut agreement = Agreement::default();
        compare_cases(&rules, &root().join("rules"), &mut agreement);
        compare_population(&rules, &mut agreement);
        assert!(agreement.compared > 30_000, "{}", agreement.compared);
        agreement.assert_none(&format!("draft {draft}"));
    }
}

#[test]
fn the_executor_hands_a_definition_reading_overridden_to_the_interpreter_and_agrees() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), &dir.path().join("rules"));
    let cap = "id: cap\ntitle: A cap\nkind: ruling\nsource: https://example.org/cap\n\
               effective_from: 2011-11-30\ndefinitions: {}\noverrides:\n  \
               - target: record.reapply_points\n    priority: 20\n    cite: \"cap\"\n    \
               when: overridden != null and overridden > 20\n    then: 20\n";
    std::fs::write(dir.path().join("rules/rulings/cap.yaml"), cap).expect("a rule file");
    let rules = RulesFrom::Directory(dir.path().join("rules"))
        .rules()
        .expect("the rules check");
    let program = &rules.program;
    let data = wotrules_store::read_case_file(&root().join("rules/tests/cases/a20111001.1.yaml"))
        .expect("the case")
        .dataset(NaiveDate::from_ymd_opt(2011, 12, 5).expect("a date"))
        .expect("the dataset");
    let columnar = Evaluation::columnar(program, &data, &program.output_definitions());
    assert_eq!(columnar.interpreted_definitions(), ["reapply_points"]);
    // The command says so, once.
    let case = root().join("rules/tests/cases/a20111001.1.yaml");
    let run = crate::support::wotrules(
        dir.path(),
        &["eval", "--case", case.to_str().expect("UTF-8"), "--summary"],
    );
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert_eq!(
        run.stderr
            .matches("note: the interpreter decides `reapply_points`")
            .count(),
        1,
        "{}",
        run.transcript()
    );
    let mut agreement = Agreement::default();
    compare_engines(program, &data, "capped", &mut agreement);
    compare_population(&rules, &mut agreement);
    agreement.assert_none("an override reading `overridden`");
}

#[test]
fn an_error_is_the_interpreters_error_with_its_place() {
    // A rule dividing by a record's points fails where they are 0, in both engines alike.
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), &dir.path().join("rules"));
    let points = dir.path().join("rules/ap/points.yaml");
    let text = std::fs::read_to_string(&points).expect("the rule file");
    let edited = text.replace(
        "then: min(100, record.method_points)",
        "then: min(100, record.method_points * 10 / (record.points + 1 - 1))",
    );
    assert_ne!(text, edited, "the edit applies");
    std::fs::write(&points, edited).expect("written");
    let rules = RulesFrom::Directory(dir.path().join("rules"))
        .rules()
        .expect("the rules check");
    let data = wotrules_store::read_case_file(&root().join("rules/tests/cases/a20111001.1.yaml"))
        .expect("the case")
        .dataset(NaiveDate::from_ymd_opt(2011, 12, 5).expect("a date"))
        .expect("the dataset");
    let mut agreement = Agreement::default();
    compare_engines(&rules.program, &data, "dividing", &mut agreement);
    agreement.assert_none("errors");
    let outputs = rules.program.output_definitions();
    let mut columnar = Evaluation::columnar(&rules.program, &data, &outputs);
    columnar.focus(&(0..data.members.len()).collect::<Vec<_>>());
    let counts = rules
        .program
        .record_outputs
        .iter()
        .find(|o| o.name == "counts")
        .expect("counts");
    let failed: Vec<String> = (0..data.records.len())
        .filter_map(|r| columnar.value(counts.definition, r).err())
        .map(|e| e.to_string())
        .collect();
    assert!(!failed.is_empty(), "a record with 0 points fails");
    assert!(
        failed
            .iter()
            .all(|e| e.contains("division by zero") && e.contains("ap/points.yaml")),
        "{failed:?}"
    );
}

#[test]
fn only_what_is_asked_is_computed() {
    // The outputs read no Part II mailing text: an evaluation of the outputs (what
    // `eval --summary` runs) computes none; one asked for a text computes it and what it reads.
    let rules = RulesFrom::Directory(root().join("rules"))
        .rules()
        .expect("the shipped rules check");
    let program = &rules.program;
    let data = wotrules_store::read_case_file(&root().join("rules/tests/cases/a20111001.1.yaml"))
        .expect("the case")
        .dataset(NaiveDate::from_ymd_opt(2011, 12, 5).expect("a date"))
        .expect("the dataset");
    let outputs = Evaluation::columnar(program, &data, &program.output_definitions());
    let computed = outputs.computed_definitions();
    assert!(computed.contains(&"level".to_string()), "{computed:?}");
    assert!(
        computed.contains(&"live".to_string()),
        "what the outputs read: {computed:?}"
    );
    assert!(
        !computed.iter().any(|name| name.starts_with("part_2")),
        "{computed:?}"
    );
    let item = program
        .definitions
        .iter()
        .position(|d| d.name == "part_2_assuree_item")
        .expect("the mailing's text");
    let texts = Evaluation::columnar(program, &data, &[item]).computed_definitions();
    assert_eq!(
        texts.last().map(String::as_str),
        Some("part_2_assuree_item")
    );
    assert!(texts.contains(&"part_2_line".to_string()), "{texts:?}");
    assert!(!texts.contains(&"level".to_string()), "{texts:?}");
}
