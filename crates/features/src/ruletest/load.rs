//! Reading rule-test files: serde types read through [`wotrules_core::yaml`], a position on every
//! expectation, every problem of a file reported in one run.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{CaseSource, Expectation, Expected, RuleTest, TestFile};
use wotrules_core::check::Program;
use wotrules_core::data::Rows;
use wotrules_core::diag::{Diagnostic, DiagnosticCode, Location};
use wotrules_core::lang::Scope;
use wotrules_core::lang::{Type, Value};
use wotrules_core::suggest::did_you_mean;
use wotrules_core::yaml::{Entries, Field, Place};
use wotrules_store::{RULE_TESTS_FOLDER, read_case, read_text, yaml_files_under};

/// A test file: `tests:`, a list of tests.
#[derive(Debug, Deserialize)]
#[serde(rename = "a test file", deny_unknown_fields)]
struct TestFileFormat {
    tests: Field<Vec<Field<TestFormat>>>,
}

/// One test.
#[derive(Debug, Deserialize)]
#[serde(rename = "a test", deny_unknown_fields)]
struct TestFormat {
    name: Field<String>,
    /// A case-file path, or a case written inline (read again as a case file).
    case: Field<Written>,
    #[serde(default)]
    as_of: Field<String>,
    #[serde(default)]
    expect: Field<ExpectFormat>,
}

/// `expect:`: outputs by member id and by record id.
#[derive(Debug, Deserialize)]
#[serde(rename = "`expect`", deny_unknown_fields)]
struct ExpectFormat {
    #[serde(default)]
    members: Field<Entries<Field<Entries<Field<Written>>>>>,
    #[serde(default)]
    records: Field<Entries<Field<Entries<Field<Written>>>>>,
}

/// An expected value as written, read by the output's type later.
#[derive(Debug)]
enum Written {
    Null,
    Bool(bool),
    /// A plain whole number, with its text.
    Int(i64),
    Text(String),
    List(Vec<Field<Written>>),
    Mapping,
}

impl<'de> Deserialize<'de> for Written {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WrittenVisitor;
        impl<'de> Visitor<'de> for WrittenVisitor {
            type Value = Written;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_unit<E>(self) -> Result<Written, E> {
                Ok(Written::Null)
            }
            fn visit_bool<E>(self, value: bool) -> Result<Written, E> {
                Ok(Written::Bool(value))
            }
            fn visit_i64<E>(self, value: i64) -> Result<Written, E> {
                Ok(Written::Int(value))
            }
            fn visit_str<E>(self, value: &str) -> Result<Written, E> {
                Ok(Written::Text(value.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Written, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Written::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Written, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Written::Mapping)
            }
        }
        deserializer.deserialize_any(WrittenVisitor)
    }
}

/// Reads one test file; every problem (bad YAML, unknown keys or outputs, bad dates) is reported.
pub fn read_test_file(
    path: &Path,
    text: &str,
    program: &Program,
) -> Result<TestFile, Vec<Diagnostic>> {
    let text = wotrules_core::yaml::without_bom(text);
    let mut reader = Reader {
        path: path.display().to_string(),
        text,
        program,
        diagnostics: Vec::new(),
    };
    let root = match wotrules_core::yaml::parse(0, text) {
        Ok(root) => root,
        Err(error) => {
            let mut diagnostic = Diagnostic::error(DiagnosticCode::BadTestFile, error.message).at(
                Location::in_text(&reader.path, text, error.line, error.column, 1),
            );
            diagnostic.help = error.help;
            return Err(vec![diagnostic]);
        }
    };
    let mut problems = Vec::new();
    let format: Option<TestFileFormat> = wotrules_core::yaml::from_node(&root, &mut problems);
    for problem in problems {
        let diagnostic = problem.diagnostic(&reader.path, text);
        reader.diagnostics.push(diagnostic);
    }
    let folder = path.parent().unwrap_or(Path::new("."));
    let tests = match format.and_then(|f| f.tests.present()) {
        Some((tests, _)) => tests
            .into_iter()
            .filter_map(|test| reader.test(test, folder))
            .collect(),
        None => Vec::new(),
    };
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

impl Reader<'_> {
    fn location(&self, place: Place, width: usize) -> Location {
        Location::in_text(&self.path, self.text, place.line, place.column, width)
    }

    fn error(&mut self, place: Place, message: String, help: &str) {
        let diagnostic = Diagnostic::error(DiagnosticCode::BadTestFile, message)
            .at(self.location(place, 1))
            .help(help);
        self.diagnostics.push(diagnostic);
    }

    fn test(&mut self, field: Field<TestFormat>, folder: &Path) -> Option<RuleTest> {
        let (test, place) = field.present()?;
        let (name, name_place) = test.name.present()?;
        if name.trim().is_empty() {
            self.error(
                name_place,
                "the test's `name` is empty".into(),
                "add `name: what the test shows`",
            );
            return None;
        }
        let (case, case_place) = test.case.present()?;
        let case = match case {
            Written::Mapping => CaseSource::Inline {
                path: self.path.clone(),
                text: inline_case_text(self.text, case_place),
            },
            Written::Text(path) => CaseSource::Path(
                folder.join(&path),
                self.location(case_place, path.chars().count()),
            ),
            _ => {
                let help = "write `case:` with a path or an inline case";
                self.error(
                    case_place,
                    "`case` must be a case-file path or a case".into(),
                    help,
                );
                return None;
            }
        };
        let as_of = match test.as_of {
            Field::Absent => None,
            Field::Invalid => return None,
            Field::Present(text, at) => match wotrules_store::parse_date(&text) {
                Ok(date) => Some(date),
                Err(message) => {
                    self.error(at, message, "write `as_of: YYYY-MM-DD`");
                    return None;
                }
            },
        };
        let expect = match test.expect {
            Field::Present(expect, _) => expect,
            Field::Invalid => return None,
            Field::Absent => {
                self.error(
                    place,
                    format!("test `{name}` expects nothing"),
                    "add `expect:` with `members:` or `records:`",
                );
                return None;
            }
        };
        let mut expectations = Vec::new();
        for (scope, entities) in [
            (Scope::Member, expect.members),
            (Scope::Record, expect.records),
        ] {
            let Some((Entries(entities), _)) = entities.present() else {
                continue;
            };
            for (id, outputs) in entities {
                let (Some((id, id_place)), Some((Entries(outputs), _))) =
                    (id.present(), outputs.present())
                else {
                    continue;
                };
                let Ok(entity) = id.trim().parse::<i64>() else {
                    self.error(
                        id_place,
                        format!("`{id}` is not a member or record id"),
                        "key each expectation by the id, such as `1500:`",
                    );
                    continue;
                };
                for (output, value) in outputs {
                    if let (Some(output), Some(value)) = (output.present(), value.present())
                        && let Some(expectation) = self.expectation(scope, entity, output, value)
                    {
                        expectations.push(expectation);
                    }
                }
            }
        }
        Some(RuleTest {
            name,
            line: place.line,
            case,
            as_of,
            expectations,
        })
    }

    /// An expected value of type `ty`: wrong types, unknown enumeration values (with a
    /// suggestion) and quoted numbers are errors of the test file.
    fn expected(
        &mut self,
        (written, place): (Written, Place),
        ty: &Type,
        output: &str,
    ) -> Option<Expected> {
        let required = ty.required();
        if let Type::List(element) = required {
            let Written::List(items) = written else {
                self.error(
                    place,
                    format!("the expected `{output}` is a list: write `[a, b]`, or `[]` for none"),
                    "see the rule-test format in README.md",
                );
                return None;
            };
            let mut values = Vec::new();
            for item in items {
                values.push(self.expected(item.present()?, element, output)?);
            }
            return Some(Value::List(values.into()));
        }
        let (text, plain) = match written {
            Written::Null if ty.is_optional() => return Some(Value::Missing),
            Written::Null => {
                self.error(
                    place,
                    format!("`{output}` is never missing (type `{ty}`): expect a value, not null"),
                    "write the value the rules decide",
                );
                return None;
            }
            Written::List(_) | Written::Mapping => {
                self.error(
                    place,
                    format!("the expected `{output}` must be a single value of type `{ty}`"),
                    "write `output: value`",
                );
                return None;
            }
            Written::Bool(value) => (value.to_string(), true),
            Written::Int(value) => (value.to_string(), true),
            Written::Text(text) => {
                // Plain text reads as text too; only a quoted number or boolean is "the text".
                let quoted = self
                    .text
                    .lines()
                    .nth(place.line - 1)
                    .and_then(|line| line.chars().nth(place.column - 1))
                    .is_some_and(|c| c == '"' || c == '\'');
                (text, !quoted)
            }
        };
        let value = match required {
            Type::Int if plain => text.trim().parse::<i64>().ok().map(Value::Int),
            Type::Bool if plain => match text.trim() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            Type::Int | Type::Bool => None,
            Type::Date => wotrules_core::lang::parse_calendar_date(&text).map(Value::Date),
            Type::Text => Some(Value::Text(text.as_str().into())),
            Type::Enum(name) => {
                let values = self.program.enums.get(&**name).cloned().unwrap_or_default();
                if values.iter().any(|v| v == text.trim()) {
                    Some(Value::Text(text.trim().into()))
                } else {
                    let help = did_you_mean(text.trim(), values.iter().map(String::as_str))
                        .unwrap_or_else(|| format!("`{name}` is one of: {}", values.join(", ")));
                    let diagnostic = Diagnostic::error(
                        DiagnosticCode::BadTestFile,
                        format!("`{}` is not a value of `{name}`", text.trim()),
                    )
                    .at(self.location(place, text.chars().count()))
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
            let hint = match required {
                Type::Int => "write a whole number without quotes, such as `35`",
                Type::Bool => "write `true` or `false` without quotes",
                Type::Date => "write a date as YYYY-MM-DD",
                _ => "write a value of the output's type",
            };
            let message =
                format!("the expected `{output}` is {what}, but `{output}` has type `{ty}`");
            self.error(place, message, hint);
        }
        value
    }

    fn expectation(
        &mut self,
        scope: Scope,
        entity: i64,
        (name, place): (String, Place),
        value: (Written, Place),
    ) -> Option<Expectation> {
        let outputs = match scope {
            Scope::Member => &self.program.member_outputs,
            Scope::Record => &self.program.record_outputs,
        };
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
                did_you_mean(&name, outputs.iter().map(|o| o.name.as_str())).unwrap_or_else(|| {
                    let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
                    format!("{} outputs are: {}", scope.name(), names.join(", "))
                });
            let diagnostic = Diagnostic::error(
                DiagnosticCode::BadTestFile,
                format!("`{name}` is not a {} output or definition", scope.name()),
            )
            .at(self.location(place, name.chars().count()))
            .help(help);
            self.diagnostics.push(diagnostic);
            return None;
        };
        let ty = &self.program.definitions[definition].ty;
        let expected = self.expected(value, ty, &name)?;
        Some(Expectation {
            scope,
            entity,
            output: name,
            definition,
            expected,
            line: place.line,
            column: place.column,
        })
    }
}

/// The inline case of a test as a case file of its own, line for line with the test file.
///
/// Every line outside the case is blanked (and the `case:` key itself), so that a case
/// error names the test file's own line and column: the case is what starts at `value`
/// and every following line indented deeper than the `case` key.
fn inline_case_text(text: &str, value: Place) -> String {
    let lines: Vec<&str> = text.lines().collect();
    // The `case` key is the last `case` before the value: on its line, or on the nearest
    // earlier line with content (a block mapping starts on the line after its key).
    let before = |line: &str, column: usize| -> String { line.chars().take(column).collect() };
    let value_line = lines.get(value.line - 1).copied().unwrap_or("");
    let on_line = before(value_line, value.column - 1);
    let key_column = if on_line.trim().is_empty() {
        lines[..value.line - 1]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .and_then(|l| l.rfind("case"))
    } else {
        on_line.rfind("case")
    }
    .map_or(1, |byte| byte + 1);
    let mut out = String::with_capacity(text.len());
    let mut inside = true;
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        if number < value.line {
            // Blank, keeping the line.
        } else if number == value.line {
            let start = line
                .char_indices()
                .nth(value.column - 1)
                .map_or(line.len(), |(byte, _)| byte);
            out.push_str(&" ".repeat(line[..start].chars().count()));
            out.push_str(&line[start..]);
        } else if inside {
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

/// The folder of the case files rule tests name, inside the rule tests' folder: they travel
/// with the rules, and are not tests themselves.
pub const CASES_FOLDER: &str = "cases";

/// Every rule test under `RULES/tests/` (but `RULES/tests/cases/`) with the case of each
/// test, or every problem of the test files and their cases.
pub fn load_tests(
    rules: &Path,
    program: &Program,
) -> Result<Vec<(TestFile, Vec<Rows>)>, Vec<Diagnostic>> {
    let folder = rules.join(RULE_TESTS_FOLDER);
    if !folder.is_dir() {
        return Err(vec![
            Diagnostic::input_error(
                DiagnosticCode::Io,
                format!("{}: no rule tests here", folder.display()),
            )
            .help("write rule tests as `*.yaml` files in the rules directory's `tests/` folder"),
        ]);
    }
    let cases = folder.join(CASES_FOLDER);
    let paths: Vec<_> = yaml_files_under(&folder)?
        .into_iter()
        .filter(|path| !path.starts_with(&cases))
        .collect();
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let file = read_text(&path)
            .map_err(|e| vec![e])
            .and_then(|text| read_test_file(&path, &text, program));
        let file = match file {
            Ok(file) => file,
            Err(diagnostics) => {
                errors.extend(diagnostics);
                continue;
            }
        };
        let mut cases = Vec::new();
        for test in &file.tests {
            let case = match &test.case {
                CaseSource::Path(path, at) => read_text(path)
                    .map_err(|e| vec![e])
                    .and_then(|text| read_case(&path.display().to_string(), &text))
                    .map_err(|diagnostics| {
                        diagnostics
                            .into_iter()
                            .map(|d| match d.location {
                                None => d.at(at.clone()),
                                Some(_) => d,
                            })
                            .collect()
                    }),
                CaseSource::Inline { path, text } => read_case(path, text),
            };
            match case {
                Ok(case) => cases.push(case),
                Err(diagnostics) => errors.extend(diagnostics),
            }
        }
        files.push((file, cases));
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}
