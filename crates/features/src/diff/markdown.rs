//! The diff as Markdown for a pull-request comment: a headline, the counts as tables, and
//! the first changed members and records with the rule responsible on each side, folded.

use std::fmt::Write;

use super::render::Versions;
use super::{Changes, Counts, EntityChanges, Summary, show};
use crate::report::{Item, Markdown, Markup, record_title};
use wotrules_core::data::Dataset;
use wotrules_core::words::counted;

/// How many changed members, and how many records, a comment lists (a pull-request comment
/// is read, not searched; the JSON has them all).
const LISTED: usize = 50;

/// Renders the diff as Markdown: every count, and unless only the counts were taken, the
/// first `LISTED` changed members and records with their responsible rules.
pub fn render_diff_markdown(
    data: &Dataset,
    versions: &Versions,
    changes: Option<&Changes>,
    counts: &Counts,
) -> String {
    let md = Markdown;
    let mut out = String::new();
    let headline = if counts.members_changed + counts.records_changed == 0 {
        "wotrules diff: no output changes".to_string()
    } else {
        format!(
            "wotrules diff: {} and {} decide differently",
            counted(counts.members_changed, "member"),
            counted(counts.records_changed, "record")
        )
    };
    out.push_str(&md.heading(3, &headline));
    let _ = writeln!(
        out,
        "\nAs of {}: {} ({}) → {} ({}).",
        data.as_of,
        md.code(versions.old.0),
        md.code(versions.old.1),
        md.code(versions.new.0),
        md.code(versions.new.1)
    );
    for (summary, noun) in [(&counts.members, "members"), (&counts.records, "records")] {
        counts_table(&mut out, summary, noun);
    }
    let Some(changes) = changes else {
        return out;
    };
    if changes.members.is_empty() && changes.records.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\n<details><summary>{}</summary>\n",
        listed_caption(changes)
    );
    let mut items = Vec::new();
    for member in changes.members.iter().take(LISTED) {
        let title = md.bold(&format!("member {}", member.id));
        items.push(entity(title, member, versions));
    }
    for record in changes.records.iter().take(LISTED) {
        let title = record_title(data, record.index);
        items.push(entity(md.bold(&title), record, versions));
    }
    out.push_str(&md.list(&items));
    out.push_str("\n</details>\n");
    out
}

/// One table of counts: output, old value, new value, how many.
fn counts_table(out: &mut String, summary: &Summary, noun: &str) {
    if summary.is_empty() {
        return;
    }
    let md = Markdown;
    let header: Vec<String> = ["output", "old", "new", noun]
        .iter()
        .map(|h| h.to_string())
        .collect();
    let rows: Vec<Vec<String>> = summary
        .iter()
        .map(|((output, old, new), tally)| {
            vec![
                md.code(output),
                md.text(old),
                md.text(new),
                tally.count.to_string(),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&md.table(&header, &rows));
}

fn listed_caption(changes: &Changes) -> String {
    let part = |count: usize, noun: &str| {
        if count > LISTED {
            format!("the first {LISTED} of {}", counted(count, noun))
        } else {
            counted(count, noun)
        }
    };
    format!(
        "Changed: {} and {}, with the rule responsible on each side",
        part(changes.members.len(), "member"),
        part(changes.records.len(), "record")
    )
}

/// A changed member or record as a list item titled `title`: each change, and under it the
/// rule responsible on each side.
fn entity(title: String, entity: &EntityChanges, versions: &Versions) -> Item {
    let md = Markdown;
    let mut item = Item::new(title);
    for change in &entity.changes {
        let line = format!(
            "{}: {} → {}",
            md.code(&change.output),
            md.text(&show(change.old.as_ref())),
            md.text(&show(change.new.as_ref()))
        );
        let mut changed = Item::new(line);
        let sides = [
            ("old", &change.old_rule, versions.roots.0),
            ("new", &change.new_rule, versions.roots.1),
        ];
        for (side, clause, root) in sides {
            if let Some(clause) = clause {
                let line = format!(
                    "{side}: {} = {}, {} at {}: {}",
                    md.code(&clause.definition),
                    md.text(&show(Some(&Ok(clause.value.clone())))),
                    md.text(&clause.clause),
                    md.code(&format!("{root}{}", clause.place)),
                    md.text(&clause.cite)
                );
                changed.children.push(Item::new(line));
            }
        }
        item.children.push(changed);
    }
    item
}
