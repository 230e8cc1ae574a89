//! The text report: one block per member, its records as a table, the citations.

use std::collections::HashSet;
use std::fmt::Write;

use super::escape_control;
use super::privacy::Privacy;
use wotrules_core::data::{Dataset, Stamp};
use wotrules_core::eval::{
    Decisions, EntityDecisions, FailedRow, Skipped, SkippedOverride, TraceNode,
};
use wotrules_core::lang::{Direction, Value};

/// Renders decisions for a person, personal data as `privacy` allows.
pub fn render_text(
    data: &Dataset,
    digest: &str,
    decisions: &Decisions,
    privacy: &Privacy,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "as of {} — rules {digest}", data.as_of);
    if let Some(ticket) = &data.request.ticket {
        let _ = writeln!(out, "request {}", escape_control(ticket));
    }
    let mut shown = vec![false; data.records.len()];
    let mut cited = Cited {
        quoted: HashSet::new(),
        privacy,
    };
    let by_index: std::collections::HashMap<usize, &EntityDecisions> =
        decisions.records.iter().map(|r| (r.index, r)).collect();
    for member in &decisions.members {
        let _ = writeln!(out, "\nmember {}", member.id);
        outputs(&mut out, member, "  ", &mut cited);
        for (title, direction) in [
            ("received", Direction::Received),
            ("given", Direction::Given),
        ] {
            let rows: Vec<&EntityDecisions> = data
                .records_of(member.index, direction)
                .iter()
                .filter_map(|&i| by_index.get(&(i as usize)).copied())
                .collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n  records {title}:");
            table(&mut out, data, &rows, privacy);
            for row in &rows {
                shown[row.index] = true;
            }
        }
        if decisions.records.iter().any(|r| !r.traces.is_empty()) {
            explain_records(
                &mut out,
                data,
                data.received(member.index)
                    .filter_map(|i| by_index.get(&i).copied()),
                &mut cited,
            );
        }
    }
    let others: Vec<&EntityDecisions> = decisions
        .records
        .iter()
        .filter(|r| !shown[r.index])
        .collect();
    if !others.is_empty() {
        let title = if decisions.members.is_empty() {
            "records"
        } else {
            "other records"
        };
        let _ = writeln!(out, "\n{title}:");
        table(&mut out, data, &others, privacy);
        if others.iter().any(|r| !r.traces.is_empty()) {
            explain_records(&mut out, data, others.iter().copied(), &mut cited);
        }
    }
    out
}

/// The clauses whose citation the report has quoted, and what it may show. A citation
/// names its clause, then (after `: `) quotes or explains it, which can take a paragraph (a
/// ruling's condition): a citation longer than a line is printed whole the first time, its
/// clause's name after.
struct Cited<'p> {
    quoted: HashSet<String>,
    privacy: &'p Privacy,
}

/// A citation longer than this (in characters) is quoted once per report.
const QUOTED_ONCE_BEYOND: usize = 120;

impl Cited<'_> {
    /// `cites …` for `node`: its citation, or the clause's name where it was quoted before.
    fn line(&mut self, node: &TraceNode) -> String {
        let first = self.quoted.insert(node.at.clone());
        match node.cite.split_once(": ") {
            Some((clause, _)) if !first && node.cite.chars().count() > QUOTED_ONCE_BEYOND => {
                format!("cites {clause} (quoted above)")
            }
            _ => format!("cites {}", node.cite),
        }
    }
}

fn outputs(out: &mut String, entity: &EntityDecisions, indent: &str, cited: &mut Cited) {
    // A definition several outputs read is explained once, then referred to.
    let mut explained: HashSet<String> = HashSet::new();
    let width = entity
        .outputs
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    for (index, (name, value)) in entity.outputs.iter().enumerate() {
        let shown = match value {
            Ok(value) => cited
                .privacy
                .shown(&cited.privacy.output(entity, index), value),
            Err(message) => format!("error: {message}"),
        };
        let _ = writeln!(out, "{indent}{name:width$}  {shown}");
        if let Some((_, node)) = entity.traces.iter().find(|(n, _)| n == name) {
            explained.remove(&node.definition);
            explain(out, node, &format!("{indent}    "), &mut explained, cited);
        }
    }
}

fn explain(
    out: &mut String,
    node: &TraceNode,
    indent: &str,
    explained: &mut HashSet<String>,
    cited: &mut Cited,
) {
    let value = cited.privacy.shown(&cited.privacy.node(node), &node.value);
    if node.trivial {
        // Nothing held, or a constant: one line, its citation included.
        let tried = if node.tried.is_empty() {
            String::new()
        } else {
            format!(": tried {}", node.tried.join(", "))
        };
        let _ = writeln!(
            out,
            "{indent}{} = {value} — {}{tried}; {}; at {}",
            node.definition,
            node.clause,
            cited.line(node),
            node.at
        );
        overrides_tried(out, node, indent, cited.privacy);
        return;
    }
    if !explained.insert(node.definition.clone()) {
        let _ = writeln!(
            out,
            "{indent}{} = {value} — {} (explained above)",
            node.definition, node.clause
        );
        return;
    }
    let _ = writeln!(
        out,
        "{indent}{} = {value} — {}",
        node.definition, node.clause
    );
    overrides_tried(out, node, indent, cited.privacy);
    for failed in &node.failed {
        let _ = writeln!(
            out,
            "{indent}  not row {}: {}",
            failed.row,
            failed_text(failed, cited.privacy)
        );
    }
    if let Some(condition) = &node.condition {
        let _ = writeln!(
            out,
            "{indent}  because {}",
            condition.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    let _ = writeln!(out, "{indent}  {} — at {}", cited.line(node), node.at);
    if !node.fields.is_empty() {
        let fields: Vec<String> = node
            .fields
            .iter()
            .map(|(name, value)| cited.privacy.read(name, value))
            .collect();
        let _ = writeln!(out, "{indent}  read {}", fields.join(", "));
    }
    for child in &node.because {
        explain(out, child, &format!("{indent}  "), explained, cited);
    }
}

/// The overrides tried before the clause that decided, one line each.
fn overrides_tried(out: &mut String, node: &TraceNode, indent: &str, privacy: &Privacy) {
    for skipped in &node.overrides_tried {
        let _ = writeln!(out, "{indent}  not {}", skipped_text(skipped, privacy));
    }
}

/// `override from FILE (priority P, PATH:LINE): why it did not apply`.
pub fn skipped_text(skipped: &SkippedOverride, privacy: &Privacy) -> String {
    let reason = match &skipped.reason {
        Skipped::Condition(failed) => failed_text(failed, privacy),
        Skipped::NotInForce { from, until } => match (from, until) {
            (Some(from), Some(until)) => {
                format!("its rule file is not in force (in force from {from} until {until})")
            }
            (Some(from), None) => format!("its rule file is not in force (in force from {from})"),
            (None, Some(until)) => format!("its rule file is no longer in force (until {until})"),
            (None, None) => "its rule file is not in force".into(),
        },
    };
    format!(
        "override from {} (priority {}, {}:{}): {reason}",
        skipped.rule_file, skipped.priority, skipped.location.rule_file, skipped.location.line
    )
}

/// `<condition> — false (name = value, …)`: the part of a row that did not hold.
pub fn failed_text(failed: &FailedRow, privacy: &Privacy) -> String {
    let shown = match &failed.value {
        Value::Bool(false) => "false".to_string(),
        Value::Missing => "missing".to_string(),
        other => other.to_string(),
    };
    let reads: Vec<String> = failed
        .read
        .iter()
        .map(|(name, value)| privacy.read(name, value))
        .collect();
    let condition = escape_control(&failed.condition);
    if reads.is_empty() {
        format!("{condition} — {shown}")
    } else {
        format!("{condition} — {shown} ({})", reads.join(", "))
    }
}

fn explain_records<'a>(
    out: &mut String,
    data: &Dataset,
    records: impl Iterator<Item = &'a EntityDecisions>,
    cited: &mut Cited,
) {
    for record in records {
        let row = &data.records[record.index];
        let _ = writeln!(
            out,
            "\n  record {} (from {} to {}):",
            record.id, row.from, row.to
        );
        outputs(out, record, "    ", cited);
    }
}

/// The records table as CAcert's points page shows it, plus the decisions.
fn table(out: &mut String, data: &Dataset, rows: &[&EntityDecisions], privacy: &Privacy) {
    let mut header: Vec<String> = [
        "id", "date", "from", "to", "points", "awarded", "location", "method", "when", "deleted",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(first) = rows.first() {
        header.extend(first.outputs.iter().map(|(name, _)| name.clone()));
    }
    let mut lines = vec![header];
    for record in rows {
        let row = &data.records[record.index];
        let datetime = |d: Stamp| d.date().map_or("-".into(), |d| d.to_string());
        let mut cells = vec![
            row.id.to_string(),
            escape_control(data.text(row.date)),
            row.from.to_string(),
            row.to.to_string(),
            row.points.to_string(),
            row.awarded.to_string(),
            escape_control(data.text(row.location)),
            escape_control(data.text(row.method)),
            datetime(row.when),
            datetime(row.deleted),
        ];
        cells.extend(
            record
                .outputs
                .iter()
                .enumerate()
                .map(|(index, (_, value))| match value {
                    Ok(value) => privacy.shown(&privacy.output(record, index), value),
                    Err(_) => "error".into(),
                }),
        );
        lines.push(cells);
    }
    let columns = lines[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            lines
                .iter()
                .map(|l| l.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
}
