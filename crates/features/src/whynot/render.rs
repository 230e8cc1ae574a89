//! Why not: the answer rendered — as text, as one JSON document, and as the "What would
//! change this" section of a ruling (Markdown or MoinMoin).

use std::fmt::Write as _;

use serde::Serialize;

use super::{MAX_CHANGES, Obstacle, WhyNot};
use crate::report::{FailedRowJson, Item, JsonHeader, Markup, Privacy, failed_text, to_text};
use wotrules_core::lang::Value;

/// "Why not OUTPUT = VALUE": what stands in the way, and the smallest changes that give it.
pub fn render_why_not(
    entity: &str,
    output: &str,
    wanted: &Value,
    answer: &WhyNot,
    can_change: bool,
    privacy: &Privacy,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "why not {output} = {wanted} for {entity}? It is {}.",
        answer.current
    );
    if answer.current == *wanted {
        let _ = writeln!(out, "  it already is: nothing needs to change");
        return out;
    }
    if !answer.obstacles.is_empty() {
        let _ = writeln!(out, "  what stands in the way:");
        for obstacle in &answer.obstacles {
            let reason = obstacle_text(obstacle, privacy);
            let _ = writeln!(
                out,
                "    {} row {} ({}): {reason}\n      cites {}",
                obstacle.definition, obstacle.row, obstacle.at, obstacle.cite
            );
        }
    }
    for (file, from) in &answer.not_in_force {
        let from = from.map_or("a later date".to_string(), |d| d.to_string());
        let _ = writeln!(
            out,
            "  {file} is not in force as of this date (from {from}): no change of the data makes its rules apply; ask as of a later date"
        );
    }
    if !can_change {
        let _ = writeln!(
            out,
            "  the changes `why_not` allows (rules/schema.yaml) are to a member's data: a record's own fields are as they were entered"
        );
        return out;
    }
    if answer.suggestions.is_empty() {
        let _ = writeln!(
            out,
            "  no set of at most {} changes of the kinds rules/schema.yaml `why_not` allows gives it ({} sets tried)",
            MAX_CHANGES, answer.evaluated
        );
        return out;
    }
    let _ = writeln!(
        out,
        "  the smallest changes that give it (each verified by re-evaluating the changed data with the same rules; {} sets tried):",
        answer.evaluated
    );
    for (number, suggestion) in answer.suggestions.iter().enumerate() {
        let changes: Vec<String> = suggestion.changes.iter().map(|c| c.to_string()).collect();
        let _ = writeln!(out, "    {}. {}", number + 1, changes.join(", "));
        let mut cites = suggestion.cites.clone();
        cites.dedup();
        let _ = writeln!(out, "       cites {}", cites.join("; "));
    }
    out
}

/// What fails in an obstacle: the part of its row, or the earlier row that holds first.
fn obstacle_text(obstacle: &Obstacle, privacy: &Privacy) -> String {
    if obstacle.earlier_row_holds {
        format!(
            "row {} holds first: {}",
            obstacle.failed.row,
            failed_text(&obstacle.failed, privacy)
        )
    } else {
        match &obstacle.gap {
            Some(gap) => {
                let gap = if *gap < 0 {
                    format!("{} fewer", gap.unsigned_abs())
                } else {
                    format!("{gap} more")
                };
                format!("{}: {gap} needed", failed_text(&obstacle.failed, privacy))
            }
            None => failed_text(&obstacle.failed, privacy),
        }
    }
}

/// `--why-not` as one JSON document.
pub fn render_why_not_json(
    entity: (&str, i64),
    output: &str,
    wanted: &Value,
    answer: &WhyNot,
    privacy: &Privacy,
) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        #[serde(flatten)]
        stamp: JsonHeader,
        scope: &'a str,
        id: i64,
        output: &'a str,
        wanted: &'a Value,
        current: &'a Value,
        obstacles: Vec<ObstacleJson<'a>>,
        suggestions: Vec<SuggestionJson>,
        sets_evaluated: usize,
        not_in_force: Vec<serde_json::Value>,
    }
    #[derive(Serialize)]
    struct ObstacleJson<'a> {
        definition: &'a str,
        row: usize,
        at: &'a str,
        cite: &'a str,
        earlier_row_holds: bool,
        gap: Option<i64>,
        failed: FailedRowJson<'a>,
    }
    #[derive(Serialize)]
    struct SuggestionJson {
        changes: Vec<String>,
        cites: Vec<String>,
    }
    to_text(&Document {
        stamp: JsonHeader::current(),
        scope: entity.0,
        id: entity.1,
        output,
        wanted,
        current: &answer.current,
        obstacles: answer
            .obstacles
            .iter()
            .map(|o| ObstacleJson {
                definition: &o.definition,
                row: o.row,
                at: &o.at,
                cite: &o.cite,
                earlier_row_holds: o.earlier_row_holds,
                gap: o.gap,
                failed: FailedRowJson(&o.failed, privacy),
            })
            .collect(),
        suggestions: answer
            .suggestions
            .iter()
            .map(|s| SuggestionJson {
                changes: s.changes.iter().map(|c| c.to_string()).collect(),
                cites: s.cites.clone(),
            })
            .collect(),
        sets_evaluated: answer.evaluated,
        not_in_force: answer
            .not_in_force
            .iter()
            .map(|(file, from)| serde_json::json!({"rule_file": file, "effective_from": from.map(|d| d.to_string())}))
            .collect(),
    })
}

/// "What would change this", for a ruling: what stands in the way of `wanted`, and the
/// smallest changes that give it, each verified and cited.
pub fn render_why_not_wiki(
    markup: &dyn Markup,
    entity: &str,
    output: &str,
    wanted: &Value,
    answer: &WhyNot,
    can_change: bool,
    privacy: &Privacy,
) -> String {
    let mut out = markup.heading(
        2,
        &format!("What would change this: {output} = {wanted} for {entity}"),
    );
    out.push('\n');
    let _ = writeln!(
        out,
        "{}\n",
        markup.text(&format!("Now: {output} = {}.", answer.current))
    );
    let mut standing = Vec::new();
    for obstacle in &answer.obstacles {
        let reason = obstacle_text(obstacle, privacy);
        standing.push(Item::new(format!(
            "{} ({} row {}, {}): {}",
            markup.text(&obstacle.cite),
            markup.text(&obstacle.definition),
            obstacle.row,
            markup.text(&obstacle.at),
            markup.code(&reason)
        )));
    }
    for (file, from) in &answer.not_in_force {
        let from = from.map_or("a later date".to_string(), |d| d.to_string());
        standing.push(Item::new(markup.text(&format!(
            "{file} is not in force as of this date (from {from}): no change of the data makes its rules apply"
        ))));
    }
    out.push_str(&markup.list(&standing));
    let closing = if answer.current == *wanted {
        "It already is.".to_string()
    } else if !can_change {
        "A record's own fields are as they were entered: no change of the data gives it.".into()
    } else if answer.suggestions.is_empty() {
        format!(
            "No set of at most {} changes of the kinds the rules allow gives it.",
            MAX_CHANGES
        )
    } else {
        "The smallest changes that give it (each verified by re-evaluating the changed data with the same rules):".into()
    };
    let _ = writeln!(out, "\n{}\n", markup.text(&closing));
    let suggestions: Vec<Item> = answer
        .suggestions
        .iter()
        .map(|suggestion| {
            let changes: Vec<String> = suggestion.changes.iter().map(|c| c.to_string()).collect();
            let mut cites = suggestion.cites.clone();
            cites.dedup();
            Item::new(format!(
                "{} ({})",
                markup.text(&changes.join(", ")),
                markup.text(&cites.join("; "))
            ))
        })
        .collect();
    out.push_str(&markup.list(&suggestions));
    out
}
