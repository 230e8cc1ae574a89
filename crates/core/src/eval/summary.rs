//! The summary view: how many members and records each enumerated outcome has.

use std::collections::BTreeMap;

use super::{Engine, Evaluation, Progress, over_chunks};
use crate::check::program::{Output, Program};
use crate::data::Dataset;
use crate::lang::{Type, Value};

/// Counts of every value of every enumerated (or boolean) output.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Members evaluated.
    pub members: usize,
    /// Records evaluated.
    pub records: usize,
    /// Per member output: value → number of members (`null` for missing, `error` for failed).
    pub member_counts: Vec<(String, BTreeMap<String, usize>)>,
    /// Per record output: value → number of records; a list counts each element (`none` when empty).
    pub record_counts: Vec<(String, BTreeMap<String, usize>)>,
    /// Outputs that failed to evaluate.
    pub errors: usize,
}

fn counted(ty: &Type) -> bool {
    match ty {
        Type::Enum(_) | Type::Bool => true,
        Type::Optional(inner) | Type::List(inner) => counted(inner),
        _ => false,
    }
}

/// Evaluates every output of every evaluated member and every record, keeping counts only;
/// chunks of members are decided in parallel by `engine`, each with its own memo.
pub fn summarize(program: &Program, data: &Dataset, engine: Engine, progress: Progress) -> Summary {
    let outputs = program.output_definitions();
    over_chunks(
        data.members.len(),
        progress,
        || Evaluation::for_chunks(program, data, engine, &outputs),
        |evaluation, chunk| {
            evaluation.focus(chunk);
            evaluation.summarize_chunk(chunk)
        },
    )
    .into_iter()
    .fold(Summary::default(), Summary::merge)
}

impl Summary {
    fn merge(mut self, other: Summary) -> Summary {
        self.members += other.members;
        self.records += other.records;
        self.errors += other.errors;
        for (mine, theirs) in [
            (&mut self.member_counts, other.member_counts),
            (&mut self.record_counts, other.record_counts),
        ] {
            if mine.is_empty() {
                *mine = theirs;
                continue;
            }
            for ((_, counts), (_, more)) in mine.iter_mut().zip(theirs) {
                for (value, n) in more {
                    *counts.entry(value).or_insert(0) += n;
                }
            }
        }
        self
    }
}

impl Evaluation<'_> {
    /// Counts the outputs of the chunk's evaluated members and of the records they received.
    fn summarize_chunk(&mut self, chunk: &[usize]) -> Summary {
        let program = self.program;
        let data = self.data;
        let (members, records) = data.chunk_entities(chunk);
        let mut summary = Summary {
            members: members.len(),
            records: records.len(),
            ..Summary::default()
        };
        summary.member_counts = self.count(&program.member_outputs, &members, &mut summary.errors);
        summary.record_counts = self.count(&program.record_outputs, &records, &mut summary.errors);
        summary
    }

    fn count(
        &mut self,
        outputs: &[Output],
        entities: &[usize],
        errors: &mut usize,
    ) -> Vec<(String, BTreeMap<String, usize>)> {
        let program = self.program;
        let mut counts: Vec<(String, BTreeMap<String, usize>)> = Vec::new();
        for output in outputs {
            // Few distinct values: a short list compared by value, named once at the end.
            let mut values: Vec<(Result<Value, ()>, usize)> = Vec::new();
            let shown = counted(&program.definitions[output.definition].ty);
            for entity in entities {
                let value = self.value(output.definition, *entity).map_err(|_| ());
                if value.is_err() {
                    *errors += 1;
                }
                if !shown {
                    continue;
                }
                let mut add =
                    |key: Result<Value, ()>| match values.iter_mut().find(|(v, _)| *v == key) {
                        Some((_, n)) => *n += 1,
                        None => values.push((key, 1)),
                    };
                match value {
                    Ok(Value::List(items)) if !items.is_empty() => {
                        items.iter().for_each(|item| add(Ok(item.clone())))
                    }
                    other => add(other),
                }
            }
            if shown {
                let named: BTreeMap<String, usize> = values
                    .into_iter()
                    .map(|(value, n)| {
                        let name = match value {
                            Err(()) => "error".into(),
                            Ok(Value::List(_)) => "none".into(),
                            Ok(value) => value.to_string(),
                        };
                        (name, n)
                    })
                    .collect();
                counts.push((output.name.clone(), named));
            }
        }
        counts
    }
}
