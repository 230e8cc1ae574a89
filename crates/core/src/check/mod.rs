//! Checking: names, types, dates, cycles and precedence, before anything is evaluated.
//!
//! [`check`] turns a loaded [`RuleSet`] into a [`Program`] or reports every
//! problem it finds in one pass.

mod definitions;
mod expression;
mod graph;
mod overrides;
pub mod program;
mod types;

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, DiagnosticCode};
use crate::lang::Type;
use crate::rules::{self, Located, RuleSet, Scope};

use crate::syntax::ast::{Expr, ExprKind};
pub use expression::{CheckedExpression, EXPRESSION_NAME, check_expression};
use program::Definition;
pub use program::{Code, DefId, Program};
use types::{ExprChecker, Names};

/// What the checker tells a feature of the rule set: every definition declared, by scope
/// and name, with its type (also when another part of the rule set has errors).
pub struct Declared<'a> {
    /// The rule set checked.
    pub set: &'a RuleSet,
    definitions: &'a HashMap<(Scope, String), (DefId, Type)>,
}

impl Declared<'_> {
    /// The definition `name` of `scope`, with its type.
    pub fn definition(&self, scope: Scope, name: &str) -> Option<(DefId, &Type)> {
        self.definitions
            .get(&(scope, name.to_string()))
            .map(|(id, ty)| (*id, ty))
    }

    /// The names of `scope`'s definitions.
    pub fn names(&self, scope: Scope) -> impl Iterator<Item = &str> + Clone {
        self.definitions
            .keys()
            .filter(move |(s, _)| *s == scope)
            .map(|(_, n)| n.as_str())
    }
}

/// A feature with a section of its own in the rule files (a rule file's `mailings:`, the
/// schema's `why_not:`; see [`crate::rules::section`]): it reads and checks its section with
/// the rules, after their definitions, its diagnostics among theirs; the definitions it
/// uses are not "unused".
pub trait Feature {
    /// Reads and checks the feature's sections of the rule set (`declared.set.sections`),
    /// reporting into `diagnostics`; returns the definitions it uses.
    fn check(&mut self, declared: &Declared, diagnostics: &mut Vec<Diagnostic>) -> Vec<DefId>;
}

/// Checks a rule set with `features`; returns the program when there is no error, and
/// every diagnostic.
pub fn check(
    set: &RuleSet,
    features: &mut [&mut dyn Feature],
) -> (Option<Program>, Vec<Diagnostic>) {
    let mut checker = Checker::new(set);
    checker.schema();
    let files = checker.files();
    checker.declare_definitions();
    checker.compile_definitions();
    checker.compile_overrides();
    let outputs = checker.outputs();
    let mut used_by_features = Vec::new();
    for feature in features {
        let declared = Declared {
            set,
            definitions: &checker.names.definitions,
        };
        used_by_features.extend(feature.check(&declared, &mut checker.diagnostics));
    }
    checker.cycles();
    // With an error the definition graph is incomplete: "not used" would be a guess.
    if !set.incomplete && !checker.diagnostics.iter().any(Diagnostic::is_error) {
        checker.unused(&outputs, &used_by_features);
    }
    let Checker {
        diagnostics,
        definitions,
        ..
    } = checker;
    // A rule set that failed to load in part has no program, even where what remains checks.
    if set.incomplete || diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    let (member_outputs, record_outputs) = outputs;
    let program = Program {
        files,
        definitions: definitions.into_iter().flatten().collect(),
        member_outputs,
        record_outputs,
        enums: set.schema.enums.clone(),
        digest: digest(set),
    };
    (Some(program), diagnostics)
}

/// `sha256:` of every source file's rules-relative path and text, in load order: the same
/// rules give the same digest from any directory, copy or git revision.
fn digest(set: &RuleSet) -> String {
    let mut hasher = Sha256::new();
    for file in &set.files {
        hasher.update(file.name.as_bytes());
        hasher.update([0]);
        hasher.update(file.text.as_bytes());
        hasher.update([0]);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("sha256:{hex}")
}

struct Checker<'a> {
    set: &'a RuleSet,
    names: Names,
    diagnostics: Vec<Diagnostic>,
    /// Compiled definitions by id (`None` until compiled, or when compiling failed).
    definitions: Vec<Option<Definition>>,
    /// Definitions each definition reads (edges of the definition graph).
    references: Vec<Vec<DefId>>,
    /// Where each definition was declared: (rule file index, definition index).
    positions: Vec<(usize, usize)>,
    /// While an override is compiled: what `overridden` stands for in it.
    overriding: Option<types::Overriding>,
}

impl rules::Reports for Checker<'_> {
    fn rule_set(&self) -> &RuleSet {
        self.set
    }

    fn diagnostics(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.diagnostics
    }
}

impl<'a> Checker<'a> {
    /// A checker of `set` that has found nothing yet.
    fn new(set: &'a RuleSet) -> Self {
        Checker {
            set,
            names: Names::default(),
            diagnostics: Vec::new(),
            definitions: Vec::new(),
            references: Vec::new(),
            positions: Vec::new(),
            overriding: None,
        }
    }

    /// `name:line` of a place: rules-relative, as traces cite it.
    fn at(&self, pos: rules::Place) -> String {
        format!("{}:{}", self.set.files[pos.source].name, pos.line)
    }
}

/// The sub-expressions of `expr`.
fn children(expr: &Expr) -> Vec<&Expr> {
    match &expr.kind {
        ExprKind::List(items) | ExprKind::Call(_, items) => items.iter().collect(),
        ExprKind::Field(object, _) | ExprKind::Unary(_, object) => vec![object],
        ExprKind::Binary(_, left, right) => vec![left, right],
        ExprKind::In { value, list, .. } => vec![value, list],
        ExprKind::If(a, b, c) => vec![a, b, c],
        ExprKind::Aggregate(aggregate) => aggregate
            .value
            .iter()
            .chain(std::iter::once(&aggregate.source))
            .chain(&aggregate.filter)
            .collect(),
        _ => Vec::new(),
    }
}

/// An `outcome:` value: a member of the (element) type's enumeration.
fn outcome_constant(
    checker: &mut ExprChecker,
    outcome: &Located<String>,
    ty: &Type,
) -> Option<Code> {
    let width = outcome.value.chars().count();
    let Type::Enum(name) = ty.required() else {
        let at = checker.set.location(outcome.pos, width);
        let diagnostic = Diagnostic::error(
            DiagnosticCode::TypeMismatch,
            format!("`outcome:` gives a value of an enumeration, but this value has type `{ty}`"),
        )
        .at(at)
        .help("use `then:` with an expression");
        checker.diagnostics.push(diagnostic);
        return None;
    };
    checker
        .enum_member(|set| set.location(outcome.pos, width), name, &outcome.value)
        .then(|| Code::Const(crate::lang::Value::Text(outcome.value.as_str().into())))
}
