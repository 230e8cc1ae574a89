//! Files out: temporaries removed on every way out, Ctrl-C and `kill` included.
//!
//! A temporary is registered while it exists; [`arm`], called before the first one is
//! created, starts a thread that
//! waits for SIGINT, SIGTERM and SIGHUP, removes every registered temporary (a file and its
//! SQLite `-journal`, or a directory) and ends the process with the signal's exit code
//! (128 + its number), as a shell reports it. SIGKILL cannot be caught: what it leaves
//! behind is hidden (a dot name) and never mistaken for the target.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The temporaries that exist now.
static REGISTERED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Whether the thread that handles signals is running.
static HANDLER: OnceLock<bool> = OnceLock::new();

/// Starts handling the signals that end the process; called before a temporary is created,
/// so that none exists unregistered while a signal could end the process.
pub(crate) fn arm() {
    HANDLER.get_or_init(start_handler);
}

/// Makes a temporary beside a target `name` with `make`, named as every one is: hidden,
/// unique, and recognisable as wotrules' (`.name.XXXXXX.wotrules-tmp`), never mistaken for
/// the target.
pub(crate) fn beside<T>(
    name: &str,
    make: impl FnOnce(&tempfile::Builder) -> std::io::Result<T>,
) -> std::io::Result<T> {
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".wotrules-tmp");
    make(&builder)
}

/// Creates a temporary with `create` and registers the path `path_of` gives it, as one
/// step for a signal: the handler waits for the registry while a temporary is created, so
/// none exists unregistered when it removes them ([`arm`] must have been called).
pub(crate) fn create_registered<T, E>(
    create: impl FnOnce() -> Result<T, E>,
    path_of: impl Fn(&T) -> &Path,
) -> Result<T, E> {
    let mut registered = REGISTERED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let created = create()?;
    registered.insert(path_of(&created).to_path_buf());
    Ok(created)
}

/// `path` no longer needs removing (it was renamed into place, or removed).
pub(crate) fn forget(path: &Path) {
    if let Ok(mut registered) = REGISTERED.lock() {
        registered.remove(path);
    }
}

/// Removes a temporary file or directory, and a SQLite journal beside it.
pub(crate) fn remove(path: &Path) {
    let is_directory = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    if is_directory {
        let _ = std::fs::remove_dir_all(path);
    } else {
        let _ = std::fs::remove_file(path);
    }
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    let _ = std::fs::remove_file(PathBuf::from(journal));
}

/// Starts the thread that cleans up on a signal; `false` if signals cannot be caught here.
fn start_handler() -> bool {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return false;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            if let Ok(registered) = REGISTERED.lock() {
                registered.iter().for_each(|path| remove(path));
            }
            std::process::exit(128 + signal);
        }
    });
    true
}
