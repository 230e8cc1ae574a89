//! The expression language's meaning, apart from CAcert's rules: every fact of
//! `tests/data/semantics/facts.txt` — an expression, the type it checks as, and the value it
//! gives (or the error it fails with), or the checker's refusal — decided in-process over
//! the small case beside it, by the interpreter and by the columnar executor. A change of
//! meaning shows as a fact that no longer holds.

use crate::support::root;
use wotrules_core::diag::Diagnostic;
use wotrules_core::lang::Scope;
use wotrules_core::rules::{RuleSources, SourceText};
use wotrules_session::{Rules, check_sources};

/// One line of the corpus.
#[derive(Debug)]
struct Fact {
    line: usize,
    scope: Scope,
    ty: String,
    expression: String,
    /// The value as shown, `error: …`, or the checker's message for a refused one.
    expected: String,
    refused: bool,
}

fn facts() -> Vec<Fact> {
    let text =
        std::fs::read_to_string(root().join("tests/data/semantics/facts.txt")).expect("the corpus");
    let mut facts = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (refused, rest) = match line.strip_prefix("! ") {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let (scope, rest) = match rest.strip_prefix("member ") {
            Some(rest) => (Scope::Member, rest),
            None => (Scope::Record, rest),
        };
        let (ty, rest) = rest
            .split_once(" | ")
            .unwrap_or_else(|| panic!("line {}: TYPE | EXPRESSION => VALUE", index + 1));
        let (expression, expected) = rest
            .rsplit_once(" =>")
            .unwrap_or_else(|| panic!("line {}: `=>` missing", index + 1));
        facts.push(Fact {
            line: index + 1,
            scope,
            ty: ty.trim().to_string(),
            expression: expression.trim().to_string(),
            expected: expected.trim().to_string(),
            refused,
        });
    }
    facts
}

/// A rule file defining each fact as `fact_<line>`, and the schema's two outputs.
fn rule_file(facts: &[&Fact]) -> String {
    let mut text = String::from(
        "id: semantics\ntitle: the language's facts\nkind: policy\nsource: tests/data/semantics/facts.txt\neffective_from: null\ndefinitions:\n  answer:\n    for: member\n    cite: c\n    value: 0\n  verdict:\n    for: record\n    cite: c\n    value: 0\n",
    );
    for fact in facts {
        let scope = match fact.scope {
            Scope::Member => "member",
            Scope::Record => "record",
        };
        let quoted = fact.expression.replace('\'', "''");
        text.push_str(&format!(
            "  fact_{}:\n    for: {scope}\n    type: {}\n    cite: c\n    value: '{quoted}'\n",
            fact.line, fact.ty
        ));
    }
    text
}

fn check(rule_file: String) -> Result<Rules, Vec<Diagnostic>> {
    let dir = root().join("tests/data/semantics");
    let schema = std::fs::read_to_string(dir.join("schema.yaml")).expect("the schema");
    let sources = RuleSources {
        schema: SourceText {
            path: "schema.yaml".into(),
            name: "schema.yaml".into(),
            text: schema,
        },
        rule_files: vec![SourceText {
            path: "facts.yaml".into(),
            name: "facts.yaml".into(),
            text: rule_file,
        }],
    };
    check_sources(Ok(sources)).map(|(rules, _)| rules)
}

#[test]
fn every_fact_of_the_corpus_holds() {
    let facts = facts();
    assert!(facts.len() >= 100, "{} facts", facts.len());
    let decided: Vec<&Fact> = facts.iter().filter(|f| !f.refused).collect();
    let rules = match check(rule_file(&decided)) {
        Ok(rules) => rules,
        Err(diagnostics) => panic!(
            "the facts check:\n{}",
            wotrules_core::diag::render(&diagnostics)
        ),
    };
    let program = &rules.program;
    let case = wotrules_store::read_case_file(&root().join("tests/data/semantics/case.yaml"))
        .expect("the case");
    let as_of = case.as_of.expect("the case's date");
    let data = case.dataset(as_of).expect("the dataset");
    let mut evaluation = wotrules_core::eval::Evaluation::new(program, &data);
    // The columnar executor decides every fact too, for the whole case at once.
    let definitions: Vec<usize> = (0..program.definitions.len()).collect();
    let mut columnar = wotrules_core::eval::Evaluation::columnar(program, &data, &definitions);
    columnar.focus(&(0..data.members.len()).collect::<Vec<_>>());
    let record = data
        .records
        .iter()
        .position(|r| r.id == 10)
        .expect("record 10");
    let member = data
        .members
        .iter()
        .position(|m| m.row.id == 1)
        .expect("member 1");
    let mut wrong = Vec::new();
    for fact in decided {
        let name = format!("fact_{}", fact.line);
        let definition = program
            .definitions
            .iter()
            .position(|d| d.name == name)
            .expect("the fact's definition");
        let entity = match fact.scope {
            Scope::Member => member,
            Scope::Record => record,
        };
        for (engine, evaluation) in [
            ("interpreter", &mut evaluation),
            ("columnar", &mut columnar),
        ] {
            let shown = match evaluation.value(definition, entity) {
                Ok(value) => value.to_string(),
                Err(error) => format!("error: {}", error.failure()),
            };
            if shown != fact.expected {
                wrong.push(format!(
                    "line {}: {} gives `{shown}` ({engine}), the corpus says `{}`",
                    fact.line, fact.expression, fact.expected
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_refused_fact_is_refused_by_the_checker_with_its_message() {
    let mut wrong = Vec::new();
    let refused: Vec<Fact> = facts().into_iter().filter(|f| f.refused).collect();
    assert!(refused.len() >= 10, "{} refused facts", refused.len());
    for fact in &refused {
        match check(rule_file(&[fact])) {
            Ok(_) => wrong.push(format!("line {}: {} checks", fact.line, fact.expression)),
            Err(diagnostics) => {
                let messages: Vec<String> = diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.message.clone())
                    .collect();
                if !messages.iter().any(|m| m.contains(&fact.expected)) {
                    wrong.push(format!(
                        "line {}: {} is refused with {messages:?}, the corpus says `{}`",
                        fact.line, fact.expression, fact.expected
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
