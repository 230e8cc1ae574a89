//! Reports an arbitrator pastes into a ruling: Markdown, or MoinMoin markup (the CAcert wiki).
//!
//! Per member: the decision, the records table as CAcert's points page shows it (Id, Date,
//! Who, Points, Location, Method, then the decisions), and under each decision the cited
//! chain of rules. Free text from the data is escaped: it is never markup.

use std::collections::HashSet;
use std::fmt::Write;

use super::escape_control;
use super::privacy::Privacy;
use wotrules_core::data::Dataset;
use wotrules_core::eval::{Decisions, EntityDecisions, EvalError, TraceNode};
use wotrules_core::lang::{Direction, Value};

/// The wiki dialect written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// CommonMark with GitHub tables.
    Markdown,
    /// MoinMoin wiki markup, as on wiki.cacert.org.
    Moin,
}

impl Markup {
    pub(crate) fn heading(self, level: usize, text: &str) -> String {
        match self {
            Markup::Markdown => format!("{} {}\n", "#".repeat(level), self.text(text)),
            Markup::Moin => {
                let marks = "=".repeat(level);
                format!("{marks} {} {marks}\n", self.text(text))
            }
        }
    }

    /// Text as data: markup characters escaped, control characters made visible.
    pub fn text(self, text: &str) -> String {
        let text = escape_control(text);
        match self {
            Markup::Markdown => {
                let mut out = String::with_capacity(text.len());
                for c in text.chars() {
                    if "\\`*_[]<>|~&".contains(c) {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out
            }
            Markup::Moin => {
                if text.is_empty() {
                    return text;
                }
                // Moin has no backslash escape: verbatim `{{{…}}}` turns markup off, and
                // a `}}}` inside is broken up so that it cannot close it early.
                if moin_markup(&text) {
                    format!("{{{{{{{}}}}}}}", text.replace("}}}", "} } }"))
                } else {
                    text
                }
            }
        }
    }

    /// Rule text (a condition) as code.
    pub(crate) fn code(self, text: &str) -> String {
        let text = escape_control(text);
        match self {
            Markup::Markdown => {
                let mut fence = String::from("`");
                while text.contains(&fence) {
                    fence.push('`');
                }
                format!("{fence} {text} {fence}")
            }
            Markup::Moin => format!("{{{{{{{}}}}}}}", text.replace("}}}", "} } }")),
        }
    }

    pub(crate) fn bold(self, text: &str) -> String {
        match self {
            Markup::Markdown => format!("**{}**", self.text(text)),
            Markup::Moin => format!("'''{}'''", self.text(text)),
        }
    }

    pub(crate) fn table(self, out: &mut String, header: &[String], rows: &[Vec<String>]) {
        match self {
            Markup::Markdown => {
                let _ = writeln!(out, "| {} |", header.join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
                for row in rows {
                    let _ = writeln!(out, "| {} |", row.join(" | "));
                }
            }
            Markup::Moin => {
                let bold: Vec<String> = header.iter().map(|h| format!("'''{h}'''")).collect();
                let _ = writeln!(out, "||{}||", bold.join("||"));
                for row in rows {
                    // An empty cell would read as `||||`, one cell spanning two columns.
                    let cells: Vec<&str> = row
                        .iter()
                        .map(|cell| if cell.is_empty() { " " } else { cell.as_str() })
                        .collect();
                    let _ = writeln!(out, "||{}||", cells.join("||"));
                }
            }
        }
    }

    pub(crate) fn bullet(self, depth: usize, text: &str) -> String {
        match self {
            Markup::Markdown => format!("{}- {text}\n", "  ".repeat(depth)),
            Markup::Moin => format!("{} * {text}\n", " ".repeat(depth)),
        }
    }
}

/// Whether MoinMoin would read `text` as markup: quotes, underlines, links, macros, tables,
/// super- and subscripts, strike-through, comments and headings, or a CamelCase WikiName.
fn moin_markup(text: &str) -> bool {
    const MARKS: [&str; 16] = [
        "''", "__", "^", ",,", "~-", "~+", "--", "[[", "]]", "{{", "}}", "<<", ">>", "||", "`",
        "##",
    ];
    let wiki_name = |word: &str| {
        let letters: Vec<char> = word.chars().collect();
        let humps = letters
            .windows(2)
            .filter(|pair| pair[0].is_lowercase() && pair[1].is_uppercase())
            .count();
        letters.first().is_some_and(|c| c.is_uppercase()) && humps >= 1
    };
    // A `|` next to a cell's `||` reads as more cells; `<…>` at a cell's start as its
    // attributes (`<tablestyle="display:none">`, `<-6>` colspan).
    MARKS.iter().any(|mark| text.contains(mark))
        || text.contains('|')
        || text.trim_start().starts_with('<')
        || text.trim_start().starts_with('=')
        || text.split(|c: char| !c.is_alphanumeric()).any(wiki_name)
}

/// Renders decisions (with their traces, when explained) in `markup` for a ruling,
/// personal data as `privacy` allows.
pub fn render_wiki(
    markup: Markup,
    data: &Dataset,
    digest: &str,
    decisions: &Decisions,
    privacy: &Privacy,
) -> String {
    let mut out = String::new();
    out.push_str(&markup.heading(1, &format!("wotrules decision as of {}", data.as_of)));
    let mut head = format!("Rules {digest}");
    if let Some(ticket) = &data.request.ticket {
        head.push_str(&format!(", request {ticket}"));
    }
    let _ = writeln!(out, "\n{}\n", markup.text(&head));
    let records: std::collections::HashMap<usize, &EntityDecisions> =
        decisions.records.iter().map(|r| (r.index, r)).collect();
    for member in &decisions.members {
        out.push_str(&markup.heading(2, &format!("Member {}", member.id)));
        out.push('\n');
        let rows: Vec<Vec<String>> = member
            .outputs
            .iter()
            .enumerate()
            .map(|(index, (name, value))| {
                let value = shown(value, &privacy.output(member, index));
                vec![markup.text(name), markup.bold(&value)]
            })
            .collect();
        markup.table(&mut out, &["Output".into(), "Decision".into()], &rows);
        for (title, direction, received) in [
            ("Assurances received", Direction::Received, true),
            ("Assurances given", Direction::Given, false),
        ] {
            let rows: Vec<&EntityDecisions> = data
                .records_of(member.index, direction)
                .iter()
                .filter_map(|&i| records.get(&(i as usize)).copied())
                .collect();
            if !rows.is_empty() {
                out.push('\n');
                out.push_str(&markup.heading(3, title));
                out.push('\n');
                records_table(markup, &mut out, data, &rows, received, privacy);
            }
        }
        let record_traces = data
            .received(member.index)
            .any(|i| records.get(&i).is_some_and(|r| !r.traces.is_empty()));
        if !member.traces.is_empty() || record_traces {
            out.push('\n');
            out.push_str(&markup.heading(3, "Why"));
            out.push('\n');
            let mut explained = HashSet::new();
            for (name, node) in &member.traces {
                explain(markup, &mut out, name, node, 0, &mut explained, privacy);
            }
            for index in data.received(member.index) {
                if let Some(record) = records.get(&index) {
                    explain_record(markup, &mut out, record, 4, privacy);
                }
            }
        }
        out.push('\n');
    }
    // Records asked for on their own (`--record`), or of no member listed.
    let listed: HashSet<usize> = decisions
        .members
        .iter()
        .flat_map(|m| data.received(m.index).chain(data.given(m.index)))
        .collect();
    let others: Vec<&EntityDecisions> = decisions
        .records
        .iter()
        .filter(|r| !listed.contains(&r.index))
        .collect();
    if !others.is_empty() {
        out.push_str(&markup.heading(2, "Records"));
        out.push('\n');
        records_table(markup, &mut out, data, &others, true, privacy);
        for record in others {
            explain_record(markup, &mut out, record, 3, privacy);
        }
        out.push('\n');
    }
    out
}

/// A record's explanations under a heading of `level`, when there are any.
fn explain_record(
    markup: Markup,
    out: &mut String,
    record: &EntityDecisions,
    level: usize,
    privacy: &Privacy,
) {
    if record.traces.is_empty() {
        return;
    }
    out.push('\n');
    out.push_str(&markup.heading(level, &format!("Record {}", record.id)));
    out.push('\n');
    let mut explained = HashSet::new();
    for (name, node) in &record.traces {
        explain(markup, out, name, node, 0, &mut explained, privacy);
    }
}

/// A decision in a cell: `—` for a missing value or an empty list, never `null` or `[]`;
/// withheld when it carries the personal fields `carried`.
fn shown(value: &Result<Value, EvalError>, carried: &[&str]) -> String {
    if value.is_ok() && !carried.is_empty() {
        return super::privacy::withheld_text(None, carried);
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
    markup: Markup,
    out: &mut String,
    data: &Dataset,
    rows: &[&EntityDecisions],
    received: bool,
    privacy: &Privacy,
) {
    let mut header: Vec<String> = ["Id", "Date", "When", "Who", "Points", "Location", "Method"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(first) = rows.first() {
        header.extend(first.outputs.iter().map(|(name, _)| markup.text(name)));
    }
    let lines: Vec<Vec<String>> =
        rows.iter()
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
                cells.extend(
                    record.outputs.iter().enumerate().map(|(index, (_, v))| {
                        markup.text(&shown(v, &privacy.output(record, index)))
                    }),
                );
                cells
            })
            .collect();
    markup.table(out, &header, &lines);
}

/// One decision and the chain under it; a definition already explained for this member or
/// record is named, not explained again.
fn explain(
    markup: Markup,
    out: &mut String,
    name: &str,
    node: &TraceNode,
    depth: usize,
    explained: &mut HashSet<String>,
    privacy: &Privacy,
) {
    let value = shown(&Ok(node.value.clone()), &privacy.node(node));
    let title = if depth == 0 {
        format!("{} = {}", markup.bold(name), markup.bold(&value))
    } else {
        format!(
            "{} = {}",
            markup.text(&node.definition),
            markup.text(&value)
        )
    };
    // A decision of its own is always explained; what it reads, once.
    if !explained.insert(node.definition.clone()) && depth > 0 {
        out.push_str(&markup.bullet(depth, &format!("{title} (explained above)")));
        return;
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
    out.push_str(&markup.bullet(depth, &line));
    for skipped in &node.overrides_tried {
        let text = super::text::skipped_text(skipped, privacy);
        out.push_str(&markup.bullet(depth + 1, &format!("not {}", markup.text(&text))));
    }
    for failed in &node.failed {
        let text = super::text::failed_text(failed, privacy);
        out.push_str(&markup.bullet(
            depth + 1,
            &format!("not row {}: {}", failed.row, markup.text(&text)),
        ));
    }
    if node.trivial {
        return;
    }
    for child in &node.because {
        explain(
            markup,
            out,
            &child.definition,
            child,
            depth + 1,
            explained,
            privacy,
        );
    }
}
