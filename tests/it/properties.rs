//! Properties of the expression language over generated expressions:
//! - printing a parsed expression and parsing the text again gives the same tree;
//! - any generated expression either fails the checker with a diagnostic or evaluates
//!   without panicking (evaluation errors are values, cited on their output).

use proptest::prelude::*;
use wotrules_core::eval::{Evaluation, Explain, Selection};
use wotrules_core::rules::SourceText;
use wotrules_core::syntax::ast::{Expr, ExprKind, Span};
use wotrules_core::syntax::{parse_expression, pretty, pretty_lines};
use wotrules_store::{read_case, rule_sources};

/// Expression texts built from the language's pieces: literals, fields, definitions,
/// operators, functions (known and unknown), `in`, `if` and aggregations.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0i64..1000).prop_map(|v| v.to_string()),
        Just("9223372036854775807".to_string()),
        "[a-z \"\\\\]{0,6}".prop_map(|s| format!("{s:?}")),
        Just("true".to_string()),
        Just("false".to_string()),
        Just("null".to_string()),
        Just("2006-09-01".to_string()),
        Just("as_of".to_string()),
        prop_oneof![
            Just("record.points"),
            Just("record.awarded"),
            Just("record.method"),
            Just("record.location"),
            Just("record.date"),
            Just("record.when"),
            Just("record.deleted"),
            Just("record.counts"),
            Just("record.live"),
            Just("record.assuree.cats_passed"),
            Just("record.assurer.dob"),
            Just("request.ticket"),
            Just("record.nothing"),
        ]
        .prop_map(str::to_string),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        let op = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("%"),
            Just("=="),
            Just("!="),
            Just("<"),
            Just("<="),
            Just(">"),
            Just(">="),
            Just("and"),
            Just("or"),
            Just("??"),
        ];
        let function = prop_oneof![
            Just("min"),
            Just("max"),
            Just("trim"),
            Just("lower"),
            Just("has_word"),
            Just("parse_date"),
            Just("years_between"),
            Just("format"),
            Just("no_such"),
        ];
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            inner.clone().prop_map(|a| format!("not ({a})")),
            inner.clone().prop_map(|a| format!("-({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("if {c} then {a} else {b}")),
            (function, prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (inner.clone(), prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(v, list)| format!("({v}) in [{}]", list.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(v, w)| format!(
                "sum(({v}) ?? 0 for r in record.assuree.received where ({w}) ?? false)"
            )),
            inner.prop_map(|w| format!("count(r in record.assurer.given where {w})")),
        ]
    })
}

/// The same tree with every span zeroed: trees compared as structure.
fn without_spans(expr: &Expr) -> String {
    let text = format!("{expr:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}').map_or(rest.len(), |e| at + e + 1);
        out.push_str("Span");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn printing_and_parsing_again_gives_the_same_tree(text in expression()) {
        if let Ok(tree) = parse_expression(&text) {
            let printed = tree.to_string();
            let again = parse_expression(&printed)
                .unwrap_or_else(|e| panic!("{printed:?} does not parse: {e:?}"));
            prop_assert_eq!(without_spans(&tree), without_spans(&again), "printed as {}", printed);
            prop_assert_eq!(again.to_string(), printed);
        }
    }

    #[test]
    fn formatting_gives_the_same_tree_and_is_stable(text in expression()) {
        if let Ok(tree) = parse_expression(&text) {
            let formatted = pretty(&tree);
            let again = parse_expression(&formatted)
                .unwrap_or_else(|e| panic!("{formatted:?} does not parse: {e:?}"));
            prop_assert_eq!(without_spans(&tree), without_spans(&again), "formatted as {}", formatted);
            prop_assert_eq!(pretty(&again), formatted.clone());
            // Broken into lines and joined again (as a folded YAML block reads), the same.
            let joined = pretty_lines(&tree, 20).join(" ");
            let rejoined = parse_expression(&joined)
                .unwrap_or_else(|e| panic!("{joined:?} does not parse: {e:?}"));
            prop_assert_eq!(without_spans(&tree), without_spans(&rejoined), "lines {}", joined);
        }
    }

    #[test]
    fn an_expression_fails_the_checker_or_evaluates(text in expression()) {
        // Declared as each type in turn: at most one fits; an override makes outputs read it.
        for ty in ["int?", "bool?", "text?", "date?"] {
            check_or_evaluate(&text, ty)?;
        }
    }
}

/// Declares `text` as a record definition of type `ty` beside the shipped rules: either the
/// checker rejects it with an error diagnostic, or every output is decided for a case.
/// `Ok(true)` when it was evaluated.
fn check_or_evaluate(text: &str, ty: &str) -> Result<bool, TestCaseError> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut sources = rule_sources(&root.join("rules")).expect("the shipped rules");
    let quoted = text.replace('\'', "''");
    sources.rule_files.push(SourceText {
        path: "generated.yaml".into(),
        name: "generated.yaml".into(),
        text: format!(
            "id: generated\ntitle: t\nkind: policy\nsource: s\neffective_from: null\n\
             definitions:\n  generated:\n    for: record\n    type: {ty}\n    cite: c\n    value: '{quoted}'\n\
             overrides:\n  - target: record.reapply_location\n    priority: 99\n    cite: c\n\
             \x20   then: 'if record.generated == null then \"none\" else \"some\"'\n"
        ),
    });
    match wotrules_session::check_sources(Ok(sources)) {
        Ok((rules, _)) => {
            let program = rules.program;
            let case = std::fs::read_to_string(root.join("rules/tests/cases/reapply-steps.yaml"))
                .expect("a case");
            let case = read_case("case", &case).expect("a valid case");
            let as_of = case.as_of.expect("the case has as_of");
            let data = case.dataset(as_of).expect("within the limits");
            let decisions =
                Evaluation::new(&program, &data).decide_all(Selection::All, &Explain::Everything);
            prop_assert!(!decisions.records.is_empty());
            Ok(true)
        }
        Err(diagnostics) => {
            let errors = diagnostics.iter().any(|d| d.is_error());
            prop_assert!(errors, "no program, yet no error diagnostic");
            Ok(false)
        }
    }
}

#[test]
fn expressions_of_each_type_reach_evaluation() {
    // The property above is not vacuous: an expression of each type checks and runs as
    // that type, and fails the checker as the others.
    for (text, fits) in [
        ("(record.points) + (3)", "int?"),
        ("record.method == \"a\"", "bool?"),
        ("trim(record.location)", "text?"),
        ("record.when ?? as_of", "date?"),
    ] {
        for ty in ["int?", "bool?", "text?", "date?"] {
            let evaluated = check_or_evaluate(text, ty).expect("checks or evaluates");
            assert_eq!(evaluated, ty == fits, "`{text}` as `{ty}`");
        }
    }
}

#[test]
fn zeroed_spans_compare_structure_only() {
    let a = parse_expression("1 +  2").expect("parses");
    let b = parse_expression("(1 + 2)").expect("parses");
    assert_eq!(without_spans(&a), without_spans(&b));
    assert_ne!(a.span, Span::default());
    assert!(matches!(a.kind, ExprKind::Binary(..)));
}
