//! The one HTML page every HTML output is written in: self-contained (its style inline, no
//! script or font from elsewhere: it works opened from disk, offline), text escaped.

use std::io::{self, Write};

/// Text as HTML shows it: `&`, `<`, `>`, `"` and `'` escaped, control characters made
/// visible.
pub fn escape(text: &str) -> String {
    let visible = super::escape_control(text);
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The style of every page: readable without it, printable with it.
const STYLE: &str = "
:root { --ink: #1d2330; --muted: #5b6475; --line: #d8dde6; --accent: #0b5cad;
        --old: #b4461f; --new: #1f7a4d; --draft: #8a5a00; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 72rem; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
p.meta, .muted { color: var(--muted); }
code, .mono { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: .9em; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .25rem .55rem; text-align: left;
         vertical-align: top; }
th { background: #f2f4f8; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
a { color: var(--accent); }
details { margin: .15rem 0 .15rem 1rem; }
details > summary { cursor: pointer; }
ul.trace { margin: .2rem 0 .4rem; padding-left: 1.2rem; }
ul.trace li { margin: .1rem 0; }
.withheld { color: var(--muted); font-style: italic; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .6rem; font-size: .8em;
         background: #eef1f6; color: var(--muted); }
.draft { background: #fff4dc; color: var(--draft); font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: .4rem; padding: .6rem 1rem;
        min-width: 10rem; }
.card .figure { font-size: 1.6rem; font-weight: 600; }
svg { max-width: 100%; height: auto; }
nav.top { margin-bottom: 1rem; }
input[type=search] { font: inherit; padding: .3rem .5rem; width: 24rem; max-width: 100%; }
";

/// Writes the page's start: the doctype, the title, the style, and the opening of `<main>`.
pub fn open(out: &mut dyn Write, title: &str) -> io::Result<()> {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"wotrules {}\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        env!("CARGO_PKG_VERSION"),
        escape(title)
    )
}

/// The page's start as text, for a page built in memory.
pub fn start(title: &str) -> String {
    let mut out = Vec::new();
    // Writing to memory does not fail.
    let _ = open(&mut out, title);
    String::from_utf8(out).unwrap_or_default()
}

/// How every page ends.
pub const END: &str = "</main>\n</body>\n</html>\n";

/// Writes the page's end.
pub fn close(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(END.as_bytes())
}

/// A table: a header row and rows of cells already HTML; cells that are numbers align right.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let numeric = |cell: &str| !cell.is_empty() && cell.parse::<f64>().is_ok();
    let mut html = String::from("<table>\n<thead><tr>");
    for cell in header {
        html.push_str(&format!("<th>{}</th>", escape(cell)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        html.push_str("<tr>");
        for cell in row {
            let class = if numeric(cell) { " class=\"num\"" } else { "" };
            html.push_str(&format!("<td{class}>{cell}</td>"));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_data_is_text() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
