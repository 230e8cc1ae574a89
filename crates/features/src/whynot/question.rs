//! Why not: the question `OUTPUT=VALUE`, read against the program's outputs and types.

use wotrules_core::check::{DefId, Program};
use wotrules_core::diag::{Diagnostic, DiagnosticCode};
use wotrules_core::lang::{Scope, Value};

/// A question `OUTPUT=VALUE` about a member (or a record): the output's definition, its
/// name and the value asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The output's definition.
    pub definition: DefId,
    /// The output's name.
    pub output: String,
    /// The value asked for.
    pub wanted: Value,
}

impl Question {
    /// Reads `OUTPUT=VALUE` for an output of `scope`: the output must exist, the value be
    /// one of its type (a value of its enumeration, a whole number, `true`/`false`, text, or
    /// `null` for an optional output).
    pub fn parse(program: &Program, scope: Scope, text: &str) -> Result<Self, Diagnostic> {
        let usage = |message: String, help: String| {
            Diagnostic::error(DiagnosticCode::Usage, message).help(help)
        };
        let outputs = match scope {
            Scope::Member => &program.member_outputs,
            Scope::Record => &program.record_outputs,
        };
        let Some((name, value)) = text.split_once('=') else {
            return Err(usage(
                format!("`--why-not {text}`: write OUTPUT=VALUE"),
                "such as `--why-not level=assurer`".into(),
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        let Some(output) = outputs.iter().find(|o| o.name == name) else {
            let known = outputs.iter().map(|o| o.name.as_str());
            let help =
                wotrules_core::suggest::did_you_mean(name, known.clone()).unwrap_or_else(|| {
                    format!(
                        "{} outputs: {}",
                        scope.name(),
                        known.collect::<Vec<_>>().join(", ")
                    )
                });
            return Err(usage(
                format!("`{name}` is not a {} output", scope.name()),
                help,
            ));
        };
        let ty = &program.definitions[output.definition].ty;
        let wanted = match (ty.required(), value) {
            (_, "null") if ty.is_optional() => Value::Missing,
            (wotrules_core::lang::Type::Int, _) => value.parse().map(Value::Int).map_err(|_| {
                usage(
                    format!("`{value}` is not a whole number"),
                    "write e.g. `assurance_points=100`".into(),
                )
            })?,
            (wotrules_core::lang::Type::Bool, "true" | "false") => Value::Bool(value == "true"),
            (wotrules_core::lang::Type::Enum(enumeration), _) => {
                let values = program
                    .enums
                    .get(&**enumeration)
                    .cloned()
                    .unwrap_or_default();
                if !values.iter().any(|v| v == value) {
                    let known = values.iter().map(String::as_str);
                    let help = wotrules_core::suggest::did_you_mean(value, known)
                        .unwrap_or_else(|| format!("one of: {}", values.join(", ")));
                    return Err(usage(format!("`{value}` is not a value of `{name}`"), help));
                }
                Value::Text(value.into())
            }
            (wotrules_core::lang::Type::Text, _) => Value::Text(value.into()),
            _ => {
                return Err(usage(
                    format!("`{name}` is of type `{ty}`: no value to ask for"),
                    "ask about an enumeration, integer, boolean or text output".into(),
                ));
            }
        };
        Ok(Self {
            definition: output.definition,
            output: output.name.clone(),
            wanted,
        })
    }
}
