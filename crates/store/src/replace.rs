//! Files out: a file written whole or not at all, beside its target, renamed into place.
//!
//! The target is checked first: a link is followed to the file it names (and said so), a
//! device, FIFO, socket or directory is refused, and so is a file that is not what the
//! command replaces (a database import replaces only a SQLite database). The new content goes
//! into a temporary with a unique name created exclusively in the target's directory (a link
//! planted under a predictable name is never followed), removed on every error and signal,
//! and renamed over the target once complete, with the target's mode and owner; a new file
//! is private (0600), since what wotrules writes may hold personal data.

use std::io::Write;
use std::path::{Path, PathBuf};

use wotrules_core::diag::{Diagnostic, DiagnosticCode};

use super::cleanup;

/// The mode of a file wotrules creates: readable and writable by its owner only.
pub(crate) const PRIVATE_FILE: u32 = 0o600;

/// What may stand where a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaces {
    /// Nothing: the file must be new.
    Nothing,
    /// A regular file of any content (a rule file rewritten by `fmt`).
    AnyFile,
    /// A SQLite database, an empty file, or nothing.
    Database,
}

/// A file about to be written: where, and what stands there now.
#[derive(Debug)]
pub struct Target {
    /// The file written (a link's target when `shown` is a link).
    path: PathBuf,
    /// The path as the user gave it.
    shown: String,
    /// The link given, when the file is written through one.
    pub through_link: Option<PathBuf>,
    /// The file there now, if any.
    existing: Option<std::fs::Metadata>,
    replaces: Replaces,
}

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl Target {
    /// Checks what stands at `path` against what the command may replace; a link is
    /// followed to the file it names.
    pub fn check(path: &Path, replaces: Replaces) -> Result<Self, Diagnostic> {
        let shown = path.display().to_string();
        let refuse = |what: String, help: &str| {
            Err(Diagnostic::input_error(DiagnosticCode::Io, format!("{shown}: {what}")).help(help))
        };
        let link = std::fs::symlink_metadata(path);
        let (written, through_link) = match &link {
            Ok(metadata) if metadata.file_type().is_symlink() => match path.canonicalize() {
                Ok(resolved) => (resolved, Some(path.to_path_buf())),
                Err(_) => {
                    return refuse(
                        "is a link to nothing (or a loop of links)".into(),
                        "give the path of the file itself",
                    );
                }
            },
            _ => (path.to_path_buf(), None),
        };
        let existing = match std::fs::metadata(&written) {
            Ok(metadata) => Some(metadata),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return refuse(format!("cannot read: {e}"), "check the path"),
        };
        if let Some(metadata) = &existing {
            if metadata.is_dir() {
                return refuse("is a directory".into(), "give the path of a file");
            }
            if !metadata.is_file() {
                return refuse(
                    "is not a regular file (a device, FIFO or socket): wotrules replaces only a file it wrote".into(),
                    "give the path of a file",
                );
            }
            match replaces {
                Replaces::Nothing => {
                    return refuse("already exists".into(), "remove it or name another");
                }
                Replaces::Database if !is_database(&written, metadata.len()) => {
                    return refuse(
                        "is not a SQLite database: wotrules replaces only a database it can read"
                            .into(),
                        "name a new file, or an existing database to replace",
                    );
                }
                Replaces::Database | Replaces::AnyFile => {}
            }
        }
        if written
            .parent()
            .is_some_and(|p| !p.as_os_str().is_empty() && !p.is_dir())
        {
            return refuse(
                "its directory does not exist".into(),
                "create the directory first",
            );
        }
        Ok(Self {
            path: written,
            shown,
            through_link,
            existing,
            replaces,
        })
    }

    /// The file that is written (the link's target for a link).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path as the user gave it.
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// Whether a file stands there now.
    pub(crate) fn exists(&self) -> bool {
        self.existing.is_some()
    }
}

/// Whether `a` and `b` name the same existing file (the same device and inode, through
/// links): the input of a command must not be its output.
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether the file at `path` (of `length` bytes) is a SQLite database (an empty file is one
/// to SQLite).
fn is_database(path: &Path, length: u64) -> bool {
    use std::io::Read;
    if length == 0 {
        return true;
    }
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok_and(|()| &head == SQLITE_HEADER)
}

/// A temporary beside a [`Target`], renamed over it by `commit`; removed if
/// dropped uncommitted, on an error, or when a signal ends the process.
#[derive(Debug)]
pub struct Replacement {
    temporary: Option<tempfile::TempPath>,
    target: Target,
}

impl Replacement {
    /// Creates an empty, private temporary with a unique name in the target's directory.
    pub(crate) fn beside(target: Target) -> std::io::Result<Self> {
        let directory = match target.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .path
            .file_name()
            .map_or("file".into(), |n| n.to_string_lossy().into_owned());
        cleanup::arm();
        let temporary = cleanup::create_registered(
            || {
                cleanup::beside(&name, |builder| builder.tempfile_in(&directory))
                    .map(tempfile::NamedTempFile::into_temp_path)
            },
            |path| path,
        )?;
        Ok(Self {
            temporary: Some(temporary),
            target,
        })
    }

    /// Where the new content is written until it is committed.
    pub(crate) fn path(&self) -> &Path {
        self.temporary.as_deref().unwrap_or(self.target.path())
    }

    /// The target it replaces.
    pub(crate) fn target(&self) -> &Target {
        &self.target
    }

    /// Flushes the temporary to disk, gives it the target's mode and owner (private if
    /// new), and renames it over the target; a target that must be new is never replaced.
    pub(crate) fn commit(mut self) -> std::io::Result<()> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let Some(temporary) = self.temporary.take() else {
            return Ok(());
        };
        let outcome = (|| {
            std::fs::File::open(&temporary)?.sync_all()?;
            let mode = self
                .target
                .existing
                .as_ref()
                .map_or(PRIVATE_FILE, |m| m.mode() & 0o7777);
            std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(mode))?;
            if let Some(existing) = &self.target.existing {
                // Keeping the owner needs the privilege to give files away; without it the
                // file is the writer's, with the target's mode.
                let _ = std::os::unix::fs::chown(
                    &temporary,
                    Some(existing.uid()),
                    Some(existing.gid()),
                );
            }
            Ok(())
        })();
        let path = temporary.to_path_buf();
        let renamed = outcome.and_then(|()| {
            if self.target.replaces == Replaces::Nothing {
                temporary.persist_noclobber(&self.target.path)
            } else {
                temporary.persist(&self.target.path)
            }
            .map_err(|e| e.error)
        });
        cleanup::forget(&path);
        renamed
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        if let Some(temporary) = self.temporary.take() {
            let path = temporary.to_path_buf();
            drop(temporary);
            cleanup::remove(&path);
            cleanup::forget(&path);
        }
    }
}

/// Writes `content` whole to `target` through a [`Replacement`].
pub fn write_file(target: Target, content: &[u8]) -> std::io::Result<()> {
    let replacement = Replacement::beside(target)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(replacement.path())?;
    file.write_all(content)?;
    file.flush()?;
    drop(file);
    replacement.commit()
}
