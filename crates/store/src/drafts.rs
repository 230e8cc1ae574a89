//! Drafts laid over a rule set (`--draft PATH`): each draft rule file adds its definitions
//! and overrides, or replaces the rule file with its `id`, without copying the set. A draft
//! says `status: draft`; the rules directory's own `drafts/` folder is never read as rules.

use std::path::{Path, PathBuf};

use wotrules_core::diag::{Diagnostic, DiagnosticCode};
use wotrules_core::rules::{RuleSources, SourceText};

use crate::files::{read_text, yaml_files_under};

/// The folder of drafts inside a rules directory: read only when laid over (`--draft`).
pub const DRAFTS_FOLDER: &str = "drafts";

/// Lays the drafts at `paths` (files, or folders of them) over `sources`, the rules of
/// `rules` (a directory, for naming a draft inside it as traces name rule files).
pub fn lay_drafts(
    sources: &mut RuleSources,
    paths: &[PathBuf],
    rules: Option<&Path>,
) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for path in paths {
        let files = if path.is_dir() {
            yaml_files_under(path)?
        } else {
            vec![path.clone()]
        };
        if files.is_empty() {
            errors.push(
                Diagnostic::input_error(
                    DiagnosticCode::Io,
                    format!("{}: no draft rule files", path.display()),
                )
                .help("`--draft` takes a draft rule file or a folder of them"),
            );
        }
        for file in files {
            match read_text(&file) {
                Ok(text) => {
                    if let Err(error) = lay_draft(sources, &file, text, rules) {
                        errors.push(error);
                    }
                }
                Err(error) => errors.push(error),
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Lays one draft, its text given (an editor's unsaved text): in place of the rule file with
/// its id, else beside the others.
pub fn lay_draft(
    sources: &mut RuleSources,
    file: &Path,
    text: String,
    rules: Option<&Path>,
) -> Result<(), Diagnostic> {
    let shown = file.display().to_string();
    if top_level(&text, "status").as_deref() != Some("draft") {
        return Err(Diagnostic::input_error(
            DiagnosticCode::NotADraft,
            format!("{shown} is laid over the rules as a draft but does not say `status: draft`"),
        )
        .help("add `status: draft` to it: every output a draft decides is marked as such"));
    }
    let name = rules
        .and_then(|rules| {
            let rules = std::fs::canonicalize(rules).ok()?;
            let file = std::fs::canonicalize(file).ok()?;
            let relative = file.strip_prefix(rules).ok()?;
            Some(
                relative
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        })
        .unwrap_or_else(|| shown.clone());
    let draft = SourceText {
        path: shown,
        name,
        text,
    };
    let id = top_level(&draft.text, "id");
    let replaced = sources
        .rule_files
        .iter_mut()
        .find(|base| id.is_some() && top_level(&base.text, "id") == id);
    match replaced {
        Some(base) => *base = draft,
        None => sources.rule_files.push(draft),
    }
    Ok(())
}

/// The value of a top-level `key: value` line of a YAML text (quotes and a trailing comment
/// dropped).
fn top_level(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?;
        let value = value.split(" #").next().unwrap_or(value).trim();
        Some(value.trim_matches(|c| c == '"' || c == '\'').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::top_level;

    #[test]
    fn a_top_level_key_is_read_without_quotes_or_comment() {
        let text = "# id: not this\nid: \"legacy-b\" # the id\nstatus: draft\n  id: nested\n";
        assert_eq!(top_level(text, "id").as_deref(), Some("legacy-b"));
        assert_eq!(top_level(text, "status").as_deref(), Some("draft"));
        assert_eq!(top_level(text, "kind"), None);
    }
}
