//! `check --watch` and `test --watch`: a run at once, and another after each save, the
//! summary line then the watching line last.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::{copy_dir, root};

/// A watching `wotrules` whose standard output arrives line by line.
struct Watching {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watching {
    fn start(dir: &std::path::Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wotrules"))
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("wotrules starts");
        let stdout = child.stdout.take().expect("its standard output");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// The lines of one run, up to and without its `[watching …]` line.
    fn run(&self) -> Vec<String> {
        let mut run = Vec::new();
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("a run ends within 30 s; so far: {run:?}"));
            if line.starts_with("[watching ") {
                return run;
            }
            run.push(line);
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn check_watch_checks_again_after_a_save() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), &dir.path().join("rules"));
    let watching = Watching::start(dir.path(), &["check", "--watch"]);
    let first = watching.run();
    assert!(
        first.last().expect("a summary").ends_with(": ok"),
        "{first:?}"
    );

    let shadowed =
        std::fs::read(root().join("tests/data/warnings/shadowed-row.yaml")).expect("the file");
    std::fs::create_dir_all(dir.path().join("rules/zz")).expect("create directory");
    std::fs::write(dir.path().join("rules/zz/shadowed-row.yaml"), shadowed).expect("written");
    let second = watching.run();
    assert!(
        second
            .last()
            .expect("a summary")
            .ends_with(": ok, 2 warnings"),
        "{second:?}"
    );
}

#[test]
fn test_watch_runs_the_tests_again_after_a_save() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&root().join("rules"), &dir.path().join("rules"));
    let watching = Watching::start(dir.path(), &["test", "--watch", "--filter", "cut-off"]);
    let first = watching.run();
    let summary = first.last().expect("a summary").clone();
    assert_eq!(summary, "3 passed, 0 failed", "{first:?}");

    let member = dir.path().join("rules/ap/member.yaml");
    let text = std::fs::read_to_string(&member).expect("read");
    std::fs::write(&member, text.replace("min(100,", "min(99,")).expect("written");
    let second = watching.run();
    assert_eq!(
        second.last().expect("a summary"),
        "2 passed, 1 failed",
        "{second:?}"
    );
}
