//! Expression checking: calls of built-in functions (`min`/`max`, `format` and the rest)
//! and aggregations over a member's records.

use crate::builtins::{BUILTINS, BuiltinId, Signature};
use crate::check::program::{AggregateCode, Code};
use crate::diag::DiagnosticCode;
use crate::lang::{Type, Value};
use crate::rules::ExprSource;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{AggregateKind, Expr, ExprKind, Span};
use crate::words::counted;

use super::{Checked, ExprChecker, Facts, param_type};

impl ExprChecker<'_> {
    pub(super) fn call(
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
                DiagnosticCode::UnknownFunction,
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
                DiagnosticCode::Arity,
                format!(
                    "`{name}` takes {}, not {}",
                    counted(parameters.len(), "argument"),
                    arguments.len()
                ),
                Some(&format!("`{name}{}`", builtin.spec().signature.describe())),
            );
            return None;
        }
        // Every argument is checked, so that one run reports the errors of each.
        let checked: Vec<Checked> = arguments
            .iter()
            .zip(&parameters)
            .map(|(argument, parameter)| self.operand(source, argument, parameter, facts))
            .collect();
        let codes = checked
            .into_iter()
            .map(|argument| argument.map(|(code, _)| code))
            .collect::<Option<Vec<_>>>()?;
        Some((Code::Call(builtin, codes), result))
    }

    /// `min(a, b)` / `max(a, b)`: two integers or two dates, each argument checked once.
    pub(super) fn min_max(
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
                DiagnosticCode::Arity,
                format!("`{name}` takes 2 arguments, not {}", arguments.len()),
                Some(&format!(
                    "write `{name}(a, b)`; for more values nest calls: `{name}(a, {name}(b, c))`"
                )),
            );
            return None;
        };
        let Some((first_code, first_type)) = self.expr(source, first, facts) else {
            // The second argument's own errors are still worth a report.
            let _ = self.expr(source, second, facts);
            return None;
        };
        let ty = if matches!(first_type, Type::Date) {
            Type::Date
        } else {
            Type::Int
        };
        let (first_code, _) = self.expect_type(source, first, first_code, first_type, &ty)?;
        let (second_code, _) = self.operand(source, second, &ty, facts)?;
        Some((Code::Call(builtin, vec![first_code, second_code]), ty))
    }

    pub(super) fn format(
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
                DiagnosticCode::Arity,
                "`format` takes a template and the values for its `{}`".into(),
                None,
            );
            return None;
        };
        let ExprKind::Str(template_text) = &template.kind else {
            self.error(
                source,
                template.span,
                DiagnosticCode::FormatTemplate,
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
                DiagnosticCode::Arity,
                format!(
                    "the template has {holes} `{{}}` but {} given",
                    match values.len() {
                        1 => "1 value is".to_string(),
                        n => format!("{n} values are"),
                    }
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
                    DiagnosticCode::TypeMismatch,
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

    pub(super) fn aggregate(
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
                DiagnosticCode::TypeMismatch,
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
                    DiagnosticCode::Aggregation,
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
