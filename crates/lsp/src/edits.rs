//! Edits the server offers: quick fixes (a did-you-mean's name, a parse hint's token) and
//! the rename of a definition or an outcome value across the rule files, the schema and the
//! rule tests. A rename is checked before it is offered: the rule set with every edit made
//! must check and its tests must read, or the rename is refused with the first problem.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DiagnosticSeverity, Position, Range, TextEdit,
    WorkspaceEdit,
};

use super::knowledge::span;
use super::text::{line_at, path_to_uri, word_at};
use super::workspace::Workspace;
use wotrules_core::lang::Scope;
use wotrules_store::RULE_TESTS_FOLDER;

/// Where a name is written in a file: (0-based line, start byte, end byte).
type Found = Vec<(usize, usize, usize)>;

/// The files a rename edits: their text and where the name is written in it.
type Edited = BTreeMap<PathBuf, (String, Found)>;

/// What a rename renames.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Renamed {
    /// A definition, by scope and name.
    Definition(Scope, String),
    /// A value of an enumeration, by enumeration and value.
    Outcome(String, String),
}

impl Workspace {
    /// The quick fixes for the diagnostics of `path` whose range meets `range`.
    // lsp-types keys a WorkspaceEdit's changes by `Uri`, whose inner cell never changes its
    // hash.
    #[allow(clippy::mutable_key_type)]
    pub(crate) fn code_actions(&self, path: &Path, range: Range) -> Vec<CodeActionOrCommand> {
        let Some(uri) = path_to_uri(path) else {
            return Vec::new();
        };
        let meets = |fix: &Range| fix.start <= range.end && range.start <= fix.end;
        self.fixes
            .get(path)
            .into_iter()
            .flatten()
            .filter(|(fix, _, _)| meets(fix))
            .map(|(fix, replacement, message)| {
                let changes =
                    HashMap::from([(uri.clone(), vec![TextEdit::new(*fix, replacement.clone())])]);
                CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Replace with `{replacement}` ({message})"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    edit: Some(WorkspaceEdit::new(changes)),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                })
            })
            .collect()
    }

    /// The range of the name at `position` when it can be renamed (a definition or an
    /// outcome value).
    pub(crate) fn prepare_rename(&self, path: &Path, position: Position) -> Option<Range> {
        let (_, range) = self.renamed_at(path, position)?;
        Some(range)
    }

    /// Every edit that renames the definition or outcome value at `position` to `new_name`
    /// across the rule set, verified; or why not.
    // lsp-types keys a WorkspaceEdit's changes by `Uri`, whose inner cell never changes its
    // hash.
    #[allow(clippy::mutable_key_type)]
    pub(crate) fn rename(
        &self,
        path: &Path,
        position: Position,
        new_name: &str,
    ) -> Result<WorkspaceEdit, String> {
        let (renamed, _) = self
            .renamed_at(path, position)
            .ok_or("only a definition or an outcome value can be renamed")?;
        self.valid_new_name(&renamed, new_name)?;
        let mut edited = Edited::new();
        for file in self.files() {
            let Some(text) = self.text(&file) else {
                continue;
            };
            let kind = FileRole::of(&self.rules, &file);
            let found = occurrences(&renamed, kind, &text, self.defined_in(&renamed, &file));
            if !found.is_empty() {
                edited.insert(file, (text, found));
            }
        }
        if edited.is_empty() {
            return Err("nothing to rename".into());
        }
        self.verify(&edited, new_name)?;
        let mut changes = HashMap::new();
        for (file, (text, found)) in &edited {
            let Some(uri) = path_to_uri(file) else {
                continue;
            };
            let lines: Vec<&str> = text.lines().collect();
            let edits = found
                .iter()
                .map(|(line, start, end)| {
                    let range = span(
                        *line,
                        lines.get(*line).copied().unwrap_or_default(),
                        *start,
                        *end,
                    );
                    TextEdit::new(range, new_name.to_owned())
                })
                .collect();
            changes.insert(uri, edits);
        }
        Ok(WorkspaceEdit::new(changes))
    }

    /// What the name at `position` is, and its range.
    fn renamed_at(&self, path: &Path, position: Position) -> Option<(Renamed, Range)> {
        let text = self.text(path)?;
        let (line, offset) = line_at(&text, position)?;
        let program = &self.last_good.as_ref()?.program;
        let line_number = position.line as usize;
        if let Some(word) = word_at(line, offset, false)
            && let Some(id) = self.definition_named(path, line, &word)
        {
            let definition = &program.definitions[id];
            let range = span(line_number, line, word.start, word.end);
            return Some((
                Renamed::Definition(definition.scope, definition.name.clone()),
                range,
            ));
        }
        let word = word_at(line, offset, true)?;
        let mut enums = program
            .enums
            .iter()
            .filter(|(_, values)| values.contains(&word.name));
        let (name, _) = enums.next()?;
        // A value of two enumerations is ambiguous by name alone.
        if enums.next().is_some() {
            return None;
        }
        let range = span(line_number, line, word.start, word.end);
        Some((Renamed::Outcome(name.clone(), word.name), range))
    }

    /// Whether `new_name` may replace the renamed name.
    fn valid_new_name(&self, renamed: &Renamed, new_name: &str) -> Result<(), String> {
        let program = &self
            .last_good
            .as_ref()
            .ok_or("the rules do not check")?
            .program;
        let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        match renamed {
            Renamed::Definition(scope, _) => {
                let shaped = new_name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                    && new_name.chars().all(|c| lower(c) || c == '_');
                if !shaped {
                    return Err(format!(
                        "`{new_name}` is not a definition name: lower-case letters, digits and `_`"
                    ));
                }
                if program
                    .definitions
                    .iter()
                    .any(|d| d.scope == *scope && d.name == new_name)
                {
                    return Err(format!("`{}.{new_name}` is already defined", scope.name()));
                }
            }
            Renamed::Outcome(enumeration, _) => {
                let shaped =
                    new_name.starts_with(lower) && new_name.chars().all(|c| lower(c) || c == '-');
                if !shaped {
                    return Err(format!(
                        "`{new_name}` is not an outcome value: lower-case letters, digits and `-`"
                    ));
                }
                if program
                    .enums
                    .get(enumeration)
                    .is_some_and(|values| values.iter().any(|v| v == new_name))
                {
                    return Err(format!(
                        "`{new_name}` is already a value of `{enumeration}`"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether `file` is where the renamed definition is declared.
    fn defined_in(&self, renamed: &Renamed, file: &Path) -> bool {
        let Renamed::Definition(scope, name) = renamed else {
            return false;
        };
        let Some(rules) = &self.last_good else {
            return false;
        };
        let program = &rules.program;
        program.definitions.iter().any(|d| {
            d.scope == *scope && &d.name == name && Path::new(&program.files[d.file].path) == file
        })
    }

    /// The files a rename looks at: the schema, the rule files and the rule tests.
    fn files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.rules.join("schema.yaml")];
        if let Some(rules) = &self.last_good {
            files.extend(rules.program.files.iter().map(|f| PathBuf::from(&f.path)));
        }
        let tests = self.rules.join(RULE_TESTS_FOLDER);
        if let Ok(entries) = std::fs::read_dir(&tests) {
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            found.sort();
            files.extend(found);
        }
        files.sort();
        files.dedup();
        files
    }

    /// Checks the rule set with every edit made: the rules must check and every edited
    /// rule test must read.
    fn verify(&self, edited: &Edited, new_name: &str) -> Result<(), String> {
        let mut trial = Workspace::new(self.rules.clone());
        trial.open = self.open.clone();
        for (file, (text, found)) in edited {
            trial
                .open
                .insert(file.clone(), apply(text, found, new_name));
        }
        let published = trial.check();
        let first_error = published.iter().find_map(|(file, diagnostics)| {
            diagnostics
                .iter()
                .find(|d| d.severity == Some(DiagnosticSeverity::ERROR))
                .map(|d| {
                    format!(
                        "{}:{}: {}",
                        file.display(),
                        d.range.start.line + 1,
                        d.message
                    )
                })
        });
        match first_error {
            Some(error) => Err(format!("the rename would break the rules: {error}")),
            None if trial.last_good.is_none() => Err("the rename would break the rules".into()),
            None => Ok(()),
        }
    }
}

/// What a file is to a rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileRole {
    Schema,
    RuleFile,
    RuleTest,
}

impl FileRole {
    fn of(rules: &Path, file: &Path) -> Self {
        if file == rules.join("schema.yaml") {
            Self::Schema
        } else if file.starts_with(rules.join(RULE_TESTS_FOLDER)) {
            Self::RuleTest
        } else {
            Self::RuleFile
        }
    }
}

/// `text` with the byte ranges `found` (line, start, end) replaced by `new_name`.
fn apply(text: &str, found: &[(usize, usize, usize)], new_name: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (line, start, end) in found.iter().rev() {
        if let Some(line) = lines.get_mut(*line) {
            line.replace_range(*start..*end, new_name);
        }
    }
    let mut joined = lines.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// Where the renamed name is written in a file of `role`: (line, start byte, end byte).
fn occurrences(renamed: &Renamed, role: FileRole, text: &str, declares: bool) -> Found {
    let mut found = Vec::new();
    let mut section = "";
    let mut scope_key = "";
    // In a rule test: the indentation of the `expect:` being read, and its object.
    let mut expect: Option<usize> = None;
    let mut object = "";
    for (number, line) in text.lines().enumerate() {
        let code = uncommented(line);
        let indent = line.len() - line.trim_start().len();
        let trimmed = code.trim();
        let key = trimmed
            .trim_start_matches("- ")
            .split(':')
            .next()
            .unwrap_or_default()
            .trim();
        if indent == 0 && !trimmed.is_empty() {
            section = key;
        }
        if indent == 2 && trimmed.ends_with(':') {
            scope_key = key;
        }
        if role == FileRole::RuleTest {
            if expect.is_some_and(|at| indent <= at) && !trimmed.is_empty() {
                expect = None;
            }
            if key == "expect" {
                expect = Some(indent);
                continue;
            }
            if expect.is_some() && matches!(key, "members" | "records") {
                object = key;
            }
        }
        let words = |hyphens: bool| words_of(code, hyphens);
        match (renamed, role) {
            (Renamed::Definition(scope, name), FileRole::RuleFile) => {
                for (start, end, word) in words(false) {
                    if word != name {
                        continue;
                    }
                    let qualified = qualifier(code, start)
                        .is_some_and(|q| q != other(*scope) && q != "request");
                    let declared = declares
                        && indent == 2
                        && section == "definitions"
                        && key == name
                        && start == indent;
                    let mailed = section == "mailings" && value_of(trimmed) == Some(name.as_str());
                    if qualified || declared || mailed {
                        found.push((number, start, end));
                    }
                }
            }
            (Renamed::Definition(scope, name), FileRole::Schema) => {
                for (start, end, word) in words(false) {
                    let output = section == "outputs"
                        && scope_key == scope.name()
                        && indent == 4
                        && key == name
                        && start == indent;
                    let why_not = section == "why_not" && value_of(trimmed) == Some(name.as_str());
                    if word == name && (output || why_not) {
                        found.push((number, start, end));
                    }
                }
            }
            (Renamed::Definition(scope, name), FileRole::RuleTest) => {
                let wanted = match scope {
                    Scope::Member => "members",
                    Scope::Record => "records",
                };
                if expect.is_none() || object != wanted {
                    continue;
                }
                for (start, end, word) in words(false) {
                    if word == name && code[end..].starts_with(':') {
                        found.push((number, start, end));
                    }
                }
            }
            (Renamed::Outcome(enumeration, value), FileRole::Schema) => {
                let in_enum = section == "enums"
                    && ((indent == 2 && key == enumeration)
                        || (indent > 2 && scope_key == enumeration));
                if !in_enum {
                    continue;
                }
                // After the key on its own line; any item of a block list below it.
                let after = match indent {
                    2 => code.find(':').map_or(code.len(), |colon| colon + 1),
                    _ => 0,
                };
                for (start, end, word) in words(true) {
                    if word == value && start >= after {
                        found.push((number, start, end));
                    }
                }
            }
            (Renamed::Outcome(_, value), FileRole::RuleFile) => {
                for (start, end, word) in words(true) {
                    let quoted =
                        start > 0 && code[..start].ends_with('"') && code[end..].starts_with('"');
                    let outcome = key == "outcome" && value_of(trimmed) == Some(value.as_str());
                    if word == value && (quoted || outcome) {
                        found.push((number, start, end));
                    }
                }
            }
            (Renamed::Outcome(_, value), FileRole::RuleTest) => {
                if expect.is_none() {
                    continue;
                }
                for (start, end, word) in words(true) {
                    let before = code[..start].trim_end().chars().next_back();
                    if word == value && matches!(before, Some(':' | '[' | ',')) {
                        found.push((number, start, end));
                    }
                }
            }
        }
    }
    found
}

/// The line without its comment (a `#` after a space, outside double quotes).
fn uncommented(line: &str) -> &str {
    let mut in_text = false;
    let mut previous = ' ';
    for (index, c) in line.char_indices() {
        match c {
            '"' => in_text = !in_text,
            '#' if !in_text && previous.is_whitespace() => return &line[..index],
            _ => {}
        }
        previous = c;
    }
    line
}

/// The words of a line: (start, end, word); a word is letters, digits, `_` (and `-` when
/// `hyphens`).
fn words_of(line: &str, hyphens: bool) -> Vec<(usize, usize, &str)> {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '_' || (hyphens && c == '-');
    let mut words = Vec::new();
    let mut start = None;
    for (index, c) in line
        .char_indices()
        .chain(std::iter::once((line.len(), ' ')))
    {
        match (part(c), start) {
            (true, None) => start = Some(index),
            (false, Some(from)) => {
                words.push((from, index, &line[from..index]));
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// The name before the dot in front of byte `start` (`record` of `record.level`).
fn qualifier(line: &str, start: usize) -> Option<&str> {
    let before = line[..start].strip_suffix('.')?;
    let from = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    Some(&before[from..]).filter(|q| !q.is_empty())
}

/// The scope keyword of the other scope.
fn other(scope: Scope) -> &'static str {
    match scope {
        Scope::Record => "member",
        Scope::Member => "record",
    }
}

/// The value of a `key: value` line, unquoted.
fn value_of(line: &str) -> Option<&str> {
    let (_, value) = line.trim_start_matches("- ").split_once(':')?;
    Some(value.trim().trim_matches('"'))
}
