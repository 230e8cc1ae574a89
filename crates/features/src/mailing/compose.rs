//! Scripted mailings: the messages a ruling's `mailings:` order, composed from the
//! evaluation, written as RFC 5322 files an operator reviews and hands to their MTA.
//!
//! What is selected, who is written to and what the messages say are the rule file's
//! definitions; this module groups the selected records by recipient (one message per
//! member and mailing), evaluates the message definitions for each, and encodes the result.

use serde::Serialize;

use super::plan::Mailing;
use wotrules_core::check::Program;
use wotrules_core::check::program::{Body, DefId};
use wotrules_core::data::Dataset;
use wotrules_core::eval::{Decision, Engine, EvalError, Evaluation, Progress, over_chunks};
use wotrules_core::lang::{Direction, Value};

/// One message, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The recipient's member id.
    pub member: i64,
    /// The recipient's address.
    pub address: String,
    /// The records the message is about, by id.
    pub records: Vec<i64>,
    /// The subject.
    pub subject: String,
    /// The text.
    pub body: String,
}

/// A message written: to whom, about which records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mailed {
    /// The recipient's member id.
    pub member: i64,
    /// The records the message is about, by id.
    pub records: Vec<i64>,
}

/// A member a mailing would write to but does not, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotMailed {
    /// The member id.
    pub member: i64,
    /// The records the message would have been about.
    pub records: Vec<i64>,
    /// The clause that excluded the member, or what went wrong.
    pub reason: String,
    /// Whether the reason is an evaluation error (not a decision of the rules).
    pub error: bool,
}

/// What one mailing wrote, without the messages themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Mailbag {
    /// The mailing's id.
    pub id: String,
    /// The clause ordering it.
    pub cite: String,
    /// `assurer` or `assuree`.
    pub role: &'static str,
    /// The `From:` header.
    pub from: String,
    /// The records selected, by id.
    pub selected: Vec<i64>,
    /// The messages written, by member id.
    pub mailed: Vec<Mailed>,
    /// The members not written to.
    pub not_mailed: Vec<NotMailed>,
}

/// Why a mailing cannot be composed (or finished).
#[derive(Debug, thiserror::Error)]
pub enum MailingError {
    /// The rules order no mailing.
    #[error("the rules order no mailing")]
    None,
    /// The mailing's rule file is not in force as of the evaluation date.
    #[error("mailing `{id}` ({path}) is not in force")]
    NotInForce {
        /// The mailing.
        id: String,
        /// Its rule file.
        path: String,
    },
    /// Selecting the records failed for a record.
    #[error("record {record}: {error}")]
    Selection {
        /// The record id.
        record: i64,
        /// The evaluation error.
        error: EvalError,
    },
    /// Handing a message over failed (writing its file).
    #[error(transparent)]
    Delivery(Box<dyn std::error::Error + Send + Sync>),
}

/// What the rules make of one recipient of a mailing.
enum Composed {
    /// A message to send.
    Message {
        /// The recipient's address.
        address: String,
        /// The subject.
        subject: String,
        /// The text.
        body: String,
    },
    /// No message: the clause (or the missing address) that says so.
    Excluded(String),
}

/// Why a recipient's message could not be composed.
#[derive(Debug, thiserror::Error)]
enum MessageError {
    /// A message definition failed to evaluate.
    #[error(transparent)]
    Evaluation(#[from] EvalError),
    /// A message definition is not text.
    #[error("`{name}` is {value}, not text")]
    NotText {
        /// The definition.
        name: String,
        /// What it is.
        value: String,
    },
}

/// How many recipients one evaluation of the messages holds: memory stays proportional to it.
const RECIPIENTS_AT_ONCE: usize = 1024;

/// Composes `mailings` of `program` over `data`, handing each message to `deliver` as soon
/// as it is composed (a mailing to a million members is never held in memory); `progress`
/// is told the members whose records each mailing has selected from.
pub fn compose<E: std::error::Error + Send + Sync + 'static>(
    program: &Program,
    mailings: &[Mailing],
    data: &Dataset,
    progress: Progress,
    mut deliver: impl FnMut(&Mailbag, &Message) -> Result<(), E>,
) -> Result<Vec<Mailbag>, MailingError> {
    if mailings.is_empty() {
        return Err(MailingError::None);
    }
    let mut evaluation = Evaluation::chunked(program, data);
    mailings
        .iter()
        .map(|mailing| compose_one(&mut evaluation, mailing, progress, &mut deliver))
        .collect()
}

fn compose_one<E: std::error::Error + Send + Sync + 'static>(
    evaluation: &mut Evaluation,
    mailing: &Mailing,
    progress: Progress,
    deliver: &mut impl FnMut(&Mailbag, &Message) -> Result<(), E>,
) -> Result<Mailbag, MailingError> {
    let (program, data) = (evaluation.program(), evaluation.data());
    if !evaluation.in_force(mailing.file) {
        return Err(MailingError::NotInForce {
            id: mailing.id.clone(),
            path: program.files[mailing.file].path.clone(),
        });
    }
    // (recipient, record) for every selected record, chunk by chunk of the members who
    // received them (every record is received by one member); the first error in member
    // order stops the mailing.
    let chunks = over_chunks(
        data.members.len(),
        progress,
        || Evaluation::for_chunks(program, data, Engine::default(), &[mailing.records]),
        |evaluation, chunk| selected_in(evaluation, mailing, chunk),
    );
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for chunk in chunks {
        pairs.extend(chunk?);
    }
    let mut selected: Vec<i64> = pairs
        .iter()
        .map(|&(_, r)| data.records[r as usize].id)
        .collect();
    selected.sort_unstable();
    // Recipients by member id, each with its records in id order (records are sorted by id).
    pairs.sort_unstable_by_key(|&(member, record)| (data.members[member as usize].row.id, record));
    let mut bag = Mailbag {
        id: mailing.id.clone(),
        cite: mailing.cite.clone(),
        role: match mailing.recipient {
            Direction::Given => "assurer",
            Direction::Received => "assuree",
        },
        from: mailing.from.clone(),
        selected,
        mailed: Vec::new(),
        not_mailed: Vec::new(),
    };
    let groups: Vec<(usize, Vec<i64>)> = pairs
        .chunk_by(|a, b| a.0 == b.0)
        .map(|group| {
            let records = group
                .iter()
                .map(|&(_, r)| data.records[r as usize].id)
                .collect();
            (group[0].0 as usize, records)
        })
        .collect();
    for chunk in groups.chunks(RECIPIENTS_AT_ONCE) {
        let recipients: Vec<usize> = chunk.iter().map(|(member, _)| *member).collect();
        evaluation.focus(&recipients);
        for (member, records) in chunk {
            let id = data.members[*member].row.id;
            let records = records.clone();
            match message(evaluation, mailing, *member) {
                Ok(Composed::Message {
                    address,
                    subject,
                    body,
                }) => {
                    let message = Message {
                        member: id,
                        address,
                        records,
                        subject,
                        body,
                    };
                    deliver(&bag, &message).map_err(|e| MailingError::Delivery(Box::new(e)))?;
                    bag.mailed.push(Mailed {
                        member: id,
                        records: message.records,
                    });
                }
                Ok(Composed::Excluded(reason)) => bag.not_mailed.push(NotMailed {
                    member: id,
                    records,
                    reason,
                    error: false,
                }),
                Err(error) => bag.not_mailed.push(NotMailed {
                    member: id,
                    records,
                    reason: error.to_string(),
                    error: true,
                }),
            }
        }
    }
    Ok(bag)
}

/// The selected records of a chunk of members (those they received), each with its
/// recipient.
fn selected_in(
    evaluation: &mut Evaluation,
    mailing: &Mailing,
    chunk: &[usize],
) -> Result<Vec<(u32, u32)>, MailingError> {
    let data = evaluation.data();
    evaluation.focus(chunk);
    let mut pairs = Vec::new();
    for &member in chunk {
        for record in data.received(member) {
            match evaluation.value(mailing.records, record) {
                Ok(Value::Bool(true)) => {}
                Ok(_) => continue,
                Err(error) => {
                    return Err(MailingError::Selection {
                        record: data.records[record].id,
                        error,
                    });
                }
            }
            let link = data.links[record];
            let recipient = match mailing.recipient {
                Direction::Given => link.assurer,
                Direction::Received => link.assuree,
            };
            pairs.push((recipient, record as u32));
        }
    }
    Ok(pairs)
}

/// The message to `member`, or why there is none.
fn message(
    evaluation: &mut Evaluation,
    mailing: &Mailing,
    member: usize,
) -> Result<Composed, MessageError> {
    if evaluation.data().members[member].row.contact.is_none() {
        return Ok(Composed::Excluded(
            "the member has no row in `users` (no name, no address)".into(),
        ));
    }
    if evaluation.value(mailing.mailed, member)? != Value::Bool(true) {
        return Ok(Composed::Excluded(deciding_cite(
            evaluation,
            mailing.mailed,
            member,
        )));
    }
    let mut text = |id: DefId| match evaluation.value(id, member)? {
        Value::Text(text) => Ok(text.to_string()),
        other => Err(MessageError::NotText {
            name: evaluation.program().definitions[id].name.clone(),
            value: other.to_string(),
        }),
    };
    let address = text(mailing.address)?;
    if let Err(why) = check_address(&address) {
        return Ok(Composed::Excluded(why));
    }
    Ok(Composed::Message {
        subject: text(mailing.subject)?,
        body: text(mailing.body)?,
        address,
    })
}

/// The citation of the clause that decided `id` for `entity`.
fn deciding_cite(evaluation: &Evaluation, id: DefId, entity: usize) -> String {
    let definition = &evaluation.program().definitions[id];
    let rule = match (evaluation.decision(id, entity), &definition.body) {
        (Some(Decision::Case(row)), Body::Cases(rows)) => rows.get(*row),
        (Some(Decision::Override(index)), _) => definition.overrides.get(*index).map(|(_, r)| r),
        _ => None,
    };
    rule.map_or(&definition.cite, |rule| &rule.cite).clone()
}

/// An address a message may go to: `local@domain`, nothing a header could be split at.
fn check_address(address: &str) -> Result<(), String> {
    let valid = address.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && address
        .chars()
        .all(|c| c.is_ascii_graphic() || !c.is_ascii())
        && !address.chars().any(|c| {
            matches!(
                c,
                '<' | '>' | ',' | ';' | '"' | '(' | ')' | '\\' | '[' | ']'
            ) || c.is_control()
                || c.is_whitespace()
        });
    if valid {
        Ok(())
    } else if address.is_empty() {
        Err("the member has no email address".into())
    } else {
        Err(format!(
            "`{}` is not an email address a message can be sent to",
            wotrules_core::escape::escape_control(address)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check_address;

    #[test]
    fn only_plain_addresses_are_written_to() {
        assert_eq!(check_address("member1@example.org"), Ok(()));
        for bad in [
            "",
            "nobody",
            "a@localhost",
            "a@b.org\r\nBcc: c@d.org",
            "A <a@b.org>",
            "a b@c.org",
        ] {
            assert!(check_address(bad).is_err(), "{bad:?}");
        }
    }
}
