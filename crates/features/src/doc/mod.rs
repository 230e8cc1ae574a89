//! `wotrules doc`: the rule set as a static, self-contained site (no network, no script or
//! style from elsewhere; it works opened from disk): an index of the rule files by kind with
//! their time in force, a page per rule file (definitions, decision tables, cites linked to
//! the reference, overrides linked both ways, the tests that exercise each row and the rows
//! never true or never false), what reads what as a diagram, and a search that works
//! offline. The command line writes the pages this returns.

mod file_page;
mod graph;
mod reference;

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::report::page::{self, escape};
use crate::ruletest::Exercised;
use wotrules_core::check::Program;
use wotrules_core::lang::DocumentKind;
use wotrules_core::rules::{RuleFile, RuleSet};

/// What the site is made of.
pub struct SiteInput<'a> {
    /// The rule set as written.
    pub set: &'a RuleSet,
    /// The checked program made of it.
    pub program: &'a Program,
    /// What the rule tests did with each clause (`path:line`).
    pub exercised: &'a BTreeMap<String, Exercised>,
    /// `REFERENCE.md`, when the rules directory has one.
    pub reference: Option<&'a str>,
}

/// The pages of the site: file name and HTML (`index.html` among them).
pub fn site(input: &SiteInput) -> Vec<(String, String)> {
    let sections = input.reference.map(reference::sections).unwrap_or_default();
    let mut pages = Vec::new();
    let mut definitions: BTreeMap<graph::Node, String> = BTreeMap::new();
    for file in &input.set.rule_files {
        for definition in &file.definitions {
            definitions.insert(
                graph::node(definition.scope, &definition.name.value),
                format!(
                    "{}#{}",
                    page_of(file),
                    file_page::definition_anchor(definition.scope, &definition.name.value)
                ),
            );
        }
    }
    for file in &input.set.rule_files {
        let html = file_page::render(input, file, &sections, &definitions);
        pages.push((page_of(file), html));
    }
    let graph = graph::reads(input.set);
    pages.push(("graph.html".into(), graph_page(&graph, &definitions)));
    if let Some(markdown) = input.reference {
        pages.push(("reference.html".into(), reference_page(markdown)));
    }
    pages.push(("index.html".into(), index(input, &definitions)));
    pages
}

/// The page of a rule file: `file-<id>.html` (characters other than letters, digits, `.`,
/// `-` and `_` made `-`).
pub(crate) fn page_of(file: &RuleFile) -> String {
    let id: String = file
        .id
        .value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("file-{id}.html")
}

/// The links at the top of every page.
pub(crate) fn nav() -> &'static str {
    "<nav class=\"top\"><a href=\"index.html\">rule files</a> · <a href=\"graph.html\">what reads what</a> · <a href=\"reference.html\">reference</a></nav>\n"
}

fn kind_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Policy => "policies",
        DocumentKind::Motion => "board motions",
        DocumentKind::Ruling => "arbitration rulings",
    }
}

/// The index: the search, the timeline, then the rule files by kind.
fn index(input: &SiteInput, definitions: &BTreeMap<graph::Node, String>) -> String {
    let mut html = page::start("wotrules: the rule set");
    html.push_str(nav());
    let _ = writeln!(
        html,
        "<h1>The rule set</h1>\n<p class=\"meta\">{} rule files, {} definitions · rules <code>{}</code></p>",
        input.set.rule_files.len(),
        input.program.definitions.len(),
        escape(&input.program.digest)
    );
    html.push_str(&search(input, definitions));
    html.push_str("<h2>In force</h2>\n");
    html.push_str(&timeline(&input.set.rule_files));
    for kind in [
        DocumentKind::Policy,
        DocumentKind::Motion,
        DocumentKind::Ruling,
    ] {
        let files: Vec<&RuleFile> = input
            .set
            .rule_files
            .iter()
            .filter(|f| f.kind == kind)
            .collect();
        if files.is_empty() {
            continue;
        }
        let _ = writeln!(html, "<h2>{}</h2>", kind_name(kind));
        let rows: Vec<Vec<String>> = files
            .iter()
            .map(|file| {
                let draft = if file.draft {
                    " <span class=\"badge draft\">DRAFT</span>"
                } else {
                    ""
                };
                vec![
                    format!(
                        "<a href=\"{}\">{}</a>{draft}",
                        page_of(file),
                        escape(&file.id.value)
                    ),
                    escape(&file.title),
                    in_force(file),
                    file.definitions.len().to_string(),
                    file.overrides.len().to_string(),
                ]
            })
            .collect();
        html.push_str(&page::table(
            &["id", "title", "in force", "definitions", "overrides"],
            &rows,
        ));
    }
    html.push_str(page::END);
    html
}

/// `from 2009-09-28`, `2009-09-28 – 2010-11-16`, `always`.
pub(crate) fn in_force(file: &RuleFile) -> String {
    match (&file.effective_from, &file.effective_until) {
        (None, None) => "for every date".into(),
        (Some(from), None) => format!("from {}", from.value),
        (None, Some(until)) => format!("until {}", until.value),
        (Some(from), Some(until)) => format!("{} – {}", from.value, until.value),
    }
}

/// The rule files' time in force as bars over the years.
fn timeline(files: &[RuleFile]) -> String {
    use chrono::Datelike;
    let year = |d: &chrono::NaiveDate| d.year() as f64 + d.ordinal0() as f64 / 366.0;
    let dates: Vec<f64> = files
        .iter()
        .flat_map(|f| {
            f.effective_from
                .iter()
                .chain(&f.effective_until)
                .map(|d| year(&d.value))
        })
        .collect();
    let first = dates
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .min(2004.0)
        .floor()
        - 1.0;
    let last = dates
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .max(2016.0)
        .ceil()
        + 1.0;
    let (left, width, row) = (190.0, 640.0, 22.0);
    let x = |y: f64| left + (y - first) / (last - first) * width;
    let height = 30.0 + files.len() as f64 * row;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\" role=\"img\" aria-label=\"time in force\">\n",
        left + width + 20.0,
        left + width + 20.0
    );
    let mut tick = first.ceil() as i64;
    while (tick as f64) <= last {
        let tx = x(tick as f64);
        let _ = writeln!(
            svg,
            "<line x1=\"{tx}\" y1=\"14\" x2=\"{tx}\" y2=\"{height}\" stroke=\"#eef1f6\"/><text x=\"{tx}\" y=\"11\" font-size=\"10\" text-anchor=\"middle\" fill=\"#5b6475\">{tick}</text>"
        );
        tick += 2;
    }
    for (index, file) in files.iter().enumerate() {
        let y = 20.0 + index as f64 * row;
        let from = file
            .effective_from
            .as_ref()
            .map_or(first, |d| year(&d.value));
        let until = file
            .effective_until
            .as_ref()
            .map_or(last, |d| year(&d.value));
        let colour = if file.draft { "#e0b04a" } else { "#0b5cad" };
        let _ = writeln!(
            svg,
            "<a href=\"{}\"><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" font-family=\"monospace\" fill=\"#1d2330\">{}</text></a>\
             <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" rx=\"3\" fill=\"{colour}\" opacity=\"0.8\"/>",
            page_of(file),
            left - 8.0,
            y + 10.0,
            escape(&file.id.value),
            x(from),
            y,
            (x(until) - x(from)).max(2.0)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The search: every definition, cite, outcome value and rule file, filtered as one types,
/// by an inline script over an inline index (nothing loaded from anywhere).
fn search(input: &SiteInput, definitions: &BTreeMap<graph::Node, String>) -> String {
    let mut entries: Vec<(String, &str, String)> = Vec::new();
    for (node, href) in definitions {
        entries.push((node.clone(), "definition", href.clone()));
    }
    for file in &input.set.rule_files {
        let href = page_of(file);
        entries.push((
            format!("{} — {}", file.id.value, file.title),
            "rule file",
            href.clone(),
        ));
        for definition in &file.definitions {
            let at = format!(
                "{href}#{}",
                file_page::definition_anchor(definition.scope, &definition.name.value)
            );
            entries.push((definition.cite.value.clone(), "cite", at.clone()));
            file_page::outcomes(definition)
                .into_iter()
                .for_each(|value| entries.push((value, "outcome", at.clone())));
        }
        for row in &file.overrides {
            let at = format!("{href}#{}", file_page::override_anchor(row));
            entries.push((row.cite.value.clone(), "cite", at));
        }
    }
    let index: Vec<serde_json::Value> = entries
        .iter()
        .map(|(text, kind, href)| serde_json::json!([text, kind, href]))
        .collect();
    // `</` would end the script early.
    let index = serde_json::to_string(&index)
        .unwrap_or_default()
        .replace("</", "<\\/");
    format!(
        "<p><label for=\"q\">Search names, cites and outcome values:</label><br>\
         <input type=\"search\" id=\"q\" placeholder=\"e.g. assurance_points, TOPUP, eligible\"></p>\n\
         <ul id=\"found\"></ul>\n\
         <script>\nconst INDEX = {index};\n\
         const q = document.getElementById('q'), found = document.getElementById('found');\n\
         q.addEventListener('input', () => {{\n\
           const words = q.value.toLowerCase().split(/\\s+/).filter(w => w);\n\
           found.replaceChildren();\n\
           if (!words.length) return;\n\
           INDEX.filter(([text]) => words.every(w => text.toLowerCase().includes(w))).slice(0, 50)\n\
             .forEach(([text, kind, href]) => {{\n\
               const li = document.createElement('li'), a = document.createElement('a');\n\
               a.href = href; a.textContent = text; li.append(a, ' ');\n\
               const badge = document.createElement('span'); badge.className = 'badge'; badge.textContent = kind;\n\
               li.append(badge); found.append(li);\n\
             }});\n\
         }});\n</script>\n"
    )
}

fn graph_page(
    graph: &BTreeMap<graph::Node, std::collections::BTreeSet<graph::Node>>,
    definitions: &BTreeMap<graph::Node, String>,
) -> String {
    let mut html = page::start("wotrules: what reads what");
    html.push_str(nav());
    html.push_str(
        "<h1>What reads what</h1>\n<p class=\"meta\">Each definition stands right of every \
         definition its expressions name (an override's reads count for the definition it \
         amends); blue are members', green records'. Fields of the data are left out.</p>\n",
    );
    html.push_str("<div style=\"overflow-x: auto\">\n");
    html.push_str(&graph::svg(graph, definitions));
    html.push_str("</div>\n");
    html.push_str(page::END);
    html
}

fn reference_page(markdown: &str) -> String {
    let mut html = page::start("wotrules: the reference");
    html.push_str(nav());
    html.push_str(&reference::page_body(markdown));
    html.push_str(page::END);
    html
}
