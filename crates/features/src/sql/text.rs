//! Text the way the language reads it, for engines that read it otherwise: white space and
//! word characters as Rust's Unicode tables define them (the evaluator's `trim` and
//! `has_word`), as character classes an engine can match.

use std::sync::OnceLock;

/// The bytes of `text` in hexadecimal.
pub(crate) fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02X}")).collect()
}

/// `text` with every character outside printable ASCII, `escape` and `quote` written as
/// PostgreSQL's `U&` escapes.
pub(crate) fn unicode_escaped(text: &str, escape: char, quote: char) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c == escape {
            out.push(escape);
            out.push(escape);
        } else if c == quote {
            out.push(quote);
            out.push(quote);
        } else if c.is_ascii() && !c.is_ascii_control() {
            out.push(c);
        } else if u32::from(c) <= 0xFFFF {
            out.push_str(&format!("{escape}{:04X}", u32::from(c)));
        } else {
            out.push_str(&format!("{escape}+{:06X}", u32::from(c)));
        }
    }
    out
}

/// The characters the language's `trim` removes (Unicode's White_Space).
pub(crate) fn white_space() -> &'static [char] {
    static SPACE: OnceLock<Vec<char>> = OnceLock::new();
    SPACE.get_or_init(|| {
        (char::MIN..=char::MAX)
            .filter(|c| c.is_whitespace())
            .collect()
    })
}

/// The ranges of characters outside ASCII that `has_word` counts as part of a word
/// (alphanumeric), in order.
pub(crate) fn word_ranges() -> &'static [(char, char)] {
    static RANGES: OnceLock<Vec<(char, char)>> = OnceLock::new();
    RANGES.get_or_init(|| {
        let mut ranges: Vec<(char, char)> = Vec::new();
        for c in ('\u{80}'..=char::MAX).filter(|c| c.is_alphanumeric()) {
            match ranges.last_mut() {
                Some((_, end)) if u32::from(*end) + 1 == u32::from(c) => *end = c,
                _ => ranges.push((c, c)),
            }
        }
        ranges
    })
}

/// The inside of a bracket expression matching every word character: ASCII letters,
/// digits and `_`, then the ranges outside ASCII written as the characters themselves.
pub(crate) fn word_class() -> String {
    let mut class = String::from("0-9A-Za-z_");
    for (start, end) in word_ranges() {
        class.push(*start);
        if start != end {
            class.push('-');
            class.push(*end);
        }
    }
    class
}

/// The inside of a bracket expression matching white space, written as `\x{…}` escapes
/// (for PCRE and Java).
pub(crate) fn space_class_escaped() -> String {
    white_space()
        .iter()
        .map(|c| format!("\\x{{{:X}}}", u32::from(*c)))
        .collect()
}

/// `word` (ASCII letters, digits, `_`, `-` or spaces, lower-cased) in a regular expression
/// or a GLOB pattern: nothing in it is special.
pub(crate) fn plain_word(word: &str) -> Option<String> {
    (!word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' '))
    .then(|| word.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes_hold_what_rust_calls_white_space_and_alphanumeric() {
        assert_eq!(white_space().len(), 25);
        assert!(white_space().contains(&'\u{3000}'));
        let ranges = word_ranges();
        let inside = |c: char| ranges.iter().any(|(a, b)| *a <= c && c <= *b);
        assert!(inside('é') && inside('Ж') && inside('٣') && inside('中'));
        assert!(!inside('«') && !inside('\u{a0}') && !inside('–'));
        assert!(word_class().starts_with("0-9A-Za-z_"));
        assert_eq!(plain_word("TTP").as_deref(), Some("ttp"));
        assert_eq!(plain_word("a.b"), None);
    }
}
