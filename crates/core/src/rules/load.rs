//! Loading: rule-file text → [`RuleFile`] and [`Schema`], every error collected.

use crate::rules::Reports;
use std::collections::HashMap;

use chrono::NaiveDate;
use marked_yaml::Node;

use super::format::{
    Declarations, DefinitionFormat, ObjectsFormat, OutputsFormat, OverrideFormat, PersonalFormat,
    RowFormat, RuleFileFormat, SchemaFormat,
};
use super::{
    Body, Case, CaseValue, Definition, ExprSource, FieldDeclaration, Located, Override, Place,
    RuleFile, RuleSet, Schema, Scope, Section, SectionKey, SectionOf, SourceFile,
};
use crate::diag::{Diagnostic, DiagnosticCode};
use crate::syntax::{parse_expression, parse_template};
use crate::yaml::{Entries, Field};

/// The largest rule file accepted, in bytes.
pub(crate) const MAX_RULE_FILE_BYTES: usize = 1024 * 1024;

/// The index of `schema.yaml` among the files of a rule set: it is read first.
const SCHEMA_FILE: usize = 0;

/// The version of the rules language a schema may name (`schema:`).
const SCHEMA_VERSION: &str = "wotrules/1";

/// One file of a rule set, before it is parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceText {
    /// The path as diagnostics show it (as given on the command line, or `git:REV:path`).
    pub path: String,
    /// The path relative to the rules directory, `/`-separated: what traces cite and the
    /// digest hashes, the same from any working directory or revision.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// The texts of a rule set: the schema and every rule file.
#[derive(Debug, Clone, Default)]
pub struct RuleSources {
    /// `schema.yaml` at the root of the rules directory.
    pub schema: SourceText,
    /// Every other `*.yaml` under the rules directory, in path order.
    pub rule_files: Vec<SourceText>,
}

/// Reads every rule file and the schema, reporting every problem found; the sections
/// `features` own are kept for them (see [`super::section`]).
pub fn load_rule_set(sources: RuleSources, features: &[SectionKey]) -> (RuleSet, Vec<Diagnostic>) {
    let mut loader = Loader {
        set: RuleSet {
            claimed: features.iter().map(|s| (s.key, s.of)).collect(),
            ..RuleSet::default()
        },
        diagnostics: Vec::new(),
    };
    match loader.parse_file(sources.schema) {
        Some(root) => loader.schema(&root),
        None => loader.set.names_missing = true,
    }
    for source in sources.rule_files {
        loader.add_rule_file(source);
    }
    loader.finish()
}

/// A rule set with one more rule file, loaded beside those already loaded (the rest is not
/// read again): what a fuzzer or an editor adds to a checked base.
pub fn add_rule_file(set: RuleSet, source: SourceText) -> (RuleSet, Vec<Diagnostic>) {
    let incomplete = set.incomplete;
    let mut loader = Loader {
        set,
        diagnostics: Vec::new(),
    };
    loader.add_rule_file(source);
    let (mut set, diagnostics) = loader.finish();
    set.incomplete |= incomplete;
    (set, diagnostics)
}

struct Loader {
    set: RuleSet,
    diagnostics: Vec<Diagnostic>,
}

impl super::Reports for Loader {
    fn rule_set(&self) -> &RuleSet {
        &self.set
    }

    fn diagnostics(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.diagnostics
    }
}

impl Loader {
    fn add_rule_file(&mut self, source: SourceText) {
        let file = self.set.files.len();
        let rule_file = self
            .parse_file(source)
            .and_then(|root| self.rule_file(file, &root));
        match rule_file {
            Some(rule_file) => self.set.rule_files.push(rule_file),
            None => self.set.names_missing = true,
        }
    }

    fn finish(mut self) -> (RuleSet, Vec<Diagnostic>) {
        self.set.incomplete = self.diagnostics.iter().any(Diagnostic::is_error);
        (self.set, self.diagnostics)
    }

    /// Parses the YAML of one file; reports and skips it when it is not a YAML mapping.
    fn parse_file(&mut self, source: SourceText) -> Option<Node> {
        let file = self.set.files.len();
        let SourceText { path, name, text } = source;
        let text = crate::yaml::without_bom(&text).to_string();
        self.set.files.push(SourceFile { path, name, text });
        let source = &self.set.files[file];
        if source.text.len() > MAX_RULE_FILE_BYTES {
            let message = format!(
                "rule file is {} bytes, the limit is {MAX_RULE_FILE_BYTES}",
                source.text.len()
            );
            self.error(
                Place {
                    source: file,
                    line: 1,
                    column: 1,
                },
                1,
                DiagnosticCode::FileTooLarge,
                message,
                Some("split it into several files".into()),
            );
            return None;
        }
        if source.text.trim().is_empty() {
            self.error(Place {
                    source: file, line: 1, column: 1 }, 1, DiagnosticCode::EmptyFile, "rule file is empty".into(), Some("write a rule file, or delete it: every `*.yaml` under the rules directory is loaded".into()));
            return None;
        }
        if let Some(line) = second_document(&source.text) {
            self.error(
                Place {
                    source: file,
                    line,
                    column: 1,
                },
                3,
                DiagnosticCode::SeveralDocuments,
                "a rule file holds one YAML document, this is a second one".into(),
                Some("split the documents into files of their own".into()),
            );
            return None;
        }
        match crate::yaml::parse(file, &source.text) {
            Ok(node) => Some(node),
            Err(error) => {
                let pos = Place {
                    source: file,
                    line: error.line,
                    column: error.column,
                };
                self.error(pos, 1, DiagnosticCode::Yaml, error.message, error.help);
                None
            }
        }
    }

    fn schema(&mut self, root: &Node) {
        let Some(format) = self.read::<SchemaFormat>(SCHEMA_FILE, root, SectionOf::Schema) else {
            self.set.names_missing = true;
            return;
        };
        if let Some(version) = Self::located(format.schema)
            && version.value != SCHEMA_VERSION
        {
            let message = format!(
                "schema version `{}` is not `{SCHEMA_VERSION}`",
                version.value
            );
            let help = format!("this wotrules reads `schema: {SCHEMA_VERSION}`");
            self.error(
                version.pos,
                version.value.chars().count(),
                DiagnosticCode::UnknownVersion,
                message,
                Some(help),
            );
        }
        let mut schema = Schema::default();
        // Optional (schemas before it had none): without it, a database with
        // `cats_variant` is refused when read, never read with a guess.
        if let Some(store) = Self::located(format.store) {
            let types = Self::located(store.value.cats_types).map_or_else(Vec::new, |l| l.value);
            schema.cats_types = types
                .into_iter()
                .filter_map(|t| t.present())
                .map(|t| t.0)
                .collect();
        }
        if let Some(enums) = Self::located(format.enums) {
            for (name, values) in enums.value.0 {
                let (Some((name, _)), Some((values, _))) = (name.present(), values.present())
                else {
                    continue;
                };
                let values = values.into_iter().filter_map(|v| v.present()).map(|v| v.0);
                schema.enums.insert(name, values.collect());
            }
        }
        if let Some(objects) = Self::located(format.fields) {
            let ObjectsFormat {
                record,
                member,
                request,
            } = objects.value;
            for (object, declared) in [("record", record), ("member", member), ("request", request)]
            {
                if declared.is_given() {
                    let list = self.declarations(declared);
                    schema.fields.insert(object.to_string(), list);
                }
            }
        }
        if let Some(outputs) = Self::located(format.outputs) {
            let OutputsFormat { record, member } = outputs.value;
            for (scope, declared) in [(Scope::Record, record), (Scope::Member, member)] {
                for (name, type_name) in self.declarations(declared) {
                    schema.outputs.push((scope, name, type_name));
                }
            }
        }
        if let Some(personal) = Self::located(format.personal) {
            schema.personal = self.personal(personal.value, &schema.fields);
        }
        self.set.schema = schema;
    }

    /// `personal:`: each a declared field of its object, as `object.field`.
    fn personal(
        &mut self,
        format: PersonalFormat,
        fields: &HashMap<String, Vec<FieldDeclaration>>,
    ) -> Vec<String> {
        let mut personal = Vec::new();
        for (object, names) in [("record", format.record), ("member", format.member)] {
            let declared: Vec<&str> = fields
                .get(object)
                .map(|list| list.iter().map(|(n, _)| n.value.as_str()).collect())
                .unwrap_or_default();
            let names = Self::located(names).map_or_else(Vec::new, |l| l.value);
            for name in names.into_iter().filter_map(Self::located) {
                if declared.contains(&name.value.as_str()) {
                    personal.push(format!("{object}.{}", name.value));
                    continue;
                }
                let help = crate::suggest::did_you_mean(&name.value, declared.iter().copied())
                    .unwrap_or_else(|| format!("name a field of `fields.{object}`"));
                self.error(
                    name.pos,
                    name.value.chars().count(),
                    DiagnosticCode::UnknownField,
                    format!("`personal.{object}`: no field `{}`", name.value),
                    Some(help),
                );
            }
        }
        personal
    }

    /// Names and their types, as written.
    fn declarations(&mut self, field: Declarations) -> Vec<(Located<String>, Located<String>)> {
        let Some(entries) = Self::located(field) else {
            return Vec::new();
        };
        entries
            .value
            .0
            .into_iter()
            .filter_map(|(name, type_name)| {
                let name = Self::located(name)?;
                Some((name, self.text(type_name, "a type")?))
            })
            .collect()
    }

    /// Reads a node into a format type, each problem a diagnostic.
    /// Reads `root`, the mapping of a file of kind `of`, into `T`; the sections features own
    /// there are kept for them, not read.
    fn read<T: serde::de::DeserializeOwned>(
        &mut self,
        file: usize,
        root: &Node,
        of: SectionOf,
    ) -> Option<T> {
        let claimed: Vec<&'static str> = (self.set.claimed.iter())
            .filter(|(_, place)| *place == of)
            .map(|(key, _)| *key)
            .collect();
        let mut problems = Vec::new();
        let value = crate::yaml::from_node_except(root, &claimed, &mut problems);
        for problem in problems {
            let file = &self.set.files[problem.place.source];
            let diagnostic = problem.diagnostic(&file.path, &file.text);
            self.diagnostics.push(diagnostic);
        }
        if let Some(mapping) = root.as_mapping() {
            for (key, node) in mapping.iter() {
                if let Some(key) = claimed.iter().find(|k| **k == key.as_str()) {
                    let node = node.clone();
                    self.set.sections.push(Section { key, file, node });
                }
            }
        }
        value
    }

    /// A present value with its position.
    fn located<T>(field: Field<T>) -> Option<Located<T>> {
        field
            .present()
            .map(|(value, place)| Located { value, pos: place })
    }

    /// Text that must not be empty.
    fn text(&mut self, field: Field<String>, what: &str) -> Option<Located<String>> {
        self.set.text(field, what, &mut self.diagnostics)
    }

    /// A required value: absent is an error at `pos` (`owner` names what lacks it).
    fn required<T>(&mut self, field: Field<T>, pos: Place, owner: &str, key: &str) -> Field<T> {
        if !field.is_given() {
            self.error(
                pos,
                1,
                DiagnosticCode::MissingKey,
                format!("{owner} has no `{key}`"),
                Some(format!("add `{key}:`")),
            );
        }
        field
    }

    fn date(
        &mut self,
        field: Field<Option<String>>,
        what: &str,
    ) -> Option<Option<Located<NaiveDate>>> {
        let Located { value, pos } = Self::located(field)?;
        let Some(text) = value else {
            return Some(None);
        };
        let text = text.trim();
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if text.len() == 10 => Some(Some(Located { value: date, pos })),
            _ => {
                self.error(
                    pos,
                    text.chars().count(),
                    DiagnosticCode::BadDate,
                    format!("{what} {}", crate::lang::date_problem(text)),
                    Some("write a calendar date as YYYY-MM-DD, or `null`".into()),
                );
                None
            }
        }
    }

    fn expression(&mut self, field: Field<String>) -> Option<ExprSource> {
        self.parsed(field, parse_expression)
    }

    /// A scalar parsed by `parse` (an expression, a template), errors placed in the file.
    fn parsed(
        &mut self,
        field: Field<String>,
        parse: fn(&str) -> Result<crate::syntax::ast::Expr, crate::syntax::ParseError>,
    ) -> Option<ExprSource> {
        let Located { value: text, pos } = Self::located(field)?;
        match parse(&text) {
            Ok(expr) => Some(ExprSource { text, pos, expr }),
            Err(error) => {
                let span = crate::syntax::ast::Span {
                    start: error.offset,
                    end: error.offset + 1,
                };
                let mut diagnostic = Diagnostic::error(DiagnosticCode::Syntax, error.message)
                    .at(self.set.text_location(pos, &text, span));
                diagnostic.help = error.help;
                if let Some((length, replacement)) = error.fix {
                    let fixed = crate::syntax::ast::Span {
                        start: error.offset,
                        end: error.offset + length,
                    };
                    diagnostic =
                        diagnostic.fix(self.set.text_location(pos, &text, fixed), replacement);
                }
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn rule_file(&mut self, file: usize, root: &Node) -> Option<RuleFile> {
        let format: RuleFileFormat = self.read(file, root, SectionOf::RuleFile)?;
        let id = self.text(format.id, "`id`");
        let title = self.text(format.title, "`title`");
        let source = self.text(format.source, "`source`");
        let kind = Self::located(format.kind).map(|kind| kind.value);
        let draft = Self::located(format.status)
            .is_some_and(|status| status.value == Some(crate::lang::Status::Draft));
        let effective_from = self.date(format.effective_from, "`effective_from`");
        let effective_until = match format.effective_until {
            Field::Absent => None,
            until => self.date(until, "`effective_until`")?,
        };
        let definitions = self.definitions(format.definitions);
        let overrides = Self::located(format.overrides)
            .map(|list| {
                list.value
                    .into_iter()
                    .filter_map(|o| self.override_row(o))
                    .collect()
            })
            .unwrap_or_default();
        Some(RuleFile {
            file,
            id: id?,
            title: title?.value,
            kind: kind?,
            draft,
            source: source?.value,
            effective_from: effective_from?,
            effective_until,
            definitions,
            overrides,
        })
    }

    fn definitions(&mut self, field: Field<Entries<Field<DefinitionFormat>>>) -> Vec<Definition> {
        let entries = match field {
            Field::Present(Entries(entries), _) => entries,
            Field::Invalid => {
                self.set.names_missing = true;
                return Vec::new();
            }
            Field::Absent => return Vec::new(),
        };
        let mut definitions = Vec::new();
        for (name, body) in entries {
            let Some(name) = Self::located(name) else {
                self.set.names_missing = true;
                continue;
            };
            if !is_identifier(&name.value) {
                self.error(
                    name.pos,
                    name.value.chars().count(),
                    DiagnosticCode::BadName,
                    format!("`{}` is not a name expressions can use", name.value),
                    Some("name a definition with ASCII letters, digits and `_`, starting with a letter".into()),
                );
                self.set.names_missing = true;
                continue;
            }
            match self.definition(name, body) {
                Some(definition) => definitions.push(definition),
                None => self.set.names_missing = true,
            }
        }
        definitions
    }

    fn definition(
        &mut self,
        name: Located<String>,
        field: Field<DefinitionFormat>,
    ) -> Option<Definition> {
        let format = Self::located(field)?.value;
        let what = format!("definition `{}`", name.value);
        let cite = self.required(format.cite, name.pos, &what, "cite");
        let cite = self.text(cite, "`cite`");
        let type_name = match format.type_name {
            Field::Absent => None,
            type_name => Some(self.text(type_name, "`type`")?),
        };
        let given = [
            format.value.is_given(),
            format.template.is_given(),
            format.cases.is_given(),
            format.collect.is_given(),
        ];
        let body = if given.iter().filter(|g| **g).count() != 1 {
            self.error(name.pos, 1, DiagnosticCode::DefinitionBody, format!("{what} needs exactly one of `value`, `template`, `cases` or `collect`"), Some("`value:` an expression; `template:` text with `{expression}` holes; `cases:` a decision table; `collect:` rows whose values are gathered into a list".into()));
            None
        } else if given[0] {
            self.expression(format.value).map(Body::Value)
        } else if given[1] {
            self.parsed(format.template, parse_template)
                .map(Body::Value)
        } else if given[2] {
            self.cases(format.cases, true).map(Body::Cases)
        } else {
            self.cases(format.collect, false).map(Body::Collect)
        };
        // A definition with a bad part is kept, marked broken: declaring its name spares
        // every rule that uses it a false "unknown field".
        let broken = cite.is_none() || body.is_none();
        let scope = Self::located(format.scope)?.value;
        Some(Definition {
            cite: cite.unwrap_or_else(|| Located {
                value: String::new(),
                pos: name.pos,
            }),
            name,
            scope,
            type_name,
            body: body.unwrap_or(Body::Cases(Vec::new())),
            broken,
        })
    }

    /// Whether the row starting at `row` (and ending before line `next`) has an unknown key
    /// already reported as a misspelling of `key`: then its absence is no news.
    fn misspelt_in_row(&self, row: Place, next: Option<usize>, key: &str) -> bool {
        let path = &self.set.files[row.source].path;
        let hint = format!("did you mean `{key}`?");
        self.diagnostics.iter().any(|d| {
            d.code == DiagnosticCode::UnknownKey
                && d.help.as_deref() == Some(hint.as_str())
                && d.location.as_deref().is_some_and(|l| {
                    &l.path == path && l.line >= row.line && next.is_none_or(|next| l.line < next)
                })
        })
    }

    /// Reads a decision table; `with_else`: the last row, and only it, has no `when`.
    fn cases(&mut self, field: Field<Vec<Field<RowFormat>>>, with_else: bool) -> Option<Vec<Case>> {
        let Located { value: rows, pos } = Self::located(field)?;
        if rows.is_empty() {
            self.error(
                pos,
                1,
                DiagnosticCode::EmptyTable,
                "decision table has no rows".into(),
                None,
            );
            return None;
        }
        let count = rows.len();
        let rows: Vec<Option<Located<RowFormat>>> = rows.into_iter().map(Self::located).collect();
        // Where each row starts, so that a row's own diagnostics can be told from the next's.
        let starts: Vec<Option<Place>> =
            rows.iter().map(|row| row.as_ref().map(|r| r.pos)).collect();
        let mut cases = Vec::new();
        let mut complete = true;
        for (index, row) in rows.into_iter().enumerate() {
            let Some(Located { value: row, pos }) = row else {
                complete = false;
                continue;
            };
            let next = starts
                .iter()
                .skip(index + 1)
                .flatten()
                .next()
                .map(|p| p.line);
            let is_last = index + 1 == count;
            let when = match row.when {
                Field::Absent => None,
                when => match self.expression(when) {
                    Some(expr) => Some(expr),
                    None => {
                        complete = false;
                        continue;
                    }
                },
            };
            if when.is_none() && !(with_else && is_last) && !self.misspelt_in_row(pos, next, "when")
            {
                let help = if with_else {
                    "only the last row may omit `when:` (it is the `else` row)"
                } else {
                    "every row of `collect:` needs a `when:`"
                };
                self.error(
                    pos,
                    1,
                    DiagnosticCode::MissingKey,
                    "row has no `when`".into(),
                    Some(help.into()),
                );
            }
            // The row is kept (the error makes the rule set incomplete, so it is never
            // evaluated): the checker still checks its other expressions and the table's.
            if with_else && is_last && when.is_some() {
                self.error(
                    pos,
                    1,
                    DiagnosticCode::NoElse,
                    "the last row of `cases:` must be the `else` row, without `when:`".into(),
                    Some("add a last row with the value when no other row holds".into()),
                );
                complete = false;
            }
            let cite = match row.cite {
                Field::Absent => None,
                cite => self.text(cite, "`cite`"),
            };
            let Some(then) = self.case_value(row.then, row.outcome, pos) else {
                complete = false;
                continue;
            };
            cases.push(Case {
                when,
                then,
                cite,
                pos,
            });
        }
        complete.then_some(cases)
    }

    fn case_value(
        &mut self,
        then: Field<String>,
        outcome: Field<String>,
        pos: Place,
    ) -> Option<CaseValue> {
        match (then, outcome) {
            (then, Field::Absent) if then.is_given() => self.expression(then).map(CaseValue::Expr),
            (Field::Absent, outcome) if outcome.is_given() => {
                self.text(outcome, "`outcome`").map(CaseValue::Outcome)
            }
            _ => {
                self.error(
                    pos,
                    1,
                    DiagnosticCode::CaseValue,
                    "row needs exactly one of `then` or `outcome`".into(),
                    Some(
                        "`then:` an expression; `outcome:` a value of the output's enumeration"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    fn override_row(&mut self, field: Field<OverrideFormat>) -> Option<Override> {
        let Located { value: format, pos } = Self::located(field)?;
        let target = self.text(format.target, "`target`").and_then(|target| {
            let parsed = target
                .value
                .split_once('.')
                .and_then(|(scope, name)| match scope {
                    "record" => Some((Scope::Record, name.to_string())),
                    "member" => Some((Scope::Member, name.to_string())),
                    _ => None,
                });
            if parsed.is_none() {
                self.error(
                    target.pos,
                    target.value.chars().count(),
                    DiagnosticCode::BadTarget,
                    format!(
                        "override target `{}` is not `record.<name>` or `member.<name>`",
                        target.value
                    ),
                    Some("name the definition overridden, e.g. `record.counts`".into()),
                );
            }
            parsed.map(|(scope, name)| {
                (
                    scope,
                    Located {
                        value: name,
                        pos: target.pos,
                    },
                )
            })
        });
        // A missing priority is not a loading error: the checker reports the conflict it leaves.
        let priority = match format.priority {
            Field::Invalid => return None,
            priority => Self::located(priority),
        };
        let cite = self.text(format.cite, "`cite`");
        let when = match format.when {
            Field::Absent => None,
            when => Some(self.expression(when)?),
        };
        let then = self.case_value(format.then, format.outcome, pos);
        let (scope, target) = target?;
        Some(Override {
            scope,
            target,
            priority,
            cite: cite?,
            when,
            then: then?,
            pos,
        })
    }
}

/// Whether `name` is an identifier of the expression language (grammar/expr.pest).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The 1-based line where a second YAML document starts (`---` after content), if any.
fn second_document(text: &str) -> Option<usize> {
    let mut seen_content = false;
    for (index, line) in text.lines().enumerate() {
        let is_marker = line == "---" || line.starts_with("--- ");
        if is_marker && seen_content {
            return Some(index + 1);
        }
        let trimmed = line.trim();
        seen_content |= !is_marker && !trimmed.is_empty() && !trimmed.starts_with('#');
    }
    None
}
