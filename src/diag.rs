//! Diagnostics: the one error and warning type every stage reports in.

use std::fmt;

use crate::data::{escape_control, invisible};

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
    pub code: &'static str,
    /// What is wrong: lowercase, no final period, user input in backticks.
    pub message: String,
    /// Where, when there is a place to point at.
    pub location: Option<Box<Location>>,
    /// How to fix it.
    pub help: Option<String>,
    /// Other places involved (the other side of a conflict, the rest of a cycle).
    pub notes: Vec<(Location, String)>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            kind: Kind::Rules,
            code,
            message: message.into(),
            location: None,
            help: None,
            notes: Vec::new(),
        }
    }

    /// A new error in the input the tool was given rather than in the rules.
    pub fn input_error(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind: Kind::Input,
            ..Self::error(code, message)
        }
    }

    /// A new warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
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
    pub fn note(mut self, location: Location, text: impl Into<String>) -> Self {
        self.notes.push((location, text.into()));
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Messages quote data and file names: control characters are shown, never acted on.
        if let Some(location) = &self.location {
            write!(
                f,
                "{}:{}:{}: ",
                escape_control(&location.path),
                location.line,
                location.column
            )?;
        }
        writeln!(f, "{severity}: {}", escape_control(&self.message))?;
        if let Some(location) = &self.location {
            write_snippet(f, location)?;
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
            writeln!(f, "  help: {}", escape_control(help))?;
        }
        Ok(())
    }
}

fn write_snippet(f: &mut fmt::Formatter<'_>, location: &Location) -> fmt::Result {
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
    writeln!(f, "{:gutter$} |", "")?;
    writeln!(f, "{} | {}", location.line, printable)?;
    let available = printable
        .chars()
        .count()
        .saturating_sub(location.column.saturating_sub(1))
        .max(1);
    writeln!(
        f,
        "{:gutter$} | {}{}",
        "",
        " ".repeat(location.column.saturating_sub(1)),
        "^".repeat(location.width.min(available))
    )
}

/// Renders diagnostics one after the other, errors first within a file.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(ToString::to_string).collect()
}
