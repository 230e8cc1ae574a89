//! Loading: rule-file text → [`RuleFile`] and [`Schema`], every error collected.

use chrono::NaiveDate;
use marked_yaml::Node;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};

use super::{
    Body, Case, CaseValue, Definition, DocumentKind, ExprSource, Located, Mailing, MailingRole,
    Override, Pos, RuleFile, RuleSet, Schema, Scope, SourceFile, WhyNotKind,
};
use crate::diag::Diagnostic;
use crate::suggest::did_you_mean;
use crate::syntax::{parse_expression, parse_template};

/// The largest rule file accepted, in bytes.
pub const MAX_RULE_FILE_BYTES: usize = 1024 * 1024;

/// The keys of a rule file.
pub const RULE_FILE_KEYS: &[&str] = &[
    "id",
    "title",
    "kind",
    "source",
    "effective_from",
    "effective_until",
    "definitions",
    "overrides",
    "mailings",
];
/// The keys of a definition.
pub const DEFINITION_KEYS: &[&str] = &[
    "for", "type", "cite", "value", "template", "cases", "collect",
];
/// The keys of a row of a `cases` or `collect` table.
pub const ROW_KEYS: &[&str] = &["when", "then", "outcome", "cite"];
/// The keys of an override.
pub const OVERRIDE_KEYS: &[&str] = &["target", "priority", "cite", "when", "then", "outcome"];

/// The keys of a mailing.
pub const MAILING_KEYS: &[&str] = &[
    "id", "cite", "to", "records", "mailed", "from", "address", "subject", "body",
];

/// The JSON Schema of the rule-file format, for editors (`wotrules schema`).
pub const RULE_FILE_JSON_SCHEMA: &str = include_str!("../../grammar/rule-file.schema.json");

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

/// Reads every rule file and the schema, reporting every problem found.
pub fn load_rule_set(sources: RuleSources) -> (RuleSet, Vec<Diagnostic>) {
    let mut loader = Loader {
        set: RuleSet::default(),
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

/// The keys of one YAML mapping, checked against the keys allowed there.
struct Fields<'a> {
    map: &'a MarkedMappingNode,
    pos: Pos,
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

    fn pos(&self, file: usize, span: &marked_yaml::Span) -> Pos {
        let (line, column) = span.start().map_or((1, 1), |m| (m.line(), m.column()));
        Pos { file, line, column }
    }

    fn error(
        &mut self,
        pos: Pos,
        width: usize,
        code: &'static str,
        message: String,
        help: Option<String>,
    ) {
        let mut diagnostic = Diagnostic::error(code, message).at(self.set.location(pos, width));
        diagnostic.help = help;
        self.diagnostics.push(diagnostic);
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
                Pos {
                    file,
                    line: 1,
                    column: 1,
                },
                1,
                "file-too-large",
                message,
                Some("split it into several files".into()),
            );
            return None;
        }
        if source.text.trim().is_empty() {
            self.error(Pos { file, line: 1, column: 1 }, 1, "empty-file", "rule file is empty".into(), Some("write a rule file, or delete it: every `*.yaml` under the rules directory is loaded".into()));
            return None;
        }
        if let Some(line) = second_document(&source.text) {
            self.error(
                Pos {
                    file,
                    line,
                    column: 1,
                },
                3,
                "several-documents",
                "a rule file holds one YAML document, this is a second one".into(),
                Some("split the documents into files of their own".into()),
            );
            return None;
        }
        match crate::yaml::parse(file, &source.text) {
            Ok(node) => Some(node),
            Err(error) => {
                let pos = Pos {
                    file,
                    line: error.line,
                    column: error.column,
                };
                self.error(pos, 1, "yaml", error.message, error.help);
                None
            }
        }
    }

    fn fields<'a>(&mut self, node: &'a Node, file: usize, what: &str) -> Option<Fields<'a>> {
        let pos = self.pos(file, node.span());
        match node.as_mapping() {
            Some(map) => Some(Fields { map, pos }),
            None => {
                self.error(
                    pos,
                    1,
                    "wrong-shape",
                    format!("{what} must be a mapping of keys to values"),
                    None,
                );
                None
            }
        }
    }

    /// Reports keys not in `allowed`, with a suggestion.
    fn only_keys(&mut self, fields: &Fields, allowed: &[&str], what: &str) {
        for key in fields.map.keys() {
            if !allowed.contains(&key.as_str()) {
                let pos = self.pos(fields.pos.file, key.span());
                let help = did_you_mean(key.as_str(), allowed.iter().copied())
                    .unwrap_or_else(|| format!("{what} takes: {}", allowed.join(", ")));
                self.error(
                    pos,
                    key.as_str().chars().count(),
                    "unknown-key",
                    format!("unknown key `{}` in {what}", key.as_str()),
                    Some(help),
                );
            }
        }
    }

    fn required<'a>(&mut self, fields: &Fields<'a>, key: &str, what: &str) -> Option<&'a Node> {
        let node = fields.map.get_node(key);
        if node.is_none() {
            self.error(
                fields.pos,
                1,
                "missing-key",
                format!("{what} has no `{key}`"),
                Some(format!("add `{key}:`")),
            );
        }
        node
    }

    fn scalar<'a>(
        &mut self,
        node: &'a Node,
        file: usize,
        what: &str,
    ) -> Option<&'a MarkedScalarNode> {
        match node.as_scalar() {
            Some(scalar) => Some(scalar),
            None => {
                let pos = self.pos(file, node.span());
                self.error(
                    pos,
                    1,
                    "wrong-shape",
                    format!("{what} must be a single value"),
                    Some(
                        "write one value; quote text that starts with `[`, `{` or `-`, or holds `: `"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    fn text(&mut self, node: &Node, file: usize, what: &str) -> Option<Located<String>> {
        let scalar = self.scalar(node, file, what)?;
        let pos = self.pos(file, scalar.span());
        if scalar.as_str().trim().is_empty() {
            self.error(pos, 1, "empty-value", format!("{what} is empty"), None);
            return None;
        }
        Some(Located {
            value: scalar.as_str().to_string(),
            pos,
        })
    }

    fn date(&mut self, node: &Node, file: usize, what: &str) -> Option<Option<Located<NaiveDate>>> {
        let scalar = self.scalar(node, file, what)?;
        let pos = self.pos(file, scalar.span());
        let text = scalar.as_str().trim();
        if text == "null" || text == "~" {
            return Some(None);
        }
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if text.len() == 10 => Some(Some(Located { value: date, pos })),
            _ => {
                self.error(
                    pos,
                    text.chars().count(),
                    "bad-date",
                    format!("{what} `{text}` is not a date"),
                    Some("write a calendar date as YYYY-MM-DD, or `null`".into()),
                );
                None
            }
        }
    }

    fn expression(&mut self, node: &Node, file: usize, what: &str) -> Option<ExprSource> {
        self.parsed(node, file, what, parse_expression)
    }

    /// A scalar parsed by `parse` (an expression, a template), errors placed in the file.
    fn parsed(
        &mut self,
        node: &Node,
        file: usize,
        what: &str,
        parse: fn(&str) -> Result<crate::syntax::ast::Expr, crate::syntax::ParseError>,
    ) -> Option<ExprSource> {
        let scalar = self.scalar(node, file, what)?;
        let pos = self.pos(file, scalar.span());
        let text = scalar.as_str().to_string();
        match parse(&text) {
            Ok(expr) => Some(ExprSource { text, pos, expr }),
            Err(error) => {
                let span = crate::syntax::ast::Span {
                    start: error.offset,
                    end: error.offset + 1,
                };
                let mut diagnostic = Diagnostic::error("syntax", error.message)
                    .at(self.set.text_location(pos, &text, span));
                diagnostic.help = error.help;
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn schema(&mut self, root: &Node) {
        let file = 0;
        let Some(fields) = self.fields(root, file, "the schema") else {
            return;
        };
        self.only_keys(
            &fields,
            &["schema", "enums", "fields", "outputs", "store", "why_not"],
            "the schema",
        );
        let mut schema = Schema::default();
        // Optional (schemas before it had none): without it, a database with
        // `cats_variant` is refused when read, never read with a guess.
        if let Some(store) = fields
            .map
            .get_node("store")
            .and_then(|n| self.fields(n, file, "`store`"))
        {
            self.only_keys(&store, &["cats_types"], "`store`");
            if let Some(list) = self.required(&store, "cats_types", "`store`") {
                schema.cats_types = self.integers(list, file, "`cats_types`");
            }
        }
        if let Some(enums) = self
            .required(&fields, "enums", "the schema")
            .and_then(|n| self.fields(n, file, "`enums`"))
        {
            for (name, values) in enums.map.iter() {
                let Some(list) = values.as_sequence() else {
                    let pos = self.pos(file, values.span());
                    self.error(
                        pos,
                        1,
                        "wrong-shape",
                        format!("enumeration `{}` must be a list of values", name.as_str()),
                        None,
                    );
                    continue;
                };
                let values: Vec<String> = list
                    .iter()
                    .filter_map(|v| v.as_scalar().map(|s| s.as_str().to_string()))
                    .collect();
                schema.enums.insert(name.as_str().to_string(), values);
            }
        }
        if let Some(why_not) = fields.map.get_node("why_not") {
            schema.why_not = self.why_not(why_not, file);
        }
        if let Some(objects) = self
            .required(&fields, "fields", "the schema")
            .and_then(|n| self.fields(n, file, "`fields`"))
        {
            self.only_keys(&objects, &["record", "member", "request"], "`fields`");
            for (object, declared) in objects.map.iter() {
                let list = self.name_type_pairs(declared, file);
                schema.fields.insert(object.as_str().to_string(), list);
            }
        }
        if let Some(outputs) = self
            .required(&fields, "outputs", "the schema")
            .and_then(|n| self.fields(n, file, "`outputs`"))
        {
            self.only_keys(&outputs, &["record", "member"], "`outputs`");
            for (scope_name, declared) in outputs.map.iter() {
                let scope = if scope_name.as_str() == "record" {
                    Scope::Record
                } else {
                    Scope::Member
                };
                for (name, type_name) in self.name_type_pairs(declared, file) {
                    schema.outputs.push((scope, name, type_name));
                }
            }
        }
        self.set.schema = schema;
    }

    /// `why_not:`: each kind of change a counterfactual may make, as a mapping of scalars.
    fn why_not(&mut self, node: &Node, file: usize) -> Vec<WhyNotKind> {
        let Some(kinds) = self.fields(node, file, "`why_not`") else {
            return Vec::new();
        };
        let allowed: &[(&str, &[&str])] = &[
            ("receive", &["method", "points", "most", "cite"]),
            ("cats", &["cite"]),
            ("repair", &["output", "value", "points", "cite"]),
        ];
        self.only_keys(&kinds, &["receive", "cats", "repair"], "`why_not`");
        let mut declared = Vec::new();
        for (kind, body) in kinds.map.iter() {
            let Some((_, keys)) = allowed.iter().find(|(k, _)| *k == kind.as_str()) else {
                continue;
            };
            let what = format!("`why_not.{}`", kind.as_str());
            let Some(entries) = self.fields(body, file, &what) else {
                continue;
            };
            self.only_keys(&entries, keys, &what);
            let mut values = Vec::new();
            for key in *keys {
                if let Some(value) = self
                    .required(&entries, key, &what)
                    .and_then(|n| self.text(n, file, &format!("`{key}`")))
                {
                    values.push((key.to_string(), value));
                }
            }
            let name = Located {
                value: kind.as_str().to_string(),
                pos: self.pos(file, kind.span()),
            };
            declared.push((name, values));
        }
        declared
    }

    /// A list of whole numbers.
    fn integers(&mut self, node: &Node, file: usize, what: &str) -> Vec<i64> {
        let Some(list) = node.as_sequence() else {
            let pos = self.pos(file, node.span());
            self.error(
                pos,
                1,
                "wrong-shape",
                format!("{what} must be a list of whole numbers"),
                Some("write `[1]`".into()),
            );
            return Vec::new();
        };
        let mut numbers = Vec::new();
        for item in list.iter() {
            let Some(text) = self.text(item, file, what) else {
                continue;
            };
            match text.value.trim().parse::<i64>() {
                Ok(number) => numbers.push(number),
                Err(_) => self.error(
                    text.pos,
                    text.value.chars().count(),
                    "wrong-shape",
                    format!("{what}: `{}` is not a whole number", text.value),
                    None,
                ),
            }
        }
        numbers
    }

    fn name_type_pairs(
        &mut self,
        node: &Node,
        file: usize,
    ) -> Vec<(Located<String>, Located<String>)> {
        let Some(map) = self.fields(node, file, "a field list") else {
            return Vec::new();
        };
        let mut pairs = Vec::new();
        for (name, type_node) in map.map.iter() {
            let name_pos = self.pos(file, name.span());
            if let Some(type_name) = self.text(type_node, file, "a type") {
                pairs.push((
                    Located {
                        value: name.as_str().to_string(),
                        pos: name_pos,
                    },
                    type_name,
                ));
            }
        }
        pairs
    }

    fn rule_file(&mut self, file: usize, root: &Node) -> Option<RuleFile> {
        let fields = self.fields(root, file, "a rule file")?;
        self.only_keys(&fields, RULE_FILE_KEYS, "a rule file");
        let id = self
            .required(&fields, "id", "rule file")
            .and_then(|n| self.text(n, file, "`id`"));
        let title = self
            .required(&fields, "title", "rule file")
            .and_then(|n| self.text(n, file, "`title`"));
        let source = self
            .required(&fields, "source", "rule file")
            .and_then(|n| self.text(n, file, "`source`"));
        let kind = self
            .required(&fields, "kind", "rule file")
            .and_then(|n| self.text(n, file, "`kind`"))
            .and_then(|kind| match kind.value.as_str() {
                "policy" => Some(DocumentKind::Policy),
                "motion" => Some(DocumentKind::Motion),
                "ruling" => Some(DocumentKind::Ruling),
                other => {
                    let help = did_you_mean(other, ["policy", "motion", "ruling"])
                        .unwrap_or_else(|| "one of: policy, motion, ruling".into());
                    self.error(
                        kind.pos,
                        other.chars().count(),
                        "unknown-kind",
                        format!("unknown kind `{other}`"),
                        Some(help),
                    );
                    None
                }
            });
        let effective_from = self
            .required(&fields, "effective_from", "rule file")
            .and_then(|n| self.date(n, file, "`effective_from`"));
        let effective_until = match fields.map.get_node("effective_until") {
            Some(node) => self.date(node, file, "`effective_until`")?,
            None => None,
        };
        let definitions = match fields.map.get_node("definitions") {
            Some(node) => self.definitions(node, file),
            None => Vec::new(),
        };
        let overrides = match fields.map.get_node("overrides") {
            Some(node) => self.overrides(node, file),
            None => Vec::new(),
        };
        let mailings = match fields.map.get_node("mailings") {
            Some(node) => self.mailings(node, file),
            None => Vec::new(),
        };
        Some(RuleFile {
            file,
            id: id?,
            title: title?.value,
            kind: kind?,
            source: source?.value,
            effective_from: effective_from?,
            effective_until,
            definitions,
            overrides,
            mailings,
        })
    }

    fn mailings(&mut self, node: &Node, file: usize) -> Vec<Mailing> {
        let pos = self.pos(file, node.span());
        let Some(items) = node.as_sequence() else {
            self.error(
                pos,
                1,
                "wrong-shape",
                "`mailings` must be a list".into(),
                None,
            );
            self.set.incomplete = true;
            return Vec::new();
        };
        let mut mailings = Vec::new();
        for item in items.iter() {
            match self.mailing(item, file) {
                Some(mailing) => mailings.push(mailing),
                None => self.set.incomplete = true,
            }
        }
        mailings
    }

    fn mailing(&mut self, node: &Node, file: usize) -> Option<Mailing> {
        let fields = self.fields(node, file, "a mailing")?;
        self.only_keys(&fields, MAILING_KEYS, "a mailing");
        let mut text = |key: &str| {
            self.required(&fields, key, "a mailing")
                .and_then(|n| self.text(n, file, &format!("`{key}`")))
        };
        let (id, cite, to, records) = (text("id"), text("cite"), text("to"), text("records"));
        let (mailed, from, address) = (text("mailed"), text("from"), text("address"));
        let (subject, body) = (text("subject"), text("body"));
        let to = to?;
        let role = match to.value.as_str() {
            "assurer" => MailingRole::Assurer,
            "assuree" => MailingRole::Assuree,
            other => {
                self.error(
                    to.pos,
                    other.chars().count(),
                    "unknown-role",
                    format!("a mailing goes `to:` `assurer` or `assuree`, not `{other}`"),
                    Some("the member of each selected record who gets the message".into()),
                );
                return None;
            }
        };
        Some(Mailing {
            id: id?,
            cite: cite?,
            to: Located {
                value: role,
                pos: to.pos,
            },
            records: records?,
            mailed: mailed?,
            from: from?,
            address: address?,
            subject: subject?,
            body: body?,
            pos: fields.pos,
        })
    }

    fn definitions(&mut self, node: &Node, file: usize) -> Vec<Definition> {
        let Some(map) = self.fields(node, file, "`definitions`") else {
            return Vec::new();
        };
        let mut definitions = Vec::new();
        for (name, body) in map.map.iter() {
            let name = Located {
                value: name.as_str().to_string(),
                pos: self.pos(file, name.span()),
            };
            if !is_identifier(&name.value) {
                self.error(
                    name.pos,
                    name.value.chars().count(),
                    "bad-name",
                    format!("`{}` is not a name expressions can use", name.value),
                    Some("name a definition with ASCII letters, digits and `_`, starting with a letter".into()),
                );
                self.set.names_missing = true;
                continue;
            }
            match self.definition(name, body, file) {
                Some(definition) => definitions.push(definition),
                None => self.set.names_missing = true,
            }
        }
        definitions
    }

    fn definition(
        &mut self,
        name: Located<String>,
        node: &Node,
        file: usize,
    ) -> Option<Definition> {
        let what = format!("definition `{}`", name.value);
        let mut fields = self.fields(node, file, &what)?;
        fields.pos = name.pos;
        self.only_keys(&fields, DEFINITION_KEYS, &what);
        let scope = self
            .required(&fields, "for", &what)
            .and_then(|n| self.scope(n, file));
        let cite = self
            .required(&fields, "cite", &what)
            .and_then(|n| self.text(n, file, "`cite`"));
        let type_name = match fields.map.get_node("type") {
            Some(node) => Some(self.text(node, file, "`type`")?),
            None => None,
        };
        let bodies: Vec<&str> = ["value", "template", "cases", "collect"]
            .into_iter()
            .filter(|k| fields.map.contains_key(*k))
            .collect();
        let body = match bodies.as_slice() {
            ["value"] => fields
                .map
                .get_node("value")
                .and_then(|node| self.expression(node, file, "`value`"))
                .map(Body::Value),
            ["template"] => fields
                .map
                .get_node("template")
                .and_then(|node| self.parsed(node, file, "`template`", parse_template))
                .map(Body::Value),
            ["cases"] => fields
                .map
                .get_node("cases")
                .and_then(|node| self.cases(node, file, true))
                .map(Body::Cases),
            ["collect"] => fields
                .map
                .get_node("collect")
                .and_then(|node| self.cases(node, file, false))
                .map(Body::Collect),
            _ => {
                self.error(fields.pos, 1, "definition-body", format!("{what} needs exactly one of `value`, `template`, `cases` or `collect`"), Some("`value:` an expression; `template:` text with `{expression}` holes; `cases:` a decision table; `collect:` rows whose values are gathered into a list".into()));
                None
            }
        };
        // A definition with a bad part is kept, marked broken: declaring its name spares
        // every rule that uses it a false "unknown field".
        let broken = cite.is_none() || body.is_none();
        Some(Definition {
            name,
            scope: scope?,
            type_name,
            cite: cite.unwrap_or_else(|| Located {
                value: String::new(),
                pos: fields.pos,
            }),
            body: body.unwrap_or(Body::Cases(Vec::new())),
            broken,
        })
    }

    fn scope(&mut self, node: &Node, file: usize) -> Option<Scope> {
        let text = self.text(node, file, "`for`")?;
        match text.value.as_str() {
            "record" => Some(Scope::Record),
            "member" => Some(Scope::Member),
            other => {
                self.error(
                    text.pos,
                    other.chars().count(),
                    "unknown-scope",
                    format!("unknown scope `{other}`"),
                    Some("`for:` takes `record` or `member`".into()),
                );
                None
            }
        }
    }

    /// Reads a decision table; `with_else`: the last row, and only it, has no `when`.
    fn cases(&mut self, node: &Node, file: usize, with_else: bool) -> Option<Vec<Case>> {
        let pos = self.pos(file, node.span());
        let Some(rows) = node.as_sequence() else {
            self.error(
                pos,
                1,
                "wrong-shape",
                "a decision table must be a list of rows".into(),
                None,
            );
            return None;
        };
        let mut cases = Vec::new();
        let mut complete = true;
        for (index, row) in rows.iter().enumerate() {
            let Some(fields) = self.fields(row, file, "a row") else {
                complete = false;
                continue;
            };
            self.only_keys(&fields, ROW_KEYS, "a row");
            let is_last = index + 1 == rows.len();
            let when = match fields.map.get_node("when") {
                Some(node) => match self.expression(node, file, "`when`") {
                    Some(expr) => Some(expr),
                    None => {
                        complete = false;
                        continue;
                    }
                },
                None => None,
            };
            if when.is_none() && !(with_else && is_last) {
                let help = if with_else {
                    "only the last row may omit `when:` (it is the `else` row)"
                } else {
                    "every row of `collect:` needs a `when:`"
                };
                self.error(
                    fields.pos,
                    1,
                    "missing-key",
                    "row has no `when`".into(),
                    Some(help.into()),
                );
                complete = false;
                continue;
            }
            if with_else && is_last && when.is_some() {
                self.error(
                    fields.pos,
                    1,
                    "no-else",
                    "the last row of `cases:` must be the `else` row, without `when:`".into(),
                    Some("add a last row with the value when no other row holds".into()),
                );
                complete = false;
            }
            let cite = match fields.map.get_node("cite") {
                Some(node) => self.text(node, file, "`cite`"),
                None => None,
            };
            let Some(then) = self.case_value(&fields, file) else {
                complete = false;
                continue;
            };
            cases.push(Case {
                when,
                then,
                cite,
                pos: fields.pos,
            });
        }
        if rows.is_empty() {
            self.error(
                pos,
                1,
                "empty-table",
                "decision table has no rows".into(),
                None,
            );
            return None;
        }
        complete.then_some(cases)
    }

    fn case_value(&mut self, fields: &Fields, file: usize) -> Option<CaseValue> {
        match (fields.map.get_node("then"), fields.map.get_node("outcome")) {
            (Some(node), None) => self.expression(node, file, "`then`").map(CaseValue::Expr),
            (None, Some(node)) => self.text(node, file, "`outcome`").map(CaseValue::Outcome),
            _ => {
                self.error(
                    fields.pos,
                    1,
                    "case-value",
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

    fn overrides(&mut self, node: &Node, file: usize) -> Vec<Override> {
        let pos = self.pos(file, node.span());
        let Some(rows) = node.as_sequence() else {
            self.error(
                pos,
                1,
                "wrong-shape",
                "`overrides` must be a list".into(),
                None,
            );
            return Vec::new();
        };
        rows.iter()
            .filter_map(|row| self.override_row(row, file))
            .collect()
    }

    fn override_row(&mut self, node: &Node, file: usize) -> Option<Override> {
        let fields = self.fields(node, file, "an override")?;
        self.only_keys(&fields, OVERRIDE_KEYS, "an override");
        let target = self
            .required(&fields, "target", "override")
            .and_then(|n| self.text(n, file, "`target`"));
        let target = target.and_then(|target| {
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
                    "bad-target",
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
        let priority_text = match fields.map.get_node("priority") {
            Some(node) => Some(self.text(node, file, "`priority`")?),
            None => None,
        };
        let priority = priority_text.map(|p| match p.value.trim().parse::<i64>() {
            Ok(value) => Some(Located { value, pos: p.pos }),
            Err(_) => {
                self.error(
                    p.pos,
                    p.value.chars().count(),
                    "bad-priority",
                    format!("priority `{}` is not an integer", p.value),
                    Some("higher priorities win over lower ones".into()),
                );
                None
            }
        });
        let cite = self
            .required(&fields, "cite", "override")
            .and_then(|n| self.text(n, file, "`cite`"));
        let when = match fields.map.get_node("when") {
            Some(node) => Some(self.expression(node, file, "`when`")?),
            None => None,
        };
        let then = self.case_value(&fields, file);
        let (scope, target) = target?;
        Some(Override {
            scope,
            target,
            priority: match priority {
                None => None,
                Some(parsed) => Some(parsed?),
            },
            cite: cite?,
            when,
            then: then?,
            pos: fields.pos,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(schema: &serde_json::Value, pointer: &str) -> Vec<String> {
        let mut keys: Vec<String> = schema
            .pointer(pointer)
            .and_then(|p| p.as_object())
            .unwrap_or_else(|| panic!("the JSON Schema has {pointer}"))
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        keys.sort();
        keys
    }

    #[test]
    fn the_json_schema_allows_exactly_the_keys_the_loader_reads() {
        let schema: serde_json::Value =
            serde_json::from_str(RULE_FILE_JSON_SCHEMA).expect("the JSON Schema is JSON");
        assert_eq!(keys(&schema, "/properties"), sorted(RULE_FILE_KEYS));
        assert_eq!(
            keys(&schema, "/$defs/definition/properties"),
            sorted(DEFINITION_KEYS)
        );
        assert_eq!(keys(&schema, "/$defs/row/properties"), sorted(ROW_KEYS));
        assert_eq!(
            keys(&schema, "/$defs/override/properties"),
            sorted(OVERRIDE_KEYS)
        );
        assert_eq!(
            keys(&schema, "/$defs/mailing/properties"),
            sorted(MAILING_KEYS)
        );
    }
}
