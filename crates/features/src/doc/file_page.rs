//! The page of one rule file: its metadata, each definition with its type and cite and its
//! body (a decision table drawn as a table, conditions as `fmt` prints them), the overrides
//! of others that amend it, its own overrides linked to their targets, and per clause the
//! rule tests that made it hold and the outcomes no test saw.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{SiteInput, graph, in_force, nav, reference};
use crate::report::page::{self, escape};
use wotrules_core::lang::Scope;
use wotrules_core::rules::{Body, Case, CaseValue, Definition, ExprSource, Override, RuleFile};
use wotrules_core::syntax::{parse_expression, pretty};

/// The anchor of a definition on its page.
pub(super) fn definition_anchor(scope: Scope, name: &str) -> String {
    format!("def-{}-{name}", scope.name())
}

/// The anchor of an override on its page.
pub(super) fn override_anchor(row: &Override) -> String {
    format!("override-{}", row.pos.line)
}

/// The outcome values a definition's rows give.
pub(super) fn outcomes(definition: &Definition) -> Vec<String> {
    match &definition.body {
        Body::Cases(cases) | Body::Collect(cases) => cases
            .iter()
            .filter_map(|case| match &case.then {
                CaseValue::Outcome(value) => Some(value.value.clone()),
                CaseValue::Expr(_) => None,
            })
            .collect(),
        Body::Value(_) => Vec::new(),
    }
}

/// An expression as `fmt` prints it (a template, which is not one, as written).
fn shown(source: &ExprSource) -> String {
    match parse_expression(&source.text) {
        Ok(expr) => format!("<code>{}</code>", escape(&pretty(&expr))),
        Err(_) => format!("<code>{}</code>", escape(source.text.trim())),
    }
}

fn value_of(then: &CaseValue) -> String {
    match then {
        CaseValue::Expr(source) => shown(source),
        CaseValue::Outcome(value) => format!("<strong>{}</strong>", escape(&value.value)),
    }
}

/// The tests that made the clause at `line` of `file` hold, and what no test saw.
fn tested(input: &SiteInput, file: &RuleFile, line: usize) -> (String, String) {
    let name = &input.set.files[file.file].name;
    let Some(exercised) = input.exercised.get(&format!("{name}:{line}")) else {
        return (String::new(), String::new());
    };
    // A clause without a condition is reached by every test that evaluates its definition:
    // only whether it was is worth showing.
    let tests = match (exercised.conditional, exercised.tests.as_slice()) {
        (false, _) | (_, []) => String::new(),
        (true, tests) => format!(
            "<details><summary>{}</summary>{}</details>",
            wotrules_core::words::counted(tests.len(), "test"),
            tests
                .iter()
                .map(|t| escape(t))
                .collect::<Vec<_>>()
                .join("<br>")
        ),
    };
    let mark = exercised.missing().map_or(String::new(), |missing| {
        format!("<span class=\"badge draft\">{missing}</span>")
    });
    (tests, mark)
}

/// The page of `file`.
pub(super) fn render(
    input: &SiteInput,
    file: &RuleFile,
    sections: &[(String, String)],
    definitions: &BTreeMap<graph::Node, String>,
) -> String {
    let mut html = page::start(&format!("wotrules: {}", file.id.value));
    html.push_str(nav());
    let draft = if file.draft {
        " <span class=\"badge draft\">DRAFT: not CAcert policy</span>"
    } else {
        ""
    };
    let _ = writeln!(
        html,
        "<h1>{}{draft}</h1>\n<p class=\"meta\"><code>{}</code> · {:?} · in force {} · <code>{}</code> · <a href=\"{}\">source</a></p>",
        escape(&file.title),
        escape(&file.id.value),
        file.kind,
        in_force(file),
        escape(&input.set.files[file.file].name),
        escape(&file.source)
    );
    let cite = |text: &str| reference::linked_cite(text, sections);
    if !file.definitions.is_empty() {
        html.push_str("<h2>Definitions</h2>\n");
    }
    for definition in &file.definitions {
        let name = graph::node(definition.scope, &definition.name.value);
        let ty = input
            .program
            .definitions
            .iter()
            .find(|d| d.scope == definition.scope && d.name == definition.name.value)
            .map(|d| d.ty.to_string())
            .unwrap_or_default();
        let _ = writeln!(
            html,
            "<h3 id=\"{}\"><code>{}</code> <span class=\"muted\">{}</span></h3>\n<p>{}</p>",
            definition_anchor(definition.scope, &definition.name.value),
            escape(&name),
            escape(&ty),
            cite(&definition.cite.value)
        );
        amended_by(&mut html, input, definition);
        match &definition.body {
            Body::Value(source) => {
                let (tests, mark) = tested(input, file, source.pos.line);
                let _ = writeln!(html, "<p>{} {mark}</p>", shown(source));
                if !tests.is_empty() {
                    let _ = writeln!(html, "<p class=\"muted\">tested by {tests}</p>");
                }
            }
            Body::Cases(cases) | Body::Collect(cases) => {
                table(&mut html, input, file, cases, &cite)
            }
        }
    }
    if !file.overrides.is_empty() {
        html.push_str("<h2>Overrides of other rule files</h2>\n");
    }
    for row in &file.overrides {
        let target = graph::node(row.scope, &row.target.value);
        let link = definitions.get(&target).map_or_else(
            || format!("<code>{}</code>", escape(&target)),
            |href| {
                format!(
                    "<a href=\"{}\"><code>{}</code></a>",
                    escape(href),
                    escape(&target)
                )
            },
        );
        let priority = row
            .priority
            .as_ref()
            .map_or(String::new(), |p| format!(", priority {}", p.value));
        let (tests, mark) = tested(input, file, row.pos.line);
        let _ = writeln!(
            html,
            "<h3 id=\"{}\">amends {link}{priority} {mark}</h3>\n<p>{}</p>",
            override_anchor(row),
            cite(&row.cite.value)
        );
        let rows = vec![vec![
            row.when
                .as_ref()
                .map_or("<span class=\"muted\">always</span>".into(), shown),
            value_of(&row.then),
            tests,
        ]];
        html.push_str(&page::table(&["when", "then", "tested by"], &rows));
    }
    html.push_str(page::END);
    html
}

/// The overrides of other rule files that amend `definition`, linked.
fn amended_by(html: &mut String, input: &SiteInput, definition: &Definition) {
    let mut links = Vec::new();
    for other in &input.set.rule_files {
        for row in &other.overrides {
            if row.scope == definition.scope && row.target.value == definition.name.value {
                links.push(format!(
                    "<a href=\"{}#{}\">{}</a>",
                    super::page_of(other),
                    override_anchor(row),
                    escape(&other.id.value)
                ));
            }
        }
    }
    if !links.is_empty() {
        let _ = writeln!(html, "<p>amended by {}</p>", links.join(", "));
    }
}

/// A decision table: each row's condition, value, cite, the tests that made it hold and
/// what no test saw.
fn table(
    html: &mut String,
    input: &SiteInput,
    file: &RuleFile,
    cases: &[Case],
    cite: &dyn Fn(&str) -> String,
) {
    let rows: Vec<Vec<String>> = cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            let (tests, mark) = tested(input, file, case.pos.line);
            vec![
                (index + 1).to_string(),
                case.when
                    .as_ref()
                    .map_or("<span class=\"muted\">otherwise</span>".into(), shown),
                value_of(&case.then),
                case.cite.as_ref().map_or(String::new(), |c| cite(&c.value)),
                format!("{tests} {mark}"),
            ]
        })
        .collect();
    html.push_str(&page::table(
        &["row", "when", "then", "cite", "tested by"],
        &rows,
    ));
}
