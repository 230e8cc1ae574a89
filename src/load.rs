//! Loading a program: the rule files of a directory or a git revision, read by [`store`],
//! loaded by [`rules`], checked by [`check`] — the one way every command gets its rules.
//!
//! [`store`]: crate::store
//! [`rules`]: crate::rules
//! [`check`]: crate::check

use std::path::Path;

use crate::check::{Program, check};
use crate::diag::Diagnostic;
use crate::rules::{RuleSources, load_rule_set};
use crate::store::rule_sources;

/// The checked program of the rules in `dir` and its warnings, or every diagnostic that
/// stopped it (their [`crate::diag::Kind`] says whether the rules or the input are at fault).
pub fn load_program(dir: &Path) -> Result<(Program, Vec<Diagnostic>), Vec<Diagnostic>> {
    check_sources(rule_sources(dir))
}

/// The checked program of rule sources already read (or the errors of reading them).
pub fn check_sources(
    sources: Result<RuleSources, Vec<Diagnostic>>,
) -> Result<(Program, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (set, mut diagnostics) = load_rule_set(sources?);
    let (program, check_diagnostics) = check(&set);
    diagnostics.extend(check_diagnostics);
    match program {
        Some(program) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok((program, diagnostics))
        }
        _ => Err(diagnostics),
    }
}
