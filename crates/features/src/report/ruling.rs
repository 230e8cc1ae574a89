//! A ruling: decisions as an arbitrator pastes them into a ruling, in any [`Markup`].
//!
//! Per member: the decision, the records table as CAcert's points page shows it (Id, Date,
//! Who, Points, Location, Method, then the decisions), and under each decision the cited
//! chain of rules. Free text from the data is escaped: it is never markup.

use std::collections::HashSet;
use std::io::{self, Write};

use wotrules_core::data::Dataset;
use wotrules_core::eval::{EntityDecisions, EvalError, TraceNode};
use wotrules_core::lang::Value;

use super::markup::{Item, Markup};
use super::privacy::{Privacy, withheld_text};
use super::text::{failed_text, skipped_text};
use super::{Context, Listed, Renderer};

/// Decisions as a ruling in `markup`.
pub struct Ruling(pub &'static dyn Markup);

impl Renderer for Ruling {
    fn head(&self, out: &mut dyn Write, context: &Context) -> io::Result<()> {
        let markup = self.0;
        let data = context.data;
        let mut head = format!("Rules {}", context.digest);
        if let Some(ticket) = &data.request.ticket {
            head.push_str(&format!(", request {ticket}"));
        }
        let title = markup.heading(1, &format!("wotrules decision as of {}", data.as_of));
        write!(out, "{title}\n{}\n\n", markup.text(&head))
    }

    fn member(&self, out: &mut dyn Write, context: &Context, listed: &Listed) -> io::Result<()> {
        let markup = self.0;
        let (member, privacy) = (listed.member, context.privacy);
        let mut text = markup.heading(2, &format!("Member {}", member.id));
        text.push('\n');
        let rows: Vec<Vec<String>> = member
            .outputs
            .iter()
            .enumerate()
            .map(|(index, (name, value))| {
                let value = shown(value, &privacy.output(member, index));
                let mark = super::draft_mark(member, index);
                vec![markup.text(name), markup.bold(&value) + &markup.text(&mark)]
            })
            .collect();
        text.push_str(&markup.table(&["Output".into(), "Decision".into()], &rows));
        for (title, records, received) in [
            ("Assurances received", &listed.received, true),
            ("Assurances given", &listed.given, false),
        ] {
            if !records.is_empty() {
                text.push('\n');
                text.push_str(&markup.heading(3, title));
                text.push('\n');
                text.push_str(&records_table(
                    markup,
                    context.data,
                    records,
                    received,
                    privacy,
                ));
            }
        }
        let record_traces = listed.received.iter().any(|r| !r.traces.is_empty());
        if !member.traces.is_empty() || record_traces {
            text.push('\n');
            text.push_str(&markup.heading(3, "Why"));
            text.push('\n');
            let mut explained = HashSet::new();
            let items: Vec<Item> = member
                .traces
                .iter()
                .map(|(name, node)| explain(markup, name, node, true, &mut explained, privacy))
                .collect();
            text.push_str(&markup.list(&items));
            for record in &listed.received {
                text.push_str(&explain_record(markup, record, 4, privacy));
            }
        }
        text.push('\n');
        out.write_all(text.as_bytes())
    }

    fn tail(
        &self,
        out: &mut dyn Write,
        context: &Context,
        _apart: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
        unlisted: &[&EntityDecisions],
        _any_member: bool,
    ) -> io::Result<()> {
        // Records asked for on their own (`--record`), or of no member listed.
        if unlisted.is_empty() {
            return Ok(());
        }
        let markup = self.0;
        let mut text = markup.heading(2, "Records");
        text.push('\n');
        text.push_str(&records_table(
            markup,
            context.data,
            unlisted,
            true,
            context.privacy,
        ));
        for record in unlisted {
            text.push_str(&explain_record(markup, record, 3, context.privacy));
        }
        text.push('\n');
        out.write_all(text.as_bytes())
    }
}

/// A record's explanations under a heading of `level`, when there are any.
fn explain_record(
    markup: &dyn Markup,
    record: &EntityDecisions,
    level: usize,
    privacy: &Privacy,
) -> String {
    if record.traces.is_empty() {
        return String::new();
    }
    let mut text = String::from("\n");
    text.push_str(&markup.heading(level, &format!("Record {}", record.id)));
    text.push('\n');
    let mut explained = HashSet::new();
    let items: Vec<Item> = record
        .traces
        .iter()
        .map(|(name, node)| explain(markup, name, node, true, &mut explained, privacy))
        .collect();
    text.push_str(&markup.list(&items));
    text
}

/// A decision in a cell: `—` for a missing value or an empty list, never `null` or `[]`;
/// withheld when it carries the personal fields `carried`.
fn shown(value: &Result<Value, EvalError>, carried: &[&str]) -> String {
    if value.is_ok() && !carried.is_empty() {
        return withheld_text(None, carried);
    }
    match value {
        Ok(Value::Missing) => "—".into(),
        Ok(Value::List(items)) if items.is_empty() => "—".into(),
        Ok(Value::Text(text)) => free_text(text),
        Ok(value) => value.to_string(),
        Err(message) => format!("error: {message}"),
    }
}

/// Free text from the data: an empty or blank text reads `""` (quoted), not as an empty cell.
fn free_text(text: &str) -> String {
    if text.trim().is_empty() {
        format!("\"{text}\"")
    } else {
        text.to_string()
    }
}

/// The points page's columns, then one column per record output.
fn records_table(
    markup: &dyn Markup,
    data: &Dataset,
    rows: &[&EntityDecisions],
    received: bool,
    privacy: &Privacy,
) -> String {
    let mut header: Vec<String> = ["Id", "Date", "When", "Who", "Points", "Location", "Method"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(first) = rows.first() {
        header.extend(first.outputs.iter().map(|(name, _)| markup.text(name)));
    }
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|record| {
            let row = &data.records[record.index];
            let who = if received { row.from } else { row.to };
            let when = row.when.get().map_or("—".to_string(), |when| {
                when.format("%Y-%m-%d %H:%M:%S").to_string()
            });
            let mut cells = vec![
                row.id.to_string(),
                markup.text(&free_text(data.text(row.date))),
                when,
                who.to_string(),
                row.points.to_string(),
                markup.text(&free_text(data.text(row.location))),
                markup.text(&free_text(data.text(row.method))),
            ];
            cells.extend(record.outputs.iter().enumerate().map(|(index, (_, v))| {
                let mark = super::draft_mark(record, index);
                markup.text(&(shown(v, &privacy.output(record, index)) + &mark))
            }));
            cells
        })
        .collect();
    markup.table(&header, &lines)
}

/// One decision and the chain under it, as a list item; a definition already explained
/// for this member or record is named, not explained again (`top`: a decision of its own).
fn explain(
    markup: &dyn Markup,
    name: &str,
    node: &TraceNode,
    top: bool,
    explained: &mut HashSet<String>,
    privacy: &Privacy,
) -> Item {
    let value = shown(&Ok(node.value.clone()), &privacy.node(node));
    let title = if top {
        format!("{} = {}", markup.bold(name), markup.bold(&value))
    } else {
        format!(
            "{} = {}",
            markup.text(&node.definition),
            markup.text(&value)
        )
    };
    // A decision of its own is always explained; what it reads, once.
    if !explained.insert(node.definition.clone()) && !top {
        return Item::new(format!("{title} (explained above)"));
    }
    let mut line = format!("{title}: {}", markup.text(&node.cite));
    if let Some(condition) = &node.condition {
        let condition = condition.split_whitespace().collect::<Vec<_>>().join(" ");
        line.push_str(&format!(", because {}", markup.code(&condition)));
    }
    line.push_str(&format!(
        " ({}, {})",
        markup.text(&node.clause),
        markup.text(&node.at)
    ));
    if !node.tried.is_empty() {
        line.push_str(&format!("; tried {}", markup.text(&node.tried.join(", "))));
    }
    if !node.fields.is_empty() {
        let fields: Vec<String> = node
            .fields
            .iter()
            .map(|(name, value)| privacy.read(name, value))
            .collect();
        line.push_str(&format!("; read {}", markup.text(&fields.join(", "))));
    }
    let mut item = Item::new(line);
    for skipped in &node.overrides_tried {
        let text = skipped_text(skipped, privacy);
        item.children
            .push(Item::new(format!("not {}", markup.text(&text))));
    }
    for failed in &node.failed {
        let text = failed_text(failed, privacy);
        item.children.push(Item::new(format!(
            "not row {}: {}",
            failed.row,
            markup.text(&text)
        )));
    }
    if !node.trivial {
        for child in &node.because {
            let child = explain(markup, &child.definition, child, false, explained, privacy);
            item.children.push(child);
        }
    }
    item
}
