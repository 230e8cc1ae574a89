//! The diff as the page a Policy Group reads: the headline counts, for every enumerated
//! member output a transition matrix (from → to), for every integer member output the values
//! of the changed members before and after as a histogram, the changed members by the year
//! of their first assurance, the rules responsible with their counts, and the first changed
//! members with the rule on each side. Numbers are those of `diff --format json`; values the
//! privacy withholds stay withheld (the changes carry them so).

use std::collections::BTreeMap;
use std::fmt::Write;

use plotters::prelude::*;

use super::render::Versions;
use super::{Change, Changes, Counts, EntityChanges, Summary, show};
use crate::report::page::{self, escape};
use wotrules_core::data::Dataset;
use wotrules_core::lang::Value;
use wotrules_core::words::counted;

/// How many changed members the page lists with their rules (the JSON has them all).
const LISTED: usize = 50;

/// The colours of the two sides, as the page's style names them.
const OLD: RGBColor = RGBColor(0xb4, 0x46, 0x1f);
const NEW: RGBColor = RGBColor(0x1f, 0x7a, 0x4d);

/// Renders the impact report as one self-contained page.
pub fn render_diff_html(
    data: &Dataset,
    versions: &Versions,
    changes: Option<&Changes>,
    counts: &Counts,
) -> String {
    let mut html = page::start(&format!("wotrules diff as of {}", data.as_of));
    let _ = writeln!(html, "<h1>What the change moves</h1>");
    let _ = writeln!(
        html,
        "<p class=\"meta\">as of {}: <code>{}</code> ({}) → <code>{}</code> ({})</p>",
        data.as_of,
        escape(versions.old.0),
        escape(versions.old.1),
        escape(versions.new.0),
        escape(versions.new.1)
    );
    headline(&mut html, data, counts);
    // A matrix for outputs with a few named values; integers get histograms instead.
    for (output, moves) in by_output(&counts.members) {
        if !moves
            .iter()
            .all(|(old, new, _)| is_number(old) && is_number(new))
        {
            transitions(&mut html, &output, &moves);
        }
    }
    match changes {
        None => html.push_str(
            "<p class=\"muted\">Only the counts were taken (<code>--summary</code>): the \
             histograms, the years, the responsible rules and the members are not.</p>\n",
        ),
        Some(changes) => {
            histograms(&mut html, changes);
            years(&mut html, data, changes);
            responsible(&mut html, changes);
            listed(&mut html, changes);
        }
    }
    html.push_str(page::END);
    html
}

/// Whether a value as a change shows it is a number (or none): an integer output's.
fn is_number(value: &str) -> bool {
    value == "null" || value.parse::<i64>().is_ok()
}

/// The members and records changed, and the members evaluated.
fn headline(html: &mut String, data: &Dataset, counts: &Counts) {
    let evaluated = data.members.iter().filter(|m| m.evaluated).count();
    html.push_str("<div class=\"cards\">\n");
    for (figure, key, what) in [
        (
            counts.members_changed,
            "members-changed",
            "members decided differently",
        ),
        (
            counts.records_changed,
            "records-changed",
            "records decided differently",
        ),
        (evaluated, "members-evaluated", "members evaluated"),
    ] {
        let _ = writeln!(
            html,
            "<div class=\"card\"><div class=\"figure\" data-count=\"{key}\">{figure}</div>\
             <div class=\"muted\">{what}</div></div>"
        );
    }
    html.push_str("</div>\n");
}

/// The counts of each output: `(old, new) → count`.
fn by_output(summary: &Summary) -> BTreeMap<String, Vec<(String, String, usize)>> {
    let mut outputs: BTreeMap<String, Vec<(String, String, usize)>> = BTreeMap::new();
    for ((output, old, new), tally) in summary {
        outputs
            .entry(output.clone())
            .or_default()
            .push((old.clone(), new.clone(), tally.count));
    }
    outputs
}

/// One output's moves as a matrix, rows the old value, columns the new (members).
fn transitions(html: &mut String, output: &str, moves: &[(String, String, usize)]) {
    let mut olds: Vec<&str> = moves.iter().map(|(old, _, _)| old.as_str()).collect();
    let mut news: Vec<&str> = moves.iter().map(|(_, new, _)| new.as_str()).collect();
    olds.sort_unstable();
    olds.dedup();
    news.sort_unstable();
    news.dedup();
    let _ = writeln!(
        html,
        "<h2><code>{}</code>: members from → to</h2>\n<table class=\"matrix\" data-output=\"{0}\">\n<thead><tr><th>from \\ to</th>",
        escape(output)
    );
    for new in &news {
        let _ = write!(html, "<th>{}</th>", escape(new));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for old in &olds {
        let _ = write!(html, "<tr><th>{}</th>", escape(old));
        for new in &news {
            let count = moves
                .iter()
                .find(|(o, n, _)| o == old && n == new)
                .map_or(0, |(_, _, count)| *count);
            let _ = write!(
                html,
                "<td class=\"num\" data-from=\"{}\" data-to=\"{}\">{}</td>",
                escape(old),
                escape(new),
                if count == 0 {
                    String::new()
                } else {
                    count.to_string()
                }
            );
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
}

/// For each integer member output that changed: its values before and after, among the
/// members it changed for, as a histogram of tenths of its range.
fn histograms(html: &mut String, changes: &Changes) {
    let mut values: BTreeMap<&str, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for change in changes.members.iter().flat_map(|m| &m.changes) {
        if let (Some(Ok(Value::Int(old))), Some(Ok(Value::Int(new)))) = (&change.old, &change.new) {
            let entry = values.entry(&change.output).or_default();
            entry.0.push(*old);
            entry.1.push(*new);
        }
    }
    for (output, (old, new)) in values {
        let _ = writeln!(
            html,
            "<h2><code>{}</code> of the changed members, before and after</h2>",
            escape(output)
        );
        html.push_str(&histogram_svg(output, &old, &new));
        let _ = writeln!(
            html,
            "<p class=\"muted\"><span style=\"color:#b4461f\">■</span> before (old rules) \
             <span style=\"color:#1f7a4d\">■</span> after (new rules); {}.</p>",
            counted(old.len(), "member")
        );
    }
}

/// Bins `old` and `new` alike (ten bins over their range, the top value its own bin when it
/// is a cap such as 100) and draws the two side by side.
fn histogram_svg(output: &str, old: &[i64], new: &[i64]) -> String {
    let low = old.iter().chain(new).copied().min().unwrap_or(0).min(0);
    let high = old.iter().chain(new).copied().max().unwrap_or(0);
    let width = ((high - low) / 10).max(1);
    let bins = ((high - low) / width + 1) as usize;
    let count = |values: &[i64]| {
        let mut counts = vec![0u32; bins];
        for value in values {
            let bin = (((value - low) / width) as usize).min(bins - 1);
            counts[bin] += 1;
        }
        counts
    };
    let (old_counts, new_counts) = (count(old), count(new));
    let label = |bin: usize| {
        let from = low + bin as i64 * width;
        let to = (from + width - 1).min(high);
        if to == from {
            from.to_string()
        } else {
            format!("{from}–{to}")
        }
    };
    let labels: Vec<String> = (0..bins).map(label).collect();
    bars_svg(
        (900, 320),
        &labels,
        output,
        &[(&old_counts, OLD), (&new_counts, NEW)],
    )
}

/// Bars over labelled slots, one colour per series side by side in each slot (inline SVG,
/// drawn by plotters); nothing when it cannot be drawn.
fn bars_svg(
    size: (u32, u32),
    labels: &[String],
    x_desc: &str,
    series: &[(&[u32], RGBColor)],
) -> String {
    let top = series
        .iter()
        .flat_map(|(counts, _)| counts.iter())
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    let share = 0.8 / series.len().max(1) as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(12)
                .x_label_area_size(36)
                .y_label_area_size(48)
                .build_cartesian_2d(0f64..labels.len() as f64, 0u32..top + top / 10 + 1)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(labels.len())
                .x_label_formatter(&|x| labels.get(x.floor() as usize).cloned().unwrap_or_default())
                .x_desc(x_desc)
                .y_desc("members")
                .draw()?;
            for (index, (counts, colour)) in series.iter().enumerate() {
                chart.draw_series(counts.iter().enumerate().map(|(slot, count)| {
                    let x = slot as f64 + 0.1 + index as f64 * share;
                    Rectangle::new([(x, 0), (x + share, *count)], colour.filled())
                }))?;
            }
            root.present()?;
            Ok(())
        })();
        if drawn.is_err() {
            return String::new();
        }
    }
    svg
}

/// The changed members by the year of the first assurance they received (its entry date),
/// with how many of them each named move (an enumerated output: `level: assured →
/// unassured`) took, year by year.
fn years(html: &mut String, data: &Dataset, changes: &Changes) {
    let mut by_year: BTreeMap<String, usize> = BTreeMap::new();
    let mut moves: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for member in &changes.members {
        let first = data
            .received(member.index)
            .filter_map(|r| data.records[r].when.date())
            .min();
        let year = first.map_or("no dated assurance".to_owned(), |d| {
            d.format("%Y").to_string()
        });
        *by_year.entry(year.clone()).or_default() += 1;
        for change in &member.changes {
            let (old, new) = (show(change.old.as_ref()), show(change.new.as_ref()));
            if !(is_number(&old) && is_number(&new)) {
                let key = format!("{}: {old} → {new}", change.output);
                *moves
                    .entry(key)
                    .or_default()
                    .entry(year.clone())
                    .or_default() += 1;
            }
        }
    }
    if by_year.is_empty() {
        return;
    }
    html.push_str("<h2>Changed members by the year of their first assurance</h2>\n");
    html.push_str(&years_svg(&by_year));
    let mut header = vec!["first assurance".to_owned(), "members changed".to_owned()];
    header.extend(moves.keys().cloned());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = by_year
        .iter()
        .map(|(year, count)| {
            let mut row = vec![escape(year), count.to_string()];
            row.extend(
                moves
                    .values()
                    .map(|years| years.get(year).map_or(String::new(), usize::to_string)),
            );
            row
        })
        .collect();
    html.push_str(&page::table(&header, &rows));
}

fn years_svg(by_year: &BTreeMap<String, usize>) -> String {
    let labels: Vec<String> = by_year.keys().cloned().collect();
    let counts: Vec<u32> = by_year.values().map(|c| *c as u32).collect();
    bars_svg(
        (900, 280),
        &labels,
        "year of the first assurance",
        &[(&counts, NEW)],
    )
}

/// The rules that decide the new values, with how many changes each is responsible for.
fn responsible(html: &mut String, changes: &Changes) {
    let mut rules: BTreeMap<(String, String), usize> = BTreeMap::new();
    for change in changes
        .members
        .iter()
        .chain(&changes.records)
        .flat_map(|e| &e.changes)
    {
        if let Some(rule) = &change.new_rule {
            let key = (
                format!("{} — {}", rule.definition, rule.clause),
                rule.at.clone(),
            );
            *rules.entry(key).or_default() += 1;
        }
    }
    if rules.is_empty() {
        return;
    }
    let mut rows: Vec<((String, String), usize)> = rules.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    html.push_str("<h2>The rules responsible (new side)</h2>\n");
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|((what, at), count)| {
            vec![
                escape(&what),
                format!("<code>{}</code>", escape(&at)),
                count.to_string(),
            ]
        })
        .collect();
    html.push_str(&page::table(
        &["definition and clause", "at", "changes"],
        &rows,
    ));
}

/// The first changed members, each change with the rule on each side.
fn listed(html: &mut String, changes: &Changes) {
    if changes.members.is_empty() {
        return;
    }
    let _ = writeln!(
        html,
        "<h2>The first changed members</h2>\n<p class=\"muted\">{} of {}; \
         <code>diff --format json</code> lists them all.</p>",
        changes.members.len().min(LISTED),
        changes.members.len()
    );
    for member in changes.members.iter().take(LISTED) {
        entity(html, member);
    }
}

fn entity(html: &mut String, entity: &EntityChanges) {
    let _ = writeln!(
        html,
        "<details><summary>member {}: {}</summary>\n<ul class=\"trace\">",
        entity.id,
        summary_of(&entity.changes)
    );
    for change in &entity.changes {
        let _ = writeln!(
            html,
            "<li><code>{}</code>: {} → {}",
            escape(&change.output),
            escape(&show(change.old.as_ref())),
            escape(&show(change.new.as_ref()))
        );
        for (side, rule) in [("old", &change.old_rule), ("new", &change.new_rule)] {
            if let Some(rule) = rule {
                let _ = write!(
                    html,
                    "<br><span class=\"muted\">{side}:</span> <code>{} = {}</code>, {} at <code>{}</code>: {}",
                    escape(&rule.definition),
                    escape(&rule.value.to_string()),
                    escape(&rule.clause),
                    escape(&rule.at),
                    escape(&rule.cite)
                );
            }
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n</details>\n");
}

/// `level assured → assurer, assurance_points 90 → 100`.
fn summary_of(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| {
            format!(
                "{} {} → {}",
                escape(&c.output),
                escape(&show(c.old.as_ref())),
                escape(&show(c.new.as_ref()))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
