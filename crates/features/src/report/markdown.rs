//! Markdown (CommonMark with GitHub tables), for a ruling or a pull-request comment.

use super::escape_control;
use super::markup::{Item, Markup};

/// Markdown.
pub struct Markdown;

impl Markup for Markdown {
    fn text(&self, text: &str) -> String {
        let text = escape_control(text);
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if "\\`*_[]<>|~&".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }

    fn code(&self, text: &str) -> String {
        let text = escape_control(text);
        let mut fence = String::from("`");
        while text.contains(&fence) {
            fence.push('`');
        }
        format!("{fence} {text} {fence}")
    }

    fn bold(&self, text: &str) -> String {
        format!("**{}**", self.text(text))
    }

    fn heading(&self, level: usize, text: &str) -> String {
        format!("{} {}\n", "#".repeat(level), self.text(text))
    }

    fn table(&self, header: &[String], rows: &[Vec<String>]) -> String {
        let mut out = format!(
            "| {} |\n|{}\n",
            header.join(" | "),
            "---|".repeat(header.len())
        );
        for row in rows {
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        out
    }

    fn list(&self, items: &[Item]) -> String {
        let mut out = String::new();
        bullets(&mut out, items, 0);
        out
    }
}

fn bullets(out: &mut String, items: &[Item], depth: usize) {
    for item in items {
        out.push_str(&format!("{}- {}\n", "  ".repeat(depth), item.text));
        bullets(out, &item.children, depth + 1);
    }
}
