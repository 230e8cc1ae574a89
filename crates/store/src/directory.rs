//! Files out: a directory of files written all or nothing.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use wotrules_core::diag::{Diagnostic, DiagnosticCode};

use super::cleanup;
use super::replace::PRIVATE_FILE;

/// The mode of a directory wotrules creates: open to its owner only.
const PRIVATE_DIRECTORY: u32 = 0o700;

/// A directory written as a hidden sibling with a unique name and renamed into place once
/// complete: an operator never finds half a mailing. It is private (0700, its files 0600):
/// it holds names and addresses.
pub struct NewDirectory {
    out: PathBuf,
    temporary: Option<tempfile::TempDir>,
    /// The mode of the empty directory it replaces, kept.
    mode: u32,
}

/// A file of a [`NewDirectory`] that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The directory was already put in place.
    #[error("{}: the directory is already written", path.display())]
    Finished {
        /// The file's path in the directory.
        path: PathBuf,
    },
    /// The system refused.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file's path in the directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl NewDirectory {
    /// Starts writing `out`, which must not exist or be an empty directory (not a link).
    pub fn create(out: &Path) -> Result<Self, Diagnostic> {
        let fail = |e: std::io::Error| {
            Diagnostic::input_error(DiagnosticCode::Io, format!("{}: {e}", out.display()))
                .help("check the directory and the disk")
        };
        let mut mode = PRIVATE_DIRECTORY;
        match std::fs::symlink_metadata(out) {
            Ok(metadata) if metadata.is_dir() => {
                let empty = std::fs::read_dir(out).map_err(fail)?.next().is_none();
                if !empty {
                    return Err(Diagnostic::input_error(
                        DiagnosticCode::Io,
                        format!("{}: exists and is not empty", out.display()),
                    )
                    .help("wotrules writes into a new or empty directory: name another"));
                }
                mode = metadata.permissions().mode() & 0o7777;
            }
            Ok(_) => {
                return Err(Diagnostic::input_error(
                    DiagnosticCode::Io,
                    format!("{}: exists and is not a directory", out.display()),
                )
                .help("name a new directory"));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(e)),
        }
        let parent = match out.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out
            .file_name()
            .map_or("mailing".into(), |n| n.to_string_lossy().into_owned());
        cleanup::arm();
        let temporary = cleanup::create_registered(
            || cleanup::beside(&name, |builder| builder.tempdir_in(&parent)),
            tempfile::TempDir::path,
        )
        .map_err(fail)?;
        Ok(Self {
            out: out.to_path_buf(),
            temporary: Some(temporary),
            mode,
        })
    }

    /// Writes `file` (a new, private file) into the directory.
    pub fn write(&self, file: &str, text: &str) -> Result<(), WriteError> {
        let path = self.out.join(file);
        let Some(temporary) = &self.temporary else {
            return Err(WriteError::Finished { path });
        };
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(PRIVATE_FILE)
            .open(temporary.path().join(file))
            .and_then(|mut out| out.write_all(text.as_bytes()))
            .map_err(|source| WriteError::Io { path, source })
    }

    /// Writes `index.json` and puts the directory in place.
    pub fn finish(self, index: &str) -> Result<(), Diagnostic> {
        self.finish_with("index.json", index)
    }

    /// Writes `file` last (an index) and puts the directory in place.
    pub fn finish_with(mut self, file: &str, text: &str) -> Result<(), Diagnostic> {
        let written = self
            .write(file, text)
            .map_err(std::io::Error::other)
            .and_then(|()| self.rename());
        written.map_err(|e| {
            Diagnostic::input_error(DiagnosticCode::Io, format!("{}: {e}", self.out.display()))
                .help("check the directory and the disk")
        })
    }

    fn rename(&mut self) -> std::io::Result<()> {
        let Some(temporary) = self.temporary.take() else {
            return Ok(());
        };
        let path = temporary.keep();
        let renamed = (|| {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(self.mode))?;
            if std::fs::symlink_metadata(&self.out).is_ok() {
                // The empty directory it replaces (a non-empty one is refused by the system).
                std::fs::remove_dir(&self.out)?;
            }
            std::fs::rename(&path, &self.out)
        })();
        if renamed.is_err() {
            cleanup::remove(&path);
        }
        cleanup::forget(&path);
        renamed
    }
}

impl Drop for NewDirectory {
    fn drop(&mut self) {
        if let Some(temporary) = self.temporary.take() {
            let path = temporary.path().to_path_buf();
            drop(temporary);
            cleanup::forget(&path);
        }
    }
}
