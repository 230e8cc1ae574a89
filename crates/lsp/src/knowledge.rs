//! What the editor asks of the rules: hover, go to definition, references, completion and
//! document symbols, answered from the last rule set that checked.

use std::path::{Path, PathBuf};

use lsp_types::{
    CompletionItem, CompletionItemKind, DocumentSymbol, Location, Position, Range, SymbolKind,
};

use super::text::{line_at, path_to_uri, utf16_column, word_at};
use super::workspace::Workspace;
use wotrules_core::builtins::BUILTINS;
use wotrules_core::check::program::{Body, Code, Definition, Rule};
use wotrules_core::lang::{Scope, Type, Value};

/// The words of the language an expression may start with, besides names.
const KEYWORDS: &[&str] = &[
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "in",
    "for",
    "where",
    "true",
    "false",
    "null",
    "record",
    "member",
    "as_of",
    "request",
    "overridden",
];

impl Workspace {
    /// Markdown about the name at `position` of `path`: a definition's type, scope, cite and
    /// file; a field's type and its note in the schema; a built-in's signature and doc; an
    /// outcome value's enumeration and the rows that give it.
    pub(crate) fn hover(&self, path: &Path, position: Position) -> Option<String> {
        let text = self.text(path)?;
        let (line, offset) = line_at(&text, position)?;
        let rules = self.last_good.as_ref()?;
        let program = &rules.program;
        if let Some(word) = word_at(line, offset, false) {
            if let Some(id) = self.definition_named(path, line, &word) {
                return Some(self.describe_definition(&program.definitions[id]));
            }
            if let Some((object, ty)) = self.field(&word) {
                let note = self.schema_note(&object, &word.name);
                return Some(format!(
                    "**{object}.{}**: `{ty}`, a field of the data (schema.yaml `fields.{object}`){}",
                    word.name,
                    note.map(|n| format!("\n\n{n}")).unwrap_or_default()
                ));
            }
            if word.qualifier.is_empty()
                && let Some(builtin) = BUILTINS.iter().find(|b| b.name == word.name)
            {
                return Some(format!(
                    "**{}** `{}`\n\n{}",
                    builtin.name,
                    builtin.signature.describe(),
                    builtin.doc
                ));
            }
        }
        let word = word_at(line, offset, true)?;
        let (name, _) = program
            .enums
            .iter()
            .find(|(_, values)| values.contains(&word.name))?;
        let rows = self.rows_giving(&word.name);
        let mut out = format!("**{}**: a value of the enumeration `{name}`", word.name);
        if !rows.is_empty() {
            out.push_str("\n\ngiven by:");
            for (definition, at, cite) in rows {
                out.push_str(&format!("\n- `{definition}` at {at}: {cite}"));
            }
        }
        Some(out)
    }

    /// Where the name at `position` is defined: a definition's name in its rule file (from
    /// a use, or from an override's `target:`), or a field's line in the schema.
    pub(crate) fn definition(&self, path: &Path, position: Position) -> Option<Location> {
        let text = self.text(path)?;
        let (line, offset) = line_at(&text, position)?;
        let word = word_at(line, offset, false)?;
        if let Some(id) = self.definition_named(path, line, &word) {
            let program = &self.last_good.as_ref()?.program;
            return self.definition_location(&program.definitions[id]);
        }
        let (object, _) = self.field(&word)?;
        let schema = self.rules.join("schema.yaml");
        let schema_text = self.text(&schema)?;
        let line = field_line(&schema_text, &object, &word.name)?;
        let line_text = schema_text.lines().nth(line)?;
        let start = line_text.find(&word.name)?;
        Some(Location::new(
            path_to_uri(&schema)?,
            span(line, line_text, start, start + word.name.len()),
        ))
    }

    /// Every place the definition at `position` is named: its definition, every use
    /// (`record.name`, `r.name`) and every override's `target:`, across the rule files.
    pub(crate) fn references(&self, path: &Path, position: Position) -> Vec<Location> {
        let found = || -> Option<Vec<Location>> {
            let text = self.text(path)?;
            let (line, offset) = line_at(&text, position)?;
            let word = word_at(line, offset, false)?;
            let program = &self.last_good.as_ref()?.program;
            let id = self.definition_named(path, line, &word)?;
            let definition = &program.definitions[id];
            let other = match definition.scope {
                Scope::Record => "member",
                Scope::Member => "record",
            };
            let mut found = Vec::new();
            found.extend(self.definition_location(definition));
            for file in &program.files {
                let file_path = PathBuf::from(&file.path);
                let Some(file_text) = self.text(&file_path) else {
                    continue;
                };
                let uri = path_to_uri(&file_path)?;
                for (number, line_text) in file_text.lines().enumerate() {
                    let mut from = 0;
                    while let Some(found_at) = line_text[from..].find(&definition.name) {
                        let start = from + found_at;
                        let end = start + definition.name.len();
                        from = end;
                        let Some(word) = word_at(line_text, start, false) else {
                            continue;
                        };
                        let qualified = !word.qualifier.is_empty() && word.qualifier != other;
                        if word.start == start && word.end == end && qualified {
                            found.push(Location::new(
                                uri.clone(),
                                span(number, line_text, start, end),
                            ));
                        }
                    }
                }
            }
            Some(found)
        };
        found().unwrap_or_default()
    }

    /// What may be written at `position`: after `record.` or `member.` the fields and
    /// definitions of that scope, after `request.` its fields, in an `outcome:` the values
    /// of the enumeration the enclosing definition yields, elsewhere the built-ins, the
    /// keywords and the names an expression starts from.
    pub(crate) fn completion(&self, path: &Path, position: Position) -> Vec<CompletionItem> {
        let Some(text) = self.text(path) else {
            return Vec::new();
        };
        let Some((line, offset)) = line_at(&text, position) else {
            return Vec::new();
        };
        let Some(rules) = self.last_good.as_ref() else {
            return Vec::new();
        };
        let program = &rules.program;
        let before = &line[..offset];
        let typed = before
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
            .next()
            .unwrap_or_default();
        if before
            .trim_start()
            .trim_start_matches("- ")
            .starts_with("outcome:")
        {
            let Some(definition) =
                enclosing_definition(&text, position.line as usize).and_then(|(scope, name)| {
                    program
                        .definitions
                        .iter()
                        .find(|d| d.name == name && scope.is_none_or(|s| s == d.scope))
                })
            else {
                return Vec::new();
            };
            let enumeration = match &definition.ty {
                Type::Enum(name) => Some(name),
                Type::List(element) => match &**element {
                    Type::Enum(name) => Some(name),
                    _ => None,
                },
                _ => None,
            };
            return enumeration
                .and_then(|name| program.enums.get(&**name).map(|values| (name, values)))
                .map(|(name, values)| {
                    values
                        .iter()
                        .map(|value| item(value, CompletionItemKind::ENUM_MEMBER, name))
                        .collect()
                })
                .unwrap_or_default();
        }
        if let Some((qualifier, _)) = typed.rsplit_once('.') {
            let object = qualifier.rsplit('.').next().unwrap_or(qualifier);
            let object = match object {
                "record" | "member" | "request" => object,
                "assurer" | "assuree" => "member",
                _ => "record",
            };
            let mut items: Vec<CompletionItem> = self
                .fields
                .iter()
                .filter(|(o, _, _)| o == object)
                .map(|(_, name, ty)| item(name, CompletionItemKind::FIELD, ty))
                .collect();
            let scope = scope_named(object);
            items.extend(
                program
                    .definitions
                    .iter()
                    .filter(|d| Some(d.scope) == scope)
                    .map(|d| item(&d.name, CompletionItemKind::VARIABLE, &d.ty.to_string())),
            );
            return items;
        }
        let mut items: Vec<CompletionItem> = BUILTINS
            .iter()
            .map(|b| {
                item(
                    b.name,
                    CompletionItemKind::FUNCTION,
                    &b.signature.describe(),
                )
            })
            .collect();
        items.extend(
            KEYWORDS
                .iter()
                .map(|k| item(k, CompletionItemKind::KEYWORD, "")),
        );
        items
    }

    /// The definitions and overrides of the rule file `path`.
    pub(crate) fn symbols(&self, path: &Path) -> Vec<DocumentSymbol> {
        let Some(text) = self.text(path) else {
            return Vec::new();
        };
        let Some(rules) = self.last_good.as_ref() else {
            return Vec::new();
        };
        let program = &rules.program;
        let Some(file) = program
            .files
            .iter()
            .position(|f| Path::new(&f.path) == path)
        else {
            return Vec::new();
        };
        let lines: Vec<&str> = text.lines().collect();
        let mut symbols = Vec::new();
        for definition in program.definitions.iter().filter(|d| d.file == file) {
            if let Some(range) = line_of(&definition.at)
                .and_then(|line| lines.get(line).map(|text| (line, *text)))
                .map(|(line, text)| whole_line(line, text))
            {
                symbols.push(symbol(
                    format!("{}.{}", definition.scope.name(), definition.name),
                    definition.ty.to_string(),
                    SymbolKind::FUNCTION,
                    range,
                ));
            }
        }
        for definition in &program.definitions {
            for (priority, rule) in definition.overrides.iter().filter(|(_, r)| r.file == file) {
                if let Some(range) = line_of(&rule.at)
                    .and_then(|line| lines.get(line).map(|text| (line, *text)))
                    .map(|(line, text)| whole_line(line, text))
                {
                    symbols.push(symbol(
                        format!("override {}.{}", definition.scope.name(), definition.name),
                        format!("priority {priority}"),
                        SymbolKind::EVENT,
                        range,
                    ));
                }
            }
        }
        symbols.sort_by_key(|s| s.range.start.line);
        symbols
    }

    /// The definition a word names: `record.x` / `member.x` / `r.x`, an override's
    /// `target: record.x`, or the key of a definition in its own rule file.
    pub(crate) fn definition_named(
        &self,
        path: &Path,
        line: &str,
        word: &super::text::Word,
    ) -> Option<usize> {
        let program = &self.last_good.as_ref()?.program;
        let find = |scope: Scope| {
            program
                .definitions
                .iter()
                .position(|d| d.scope == scope && d.name == word.name)
        };
        match word.qualifier.as_str() {
            "record" => find(Scope::Record),
            "member" | "assurer" | "assuree" => find(Scope::Member),
            "request" => None,
            "" => {
                let key = line.trim_start().strip_prefix(&word.name)?;
                if !key.starts_with(':') {
                    return None;
                }
                program.definitions.iter().position(|d| {
                    d.name == word.name && Path::new(&program.files[d.file].path) == path
                })
            }
            _ => find(Scope::Record).or_else(|| find(Scope::Member)),
        }
    }

    /// A field of the data a word names, with its object and type as the schema writes it.
    fn field(&self, word: &super::text::Word) -> Option<(String, String)> {
        let object = match word.qualifier.as_str() {
            "" => return None,
            "assurer" | "assuree" => "member",
            "record" | "member" | "request" => word.qualifier.as_str(),
            _ => "record",
        };
        self.fields
            .iter()
            .find(|(o, name, _)| o == object && *name == word.name)
            .map(|(o, _, ty)| (o.clone(), ty.clone()))
    }

    /// The comment written beside a field in the schema.
    fn schema_note(&self, object: &str, name: &str) -> Option<String> {
        let text = self.text(&self.rules.join("schema.yaml"))?;
        let line = text.lines().nth(field_line(&text, object, name)?)?;
        let (_, comment) = line.split_once('#')?;
        Some(comment.trim().to_string())
    }

    fn describe_definition(&self, definition: &Definition) -> String {
        let program = &self.last_good.as_ref().map(|r| &r.program);
        let file = program.map(|p| &p.files[definition.file]);
        let mut out = format!(
            "**{}.{}**: `{}`, a {} definition\n\n{}",
            definition.scope.name(),
            definition.name,
            definition.ty,
            definition.scope.name(),
            definition.cite
        );
        if let Some(file) = file {
            out.push_str(&format!(
                "\n\nin `{}` ({}: {})",
                definition.at, file.id, file.title
            ));
        }
        for (priority, rule) in &definition.overrides {
            let id = program.map_or("", |p| p.files[rule.file].id.as_str());
            out.push_str(&format!(
                "\n\noverridden by {id} (priority {priority}) at `{}`: {}",
                rule.at, rule.cite
            ));
        }
        out
    }

    fn definition_location(&self, definition: &Definition) -> Option<Location> {
        let program = &self.last_good.as_ref()?.program;
        let path = PathBuf::from(&program.files[definition.file].path);
        let text = self.text(&path)?;
        let line = line_of(&definition.at)?;
        let line_text = text.lines().nth(line)?;
        let start = line_text.find(&definition.name).unwrap_or(0);
        Some(Location::new(
            path_to_uri(&path)?,
            span(line, line_text, start, start + definition.name.len()),
        ))
    }

    /// `(definition, at, cite)` of every row or override whose value is `value`.
    fn rows_giving(&self, value: &str) -> Vec<(String, String, String)> {
        let Some(rules) = &self.last_good else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        for definition in &rules.program.definitions {
            let body: &[Rule] = match &definition.body {
                Body::Value(rule) => std::slice::from_ref(&**rule),
                Body::Cases(rules) | Body::Collect(rules) => rules,
            };
            let overrides = definition.overrides.iter().map(|(_, rule)| rule);
            for rule in body.iter().chain(overrides) {
                if matches!(&rule.then, Code::Const(Value::Text(text)) if &**text == value) {
                    rows.push((
                        format!("{}.{}", definition.scope.name(), definition.name),
                        rule.at.clone(),
                        rule.cite.clone(),
                    ));
                }
            }
        }
        rows
    }
}

/// The 0-based line of a `path:line` place.
fn line_of(at: &str) -> Option<usize> {
    at.rsplit_once(':')?.1.parse::<usize>().ok()?.checked_sub(1)
}

/// The range of bytes `start..end` of line `line`, in UTF-16 columns.
pub(crate) fn span(line: usize, text: &str, start: usize, end: usize) -> Range {
    let column = |byte: usize| utf16_column(text, text[..byte.min(text.len())].chars().count());
    Range::new(
        Position::new(line as u32, column(start)),
        Position::new(line as u32, column(end)),
    )
}

fn whole_line(line: usize, text: &str) -> Range {
    let indent = text.len() - text.trim_start().len();
    span(line, text, indent, text.len())
}

/// The 0-based line of `fields.<object>.<name>` in the schema's text.
fn field_line(schema: &str, object: &str, name: &str) -> Option<usize> {
    let mut in_fields = false;
    let mut in_object = false;
    for (number, line) in schema.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let key = line.trim().split(':').next().unwrap_or_default();
        match indent {
            0 if !line.trim().is_empty() && !line.starts_with('#') => {
                in_fields = key == "fields";
                in_object = false;
            }
            2 if in_fields => in_object = key == object,
            4 if in_object && key == name => return Some(number),
            _ => {}
        }
    }
    None
}

/// The definition the line `line` of a rule file lies in: the nearest key under
/// `definitions:` above it (any scope), or the nearest override `target:` (its scope).
fn enclosing_definition(text: &str, line: usize) -> Option<(Option<Scope>, String)> {
    let lines: Vec<&str> = text.lines().collect();
    for current in lines[..=line.min(lines.len().saturating_sub(1))]
        .iter()
        .rev()
    {
        let trimmed = current.trim_start();
        let indent = current.len() - trimmed.len();
        if let Some(target) = trimmed
            .trim_start_matches("- ")
            .strip_prefix("target:")
            .map(str::trim)
        {
            let (scope, name) = target.split_once('.')?;
            return Some((scope_named(scope), name.to_string()));
        }
        if indent == 2
            && let Some(name) = trimmed.strip_suffix(':')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Some((None, name.to_string()));
        }
    }
    None
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        ..CompletionItem::default()
    }
}

#[allow(deprecated)] // `deprecated` is a field the protocol still carries.
fn symbol(name: String, detail: String, kind: SymbolKind, range: Range) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail: Some(detail),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: range,
        children: None,
    }
}

fn scope_named(name: &str) -> Option<Scope> {
    match name {
        "record" => Some(Scope::Record),
        "member" => Some(Scope::Member),
        _ => None,
    }
}
