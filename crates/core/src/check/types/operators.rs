//! Expression checking: operators — arithmetic, comparisons, `in`, `and`/`or` and `??`.

use crate::check::program::{Arith, Code, Compare};
use crate::diag::DiagnosticCode;
use crate::lang::{Type, Value};
use crate::rules::ExprSource;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind};

use super::{Checked, ExprChecker, Facts};

impl ExprChecker<'_> {
    pub(super) fn binary(
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
                // Both sides are checked, so that one run reports the errors of both.
                let left_checked = self.operand(source, left, &Type::Bool, facts);
                let mut right_facts = facts.clone();
                right_facts.learn(left, op == BinaryOp::And);
                let right_checked = self.operand(source, right, &Type::Bool, &right_facts);
                let ((left_code, _), (right_code, _)) = (left_checked?, right_checked?);
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
                        DiagnosticCode::NeverMissing,
                        format!(
                            "`{}` is never missing: `??` has no effect",
                            Self::text_of(source, left.span)
                        ),
                        Some("remove `?? …`"),
                    );
                    return None;
                }
                let (right_code, right_type) = self.expr(source, right, facts)?;
                // `null ?? x` is x: the literal `null` has no type of its own to keep.
                let wanted = match left_type {
                    Type::Null => right_type.required().clone(),
                    _ => left_type.required().clone(),
                };
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
                                DiagnosticCode::TypeMismatch,
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
    pub(super) fn arithmetic(
        &mut self,
        source: &ExprSource,
        arith: Arith,
        left: &Expr,
        right: &Expr,
        facts: &Facts,
    ) -> Checked {
        let Some((left_code, left_type)) = self.expr(source, left, facts) else {
            // The right side's own errors are still worth a report.
            let _ = self.expr(source, right, facts);
            return None;
        };
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

    pub(super) fn comparison(
        &mut self,
        source: &ExprSource,
        expr: &Expr,
        compare: Compare,
        left: &Expr,
        right: &Expr,
        facts: &Facts,
    ) -> Checked {
        let left_checked = self.expr(source, left, facts);
        let right_checked = self.expr(source, right, facts);
        let ((left_code, left_type), (right_code, right_type)) = (left_checked?, right_checked?);
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
            let has_date = [&left_type, &right_type]
                .iter()
                .any(|t| t.required() == &Type::Date);
            let quoted_date = [&left_code, &right_code]
                .into_iter()
                .find_map(|code| match code {
                    Code::Const(Value::Text(text))
                        if has_date && text.parse::<chrono::NaiveDate>().is_ok() =>
                    {
                        Some(text.clone())
                    }
                    _ => None,
                });
            let help = if let Some(date) = quoted_date {
                format!("a date is written without quotes: `{date}`, not `\"{date}\"`")
            } else if !equality && (left_type.is_optional() || right_type.is_optional()) {
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
                DiagnosticCode::TypeMismatch,
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
    pub(super) fn literal_in_enum(
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

    pub(super) fn membership(
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
                DiagnosticCode::InNeedsList,
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
                    DiagnosticCode::InNeedsList,
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
                        DiagnosticCode::TypeMismatch,
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
}
