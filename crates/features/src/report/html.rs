//! The HTML report: a page per run, a section per member with its outputs, each explained
//! (when asked) as a collapsible tree — the overrides tried, the rows that failed with what
//! they read, the row that held, its cite and where it is — then its records as the points
//! page shows them and what was decided for each. Personal data withheld as in every format.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;

use super::page::{self, escape};
use super::privacy::Privacy;
use super::text::{failed_text, skipped_text};
use super::{Context, Listed, Renderer};
use wotrules_core::data::Stamp;
use wotrules_core::eval::{EntityDecisions, TraceNode};
use wotrules_core::lang::Value;

/// Decisions as one self-contained HTML page.
pub struct Html;

impl Renderer for Html {
    fn head(&self, out: &mut dyn io::Write, context: &Context) -> io::Result<()> {
        let data = context.data;
        page::open(out, &format!("wotrules: decisions as of {}", data.as_of))?;
        writeln!(out, "<h1>Decisions as of {}</h1>", data.as_of)?;
        write!(
            out,
            "<p class=\"meta\">rules <code>{}</code>",
            escape(context.digest)
        )?;
        if let Some(ticket) = &data.request.ticket {
            write!(out, " · request <code>{}</code>", escape(ticket))?;
        }
        writeln!(out, "</p>")
    }

    fn member(
        &self,
        out: &mut dyn io::Write,
        context: &Context,
        listed: &Listed,
    ) -> io::Result<()> {
        let member = listed.member;
        let mut html = String::new();
        let _ = writeln!(
            html,
            "<section class=\"member\" id=\"member-{0}\">\n<h2>member {0}</h2>",
            member.id
        );
        outputs(&mut html, member, context);
        for (title, rows) in [("received", &listed.received), ("given", &listed.given)] {
            if !rows.is_empty() {
                let _ = writeln!(html, "<h3>records {title}</h3>");
                records(&mut html, context, rows);
            }
        }
        explained_records(&mut html, context, &listed.received);
        html.push_str("</section>\n");
        out.write_all(html.as_bytes())
    }

    fn tail(
        &self,
        out: &mut dyn io::Write,
        context: &Context,
        _apart: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
        unlisted: &[&EntityDecisions],
        any_member: bool,
    ) -> io::Result<()> {
        if !unlisted.is_empty() {
            let mut html = String::new();
            let title = if any_member {
                "other records"
            } else {
                "records"
            };
            let _ = writeln!(html, "<section>\n<h2>{title}</h2>");
            records(&mut html, context, unlisted);
            explained_records(&mut html, context, unlisted);
            html.push_str("</section>\n");
            out.write_all(html.as_bytes())?;
        }
        page::close(out)
    }
}

/// Each explained record under its title (the anchor the records table links to).
fn explained_records(html: &mut String, context: &Context, records: &[&EntityDecisions]) {
    for record in records.iter().filter(|r| !r.traces.is_empty()) {
        let _ = writeln!(
            html,
            "<h3 id=\"record-{}\">{}</h3>",
            record.id,
            escape(&super::record_title(context.data, record.index))
        );
        outputs(html, record, context);
    }
}

/// A value as the page shows it: escaped, or why it is withheld.
fn shown(privacy: &Privacy, carried: &[&str], value: &Value) -> String {
    if carried.is_empty() {
        match value {
            Value::Missing => "<span class=\"muted\">–</span>".into(),
            Value::List(items) if items.is_empty() => "<span class=\"muted\">–</span>".into(),
            value => escape(&value.to_string()),
        }
    } else {
        format!(
            "<span class=\"withheld\">{}</span>",
            escape(&privacy.shown(carried, value))
        )
    }
}

/// The outputs of a member or record as a table, each explained below it when traced.
fn outputs(html: &mut String, entity: &EntityDecisions, context: &Context) {
    let privacy = context.privacy;
    let rows: Vec<Vec<String>> = entity
        .outputs
        .iter()
        .enumerate()
        .map(|(index, (name, value))| {
            let mut value = match value {
                Ok(value) => shown(privacy, &privacy.output(entity, index), value),
                Err(error) => format!("error: {}", escape(&error.to_string())),
            };
            if let Some((_, id)) = entity.drafted.iter().find(|(output, _)| *output == index) {
                value.push_str(&format!(
                    " <span class=\"badge draft\">DRAFT {}</span>",
                    escape(id)
                ));
            }
            vec![format!("<code>{}</code>", escape(name)), value]
        })
        .collect();
    html.push_str(&page::table(&["output", "value"], &rows));
    let mut explained = HashSet::new();
    for (name, node) in &entity.traces {
        let _ = writeln!(
            html,
            "<div class=\"explained\" data-output=\"{}\">",
            escape(name)
        );
        explain(html, node, &mut explained, context, true);
        html.push_str("</div>\n");
    }
}

/// A trace node as a collapsible tree: its summary the definition, value and clause; open,
/// the overrides tried, the rows that failed, the condition that held, the cite and the
/// place, the fields read and the definitions it used, each in turn.
fn explain(
    html: &mut String,
    node: &TraceNode,
    explained: &mut HashSet<String>,
    context: &Context,
    open: bool,
) {
    let privacy = context.privacy;
    let value = shown(privacy, &privacy.node(node), &node.value);
    let summary = format!(
        "<code>{}</code> = {value} <span class=\"muted\">— {}</span>",
        escape(&node.definition),
        escape(&node.clause)
    );
    if !explained.insert(node.definition.clone()) {
        let _ = writeln!(
            html,
            "<div>{summary} <span class=\"badge\">explained above</span></div>"
        );
        return;
    }
    let _ = writeln!(
        html,
        "<details{}><summary>{summary}</summary>\n<ul class=\"trace\">",
        if open { " open" } else { "" }
    );
    for skipped in &node.overrides_tried {
        let _ = writeln!(
            html,
            "<li>not {}</li>",
            escape(&skipped_text(skipped, privacy))
        );
    }
    for failed in &node.failed {
        let _ = writeln!(
            html,
            "<li>not row {}: <code>{}</code></li>",
            failed.row,
            escape(&failed_text(failed, privacy))
        );
    }
    if let Some(condition) = &node.condition {
        let condition = condition.split_whitespace().collect::<Vec<_>>().join(" ");
        let _ = writeln!(html, "<li>because <code>{}</code></li>", escape(&condition));
    }
    if !node.tried.is_empty() {
        let _ = writeln!(html, "<li>tried {}</li>", escape(&node.tried.join(", ")));
    }
    let _ = writeln!(
        html,
        "<li>cites {} — at <a href=\"{}\"><code>{}</code></a></li>",
        escape(&node.cite),
        escape(&format!("{}{}", context.root, node.location.rule_file)),
        escape(&node.at)
    );
    if !node.fields.is_empty() {
        let fields: Vec<String> = node
            .fields
            .iter()
            .map(|(name, value)| privacy.read(name, value))
            .collect();
        let _ = writeln!(
            html,
            "<li>read <code>{}</code></li>",
            escape(&fields.join(", "))
        );
    }
    for child in &node.because {
        html.push_str("<li>");
        explain(html, child, explained, context, false);
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n</details>\n");
}

/// Records as the points page shows them, then what was decided for each.
fn records(html: &mut String, context: &Context, rows: &[&EntityDecisions]) {
    let data = context.data;
    let datetime = |d: Stamp| d.date().map_or("–".into(), |d| d.to_string());
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|record| {
            let row = &data.records[record.index];
            vec![
                row.id.to_string(),
                escape(data.text(row.date)),
                row.from.to_string(),
                row.to.to_string(),
                row.points.to_string(),
                row.awarded.to_string(),
                escape(data.text(row.location)),
                escape(data.text(row.method)),
                datetime(row.when),
                datetime(row.deleted),
            ]
        })
        .collect();
    let header = [
        "id", "date", "from", "to", "points", "awarded", "location", "method", "when", "deleted",
    ];
    html.push_str(&page::table(&header, &lines));
    let Some(first) = rows.first() else { return };
    let mut header = vec!["id"];
    header.extend(first.outputs.iter().map(|(name, _)| name.as_str()));
    let decided: Vec<Vec<String>> = rows
        .iter()
        .map(|record| {
            // The id links to the record's explanation, when it has one on the page.
            let mut cells = vec![match record.traces.is_empty() {
                true => record.id.to_string(),
                false => format!("<a href=\"#record-{0}\">{0}</a>", record.id),
            }];
            cells.extend(record.outputs.iter().enumerate().map(
                |(index, (_, value))| match value {
                    Ok(value) => shown(
                        context.privacy,
                        &context.privacy.output(record, index),
                        value,
                    ),
                    Err(_) => "error".into(),
                },
            ));
            cells
        })
        .collect();
    html.push_str(&page::table(&header, &decided));
}
