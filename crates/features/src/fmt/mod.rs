//! `wotrules fmt`: rule files in their canonical form — keys in the order of the format
//! (the JSON Schema `wotrules schema` prints), two spaces a level, every expression printed
//! as [`wotrules_core::syntax::pretty`] writes it — with every comment and blank line kept.
//!
//! The result is verified before it is offered: read back, it must give the same YAML
//! values (expressions compared as parsed trees), and formatting it again must change
//! nothing. A file that would fail either check is refused, never rewritten.

mod block;

use marked_yaml::Node;
use serde_json::Value as Json;

use block::{Entry, Value};
use wotrules_core::syntax::{parse_expression, pretty, pretty_lines};

/// The widest line an expression is written on before it is broken into a folded block.
pub(crate) const LINE_WIDTH: usize = 92;

/// Why a rule file was not formatted.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// 1-based line (0: the whole file).
    pub line: usize,
    /// What stood in the way.
    pub message: String,
}

/// A rule file's text in canonical form.
pub fn format_rule_file(text: &str) -> Result<String, Refused> {
    let shapes = Shapes::new();
    let formatted = canonical(text, &shapes)?;
    let before = wotrules_core::yaml::parse(0, text).map_err(|e| Refused {
        line: e.line,
        message: format!("not YAML: {}", e.message),
    })?;
    let after = wotrules_core::yaml::parse(0, &formatted).map_err(|e| Refused {
        line: e.line,
        message: format!("the formatted text would not be YAML: {}", e.message),
    })?;
    if let Some(path) = difference(&before, &after, Some(&shapes.root), &shapes) {
        return Err(Refused {
            line: 0,
            message: format!("formatting would change the value at `{path}`"),
        });
    }
    if canonical(&formatted, &shapes)? != formatted {
        return Err(Refused {
            line: 0,
            message: "formatting twice would not give the same text".into(),
        });
    }
    Ok(formatted)
}

fn canonical(text: &str, shapes: &Shapes) -> Result<String, Refused> {
    let text = wotrules_core::yaml::without_bom(text);
    let mut document = block::read(text).map_err(|(line, message)| Refused {
        line,
        message: format!("{message}: `wotrules fmt` reads block YAML as rule files are written"),
    })?;
    // The comments heading the file stay at its head, whichever key comes first.
    let head = match &mut document {
        Value::Mapping(entries, _) => entries
            .first_mut()
            .map(|first| std::mem::take(&mut first.comments)),
        _ => None,
    };
    tidy(&mut document, Some(&shapes.root), 0, shapes);
    if let (Value::Mapping(entries, _), Some(head)) = (&mut document, head)
        && let Some(first) = entries.first_mut()
    {
        first.comments.splice(0..0, head);
    }
    let mut out = String::new();
    block::write(&document, 0, &mut out);
    Ok(out)
}

/// Orders keys as the format does and rewrites expressions, throughout `value`.
fn tidy(value: &mut Value, shape: Option<&Json>, indent: usize, shapes: &Shapes) {
    match value {
        Value::Mapping(entries, _) => {
            let order = shape.map(|s| shapes.key_order(s)).unwrap_or_default();
            let rank = |entry: &Entry| {
                let key = entry.key.as_deref().unwrap_or_default();
                order.iter().position(|k| k == key).unwrap_or(order.len())
            };
            entries.sort_by_key(rank);
            for entry in entries.iter_mut() {
                let key = entry.key.clone().unwrap_or_default();
                let child = shape.and_then(|s| shapes.property(s, &key));
                if child.is_some_and(|c| shapes.is_expression(c)) {
                    expression(entry, indent);
                } else {
                    let child = child.map(|c| shapes.resolve(c));
                    tidy(&mut entry.value, child, indent + 2, shapes);
                }
            }
        }
        Value::Sequence(items, _) => {
            let item = shape
                .and_then(|s| s.get("items"))
                .map(|i| shapes.resolve(i));
            for entry in items.iter_mut() {
                tidy(&mut entry.value, item, indent + 2, shapes);
            }
        }
        Value::Empty | Value::Inline(..) | Value::Block(..) => {}
    }
}

/// Rewrites an expression field in canonical form: plain on the key's line when it fits
/// and plain YAML reads it back, else a folded block (`>-`), broken into lines as
/// [`pretty_lines`] breaks it when it does not fit. A value that is not an expression is
/// left to `check`.
fn expression(entry: &mut Entry, indent: usize) {
    let Some(text) = scalar_of(entry) else {
        return;
    };
    let Ok(tree) = parse_expression(&text) else {
        return;
    };
    let line = pretty(&tree);
    let key = entry.key.as_deref().unwrap_or_default();
    let fits = indent + key.len() + 2 + line.len() <= LINE_WIDTH;
    entry.value = if fits && plain_safe(&line) {
        Value::Inline(line, Vec::new())
    } else if fits {
        // Plain YAML would misread it (`: `, a leading `"`): a folded block keeps it as is.
        Value::Block(">-".into(), vec![line])
    } else {
        Value::Block(
            ">-".into(),
            pretty_lines(&tree, LINE_WIDTH.saturating_sub(indent + 2)),
        )
    };
}

/// The text of a scalar entry as YAML reads it (`None` for a collection or nothing).
fn scalar_of(entry: &Entry) -> Option<String> {
    if !matches!(entry.value, Value::Inline(..) | Value::Block(..)) {
        return None;
    }
    let alone = Entry {
        blank_before: false,
        comments: Vec::new(),
        key: Some("k".into()),
        value: entry.value.clone(),
        comment: None,
    };
    let mut text = String::new();
    block::write(&Value::Mapping(vec![alone], Vec::new()), 0, &mut text);
    let node = wotrules_core::yaml::parse(0, &text).ok()?;
    Some(node.as_mapping()?.get_scalar("k")?.as_str().to_string())
}

/// Whether `text` reads back as the same text when written plain after `key: `.
fn plain_safe(text: &str) -> bool {
    let first = text.chars().next();
    !text.is_empty()
        && !first.is_some_and(|c| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace())
        && !text.ends_with(' ')
        && !text.ends_with(':')
        && !text.contains(": ")
        && !text.contains(" #")
}

/// The first place two documents differ (a path such as `definitions.level.cases[2].when`),
/// expressions compared as parsed trees; `None` when they are the same.
fn difference(a: &Node, b: &Node, shape: Option<&Json>, shapes: &Shapes) -> Option<String> {
    match (a, b) {
        (Node::Mapping(a), Node::Mapping(b)) => {
            if a.len() != b.len() {
                return Some(String::new());
            }
            for (key, value) in a.iter() {
                let Some(other) = b.get_node(key.as_str()) else {
                    return Some(key.as_str().to_string());
                };
                let child = shape.and_then(|s| shapes.property(s, key.as_str()));
                let found = if child.is_some_and(|c| shapes.is_expression(c)) {
                    if same_expression(value, other) {
                        None
                    } else {
                        Some(String::new())
                    }
                } else {
                    difference(value, other, child.map(|c| shapes.resolve(c)), shapes)
                };
                if let Some(path) = found {
                    let joined = if path.is_empty() || path.starts_with('[') {
                        format!("{}{path}", key.as_str())
                    } else {
                        format!("{}.{path}", key.as_str())
                    };
                    return Some(joined);
                }
            }
            None
        }
        (Node::Sequence(a), Node::Sequence(b)) => {
            if a.len() != b.len() {
                return Some(String::new());
            }
            let item = shape
                .and_then(|s| s.get("items"))
                .map(|i| shapes.resolve(i));
            a.iter()
                .zip(b.iter())
                .enumerate()
                .find_map(|(index, (x, y))| {
                    difference(x, y, item, shapes).map(|path| {
                        if path.is_empty() || path.starts_with('[') {
                            format!("[{index}]{path}")
                        } else {
                            format!("[{index}].{path}")
                        }
                    })
                })
        }
        (Node::Scalar(a), Node::Scalar(b)) => (a.as_str() != b.as_str()).then(String::new),
        _ => Some(String::new()),
    }
}

fn same_expression(a: &Node, b: &Node) -> bool {
    match (a.as_scalar(), b.as_scalar()) {
        (Some(a), Some(b)) => match (parse_expression(a.as_str()), parse_expression(b.as_str())) {
            (Ok(x), Ok(y)) => x.to_string() == y.to_string(),
            _ => a.as_str() == b.as_str(),
        },
        _ => false,
    }
}

/// The rule-file format's JSON Schema, read for key order and expression fields.
struct Shapes {
    root: Json,
}

impl Shapes {
    fn new() -> Self {
        Self {
            root: wotrules_core::rules::rule_file_schema(crate::SECTIONS),
        }
    }

    /// A schema with its `$ref` followed (and of `anyOf`/`oneOf` alternatives, the first
    /// that describes an object or an array).
    fn resolve<'a>(&'a self, node: &'a Json) -> &'a Json {
        if let Some(reference) = node.get("$ref").and_then(Json::as_str)
            && let Some(name) = reference.strip_prefix("#/$defs/")
            && let Some(target) = self.root.get("$defs").and_then(|d| d.get(name))
        {
            return self.resolve(target);
        }
        for alternatives in ["anyOf", "oneOf"] {
            if node.get("properties").is_none()
                && let Some(list) = node.get(alternatives).and_then(Json::as_array)
                && let Some(found) = list.iter().map(|a| self.resolve(a)).find(|a| {
                    a.get("properties").is_some()
                        || a.get("items").is_some()
                        || a.get("additionalProperties").is_some_and(Json::is_object)
                })
            {
                return found;
            }
        }
        node
    }

    /// The schema of `key` in a mapping described by `shape` (unresolved).
    fn property<'a>(&'a self, shape: &'a Json, key: &str) -> Option<&'a Json> {
        let shape = self.resolve(shape);
        shape
            .get("properties")
            .and_then(|p| p.get(key))
            .or_else(|| shape.get("additionalProperties").filter(|a| a.is_object()))
    }

    /// Whether a field's schema is the format's expression.
    fn is_expression(&self, node: &Json) -> bool {
        node.get("$ref").and_then(Json::as_str) == Some("#/$defs/expression")
            || ["anyOf", "oneOf"].iter().any(|k| {
                node.get(*k)
                    .and_then(Json::as_array)
                    .is_some_and(|list| list.iter().any(|a| self.is_expression(a)))
            })
    }

    /// The keys of a mapping in the order the format declares them.
    fn key_order(&self, shape: &Json) -> Vec<String> {
        self.resolve(shape)
            .get("properties")
            .and_then(Json::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }
}
