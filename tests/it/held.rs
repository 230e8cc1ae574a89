//! The held decisions of S, the benchmark's small population (`wotrules gen --members 10000
//! --seed 7`, as of 2021-01-01 as `bench/run.sh` evaluates it): every output's value and
//! deciding clause for every member and every record. Whatever the evaluator becomes, these
//! stay identical; the cases of `rules/tests/cases/` are held by their own snapshots.

use std::fmt::Write;

use crate::support::{root, snapshot_settings, wotrules};
use sha2::{Digest, Sha256};
use wotrules_core::check::Program;
use wotrules_core::data::Dataset;
use wotrules_core::eval::{Decision, Engine, Evaluation, over_chunks, quietly, summarize};

#[test]
fn the_decisions_of_s_are_held() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let profile = root().join("benches/population.yaml");
    let profile = profile.to_str().expect("UTF-8");
    let args = [
        "gen",
        "--members",
        "10000",
        "--seed",
        "7",
        "--db",
        "s.sqlite",
        "--profile",
        profile,
    ];
    let run = wotrules(dir.path(), &args);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    let rules = wotrules_session::RulesFrom::Directory(root().join("rules"))
        .rules()
        .expect("the rules");
    let program = &rules.program;
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).expect("a date");
    let data =
        wotrules_session::dataset_at("db", &dir.path().join("s.sqlite"), &rules, Some(as_of))
            .expect("S reads");

    // Every decision, one line each, in member order; each member's received records after
    // it. Chunks are decided by the chunk driver (in parallel) and hashed in order, by each
    // engine: the held decisions are the interpreter's and the columnar executor's alike.
    let outputs = program.output_definitions();
    let hashed = |engine: Engine| {
        let chunks = over_chunks(
            data.members.len(),
            &quietly,
            || Evaluation::for_chunks(program, &data, engine, &outputs),
            |evaluation, chunk| decision_lines(program, &data, evaluation, chunk),
        );
        let mut hasher = Sha256::new();
        let mut lines = 0usize;
        for chunk in chunks {
            for line in chunk {
                hasher.update(line.as_bytes());
                lines += 1;
            }
        }
        let digest: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        (lines, digest)
    };
    let (lines, digest) = hashed(Engine::Columnar);
    assert_eq!(
        hashed(Engine::Interpreter),
        (lines, digest.clone()),
        "the engines agree"
    );
    let summary = summarize(program, &data, Engine::Columnar, &quietly);
    assert_eq!(
        summarize(program, &data, Engine::Interpreter, &quietly),
        summary,
        "the engines count alike"
    );
    assert!(lines > 100_000, "{lines} decisions");
    assert_eq!(summary.errors, 0, "no output of S fails");
    let mut held = format!("{lines} decisions, sha256 {digest}\n");
    for (scope, counts) in [
        ("member", &summary.member_counts),
        ("record", &summary.record_counts),
    ] {
        for (output, values) in counts {
            let _ = writeln!(held, "{scope}.{output}: {values:?}");
        }
    }
    snapshot_settings().bind(|| insta::assert_snapshot!("held_decisions_of_s", held));
}

/// The decisions of a chunk's members and the records they received, one line each.
fn decision_lines(
    program: &Program,
    data: &Dataset,
    evaluation: &mut Evaluation,
    chunk: &[usize],
) -> Vec<String> {
    evaluation.focus(chunk);
    let mut out = Vec::new();
    let mut line = String::new();
    for &member in chunk {
        let mut entities = vec![(&program.member_outputs, member, "member")];
        if !data.members[member].evaluated {
            entities.clear();
        }
        for record in data.received(member) {
            entities.push((&program.record_outputs, record, "record"));
        }
        for (outputs, entity, kind) in entities {
            let id = match kind {
                "member" => data.members[entity].row.id,
                _ => data.records[entity].id,
            };
            for output in outputs {
                let value = match evaluation.value(output.definition, entity) {
                    Ok(value) => value.to_string(),
                    Err(error) => format!("error: {error}"),
                };
                let decision = clause(evaluation.decision(output.definition, entity));
                line.clear();
                let _ = writeln!(line, "{kind} {id} {}: {value} by {decision}", output.name);
                out.push(line.clone());
            }
        }
    }
    out
}

/// The deciding clause in words that do not depend on how the evaluator stores it.
fn clause(decision: Option<&Decision>) -> String {
    match decision {
        None => "nothing".into(),
        Some(Decision::Value) => "its value".into(),
        Some(Decision::Case(row)) => format!("row {}", row + 1),
        Some(Decision::Override(index)) => format!("override {}", index + 1),
        Some(Decision::Collected(None)) => "no row".into(),
        Some(Decision::Collected(Some(rows))) => {
            format!("rows {:?}, overrides {:?}", rows.0, rows.1)
        }
        Some(Decision::NotInForce) => "its rule file not in force".into(),
    }
}
