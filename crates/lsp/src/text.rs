//! Positions as the protocol counts them (lines, UTF-16 columns), file URIs, and the word
//! under the cursor.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Uri};

/// The `file:` URI of an absolute path (bytes outside the unreserved set percent-encoded).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let mut uri = String::from("file://");
    for byte in path.to_str()?.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(byte as char);
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri.parse().ok()
}

/// The path of a `file:` URI (`None` for another scheme or an undecodable one).
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(bytes.get(index + 1..index + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    Some(PathBuf::from(String::from_utf8(decoded).ok()?))
}

/// The UTF-16 column of the character at index `chars` of `line`.
pub(crate) fn utf16_column(line: &str, chars: usize) -> u32 {
    line.chars().take(chars).map(char::len_utf16).sum::<usize>() as u32
}

/// The byte offset in `line` of UTF-16 column `column` (the line's end when past it).
pub(crate) fn byte_of_utf16(line: &str, column: u32) -> usize {
    let mut units = 0;
    for (offset, c) in line.char_indices() {
        if units >= column as usize {
            return offset;
        }
        units += c.len_utf16();
    }
    line.len()
}

/// The line of `text` at `position`, and the byte offset of the position in it.
pub(crate) fn line_at(text: &str, position: Position) -> Option<(&str, usize)> {
    let line = text.lines().nth(position.line as usize)?;
    Some((line, byte_of_utf16(line, position.character)))
}

/// A name under the cursor, with what is written before its dot (`record` in
/// `record.level`; empty without a dot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The name (letters, digits, `_` and, for an outcome value, `-`).
    pub name: String,
    /// The name before the dot, when there is one.
    pub qualifier: String,
    /// Byte range of the name in its line.
    pub start: usize,
    /// End of that range.
    pub end: usize,
}

/// The word at byte `offset` of `line`, hyphens included when `hyphens`.
pub(crate) fn word_at(line: &str, offset: usize, hyphens: bool) -> Option<Word> {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '_' || (hyphens && c == '-');
    let bytes = line.as_bytes();
    let mut start = offset.min(line.len());
    while start > 0 && part(bytes[start - 1] as char) {
        start -= 1;
    }
    let mut end = offset.min(line.len());
    while end < line.len() && part(bytes[end] as char) {
        end += 1;
    }
    if start == end {
        return None;
    }
    let mut qualifier = String::new();
    if start > 0 && bytes[start - 1] == b'.' {
        let mut q = start - 1;
        while q > 0 && part(bytes[q - 1] as char) {
            q -= 1;
        }
        qualifier = line[q..start - 1].to_string();
    }
    Some(Word {
        name: line[start..end].to_string(),
        qualifier,
        start,
        end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/a b/ü.yaml");
        let uri = path_to_uri(path).expect("a URI");
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC.yaml");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
    }

    #[test]
    fn a_word_knows_its_qualifier() {
        let line = "    when: record.reapply == \"not-eligible\"";
        let word = word_at(line, 20, false).expect("a word");
        assert_eq!(
            (word.name.as_str(), word.qualifier.as_str()),
            ("reapply", "record")
        );
        let value = word_at(line, 33, true).expect("a value");
        assert_eq!(value.name, "not-eligible");
        assert_eq!(utf16_column("ü𝄞x", 2), 3);
        assert_eq!(byte_of_utf16("ü𝄞x", 3), 6);
    }
}
