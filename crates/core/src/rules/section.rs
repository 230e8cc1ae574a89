//! Sections of the rule files that features own, such as a rule file's `mailings:` or the
//! schema's `why_not:`. The loader does not read them: it keeps each as YAML, and the
//! feature reads it when the rules are checked (through [`crate::check::Feature`]), with the
//! helpers here so that its problems read like every other.

use marked_yaml::Node;
use schemars::{Schema, SchemaGenerator};
use serde::de::DeserializeOwned;

use super::{Located, RuleSet};
use crate::diag::{Diagnostic, DiagnosticCode};
use crate::yaml::Field;

/// Where a section stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionOf {
    /// A top-level key of a rule file.
    RuleFile,
    /// A top-level key of `schema.yaml`.
    Schema,
}

/// A top-level key a feature owns, and what `wotrules schema` says of it.
#[derive(Debug, Clone, Copy)]
pub struct SectionKey {
    /// The key, such as `mailings`.
    pub key: &'static str,
    /// Where.
    pub of: SectionOf,
    /// The JSON Schema of its value, which `wotrules schema` adds to the rule file's (editors
    /// complete from it); `None` for a section of `schema.yaml`, which has no JSON Schema.
    pub json_schema: Option<fn(&mut SchemaGenerator) -> Schema>,
}

/// A section as written: its key's value, for its feature to read.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The key.
    pub key: &'static str,
    /// The file, an index into [`RuleSet::files`].
    pub file: usize,
    /// The value.
    pub node: Node,
}

impl RuleSet {
    /// The sections written under `key`, in file order.
    pub fn sections(&self, key: &'static str) -> impl Iterator<Item = &Section> {
        self.sections
            .iter()
            .filter(move |section| section.key == key)
    }

    /// Reads `node` into `T`, every problem reported into `diagnostics` as the loader
    /// reports its own.
    pub fn read<T: DeserializeOwned>(
        &self,
        node: &Node,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<T> {
        let mut problems = Vec::new();
        let value = crate::yaml::from_node(node, &mut problems);
        for problem in problems {
            let file = &self.files[problem.place.source];
            diagnostics.push(problem.diagnostic(&file.path, &file.text));
        }
        value
    }

    /// The text of `field` (described as `what`, such as `` `cite` ``), which may not be
    /// blank.
    pub fn text(
        &self,
        field: Field<String>,
        what: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Located<String>> {
        let (value, pos) = field.present()?;
        if value.trim().is_empty() {
            let help = match what {
                "`cite`" => "cite the clause this rule encodes, such as `AP 4.4 Table 2` or `a20111001.1 ruling #1, step 4`: every decision carries it into explanations and rulings".to_string(),
                "`id`" => "give the rule file a short id, such as the document's number `a20111001.1`".to_string(),
                other => format!("write {other}: it may not be blank"),
            };
            let message = format!("{what} is empty");
            diagnostics.push(self.error_at(
                pos,
                1,
                DiagnosticCode::EmptyValue,
                message,
                Some(help),
            ));
            return None;
        }
        Some(Located { value, pos })
    }
}
