//! The pipeline's layering, checked on the source: the core stages (`syntax`, `rules`,
//! `check`, `eval`, and the data model they share) never reach the stages after them
//! (`report`, `compare`, `ruletest`) nor the command line.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn the_core_stages_do_not_use_reports_comparisons_rule_tests_or_the_cli() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join("diag.rs"), src.join("escape.rs")];
    for stage in ["lang", "data", "yaml", "syntax", "rules", "check", "eval"] {
        rust_files(&src.join(stage), &mut files);
    }
    assert!(files.len() >= 15, "{files:?}");
    let forbidden = [
        "crate::report",
        "crate::compare",
        "crate::ruletest",
        "crate::cli",
    ];
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file");
        for (number, line) in text.lines().enumerate() {
            for name in forbidden {
                assert!(
                    !line.contains(name),
                    "{}:{}: `{name}` in a core stage: {line}",
                    file.display(),
                    number + 1
                );
            }
        }
    }
}

/// The checked program and the evaluator need nothing of the front end: names shared by
/// every stage (scopes, document and aggregation kinds) live in `lang`.
#[test]
fn the_program_and_the_evaluator_do_not_use_the_front_end() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join("check/program.rs")];
    rust_files(&src.join("eval"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file");
        for (number, line) in text.lines().enumerate() {
            for name in ["crate::rules", "crate::syntax"] {
                assert!(
                    !line.contains(name),
                    "{}:{}: `{name}` in the back end: {line}",
                    file.display(),
                    number + 1
                );
            }
        }
    }
}
