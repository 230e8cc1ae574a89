//! Parse and type errors that say what was meant: the mistakes a reader of other languages
//! makes (`=`, `&&`, `||`, single quotes, a quoted date, a date with a letter), each at the
//! place of the mistake with the fix in its help.

use crate::support::root;
use wotrules_core::diag::DiagnosticCode;
use wotrules_core::rules::SourceText;
use wotrules_core::syntax::parse_expression;
use wotrules_session::check_sources;
use wotrules_store::rule_sources;

/// The message, help and offset of the error `text` gets.
fn error_of(text: &str) -> (String, String, usize) {
    let error = parse_expression(text).expect_err("the expression is wrong");
    (error.message, error.help.unwrap_or_default(), error.offset)
}

#[test]
fn a_single_equals_sign_asks_for_two() {
    let (message, help, offset) = error_of(r#"record.method = "Face to Face Meeting""#);
    assert_eq!(message, "`=` is not a comparison");
    assert!(help.contains("`==`"), "{help}");
    assert_eq!(offset, 14);
    let (message, help, _) = error_of("record.points === 35");
    assert_eq!(message, "`===` is not an operator");
    assert!(help.contains("`==`"), "{help}");
}

#[test]
fn c_style_logic_asks_for_and_and_or() {
    let (message, help, offset) = error_of("record.points > 10 && record.points < 35");
    assert_eq!((message.as_str(), offset), ("`&&` is not an operator", 19));
    assert!(help.contains("`and`"), "{help}");
    let (message, help, _) = error_of("record.points > 10 || record.expired");
    assert_eq!(message, "`||` is not an operator");
    assert!(help.contains("`or`"), "{help}");
}

#[test]
fn single_quotes_ask_for_double_quotes() {
    let (message, help, offset) = error_of("record.method == 'TTP-Assisted'");
    assert_eq!(
        (message.as_str(), offset),
        ("`'` does not start a text", 17)
    );
    assert!(help.contains("double quotes"), "{help}");
}

#[test]
fn a_date_with_a_letter_is_not_a_date() {
    let (message, help, offset) = error_of("record.date >= 200Y-09-01");
    assert_eq!(
        (message.as_str(), offset),
        ("`200Y-09-01` is not a date", 15)
    );
    assert!(help.contains("YYYY-MM-DD"), "{help}");
    let (message, _, _) = error_of("record.points > 3O");
    assert_eq!(message, "`3O` is not a number");
}

#[test]
fn operators_inside_texts_are_not_mistakes() {
    // `&&`, `=` and `'` inside a double-quoted text are text; the error is the real one.
    let (message, _, offset) = error_of(r#"record.method == "a && b = 'c'" +"#);
    assert!(message.starts_with("expected"), "{message}");
    assert_eq!(offset, 33);
    assert!(parse_expression(r#"record.method == "a && b = 'c' \" || 2006-0Y""#).is_ok());
}

#[test]
fn a_quoted_date_is_a_text_and_the_help_says_so() {
    let mut sources = rule_sources(&root().join("rules")).expect("rules");
    sources.rule_files.push(SourceText {
        path: "extra.yaml".into(),
        name: "extra.yaml".into(),
        text: "id: extra\ntitle: t\nkind: policy\nsource: s\neffective_from: null\n\
               definitions:\n  recent:\n    for: record\n    type: bool\n    cite: c\n    \
               value: 'as_of >= \"2006-09-01\"'\n"
            .into(),
    });
    let diagnostics = check_sources(Ok(sources)).expect_err("a text is not a date");
    let error = diagnostics
        .iter()
        .find(|d| d.code == DiagnosticCode::TypeMismatch)
        .unwrap_or_else(|| panic!("a type mismatch: {diagnostics:?}"));
    assert_eq!(
        error.message,
        "cannot compare `date` with `text` using `>=`"
    );
    assert_eq!(
        error.help.as_deref(),
        Some("a date is written without quotes: `2006-09-01`, not `\"2006-09-01\"`")
    );
}

/// Applies the fix a parse error offers to `text`.
fn fixed(text: &str) -> String {
    let error = parse_expression(text).expect_err("the expression is wrong");
    let (length, replacement) = error.fix.expect("a fix");
    format!(
        "{}{replacement}{}",
        &text[..error.offset],
        &text[error.offset + length..]
    )
}

/// Each hint's fix, applied, gives an expression that parses and says what was meant.
#[test]
fn every_hint_with_a_certain_fix_offers_it_and_the_fixed_text_parses() {
    for (wrong, right) in [
        (
            r#"record.method = "Face to Face Meeting""#,
            r#"record.method == "Face to Face Meeting""#,
        ),
        ("record.points === 35", "record.points == 35"),
        (
            "record.points > 10 && record.points < 35",
            "record.points > 10 and record.points < 35",
        ),
        (
            "record.live||record.expired",
            "record.live or record.expired",
        ),
        (
            "record.method == 'TTP-Assisted'",
            r#"record.method == "TTP-Assisted""#,
        ),
    ] {
        let fixed = fixed(wrong);
        assert_eq!(fixed, right);
        assert!(parse_expression(&fixed).is_ok(), "{fixed}");
    }
    // A letter in a date has no certain fix.
    let error = parse_expression("as_of >= 2011-01-0l").expect_err("wrong");
    assert_eq!(error.fix, None);
}
