//! YAML in: the one place where text becomes YAML nodes with positions (marked-yaml), for
//! rule files, rule-test files and case files alike.
//!
//! Every reader gets the same guarantees: a byte-order mark is dropped, duplicate keys,
//! anchors, aliases and tags are errors, quoted scalars stay text (`"35"` is not a number),
//! and nesting is bounded before the parser sees the text.

mod de;

use marked_yaml::{LoadError, LoaderOptions, Node};

pub use de::{Entries, Field, Place, Problem, from_node, from_node_except, shorten};

/// The deepest nesting of flow collections (`[`, `{`) accepted.
pub(crate) const MAX_NESTING: usize = 64;

/// Why a text is not YAML a reader can use, with its 1-based place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// The text without a leading byte-order mark.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Parses one YAML document (`source` numbers the file in markers).
pub fn parse(source: usize, text: &str) -> Result<Node, YamlError> {
    check_nesting(text)?;
    let options = LoaderOptions::default()
        .error_on_duplicate_keys(true)
        .prevent_coercion(true);
    marked_yaml::parse_yaml_with_options(source, text, options)
        .map_err(|error| describe(&error, text))
}

/// Rejects flow collections nested deeper than [`MAX_NESTING`] (quoted text and comments
/// aside): the parser would take time and stack for each level.
fn check_nesting(text: &str) -> Result<(), YamlError> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    for c in text.chars() {
        column += 1;
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                column = 0;
                comment = false;
            }
            _ if comment => {}
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'')
                if previous.is_whitespace() || matches!(previous, '[' | '{' | ',' | ':') =>
            {
                quote = Some(c);
            }
            (None, '#') if previous.is_whitespace() => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(YamlError {
                        line,
                        column,
                        message: format!("YAML nests deeper than {MAX_NESTING} levels"),
                        help: Some("write the data flat, one entry per line".into()),
                    });
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    Ok(())
}

/// A YAML error in plain words, at the place a person must fix.
fn describe(error: &LoadError, text: &str) -> YamlError {
    let at = |m: &marked_yaml::Marker, message: &str, help: Option<&str>| YamlError {
        line: m.line(),
        column: m.column(),
        message: message.to_string(),
        help: help.map(str::to_string),
    };
    match error {
        LoadError::TopLevelMustBeMapping(m) => {
            at(m, "the file must be a YAML mapping of keys to values", None)
        }
        LoadError::TopLevelMustBeSequence(m) => at(m, "the file must be a YAML list", None),
        LoadError::UnexpectedAnchor(m) => at(
            m,
            "YAML anchors and aliases are not allowed",
            Some("write the value out where it is used"),
        ),
        LoadError::MappingKeyMustBeScalar(m) => at(m, "a mapping key must be a plain name", None),
        LoadError::UnexpectedTag(m) => at(
            m,
            "YAML tags (`!!str`, `!!binary`, `!something`) are not allowed",
            Some("write the value without a tag; quote text that looks like a number"),
        ),
        LoadError::ScanError(m, scan) => scan_error(text, (m.line(), m.column()), scan.info()),
        LoadError::DuplicateKey(inner) => {
            let first = inner
                .prev_key
                .span()
                .start()
                .map(|m| format!(" (first at line {})", m.line()))
                .unwrap_or_default();
            let (line, column) = inner
                .key
                .span()
                .start()
                .map_or((1, 1), |m| (m.line(), m.column()));
            YamlError {
                line,
                column,
                message: format!("duplicate key `{}`{first}", inner.key.as_str()),
                help: Some("each key may appear once in a mapping".into()),
            }
        }
    }
}

/// A scanner error where the fault is: the scanner notices a tab or a missing `:` later
/// than where it stands.
fn scan_error(text: &str, (line, column): (usize, usize), info: &str) -> YamlError {
    let lines: Vec<&str> = text.lines().collect();
    if info.contains("tab") {
        let tab = lines
            .iter()
            .enumerate()
            .skip(line.saturating_sub(1))
            .find_map(|(index, text)| {
                text.chars()
                    .position(|c| c == '\t')
                    .map(|at| (index + 1, at + 1))
            });
        if let Some((line, column)) = tab {
            return YamlError {
                line,
                column,
                message: "a tab character: YAML indents with spaces, never tabs".into(),
                help: Some("replace the tab with spaces".into()),
            };
        }
    }
    if info.contains("mapping values are not allowed")
        && let Some(text) = lines.get(line.saturating_sub(1))
        && let Some((key, value)) = text.trim_start().trim_start_matches("- ").split_once(": ")
        && value.contains(": ")
        && !value.trim_start().starts_with(['"', '\'', '>', '|'])
    {
        // A plain value holding `: ` (a text in an expression, a cite): YAML reads a key.
        return YamlError {
            line,
            column,
            message: format!(
                "the value of `{}` holds `: `, which YAML reads as another key",
                key.trim()
            ),
            help: Some(format!(
                "write it as a block: `{}: >-` and the value on the next lines, indented",
                key.trim()
            )),
        };
    }
    if info.contains("mapping values are not allowed") || info.contains("expected ':'") {
        // The key without its `:` is on the nearest earlier line with content.
        let earlier = lines[..line.saturating_sub(1).min(lines.len())]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, text)| !text.trim().is_empty() && !text.trim_start().starts_with('#'));
        if let Some((index, text)) = earlier
            && !text.contains(':')
        {
            return YamlError {
                line: index + 1,
                column: text.chars().take_while(|c| *c == ' ').count() + 1,
                message: format!("line {} has no `:` after its key", index + 1),
                help: Some("write `key: value`".into()),
            };
        }
    }
    YamlError {
        line,
        column,
        message: format!("invalid YAML: {info}"),
        help: Some(
            "check the indentation (spaces, not tabs) and the quoting around this place".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_value_holding_a_colon_is_named_at_its_own_line() {
        let text = "a:\n  cite: x\n  value: starts_with(record.location, \"RE: \")\n";
        let error = parse(0, text).expect_err("refused");
        assert_eq!(error.line, 3);
        assert_eq!(
            error.message,
            "the value of `value` holds `: `, which YAML reads as another key"
        );
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let text = format!("a: {}", "[".repeat(250_000));
        let error = parse(0, &text).expect_err("refused");
        assert_eq!((error.line, error.column), (1, 4 + MAX_NESTING));
    }

    #[test]
    fn brackets_in_quotes_and_comments_do_not_count() {
        let text = format!("a: \"{}\" # {}\nb: 1\n", "[".repeat(100), "{".repeat(100));
        assert!(parse(0, &text).is_ok());
    }

    #[test]
    fn a_quoted_key_at_the_start_of_a_line_hides_its_brackets() {
        let text = format!("\"{}\": 1\n", "[".repeat(100));
        assert!(parse(0, &text).is_ok());
    }

    #[test]
    fn tags_are_refused() {
        let error = parse(0, "a: !!binary SGVsbG8=\n").expect_err("refused");
        assert!(error.message.contains("tags"), "{error:?}");
    }
}
