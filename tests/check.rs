//! `wotrules check`: the shipped rules pass; warnings do not fail it. (Bad rule files are in
//! the catalogue of `tests/bad_inputs.rs`.)

mod support;

use support::{copy_dir, file_name, root, snapshot_settings, wotrules, yaml_files};

#[test]
fn shipped_rules_check_clean() {
    let run = wotrules(&root(), &["check"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.ends_with(": ok\n"), "{}", run.stdout);
    assert!(
        run.stderr.is_empty(),
        "no warnings on the shipped rules: {}",
        run.stderr
    );
}

#[test]
fn missing_rules_directory_is_a_usage_error() {
    let run = wotrules(&root(), &["check", "--rules", "no/such/dir"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("no/such/dir: no such rules directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn shadowed_rows_and_unused_definitions_are_warnings_not_errors() {
    let warn_files = yaml_files(&root().join("tests/data/warnings"));
    assert!(!warn_files.is_empty());
    snapshot_settings().bind(|| {
        for file in warn_files {
            let workspace = tempfile::tempdir().expect("a temporary directory");
            copy_dir(&root().join("rules"), &workspace.path().join("rules"));
            let name = file_name(&file);
            std::fs::create_dir_all(workspace.path().join("rules/zz")).expect("create directory");
            std::fs::copy(&file, workspace.path().join("rules/zz").join(&name))
                .expect("copy the file");
            let run = wotrules(workspace.path(), &["check"]);
            assert_eq!(
                run.code,
                Some(0),
                "{name} passes the check: {}",
                run.transcript()
            );
            assert!(
                run.stderr.contains("warning"),
                "{name} warns: {}",
                run.stderr
            );
            let stem = name.trim_end_matches(".yaml");
            insta::assert_snapshot!(format!("check_warn__{stem}"), run.transcript());
        }
    });
}
