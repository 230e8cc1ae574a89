//! `wotrules schema`: the JSON Schema that editors use accepts every shipped rule file and
//! rejects a malformed one, checked with a real JSON-Schema validator (the `jsonschema` crate).

use crate::support::{root, snapshot_settings, wotrules};
use marked_yaml::Node;
use serde_json::Value as Json;

/// A YAML node as the JSON a YAML language server validates (YAML 1.2 core schema:
/// plain `null`, `true`, `false` and integers are typed, everything else is a string).
fn to_json(node: &Node) -> Json {
    match node {
        Node::Scalar(scalar) => {
            let text = scalar.as_str();
            if !scalar.may_coerce() {
                return Json::String(text.to_string());
            }
            match text {
                "null" | "~" | "" => Json::Null,
                "true" => Json::Bool(true),
                "false" => Json::Bool(false),
                _ => text
                    .parse::<i64>()
                    .map_or_else(|_| Json::String(text.to_string()), Json::from),
            }
        }
        Node::Sequence(items) => Json::Array(items.iter().map(to_json).collect()),
        Node::Mapping(map) => Json::Object(
            map.iter()
                .map(|(key, value)| (key.as_str().to_string(), to_json(value)))
                .collect(),
        ),
    }
}

fn yaml_as_json(text: &str) -> Json {
    let options = marked_yaml::LoaderOptions::default().prevent_coercion(true);
    let node = marked_yaml::parse_yaml_with_options(0, text, options).expect("valid YAML");
    to_json(&node)
}

fn validator() -> jsonschema::Validator {
    let run = wotrules(&root(), &["schema"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let schema: Json = serde_json::from_str(&run.stdout).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

/// Every rule file under `rules/` (not the schema, not the rule tests).
fn shipped_rule_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root().join("rules")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() && !path.ends_with("tests") {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml")
                && !path.ends_with("schema.yaml")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_accepted_rule_file_validates_against_the_json_schema() {
    let validator = validator();
    // The shipped rules, and the files `check` accepts with a warning.
    let mut files = shipped_rule_files();
    files.extend(crate::support::yaml_files(
        &root().join("tests/data/warnings"),
    ));
    assert!(files.len() >= 7, "the shipped rule files: {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a rule file");
        let instance = yaml_as_json(&text);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_json_schema_rejects_malformed_rule_files() {
    let validator = validator();
    let base = "id: x\ntitle: t\nkind: policy\nsource: s\neffective_from: null\n";
    for bad in [
        format!("{base}definitions:\n  d:\n    for: record\n    cite: c\n    valeu: 1\n"),
        format!(
            "{base}definitions:\n  d:\n    for: record\n    cite: c\n    cases:\n      - when: true\n"
        ),
        format!("{base}colour: red\n"),
        format!("{base}definitions:\n  d:\n    for: record\n    value: 1\n"),
        format!(
            "{base}definitions:\n  d:\n    for: record\n    cite: c\n    value: 1\n    cases: []\n"
        ),
        format!("{base}overrides:\n  - target: record.d\n    cite: c\n    then: 1\n"),
        format!("{base}kind: statute\n").replacen("kind: policy\n", "", 1),
        "id: x\ntitle: t\nkind: policy\nsource: s\n".to_string(),
    ] {
        assert!(!validator.is_valid(&yaml_as_json(&bad)), "accepted: {bad}");
    }
}

/// The schema and the loader come from the same types: every rule file of the bad-input
/// catalogue that the loader refuses for its shape (a key unknown or missing, a value of the
/// wrong shape or kind, no body or two) is refused by the JSON Schema too. (It may be
/// stricter: it requires an override's `priority`, whose absence the checker reports.)
#[test]
fn the_json_schema_and_the_loader_agree_on_the_catalogue() {
    use wotrules_core::rules::{SourceText, add_rule_file, load_rule_set};
    let validator = validator();
    let shipped = load_rule_set(
        wotrules_store::rule_sources(&root().join("rules")).expect("the shipped rules"),
        wotrules_features::SECTIONS,
    )
    .0;
    let shape = [
        "unknown-key",
        "missing-key",
        "wrong-shape",
        "wrong-value",
        "unknown-kind",
        "unknown-scope",
        "unknown-role",
        "definition-body",
        "case-value",
        "empty-file",
        "several-documents",
    ];
    let mut compared = 0;
    for path in crate::support::yaml_files(&root().join("tests/bad_inputs/rules")) {
        let text = std::fs::read_to_string(&path).expect("a catalogue entry");
        // Not YAML wotrules reads (bad syntax, a duplicate key, too deep): nothing to compare.
        let Ok(node) = wotrules_core::yaml::parse(0, &text) else {
            continue;
        };
        let source = SourceText {
            path: path.display().to_string(),
            name: "zz/bad.yaml".into(),
            text: text.clone(),
        };
        // Loaded, then checked: the features read their sections (`mailings:`) then.
        let (set, loaded) = add_rule_file(shipped.clone(), source);
        let diagnostics = match wotrules_session::check_set(&set, loaded) {
            Ok((_, warnings)) => warnings,
            Err(diagnostics) => diagnostics,
        };
        let refused_for_shape = diagnostics.iter().any(|d| shape.contains(&d.code.name()));
        let valid = validator.is_valid(&to_json(&node));
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.name()).collect();
        if refused_for_shape {
            assert!(
                !valid,
                "{}: the loader says {codes:?}, the JSON Schema accepts it",
                path.display()
            );
        }
        compared += 1;
    }
    assert!(compared >= 40, "{compared} catalogue entries compared");
}

/// The schema as editors get it, pinned: a change of the rule-file format shows up as a
/// reviewed diff of what a policy officer's editor will accept and describe.
#[test]
fn the_json_schema_is_pinned() {
    let run = wotrules(&root(), &["schema"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    snapshot_settings().bind(|| insta::assert_snapshot!("json_schema", run.stdout));
}
