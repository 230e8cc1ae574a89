//! MoinMoin wiki markup, as on wiki.cacert.org, for a ruling.

use super::escape_control;
use super::markup::{Item, Markup};

/// MoinMoin markup.
pub struct Moin;

impl Markup for Moin {
    fn text(&self, text: &str) -> String {
        let text = escape_control(text);
        if text.is_empty() {
            return text;
        }
        // Moin has no backslash escape: verbatim `{{{…}}}` turns markup off, and a `}}}`
        // inside is broken up so that it cannot close it early.
        if moin_markup(&text) {
            format!("{{{{{{{}}}}}}}", text.replace("}}}", "} } }"))
        } else {
            text
        }
    }

    fn code(&self, text: &str) -> String {
        let text = escape_control(text);
        format!("{{{{{{{}}}}}}}", text.replace("}}}", "} } }"))
    }

    fn bold(&self, text: &str) -> String {
        format!("'''{}'''", self.text(text))
    }

    fn heading(&self, level: usize, text: &str) -> String {
        let marks = "=".repeat(level);
        format!("{marks} {} {marks}\n", self.text(text))
    }

    fn table(&self, header: &[String], rows: &[Vec<String>]) -> String {
        let bold: Vec<String> = header.iter().map(|h| format!("'''{h}'''")).collect();
        let mut out = format!("||{}||\n", bold.join("||"));
        for row in rows {
            // An empty cell would read as `||||`, one cell spanning two columns.
            let cells: Vec<&str> = row
                .iter()
                .map(|cell| if cell.is_empty() { " " } else { cell.as_str() })
                .collect();
            out.push_str(&format!("||{}||\n", cells.join("||")));
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
        out.push_str(&format!("{} * {}\n", " ".repeat(depth), item.text));
        bullets(out, &item.children, depth + 1);
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
            .filter(|pair| matches!(pair, [a, b] if a.is_lowercase() && b.is_uppercase()))
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
