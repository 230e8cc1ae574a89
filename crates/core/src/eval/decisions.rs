//! Decisions: every output of the selected members and records, ready to report.

use super::{Decision, EvalError, Evaluation, TraceNode};
use crate::check::program::{DefId, Program};
use crate::data::Dataset;
use crate::diag::{Diagnostic, DiagnosticCode};
use crate::lang::Value;

/// Which members and records to decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every evaluated member and every record.
    All,
    /// Members (by index into the dataset), each with the records it received.
    Members(Vec<usize>),
    /// One record (by index into the dataset).
    Record(usize),
}

impl Selection {
    /// The members `members` (each with the records it received), else the record
    /// `record`, else everything; an id the data does not hold is an error saying which.
    pub fn of(data: &Dataset, members: &[i64], record: Option<i64>) -> Result<Self, Diagnostic> {
        match (members, record) {
            ([_, ..], _) => members
                .iter()
                .map(|&id| {
                    data.members
                        .iter()
                        .position(|m| m.evaluated && m.row.id == id)
                        .ok_or_else(|| {
                            Diagnostic::error(
                                DiagnosticCode::UnknownMember,
                                format!("member {id} is not in the data"),
                            )
                            .help("`--member` takes the id of a listed member")
                        })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Selection::Members),
            ([], Some(id)) => data
                .records
                .iter()
                .position(|r| r.id == id)
                .map(Selection::Record)
                .ok_or_else(|| {
                    Diagnostic::error(
                        DiagnosticCode::UnknownRecord,
                        format!("record {id} is not in the data as of {}", data.as_of),
                    )
                    .help("`--record` takes the id of a notary row entered on or before the date")
                }),
            ([], None) => Ok(Selection::All),
        }
    }
}

/// Which outputs to explain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explain {
    /// None: values only.
    Nothing,
    /// Every output.
    Everything,
    /// The outputs of these names (member or record outputs).
    Outputs(Vec<String>),
}

impl Explain {
    /// The outputs named, or an error naming the first that `program` does not have.
    pub fn outputs(names: Vec<String>, program: &Program) -> Result<Self, Diagnostic> {
        if names.is_empty() {
            return Ok(Self::Everything);
        }
        let known: Vec<&str> = program
            .member_outputs
            .iter()
            .chain(&program.record_outputs)
            .map(|o| o.name.as_str())
            .collect();
        if let Some(unknown) = names.iter().find(|name| !known.contains(&name.as_str())) {
            let help = crate::suggest::did_you_mean(unknown, known.iter().copied())
                .unwrap_or_else(|| format!("outputs: {}", known.join(", ")));
            return Err(Diagnostic::error(
                DiagnosticCode::Usage,
                format!("`--explain {unknown}`: no such output"),
            )
            .help(help));
        }
        Ok(Self::Outputs(names))
    }

    fn wants(&self, output: &str) -> bool {
        match self {
            Self::Nothing => false,
            Self::Everything => true,
            Self::Outputs(names) => names.iter().any(|n| n == output),
        }
    }
}

/// The outputs of one member or record.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityDecisions {
    /// Index into the dataset's members or records.
    pub index: usize,
    /// Member or notary id.
    pub id: i64,
    /// Output name and value, in schema order, or the evaluation error.
    pub outputs: Vec<(String, Result<Value, EvalError>)>,
    /// Per output (in the same order), its definition and the clause that decided it.
    pub decided: Vec<(DefId, Decision)>,
    /// Output name and the trace behind it, when explanations were asked for.
    pub traces: Vec<(String, TraceNode)>,
    /// The outputs a draft decided (`status: draft`): their index and the draft's id.
    pub drafted: Vec<(usize, String)>,
}

/// Everything decided in one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Decisions {
    /// The members decided, in dataset order.
    pub members: Vec<EntityDecisions>,
    /// The records decided, by id.
    pub records: Vec<EntityDecisions>,
}

impl Decisions {
    /// Whether any output failed to evaluate.
    pub fn has_errors(&self) -> bool {
        self.members
            .iter()
            .chain(&self.records)
            .any(|e| e.outputs.iter().any(|(_, v)| v.is_err()))
    }
}

/// Decides every output of the selection, with the traces `explain` asks for: members of a
/// large database with a memo for them and their records only.
pub fn decide(
    program: &Program,
    data: &Dataset,
    selection: Selection,
    explain: &Explain,
) -> Decisions {
    let mut evaluation = match &selection {
        Selection::All | Selection::Record(_) => Evaluation::new(program, data),
        Selection::Members(members) => {
            let mut evaluation = Evaluation::chunked(program, data);
            evaluation.focus(members);
            evaluation
        }
    };
    evaluation.decide_all(selection, explain)
}

impl Evaluation<'_> {
    /// Decides every output of the selection, with the traces `explain` asks for.
    pub fn decide_all(&mut self, selection: Selection, explain: &Explain) -> Decisions {
        let data = self.data;
        let members: Vec<usize> = match &selection {
            Selection::All => (0..data.members.len())
                .filter(|i| data.members[*i].evaluated)
                .collect(),
            Selection::Members(members) => members.clone(),
            Selection::Record(_) => Vec::new(),
        };
        let records: Vec<usize> = match &selection {
            Selection::All => (0..data.records.len()).collect(),
            Selection::Members(members) => {
                let mut records: Vec<usize> =
                    members.iter().flat_map(|&m| data.received(m)).collect();
                records.sort_unstable();
                records.dedup();
                records
            }
            Selection::Record(index) => vec![*index],
        };
        let program = self.program;
        let member_decisions = members
            .into_iter()
            .map(|index| {
                self.entity(
                    index,
                    data.members[index].row.id,
                    &program.member_outputs,
                    explain,
                )
            })
            .collect();
        let record_decisions = records
            .into_iter()
            .map(|index| {
                self.entity(
                    index,
                    data.records[index].id,
                    &program.record_outputs,
                    explain,
                )
            })
            .collect();
        Decisions {
            members: member_decisions,
            records: record_decisions,
        }
    }

    /// Decides the members of `chunk` (the evaluation focused on it) and every record they
    /// received (those of members without a row included), with the traces `explain` asks
    /// for: one chunk of a whole dataset.
    pub fn decide_chunk(&mut self, chunk: &[usize], explain: &Explain) -> Decisions {
        let data = self.data;
        let program = self.program;
        let (members, mut records) = data.chunk_entities(chunk);
        records.sort_unstable();
        let members = members
            .into_iter()
            .map(|index| {
                let id = data.members[index].row.id;
                self.entity(index, id, &program.member_outputs, explain)
            })
            .collect();
        let records = records
            .into_iter()
            .map(|index| {
                let id = data.records[index].id;
                self.entity(index, id, &program.record_outputs, explain)
            })
            .collect();
        Decisions { members, records }
    }

    fn entity(
        &mut self,
        index: usize,
        id: i64,
        outputs: &[crate::check::program::Output],
        explain: &Explain,
    ) -> EntityDecisions {
        let values = outputs
            .iter()
            .map(|output| (output.name.clone(), self.value(output.definition, index)))
            .collect();
        let decided: Vec<(DefId, Decision)> = outputs
            .iter()
            .map(|output| {
                let decision = self.decision(output.definition, index).cloned();
                (output.definition, decision.unwrap_or(Decision::NotInForce))
            })
            .collect();
        let traces = outputs
            .iter()
            .filter(|output| explain.wants(&output.name))
            .map(|output| (output.name.clone(), self.trace(output.definition, index)))
            .collect();
        let drafted = self.drafted(index, &decided);
        EntityDecisions {
            index,
            id,
            outputs: values,
            decided,
            traces,
            drafted,
        }
    }
}

/// The rule that decided definition `id` as `decision` (the body's for a collected table).
fn deciding_rule<'p>(
    program: &'p Program,
    id: DefId,
    decision: &Decision,
) -> Option<&'p crate::check::program::Rule> {
    use crate::check::program::Body;
    let definition = program.definitions.get(id)?;
    match (decision, &definition.body) {
        (Decision::Override(n), _) => definition.overrides.get(*n).map(|(_, rule)| rule),
        (Decision::Case(row), Body::Cases(rules) | Body::Collect(rules)) => rules.get(*row),
        (_, Body::Value(rule)) => Some(rule),
        (_, Body::Cases(rules) | Body::Collect(rules)) => rules.first(),
    }
}

/// Every rule of definition `id`: its overrides, then its body's.
fn rules_of(program: &Program, id: DefId) -> impl Iterator<Item = &crate::check::program::Rule> {
    use crate::check::program::Body;
    let definition = program.definitions.get(id);
    let overrides = definition
        .into_iter()
        .flat_map(|d| d.overrides.iter().map(|(_, rule)| rule));
    let body = definition.into_iter().flat_map(|d| match &d.body {
        Body::Value(rule) => std::slice::from_ref(&**rule),
        Body::Cases(rules) | Body::Collect(rules) => rules.as_slice(),
    });
    overrides.chain(body)
}

impl Evaluation<'_> {
    /// The outputs (by index) a draft decided, with the draft's id: the clause that decided
    /// the output is in a draft, or one that decided a definition of the entity it read
    /// (directly or through others) is.
    fn drafted(&self, entity: usize, decided: &[(DefId, Decision)]) -> Vec<(usize, String)> {
        if !self.has_drafts() {
            return Vec::new();
        }
        let program = self.program();
        decided
            .iter()
            .enumerate()
            .filter_map(|(index, (id, decision))| {
                let mut seen = vec![false; program.definitions.len()];
                let mut pending = vec![(*id, decision.clone())];
                while let Some((id, decision)) = pending.pop() {
                    if std::mem::replace(seen.get_mut(id)?, true) {
                        continue;
                    }
                    let rule = deciding_rule(program, id, &decision)?;
                    let info = program.files.get(rule.file)?;
                    if info.draft {
                        return Some((index, info.id.clone()));
                    }
                    // What the rows and overrides tried read counts too (a row that did not
                    // hold because of a drafted value): every definition they name that
                    // was evaluated for the entity.
                    for used in rules_of(program, id).flat_map(|rule| &rule.uses) {
                        if let Some(decision) = self.decision(*used, entity) {
                            pending.push((*used, decision.clone()));
                        }
                    }
                }
                None
            })
            .collect()
    }
}
