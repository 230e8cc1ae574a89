//! Every case in `tests/cases/`: its JSON decisions and its `--explain` text, snapshotted.
//!
//! Adding a case is adding a file; its snapshots are reviewed against the reference.

mod support;

use support::{root, snapshot_settings, wotrules, yaml_files};

#[test]
fn every_case_decides_as_snapshotted() {
    let cases = yaml_files(&root().join("tests/cases"));
    assert!(cases.len() >= 10, "the case directory holds the cases");
    snapshot_settings().bind(|| {
        for case in cases {
            let stem = case
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("a file name")
                .to_string();
            let path = format!("tests/cases/{stem}.yaml");
            let json = wotrules(&root(), &["eval", "--case", &path, "--format", "json"]);
            assert_eq!(json.code, Some(0), "{path}: {}", json.stderr);
            insta::assert_snapshot!(format!("case__{stem}__json"), json.stdout);
            let text = wotrules(&root(), &["eval", "--case", &path, "--explain"]);
            assert_eq!(text.code, Some(0), "{path}: {}", text.stderr);
            insta::assert_snapshot!(format!("case__{stem}__explain"), text.stdout);
        }
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
                "examples/a20111001.1.yaml",
                "--format",
                "json",
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        insta::assert_snapshot!("example__a20111001.1__json", run.stdout);
    });
}
