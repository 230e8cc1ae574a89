//! Scripted mailings: the messages a ruling's `mailings:` order, composed from the
//! evaluation, written as RFC 5322 files an operator reviews and hands to their MTA.
//!
//! What is selected, who is written to and what the messages say are the rule file's
//! definitions; this module groups the selected records by recipient (one message per
//! member and mailing), evaluates the message definitions for each, and encodes the result.

use serde::Serialize;

use super::json::{Stamp, to_text};
use crate::check::Program;
use crate::check::program::{Body, DefId, Mailing};
use crate::data::Dataset;
use crate::eval::{Decision, Evaluation};
use crate::lang::{Direction, Value};

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
#[derive(Debug, Clone, PartialEq)]
pub enum MailingError {
    /// The rules order no mailing.
    None,
    /// The mailing's rule file is not in force as of the evaluation date.
    NotInForce {
        /// The mailing.
        id: String,
        /// Its rule file.
        path: String,
    },
    /// Selecting the records failed for a record.
    Selection {
        /// The record id.
        record: i64,
        /// The evaluation error.
        message: String,
    },
    /// Handing a message over failed (writing its file).
    Delivery(String),
}

/// How many members one evaluation chunk holds: memory stays proportional to it.
const CHUNK_MEMBERS: usize = 1024;

/// Composes every mailing of `program` over `data`, handing each message to `deliver` as
/// soon as it is composed (a mailing to a million members is never held in memory).
pub fn compose(
    program: &Program,
    data: &Dataset,
    mut deliver: impl FnMut(&Mailbag, &Message) -> Result<(), String>,
) -> Result<Vec<Mailbag>, MailingError> {
    if program.mailings.is_empty() {
        return Err(MailingError::None);
    }
    let mut evaluation = Evaluation::chunked(program, data);
    program
        .mailings
        .iter()
        .map(|mailing| compose_one(&mut evaluation, mailing, &mut deliver))
        .collect()
}

fn compose_one(
    evaluation: &mut Evaluation,
    mailing: &Mailing,
    deliver: &mut impl FnMut(&Mailbag, &Message) -> Result<(), String>,
) -> Result<Mailbag, MailingError> {
    let (program, data) = (evaluation.program(), evaluation.data());
    if !evaluation.in_force(mailing.file) {
        return Err(MailingError::NotInForce {
            id: mailing.id.clone(),
            path: program.files[mailing.file].path.clone(),
        });
    }
    // (recipient, record) for every selected record, chunk by chunk of the members who
    // received them (every record is received by one member).
    let members: Vec<usize> = (0..data.members.len()).collect();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for chunk in members.chunks(CHUNK_MEMBERS) {
        evaluation.focus(chunk);
        for &member in chunk {
            for record in data.received(member) {
                match evaluation.value(mailing.records, record) {
                    Ok(Value::Bool(true)) => {}
                    Ok(_) => continue,
                    Err(error) => {
                        return Err(MailingError::Selection {
                            record: data.records[record].id,
                            message: *error.message,
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
    for chunk in groups.chunks(CHUNK_MEMBERS) {
        let recipients: Vec<usize> = chunk.iter().map(|(member, _)| *member).collect();
        evaluation.focus(&recipients);
        for (member, records) in chunk {
            let id = data.members[*member].row.id;
            let records = records.clone();
            match message(evaluation, mailing, *member) {
                Ok(Ok((address, subject, body))) => {
                    let message = Message {
                        member: id,
                        address,
                        records,
                        subject,
                        body,
                    };
                    deliver(&bag, &message).map_err(MailingError::Delivery)?;
                    bag.mailed.push(Mailed {
                        member: id,
                        records: message.records,
                    });
                }
                Ok(Err(reason)) => bag.not_mailed.push(NotMailed {
                    member: id,
                    records,
                    reason,
                    error: false,
                }),
                Err(message) => bag.not_mailed.push(NotMailed {
                    member: id,
                    records,
                    reason: message,
                    error: true,
                }),
            }
        }
    }
    Ok(bag)
}

/// The address, subject and text for `member`; `Ok(Err(reason))` when the rules (or the
/// member's address) exclude it; `Err` on an evaluation error.
type Composed = Result<Result<(String, String, String), String>, String>;

fn message(evaluation: &mut Evaluation, mailing: &Mailing, member: usize) -> Composed {
    if evaluation.data().members[member].row.contact.is_none() {
        return Ok(Err(
            "the member has no row in `users` (no name, no address)".into(),
        ));
    }
    match evaluation.value(mailing.mailed, member) {
        Ok(Value::Bool(true)) => {}
        Ok(_) => return Ok(Err(deciding_cite(evaluation, mailing.mailed, member))),
        Err(error) => return Err(*error.message),
    }
    let mut text = |id: DefId| match evaluation.value(id, member) {
        Ok(Value::Text(text)) => Ok(text.to_string()),
        Ok(other) => Err(format!(
            "`{}` is {other}, not text",
            evaluation.program().definitions[id].name
        )),
        Err(error) => Err(*error.message),
    };
    let address = text(mailing.address)?;
    if let Err(why) = check_address(&address) {
        return Ok(Err(why));
    }
    Ok(Ok((address, text(mailing.subject)?, text(mailing.body)?)))
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
            crate::escape::escape_control(address)
        ))
    }
}

/// The message as an RFC 5322 file: UTF-8 text, CRLF line ends, a subject encoded as RFC
/// 2047 words when it is not plain ASCII, quoted-printable when a line is too long for 8bit.
pub fn render_eml(bag: &Mailbag, message: &Message, as_of: chrono::NaiveDate) -> String {
    let domain = bag
        .from
        .rsplit_once('@')
        .map_or("wotrules.invalid", |(_, d)| d.trim_end_matches('>'));
    let date = as_of
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
        .format("%a, %d %b %Y %H:%M:%S +0000");
    let body = message.body.replace("\r\n", "\n");
    let body = body.trim_end_matches('\n');
    let long_line = body.lines().any(|line| line.len() > 998);
    let (encoding, body) = if long_line {
        ("quoted-printable", quoted_printable(body))
    } else {
        ("8bit", body.replace('\n', "\r\n"))
    };
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n\
         Message-ID: <{id}.{member}.{as_of}@{domain}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: {encoding}\r\n\
         X-Wotrules-Mailing: {id}\r\n\r\n{body}\r\n",
        from = header_text(&bag.from),
        to = message.address,
        subject = header_text(&message.subject),
        id = bag.id,
        member = message.member,
    )
}

/// A header value: one line (line breaks become spaces); RFC 2047 `=?UTF-8?B?…?=` words
/// when it holds anything but printable ASCII.
fn header_text(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        return one_line;
    }
    // Encoded words of at most 45 bytes of text each, split between characters.
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in one_line.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", base64(w.as_bytes())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Quoted-printable (RFC 2045 §6.7): soft line breaks at 76 characters, CRLF line ends.
fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    for (number, line) in text.split('\n').enumerate() {
        if number > 0 {
            out.push_str("\r\n");
        }
        let mut width = 0;
        let bytes = line.as_bytes();
        for (index, &byte) in bytes.iter().enumerate() {
            let last = index + 1 == bytes.len();
            let plain = (byte.is_ascii_graphic() && byte != b'=') || (byte == b' ' && !last);
            let piece = if plain {
                char::from(byte).to_string()
            } else {
                format!("={byte:02X}")
            };
            if width + piece.len() > 75 {
                out.push_str("=\r\n");
                width = 0;
            }
            width += piece.len();
            out.push_str(&piece);
        }
    }
    out
}

/// The file the message to `member` is written to, inside the output directory.
pub fn message_file(bag: &Mailbag, member: i64) -> String {
    format!("{}-{member}.eml", bag.id)
}

#[derive(Serialize)]
struct Index<'a> {
    #[serde(flatten)]
    stamp: Stamp,
    as_of: String,
    rules_digest: &'a str,
    summary: Summary,
    mailings: Vec<IndexedMailing<'a>>,
}

#[derive(Serialize)]
struct IndexedMailing<'a> {
    id: &'a str,
    cite: &'a str,
    role: &'static str,
    messages: Vec<IndexedMessage<'a>>,
    not_mailed: &'a [NotMailed],
}

#[derive(Serialize)]
struct IndexedMessage<'a> {
    member: i64,
    records: &'a [i64],
    file: String,
}

/// How many members of each role a mailing writes to, and how many records it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Assurers written to.
    pub assurers: usize,
    /// Assurees written to.
    pub assurees: usize,
    /// Distinct records selected (in some message, or of a member not mailed).
    pub records: usize,
    /// Members not written to.
    pub not_mailed: usize,
    /// Of those, because their message failed to evaluate.
    pub errors: usize,
}

/// Counts over every mailing.
pub fn summarize(bags: &[Mailbag]) -> Summary {
    let count = |role: &str| {
        bags.iter()
            .filter(|b| b.role == role)
            .map(|b| b.mailed.len())
            .sum()
    };
    let mut records: Vec<i64> = bags
        .iter()
        .flat_map(|b| b.selected.iter().copied())
        .collect();
    records.sort_unstable();
    records.dedup();
    let not_mailed = bags.iter().flat_map(|b| &b.not_mailed);
    Summary {
        assurers: count("assurer"),
        assurees: count("assuree"),
        records: records.len(),
        not_mailed: not_mailed.clone().count(),
        errors: not_mailed.filter(|n| n.error).count(),
    }
}

/// The summary line: `N assurers, M assurees, K records` (and who was not mailed).
pub fn summary_line(summary: &Summary) -> String {
    let mut line = format!(
        "{} assurers, {} assurees, {} records",
        summary.assurers, summary.assurees, summary.records
    );
    if summary.not_mailed > 0 {
        line.push_str(&format!("; {} members not mailed", summary.not_mailed));
        if summary.errors > 0 {
            line.push_str(&format!(" ({} for an error)", summary.errors));
        }
    }
    line.push('\n');
    line
}

/// `index.json`: per mailing, each message's recipient, records and file, and who was not
/// mailed and why. Addresses stay in the messages.
pub fn render_index(bags: &[Mailbag], data: &Dataset, digest: &str) -> String {
    let mailings = bags
        .iter()
        .map(|bag| IndexedMailing {
            id: &bag.id,
            cite: &bag.cite,
            role: bag.role,
            messages: bag
                .mailed
                .iter()
                .map(|m| IndexedMessage {
                    member: m.member,
                    records: &m.records,
                    file: message_file(bag, m.member),
                })
                .collect(),
            not_mailed: &bag.not_mailed,
        })
        .collect();
    to_text(&Index {
        stamp: Stamp::current(),
        as_of: data.as_of.to_string(),
        rules_digest: digest,
        summary: summarize(bags),
        mailings,
    })
}

#[cfg(test)]
mod tests {
    use super::{check_address, header_text, quoted_printable};

    #[test]
    fn headers_are_one_line_and_encoded_when_not_ascii() {
        assert_eq!(header_text("Grüße"), "=?UTF-8?B?R3LDvMOfZQ==?=");
        assert_eq!(header_text("plain text"), "plain text");
        // A line break in a subject cannot start a header of its own.
        assert_eq!(
            header_text("a\r\nBcc: x@example.org"),
            "a  Bcc: x@example.org"
        );
        let long = header_text(&"é".repeat(40));
        assert!(long.split("\r\n ").all(|word| word.len() <= 75), "{long}");
    }

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

    #[test]
    fn quoted_printable_keeps_lines_short_and_text_intact() {
        let line = "é".repeat(300) + " =end ";
        let encoded = quoted_printable(&line);
        assert!(encoded.split("\r\n").all(|l| l.len() <= 76), "{encoded}");
        // Decoding gives the text back.
        let joined = encoded.replace("=\r\n", "");
        let mut bytes = Vec::new();
        let mut rest = joined.as_bytes();
        while let Some((&first, tail)) = rest.split_first() {
            if first == b'=' && tail.len() >= 2 {
                let hex = std::str::from_utf8(&tail[..2]).unwrap_or("");
                bytes.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                rest = &tail[2..];
            } else {
                bytes.push(first);
                rest = tail;
            }
        }
        assert_eq!(String::from_utf8(bytes).unwrap_or_default(), line);
    }
}
