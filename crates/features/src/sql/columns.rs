//! The columns of one definition: its value (`d_<name>`) and, for an output, the clause
//! that decided it (`d_<name>__rule`), as the evaluator chooses them: an override in force
//! whose condition holds, in priority order, else the definition's own value or first row
//! whose condition holds; a `collect:` table lists the item of every row that holds.

use wotrules_core::check::program::{Body, Code, DefId, Definition, LineColumn, Rule};
use wotrules_core::lang::Value;
use wotrules_core::plan::{InForce, Kind, Refusal, definition_kind};

use super::dialect::{Dialect, SqlType};
use super::expr::{Scene, sql_type};
use super::functions;

/// The columns of definition `id`, or why its rules cannot be printed.
pub(crate) fn columns_of(
    scene: &mut Scene,
    id: DefId,
) -> Result<Vec<(String, String)>, Vec<Refusal>> {
    let program = scene.plan.program;
    let definition = &program.definitions[id];
    let mut printer = Printer {
        scene,
        ty: sql_type(definition_kind(program, id).kind),
        refusals: Vec::new(),
    };
    let (value, rule) = match &definition.body {
        Body::Collect(rows) => printer.collected(definition, rows),
        Body::Value(rule) => {
            let own = (printer.then(rule), printer.at(&rule.at));
            printer.chosen(definition, own)
        }
        Body::Cases(rows) => {
            let own = printer.cases(rows);
            printer.chosen(definition, own)
        }
    };
    if !printer.refusals.is_empty() {
        return Err(printer.refusals);
    }
    let name = &definition.name;
    let mut columns = vec![(format!("d_{name}"), value)];
    let is_output = program
        .record_outputs
        .iter()
        .chain(&program.member_outputs)
        .any(|output| output.definition == id);
    if is_output {
        columns.push((format!("d_{name}__rule"), rule));
    }
    Ok(columns)
}

/// Prints one definition's rules, gathering what cannot be printed.
struct Printer<'s, 'a, 'p> {
    scene: &'s mut Scene<'a, 'p>,
    /// The definition's SQL type.
    ty: SqlType,
    refusals: Vec<Refusal>,
}

impl Printer<'_, '_, '_> {
    fn dialect(&self) -> Dialect {
        self.scene.dialect
    }

    /// `code` of `rule` as an expression of type `ty` (NULL, and a refusal, if it cannot be).
    fn code(&mut self, rule: &Rule, code: &Code, place: LineColumn, ty: SqlType) -> String {
        self.scene.value_as(code, ty).unwrap_or_else(|reason| {
            self.refusals.push(Refusal::of(rule, place, reason));
            "NULL".into()
        })
    }

    /// The value of a row.
    fn then(&mut self, rule: &Rule) -> String {
        self.code(rule, &rule.then, rule.then_at, self.ty)
    }

    /// The condition of a row, empty when it has none.
    fn when(&mut self, rule: &Rule) -> String {
        match &rule.when {
            Some(when) => self.code(
                rule,
                when,
                rule.when_at.unwrap_or(rule.then_at),
                SqlType::Bool,
            ),
            None => String::new(),
        }
    }

    /// A clause's place as an SQL text.
    fn at(&self, at: &str) -> String {
        self.dialect().text(at)
    }

    /// When a rule file is in force: `None` never, empty always, else a condition on the date.
    fn in_force(&mut self, file: usize) -> Option<String> {
        let d = self.dialect();
        match self.scene.plan.in_force(file) {
            InForce::Always => Some(String::new()),
            InForce::Never => None,
            InForce::Between(from, until) => {
                let as_of = self.scene.as_of();
                let mut parts = Vec::new();
                if let Some(from) = from {
                    parts.push(format!("{as_of} >= {}", d.date(from)));
                }
                if let Some(until) = until {
                    parts.push(format!("{as_of} < {}", d.date(until)));
                }
                Some(parts.join(" AND "))
            }
        }
    }

    /// When a row applies: its file is in force and its condition holds (`None`: never).
    fn applies(&mut self, rule: &Rule) -> Option<String> {
        let in_force = self.in_force(rule.file)?;
        let when = self.when(rule);
        Some(match (in_force.is_empty(), when.is_empty()) {
            (true, true) => self.dialect().boolean(true),
            (true, false) => when,
            (false, true) => in_force,
            (false, false) => format!("({in_force} AND {when})"),
        })
    }

    /// A `cases:` table: the first row whose condition holds, else the row without one.
    fn cases(&mut self, rows: &[Rule]) -> (String, String) {
        let mut values = String::from("(CASE");
        let mut rules = String::from("(CASE");
        for row in rows {
            let value = self.then(row);
            let at = self.at(&row.at);
            match self.when(row) {
                when if when.is_empty() => {
                    values.push_str(&format!(" ELSE {value}"));
                    rules.push_str(&format!(" ELSE {at}"));
                }
                when => {
                    values.push_str(&format!(" WHEN {when} THEN {value}"));
                    rules.push_str(&format!(" WHEN {when} THEN {at}"));
                }
            }
        }
        (values + " END)", rules + " END)")
    }

    /// The first override that applies, else the definition's own value (NULL, deciding at
    /// the definition, while its file is not in force).
    fn chosen(&mut self, definition: &Definition, own: (String, String)) -> (String, String) {
        let (own_value, own_rule) = own;
        let null = self.dialect().null(self.ty);
        let at = self.at(&definition.at);
        let (own_value, own_rule) = match self.in_force(definition.file) {
            None => (null, at),
            Some(guard) if guard.is_empty() => (own_value, own_rule),
            Some(guard) => (
                format!("(CASE WHEN {guard} THEN {own_value} ELSE {null} END)"),
                format!("(CASE WHEN {guard} THEN {own_rule} ELSE {at} END)"),
            ),
        };
        let mut values = String::new();
        let mut rules = String::new();
        for (_, rule) in &definition.overrides {
            let Some(condition) = self.applies(rule) else {
                continue;
            };
            let value = self.then(rule);
            values.push_str(&format!(" WHEN {condition} THEN {value}"));
            rules.push_str(&format!(" WHEN {condition} THEN {}", self.at(&rule.at)));
        }
        if values.is_empty() {
            return (own_value, own_rule);
        }
        (
            format!("(CASE{values} ELSE {own_value} END)"),
            format!("(CASE{rules} ELSE {own_rule} END)"),
        )
    }

    /// A `collect:` table (with its overrides' rows) as a JSON array of the items of the
    /// rows that apply, in order; the plan admits only outcomes and integers as items.
    fn collected(&mut self, definition: &Definition, rows: &[Rule]) -> (String, String) {
        let d = self.dialect();
        let overrides = definition.overrides.iter().map(|(_, rule)| rule);
        let mut items = Vec::new();
        for row in rows.iter().chain(overrides) {
            let Some(condition) = self.applies(row) else {
                continue;
            };
            let item = match &row.then {
                Code::Const(Value::Text(text)) => d.text(&format!("\"{text}\"")),
                _ => {
                    let number = self.then(row);
                    functions::as_text(d, &number, Kind::Int)
                }
            };
            items.push(format!("(CASE WHEN {condition} THEN {item} END)"));
        }
        let list = if items.is_empty() {
            d.text("[]")
        } else {
            d.concat(&[d.text("["), d.comma_joined(&items), d.text("]")])
        };
        (list, self.at(&definition.at))
    }
}
