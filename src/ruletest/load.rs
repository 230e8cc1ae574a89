//! Reading rule-test files: YAML with a position on every expectation.

use std::path::Path;

use marked_yaml::Node;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};

use super::{CaseSource, Expectation, Expected, RuleTest, TestFile};
use crate::check::Program;
use crate::data::{Type, Value};
use crate::diag::{Diagnostic, Location};
use crate::lang::Scope;
use crate::suggest::did_you_mean;

const TEST_FILE_KEYS: &[&str] = &["tests"];
const TEST_KEYS: &[&str] = &["name", "case", "as_of", "expect"];
const EXPECT_KEYS: &[&str] = &["members", "records"];

/// Reads one test file; every problem (bad YAML, unknown keys or outputs, bad dates) is reported.
pub fn read_test_file(
    path: &Path,
    text: &str,
    program: &Program,
) -> Result<TestFile, Vec<Diagnostic>> {
    let mut reader = Reader {
        path: path.display().to_string(),
        text,
        program,
        diagnostics: Vec::new(),
    };
    let text = crate::yaml::without_bom(text);
    let root = match crate::yaml::parse(0, text) {
        Ok(root) => root,
        Err(error) => {
            let mut diagnostic = Diagnostic::error("bad-test-file", error.message).at(
                Location::in_text(&reader.path, text, error.line, error.column, 1),
            );
            diagnostic.help = error.help;
            return Err(vec![diagnostic]);
        }
    };
    let tests = reader.file(&root, path);
    if reader.diagnostics.is_empty() {
        Ok(TestFile {
            path: reader.path,
            tests,
        })
    } else {
        Err(reader.diagnostics)
    }
}

struct Reader<'a> {
    path: String,
    text: &'a str,
    program: &'a Program,
    diagnostics: Vec<Diagnostic>,
}

fn line_column(node_span: &marked_yaml::Span) -> (usize, usize) {
    node_span.start().map_or((1, 1), |m| (m.line(), m.column()))
}

impl Reader<'_> {
    fn location(&self, span: &marked_yaml::Span, width: usize) -> Location {
        let (line, column) = line_column(span);
        Location::in_text(&self.path, self.text, line, column, width)
    }

    fn error(&mut self, span: &marked_yaml::Span, message: String, help: &str) {
        let diagnostic = Diagnostic::error("bad-test-file", message)
            .at(self.location(span, 1))
            .help(help);
        self.diagnostics.push(diagnostic);
    }

    fn mapping<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n MarkedMappingNode> {
        let mapping = node.as_mapping();
        if mapping.is_none() {
            self.error(
                node.span(),
                format!("{what} must be a mapping of keys to values"),
                "see the rule-test format in README.md",
            );
        }
        mapping
    }

    fn only_keys(&mut self, mapping: &MarkedMappingNode, allowed: &[&str], what: &str) {
        for key in mapping.keys() {
            if !allowed.contains(&key.as_str()) {
                let help = did_you_mean(key.as_str(), allowed.iter().copied())
                    .unwrap_or_else(|| format!("{what} takes: {}", allowed.join(", ")));
                let diagnostic = Diagnostic::error(
                    "bad-test-file",
                    format!("unknown key `{}` in {what}", key.as_str()),
                )
                .at(self.location(key.span(), key.as_str().chars().count()))
                .help(help);
                self.diagnostics.push(diagnostic);
            }
        }
    }

    fn file(&mut self, root: &Node, path: &Path) -> Vec<RuleTest> {
        let Some(mapping) = self.mapping(root, "a test file") else {
            return Vec::new();
        };
        self.only_keys(mapping, TEST_FILE_KEYS, "a test file");
        let Some(tests) = mapping.get_node("tests") else {
            self.error(
                root.span(),
                "a test file has no `tests:`".into(),
                "add `tests:`, a list of tests",
            );
            return Vec::new();
        };
        let Some(items) = tests.as_sequence() else {
            self.error(
                tests.span(),
                "`tests` must be a list".into(),
                "write each test as `- name: …`",
            );
            return Vec::new();
        };
        let folder = path.parent().unwrap_or(Path::new("."));
        items
            .iter()
            .filter_map(|item| self.test(item, folder))
            .collect()
    }

    fn test(&mut self, node: &Node, folder: &Path) -> Option<RuleTest> {
        let mapping = self.mapping(node, "a test")?;
        self.only_keys(mapping, TEST_KEYS, "a test");
        let (line, _) = line_column(node.span());
        let name = match mapping.get_scalar("name") {
            Some(name) if !name.as_str().trim().is_empty() => name.as_str().to_string(),
            _ => {
                self.error(
                    node.span(),
                    "a test has no `name`".into(),
                    "add `name: what the test shows`",
                );
                return None;
            }
        };
        let case = self.case(mapping, node, folder)?;
        let as_of = match mapping.get_scalar("as_of") {
            None => None,
            Some(scalar) => match crate::store::parse_date(scalar.as_str()) {
                Ok(date) => Some(date),
                Err(message) => {
                    self.error(scalar.span(), message, "write `as_of: YYYY-MM-DD`");
                    return None;
                }
            },
        };
        let Some(expect) = mapping.get_node("expect") else {
            self.error(
                node.span(),
                format!("test `{name}` expects nothing"),
                "add `expect:` with `members:` or `records:`",
            );
            return None;
        };
        let expectations = self.expectations(expect)?;
        Some(RuleTest {
            name,
            line,
            case,
            as_of,
            expectations,
        })
    }

    fn case(
        &mut self,
        mapping: &MarkedMappingNode,
        test: &Node,
        folder: &Path,
    ) -> Option<CaseSource> {
        let Some((key, value)) = mapping.iter().find(|(key, _)| key.as_str() == "case") else {
            self.error(
                test.span(),
                "a test has no `case`".into(),
                "add `case:` with a case-file path or an inline case",
            );
            return None;
        };
        if let Some(path) = value.as_scalar() {
            let at = self.location(path.span(), path.as_str().chars().count());
            return Some(CaseSource::Path(folder.join(path.as_str()), at));
        }
        let (key_line, key_column) = line_column(key.span());
        Some(CaseSource::Inline {
            path: self.path.clone(),
            text: inline_case_text(self.text, key_line, key_column),
        })
    }

    fn expectations(&mut self, node: &Node) -> Option<Vec<Expectation>> {
        let mapping = self.mapping(node, "`expect`")?;
        self.only_keys(mapping, EXPECT_KEYS, "`expect`");
        let mut expectations = Vec::new();
        for (scope_key, entities) in mapping.iter() {
            let scope = match scope_key.as_str() {
                "members" => Scope::Member,
                "records" => Scope::Record,
                _ => continue,
            };
            let entities = self.mapping(entities, &format!("`{}`", scope_key.as_str()))?;
            for (id, outputs) in entities.iter() {
                let Ok(entity) = id.as_str().trim().parse::<i64>() else {
                    self.error(
                        id.span(),
                        format!("`{}` is not a member or record id", id.as_str()),
                        "key each expectation by the id, such as `1500:`",
                    );
                    continue;
                };
                let Some(outputs) = self.mapping(outputs, &format!("the outputs of {entity}"))
                else {
                    continue;
                };
                for (output, value) in outputs.iter() {
                    if let Some(expectation) = self.expectation(scope, entity, output, value) {
                        expectations.push(expectation);
                    }
                }
            }
        }
        Some(expectations)
    }

    /// An expected value of type `ty`, read from `node`: wrong types, unknown enumeration
    /// values (with a suggestion) and quoted numbers are errors of the test file.
    fn expected(&mut self, node: &Node, ty: &Type, output: &str) -> Option<Expected> {
        let required = ty.required();
        if let Type::List(element) = required {
            let Some(items) = node.as_sequence() else {
                self.error(
                    node.span(),
                    format!("the expected `{output}` is a list: write `[a, b]`, or `[]` for none"),
                    "see the rule-test format in README.md",
                );
                return None;
            };
            let mut values = Vec::new();
            for item in items.iter() {
                values.push(self.expected(item, element, output)?);
            }
            return Some(Value::List(values.into()));
        }
        let Some(scalar) = node.as_scalar() else {
            self.error(
                node.span(),
                format!("the expected `{output}` must be a single value of type `{ty}`"),
                "write `output: value`",
            );
            return None;
        };
        let text = scalar.as_str();
        let plain = scalar.may_coerce();
        if plain && matches!(text.trim(), "" | "~" | "null") {
            if ty.is_optional() {
                return Some(Value::Missing);
            }
            self.error(
                scalar.span(),
                format!("`{output}` is never missing (type `{ty}`): expect a value, not null"),
                "write the value the rules decide",
            );
            return None;
        }
        let mismatch = |what: &str| {
            (
                format!("the expected `{output}` is {what}, but `{output}` has type `{ty}`"),
                match required {
                    Type::Int => "write a whole number without quotes, such as `35`",
                    Type::Bool => "write `true` or `false` without quotes",
                    Type::Date => "write a date as YYYY-MM-DD",
                    _ => "write a value of the output's type",
                },
            )
        };
        let value = match required {
            Type::Int if plain => text.trim().parse::<i64>().ok().map(Value::Int),
            Type::Bool if plain => match text.trim() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            Type::Int | Type::Bool => None,
            Type::Date => crate::data::parse_calendar_date(text).map(Value::Date),
            Type::Text => Some(Value::Text(text.into())),
            Type::Enum(name) => {
                let values = self.program.enums.get(&**name).cloned().unwrap_or_default();
                if values.iter().any(|v| v == text.trim()) {
                    Some(Value::Text(text.trim().into()))
                } else {
                    let help = did_you_mean(text.trim(), values.iter().map(String::as_str))
                        .unwrap_or_else(|| format!("`{name}` is one of: {}", values.join(", ")));
                    let diagnostic = Diagnostic::error(
                        "bad-test-file",
                        format!("`{}` is not a value of `{name}`", text.trim()),
                    )
                    .at(self.location(scalar.span(), text.chars().count()))
                    .help(help);
                    self.diagnostics.push(diagnostic);
                    return None;
                }
            }
            _ => None,
        };
        if value.is_none() {
            let what = if plain {
                format!("`{}`", text.trim())
            } else {
                format!("the text \"{text}\"")
            };
            let (message, help) = mismatch(&what);
            self.error(scalar.span(), message, help);
        }
        value
    }

    fn expectation(
        &mut self,
        scope: Scope,
        entity: i64,
        output: &MarkedScalarNode,
        value: &Node,
    ) -> Option<Expectation> {
        let outputs = match scope {
            Scope::Member => &self.program.member_outputs,
            Scope::Record => &self.program.record_outputs,
        };
        let name = output.as_str();
        // An output, or else any definition of the scope (a mailing's parts are no outputs).
        let definition = outputs
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.definition)
            .or_else(|| {
                self.program
                    .definitions
                    .iter()
                    .position(|d| d.scope == scope && d.name == name)
            });
        let Some(definition) = definition else {
            let help =
                did_you_mean(name, outputs.iter().map(|o| o.name.as_str())).unwrap_or_else(|| {
                    let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
                    format!("{} outputs are: {}", scope.name(), names.join(", "))
                });
            let diagnostic = Diagnostic::error(
                "bad-test-file",
                format!("`{name}` is not a {} output or definition", scope.name()),
            )
            .at(self.location(output.span(), name.chars().count()))
            .help(help);
            self.diagnostics.push(diagnostic);
            return None;
        };
        let ty = &self.program.definitions[definition].ty;
        let expected = self.expected(value, ty, name)?;
        let (line, column) = line_column(output.span());
        Some(Expectation {
            scope,
            entity,
            output: name.to_string(),
            definition,
            expected,
            line,
            column,
        })
    }
}

/// The inline case of a test as a case file of its own, line for line with the test file.
///
/// Every line outside the case is blanked (and the `case:` key itself), so that a case
/// error names the test file's own line and column: the case is what follows `case:` on
/// its line and every following line indented deeper than the `case` key.
fn inline_case_text(text: &str, key_line: usize, key_column: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = true;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if number == key_line {
            let key_end = line
                .char_indices()
                .nth(key_column - 1)
                .and_then(|(byte, _)| line[byte..].find(':').map(|colon| byte + colon + 1))
                .unwrap_or(line.len());
            out.push_str(&" ".repeat(line[..key_end].chars().count()));
            out.push_str(&line[key_end..]);
        } else if number > key_line && inside {
            let indent = line.len() - line.trim_start().len();
            let blank = line.trim().is_empty() || line.trim_start().starts_with('#');
            if blank || indent >= key_column {
                out.push_str(line);
            } else {
                inside = false;
            }
        }
        out.push('\n');
    }
    out
}
