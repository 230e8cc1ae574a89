//! Criterion: the interpreter and the hand-written rules over the same in-memory S dataset
//! (10 000 generated members), one core each. Run with `cargo bench` in `benches/`.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use wotrules_core::data::Dataset;
use wotrules_core::eval::{CHUNK_MEMBERS, Evaluation};

fn dataset() -> (wotrules_core::check::Program, Dataset) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let rules = wotrules_session::RulesFrom::Directory(root.join("rules"))
        .rules()
        .expect("the rules check");
    let profile = std::fs::read_to_string(root.join("benches/population.yaml")).expect("profile");
    let profile =
        wotrules_features::generate::read_profile("population.yaml", &profile).expect("profile");
    let case = wotrules_features::generate::generate(&profile, 10_000, 7).expect("a population");
    let as_of = wotrules_core::lang::parse_calendar_date("2021-01-01").expect("a date");
    let data = wotrules_core::data::Rows::dataset(case, as_of).expect("within the limits");
    (rules.program, data)
}

fn rules_over_s(c: &mut Criterion) {
    let (program, data) = dataset();
    let members: Vec<usize> = (0..data.members.len()).collect();
    let mut group = c.benchmark_group("rules over S, one core");
    group.sample_size(20);
    group.bench_function("interpreter", |b| {
        b.iter(|| {
            let mut evaluation = Evaluation::chunked(&program, &data);
            let mut decided = 0usize;
            for chunk in members.chunks(CHUNK_MEMBERS) {
                evaluation.focus(chunk);
                let (members, records) = data.chunk_entities(chunk);
                for (outputs, entities) in [
                    (&program.member_outputs, members),
                    (&program.record_outputs, records),
                ] {
                    for output in outputs {
                        for &entity in &entities {
                            decided += evaluation.value(output.definition, entity).is_ok() as usize;
                        }
                    }
                }
            }
            decided
        })
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| wotrules_bench::handwritten::decide(&data))
    });
    group.finish();
}

criterion_group!(benches, rules_over_s);
criterion_main!(benches);
