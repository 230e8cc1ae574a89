//! Every case in `rules/tests/cases/`: its JSON decisions and its `--explain` text, snapshotted.
//!
//! Adding a case is adding a file; its snapshots are reviewed against the reference.

use crate::support::{file_name, root, snapshot_settings, wotrules, yaml_files};

#[test]
fn every_case_decides_as_snapshotted() {
    // One snapshot pair per file (insta::glob!): a mismatch in one case does not hide the rest.
    assert!(yaml_files(&root().join("rules/tests/cases")).len() >= 10);
    snapshot_settings().bind(|| {
        insta::glob!("../../rules/tests/cases", "*.yaml", |case| {
            let path = format!("rules/tests/cases/{}", file_name(case));
            let json = wotrules(&root(), &["eval", "--case", &path, "--format", "json"]);
            assert_eq!(json.code, Some(0), "{path}: {}", json.stderr);
            let decisions: serde_json::Value =
                serde_json::from_str(&json.stdout).expect("eval prints JSON");
            insta::assert_json_snapshot!(
                "case_json",
                decisions,
                {".rules_digest" => "[digest]", ".tool" => "[tool]"}
            );
            // The cases are made up: their explanations show the ages they test.
            let text = wotrules(
                &root(),
                &["eval", "--case", &path, "--explain", "--show-personal"],
            );
            assert_eq!(text.code, Some(0), "{path}: {}", text.stderr);
            insta::assert_snapshot!("case_explain", text.stdout);
        });
    });
}

#[test]
fn example_case_decides_as_snapshotted() {
    snapshot_settings().bind(|| {
        let run = wotrules(
            &root(),
            &[
                "eval",
                "--case",
                "rules/tests/cases/a20111001.1.yaml",
                "--format",
                "json",
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        insta::assert_snapshot!("example__a20111001.1__json", run.stdout);
    });
}

#[test]
fn eval_piped_into_a_reader_that_stops_early_exits_cleanly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_wotrules"))
        .args([
            "eval",
            "--case",
            "rules/tests/cases/ap-experience-boundaries.yaml",
            "--explain",
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the wotrules binary runs");
    let mut first_bytes = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_exact(&mut first_bytes)
        .expect("some output");
    let output = child.wait_with_output().expect("wotrules ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn errors_to_a_closed_stderr_keep_their_exit_code() {
    // `2>&-`: standard error closed; the diagnostic cannot be written, the exit code stays.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "\"{}\" check --rules no/such/dir 2>&-",
            env!("CARGO_BIN_EXE_wotrules")
        ))
        .current_dir(root())
        .status()
        .expect("sh runs");
    assert_eq!(status.code(), Some(2));
}
