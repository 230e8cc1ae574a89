//! Expression checking: resolves names, checks types, narrows optionals, compiles to [`Code`].

mod calls;
mod operators;

use std::collections::HashMap;

use crate::data::{MemberField, RecordField, RequestField};
use crate::diag::{Diagnostic, DiagnosticCode};
use crate::lang::{Type, Value};
use crate::rules::{ExprSource, RuleSet, Scope};
use crate::suggest::{closest, did_you_mean};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Span, UnaryOp};

use crate::builtins::Param;
use crate::check::program::{Code, DefId, FieldUse};

/// The deepest expression tree the checker accepts (the evaluator recurses over it).
pub(crate) const MAX_TREE_DEPTH: usize = 200;

/// Every name an expression can use.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// Definitions by scope and name, with their types.
    pub definitions: HashMap<(Scope, String), (DefId, Type)>,
    /// Record fields the schema declares.
    pub record_fields: HashMap<String, (RecordField, Type)>,
    /// Member fields the schema declares.
    pub member_fields: HashMap<String, (MemberField, Type)>,
    /// Request fields the schema declares.
    pub request_fields: HashMap<String, (RequestField, Type)>,
    /// Enumerations.
    pub enums: HashMap<String, Vec<String>>,
}

/// What checking one expression found out.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    /// Every definition referenced, on any entity (edges of the definition graph).
    pub references: Vec<DefId>,
    /// Definitions of the entity being decided.
    pub uses: Vec<DefId>,
    /// Fields of the entity being decided.
    pub fields: Vec<FieldUse>,
    /// Whether `overridden` is read.
    pub overridden: bool,
}

/// What `overridden` stands for in an override: the amended definition's value without it.
#[derive(Debug, Clone)]
pub(crate) struct Overriding {
    /// The definition amended.
    pub definition: DefId,
    /// Its type.
    pub ty: Type,
    /// The override's priority.
    pub priority: i64,
    /// The override's rule file.
    pub file: usize,
    /// The definition collects a list (an override adds an element): `overridden` is
    /// refused there.
    pub collecting: bool,
}

/// Checks expressions of one clause.
pub(crate) struct ExprChecker<'a> {
    /// The rule set, for locations.
    pub set: &'a RuleSet,
    /// The names in scope.
    pub names: &'a Names,
    /// The scope of the definition being checked.
    pub scope: Scope,
    /// Where problems go.
    pub diagnostics: &'a mut Vec<Diagnostic>,
    /// What the clause reads.
    pub usage: Usage,
    /// In an override: what `overridden` stands for.
    pub overriding: Option<Overriding>,
}

/// Paths known to be present (narrowed from `T?` to `T`) and bound variables.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    present: Vec<String>,
    bound: Vec<(String, Type)>,
}

impl Facts {
    /// Adds the facts that hold when `expr` is true (`positive`) or false.
    pub(crate) fn learn(&mut self, expr: &Expr, positive: bool) {
        match (&expr.kind, positive) {
            (ExprKind::Binary(BinaryOp::Ne, left, right), true)
            | (ExprKind::Binary(BinaryOp::Eq, left, right), false) => {
                for (side, other) in [(left, right), (right, left)] {
                    if other.kind == ExprKind::Null
                        && let Some(path) = path_key(side)
                    {
                        self.present.push(path);
                    }
                }
            }
            (ExprKind::Binary(BinaryOp::And, left, right), true)
            | (ExprKind::Binary(BinaryOp::Or, left, right), false) => {
                self.learn(left, positive);
                self.learn(right, positive);
            }
            (ExprKind::Unary(UnaryOp::Not, inner), _) => self.learn(inner, !positive),
            _ => {}
        }
    }
}

/// `record.when` for a chain of fields on a variable; `None` for anything else.
fn path_key(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Var(name) => Some(name.clone()),
        ExprKind::Field(object, field) => path_key(object).map(|p| format!("{p}.{}", field.text)),
        _ => None,
    }
}

/// The language type of a built-in function's parameter or result.
fn param_type(param: Param) -> Type {
    match param {
        Param::Int => Type::Int,
        Param::Bool => Type::Bool,
        Param::Text => Type::Text,
        Param::Date => Type::Date,
        Param::OptionalDate => Type::Date.optional(),
    }
}

fn depth(expr: &Expr) -> usize {
    let children: Vec<&Expr> = match &expr.kind {
        ExprKind::List(items) | ExprKind::Call(_, items) => items.iter().collect(),
        ExprKind::Field(inner, _) | ExprKind::Unary(_, inner) => vec![inner],
        ExprKind::Binary(_, left, right) => vec![left, right],
        ExprKind::In { value, list, .. } => vec![value, list],
        ExprKind::If(a, b, c) => vec![a, b, c],
        ExprKind::Aggregate(aggregate) => [
            Some(&aggregate.source),
            aggregate.value.as_ref(),
            aggregate.filter.as_ref(),
        ]
        .into_iter()
        .flatten()
        .collect(),
        _ => Vec::new(),
    };
    1 + children.into_iter().map(depth).max().unwrap_or(0)
}

type Checked = Option<(Code, Type)>;

impl ExprChecker<'_> {
    /// Checks `source` expecting `expected` (when known), under `facts`.
    pub(crate) fn check(
        &mut self,
        source: &ExprSource,
        expected: Option<&Type>,
        facts: &Facts,
    ) -> Checked {
        if depth(&source.expr) > MAX_TREE_DEPTH {
            self.error(
                source,
                source.expr.span,
                DiagnosticCode::TooDeep,
                format!("expression nests deeper than {MAX_TREE_DEPTH} levels"),
                Some("split it into named definitions"),
            );
            return None;
        }
        let (code, ty) = self.expr(source, &source.expr, facts)?;
        match expected {
            Some(expected) => self.expect_type(source, &source.expr, code, ty, expected),
            None => Some((code, ty)),
        }
    }

    fn error(
        &mut self,
        source: &ExprSource,
        span: Span,
        code: DiagnosticCode,
        message: String,
        help: Option<&str>,
    ) {
        let mut diagnostic =
            Diagnostic::error(code, message).at(self.set.expr_location(source, span));
        diagnostic.help = help.map(str::to_string);
        self.diagnostics.push(diagnostic);
    }

    fn text_of(source: &ExprSource, span: Span) -> &str {
        source.text.get(span.start..span.end).unwrap_or("")
    }

    /// Accepts `ty` where `expected` is wanted: equal, `T` for `T?`, `null` for `T?`, a string literal for an enum.
    fn expect_type(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        code: Code,
        ty: Type,
        expected: &Type,
    ) -> Checked {
        if let Some(code) = self.coerce(source, expr, code, &ty, expected) {
            return Some((code, expected.clone()));
        }
        let help = if ty.is_optional() && !expected.is_optional() {
            Some(
                "the value may be missing: write `… ?? <default>`, or test `… == null` in an earlier row",
            )
        } else if *expected == Type::Bool {
            Some("a condition is true or false: compare the value, e.g. `… > 0` or `… == \"…\"`")
        } else {
            Some("write an expression of the expected type, or change the definition's `type:`")
        };
        self.error(
            source,
            expr.span,
            DiagnosticCode::TypeMismatch,
            format!(
                "`{}` has type `{ty}`, expected `{expected}`",
                Self::text_of(source, expr.span)
            ),
            help,
        );
        None
    }

    /// Converts `code` of type `ty` to `expected` when the language allows it implicitly.
    fn coerce(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        code: Code,
        ty: &Type,
        expected: &Type,
    ) -> Option<Code> {
        if ty == expected || (*ty == Type::Null && expected.is_optional()) {
            return Some(code);
        }
        if let Type::Optional(inner) = expected
            && (**inner == *ty || (*ty == Type::Text && matches!(**inner, Type::Enum(_))))
        {
            return self.coerce(source, expr, code, ty, inner);
        }
        if let (Type::Text, Type::Enum(name)) = (ty, expected)
            && let Code::Const(Value::Text(text)) = &code
        {
            self.enum_member(|set| set.expr_location(source, expr.span), name, text);
            return Some(code);
        }
        None
    }

    /// Reports a string that is not a value of enumeration `name`.
    /// `at` places the error; it is computed only when there is one (checking is hot).
    pub(crate) fn enum_member(
        &mut self,
        at: impl FnOnce(&RuleSet) -> crate::diag::Location,
        name: &str,
        value: &str,
    ) -> bool {
        let values = self
            .names
            .enums
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if values.iter().any(|v| v == value) {
            return true;
        }
        let help = did_you_mean(value, values.iter().map(String::as_str))
            .unwrap_or_else(|| format!("`{name}` is one of: {}", values.join(", ")));
        let diagnostic = Diagnostic::error(
            DiagnosticCode::UnknownOutcome,
            format!("`{value}` is not a value of `{name}`"),
        )
        .at(at(self.set))
        .help(help);
        self.diagnostics.push(diagnostic);
        false
    }

    fn expr(&mut self, source: &ExprSource, expr: &Expr, facts: &Facts) -> Checked {
        let checked = match &expr.kind {
            ExprKind::Int(value) => (Code::Const(Value::Int(*value)), Type::Int),
            ExprKind::Str(text) => (Code::Const(Value::Text(text.as_str().into())), Type::Text),
            ExprKind::Bool(value) => (Code::Const(Value::Bool(*value)), Type::Bool),
            ExprKind::Date(date) => (Code::Const(Value::Date(*date)), Type::Date),
            ExprKind::Null => (Code::Const(Value::Missing), Type::Null),
            ExprKind::List(_) => {
                self.error(
                    source,
                    expr.span,
                    DiagnosticCode::ListOutsideIn,
                    "a list is only allowed after `in`".into(),
                    Some("write `value in [a, b]`"),
                );
                return None;
            }
            ExprKind::Var(name) => {
                let (code, ty) = self.variable(source, expr, name, facts)?;
                self.narrowed(expr, code, ty, facts)
            }
            ExprKind::Field(object, field) => {
                let (object_code, object_type) = self.expr(source, object, facts)?;
                let (code, ty) =
                    self.field(source, object_code, &object_type, &field.text, field.span)?;
                self.narrowed(expr, code, ty, facts)
            }
            ExprKind::Unary(UnaryOp::Not, inner) => {
                let (code, _) = self.operand(source, inner, &Type::Bool, facts)?;
                (Code::Not(Box::new(code)), Type::Bool)
            }
            ExprKind::Unary(UnaryOp::Negate, inner) => {
                let (code, _) = self.operand(source, inner, &Type::Int, facts)?;
                (Code::Negate(Box::new(code)), Type::Int)
            }
            ExprKind::Binary(op, left, right) => {
                self.binary(source, expr, *op, left, right, facts)?
            }
            ExprKind::In {
                value,
                list,
                negated,
            } => self.membership(source, value, list, *negated, facts)?,
            ExprKind::If(condition, then, otherwise) => {
                let condition_checked = self.operand(source, condition, &Type::Bool, facts);
                let mut when_true = facts.clone();
                when_true.learn(condition, true);
                let mut when_false = facts.clone();
                when_false.learn(condition, false);
                let then = self.expr(source, then, &when_true);
                let otherwise = self.expr(source, otherwise, &when_false);
                let (condition_code, _) = condition_checked?;
                let ((then_code, then_type), (else_code, else_type)) = (then?, otherwise?);
                let ty = self.unify(source, expr, &then_type, &else_type)?;
                (
                    Code::If(
                        Box::new(condition_code),
                        Box::new(then_code),
                        Box::new(else_code),
                    ),
                    ty,
                )
            }
            ExprKind::Call(function, arguments) => self.call(
                source,
                expr,
                &function.text,
                function.span,
                arguments,
                facts,
            )?,
            ExprKind::Aggregate(aggregate) => self.aggregate(source, expr, aggregate, facts)?,
        };
        Some(checked)
    }

    /// The type of a path narrowed by an earlier `!= null` test.
    fn narrowed(&self, expr: &Expr, code: Code, ty: Type, facts: &Facts) -> (Code, Type) {
        match (&ty, path_key(expr)) {
            (Type::Optional(inner), Some(path)) if facts.present.contains(&path) => {
                (code, (**inner).clone())
            }
            _ => (code, ty),
        }
    }

    fn operand(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        expected: &Type,
        facts: &Facts,
    ) -> Checked {
        let (code, ty) = self.expr(source, expr, facts)?;
        self.expect_type(source, expr, code, ty, expected)
    }

    fn variable(&mut self, source: &ExprSource, expr: &Expr, name: &str, facts: &Facts) -> Checked {
        if let Some(position) = facts.bound.iter().rposition(|(bound, _)| bound == name) {
            return Some((Code::Bound(position), facts.bound[position].1.clone()));
        }
        match (name, self.scope) {
            ("record", Scope::Record) => Some((Code::This, Type::Record)),
            ("member", Scope::Member) => Some((Code::This, Type::Member)),
            ("as_of", _) => Some((Code::AsOf, Type::Date)),
            ("overridden", _) => self.overridden(source, expr),
            ("request", _) => Some((Code::Const(Value::Request), Type::Request)),
            ("record", Scope::Member) | ("member", Scope::Record) => {
                let help = if name == "record" {
                    "a member definition sees its records through `member.received` and `member.given`"
                } else {
                    "a record definition sees its members as `record.assurer` and `record.assuree`"
                };
                self.error(
                    source,
                    expr.span,
                    DiagnosticCode::WrongScope,
                    format!(
                        "`{name}` is not available in a {} definition",
                        self.scope.name()
                    ),
                    Some(help),
                );
                None
            }
            _ => {
                let mut candidates: Vec<&str> = vec!["as_of", "request", self.scope.name()];
                candidates.extend(facts.bound.iter().map(|(n, _)| n.as_str()));
                let help = did_you_mean(name, candidates).unwrap_or_else(|| {
                    format!(
                        "names start from `{}`, `as_of` or `request`",
                        self.scope.name()
                    )
                });
                self.error(
                    source,
                    expr.span,
                    DiagnosticCode::UnknownName,
                    format!("unknown name `{name}`"),
                    Some(&help),
                );
                None
            }
        }
    }

    /// `overridden`: in an override of a value or `cases:` definition, that definition's
    /// value as if this override were not there.
    fn overridden(&mut self, source: &ExprSource, expr: &Expr) -> Checked {
        let refusal = match &self.overriding {
            Some(overriding) if !overriding.collecting => {
                self.usage.overridden = true;
                return Some((
                    Code::Overridden {
                        definition: overriding.definition,
                        priority: overriding.priority,
                        file: overriding.file,
                    },
                    overriding.ty.clone(),
                ));
            }
            Some(_) => (
                "`overridden` has no meaning in an override of a `collect:` definition",
                "such an override adds one element to the list; write the element",
            ),
            None => (
                "`overridden` is only available in an override",
                "in an override's `when:` or `then:` it is the value the definition would have without the override",
            ),
        };
        self.error(
            source,
            expr.span,
            DiagnosticCode::OverriddenOutsideOverride,
            refusal.0.to_string(),
            Some(refusal.1),
        );
        None
    }

    fn field(
        &mut self,
        source: &ExprSource,
        object: Code,
        object_type: &Type,
        name: &str,
        span: Span,
    ) -> Checked {
        let is_this = object == Code::This;
        let (scope, object_name) = match object_type {
            Type::Record => (Some(Scope::Record), "record"),
            Type::Member => (Some(Scope::Member), "member"),
            Type::Request => (None, "request"),
            other => {
                self.error(
                    source,
                    span,
                    DiagnosticCode::NoFields,
                    format!("`{name}` is not a field: a value of type `{other}` has no fields"),
                    None,
                );
                return None;
            }
        };
        let names = self.names;
        match object_type {
            Type::Record => {
                if let Some((field, ty)) = names.record_fields.get(name) {
                    if is_this {
                        self.usage
                            .fields
                            .push(FieldUse::Record(*field, name.to_string()));
                    }
                    return Some((Code::RecordField(Box::new(object), *field), ty.clone()));
                }
            }
            Type::Member => {
                if let Some((field, ty)) = names.member_fields.get(name) {
                    if is_this {
                        self.usage
                            .fields
                            .push(FieldUse::Member(*field, name.to_string()));
                    }
                    return Some((Code::MemberField(Box::new(object), *field), ty.clone()));
                }
            }
            _ => {
                if let Some((field, ty)) = names.request_fields.get(name) {
                    return Some((Code::Request(*field), ty.clone()));
                }
            }
        }
        if let Some(scope) = scope
            && let Some((id, ty)) = names.definitions.get(&(scope, name.to_string()))
        {
            self.usage.references.push(*id);
            if is_this {
                self.usage.uses.push(*id);
            }
            return Some((Code::Definition(Box::new(object), *id), ty.clone()));
        }
        if self.set.names_missing {
            // The name may be defined in a part that failed to load (already reported).
            return None;
        }
        let mut candidates: Vec<&str> = match object_type {
            Type::Record => names.record_fields.keys().map(String::as_str).collect(),
            Type::Member => names.member_fields.keys().map(String::as_str).collect(),
            _ => names.request_fields.keys().map(String::as_str).collect(),
        };
        if let Some(scope) = scope {
            candidates.extend(
                names
                    .definitions
                    .keys()
                    .filter(|(s, _)| *s == scope)
                    .map(|(_, n)| n.as_str()),
            );
        }
        candidates.sort_unstable();
        let help = closest(name, candidates.iter().copied())
            .map(|candidate| format!("did you mean `{object_name}.{candidate}`?"))
            .unwrap_or_else(|| {
                format!("declare it in `rules/schema.yaml` or define it with `for: {object_name}`")
            });
        self.error(
            source,
            span,
            DiagnosticCode::UnknownField,
            format!("unknown field `{object_name}.{name}`"),
            Some(&help),
        );
        None
    }

    fn unify(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        left: &Type,
        right: &Type,
    ) -> Option<Type> {
        let unified = match (left, right) {
            _ if left == right => Some(left.clone()),
            (Type::Null, other) | (other, Type::Null) => Some(other.clone().optional()),
            (Type::Optional(inner), other) | (other, Type::Optional(inner))
                if **inner == *other =>
            {
                Some(left.clone().optional())
            }
            (Type::Enum(_), Type::Text) => Some(left.clone()),
            (Type::Text, Type::Enum(_)) => Some(right.clone()),
            _ => None,
        };
        if unified.is_none() {
            self.error(
                source,
                expr.span,
                DiagnosticCode::TypeMismatch,
                format!("the branches have different types, `{left}` and `{right}`"),
                None,
            );
        }
        unified
    }
}
