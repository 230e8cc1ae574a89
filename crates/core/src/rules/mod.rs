//! Rule files: the YAML documents under `rules/`, read into typed structures with source positions.
//!
//! Nothing here knows what a rule means; [`crate::check`] resolves and types it.

mod format;
mod load;
pub mod section;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diag::{Diagnostic, DiagnosticCode, Location};
use crate::syntax::ast::{Expr, Span};
pub use crate::yaml::Place;

pub(crate) use crate::lang::{DocumentKind, Scope};
pub use format::{json_schema, rule_file_schema};
pub use load::{RuleSources, SourceText, add_rule_file, load_rule_set};
pub use section::{Section, SectionKey, SectionOf};

/// A scalar value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub pos: Place,
}

/// A parsed expression with the YAML scalar it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprSource {
    /// The expression text, as YAML delivered it.
    pub text: String,
    /// Where the YAML scalar starts.
    pub pos: Place,
    /// The syntax tree.
    pub expr: Expr,
}

/// A source file of the rule set.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// Path as shown in diagnostics.
    pub path: String,
    /// Path relative to the rules directory, as traces cite it.
    pub name: String,
    /// Full text.
    pub text: String,
}

/// The value part of a case: an expression, or a literal outcome of an enumeration.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseValue {
    /// `then: <expression>`.
    Expr(ExprSource),
    /// `outcome: <enumeration value>`.
    Outcome(Located<String>),
}

/// One row of a decision table.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The condition; `None` for the `else` row.
    pub when: Option<ExprSource>,
    /// The value when the condition holds.
    pub then: CaseValue,
    /// The clause this row encodes (falls back to the definition's).
    pub cite: Option<Located<String>>,
    /// Where the row starts.
    pub pos: Place,
}

/// How a definition computes its value.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `value: <expression>`.
    Value(ExprSource),
    /// `cases:` first matching row wins; the last row is `else`.
    Cases(Vec<Case>),
    /// `collect:` every matching row contributes its value to a list.
    Collect(Vec<Case>),
}

/// A named definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// Its name, unique within its scope.
    pub name: Located<String>,
    /// What it is computed for.
    pub scope: Scope,
    /// Declared type (required unless the name is an output of the schema).
    pub type_name: Option<Located<String>>,
    /// The clause it encodes.
    pub cite: Located<String>,
    /// How it is computed.
    pub body: Body,
    /// A part of it failed to load (reported): it is declared, so that what uses it is
    /// checked, but not compiled.
    pub broken: bool,
}

/// An exception one document makes to a definition of another.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The scope of the definition overridden.
    pub scope: Scope,
    /// The name of the definition overridden.
    pub target: Located<String>,
    /// Higher wins among overrides of the same definition; equal is a conflict, and so is
    /// none (nothing says the override wins over the definition).
    pub priority: Option<Located<i64>>,
    /// The clause it encodes.
    pub cite: Located<String>,
    /// Where the exception applies (`None`: wherever its rule file is in force).
    pub when: Option<ExprSource>,
    /// The value there (for a `collect` definition: the value added).
    pub then: CaseValue,
    /// Where it starts.
    pub pos: Place,
}

/// One rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleFile {
    /// Index into [`RuleSet::files`].
    pub file: usize,
    /// Short identifier, such as `a20111001.1`.
    pub id: Located<String>,
    /// Title of the source document.
    pub title: String,
    /// Policy, motion or ruling.
    pub kind: DocumentKind,
    /// Whether it is a draft (`status: draft`).
    pub draft: bool,
    /// Where the source document is published.
    pub source: String,
    /// First day in force (`None`: since records began).
    pub effective_from: Option<Located<NaiveDate>>,
    /// First day no longer in force.
    pub effective_until: Option<Located<NaiveDate>>,
    /// Definitions.
    pub definitions: Vec<Definition>,
    /// Exceptions to other files' definitions.
    pub overrides: Vec<Override>,
}

/// A declared name and its type, as written.
pub(crate) type FieldDeclaration = (Located<String>, Located<String>);

/// `rules/schema.yaml`: the fields the data offers, the enumerations, and the outputs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Enumerations: name → values in order.
    pub enums: HashMap<String, Vec<String>>,
    /// Declared fields per object (`record`, `member`, `request`): name → type text.
    pub fields: HashMap<String, Vec<FieldDeclaration>>,
    /// Outputs per scope: name → type text, in order.
    pub outputs: Vec<(Scope, Located<String>, Located<String>)>,
    /// `store.cats_types`: the CATS variant types whose passes are `member.cats_passed`.
    pub cats_types: Vec<i64>,
    /// `personal`: the fields (`member.dob`) whose values the ruling formats withhold.
    pub personal: Vec<String>,
}

/// Everything loaded from a rules directory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleSet {
    /// Source files, schema included.
    pub files: Vec<SourceFile>,
    /// The schema.
    pub schema: Schema,
    /// Rule files, in path order.
    pub rule_files: Vec<RuleFile>,
    /// The sections features own, as written (see [`section`]).
    pub sections: Vec<Section>,
    /// The keys of those sections and where they stand, as the loader was given them.
    pub(crate) claimed: Vec<(&'static str, SectionOf)>,
    /// Loading reported an error: some part is missing, so what reads it is unknown.
    pub incomplete: bool,
    /// A file or definition could not be read at all: a name it defines may be missing, so
    /// "unknown name" is no finding of its own.
    pub names_missing: bool,
}

/// What reports errors at places of a rule set into a list of its own: the loader and the
/// checker, which share the one way of doing it.
pub(crate) trait Reports {
    /// The rule set the places are in.
    fn rule_set(&self) -> &RuleSet;
    /// Where the diagnostics go.
    fn diagnostics(&mut self) -> &mut Vec<Diagnostic>;

    /// Reports an error at `pos`, underlining `width` characters.
    fn error(
        &mut self,
        pos: Place,
        width: usize,
        code: DiagnosticCode,
        message: String,
        help: Option<String>,
    ) {
        let diagnostic = self.rule_set().error_at(pos, width, code, message, help);
        self.diagnostics().push(diagnostic);
    }
}

impl RuleSet {
    /// An error at a YAML node, underlining `width` characters.
    pub fn error_at(
        &self,
        pos: Place,
        width: usize,
        code: DiagnosticCode,
        message: String,
        help: Option<String>,
    ) -> Diagnostic {
        let mut diagnostic = Diagnostic::error(code, message).at(self.location(pos, width));
        diagnostic.help = help;
        diagnostic
    }

    /// The location of a YAML node, underlining `width` characters.
    pub(crate) fn location(&self, pos: Place, width: usize) -> Location {
        let file = &self.files[pos.source];
        Location::in_text(&file.path, &file.text, pos.line, pos.column, width)
    }

    /// The location of `span` inside an expression, as a place in the YAML file.
    pub(crate) fn expr_location(&self, source: &ExprSource, span: Span) -> Location {
        self.text_location(source.pos, &source.text, span)
    }

    /// The location of `span` inside `text`, a YAML scalar starting at `pos`.
    pub(crate) fn text_location(&self, pos: Place, text: &str, span: Span) -> Location {
        let file = &self.files[pos.source];
        let (line, column) = align(&file.text, pos, text, span.start);
        let width = text.get(span.start..span.end).map_or(1, |t| {
            t.lines().next().map_or(1, |first| first.chars().count())
        });
        Location::in_text(&file.path, &file.text, line, column, width)
    }
}

/// Finds where byte `offset` of an expression stands in the YAML file.
///
/// The expression's characters appear in the file in order after the scalar's
/// start, with quotes, escapes, block indicators and folding whitespace between
/// them; a greedy walk that matches each character finds them.
fn align(file_text: &str, pos: Place, text: &str, offset: usize) -> (usize, usize) {
    let start = file_text
        .lines()
        .take(pos.line.saturating_sub(1))
        .map(|line| line.len() + 1)
        .sum::<usize>()
        + file_text
            .lines()
            .nth(pos.line.saturating_sub(1))
            .map_or(0, |line| {
                line.char_indices()
                    .nth(pos.column.saturating_sub(1))
                    .map_or(line.len(), |(i, _)| i)
            });
    let mut file_chars = file_text.get(start..).unwrap_or("").chars();
    let (mut line, mut column) = (pos.line, pos.column);
    let advance = |c: char, line: &mut usize, column: &mut usize| {
        if c == '\n' {
            *line += 1;
            *column = 1;
        } else {
            *column += 1;
        }
    };
    for wanted in text.get(..offset).unwrap_or("").chars() {
        if wanted.is_whitespace() {
            continue;
        }
        for found in file_chars.by_ref() {
            let matched = found == wanted;
            advance(found, &mut line, &mut column);
            if matched {
                break;
            }
        }
    }
    // Skip whitespace and quoting up to the character at `offset` itself.
    let target = text.get(offset..).and_then(|rest| rest.chars().next());
    if let Some(target) = target.filter(|c| !c.is_whitespace()) {
        let rest: String = file_chars.collect();
        for found in rest.chars() {
            if found == target {
                break;
            }
            advance(found, &mut line, &mut column);
        }
    }
    (line, column)
}
