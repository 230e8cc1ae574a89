//! The summary view: how many members and records each enumerated outcome has.

use std::collections::BTreeMap;

use super::Evaluation;
use crate::check::program::Output;
use crate::data::{Type, Value};

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

impl Evaluation<'_> {
    /// Evaluates every output of every evaluated member and every record, keeping counts only.
    pub fn summarize(&mut self) -> Summary {
        let program = self.program;
        let data = self.data;
        let mut summary = Summary::default();
        let members: Vec<usize> = (0..data.members.len())
            .filter(|i| data.members[*i].evaluated)
            .collect();
        summary.members = members.len();
        summary.records = data.records.len();
        summary.member_counts = self.count(&program.member_outputs, &members, &mut summary.errors);
        let records: Vec<usize> = (0..data.records.len()).collect();
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
            let mut values = BTreeMap::new();
            let shown = counted(&program.definitions[output.definition].ty);
            for entity in entities {
                let value = self.value(output.definition, *entity);
                if value.is_err() {
                    *errors += 1;
                }
                if !shown {
                    continue;
                }
                let mut add = |key: String| *values.entry(key).or_insert(0) += 1;
                match value {
                    Err(_) => add("error".into()),
                    Ok(Value::List(items)) if items.is_empty() => add("none".into()),
                    Ok(Value::List(items)) => items
                        .iter()
                        .for_each(|item| add(crate::report::display_value(item))),
                    Ok(value) => add(crate::report::display_value(&value)),
                }
            }
            if shown {
                counts.push((output.name.clone(), values));
            }
        }
        counts
    }
}
