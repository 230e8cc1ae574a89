//! Dump import: the text and the times a dump holds, read back as the webdb sees them.
//!
//! CAcert's tables are `latin1`, but the webdb sets no connection character set and its
//! forms are UTF-8, so a `latin1` column holds UTF-8 bytes. A dump written through a
//! `latin1` connection holds those bytes as they are; one written through a UTF-8 connection
//! (`utf8mb4`, mariadb-dump's default) holds each byte re-encoded as the `latin1` character
//! MariaDB takes it for ("Jörg" becomes "JÃ¶rg"), which is undone here exactly.

use chrono::{NaiveDateTime, Offset, TimeZone};

/// A character set a dump names (`SET NAMES`, `DEFAULT CHARSET`, `CHARACTER SET`), as far as
/// reading text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// MariaDB's `latin1` (Windows-1252, with its five undefined bytes kept as C1 controls).
    Latin1,
    /// `utf8`, `utf8mb3` or `utf8mb4`.
    Utf8,
    /// `binary`: bytes as they are stored.
    Binary,
}

impl Charset {
    /// The character set a MariaDB name stands for, if it is one the reader knows.
    pub fn named(name: &str) -> Option<Self> {
        match name
            .trim_matches(['\'', '"', '`'])
            .to_ascii_lowercase()
            .as_str()
        {
            "latin1" => Some(Self::Latin1),
            "utf8" | "utf8mb3" | "utf8mb4" => Some(Self::Utf8),
            "binary" => Some(Self::Binary),
            _ => None,
        }
    }
}

/// The characters MariaDB's `latin1` gives the bytes 0x80–0x9F (the rest are U+0000–U+00FF).
const LATIN1_HIGH_CONTROLS: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// The character MariaDB's `latin1` gives a byte.
pub(crate) fn latin1_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => LATIN1_HIGH_CONTROLS[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// The byte MariaDB's `latin1` stores for a character, if it has one.
fn latin1_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        0..=0x7F | 0xA0..=0xFF => u8::try_from(u32::from(c)).ok(),
        _ => LATIN1_HIGH_CONTROLS
            .iter()
            .position(|&high| high == c)
            .and_then(|i| u8::try_from(0x80 + i).ok()),
    }
}

/// Why a text in the dump cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextError {
    /// The bytes the column holds are not UTF-8 (what is wrong, from [`not_utf8`]).
    NotUtf8(String),
    /// A UTF-8 connection's re-encoding undone gives bytes that are not UTF-8: the column
    /// holds a `latin1` byte the webdb would not write, or the dump was written through a
    /// `latin1` connection and read as UTF-8 (what is wrong, from [`not_utf8`]).
    Undone(String),
    /// A UTF-8 dump holds a character a `latin1` column cannot hold: the dump's character
    /// set is not what it says.
    NotLatin1(char),
    /// The dump does not say its character set and the text reads two ways.
    Ambiguous {
        /// The text read as written.
        as_written: String,
        /// The text read as re-encoded by a UTF-8 connection.
        repaired: String,
    },
}

impl TextError {
    /// The message, for a row of the dump.
    pub(crate) fn message(&self) -> String {
        match self {
            Self::NotUtf8(what) => what.clone(),
            Self::Undone(what) => {
                format!("{what} (in the bytes the column stores, the dump's re-encoding undone)")
            }
            Self::NotLatin1(c) => format!(
                "holds {}, which a `latin1` column cannot hold: the dump's character set is not what it says",
                described(*c)
            ),
            Self::Ambiguous {
                as_written,
                repaired,
            } => format!(
                "reads as `{}` or as `{}`, and the dump does not say its character set",
                visible(as_written),
                visible(repaired)
            ),
        }
    }
}

/// What is wrong with `bytes` that are not UTF-8: a text cut inside a character, or a byte
/// that no UTF-8 text holds there (described with the `latin1` character it would be).
pub(crate) fn not_utf8(bytes: &[u8]) -> String {
    let Err(error) = std::str::from_utf8(bytes) else {
        return "is UTF-8 text".into();
    };
    let at = error.valid_up_to();
    match (error.error_len(), bytes.get(at)) {
        (Some(_), Some(&byte)) => format!(
            "holds the byte 0x{byte:02X} (`latin1` {}) at byte {}, which is not UTF-8: the webdb writes UTF-8, so something else wrote this text",
            described(latin1_char(byte)),
            at + 1
        ),
        (None, Some(&byte)) => format!(
            "ends with the byte 0x{byte:02X}, which is not UTF-8 there: a UTF-8 character cut short, or `latin1` {} written by something other than the webdb",
            described(latin1_char(byte))
        ),
        _ => "is not UTF-8 text".into(),
    }
}

/// A character for a message: itself, or `U+XXXX` when it would not show.
fn described(c: char) -> String {
    if wotrules_core::escape::invisible(c) {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// Text for a message, each character that would not show as `<U+XXXX>`.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if wotrules_core::escape::invisible(c) {
                format!("<U+{:04X}>", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A text read from a dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Read {
    /// The text the webdb shows.
    pub text: String,
    /// Whether the dump held it re-encoded (and it was repaired).
    pub repaired: bool,
}

/// The text a column's value holds, from the bytes the dump wrote for it through
/// `connection` (`None`: the dump does not say) into a column of `column`'s character set.
pub(crate) fn read_text(
    bytes: Vec<u8>,
    connection: Option<Charset>,
    column: Charset,
) -> Result<Read, TextError> {
    let direct = |bytes: Vec<u8>| {
        String::from_utf8(bytes)
            .map(|text| Read {
                text,
                repaired: false,
            })
            .map_err(|e| TextError::NotUtf8(not_utf8(e.as_bytes())))
    };
    match (column, connection) {
        (Charset::Latin1, Some(Charset::Utf8)) => {
            let written =
                String::from_utf8(bytes).map_err(|e| TextError::NotUtf8(not_utf8(e.as_bytes())))?;
            if written.is_ascii() {
                return Ok(Read {
                    text: written,
                    repaired: false,
                });
            }
            undo_reencoding(&written)
        }
        (Charset::Latin1, None) => {
            let written =
                String::from_utf8(bytes).map_err(|e| TextError::NotUtf8(not_utf8(e.as_bytes())))?;
            match undo_reencoding(&written) {
                Ok(read) if read.text != written => Err(TextError::Ambiguous {
                    as_written: written,
                    repaired: read.text,
                }),
                _ => Ok(Read {
                    text: written,
                    repaired: false,
                }),
            }
        }
        (Charset::Utf8, Some(Charset::Latin1)) => Ok(Read {
            text: bytes.into_iter().map(latin1_char).collect(),
            repaired: false,
        }),
        _ => direct(bytes),
    }
}

/// The text whose UTF-8 bytes a UTF-8 connection wrote as `latin1` characters.
fn undo_reencoding(written: &str) -> Result<Read, TextError> {
    if written.is_ascii() {
        return Ok(Read {
            text: written.to_string(),
            repaired: false,
        });
    }
    let stored = written
        .chars()
        .map(|c| latin1_byte(c).ok_or(TextError::NotLatin1(c)))
        .collect::<Result<Vec<u8>, _>>()?;
    let text = String::from_utf8(stored).map_err(|e| TextError::Undone(not_utf8(e.as_bytes())))?;
    let repaired = text != written;
    Ok(Read { text, repaired })
}

/// A time zone: a dump's `SET TIME_ZONE` or the server's (`--time-zone`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// A fixed offset from UTC, `+00:00` among them.
    Offset(chrono::FixedOffset),
    /// A zone of the tz database, such as `Europe/Berlin`.
    Named(chrono_tz::Tz),
}

impl Zone {
    /// Reads `+HH:MM`, `-HH:MM`, `UTC` or a tz database name.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim().trim_matches(['\'', '"']);
        if text.eq_ignore_ascii_case("UTC") {
            return Ok(Self::Offset(chrono::Utc.fix()));
        }
        if let Some(sign) = text.strip_prefix(['+', '-']).map(|_| text.as_bytes()[0])
            && let Some((hours, minutes)) = text[1..].split_once(':')
        {
            let seconds = hours
                .parse::<i32>()
                .ok()
                .zip(minutes.parse::<i32>().ok())
                .filter(|&(h, m)| h <= 14 && m < 60)
                .map(|(h, m)| (h * 60 + m) * 60);
            return seconds
                .and_then(|s| chrono::FixedOffset::east_opt(if sign == b'-' { -s } else { s }))
                .map(Self::Offset)
                .ok_or_else(|| format!("`{text}` is not a UTC offset between -14:00 and +14:00"));
        }
        text.parse::<chrono_tz::Tz>().map(Self::Named).map_err(|_| {
            format!("`{text}` is no time zone: write an offset such as `+01:00` or a name such as `Europe/Berlin`")
        })
    }

    /// The moment `local` in this zone, as UTC (the earlier one where a clock went back).
    fn to_utc(self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        match self {
            Self::Offset(offset) => offset
                .from_local_datetime(&local)
                .earliest()
                .map(|d| d.naive_utc()),
            Self::Named(zone) => zone
                .from_local_datetime(&local)
                .earliest()
                .map(|d| d.naive_utc()),
        }
    }

    /// The local time of the UTC moment `utc` in this zone.
    fn local(self, utc: NaiveDateTime) -> NaiveDateTime {
        match self {
            Self::Offset(offset) => offset.from_utc_datetime(&utc).naive_local(),
            Self::Named(zone) => zone.from_utc_datetime(&utc).naive_local(),
        }
    }
}

/// The time `written` (in the dump's zone `from`) shows in the server's zone `to`.
pub(crate) fn convert(written: NaiveDateTime, from: Zone, to: Zone) -> Option<NaiveDateTime> {
    from.to_utc(written).map(|utc| to.local(utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_latin1_byte_has_one_character_and_back() {
        for byte in 0..=255u8 {
            assert_eq!(latin1_byte(latin1_char(byte)), Some(byte), "{byte:#x}");
        }
    }

    #[test]
    fn a_reencoded_name_is_repaired_and_one_as_written_is_kept() {
        let stored = "Jörg €".as_bytes().to_vec();
        let reencoded: String = stored.iter().copied().map(latin1_char).collect();
        assert_eq!(reencoded, "JÃ¶rg â‚¬");
        let read = read_text(
            reencoded.clone().into_bytes(),
            Some(Charset::Utf8),
            Charset::Latin1,
        );
        assert_eq!(
            read,
            Ok(Read {
                text: "Jörg €".into(),
                repaired: true
            })
        );
        let read = read_text(stored.clone(), Some(Charset::Latin1), Charset::Latin1);
        assert_eq!(read.map(|r| r.text), Ok("Jörg €".into()));
        assert_eq!(
            read_text(reencoded.into_bytes(), None, Charset::Latin1),
            Err(TextError::Ambiguous {
                as_written: "JÃ¶rg â‚¬".into(),
                repaired: "Jörg €".into()
            })
        );
        let read = read_text(stored, None, Charset::Latin1);
        assert_eq!(
            read.map(|r| r.text),
            Ok("Jörg €".into()),
            "ö cannot be re-encoded UTF-8"
        );
    }

    #[test]
    fn a_text_cut_inside_a_character_is_refused() {
        let mut stored = "Zoë".as_bytes().to_vec();
        stored.pop();
        let reencoded: String = stored.iter().copied().map(latin1_char).collect();
        assert_eq!(
            read_text(reencoded.into_bytes(), Some(Charset::Utf8), Charset::Latin1),
            Err(TextError::Undone(
                "ends with the byte 0xC3, which is not UTF-8 there: a UTF-8 character cut short, or `latin1` `Ã` written by something other than the webdb".into()
            ))
        );
        let latin1 = b"Jos\xE9 Garc\xEDa".to_vec();
        assert_eq!(
            read_text(latin1, Some(Charset::Latin1), Charset::Latin1)
                .map_err(|e| e.message()),
            Err("holds the byte 0xE9 (`latin1` `é`) at byte 4, which is not UTF-8: the webdb writes UTF-8, so something else wrote this text".into())
        );
        assert_eq!(
            read_text(
                "Ā".as_bytes().to_vec(),
                Some(Charset::Utf8),
                Charset::Latin1
            ),
            Err(TextError::NotLatin1('Ā'))
        );
    }

    #[test]
    fn zones_convert_across_summer_time() {
        let utc = Zone::parse("+00:00").expect("an offset");
        let berlin = Zone::parse("Europe/Berlin").expect("a name");
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("a time");
        assert_eq!(
            convert(at("2010-04-30 22:30:00"), utc, berlin),
            Some(at("2010-05-01 00:30:00"))
        );
        assert_eq!(
            convert(at("2010-01-31 23:30:00"), utc, berlin),
            Some(at("2010-02-01 00:30:00"))
        );
        assert_eq!(
            convert(
                at("2010-01-31 23:30:00"),
                utc,
                Zone::parse("-05:30").expect("an offset")
            ),
            Some(at("2010-01-31 18:00:00"))
        );
        assert!(Zone::parse("Mars/Olympus").is_err());
        assert!(Zone::parse("+15:00").is_err());
    }
}
