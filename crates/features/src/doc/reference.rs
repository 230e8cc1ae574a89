//! `rules/REFERENCE.md` as a page: its `§` sections with anchors, and cites linked to them.

use crate::report::page::escape;

/// The anchor of section `§5.2`: `s5.2`.
pub(super) fn anchor(section: &str) -> String {
    format!("s{}", section.trim_start_matches('§'))
}

/// The sections of the reference: (`§5.2`, heading).
pub(super) fn sections(markdown: &str) -> Vec<(String, String)> {
    markdown
        .lines()
        .filter_map(|line| {
            let heading = line.trim_start_matches('#');
            (line.starts_with('#') && heading.trim_start().starts_with('§')).then(|| {
                let heading = heading.trim();
                let section = heading
                    .split_whitespace()
                    .next()
                    .unwrap_or(heading)
                    .to_owned();
                (section, heading.to_owned())
            })
        })
        .collect()
}

/// A cite as HTML, every `§N` of "reference §N" (and "§N and §M") linked to its section in
/// the reference page when it has one.
pub(super) fn linked_cite(cite: &str, known: &[(String, String)]) -> String {
    let escaped = escape(cite);
    let mut out = String::new();
    let mut rest = escaped.as_str();
    while let Some(at) = rest.find('§') {
        out.push_str(&rest[..at]);
        let after = &rest[at + '§'.len_utf8()..];
        let number: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let number = number.trim_end_matches('.');
        let section = format!("§{number}");
        if !number.is_empty() && known.iter().any(|(s, _)| *s == section) {
            out.push_str(&format!(
                "<a href=\"reference.html#{}\">{section}</a>",
                anchor(&section)
            ));
        } else {
            out.push_str(&section);
        }
        rest = &after[number.len()..];
    }
    out.push_str(rest);
    out
}

/// The reference as HTML: headings (those of a `§` section with its anchor), paragraphs,
/// lists, `code`, **bold**; everything else as text.
pub(super) fn page_body(markdown: &str) -> String {
    let mut html = String::new();
    let mut paragraph: Vec<String> = Vec::new();
    let mut in_list = false;
    let flush = |html: &mut String, paragraph: &mut Vec<String>| {
        if !paragraph.is_empty() {
            html.push_str(&format!("<p>{}</p>\n", inline(&paragraph.join(" "))));
            paragraph.clear();
        }
    };
    for line in markdown.lines() {
        let trimmed = line.trim();
        if let Some(heading) = line.strip_prefix('#') {
            flush(&mut html, &mut paragraph);
            if in_list {
                html.push_str("</ul>\n");
                in_list = false;
            }
            let level = 1 + heading.chars().take_while(|c| *c == '#').count();
            let text = heading.trim_start_matches('#').trim();
            let id = if text.starts_with('§') {
                let section = text.split_whitespace().next().unwrap_or(text);
                format!(" id=\"{}\"", anchor(section))
            } else {
                String::new()
            };
            let level = level.min(4);
            html.push_str(&format!("<h{level}{id}>{}</h{level}>\n", inline(text)));
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            flush(&mut html, &mut paragraph);
            if !in_list {
                html.push_str("<ul>\n");
                in_list = true;
            }
            html.push_str(&format!("<li>{}</li>\n", inline(item)));
        } else if trimmed.is_empty() {
            flush(&mut html, &mut paragraph);
            if in_list {
                html.push_str("</ul>\n");
                in_list = false;
            }
        } else if in_list && line.starts_with("  ") {
            // The continuation of a list item: appended to it.
            if html.ends_with("</li>\n") {
                html.truncate(html.len() - "</li>\n".len());
                html.push_str(&format!(" {}</li>\n", inline(trimmed)));
            }
        } else {
            paragraph.push(trimmed.to_owned());
        }
    }
    flush(&mut html, &mut paragraph);
    if in_list {
        html.push_str("</ul>\n");
    }
    html
}

/// Inline Markdown: `code` and **bold**, the rest escaped.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (index, part) in text.split('`').enumerate() {
        if index % 2 == 1 {
            out.push_str(&format!("<code>{}</code>", escape(part)));
        } else {
            for (bold, piece) in part.split("**").enumerate() {
                match bold % 2 {
                    1 => out.push_str(&format!("<strong>{}</strong>", escape(piece))),
                    _ => out.push_str(&escape(piece)),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cite_links_the_sections_the_reference_has() {
        let known = vec![("§5.2".to_owned(), "§5.2 Which date".to_owned())];
        assert_eq!(
            linked_cite("reference §5.2 and §9: <x>", &known),
            "reference <a href=\"reference.html#s5.2\">§5.2</a> and §9: &lt;x&gt;"
        );
    }
}
