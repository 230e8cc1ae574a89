//! Files in: text files, and the rule files of a directory or of a git revision.

use std::path::Path;
use std::process::Command;

use wotrules_core::diag::{Diagnostic, DiagnosticCode, Location};
use wotrules_core::rules::{RuleSources, SourceText};

/// The folder of rule tests inside a rules directory; its files are not rule files.
pub const RULE_TESTS_FOLDER: &str = "tests";

/// The largest text file read, in bytes: far above any rule or case file, far below memory.
pub(crate) const MAX_TEXT_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a text file; a missing file, a directory, a device or FIFO, a file over
/// `MAX_TEXT_FILE_BYTES` or non-UTF-8 bytes are a diagnostic. The size is checked before
/// reading, and reading stops at the limit (a file may grow while it is read).
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    let shown = path.display().to_string();
    let file = open_regular_file(path)?;
    let metadata = file.metadata().map_err(|e| cannot_read(&shown, &e))?;
    let too_large = |size: u64| {
        Diagnostic::input_error(
            DiagnosticCode::Io,
            format!("{shown}: the file is {size} bytes, the limit is {MAX_TEXT_FILE_BYTES}"),
        )
        .help("split the file; whole databases belong in SQLite (`--db`)")
    };
    if metadata.len() > MAX_TEXT_FILE_BYTES {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(MAX_TEXT_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(&shown, &e))?;
    if bytes.len() as u64 > MAX_TEXT_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    utf8(&shown, bytes)
}

fn cannot_read(shown: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::input_error(
        DiagnosticCode::Io,
        format!("{shown}: cannot read: {}", e.to_string().to_lowercase()),
    )
    .help("check the path")
}

/// Opens a regular file for reading; a missing file, a directory, a device, FIFO or socket
/// is a diagnostic (checked before opening: opening a FIFO would wait for a writer).
pub fn open_regular_file(path: &Path) -> Result<std::fs::File, Diagnostic> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|e| cannot_read(&shown, &e))?;
    if metadata.is_dir() {
        return Err(Diagnostic::input_error(
            DiagnosticCode::Io,
            format!("{shown}: is a directory, not a file"),
        )
        .help("give the path of a file"));
    }
    if !metadata.is_file() {
        return Err(Diagnostic::input_error(
            DiagnosticCode::Io,
            format!("{shown}: is not a regular file (a device, FIFO or socket)"),
        )
        .help("give the path of a file"));
    }
    std::fs::File::open(path).map_err(|e| cannot_read(&shown, &e))
}

fn utf8(shown: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        // The place of the first bad byte, counted in characters of the valid text before it.
        let valid = e.utf8_error().valid_up_to();
        let before = String::from_utf8_lossy(&e.as_bytes()[..valid]);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Diagnostic::error(DiagnosticCode::Encoding, "the file is not valid UTF-8 text")
            .at(Location::bare(shown, line, column))
            .help("save the file as UTF-8")
    })
}

/// Every `*.yaml` file under `dir`, recursively and sorted, except the rule tests and the
/// drafts folders.
pub fn yaml_files_under(dir: &Path) -> Result<Vec<std::path::PathBuf>, Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Err(vec![
            Diagnostic::input_error(
                DiagnosticCode::Io,
                format!("{}: no such directory", dir.display()),
            )
            .help("check the path"),
        ]);
    }
    let tests = dir.join(RULE_TESTS_FOLDER);
    let drafts = dir.join(crate::DRAFTS_FOLDER);
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    let mut errors = Vec::new();
    // Each directory is listed once, however symlinks lead to it: a loop ends here.
    let mut listed = std::collections::HashSet::new();
    while let Some(folder) = pending.pop() {
        let canonical = std::fs::canonicalize(&folder).unwrap_or_else(|_| folder.clone());
        if !listed.insert(canonical) {
            continue;
        }
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(Diagnostic::input_error(
                    DiagnosticCode::Io,
                    format!("{}: cannot list: {e}", folder.display()),
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path != tests && path != drafts {
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
            Diagnostic::input_error(
                DiagnosticCode::Io,
                format!("{}: no such rules directory", dir.display()),
            )
            .help("pass `--rules DIR`"),
        ]);
    }
    let paths = yaml_files_under(dir)?;
    let mut errors = Vec::new();
    let files: Vec<SourceText> = paths
        .iter()
        .filter_map(|path| match read_text(path) {
            Ok(text) => Some(SourceText {
                path: path.display().to_string(),
                name: relative_name(dir, path),
                text,
            }),
            Err(error) => {
                errors.push(error);
                None
            }
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    sources_from(files, &dir.display().to_string())
}

/// `path` relative to `dir`, with `/` between its parts.
fn relative_name(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The rule files of `dir` as they were at git revision `revision` of the repository `dir`
/// is in; `REV:PATH` names the rules directory at that revision by its path from the
/// repository's root (where it was elsewhere then).
pub fn rule_sources_at_revision(
    dir: &Path,
    revision: &str,
) -> Result<RuleSources, Vec<Diagnostic>> {
    let shown = format!("git:{revision}");
    let (revision, named_folder) = match revision.split_once(':') {
        Some((revision, folder)) => (revision, Some(folder.trim_matches('/'))),
        None => (revision, None),
    };
    if revision.is_empty() || revision.starts_with('-') {
        return Err(vec![
            Diagnostic::input_error(
                DiagnosticCode::Git,
                format!("`{shown}` does not name a revision"),
            )
            .help("name a revision of this repository, such as `git:HEAD` or `git:main`"),
        ]);
    }
    let absolute = std::fs::canonicalize(dir).map_err(|e| {
        vec![
            Diagnostic::input_error(DiagnosticCode::Io, format!("{}: {e}", dir.display()))
                .help("`--rules` names the rules directory of this repository"),
        ]
    })?;
    // Every git command runs in the rules directory: the repository is the one it is in,
    // whatever the working directory.
    let git = |arguments: &[&str]| -> Result<Vec<u8>, Diagnostic> {
        let output = Command::new("git")
            .arg("-C")
            .arg(&absolute)
            .args(arguments)
            .output()
            .map_err(|e| {
                Diagnostic::input_error(
                    DiagnosticCode::Git,
                    format!("{shown}: cannot run git: {e}"),
                )
                .help("install git, or pass a directory as `--base`")
            })?;
        if !output.status.success() {
            let message = String::from_utf8_lossy(&output.stderr);
            return Err(Diagnostic::input_error(
                DiagnosticCode::Git,
                format!("{shown}: git {}: {}", arguments[0], message.trim()),
            )
            .help("name a revision of this repository, such as `git:HEAD` or `git:main`"));
        }
        Ok(output.stdout)
    };
    let folder = match named_folder {
        Some(folder) => folder.to_string(),
        None => {
            let prefix = git(&["rev-parse", "--show-prefix"]).map_err(|e| vec![e])?;
            String::from_utf8_lossy(&prefix)
                .trim()
                .trim_end_matches('/')
                .to_string()
        }
    };
    let listing = git(&[
        "ls-tree",
        "-r",
        "--name-only",
        "--full-tree",
        "--end-of-options",
        revision,
        "--",
        if folder.is_empty() { "." } else { &folder },
    ])
    .map_err(|e| vec![e])?;
    let listing = String::from_utf8_lossy(&listing).to_string();
    let prefix = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    let mut files = Vec::new();
    for path in listing.lines().filter(|p| is_yaml(p)) {
        let name = path.strip_prefix(&prefix).unwrap_or(path);
        if name.starts_with(&format!("{RULE_TESTS_FOLDER}/"))
            || name.starts_with(&format!("{}/", crate::DRAFTS_FOLDER))
        {
            continue;
        }
        let object = format!("{revision}:{path}");
        let bytes = git(&["show", "--end-of-options", &object]).map_err(|e| vec![e])?;
        let shown_path = format!("git:{object}");
        let text = utf8(&shown_path, bytes).map_err(|e| vec![e])?;
        files.push(SourceText {
            path: shown_path,
            name: name.to_string(),
            text,
        });
    }
    if files.is_empty() {
        return Err(vec![
            Diagnostic::input_error(
                DiagnosticCode::Git,
                format!("{shown}: no rule files under `{folder}`"),
            )
            .help("the revision must contain the rules directory; name it where it was then with `git:REV:PATH` (PATH from the repository's root)"),
        ]);
    }
    sources_from(files, &shown)
}

/// Splits a rule set's files into `schema.yaml` (at the root) and the rule files.
fn sources_from(files: Vec<SourceText>, shown: &str) -> Result<RuleSources, Vec<Diagnostic>> {
    let mut sources = RuleSources::default();
    let mut schema = None;
    for file in files {
        if file.name == "schema.yaml" {
            schema = Some(file);
        } else {
            sources.rule_files.push(file);
        }
    }
    let Some(schema) = schema else {
        return Err(vec![
            Diagnostic::error(DiagnosticCode::NoSchema, format!("{shown}: no schema.yaml"))
                .help("the rules directory needs `schema.yaml` declaring fields and outputs"),
        ]);
    };
    sources.schema = schema;
    Ok(sources)
}
