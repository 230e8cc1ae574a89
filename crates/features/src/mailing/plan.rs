//! Mailings: the `mailings:` of rule files, checked with the rules — each part a definition
//! of the right scope and type.

use std::collections::HashMap;

use wotrules_core::check::{Declared, DefId, Feature};
use wotrules_core::diag::{Diagnostic, DiagnosticCode};
use wotrules_core::lang::{Direction, Scope, Type};
use wotrules_core::rules::{Located, Place};

use super::format::{MailingRole, written_mailings};
use wotrules_core::suggest::did_you_mean;

/// A checked mailing: its parts are definitions, evaluated like any other.
#[derive(Debug, Clone)]
pub struct Mailing {
    /// Its name.
    pub id: String,
    /// The clause ordering it.
    pub cite: String,
    /// Index into [`wotrules_core::check::Program::files`].
    pub file: usize,
    /// Each member is written to about the selected records it gave (the assurer) or
    /// received (the assuree).
    pub recipient: Direction,
    /// Record `bool`: the records the mailing is about.
    pub records: DefId,
    /// Member `bool`: whether the member may be written to.
    pub mailed: DefId,
    /// The `From:` header.
    pub from: String,
    /// Member `text`: the recipient's address.
    pub address: DefId,
    /// Member `text`: the subject.
    pub subject: DefId,
    /// Member `text`: the message text.
    pub body: DefId,
}

/// The mailings of a rule set, as the checker resolves them.
#[derive(Debug, Default)]
pub struct MailingPlans {
    /// Every mailing whose parts all resolved.
    pub mailings: Vec<Mailing>,
}

impl Feature for MailingPlans {
    fn check(&mut self, declared: &Declared, diagnostics: &mut Vec<Diagnostic>) -> Vec<DefId> {
        let set = declared.set;
        let mut seen: HashMap<String, Place> = HashMap::new();
        for mailing in written_mailings(set, diagnostics) {
            {
                if let Some(first) = seen.insert(mailing.id.value.clone(), mailing.id.pos) {
                    let at = format!("{}:{}", set.files[first.source].name, first.line);
                    diagnostics.push(set.error_at(
                        mailing.id.pos,
                        mailing.id.value.chars().count(),
                        DiagnosticCode::Conflict,
                        format!(
                            "mailing `{}` is declared twice (first at {at})",
                            mailing.id.value
                        ),
                        Some("give each mailing its own `id`".into()),
                    ));
                    continue;
                }
                let mut part = |name: &Located<String>, scope: Scope, ty: Type| {
                    part_of(declared, diagnostics, &mailing.id.value, name, scope, &ty)
                };
                let records = part(&mailing.records, Scope::Record, Type::Bool);
                let mailed = part(&mailing.mailed, Scope::Member, Type::Bool);
                let address = part(&mailing.address, Scope::Member, Type::Text);
                let subject = part(&mailing.subject, Scope::Member, Type::Text);
                let body = part(&mailing.body, Scope::Member, Type::Text);
                let (Some(records), Some(mailed), Some(address), Some(subject), Some(body)) =
                    (records, mailed, address, subject, body)
                else {
                    continue;
                };
                self.mailings.push(Mailing {
                    id: mailing.id.value.clone(),
                    cite: mailing.cite.value.clone(),
                    file: mailing.rule_file,
                    recipient: match mailing.to {
                        MailingRole::Assurer => Direction::Given,
                        MailingRole::Assuree => Direction::Received,
                    },
                    records,
                    mailed,
                    from: mailing.from.value.clone(),
                    address,
                    subject,
                    body,
                });
            }
        }
        self.mailings
            .iter()
            .flat_map(|m| [m.records, m.mailed, m.address, m.subject, m.body])
            .collect()
    }
}

/// The definition a part of mailing `mailing` names, which must be of `scope` and `ty`.
fn part_of(
    declared: &Declared,
    diagnostics: &mut Vec<Diagnostic>,
    mailing: &str,
    name: &Located<String>,
    scope: Scope,
    ty: &Type,
) -> Option<DefId> {
    let set = declared.set;
    let width = name.value.chars().count();
    match declared.definition(scope, &name.value) {
        Some((id, found)) if found == ty => Some(id),
        Some((_, found)) => {
            diagnostics.push(set.error_at(
                name.pos,
                width,
                DiagnosticCode::TypeMismatch,
                format!(
                    "mailing `{mailing}`: `{}.{}` is `{found}`, this part needs `{ty}`",
                    scope.name(),
                    name.value
                ),
                None,
            ));
            None
        }
        None if set.names_missing => None,
        None => {
            let help = did_you_mean(&name.value, declared.names(scope)).unwrap_or_else(|| {
                format!("name a `for: {}` definition of type `{ty}`", scope.name())
            });
            diagnostics.push(set.error_at(
                name.pos,
                width,
                DiagnosticCode::UnknownDefinition,
                format!(
                    "mailing `{mailing}`: no definition `{}.{}`",
                    scope.name(),
                    name.value
                ),
                Some(help),
            ));
            None
        }
    }
}
