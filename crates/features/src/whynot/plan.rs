//! Why not: the schema's `why_not`, checked with the rules — the kinds of change a
//! counterfactual may make to a member's data, each with the clause that allows it.

use wotrules_core::check::{Declared, DefId, Feature};
use wotrules_core::diag::{Diagnostic, DiagnosticCode};
use wotrules_core::lang::{Scope, Type, Value};
use wotrules_core::rules::Located;

use super::format::written_kinds;

/// The changes a counterfactual ("why not") may make to a member's data, each with the
/// clause that makes it possible.
#[derive(Debug, Clone, Default)]
pub struct WhyNotPlan {
    /// New records the member could receive: method, points each, at most how many.
    pub receive: Option<(String, i64, usize, String)>,
    /// The member could pass CATS (cite).
    pub cats: Option<String>,
    /// A record whose output (`DefId`, record scope) has this value may be repaired: it then
    /// counts the points of the second output (an integer, possibly missing).
    pub repair: Option<(DefId, Value, DefId, String)>,
}

impl Feature for WhyNotPlan {
    fn check(&mut self, declared: &Declared, diagnostics: &mut Vec<Diagnostic>) -> Vec<DefId> {
        let set = declared.set;
        for (kind, settings) in &written_kinds(set, diagnostics) {
            let get = |key: &str| settings.iter().find(|(k, _)| k == key).map(|(_, v)| v);
            let Some(cite) = get("cite") else {
                continue;
            };
            match kind.value.as_str() {
                "receive" => {
                    let (Some(method), Some(points), Some(most)) =
                        (get("method"), get("points"), get("most"))
                    else {
                        continue;
                    };
                    let mut number = |text: &Located<String>| {
                        let parsed = text.value.trim().parse::<i64>().ok().filter(|n| *n > 0);
                        if parsed.is_none() {
                            diagnostics.push(set.error_at(
                                text.pos,
                                text.value.chars().count(),
                                DiagnosticCode::WrongShape,
                                format!("`{}` is not a positive whole number", text.value),
                                None,
                            ));
                        }
                        parsed
                    };
                    if let (Some(points), Some(most)) = (number(points), number(most)) {
                        self.receive = Some((
                            method.value.clone(),
                            points,
                            most as usize,
                            cite.value.clone(),
                        ));
                    }
                }
                "cats" => self.cats = Some(cite.value.clone()),
                _ => {
                    let (Some(output), Some(value), Some(points)) =
                        (get("output"), get("value"), get("points"))
                    else {
                        continue;
                    };
                    let output_ref = record_output(declared, diagnostics, output);
                    let points_ref = record_output(declared, diagnostics, points);
                    let (Some((output, ty)), Some((points_id, points_ty))) =
                        (output_ref, points_ref)
                    else {
                        continue;
                    };
                    if !matches!(points_ty.required(), Type::Int) {
                        diagnostics.push(set.error_at(
                            points.pos,
                            1,
                            DiagnosticCode::TypeMismatch,
                            format!("`why_not.repair.points` must name an integer output, not `{points_ty}`"),
                            None,
                        ));
                        continue;
                    }
                    let Type::Enum(enum_name) = ty.required() else {
                        continue;
                    };
                    let allowed = set
                        .schema
                        .enums
                        .get(&**enum_name)
                        .cloned()
                        .unwrap_or_default();
                    if !allowed.contains(&value.value) {
                        diagnostics.push(set.error_at(
                            value.pos,
                            value.value.chars().count(),
                            DiagnosticCode::UnknownOutcome,
                            format!("`{}` is not a value of `{enum_name}`", value.value),
                            Some(format!("one of: {}", allowed.join(", "))),
                        ));
                        continue;
                    }
                    self.repair = Some((
                        output,
                        Value::Text(value.value.as_str().into()),
                        points_id,
                        cite.value.clone(),
                    ));
                }
            }
        }
        // The changes are tried on the data, not computed by the rules: nothing is used.
        Vec::new()
    }
}

/// The record definition `name` names, with its type.
fn record_output(
    declared: &Declared,
    diagnostics: &mut Vec<Diagnostic>,
    name: &Located<String>,
) -> Option<(DefId, Type)> {
    let found = declared
        .definition(Scope::Record, &name.value)
        .map(|(id, ty)| (id, ty.clone()));
    if found.is_none() && !declared.set.names_missing {
        diagnostics.push(declared.set.error_at(
            name.pos,
            name.value.chars().count(),
            DiagnosticCode::UnknownDefinition,
            format!("`why_not`: no record definition `{}`", name.value),
            None,
        ));
    }
    found
}
