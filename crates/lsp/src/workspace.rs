//! The rule set as the editor has it: the files on disk with the unsaved text of every open
//! file laid over them, checked as a whole, each problem mapped to its file and range.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Position, Range,
};

use super::text::{path_to_uri, utf16_column};
use wotrules_core::diag::{Diagnostic, Location, Severity};
use wotrules_core::rules::{SourceText, load_rule_set};
use wotrules_features::ruletest::{CASES_FOLDER, read_test_file};
use wotrules_session::{Rules, check_set};
use wotrules_store::{RULE_TESTS_FOLDER, read_case, rule_sources};

/// What kind of file an open document is, by where it lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `schema.yaml` or a rule file under the rules directory.
    Rules,
    /// A rule-test file (`RULES/tests/*.yaml`).
    RuleTest,
    /// A case file (`RULES/tests/cases/`, or any other YAML file with `members:`).
    Case,
    /// Something else: not checked.
    Other,
}

/// The rules directory and the open documents.
pub(crate) struct Workspace {
    /// The rules directory, absolute.
    pub rules: PathBuf,
    /// The unsaved text of every open document, by absolute path.
    pub open: HashMap<PathBuf, String>,
    /// The last rule set that checked without errors (what hover and completion know).
    pub last_good: Option<Rules>,
    /// The schema's fields of that rule set: object (`record`, `member`, `request`), name,
    /// type as written.
    pub fields: Vec<(String, String, String)>,
    /// The files diagnostics were last published for (to clear those now without any).
    published: HashSet<PathBuf>,
    /// The quick fixes of the diagnostics last published, per file: the range replaced, the
    /// replacement, and the diagnostic's message.
    pub fixes: HashMap<PathBuf, Vec<(Range, String, String)>>,
}

/// The diagnostics to publish, per file (an empty list clears a file's).
pub(crate) type Published = BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>>;

impl Workspace {
    /// A workspace of the rules directory `rules`.
    pub(crate) fn new(rules: PathBuf) -> Self {
        let rules = std::fs::canonicalize(&rules).unwrap_or(rules);
        Self {
            rules,
            open: HashMap::new(),
            last_good: None,
            fields: Vec::new(),
            published: HashSet::new(),
            fixes: HashMap::new(),
        }
    }

    /// Where `path` lies, and so how it is checked.
    pub(crate) fn kind(&self, path: &Path, text: &str) -> FileKind {
        let tests = self.rules.join(RULE_TESTS_FOLDER);
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml {
            FileKind::Other
        } else if path.starts_with(tests.join(CASES_FOLDER)) {
            FileKind::Case
        } else if path.starts_with(&tests) {
            FileKind::RuleTest
        } else if path.starts_with(&self.rules) {
            FileKind::Rules
        } else if text.lines().any(|line| line.starts_with("members:")) {
            FileKind::Case
        } else {
            FileKind::Other
        }
    }

    /// The text of `path`: the editor's when open, else the file's.
    pub(crate) fn text(&self, path: &Path) -> Option<String> {
        match self.open.get(path) {
            Some(text) => Some(text.clone()),
            None => std::fs::read_to_string(path).ok(),
        }
    }

    /// The edit that puts a rule file in canonical form (`wotrules fmt`): the whole text
    /// replaced, none when it is already canonical; `None` for another kind of file, or a
    /// rule file `fmt` refuses.
    pub(crate) fn formatting(&self, path: &Path) -> Option<Vec<lsp_types::TextEdit>> {
        let text = self.text(path)?;
        let is_rule_file =
            self.kind(path, &text) == FileKind::Rules && path != self.rules.join("schema.yaml");
        if !is_rule_file {
            return None;
        }
        let formatted = wotrules_features::fmt::format_rule_file(&text).ok()?;
        if formatted == text {
            return Some(Vec::new());
        }
        let lines = text.lines().count() as u32;
        let range = Range::new(Position::new(0, 0), Position::new(lines + 1, 0));
        Some(vec![lsp_types::TextEdit::new(range, formatted)])
    }

    /// Checks the rule set with the open texts, then every open rule test and case file;
    /// the diagnostics of every file that has some, and an empty list for every file that
    /// had some before and has none now.
    pub(crate) fn check(&mut self) -> Published {
        let mut found: Vec<Diagnostic> = Vec::new();
        match self.sources() {
            Ok(sources) => {
                let (set, loaded) = load_rule_set(sources, wotrules_features::SECTIONS);
                match check_set(&set, loaded) {
                    Ok((rules, warnings)) => {
                        found.extend(warnings);
                        self.last_good = Some(rules);
                        let mut fields: Vec<(String, String, String)> = set
                            .schema
                            .fields
                            .iter()
                            .flat_map(|(object, list)| {
                                list.iter().map(move |(name, ty)| {
                                    (object.clone(), name.value.clone(), ty.value.clone())
                                })
                            })
                            .collect();
                        fields.sort();
                        self.fields = fields;
                    }
                    Err(diagnostics) => found.extend(diagnostics),
                }
            }
            Err(diagnostics) => found.extend(diagnostics),
        }
        let mut open: Vec<(&PathBuf, &String)> = self.open.iter().collect();
        open.sort();
        for (path, text) in open {
            match self.kind(path, text) {
                FileKind::RuleTest => {
                    if let Some(rules) = &self.last_good
                        && let Err(diagnostics) = read_test_file(path, text, &rules.program)
                    {
                        found.extend(diagnostics);
                    }
                }
                FileKind::Case => {
                    if let Err(diagnostics) = read_case(&path.display().to_string(), text) {
                        found.extend(diagnostics);
                    }
                }
                FileKind::Rules | FileKind::Other => {}
            }
        }
        let schema = self.rules.join("schema.yaml");
        let mut published = Published::new();
        self.fixes.clear();
        for diagnostic in &found {
            if let Some(fix) = diagnostic.suggested_fix() {
                let range = self.range(&fix.location);
                self.fixes
                    .entry(PathBuf::from(&fix.location.path))
                    .or_default()
                    .push((range, fix.replacement, diagnostic.message.clone()));
            }
            let path = diagnostic
                .location
                .as_ref()
                .map_or_else(|| schema.clone(), |l| PathBuf::from(&l.path));
            let converted = self.convert(diagnostic);
            published.entry(path).or_default().push(converted);
        }
        for path in self.published.drain() {
            published.entry(path).or_default();
        }
        self.published = published
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(path, _)| path.clone())
            .collect();
        published
    }

    /// The rule sources on disk with the open texts laid over them (an open rule file not
    /// yet saved is added).
    fn sources(&self) -> Result<wotrules_core::rules::RuleSources, Vec<Diagnostic>> {
        let mut sources = rule_sources(&self.rules)?;
        let mut seen = HashSet::new();
        for source in std::iter::once(&mut sources.schema).chain(sources.rule_files.iter_mut()) {
            let path = PathBuf::from(&source.path);
            if let Some(text) = self.open.get(&path) {
                source.text = text.clone();
            }
            seen.insert(path);
        }
        let mut added: Vec<(&PathBuf, &String)> = self
            .open
            .iter()
            .filter(|(path, text)| {
                !seen.contains(*path) && self.kind(path, text) == FileKind::Rules
            })
            .collect();
        added.sort();
        // An open draft (under the rules' `drafts/`) is laid over the rules as `--draft`
        // lays it: in place of the rule file with its id.
        let drafts = self.rules.join(wotrules_store::DRAFTS_FOLDER);
        let (drafted, added): (Vec<_>, Vec<_>) = added
            .into_iter()
            .partition(|(path, _)| path.starts_with(&drafts));
        for (path, text) in drafted {
            wotrules_store::lay_draft(&mut sources, path, text.clone(), Some(&self.rules))
                .map_err(|error| vec![error])?;
        }
        for (path, text) in added {
            let name = path
                .strip_prefix(&self.rules)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            sources.rule_files.push(SourceText {
                path: path.display().to_string(),
                name,
                text: text.clone(),
            });
        }
        Ok(sources)
    }

    /// A diagnostic as the editor shows it: its range in UTF-16 columns, the help and the
    /// did-you-mean in the message, the other places as related information.
    pub(crate) fn convert(&self, diagnostic: &Diagnostic) -> lsp_types::Diagnostic {
        let range = diagnostic
            .location
            .as_deref()
            .map_or_else(Range::default, |l| self.range(l));
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let related: Vec<DiagnosticRelatedInformation> = diagnostic
            .notes
            .iter()
            .filter_map(|(location, note)| {
                Some(DiagnosticRelatedInformation {
                    location: lsp_types::Location {
                        uri: path_to_uri(Path::new(&location.path))?,
                        range: self.range(location),
                    },
                    message: note.clone(),
                })
            })
            .collect();
        lsp_types::Diagnostic {
            range,
            severity: Some(match diagnostic.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(diagnostic.code.to_string())),
            source: Some("wotrules".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..lsp_types::Diagnostic::default()
        }
    }

    /// The range of a location (1-based line and character column, a width in characters).
    fn range(&self, location: &Location) -> Range {
        let line_text = location.line_text.clone().unwrap_or_else(|| {
            self.text(Path::new(&location.path))
                .and_then(|text| {
                    text.lines()
                        .nth(location.line.saturating_sub(1))
                        .map(str::to_string)
                })
                .unwrap_or_default()
        });
        let line = location.line.saturating_sub(1) as u32;
        let start = location.column.saturating_sub(1);
        Range {
            start: Position::new(line, utf16_column(&line_text, start)),
            end: Position::new(
                line,
                utf16_column(&line_text, start + location.width.max(1)),
            ),
        }
    }
}
