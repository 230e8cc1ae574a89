//! What the fuzz targets share: the shipped rules and example case, read once.
//! (Each target uses part of it.)
#![allow(dead_code)]

use std::sync::OnceLock;

use wotrules_core::data::Rows;
use wotrules_core::eval::{Explain, Selection, decide};
use wotrules_core::rules::{RuleSet, SourceText, add_rule_file, load_rule_set};
use wotrules_features::report::{Context, Privacy, renderer, write_decisions};
use wotrules_session::{Rules, check_set};
use wotrules_store::{Replaces, Target, read_case, rule_sources};

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shipped rules, read and parsed once per process: each input adds one file to them.
fn shipped() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let sources = rule_sources(&root().join("rules")).expect("the shipped rules read");
        load_rule_set(sources, wotrules_features::SECTIONS).0
    })
}

fn shipped_rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        check_set(shipped(), Vec::new())
            .expect("the shipped rules check")
            .0
    })
}

fn example() -> &'static Rows {
    static CASE: OnceLock<Rows> = OnceLock::new();
    CASE.get_or_init(|| {
        let path = root().join("rules/tests/cases/a20111001.1.yaml");
        let text = std::fs::read_to_string(&path).expect("the example reads");
        read_case("example", &text).expect("the example is valid")
    })
}

fn decide_case(rules: &Rules, case: &Rows) {
    let program = &rules.program;
    let as_of = case
        .as_of
        .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2012, 1, 1).unwrap());
    let Ok(data) = wotrules_core::data::Rows::dataset(case.clone(), as_of) else {
        return;
    };
    let decisions = decide(program, &data, Selection::All, &Explain::Nothing);
    // Every format, personal data withheld as a report would.
    let privacy = Privacy::new(program, &rules.personal, false);
    let context = Context::new(&data, &program.digest, &privacy, true);
    for format in ["text", "json", "markdown", "moin"] {
        if let Some(renderer) = renderer(format) {
            let _ = write_decisions(
                &*renderer,
                &mut std::io::sink(),
                &context,
                decisions.clone(),
            );
        }
    }
}

/// A rule file defining `fuzzed` (a record int) as `expression`, used by an override of
/// `record.reapply_points` so that evaluation reaches it.
pub fn rule_file_with_value(expression: &str) -> String {
    let quoted = expression.replace('\'', "''").replace('\n', " ");
    format!(
        "id: fuzz\ntitle: fuzz\nkind: policy\nsource: s\neffective_from: null\ndefinitions:\n  fuzzed:\n    for: record\n    type: int\n    cite: c\n    value: '{quoted}'\noverrides:\n  - target: record.reapply_points\n    priority: 99\n    cite: c\n    then: record.fuzzed\n"
    )
}

/// Loads the shipped rules plus `text` as one more rule file; evaluates when it all checks.
pub fn evaluate_with_rule_file(text: &str) {
    let source = SourceText {
        path: "fuzz.yaml".into(),
        name: "fuzz.yaml".into(),
        text: text.to_string(),
    };
    let (set, diagnostics) = add_rule_file(shipped().clone(), source);
    let _ = wotrules_core::diag::render(&diagnostics);
    match check_set(&set, Vec::new()) {
        Ok((rules, warnings)) => {
            let _ = wotrules_core::diag::render(&warnings);
            decide_case(&rules, example());
        }
        Err(diagnostics) => {
            let _ = wotrules_core::diag::render(&diagnostics);
        }
    }
}

/// Reads `bytes` as a SQLite database (written to a file of this process); evaluates it
/// with the shipped rules when it reads.
pub fn evaluate_database(bytes: &[u8]) {
    let path = std::env::temp_dir().join(format!("wotrules-fuzz-{}.sqlite", std::process::id()));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let options = wotrules_store::ReadOptions {
        cats_types: shipped_rules().cats_types.clone(),
        contacts: true,
    };
    match wotrules_store::read_database(&path.display().to_string(), &options) {
        Ok(case) if case.records.len() < 2_000 => decide_case(shipped_rules(), &case),
        Ok(_) => {}
        Err(diagnostic) => {
            let _ = diagnostic.to_string();
        }
    }
    let _ = std::fs::remove_file(&path);
}

/// Reads `text` as a case file; evaluates it with the shipped rules when it is valid.
pub fn evaluate_case(text: &str) {
    match read_case("fuzz.yaml", text) {
        Ok(case) if case.records.len() < 2_000 => decide_case(shipped_rules(), &case),
        Ok(_) => {}
        Err(diagnostics) => {
            let _ = wotrules_core::diag::render(&diagnostics);
        }
    }
}

/// Reads `bytes` as a `mysqldump` into a SQLite database of this process; when it imports,
/// reads that database back and evaluates it with the shipped rules.
pub fn import_dump(bytes: &[u8]) {
    let db = std::env::temp_dir().join(format!("wotrules-fuzz-dump-{}.sqlite", std::process::id()));
    let dump = std::env::temp_dir().join(format!("wotrules-fuzz-dump-{}.sql", std::process::id()));
    let db_text = db.display().to_string();
    let _ = std::fs::remove_file(&db);
    if std::fs::write(&dump, bytes).is_err() {
        return;
    }
    let imported = wotrules_store::DumpSource::new(&dump).and_then(|source| {
        let options = wotrules_store::DumpOptions::default();
        let target = Target::check(&db, Replaces::Database)?;
        wotrules_store::import_mysql_dump(&source, target, None, &options, |_| {})
    });
    match imported {
        Ok(_) => {
            let options = wotrules_store::ReadOptions {
                cats_types: shipped_rules().cats_types.clone(),
                contacts: true,
            };
            match wotrules_store::read_database(&db_text, &options) {
                Ok(case) if case.records.len() < 2_000 => decide_case(shipped_rules(), &case),
                Ok(_) => {}
                Err(diagnostic) => {
                    let _ = diagnostic.to_string();
                }
            }
        }
        Err(diagnostic) => {
            let _ = diagnostic.to_string();
            assert!(!db.exists(), "a failed import leaves no database");
        }
    }
    let _ = std::fs::remove_file(&db);
    let _ = std::fs::remove_file(&dump);
}
