//! The block YAML of a rule file as lines: mappings, sequences and scalars with the
//! comments and blank lines around them, read without losing a character of a value, and
//! written back at two spaces a level.

/// A mapping entry (with its key) or a sequence item (without), with what precedes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// A blank line came before it (or before its comments).
    pub blank_before: bool,
    /// Whole-line comments before it, `#` included.
    pub comments: Vec<String>,
    /// The key, as written (`None` for a sequence item).
    pub key: Option<String>,
    /// The value.
    pub value: Value,
    /// A comment after the value on the key's line, `#` included.
    pub comment: Option<String>,
}

/// A value as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// Nothing after the key.
    Empty,
    /// A scalar or flow collection on the key's line, and the lines continuing it
    /// (trimmed; an empty string for a blank line inside it).
    Inline(String, Vec<String>),
    /// A block scalar: its header (`>-`, `|`) and its lines without the block's
    /// indentation (deeper indentation kept; empty strings for blank lines).
    Block(String, Vec<String>),
    /// A block mapping, and the comments after its last entry.
    Mapping(Vec<Entry>, Vec<String>),
    /// A block sequence, and the comments after its last item.
    Sequence(Vec<Entry>, Vec<String>),
}

/// Why a text is not block YAML this formatter reads.
pub(crate) type Unreadable = (usize, String);

struct Reader {
    lines: Vec<String>,
    next: usize,
}

/// Reads a document: a block mapping at the left margin.
pub(crate) fn read(text: &str) -> Result<Value, Unreadable> {
    let mut reader = Reader {
        lines: text.lines().map(|l| l.trim_end().to_string()).collect(),
        next: 0,
    };
    if reader
        .lines
        .iter()
        .any(|l| l.contains('\t') && l.trim_start().starts_with('\t'))
    {
        return Err((1, "a tab in the indentation".into()));
    }
    let value = reader.block(0)?;
    match reader.content_line() {
        Some(line) => Err((line + 1, "a line outside the document's structure".into())),
        None => Ok(value),
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_item(trimmed: &str) -> bool {
    trimmed == "-" || trimmed.starts_with("- ")
}

/// Splits `key: rest` (a plain key); `None` when the text is not a mapping entry.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let end = text.find(':')?;
    let key = &text[..end];
    let after = &text[end + 1..];
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    (plain && (after.is_empty() || after.starts_with(' '))).then(|| (key, after.trim_start()))
}

/// Splits a trailing comment off a value written on one line (outside quotes and flow
/// brackets' quoted texts); a value whose quote is not closed on the line keeps its text.
fn split_comment(text: &str) -> (&str, Option<&str>) {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        match quote {
            Some(b'"') if byte == b'\\' => index += 1,
            Some(b'\'') if byte == b'\'' && bytes.get(index + 1) == Some(&b'\'') => index += 1,
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None if (byte == b'"' || byte == b'\'')
                && (index == 0 || matches!(bytes[index - 1], b' ' | b'[' | b'{' | b',')) =>
            {
                quote = Some(byte);
            }
            None if byte == b'#' && (index == 0 || bytes[index - 1] == b' ') => {
                return (text[..index].trim_end(), Some(&text[index..]));
            }
            None => {}
        }
        index += 1;
    }
    (text, None)
}

impl Reader {
    /// The index of the next line with content (not blank, not a comment).
    fn content_line(&self) -> Option<usize> {
        (self.next..self.lines.len()).find(|&i| {
            let t = self.lines[i].trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
    }

    /// The blank lines and comments before the next content line.
    fn lead(&mut self) -> (bool, Vec<String>) {
        let (mut blank, mut comments) = (false, Vec::new());
        let end = self.content_line().unwrap_or(self.lines.len());
        for line in &self.lines[self.next..end] {
            let trimmed = line.trim_start();
            if trimmed.is_empty() {
                blank |= comments.is_empty();
            } else {
                comments.push(trimmed.to_string());
            }
        }
        (blank, comments)
    }

    /// The comments left before the next content line when it is not part of the block
    /// at `indent` (they close the block).
    fn tail(&mut self, indent: usize) -> Vec<String> {
        let end = self.content_line().unwrap_or(self.lines.len());
        let mut tail = Vec::new();
        for index in self.next..end {
            let line = &self.lines[index];
            if !line.trim().is_empty() && indent_of(line) >= indent {
                tail.push(line.trim_start().to_string());
                self.next = index + 1;
            }
        }
        tail
    }

    /// The mapping or sequence whose entries are at `indent`.
    fn block(&mut self, indent: usize) -> Result<Value, Unreadable> {
        let Some(first) = self.content_line() else {
            return Ok(Value::Empty);
        };
        if is_item(self.lines[first].trim_start()) {
            self.sequence(indent)
        } else {
            self.mapping(indent)
        }
    }

    fn mapping(&mut self, indent: usize) -> Result<Value, Unreadable> {
        let mut entries = Vec::new();
        while let Some(line) = self.content_line() {
            let text = self.lines[line].clone();
            if indent_of(&text) != indent || is_item(text.trim_start()) {
                break;
            }
            let (blank_before, comments) = self.lead();
            let Some((key, rest)) = split_key(text.trim_start()) else {
                return Err((line + 1, "not a `key: value` line".into()));
            };
            self.next = line + 1;
            let (value, comment) = self.value(indent, rest, line)?;
            entries.push(Entry {
                blank_before,
                comments,
                key: Some(key.to_string()),
                value,
                comment,
            });
        }
        let tail = self.tail(indent);
        Ok(Value::Mapping(entries, tail))
    }

    fn sequence(&mut self, indent: usize) -> Result<Value, Unreadable> {
        let mut items = Vec::new();
        while let Some(line) = self.content_line() {
            let text = self.lines[line].clone();
            if indent_of(&text) != indent || !is_item(text.trim_start()) {
                break;
            }
            let (blank_before, comments) = self.lead();
            let rest = text.trim_start()[1..].trim_start();
            let (value, comment) = if split_key(rest).is_some() {
                // `- key: value`: a mapping whose entries line up with `key`.
                let inner = indent + (text.trim_start().len() - rest.len());
                self.lines[line] = format!("{}{rest}", " ".repeat(inner));
                self.next = line;
                (self.mapping(inner)?, None)
            } else {
                self.next = line + 1;
                self.value(indent, rest, line)?
            };
            items.push(Entry {
                blank_before,
                comments,
                key: None,
                value,
                comment,
            });
        }
        let tail = self.tail(indent);
        Ok(Value::Sequence(items, tail))
    }

    /// The value after `key:` (or `-`) on line `line` of a block at `indent`.
    fn value(
        &mut self,
        indent: usize,
        rest: &str,
        line: usize,
    ) -> Result<(Value, Option<String>), Unreadable> {
        let (rest, comment) = split_comment(rest);
        let comment = comment.map(str::to_string);
        if rest.is_empty() {
            let child = self.content_line().map(|i| {
                (
                    indent_of(&self.lines[i]),
                    is_item(self.lines[i].trim_start()),
                )
            });
            return Ok(match child {
                Some((deeper, _)) if deeper > indent => (self.block(deeper)?, comment),
                Some((same, true)) if same == indent => (self.sequence(indent)?, comment),
                _ => (Value::Empty, comment),
            });
        }
        if rest.starts_with('|') || rest.starts_with('>') {
            if rest.contains('+') {
                return Err((
                    line + 1,
                    "a block scalar that keeps its final newlines (`+`)".into(),
                ));
            }
            // An indentation digit counts from the key: written two deeper, it becomes 2.
            let digit = rest
                .chars()
                .find_map(|c| c.to_digit(10))
                .map(|d| d as usize);
            let header = rest.replace(|c: char| c.is_ascii_digit(), "2");
            let mut lines = Vec::new();
            while self.next < self.lines.len() {
                let text = &self.lines[self.next];
                if !text.trim().is_empty() && indent_of(text) <= indent {
                    break;
                }
                lines.push(text.clone());
                self.next += 1;
            }
            while lines.last().is_some_and(|l| l.trim().is_empty()) {
                lines.pop();
                self.next -= 1;
            }
            let base = match digit {
                Some(digit) => indent + digit,
                None => lines
                    .iter()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| indent_of(l))
                    .min()
                    .unwrap_or(0),
            };
            if lines
                .iter()
                .any(|l| !l.trim().is_empty() && indent_of(l) < base)
            {
                return Err((line + 1, "a block scalar less indented than it says".into()));
            }
            let lines = lines
                .iter()
                .map(|l| {
                    if l.trim().is_empty() {
                        String::new()
                    } else {
                        l[base..].to_string()
                    }
                })
                .collect();
            return Ok((Value::Block(header, lines), comment));
        }
        let mut more = Vec::new();
        while self.next < self.lines.len() {
            let text = &self.lines[self.next];
            let trimmed = text.trim_start();
            if trimmed.is_empty() {
                let continues = self
                    .content_line()
                    .is_some_and(|i| indent_of(&self.lines[i]) > indent);
                if !continues {
                    break;
                }
            } else if indent_of(text) <= indent || trimmed.starts_with('#') {
                break;
            }
            more.push(trimmed.to_string());
            self.next += 1;
        }
        Ok((Value::Inline(rest.to_string(), more), comment))
    }
}

/// Writes a value read by [`read`] back, `indent` spaces in.
pub(crate) fn write(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Mapping(entries, tail) | Value::Sequence(entries, tail) => {
            for (index, entry) in entries.iter().enumerate() {
                write_entry(entry, indent, index == 0, out);
            }
            for comment in tail {
                out.push_str(&format!("{}{comment}\n", " ".repeat(indent)));
            }
        }
        Value::Empty | Value::Inline(..) | Value::Block(..) => {}
    }
}

fn write_entry(entry: &Entry, indent: usize, first: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    if entry.blank_before && !first {
        out.push('\n');
    }
    for comment in &entry.comments {
        out.push_str(&format!("{pad}{comment}\n"));
    }
    let comment = entry
        .comment
        .as_ref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let head = match &entry.key {
        Some(key) => format!("{pad}{key}:"),
        None => format!("{pad}-"),
    };
    match (&entry.key, &entry.value) {
        (None, Value::Mapping(entries, tail)) if !entries.is_empty() => {
            // `- key: value`, the other entries lined up under the first.
            let mut inner = String::new();
            write(
                &Value::Mapping(entries.clone(), tail.clone()),
                indent + 2,
                &mut inner,
            );
            out.push_str(&format!("{pad}- {}", inner.trim_start_matches(' ')));
        }
        (_, Value::Empty) => out.push_str(&format!("{head}{comment}\n")),
        (_, Value::Inline(first, lines)) | (_, Value::Block(first, lines)) => {
            // A scalar's first line (or a block's header), then its lines two deeper.
            out.push_str(&format!("{head} {first}{comment}\n"));
            for line in lines {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("{pad}  {line}\n"));
                }
            }
        }
        (_, nested) => {
            out.push_str(&format!("{head}{comment}\n"));
            write(nested, indent + 2, out);
        }
    }
}
