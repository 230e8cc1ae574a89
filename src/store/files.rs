//! Files in: text files, and the rule files of a directory or of a git revision.

use std::path::Path;
use std::process::Command;

use crate::diag::Diagnostic;
use crate::rules::RuleSources;

/// The folder of rule tests inside a rules directory; its files are not rule files.
pub const RULE_TESTS_FOLDER: &str = "tests";

/// Reads a text file; a missing file, a directory or non-UTF-8 bytes are a diagnostic.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(
            Diagnostic::error("io", format!("{shown}: is a directory, not a file"))
                .help("give the path of a file"),
        );
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            "io",
            format!("{shown}: cannot read: {}", e.to_string().to_lowercase()),
        )
        .help("check the path")
    })?;
    utf8(&shown, bytes)
}

fn utf8(shown: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            "encoding",
            format!(
                "{shown}: byte {} is not valid UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
        .help("save the file as UTF-8")
    })
}

/// Every `*.yaml` file under `dir`, recursively and sorted, except the rule tests folder.
pub fn yaml_files_under(dir: &Path) -> Result<Vec<std::path::PathBuf>, Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Err(vec![
            Diagnostic::error("io", format!("{}: no such directory", dir.display()))
                .help("check the path"),
        ]);
    }
    let tests = dir.join(RULE_TESTS_FOLDER);
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    let mut errors = Vec::new();
    while let Some(folder) = pending.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(Diagnostic::error(
                    "io",
                    format!("{}: cannot list: {e}", folder.display()),
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path != tests {
                    pending.push(path);
                }
            } else if is_yaml(&path.display().to_string()) {
                paths.push(path);
            }
        }
    }
    paths.sort();
    if errors.is_empty() {
        Ok(paths)
    } else {
        Err(errors)
    }
}

fn is_yaml(path: &str) -> bool {
    path.ends_with(".yaml") || path.ends_with(".yml")
}

/// The rule files of a directory: `schema.yaml` at its root, every other `*.yaml` under it.
pub fn rule_sources(dir: &Path) -> Result<RuleSources, Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Err(vec![
            Diagnostic::error("io", format!("{}: no such rules directory", dir.display()))
                .help("pass `--rules DIR`"),
        ]);
    }
    let paths = yaml_files_under(dir)?;
    let mut errors = Vec::new();
    let files: Vec<(String, String)> = paths
        .iter()
        .filter_map(|path| match read_text(path) {
            Ok(text) => Some((path.display().to_string(), text)),
            Err(error) => {
                errors.push(error);
                None
            }
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let schema_path = dir.join("schema.yaml").display().to_string();
    sources_from(files, &schema_path, &dir.display().to_string())
}

/// The rule files of `dir` as they were at git revision `revision` of the repository `dir` is in.
pub fn rule_sources_at_revision(
    dir: &Path,
    revision: &str,
) -> Result<RuleSources, Vec<Diagnostic>> {
    let shown = format!("git:{revision}");
    let git = |arguments: &[&str]| -> Result<Vec<u8>, Diagnostic> {
        let output = Command::new("git").args(arguments).output().map_err(|e| {
            Diagnostic::error("git", format!("{shown}: cannot run git: {e}"))
                .help("install git, or pass a directory as `--base`")
        })?;
        if !output.status.success() {
            let message = String::from_utf8_lossy(&output.stderr);
            return Err(Diagnostic::error(
                "git",
                format!("{shown}: git {}: {}", arguments[0], message.trim()),
            )
            .help("name a revision of this repository, such as `git:HEAD` or `git:main`"));
        }
        Ok(output.stdout)
    };
    let folder = dir.display().to_string();
    let listing =
        git(&["ls-tree", "-r", "--name-only", revision, "--", &folder]).map_err(|e| vec![e])?;
    let listing = String::from_utf8_lossy(&listing).to_string();
    let folder = folder.trim_end_matches('/');
    let tests_prefix = format!("{folder}/{RULE_TESTS_FOLDER}/");
    let mut files = Vec::new();
    for path in listing
        .lines()
        .filter(|p| is_yaml(p) && !p.starts_with(&tests_prefix))
    {
        let bytes = git(&["show", &format!("{revision}:./{path}")]).map_err(|e| vec![e])?;
        let text = utf8(&format!("{shown}:{path}"), bytes).map_err(|e| vec![e])?;
        files.push((format!("{shown}:{path}"), text));
    }
    if files.is_empty() {
        return Err(vec![
            Diagnostic::error("git", format!("{shown}: no rule files under `{folder}`"))
                .help("the revision must contain the rules directory"),
        ]);
    }
    sources_from(files, &format!("{shown}:{folder}/schema.yaml"), &shown)
}

fn sources_from(
    files: Vec<(String, String)>,
    schema_path: &str,
    shown: &str,
) -> Result<RuleSources, Vec<Diagnostic>> {
    let mut sources = RuleSources::default();
    for (path, text) in files {
        if path == schema_path {
            sources.schema = (path, text);
        } else {
            sources.rule_files.push((path, text));
        }
    }
    if sources.schema.0.is_empty() {
        return Err(vec![
            Diagnostic::error("no-schema", format!("{shown}: no schema.yaml"))
                .help("the rules directory needs `schema.yaml` declaring fields and outputs"),
        ]);
    }
    Ok(sources)
}
