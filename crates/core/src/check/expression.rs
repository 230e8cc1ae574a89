//! One expression checked on its own against a rule set (`eval --expr`): the same parser,
//! names and types as an expression in a rule file, its errors placed in its own text.

use super::program::FieldUse;
use super::types::{ExprChecker, Facts, Usage};
use super::{Checker, Code, DefId};
use crate::diag::{Diagnostic, DiagnosticCode};
use crate::lang::{Scope, Type};
use crate::rules::{ExprSource, Place, RuleSet, SourceFile};
use crate::syntax::ast::Span;
use crate::syntax::parse_expression;

/// What diagnostics call an expression given on the command line.
pub const EXPRESSION_NAME: &str = "--expr";

/// An expression checked for the entities of a scope.
#[derive(Debug, Clone)]
pub struct CheckedExpression {
    /// The scope it is evaluated for (`record.…` or `member.…` reads that entity).
    pub scope: Scope,
    /// Its code (definitions by the ids of the program of the same rule set).
    pub code: Code,
    /// Its type.
    pub ty: Type,
    /// The definitions of the entity it reads directly, in order of first use.
    pub definitions: Vec<DefId>,
    /// The fields of the entity it reads directly, in order of first use.
    pub fields: Vec<FieldUse>,
}

/// Checks `text` as an expression of `scope` over the definitions and fields of `set` (a
/// rule set that checks without errors, so that definition ids are the program's).
pub fn check_expression(
    set: &RuleSet,
    scope: Scope,
    text: &str,
) -> Result<CheckedExpression, Vec<Diagnostic>> {
    let mut set = set.clone();
    set.files.push(SourceFile {
        path: EXPRESSION_NAME.to_owned(),
        name: EXPRESSION_NAME.to_owned(),
        text: text.to_owned(),
    });
    let pos = Place {
        source: set.files.len() - 1,
        line: 1,
        column: 1,
    };
    let expr = match parse_expression(text) {
        Ok(expr) => expr,
        Err(error) => {
            let span = Span {
                start: error.offset,
                end: error.offset + 1,
            };
            let mut diagnostic = Diagnostic::error(DiagnosticCode::Syntax, error.message)
                .at(set.text_location(pos, text, span));
            diagnostic.help = error.help;
            if let Some((length, replacement)) = error.fix {
                let fixed = Span {
                    start: error.offset,
                    end: error.offset + length,
                };
                diagnostic = diagnostic.fix(set.text_location(pos, text, fixed), replacement);
            }
            return Err(vec![diagnostic]);
        }
    };
    let source = ExprSource {
        text: text.to_owned(),
        pos,
        expr,
    };
    let mut checker = Checker::new(&set);
    checker.schema();
    checker.declare_definitions();
    // The rule set's own problems are `check`'s to report; only the expression's count.
    let mut diagnostics = Vec::new();
    let mut expression = ExprChecker {
        set: &set,
        names: &checker.names,
        scope,
        diagnostics: &mut diagnostics,
        usage: Usage::default(),
        overriding: None,
    };
    let checked = expression.check(&source, None, &Facts::default());
    let Usage {
        mut uses,
        mut fields,
        ..
    } = expression.usage;
    match checked {
        Some((code, ty)) if diagnostics.is_empty() => {
            dedup_in_order(&mut uses);
            dedup_in_order(&mut fields);
            Ok(CheckedExpression {
                scope,
                code,
                ty,
                definitions: uses,
                fields,
            })
        }
        _ => Err(diagnostics),
    }
}

/// Keeps the first of equal items.
fn dedup_in_order<T: PartialEq>(items: &mut Vec<T>) {
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    *items = kept;
}
