//! `wotrules eval --expr EXPR`: one expression evaluated for one member or record, like
//! `opa eval` — its value, its type and what it read; its errors as in a rule file.

use wotrules_core::diag::render_styled;
use wotrules_core::eval::{Evaluation, Selection};
use wotrules_core::lang::{Scope, Value};
use wotrules_features::report::{Privacy, withheld_text};
use wotrules_session::RulesFrom;

use super::eval::EvalArgs;
use super::{Exit, dataset, emit, emit_error, exit_for, fail, usage};

/// Evaluates `text` for the one `--member` or `--record` of `args`.
pub(super) fn run(args: &EvalArgs, text: &str) -> Exit {
    let (scope, id) = match (args.member.as_slice(), args.record) {
        ([member], None) => (Scope::Member, *member),
        ([], Some(record)) => (Scope::Record, record),
        _ => {
            return usage(
                "`--expr` is evaluated for one member or one record",
                "give `--member N` (then `member.…` is that member) or `--record N` (`record.…`)",
            );
        }
    };
    if !matches!(args.format.as_str(), "text" | "json") {
        return usage(
            format!("`--expr` prints text or JSON, not `{}`", args.format),
            "use `--format text` or `--format json`",
        );
    }
    let source = match args.data.open() {
        Ok(source) => source,
        Err(exit) => return exit,
    };
    let from = RulesFrom::Directory(args.rules.clone()).with_drafts(&args.draft);
    let (rules, expression) = match from.rules_and_expression(scope, text) {
        Ok(checked) => checked,
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            return exit_for(&diagnostics);
        }
    };
    let data = match dataset(&rules, source, args.as_of, false) {
        Ok(data) => data,
        Err(exit) => return exit,
    };
    let entity = match Selection::of(&data, &args.member, args.record) {
        Ok(Selection::Members(members)) => members.first().copied(),
        Ok(Selection::Record(record)) => Some(record),
        Ok(Selection::All) => None,
        Err(diagnostic) => return fail(&diagnostic, Exit::BadInput),
    };
    let Some(entity) = entity else {
        return Exit::BadInput;
    };
    let privacy = Privacy::new(&rules.program, &rules.personal, args.show_personal);
    let mut evaluation = Evaluation::new(&rules.program, &data);
    let (value, read) = match evaluation.expression(&expression, entity) {
        Ok(result) => result,
        Err(error) => {
            emit_error(&format!(
                "error: {}: {error}\n",
                wotrules_core::check::EXPRESSION_NAME
            ));
            return Exit::RuleErrors;
        }
    };
    let carried = privacy.expression_carries(text);
    let shown = |value: &Value| match carried.is_empty() {
        true => Shown::Value(value.clone()),
        false => Shown::Withheld(withheld_text(None, &carried)),
    };
    // A member's records, a record's assurer: entities, not values to print.
    let is_data = |value: &Value| {
        !matches!(
            value,
            Value::Records(..) | Value::Member(_) | Value::Record(_) | Value::Request
        )
    };
    let read: Vec<(String, Shown)> = read
        .into_iter()
        .filter(|(_, value)| is_data(value))
        .map(|(name, value)| {
            let carries = privacy.read_carries(&name);
            let shown = match carries.is_empty() {
                true => Shown::Value(value),
                false => Shown::Withheld(withheld_text(Some(&name), &carries)),
            };
            (name, shown)
        })
        .collect();
    let of = format!("{} {id}", scope.name());
    let as_of = data.as_of.to_string();
    emit(&match args.format.as_str() {
        "json" => json(
            text,
            &shown(&value),
            &expression.ty.to_string(),
            &of,
            &as_of,
            &read,
        ),
        _ => self::text(
            &shown(&value),
            &expression.ty.to_string(),
            &of,
            &as_of,
            &read,
        ),
    });
    drop(evaluation);
    super::leave_to_exit(data);
    Exit::Success
}

/// A value as printed: itself, or why it is withheld.
enum Shown {
    Value(Value),
    Withheld(String),
}

impl Shown {
    fn text(&self) -> String {
        match self {
            Shown::Value(Value::Text(_)) => format!("\"{}\"", self.plain()),
            _ => self.plain(),
        }
    }

    fn plain(&self) -> String {
        match self {
            Shown::Value(value) => value.to_string(),
            Shown::Withheld(why) => why.clone(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Shown::Value(value) => serde_json::to_value(value).unwrap_or_default(),
            Shown::Withheld(_) => serde_json::Value::Null,
        }
    }
}

fn text(value: &Shown, ty: &str, of: &str, as_of: &str, read: &[(String, Shown)]) -> String {
    let mut out = format!(
        "{}\n  type: {ty}\n  for: {of}, as of {as_of}\n",
        value.text()
    );
    if !read.is_empty() {
        out.push_str("  read:\n");
        for (name, value) in read {
            out.push_str(&format!("    {name} = {}\n", value.text()));
        }
    }
    out
}

fn json(
    expression: &str,
    value: &Shown,
    ty: &str,
    of: &str,
    as_of: &str,
    read: &[(String, Shown)],
) -> String {
    let withheld = |shown: &Shown| match shown {
        Shown::Withheld(why) => serde_json::Value::String(why.clone()),
        Shown::Value(_) => serde_json::Value::Null,
    };
    let document = serde_json::json!({
        "format": wotrules_features::report::JSON_FORMAT,
        "tool": concat!("wotrules ", env!("CARGO_PKG_VERSION")),
        "expression": expression,
        "for": of,
        "as_of": as_of,
        "type": ty,
        "value": value.json(),
        "withheld": withheld(value),
        "read": read.iter().map(|(name, shown)| serde_json::json!({
            "name": name,
            "value": shown.json(),
            "withheld": withheld(shown),
        })).collect::<Vec<_>>(),
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&document).unwrap_or_default()
    )
}
