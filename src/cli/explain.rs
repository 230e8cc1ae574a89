//! `wotrules explain [CODE]`: what a diagnostic code means and how to fix it, as `rustc
//! --explain` does; without a code, the list of codes.

use clap::Args;
use wotrules_core::diag::{Diagnostic, DiagnosticCode};
use wotrules_core::suggest::did_you_mean;

use super::{Exit, emit, fail};

/// The width explanations are wrapped to.
const WIDTH: usize = 88;

/// Arguments of `wotrules explain`.
#[derive(Args)]
pub(crate) struct ExplainArgs {
    /// The code, as printed in brackets after `error` or `warning` (`unknown-key`); without
    /// it, every code is listed with a line on what it reports.
    code: Option<String>,
}

/// Prints the explanation of a code, or the list of codes.
pub(crate) fn run(args: &ExplainArgs) -> Exit {
    let Some(name) = &args.code else {
        emit(&list());
        return Exit::Success;
    };
    let Some(code) = DiagnosticCode::from_name(name.trim()) else {
        let names = DiagnosticCode::ALL.iter().map(|code| code.name());
        let help = did_you_mean(name, names)
            .unwrap_or_else(|| "`wotrules explain` lists the codes".to_string());
        return fail(
            &Diagnostic::input_error(
                DiagnosticCode::Usage,
                format!("`{name}` is not a diagnostic code"),
            )
            .help(help),
            Exit::BadInput,
        );
    };
    emit(&format!(
        "{}: {}\n\n{}",
        code.name(),
        code.summary(),
        wrap(code.explanation())
    ));
    Exit::Success
}

/// Every code and its summary, one per line, aligned.
fn list() -> String {
    let width = DiagnosticCode::ALL
        .iter()
        .map(|code| code.name().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for code in DiagnosticCode::ALL {
        out.push_str(&format!("{:width$}  {}\n", code.name(), code.summary()));
    }
    out
}

/// `text` broken into lines of at most [`WIDTH`] characters at spaces (a longer word stands
/// alone on its line).
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let length = word.chars().count();
        if line > 0 && line + 1 + length > WIDTH {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += length;
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_every_word_and_the_width() {
        let text = "word ".repeat(60);
        let wrapped = wrap(&text);
        assert!(
            wrapped
                .lines()
                .all(|line| line.chars().count() <= super::WIDTH)
        );
        assert_eq!(wrapped.split_whitespace().count(), 60);
        assert_eq!(wrap("a-very-long-word"), "a-very-long-word\n");
    }
}
