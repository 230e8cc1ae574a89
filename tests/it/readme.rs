//! The README's transcripts are true: every ```console block is run, in the order of the
//! README, in one directory outside the repository holding a copy of `rules/` and
//! `examples/` (what a newcomer has after cloning), and what each command prints must match.
//!
//! A block's `$ ` lines are commands (run by `sh` with the built `wotrules` first on the
//! `PATH`, standard error joined to standard output); the lines after one are what it
//! prints. In those, `[..]` stands for any text within a line and a line `...` for any
//! number of lines; a last line `[exit N]` says the command exits with N (else 0).
//! ```sh blocks are illustrative and not run.

use std::path::Path;
use std::process::Command;

use crate::support::root;

/// One command of a console block and what it must print.
struct Step {
    /// Where the command is in the README.
    line: usize,
    command: String,
    expected: Vec<String>,
    exit: i32,
}

/// The steps of every ```console block, in order.
fn steps(readme: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut in_console = false;
    for (index, line) in readme.lines().enumerate() {
        if !in_console {
            in_console = line.trim_end() == "```console";
            continue;
        }
        if line.trim_end() == "```" {
            in_console = false;
        } else if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step {
                line: index + 1,
                command: command.to_string(),
                expected: Vec::new(),
                exit: 0,
            });
        } else {
            let step = steps
                .last_mut()
                .unwrap_or_else(|| panic!("README.md:{}: output before a `$ ` command", index + 1));
            match line
                .strip_prefix("[exit ")
                .and_then(|l| l.strip_suffix(']'))
            {
                Some(code) => step.exit = code.parse().expect("[exit N] holds a number"),
                None => step.expected.push(line.to_string()),
            }
        }
    }
    steps
}

/// Whether `actual` matches the `expected` line, where `[..]` stands for any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether the `actual` lines match the `expected` ones, where a line `...` stands for any
/// number of lines.
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, others)| line_matches(first, line) && lines_match(rest, others)),
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a directory");
    for entry in std::fs::read_dir(from).expect("read a directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

#[test]
fn every_console_block_of_the_readme_prints_what_it_says() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let steps = steps(&readme);
    assert!(steps.len() >= 10, "the README shows its commands at work");
    let newcomer = tempfile::tempdir().expect("a directory outside the repository");
    for tree in ["rules", "examples"] {
        copy_tree(&root().join(tree), &newcomer.path().join(tree));
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_wotrules"));
    let path = std::env::join_paths(
        std::iter::once(
            binary
                .parent()
                .expect("the binary's directory")
                .to_path_buf(),
        )
        .chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )),
    )
    .expect("a PATH");
    let mut failures = Vec::new();
    for step in &steps {
        let output = Command::new("sh")
            .arg("-c")
            .arg(format!("{{ {}\n}} 2>&1", step.command))
            .current_dir(newcomer.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .output()
            .expect("sh runs");
        let printed = String::from_utf8_lossy(&output.stdout);
        let actual: Vec<&str> = printed.lines().collect();
        let exit = output.status.code().unwrap_or(-1);
        if exit != step.exit || !lines_match(&step.expected, &actual) {
            failures.push(format!(
                "README.md:{}: $ {}\n--- expected (exit {})\n{}\n--- printed (exit {exit})\n{printed}",
                step.line,
                step.command,
                step.exit,
                step.expected.join("\n"),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_matcher_tells_a_wrong_transcript() {
    let expected: Vec<String> = ["as of [..] — rules [..]", "...", "2 members"]
        .map(String::from)
        .to_vec();
    assert!(lines_match(
        &expected,
        &["as of 2011-12-01 — rules sha256:ab", "x", "y", "2 members"]
    ));
    assert!(lines_match(
        &expected,
        &["as of 2011-12-01 — rules sha256:ab", "2 members"]
    ));
    assert!(!lines_match(
        &expected,
        &["as of 2011-12-01 — rules sha256:ab", "3 members"]
    ));
    assert!(!lines_match(
        &expected,
        &["as of 2011-12-01 - rules sha256:ab", "2 members"]
    ));
    assert!(!lines_match(
        &expected,
        &["as of 2011-12-01 — rules sha256:ab", "2 members", "more"]
    ));
    assert!(line_matches("a[..]b[..]c", "a1b2c"));
    assert!(!line_matches("a[..]b[..]c", "a1b2c3"));
    assert!(line_matches("[..]", ""));
    let parsed = steps("```console\n$ true\nout\n[exit 1]\n```\n```sh\n$ not run\n```\n");
    assert_eq!(parsed.len(), 1);
    assert_eq!(
        (parsed[0].exit, parsed[0].expected.clone()),
        (1, vec!["out".to_string()])
    );
}

#[test]
fn the_readme_lists_every_diagnostic_code_and_no_other() {
    use wotrules_core::diag::DiagnosticCode;
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme
        .find("<!-- codes:")
        .expect("README.md has the list of codes");
    let list = &readme[start..];
    let list = &list[list.find('\n').unwrap_or(0) + 1
        ..list.find("<!-- end of codes -->").expect("the list ends")];
    let listed: Vec<&str> = list.lines().collect();
    let wanted: Vec<String> = DiagnosticCode::ALL
        .iter()
        .map(|code| format!("- `{}`: {}", code.name(), code.summary()))
        .collect();
    assert_eq!(
        listed, wanted,
        "README.md's list of codes is not the enum's"
    );
}

#[test]
fn every_code_has_a_distinct_name_and_an_explanation() {
    use wotrules_core::diag::DiagnosticCode;
    let mut names: Vec<&str> = DiagnosticCode::ALL.iter().map(|c| c.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), DiagnosticCode::ALL.len());
    for code in DiagnosticCode::ALL {
        assert_eq!(DiagnosticCode::from_name(code.name()), Some(*code));
        assert!(code.explanation().len() > code.summary().len(), "{code}");
    }
}

/// The README's Neovim snippet is the one `scripts/lsp/neovim.sh` runs (it takes the block
/// between the markers verbatim), it is Lua that starts `wotrules lsp` without `vim.fs`
/// (missing before Neovim 0.8), and the script checks what the rename leaves on disk.
#[test]
fn the_readme_neovim_snippet_is_what_the_neovim_script_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("the README");
    let script = std::fs::read_to_string(root().join("scripts/lsp/neovim.sh")).expect("the script");
    let start = readme
        .find("<!-- neovim-snippet")
        .expect("the start marker");
    let end = readme
        .find("<!-- end of neovim-snippet")
        .expect("the end marker");
    let snippet = &readme[start..end];
    assert!(snippet.contains("```lua\n"), "{snippet}");
    assert!(
        snippet.contains(r#"cmd = { "wotrules", "lsp" }"#),
        "{snippet}"
    );
    assert!(
        snippet.contains("vim.lsp.start_client"),
        "the 0.7 branch: {snippet}"
    );
    assert!(
        !snippet.contains("vim.fs"),
        "vim.fs is Neovim 0.8: {snippet}"
    );
    assert!(
        script.contains("/<!-- neovim-snippet/") && script.contains("/<!-- end of neovim-snippet/")
    );
    assert!(
        script.contains(r#"-u "$work/init.lua""#),
        "the snippet is the init.lua"
    );
}
