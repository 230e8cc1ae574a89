//! Expression checking: resolves names, checks types, narrows optionals, compiles to [`Code`].

use std::collections::HashMap;

use crate::data::{MemberField, RecordField, RequestField};
use crate::diag::Diagnostic;
use crate::lang::{Type, Value};
use crate::rules::{ExprSource, RuleSet, Scope};
use crate::suggest::{closest, did_you_mean};
use crate::syntax::ast::{AggregateKind, BinaryOp, Expr, ExprKind, Span, UnaryOp};

use super::program::{AggregateCode, Arith, Code, Compare, DefId, FieldUse};
use crate::builtins::{BUILTINS, BuiltinId, Param, Signature};

/// The deepest expression tree the checker accepts (the evaluator recurses over it).
pub const MAX_TREE_DEPTH: usize = 200;

/// Every name an expression can use.
#[derive(Debug, Default)]
pub struct Names {
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
pub struct Usage {
    /// Every definition referenced, on any entity (edges of the definition graph).
    pub references: Vec<DefId>,
    /// Definitions of the entity being decided.
    pub uses: Vec<DefId>,
    /// Fields of the entity being decided.
    pub fields: Vec<FieldUse>,
}

/// Checks expressions of one clause.
pub struct ExprChecker<'a> {
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
}

/// Paths known to be present (narrowed from `T?` to `T`) and bound variables.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    present: Vec<String>,
    bound: Vec<(String, Type)>,
}

impl Facts {
    /// Adds the facts that hold when `expr` is true (`positive`) or false.
    pub fn learn(&mut self, expr: &Expr, positive: bool) {
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
    pub fn check(
        &mut self,
        source: &ExprSource,
        expected: Option<&Type>,
        facts: &Facts,
    ) -> Checked {
        if depth(&source.expr) > MAX_TREE_DEPTH {
            self.error(
                source,
                source.expr.span,
                "too-deep",
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
        code: &'static str,
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
            "type-mismatch",
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
    pub fn enum_member(
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
            "unknown-outcome",
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
                    "list-outside-in",
                    "a list is only allowed after `in`".into(),
                    Some("write `value in [a, b]`"),
                );
                return None;
            }
            ExprKind::Var(name) => self.variable(source, expr, name, facts)?,
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
                let (condition_code, _) = self.operand(source, condition, &Type::Bool, facts)?;
                let mut when_true = facts.clone();
                when_true.learn(condition, true);
                let mut when_false = facts.clone();
                when_false.learn(condition, false);
                let then = self.expr(source, then, &when_true);
                let otherwise = self.expr(source, otherwise, &when_false);
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
                    "wrong-scope",
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
                    "unknown-name",
                    format!("unknown name `{name}`"),
                    Some(&help),
                );
                None
            }
        }
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
                    "no-fields",
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
            "unknown-field",
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
                "type-mismatch",
                format!("the branches have different types, `{left}` and `{right}`"),
                None,
            );
        }
        unified
    }

    fn binary(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        facts: &Facts,
    ) -> Checked {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let (left_code, _) = self.operand(source, left, &Type::Bool, facts)?;
                let mut right_facts = facts.clone();
                right_facts.learn(left, op == BinaryOp::And);
                let (right_code, _) = self.operand(source, right, &Type::Bool, &right_facts)?;
                let code = if op == BinaryOp::And {
                    Code::And(Box::new(left_code), Box::new(right_code))
                } else {
                    Code::Or(Box::new(left_code), Box::new(right_code))
                };
                Some((code, Type::Bool))
            }
            BinaryOp::Coalesce => {
                let (left_code, left_type) = self.expr(source, left, facts)?;
                if !left_type.is_optional() {
                    self.error(
                        source,
                        left.span,
                        "never-missing",
                        format!(
                            "`{}` is never missing: `??` has no effect",
                            Self::text_of(source, left.span)
                        ),
                        Some("remove `?? …`"),
                    );
                    return None;
                }
                let wanted = left_type.required().clone();
                let (right_code, right_type) = self.expr(source, right, facts)?;
                let result_type = if right_type.is_optional() {
                    wanted.clone().optional()
                } else {
                    wanted.clone()
                };
                let right_code =
                    match self.coerce(source, right, right_code.clone(), &right_type, &result_type)
                    {
                        Some(code) => code,
                        None => {
                            self.error(
                                source,
                                right.span,
                                "type-mismatch",
                                format!(
                                    "`{}` has type `{right_type}`, expected `{wanted}`",
                                    Self::text_of(source, right.span)
                                ),
                                None,
                            );
                            return None;
                        }
                    };
                Some((
                    Code::Coalesce(Box::new(left_code), Box::new(right_code)),
                    result_type,
                ))
            }
            BinaryOp::Eq => self.comparison(source, expr, Compare::Eq, left, right, facts),
            BinaryOp::Ne => self.comparison(source, expr, Compare::Ne, left, right, facts),
            BinaryOp::Lt => self.comparison(source, expr, Compare::Lt, left, right, facts),
            BinaryOp::Le => self.comparison(source, expr, Compare::Le, left, right, facts),
            BinaryOp::Gt => self.comparison(source, expr, Compare::Gt, left, right, facts),
            BinaryOp::Ge => self.comparison(source, expr, Compare::Ge, left, right, facts),
            BinaryOp::Add => self.arithmetic(source, Arith::Add, left, right, facts),
            BinaryOp::Sub => self.arithmetic(source, Arith::Sub, left, right, facts),
            BinaryOp::Mul => self.arithmetic(source, Arith::Mul, left, right, facts),
            BinaryOp::Div => self.arithmetic(source, Arith::Div, left, right, facts),
            BinaryOp::Rem => self.arithmetic(source, Arith::Rem, left, right, facts),
        }
    }

    /// Integer arithmetic; `+` with a text on the left joins texts.
    fn arithmetic(
        &mut self,
        source: &ExprSource,
        arith: Arith,
        left: &Expr,
        right: &Expr,
        facts: &Facts,
    ) -> Checked {
        let (left_code, left_type) = self.expr(source, left, facts)?;
        if arith == Arith::Add && left_type == Type::Text {
            let (right_code, _) = self.operand(source, right, &Type::Text, facts)?;
            return Some((
                Code::Arith(Arith::Concat, Box::new(left_code), Box::new(right_code)),
                Type::Text,
            ));
        }
        let (left_code, _) = self.expect_type(source, left, left_code, left_type, &Type::Int)?;
        let (right_code, _) = self.operand(source, right, &Type::Int, facts)?;
        Some((
            Code::Arith(arith, Box::new(left_code), Box::new(right_code)),
            Type::Int,
        ))
    }

    fn comparison(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        compare: Compare,
        left: &Expr,
        right: &Expr,
        facts: &Facts,
    ) -> Checked {
        let (left_code, left_type) = self.expr(source, left, facts)?;
        let (right_code, right_type) = self.expr(source, right, facts)?;
        let equality = matches!(compare, Compare::Eq | Compare::Ne);
        let ordered = |t: &Type| matches!(t, Type::Int | Type::Date | Type::Text);
        let enum_name = |t: &Type| match t.required() {
            Type::Enum(name) => Some(name.clone()),
            _ => None,
        };
        let comparable = if let (true, Some(name), Type::Text) =
            (equality, enum_name(&left_type), &right_type)
        {
            self.literal_in_enum(source, right, &right_code, &name)?
        } else if let (true, Type::Text, Some(name)) =
            (equality, &left_type, enum_name(&right_type))
        {
            self.literal_in_enum(source, left, &left_code, &name)?
        } else {
            match (&left_type, &right_type) {
                (Type::Null, other) | (other, Type::Null) => equality && other.is_optional(),
                (l, r) if equality => {
                    l.required() == r.required()
                        && !matches!(l.required(), Type::Records | Type::Request | Type::List(_))
                }
                (l, r) => l == r && ordered(l),
            }
        };
        if !comparable {
            let help = if !equality && (left_type.is_optional() || right_type.is_optional()) {
                "the value may be missing: test `… != null and …` first, or write `… ?? <default>`"
                    .to_string()
            } else if matches!((&left_type, &right_type), (Type::Null, _) | (_, Type::Null)) {
                "this value is never missing: remove the test".to_string()
            } else {
                "compare values of the same type".to_string()
            };
            self.error(
                source,
                expr.span,
                "type-mismatch",
                format!(
                    "cannot compare `{left_type}` with `{right_type}` using `{}`",
                    compare.symbol()
                ),
                Some(&help),
            );
            return None;
        }
        Some((
            Code::Compare(compare, Box::new(left_code), Box::new(right_code)),
            Type::Bool,
        ))
    }

    /// A text operand compared with an enumeration must be a literal value of it.
    fn literal_in_enum(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        code: &Code,
        name: &str,
    ) -> Option<bool> {
        match code {
            Code::Const(Value::Text(text)) => self
                .enum_member(|set| set.expr_location(source, expr.span), name, text)
                .then_some(true),
            _ => Some(false),
        }
    }

    fn membership(
        &mut self,
        source: &ExprSource,
        value: &Expr,
        list: &Expr,
        negated: bool,
        facts: &Facts,
    ) -> Checked {
        let (value_code, value_type) = self.expr(source, value, facts)?;
        let ExprKind::List(items) = &list.kind else {
            self.error(
                source,
                list.span,
                "in-needs-list",
                "`in` needs a literal list `[a, b, …]`".into(),
                None,
            );
            return None;
        };
        let mut constants = Vec::with_capacity(items.len());
        for item in items {
            let (code, ty) = self.expr(source, item, facts)?;
            let Code::Const(constant) = &code else {
                self.error(
                    source,
                    item.span,
                    "in-needs-list",
                    "the list after `in` holds only literal values".into(),
                    None,
                );
                return None;
            };
            let constant = constant.clone();
            self.coerce(source, item, code, &ty, value_type.required())
                .or_else(|| {
                    self.error(
                        source,
                        item.span,
                        "type-mismatch",
                        format!(
                            "`{}` has type `{ty}`, the value tested has type `{value_type}`",
                            Self::text_of(source, item.span)
                        ),
                        None,
                    );
                    None
                })?;
            constants.push(constant);
        }
        Some((
            Code::In(Box::new(value_code), constants, negated),
            Type::Bool,
        ))
    }

    fn call(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        name: &str,
        name_span: Span,
        arguments: &[Expr],
        facts: &Facts,
    ) -> Checked {
        let Some(builtin) = BuiltinId::lookup(name) else {
            let names = BUILTINS.iter().map(|b| b.name);
            let help = did_you_mean(name, names.clone()).unwrap_or_else(|| {
                format!(
                    "the functions are: {} (`wotrules functions` lists them)",
                    names.collect::<Vec<_>>().join(", ")
                )
            });
            self.error(
                source,
                name_span,
                "unknown-function",
                format!("unknown function `{name}`"),
                Some(&help),
            );
            return None;
        };
        let (parameters, result) = match builtin.spec().signature {
            Signature::TwoOrdered => {
                return self.min_max(source, expr, builtin, name, arguments, facts);
            }
            Signature::Template => return self.format(source, expr, builtin, arguments, facts),
            Signature::Fixed(parameters, result) => (parameters, result),
        };
        let parameters: Vec<Type> = parameters.iter().map(|p| param_type(*p)).collect();
        let result = param_type(result);
        if arguments.len() != parameters.len() {
            self.error(
                source,
                expr.span,
                "arity",
                format!(
                    "`{name}` takes {} argument(s), not {}",
                    parameters.len(),
                    arguments.len()
                ),
                Some(&format!("`{name}{}`", builtin.spec().signature.describe())),
            );
            return None;
        }
        let mut codes = Vec::with_capacity(arguments.len());
        for (argument, parameter) in arguments.iter().zip(&parameters) {
            codes.push(self.operand(source, argument, parameter, facts)?.0);
        }
        Some((Code::Call(builtin, codes), result))
    }

    /// `min(a, b)` / `max(a, b)`: two integers or two dates, each argument checked once.
    fn min_max(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        builtin: BuiltinId,
        name: &str,
        arguments: &[Expr],
        facts: &Facts,
    ) -> Checked {
        let [first, second] = arguments else {
            self.error(
                source,
                expr.span,
                "arity",
                format!("`{name}` takes 2 argument(s), not {}", arguments.len()),
                Some(&format!(
                    "write `{name}(a, b)`; for more values nest calls: `{name}(a, {name}(b, c))`"
                )),
            );
            return None;
        };
        let (first_code, first_type) = self.expr(source, first, facts)?;
        let ty = if matches!(first_type, Type::Date) {
            Type::Date
        } else {
            Type::Int
        };
        let (first_code, _) = self.expect_type(source, first, first_code, first_type, &ty)?;
        let (second_code, _) = self.operand(source, second, &ty, facts)?;
        Some((Code::Call(builtin, vec![first_code, second_code]), ty))
    }

    fn format(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        builtin: BuiltinId,
        arguments: &[Expr],
        facts: &Facts,
    ) -> Checked {
        let Some((template, values)) = arguments.split_first() else {
            self.error(
                source,
                expr.span,
                "arity",
                "`format` takes a template and the values for its `{}`".into(),
                None,
            );
            return None;
        };
        let ExprKind::Str(template_text) = &template.kind else {
            self.error(
                source,
                template.span,
                "format-template",
                "the template of `format` must be a string literal".into(),
                None,
            );
            return None;
        };
        let holes = template_text.matches("{}").count();
        if holes != values.len() {
            self.error(
                source,
                expr.span,
                "arity",
                format!(
                    "the template has {holes} `{{}}` but {} value(s) are given",
                    values.len()
                ),
                None,
            );
            return None;
        }
        let mut codes = vec![Code::Const(Value::Text(template_text.as_str().into()))];
        for value in values {
            let (code, ty) = self.expr(source, value, facts)?;
            if !matches!(ty, Type::Int | Type::Text | Type::Date | Type::Enum(_)) {
                let help = if ty.is_optional() {
                    "the value may be missing: write `… ?? <default>`"
                } else {
                    "format takes integers, text and dates"
                };
                self.error(
                    source,
                    value.span,
                    "type-mismatch",
                    format!(
                        "`{}` of type `{ty}` cannot be formatted",
                        Self::text_of(source, value.span)
                    ),
                    Some(help),
                );
                return None;
            }
            codes.push(code);
        }
        Some((Code::Call(builtin, codes), Type::Text))
    }

    fn aggregate(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        aggregate: &crate::syntax::ast::Aggregate,
        facts: &Facts,
    ) -> Checked {
        let (source_code, source_type) = self.expr(source, &aggregate.source, facts)?;
        if source_type != Type::Records {
            self.error(
                source,
                aggregate.source.span,
                "type-mismatch",
                format!(
                    "`{}` has type `{source_type}`, an aggregation needs records",
                    Self::text_of(source, aggregate.source.span)
                ),
                Some("aggregate over `member.received` or `member.given`"),
            );
            return None;
        }
        let mut inner = facts.clone();
        inner
            .bound
            .push((aggregate.variable.text.clone(), Type::Record));
        let filter = match &aggregate.filter {
            Some(filter) => {
                let code = self.operand(source, filter, &Type::Bool, &inner)?.0;
                inner.learn(filter, true);
                Some(code)
            }
            None => None,
        };
        let kind = aggregate.kind;
        let value = match &aggregate.value {
            Some(value) => Some(self.expr(source, value, &inner)?),
            None => None,
        };
        let result = match (kind, &value) {
            (AggregateKind::Count | AggregateKind::Any, None) => {
                if kind == AggregateKind::Count {
                    Type::Int
                } else {
                    Type::Bool
                }
            }
            (AggregateKind::CountDistinct, Some((_, ty))) if !ty.is_optional() => Type::Int,
            (AggregateKind::Sum, Some((_, Type::Int))) => Type::Int,
            (AggregateKind::Min | AggregateKind::Max, Some((_, ty @ (Type::Int | Type::Date)))) => {
                ty.clone().optional()
            }
            (AggregateKind::Any | AggregateKind::All, Some((_, Type::Bool))) => Type::Bool,
            (AggregateKind::Lines, Some((_, Type::Text))) => Type::Text,
            _ => {
                let wanted = match kind {
                    AggregateKind::Count => "`count(r in …)` takes no value",
                    AggregateKind::CountDistinct => {
                        "`count_distinct(<value> for r in …)` needs a value that is never missing"
                    }
                    AggregateKind::Sum => "`sum(<int> for r in …)` needs an integer value",
                    AggregateKind::Min | AggregateKind::Max => {
                        "`min`/`max(<int or date> for r in …)` need an integer or date value"
                    }
                    AggregateKind::Any => "`any(r in … where …)` or `any(<bool> for r in …)`",
                    AggregateKind::All => "`all(<bool> for r in …)` needs a boolean value",
                    AggregateKind::Lines => {
                        "`lines(<text> for r in …)` needs a text value that is never missing"
                    }
                };
                self.error(
                    source,
                    expr.span,
                    "aggregation",
                    format!("wrong form of `{}`", kind.name()),
                    Some(wanted),
                );
                return None;
            }
        };
        let code = AggregateCode {
            kind,
            source: source_code,
            filter,
            value: value.map(|(code, _)| code),
        };
        Some((Code::Aggregate(Box::new(code)), result))
    }
}
