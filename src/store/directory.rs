//! A directory of files written all or nothing.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// A directory written as a hidden sibling and renamed into place once complete: an
/// operator never finds half a mailing.
pub struct NewDirectory {
    out: PathBuf,
    temporary: PathBuf,
}

impl NewDirectory {
    /// Starts writing `out`, which must not exist or be empty.
    pub fn create(out: &Path) -> Result<Self, Diagnostic> {
        let fail = |e: std::io::Error| {
            Diagnostic::input_error("io", format!("{}: {e}", out.display()))
                .help("check the directory and the disk")
        };
        if out.exists() {
            let empty = std::fs::read_dir(out).map_err(fail)?.next().is_none();
            if !empty {
                return Err(Diagnostic::input_error(
                    "io",
                    format!("{}: exists and is not empty", out.display()),
                )
                .help("wotrules writes into a new or empty directory: name another"));
            }
        }
        let name = out
            .file_name()
            .map_or("mailing".into(), |n| n.to_string_lossy().into_owned());
        let temporary = out.with_file_name(format!(".{name}.wotrules-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&temporary);
        std::fs::create_dir_all(&temporary).map_err(fail)?;
        Ok(Self {
            out: out.to_path_buf(),
            temporary,
        })
    }

    /// Writes `file` into the directory.
    pub fn write(&self, file: &str, text: &str) -> Result<(), String> {
        std::fs::write(self.temporary.join(file), text)
            .map_err(|e| format!("{}: {e}", self.out.join(file).display()))
    }

    /// Writes `index.json` and puts the directory in place.
    pub fn finish(self, index: &str) -> Result<(), Diagnostic> {
        let result = self
            .write("index.json", index)
            .map_err(std::io::Error::other)
            .and_then(|()| {
                if self.out.exists() {
                    std::fs::remove_dir(&self.out)?;
                }
                std::fs::rename(&self.temporary, &self.out)
            });
        result.map_err(|e| {
            let _ = std::fs::remove_dir_all(&self.temporary);
            Diagnostic::input_error("io", format!("{}: {e}", self.out.display()))
                .help("check the directory and the disk")
        })
    }

    /// Removes what was written.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.temporary);
    }
}
