//! The text report: one block per member, its records as a table, the citations.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;

use super::escape_control;
use super::privacy::Privacy;
use super::{Context, Listed, Renderer};
use wotrules_core::data::{Dataset, Stamp};
use wotrules_core::eval::{EntityDecisions, FailedRow, Skipped, SkippedOverride, TraceNode};
use wotrules_core::lang::Value;

/// Decisions for a person: one block per member, its records as a table, the citations.
pub struct Text;

impl Renderer for Text {
    fn head(&self, out: &mut dyn io::Write, context: &Context) -> io::Result<()> {
        let data = context.data;
        writeln!(out, "as of {} — rules {}", data.as_of, context.digest)?;
        if let Some(ticket) = &data.request.ticket {
            writeln!(out, "request {}", escape_control(ticket))?;
        }
        Ok(())
    }

    fn member(
        &self,
        out: &mut dyn io::Write,
        context: &Context,
        listed: &Listed,
    ) -> io::Result<()> {
        let mut text = String::new();
        let member = listed.member;
        let _ = writeln!(text, "\nmember {}", member.id);
        outputs(&mut text, member, "  ", context);
        for (title, rows) in [("received", &listed.received), ("given", &listed.given)] {
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(text, "\n  records {title}:");
            table(&mut text, context.data, rows, context.privacy);
        }
        if listed.received.iter().any(|r| !r.traces.is_empty()) {
            explain_records(&mut text, context, listed.received.iter().copied());
        }
        out.write_all(text.as_bytes())
    }

    fn tail(
        &self,
        out: &mut dyn io::Write,
        context: &Context,
        _apart: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
        unlisted: &[&EntityDecisions],
        any_member: bool,
    ) -> io::Result<()> {
        if unlisted.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        let title = if any_member {
            "other records"
        } else {
            "records"
        };
        let _ = writeln!(text, "\n{title}:");
        table(&mut text, context.data, unlisted, context.privacy);
        if unlisted.iter().any(|r| !r.traces.is_empty()) {
            explain_records(&mut text, context, unlisted.iter().copied());
        }
        out.write_all(text.as_bytes())
    }
}

/// A citation longer than this (in characters) is quoted once per report: a citation
/// names its clause, then (after `: `) quotes or explains it, which can take a paragraph
/// (a ruling's condition); printed whole the first time, its clause's name after.
const QUOTED_ONCE_BEYOND: usize = 120;

/// `cites …` for `node`: its citation, or the clause's name where it was quoted before.
fn cites(context: &Context, node: &TraceNode) -> String {
    let first = context.first_quote(&node.at);
    match node.cite.split_once(": ") {
        Some((clause, _)) if !first && node.cite.chars().count() > QUOTED_ONCE_BEYOND => {
            format!("cites {clause} (quoted above)")
        }
        _ => format!("cites {}", node.cite),
    }
}

fn outputs(out: &mut String, entity: &EntityDecisions, indent: &str, context: &Context) {
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
            Ok(value) => shown(
                context.privacy,
                &context.privacy.output(entity, index),
                value,
            ),
            Err(message) => format!("error: {message}"),
        };
        let mark = super::draft_mark(entity, index);
        let _ = writeln!(out, "{indent}{name:width$}  {shown}{mark}");
        if let Some((_, node)) = entity.traces.iter().find(|(n, _)| n == name) {
            explained.remove(&node.definition);
            explain(out, node, &format!("{indent}    "), &mut explained, context);
        }
    }
}

fn explain(
    out: &mut String,
    node: &TraceNode,
    indent: &str,
    explained: &mut HashSet<String>,
    context: &Context,
) {
    let privacy = context.privacy;
    let value = privacy.shown(&privacy.node(node), &node.value);
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
            cites(context, node),
            node.at
        );
        overrides_tried(out, node, indent, privacy);
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
    overrides_tried(out, node, indent, privacy);
    for failed in &node.failed {
        let _ = writeln!(
            out,
            "{indent}  not row {}: {}",
            failed.row,
            failed_text(failed, privacy)
        );
    }
    if let Some(condition) = &node.condition {
        let _ = writeln!(
            out,
            "{indent}  because {}",
            condition.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    let _ = writeln!(out, "{indent}  {} — at {}", cites(context, node), node.at);
    if !node.fields.is_empty() {
        let fields: Vec<String> = node
            .fields
            .iter()
            .map(|(name, value)| privacy.read(name, value))
            .collect();
        let _ = writeln!(out, "{indent}  read {}", fields.join(", "));
    }
    for child in &node.because {
        explain(out, child, &format!("{indent}  "), explained, context);
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
    context: &Context,
    records: impl Iterator<Item = &'a EntityDecisions>,
) {
    for record in records {
        let _ = writeln!(
            out,
            "\n  {}:",
            super::record_title(context.data, record.index)
        );
        outputs(out, record, "    ", context);
    }
}

/// The records as CAcert's points page shows them, then what was decided for each: two
/// tables, each led by the record's id, so that neither runs past a terminal's width.
fn table(out: &mut String, data: &Dataset, rows: &[&EntityDecisions], privacy: &Privacy) {
    let header = [
        "id", "date", "from", "to", "points", "awarded", "location", "method", "when", "deleted",
    ];
    let mut lines = vec![header.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for record in rows {
        let row = &data.records[record.index];
        let datetime = |d: Stamp| d.date().map_or(NOTHING.into(), |d| d.to_string());
        lines.push(vec![
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
        ]);
    }
    aligned(out, &lines);
    let Some(first) = rows.first() else { return };
    let mut header = vec!["id".to_string()];
    header.extend(first.outputs.iter().map(|(name, _)| name.clone()));
    let mut lines = vec![header];
    for record in rows {
        let mut cells = vec![record.id.to_string()];
        cells.extend(
            record
                .outputs
                .iter()
                .enumerate()
                .map(|(index, (_, value))| match value {
                    Ok(value) => {
                        shown(privacy, &privacy.output(record, index), value)
                            + &super::draft_mark(record, index)
                    }
                    Err(_) => "error".into(),
                }),
        );
        lines.push(cells);
    }
    out.push('\n');
    aligned(out, &lines);
}

/// What text shows for no value: a missing value and an empty list alike.
const NOTHING: &str = "-";

/// A value as text shows it: withheld when personal, `-` for nothing.
fn shown(privacy: &Privacy, carried: &[&str], value: &Value) -> String {
    match value {
        Value::Missing => NOTHING.into(),
        Value::List(items) if items.is_empty() && carried.is_empty() => NOTHING.into(),
        value => privacy.shown(carried, value),
    }
}

/// Lines of cells in columns, two spaces apart, indented by two.
fn aligned(out: &mut String, lines: &[Vec<String>]) {
    let columns = lines.first().map_or(0, Vec::len);
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
        out.push_str("  ");
        let start = out.len();
        for (index, (cell, width)) in line.iter().zip(&widths).enumerate() {
            if index > 0 {
                out.push_str("  ");
            }
            out.push_str(cell);
            let pad = width.saturating_sub(cell.chars().count());
            out.extend(std::iter::repeat_n(' ', pad));
        }
        let end = start + out.get(start..).map_or(0, |line| line.trim_end().len());
        out.truncate(end);
        out.push('\n');
    }
}
