//! `wotrules check`: the shipped rules pass; each bad rule file in `tests/data/check/err/`
//! dropped into a copy of them gets its `path:line:col` diagnostic (snapshotted) and exit 1.

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
fn every_bad_rule_file_gets_its_diagnostic() {
    let bad_files = yaml_files(&root().join("tests/data/check/err"));
    assert!(bad_files.len() >= 20);
    snapshot_settings().bind(|| {
        for bad in bad_files {
            let workspace = tempfile::tempdir().expect("a temporary directory");
            copy_dir(&root().join("rules"), &workspace.path().join("rules"));
            let name = file_name(&bad);
            std::fs::create_dir_all(workspace.path().join("rules/zz")).expect("create directory");
            std::fs::copy(&bad, workspace.path().join("rules/zz").join(&name))
                .expect("copy the bad file");
            let run = wotrules(workspace.path(), &["check"]);
            assert_eq!(
                run.code,
                Some(1),
                "{name} must fail the check: {}",
                run.transcript()
            );
            assert!(
                run.stderr.contains(&format!("rules/zz/{name}:"))
                    || name.contains("conflict")
                    || name.contains("twice"),
                "{name}: the diagnostic names the file: {}",
                run.stderr
            );
            let stem = name.trim_end_matches(".yaml");
            insta::assert_snapshot!(format!("check_err__{stem}"), run.transcript());
        }
    });
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
    let warn_files = yaml_files(&root().join("tests/data/check/warn"));
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
