//! `--watch` (`check`, `test`): run again on every save under the rules directory, the
//! screen cleared first (on a terminal), the summary line last, until interrupted.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use super::{Exit, emit, fail};
use wotrules_core::diag::{Diagnostic, DiagnosticCode};

/// How long a burst of events (an editor writes, renames and touches) is gathered into one
/// run.
const SETTLE: Duration = Duration::from_millis(150);

/// Runs `run` now and again after every change under `directory`; returns only when the
/// directory cannot be watched (exit 2) or disappears.
pub(super) fn watch(directory: &Path, mut run: impl FnMut() -> Exit) -> Exit {
    let (sender, events) = mpsc::channel();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let _ = sender.send(event);
    });
    let mut watcher = match watcher {
        Ok(watcher) => watcher,
        Err(error) => return cannot_watch(directory, &error),
    };
    if let Err(error) = watcher.watch(directory, RecursiveMode::Recursive) {
        return cannot_watch(directory, &error);
    }
    loop {
        clear_screen();
        let exit = run();
        emit(&format!(
            "[watching {} (exit {}); Ctrl-C ends]\n",
            directory.display(),
            exit as i32
        ));
        loop {
            match events.recv() {
                Ok(Ok(event)) if counts(&event) => break,
                Ok(_) => {}
                Err(_) => return Exit::BadInput,
            }
        }
        // The rest of the burst: one run for one save.
        while events.recv_timeout(SETTLE).is_ok() {}
    }
}

/// Whether an event is a change worth a run: a file written, created, removed or renamed —
/// not a read, and not one of wotrules' own temporaries.
fn counts(event: &notify::Event) -> bool {
    let changes = matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    );
    changes
        && event.paths.iter().any(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy());
            !name.is_some_and(|n| n.starts_with('.') || n.ends_with('~'))
        })
}

/// Clears a terminal before a run; a file or pipe gets the runs one after another.
fn clear_screen() {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        emit("\x1b[2J\x1b[H");
    }
}

fn cannot_watch(directory: &Path, error: &notify::Error) -> Exit {
    fail(
        &Diagnostic::input_error(
            DiagnosticCode::Io,
            format!("cannot watch {}: {error}", directory.display()),
        )
        .help("run without --watch, or check that the directory exists"),
        Exit::BadInput,
    )
}
