//! `--why-not`: every suggestion, applied to the data and re-evaluated with the same rules
//! by an evaluation of its own, gives the value asked for; what stands in the way is a row
//! that gives the value and fails now.

use crate::support::{root, wotrules, yaml_files};
use proptest::prelude::*;
use wotrules_core::check::Program;
use wotrules_core::data::Rows;
use wotrules_core::eval::Evaluation;
use wotrules_core::lang::Value;
use wotrules_features::whynot::{apply, why_not};
use wotrules_session::{Rules, RulesFrom};
use wotrules_store::read_case;

fn rules() -> Rules {
    RulesFrom::Directory(root().join("rules"))
        .rules()
        .expect("the shipped rules check")
}

/// `level` of `member` over the rows, by a fresh evaluation.
fn level(program: &Program, rows: &Rows, as_of: chrono::NaiveDate, member: i64) -> Value {
    let data = rows.clone().dataset(as_of).expect("within the limits");
    let index = data
        .members
        .iter()
        .position(|m| m.evaluated && m.row.id == member)
        .expect("the member");
    let level = program
        .member_outputs
        .iter()
        .find(|o| o.name == "level")
        .expect("the level output");
    Evaluation::new(program, &data)
        .value(level.definition, index)
        .expect("level evaluates")
}

/// Asks why every member of `case` is not an assurer and checks every answer; returns how
/// many suggestions were checked.
fn check_case(rules: &Rules, case: &Rows, as_of: chrono::NaiveDate) -> usize {
    let program = &rules.program;
    let wanted = Value::Text("assurer".into());
    let output = program
        .member_outputs
        .iter()
        .find(|o| o.name == "level")
        .expect("the level output")
        .definition;
    let rows = case;
    let mut checked = 0;
    for member in &case.members {
        let answer = why_not(
            program,
            &rules.why_not,
            rows,
            as_of,
            member.id,
            output,
            &wanted,
        )
        .expect("the member is listed");
        let now = level(program, rows, as_of, member.id);
        assert_eq!(answer.current, now);
        if now == wanted {
            assert!(answer.suggestions.is_empty() && answer.evaluated == 0);
            continue;
        }
        assert!(
            !answer.obstacles.is_empty(),
            "member {}: what stands in the way",
            member.id
        );
        for obstacle in &answer.obstacles {
            assert_eq!(obstacle.definition, "member.level");
            // An earlier row that holds now, or a part of this row that does not.
            let holds = obstacle.failed.value == Value::Bool(true);
            assert_eq!(holds, obstacle.earlier_row_holds, "{obstacle:?}");
        }
        for suggestion in &answer.suggestions {
            let (members, records, texts) = apply(rows, as_of, member.id, &suggestion.changes);
            let changed = Rows {
                as_of: Some(as_of),
                request: rows.request.clone(),
                members,
                records,
                texts,
            };
            assert_eq!(
                level(program, &changed, as_of, member.id),
                wanted,
                "member {}: {:?}",
                member.id,
                suggestion.changes
            );
            assert_eq!(suggestion.cites.len(), suggestion.changes.len());
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_suggestion_for_the_shipped_cases_reaches_assurer() {
    let rules = rules();
    let mut cases = yaml_files(&root().join("rules/tests/cases"));
    cases.push(root().join("rules/tests/cases/a20111001.1.yaml"));
    let mut checked = 0;
    for path in cases {
        let text = std::fs::read_to_string(&path).expect("the case");
        let case = read_case("case", &text).expect("the case reads");
        let as_of = case.as_of.expect("the shipped cases name their date");
        checked += check_case(&rules, &case, as_of);
    }
    assert!(checked >= 15, "many suggestions checked: {checked}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Generated populations (the benchmark profile, small): every suggestion holds.
    #[test]
    fn every_suggestion_for_a_generated_population_reaches_assurer(seed in 1u64..10_000) {
        let rules = rules();
        let profile_path = root().join("benches/population.yaml");
        let text = std::fs::read_to_string(&profile_path).expect("the profile");
        let profile = wotrules_features::generate::read_profile("profile", &text).expect("the profile reads");
        let mut case = wotrules_features::generate::generate(&profile, 12, seed).expect("a population");
        case.members.truncate(6);
        let as_of = wotrules_core::lang::parse_calendar_date("2016-01-01").expect("a date");
        check_case(&rules, &case, as_of);
    }
}

#[test]
fn the_command_line_explains_the_member_of_the_ruling() {
    let run = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--member",
            "1500",
            "--why-not",
            "level=assurer",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("member.assurance_points >= 100 — false (member.assurance_points = 45)")
    );
    assert!(
        run.stdout
            .contains("re-apply record 123456 (it then counts 35 points), receive 1 more"),
        "{}",
        run.stdout
    );
    let record = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--record",
            "124001",
            "--why-not",
            "reapply=eligible",
        ],
    );
    assert_eq!(record.code, Some(0), "{}", record.stderr);
    assert!(
        record
            .stdout
            .contains("row 4 holds first: record.ttp_mark — true"),
        "{}",
        record.stdout
    );
    let bad = wotrules(
        &root(),
        &[
            "eval",
            "--case",
            "rules/tests/cases/a20111001.1.yaml",
            "--member",
            "1500",
            "--why-not",
            "level=asurer",
        ],
    );
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("is not a value of `level`"),
        "{}",
        bad.stderr
    );
    // The misspelt value gets the did-you-mean `--explain` and the server give.
    assert!(
        bad.stderr.contains("help: did you mean `assurer`?"),
        "{}",
        bad.stderr
    );
}

#[test]
fn why_not_in_every_format_is_pinned() {
    for format in ["text", "markdown", "moin", "json"] {
        let run = wotrules(
            &root(),
            &[
                "eval",
                "--case",
                "rules/tests/cases/a20111001.1.yaml",
                "--member",
                "1500",
                "--why-not",
                "level=assurer",
                "--format",
                format,
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        crate::support::snapshot_settings().bind(|| {
            insta::assert_snapshot!(format!("why_not@{format}"), run.stdout);
        });
    }
}
