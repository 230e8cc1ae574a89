//! Every rule set of the editor's files: each opened file belongs to the nearest folder
//! above it holding `schema.yaml` (a rules directory), checked as a whole; a file that looks
//! like a rule file and lies in no rules directory is told so, in a message and on its
//! first line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::workspace::{Published, Workspace};
use wotrules_core::diag::{Diagnostic, DiagnosticCode, Location, Severity};
use wotrules_store::read_case;

/// The file that makes a folder a rules directory.
const SCHEMA: &str = "schema.yaml";

/// The rule sets served, and the open files that belong to none.
pub(crate) struct RuleSets {
    /// The rules directory the server was started for (`--rules`): case files outside any
    /// rules directory are read against it.
    default: PathBuf,
    /// Rule sets by their directory (absolute).
    sets: BTreeMap<PathBuf, Workspace>,
    /// Open files in no rule set, with their text.
    loose: HashMap<PathBuf, String>,
    /// Loose files diagnostics were last published for.
    loose_published: HashSet<PathBuf>,
}

impl RuleSets {
    /// The rule sets of a server started for `default` (served at once when it is one).
    pub(crate) fn new(default: PathBuf) -> Self {
        let default = std::fs::canonicalize(&default).unwrap_or(default);
        let mut sets = BTreeMap::new();
        if default.join(SCHEMA).is_file() {
            sets.insert(default.clone(), Workspace::new(default.clone()));
        }
        Self {
            default,
            sets,
            loose: HashMap::new(),
            loose_published: HashSet::new(),
        }
    }

    /// The rules directory the server was started for, and whether it is one.
    pub(crate) fn default_dir(&self) -> (&Path, bool) {
        (&self.default, self.sets.contains_key(&self.default))
    }

    /// The rules directory `path` belongs to: the nearest folder above it (or holding it,
    /// for `schema.yaml`) with a `schema.yaml` on disk or open in the editor.
    fn home_of(&self, path: &Path) -> Option<PathBuf> {
        let is_open_schema = |dir: &Path| {
            self.sets
                .values()
                .any(|set| set.open.contains_key(&dir.join(SCHEMA)))
        };
        path.ancestors()
            .skip(1)
            .find(|dir| dir.join(SCHEMA).is_file() || is_open_schema(dir))
            .map(Path::to_path_buf)
    }

    /// The rule set that answers for `path`: its own, else (a case file anywhere) the
    /// default one.
    pub(crate) fn for_path(&self, path: &Path) -> Option<&Workspace> {
        match self.home_of(path) {
            Some(home) => self.sets.get(&home),
            None => self.sets.get(&self.default),
        }
    }

    /// Takes an opened or changed file's text; a message for the user when it looks like a
    /// rule file and belongs to no rule set (the first time only).
    pub(crate) fn open(&mut self, path: PathBuf, text: String) -> Option<String> {
        match self.home_of(&path) {
            Some(home) => {
                self.loose.remove(&path);
                let set = self
                    .sets
                    .entry(home.clone())
                    .or_insert_with(|| Workspace::new(home));
                set.open.insert(path, text);
                None
            }
            None if self.sets.contains_key(&self.default) && !looks_like_rules(&text) => {
                if let Some(set) = self.sets.get_mut(&self.default) {
                    set.open.insert(path, text);
                }
                None
            }
            None => {
                let first_time = !self.loose.contains_key(&path);
                let message = (first_time && looks_like_rules(&text)).then(|| lost(&path));
                self.loose.insert(path, text);
                message
            }
        }
    }

    /// Forgets a closed file; whether anything is to be re-checked.
    pub(crate) fn close(&mut self, path: &Path) -> bool {
        let in_sets = self
            .sets
            .values_mut()
            .any(|set| set.open.remove(path).is_some());
        in_sets || self.loose.remove(path).is_some()
    }

    /// Checks every rule set and loose file: the diagnostics to publish, per file.
    pub(crate) fn check(&mut self) -> Published {
        let mut published = Published::new();
        for set in self.sets.values_mut() {
            for (path, diagnostics) in set.check() {
                published.entry(path).or_default().extend(diagnostics);
            }
        }
        let mut now = HashSet::new();
        for (path, text) in &self.loose {
            let diagnostics = loose_diagnostics(path, text);
            if !diagnostics.is_empty() {
                now.insert(path.clone());
            }
            published
                .entry(path.clone())
                .or_default()
                .extend(diagnostics);
        }
        for path in self.loose_published.drain() {
            published.entry(path).or_default();
        }
        self.loose_published = now;
        published
    }
}

/// Whether a YAML text looks like a rule file (or a schema): a top-level `definitions:`,
/// `overrides:` or `schema:` key.
fn looks_like_rules(text: &str) -> bool {
    text.lines().any(|line| {
        ["definitions:", "overrides:", "schema:"]
            .iter()
            .any(|key| line.starts_with(key))
    })
}

/// What the user is told of a rule file in no rule set.
fn lost(path: &Path) -> String {
    format!(
        "wotrules: {} is in no rule set: no folder above it holds schema.yaml. Open it inside a \
         rules directory (`wotrules new rules DIR` makes one), or start the server with \
         `wotrules lsp --rules DIR`.",
        path.display()
    )
}

/// The diagnostics of a file in no rule set: a rule file is told so at its first line; a
/// case file is read as a case.
fn loose_diagnostics(path: &Path, text: &str) -> Vec<lsp_types::Diagnostic> {
    let shown = path.display().to_string();
    let loose = Workspace::new(path.parent().unwrap_or(path).to_path_buf());
    if looks_like_rules(text) {
        let first = text.lines().next().unwrap_or_default();
        let mut diagnostic = Diagnostic::input_error(DiagnosticCode::NoRuleSet, lost(path))
            .at(Location::in_text(&shown, text, 1, 1, first.chars().count()));
        diagnostic.severity = Severity::Warning;
        return vec![loose.convert(&diagnostic)];
    }
    if text.lines().any(|line| line.starts_with("members:"))
        && let Err(diagnostics) = read_case(&shown, text)
    {
        return diagnostics.iter().map(|d| loose.convert(d)).collect();
    }
    Vec::new()
}
