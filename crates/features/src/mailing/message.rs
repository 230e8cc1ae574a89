//! Mailings: a message written as an RFC 5322 file (UTF-8, CRLF, RFC 2047 subjects,
//! quoted-printable where a line is too long), and the mailing's `index.json`.

use serde::Serialize;

use super::compose::{Mailbag, Message, NotMailed};
use crate::report::{JsonHeader, to_text};
use wotrules_core::data::Dataset;
use wotrules_core::words::counted;

/// The message as an RFC 5322 file: UTF-8 text, CRLF line ends, a subject encoded as RFC
/// 2047 words when it is not plain ASCII, quoted-printable when a line is too long for 8bit.
/// `Date:` is when the message was written (`written`); the decisions it reports are as of
/// `as_of` (`X-Wotrules-As-Of:`, and part of the `Message-ID`).
pub fn render_eml(
    bag: &Mailbag,
    message: &Message,
    as_of: chrono::NaiveDate,
    written: chrono::DateTime<chrono::FixedOffset>,
) -> String {
    let domain = bag
        .from
        .rsplit_once('@')
        .map_or("wotrules.invalid", |(_, d)| d.trim_end_matches('>'));
    let date = written.to_rfc2822();
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
         X-Wotrules-Mailing: {id}\r\nX-Wotrules-As-Of: {as_of}\r\n\r\n{body}\r\n",
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

/// Who a mailing would write to, in which role, about which records, and who not and why:
/// the operator's list before anything is written (`--dry-run`).
pub fn render_dry_run(bags: &[Mailbag]) -> String {
    let mut out = String::new();
    let ids = |records: &[i64]| {
        records
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    for bag in bags {
        out.push_str(&format!(
            "mailing {} (to the {} of each selected record; {}):\n",
            bag.id, bag.role, bag.cite
        ));
        for mailed in &bag.mailed {
            out.push_str(&format!(
                "  mail {} {}: records {}\n",
                bag.role,
                mailed.member,
                ids(&mailed.records)
            ));
        }
        for not in &bag.not_mailed {
            out.push_str(&format!(
                "  not {} {}: {} (records {})\n",
                bag.role,
                not.member,
                wotrules_core::escape::escape_control(&not.reason),
                ids(&not.records)
            ));
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
    stamp: JsonHeader,
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
    // A member not mailed in two roles (assurer and assuree) is one member.
    let distinct = |error_only: bool| {
        let mut members: Vec<i64> = bags
            .iter()
            .flat_map(|b| &b.not_mailed)
            .filter(|n| n.error || !error_only)
            .map(|n| n.member)
            .collect();
        members.sort_unstable();
        members.dedup();
        members.len()
    };
    Summary {
        assurers: count("assurer"),
        assurees: count("assuree"),
        records: records.len(),
        not_mailed: distinct(false),
        errors: distinct(true),
    }
}

/// The summary line: `N assurers, M assurees, K records` (and who was not mailed).
pub fn summary_line(summary: &Summary) -> String {
    let mut line = format!(
        "{}, {}, {}",
        counted(summary.assurers, "assurer"),
        counted(summary.assurees, "assuree"),
        counted(summary.records, "record")
    );
    if summary.not_mailed > 0 {
        let not_mailed = counted(summary.not_mailed, "member");
        line.push_str(&format!("; {not_mailed} not mailed"));
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
        stamp: JsonHeader::current(),
        as_of: data.as_of.to_string(),
        rules_digest: digest,
        summary: summarize(bags),
        mailings,
    })
}

#[cfg(test)]
mod tests {
    use super::{header_text, quoted_printable};

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
