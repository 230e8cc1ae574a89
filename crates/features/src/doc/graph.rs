//! What reads what: every definition a node, an edge from each definition it names in its
//! expressions (`record.x`, `member.x`, `r.x` in an aggregation) to it; laid out in layers
//! (a definition stands right of everything it reads) and drawn as SVG.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::report::page::escape;
use wotrules_core::lang::Scope;
use wotrules_core::rules::{Body, CaseValue, RuleSet};

/// A definition, as `member.level`.
pub(super) type Node = String;

/// Every definition and the definitions it reads, from the expressions as written.
pub(super) fn reads(set: &RuleSet) -> BTreeMap<Node, BTreeSet<Node>> {
    let mut names: BTreeMap<String, Vec<Node>> = BTreeMap::new();
    for definition in set.rule_files.iter().flat_map(|f| &f.definitions) {
        names
            .entry(definition.name.value.clone())
            .or_default()
            .push(node(definition.scope, &definition.name.value));
    }
    let mut graph: BTreeMap<Node, BTreeSet<Node>> = BTreeMap::new();
    let mut add = |reader: Node, texts: Vec<&str>| {
        let entry = graph.entry(reader.clone()).or_default();
        for text in texts {
            for name in dotted_names(text) {
                for read in names.get(name).into_iter().flatten() {
                    if *read != reader {
                        entry.insert(read.clone());
                    }
                }
            }
        }
    };
    for file in &set.rule_files {
        for definition in &file.definitions {
            let reader = node(definition.scope, &definition.name.value);
            let texts = match &definition.body {
                Body::Value(source) => vec![source.text.as_str()],
                Body::Cases(cases) | Body::Collect(cases) => cases
                    .iter()
                    .flat_map(|case| {
                        let then = match &case.then {
                            CaseValue::Expr(source) => Some(source.text.as_str()),
                            CaseValue::Outcome(_) => None,
                        };
                        case.when.iter().map(|w| w.text.as_str()).chain(then)
                    })
                    .collect(),
            };
            add(reader, texts);
        }
        for row in &file.overrides {
            let reader = node(row.scope, &row.target.value);
            let then = match &row.then {
                CaseValue::Expr(source) => Some(source.text.as_str()),
                CaseValue::Outcome(_) => None,
            };
            add(
                reader,
                row.when
                    .iter()
                    .map(|w| w.text.as_str())
                    .chain(then)
                    .collect(),
            );
        }
    }
    graph
}

/// `member.level`.
pub(super) fn node(scope: Scope, name: &str) -> Node {
    format!("{}.{name}", scope.name())
}

/// The names written after a dot in an expression (`points` of `record.points`).
fn dotted_names(text: &str) -> impl Iterator<Item = &str> {
    text.split('.').skip(1).filter_map(|after| {
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        (end > 0).then(|| &after[..end])
    })
}

/// The graph as SVG: columns by layer, each node linked to its definition's page.
pub(super) fn svg(
    graph: &BTreeMap<Node, BTreeSet<Node>>,
    pages: &BTreeMap<Node, String>,
) -> String {
    // A node's layer: one more than the deepest it reads (the checker refuses cycles; a
    // bound keeps a bad graph finite anyway).
    let mut layer: BTreeMap<&Node, usize> = graph.keys().map(|n| (n, 0)).collect();
    for _ in 0..graph.len() {
        let mut changed = false;
        for (reader, reads) in graph {
            let deepest = reads
                .iter()
                .filter_map(|r| layer.get(r))
                .max()
                .map_or(0, |l| l + 1);
            if layer.get(reader).is_some_and(|l| *l < deepest) {
                layer.insert(reader, deepest);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut columns: BTreeMap<usize, Vec<&Node>> = BTreeMap::new();
    for (node, l) in &layer {
        columns.entry(*l).or_default().push(node);
    }
    // Each column after the first ordered by the mean row of what its nodes read (fewer
    // crossings), the first by name.
    let mut row_of: BTreeMap<&Node, f64> = BTreeMap::new();
    for nodes in columns.values_mut() {
        let mean = |node: &&Node| {
            let rows: Vec<f64> = graph
                .get(*node)
                .into_iter()
                .flatten()
                .filter_map(|read| row_of.get(read))
                .copied()
                .collect();
            if rows.is_empty() {
                f64::MAX
            } else {
                rows.iter().sum::<f64>() / rows.len() as f64
            }
        };
        nodes.sort_by(|a, b| mean(a).total_cmp(&mean(b)).then_with(|| a.cmp(b)));
        for (row, node) in nodes.iter().enumerate() {
            row_of.insert(node, row as f64);
        }
    }
    // Wide enough for the longest name (monospace, about 7.3 px a character at 12 px).
    let longest = graph.keys().map(|n| n.chars().count()).max().unwrap_or(10) as f64;
    let (width, height, gap_x, gap_y) = (longest * 7.3 + 16.0, 24.0, 60.0, 12.0);
    let mut at: BTreeMap<&Node, (f64, f64)> = BTreeMap::new();
    for (l, nodes) in &columns {
        for (row, node) in nodes.iter().enumerate() {
            at.insert(
                node,
                (
                    20.0 + *l as f64 * (width + gap_x),
                    20.0 + row as f64 * (height + gap_y),
                ),
            );
        }
    }
    let total_width = 40.0 + columns.len() as f64 * (width + gap_x);
    let rows = columns.values().map(Vec::len).max().unwrap_or(0);
    let total_height = 40.0 + rows as f64 * (height + gap_y);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total_width}\" height=\"{total_height}\" \
         viewBox=\"0 0 {total_width} {total_height}\" style=\"max-width: none\" role=\"img\" aria-label=\"what reads what\">\n"
    );
    for (reader, reads) in graph {
        let Some(&(x2, y2)) = at.get(reader) else {
            continue;
        };
        for read in reads {
            let Some(&(x1, y1)) = at.get(read) else {
                continue;
            };
            let (sx, sy, ex, ey) = (x1 + width, y1 + height / 2.0, x2, y2 + height / 2.0);
            let bend = (ex - sx).abs() / 2.0 + 20.0;
            let _ = writeln!(
                out,
                "<path d=\"M{sx},{sy} C{},{sy} {},{ey} {ex},{ey}\" fill=\"none\" stroke=\"#9aa5b8\" stroke-width=\"1\"/>",
                sx + bend,
                ex - bend
            );
        }
    }
    for (node, (x, y)) in &at {
        let fill = if node.starts_with("member.") {
            "#e7f0fb"
        } else {
            "#eaf6ef"
        };
        let text = escape(node);
        let label = match pages.get(*node) {
            Some(href) => format!(
                "<a href=\"{}\"><text x=\"{}\" y=\"{}\" font-size=\"12\" font-family=\"monospace\" fill=\"#1d2330\">{text}</text></a>",
                escape(href),
                x + 8.0,
                y + 16.0
            ),
            None => format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-family=\"monospace\" fill=\"#5b6475\">{text}</text>",
                x + 8.0,
                y + 16.0
            ),
        };
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" rx=\"4\" fill=\"{fill}\" stroke=\"#b9c3d3\"/>{label}"
        );
    }
    out.push_str("</svg>\n");
    out
}
