//! Free text made safe to show: control and invisible characters made visible instead of
//! acted on, in every diagnostic and report.

/// Free text with control characters (newlines, ANSI escapes) and invisible formatting
/// characters (bidi overrides, zero-width spaces, line separators) made visible instead of
/// acted on.
pub fn escape_control(text: &str) -> String {
    if !text.chars().any(invisible) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if invisible(c) {
            out.push_str(&c.escape_default().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a character acts on a terminal or a reader's view instead of showing: control
/// characters, bidi overrides and isolates, zero-width spaces and joiners, line and
/// paragraph separators, the byte-order mark.
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}
