//! Diagnostics: the one error and warning type every stage reports in.

use std::fmt;

mod code;

pub use code::DiagnosticCode;

use crate::escape::{escape_control, invisible};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The rules cannot be used.
    Error,
    /// Worth a look; the rules still run.
    Warning,
}

/// Whose problem a diagnostic reports: the rules being checked, or the input the tool was
/// given (a path, a file it cannot read, a git revision); it decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The rules have a problem (exit 1).
    Rules,
    /// The input does (exit 2).
    Input,
}

/// A place in a file: 1-based line and column, with the line's text for a caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as given on the command line (or found under the rules directory).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// How many characters to underline.
    pub width: usize,
    /// The text of the line, when the source is known.
    pub line_text: Option<String>,
}

impl Location {
    /// A location in `text` (the whole file) at 1-based `line` and `column`.
    pub fn in_text(path: &str, text: &str, line: usize, column: usize, width: usize) -> Self {
        Self {
            path: path.to_string(),
            line,
            column,
            width: width.max(1),
            line_text: text.lines().nth(line.saturating_sub(1)).map(str::to_string),
        }
    }

    /// A location in a file whose text is not at hand.
    pub fn bare(path: &str, line: usize, column: usize) -> Self {
        Self {
            path: path.to_string(),
            line,
            column,
            width: 1,
            line_text: None,
        }
    }
}

/// One message for a person: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Whose problem it is.
    pub kind: Kind,
    /// A stable identifier for the kind of problem, such as `unknown-field`.
    pub code: DiagnosticCode,
    /// What is wrong: lowercase, no final period, user input in backticks.
    pub message: String,
    /// Where, when there is a place to point at.
    pub location: Option<Box<Location>>,
    /// How to fix it.
    pub help: Option<String>,
    /// Other places involved (the other side of a conflict, the rest of a cycle).
    pub notes: Vec<(Location, String)>,
    /// The edit that fixes it, when one is certain enough to offer (a parse hint's token).
    pub fix: Option<Box<Fix>>,
}

/// An edit that fixes a diagnostic: the text at `location` (its `width` characters)
/// replaced by `replacement`. Editors offer it as a quick fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What is replaced.
    pub location: Location,
    /// What replaces it.
    pub replacement: String,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: DiagnosticCode, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            kind: Kind::Rules,
            code,
            message: message.into(),
            location: None,
            help: None,
            notes: Vec::new(),
            fix: None,
        }
    }

    /// A new error in the input the tool was given rather than in the rules.
    pub fn input_error(code: DiagnosticCode, message: impl Into<String>) -> Self {
        Self {
            kind: Kind::Input,
            ..Self::error(code, message)
        }
    }

    /// A new warning.
    pub(crate) fn warning(code: DiagnosticCode, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    /// Sets the location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    /// Sets the fix hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related place.
    pub(crate) fn note(mut self, location: Location, text: impl Into<String>) -> Self {
        self.notes.push((location, text.into()));
        self
    }

    /// Sets the edit that fixes it.
    pub fn fix(mut self, location: Location, replacement: impl Into<String>) -> Self {
        self.fix = Some(Box::new(Fix {
            location,
            replacement: replacement.into(),
        }));
        self
    }

    /// The edit that fixes it: the one set, else the name a did-you-mean proposes, in place
    /// of the name written at the location (only its last segment when only that is
    /// underlined: `member.assurance_pionts` → `assurance_points`).
    pub fn suggested_fix(&self) -> Option<Fix> {
        if let Some(fix) = &self.fix {
            return Some((**fix).clone());
        }
        let proposed = crate::suggest::proposed(self.help.as_deref()?)?;
        let location = self.location.as_deref()?;
        let written: String = location
            .line_text
            .as_deref()?
            .chars()
            .skip(location.column.saturating_sub(1))
            .take(location.width)
            .collect();
        let replacement = match proposed.rsplit_once('.') {
            Some((_, last)) if !written.contains('.') => last,
            _ => proposed,
        };
        // Only a name for a name: a key, a field, a value, never a span of something else.
        let is_name = |text: &str| {
            !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
        };
        (is_name(&written) && written != replacement).then(|| Fix {
            location: location.clone(),
            replacement: replacement.to_owned(),
        })
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, &Palette::plain())
    }
}

/// The styles of a diagnostic's parts (empty: plain text).
struct Palette {
    location: anstyle::Style,
    error: anstyle::Style,
    warning: anstyle::Style,
    gutter: anstyle::Style,
    caret: anstyle::Style,
    help: anstyle::Style,
}

impl Palette {
    fn plain() -> Self {
        let none = anstyle::Style::new();
        Self {
            location: none,
            error: none,
            warning: none,
            gutter: none,
            caret: none,
            help: none,
        }
    }

    fn colored() -> Self {
        use anstyle::{AnsiColor, Style};
        let color = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
        Self {
            location: Style::new().bold(),
            error: color(AnsiColor::Red).bold(),
            warning: color(AnsiColor::Yellow).bold(),
            gutter: color(AnsiColor::Blue),
            caret: color(AnsiColor::Red).bold(),
            help: color(AnsiColor::Cyan),
        }
    }
}

impl Diagnostic {
    fn write(&self, f: &mut impl fmt::Write, palette: &Palette) -> fmt::Result {
        let (severity, style) = match self.severity {
            Severity::Error => ("error", palette.error),
            Severity::Warning => ("warning", palette.warning),
        };
        // Messages quote data and file names: control characters are shown, never acted on.
        if let Some(location) = &self.location {
            let place = palette.location;
            write!(
                f,
                "{place}{}:{}:{}:{place:#} ",
                escape_control(&location.path),
                location.line,
                location.column
            )?;
        }
        writeln!(
            f,
            "{style}{severity}[{}]:{style:#} {}",
            self.code,
            escape_control(&self.message)
        )?;
        if let Some(location) = &self.location {
            write_snippet(f, location, palette)?;
        }
        for (location, text) in &self.notes {
            writeln!(
                f,
                "  note: {}:{}:{}: {}",
                escape_control(&location.path),
                location.line,
                location.column,
                escape_control(text)
            )?;
        }
        if let Some(help) = &self.help {
            let style = palette.help;
            writeln!(f, "  {style}help:{style:#} {}", escape_control(help))?;
        }
        Ok(())
    }
}

fn write_snippet(f: &mut impl fmt::Write, location: &Location, palette: &Palette) -> fmt::Result {
    let Some(text) = &location.line_text else {
        return Ok(());
    };
    let gutter = location.line.to_string().len();
    let chars: Vec<char> = text
        .chars()
        .map(|c| if invisible(c) { ' ' } else { c })
        .collect();
    // Long lines show a window around the column.
    let skip = location.column.saturating_sub(60);
    let printable: String = chars.iter().skip(skip).take(120).collect();
    let location = &Location {
        column: location.column.saturating_sub(skip),
        ..location.clone()
    };
    let (bar, caret) = (palette.gutter, palette.caret);
    writeln!(f, "{bar}{:gutter$} |{bar:#}", "")?;
    writeln!(f, "{bar}{} |{bar:#} {}", location.line, printable)?;
    let available = printable
        .chars()
        .count()
        .saturating_sub(location.column.saturating_sub(1))
        .max(1);
    writeln!(
        f,
        "{bar}{:gutter$} |{bar:#} {}{caret}{}{caret:#}",
        "",
        " ".repeat(location.column.saturating_sub(1)),
        "^".repeat(location.width.min(available))
    )
}

/// Renders diagnostics one after the other, errors first within a file.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(ToString::to_string).collect()
}

/// Renders diagnostics with ANSI styles (severity, place, caret, help), for a terminal: the
/// command line writes them through `anstream`, which drops the styles where the output is
/// not a terminal or `NO_COLOR` is set.
pub fn render_styled(diagnostics: &[Diagnostic]) -> String {
    let palette = Palette::colored();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let _ = diagnostic.write(&mut out, &palette);
    }
    out
}

impl Diagnostic {
    /// This diagnostic with ANSI styles (see [`render_styled`]).
    pub fn styled(&self) -> String {
        render_styled(std::slice::from_ref(self))
    }
}

/// One diagnostic as JSON, for CI and editors (`check --format json`).
#[derive(Debug, serde::Serialize)]
pub struct JsonDiagnostic<'a> {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// A stable identifier of the kind of problem.
    pub code: &'static str,
    /// The file, as given.
    pub path: Option<&'a str>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// How many characters the problem spans.
    pub width: Option<usize>,
    /// What is wrong.
    pub message: &'a str,
    /// How to fix it.
    pub help: Option<&'a str>,
    /// Other places involved: `{path, line, column, message}`.
    pub notes: Vec<serde_json::Value>,
}

impl Diagnostic {
    /// This diagnostic as a [`JsonDiagnostic`].
    pub fn to_json(&self) -> JsonDiagnostic<'_> {
        let location = self.location.as_deref();
        JsonDiagnostic {
            severity: match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            code: self.code.name(),
            path: location.map(|l| l.path.as_str()),
            line: location.map(|l| l.line),
            column: location.map(|l| l.column),
            width: location.map(|l| l.width),
            message: &self.message,
            help: self.help.as_deref(),
            notes: self
                .notes
                .iter()
                .map(|(l, text)| {
                    serde_json::json!({"path": l.path, "line": l.line, "column": l.column, "message": text})
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Diagnostic, DiagnosticCode, Location, render, render_styled};

    #[test]
    fn styles_are_added_only_when_asked_for() {
        let diagnostic = Diagnostic::error(DiagnosticCode::UnknownField, "no field `x`")
            .at(Location::in_text("a.yaml", "value: x\n", 1, 8, 1))
            .help("fix it");
        let plain = render(std::slice::from_ref(&diagnostic));
        let styled = render_styled(std::slice::from_ref(&diagnostic));
        assert!(!plain.contains('\u{1b}'));
        assert!(styled.contains("\u{1b}["));
        // Without the styles the two are the same text.
        let mut stripped = String::new();
        let mut chars = styled.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                stripped.push(c);
            }
        }
        assert_eq!(stripped, plain);
    }
}
