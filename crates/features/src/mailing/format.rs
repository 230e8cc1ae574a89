//! The `mailings:` section of a rule file: its shape (what `wotrules schema` prints of it)
//! and its reading, each part as written with its place.

use schemars::JsonSchema;
use serde::Deserialize;
use wotrules_core::diag::Diagnostic;
use wotrules_core::rules::{Located, Place, RuleSet, SectionKey, SectionOf};
use wotrules_core::yaml::Field;

/// The section this feature owns.
pub const SECTION: SectionKey = SectionKey {
    key: "mailings",
    of: SectionOf::RuleFile,
    json_schema: Some(|generator| {
        let mut schema = generator.subschema_for::<Vec<MailingFormat>>();
        let description = "Scripted mailings the document orders: one message per member \
            standing in `to`'s\nrole of a selected record, listing all of them.";
        schema.insert("description".into(), description.into());
        schema
    }),
};

/// Which member of each selected record a mailing writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename = "unknown-role", rename_all = "lowercase")]
#[schemars(rename = "role")]
pub(crate) enum MailingRole {
    /// The member who gave the assurance (`from`).
    Assurer,
    /// The member who received it (`to`).
    Assuree,
}

/// A scripted mailing; each name is a definition of the rule set.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename = "a mailing", deny_unknown_fields)]
#[schemars(rename = "mailing")]
struct MailingFormat {
    /// The mailing's name; its messages' files start with it.
    id: Field<String>,
    /// The clause ordering the mailing.
    cite: Field<String>,
    /// Which member of each selected record is written to.
    to: Field<MailingRole>,
    /// A `for: record` definition of type bool: the records the mailing is about.
    records: Field<String>,
    /// A `for: member` definition of type bool: whether the member may be written to.
    mailed: Field<String>,
    /// The `From:` header, such as `CAcert Support <support@cacert.org>`.
    from: Field<String>,
    /// A `for: member` definition of type text: the recipient's address.
    address: Field<String>,
    /// A `for: member` definition of type text: the subject.
    subject: Field<String>,
    /// A `for: member` definition of type text: the message.
    body: Field<String>,
}

/// A mailing as written: each part a name, with its place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WrittenMailing {
    /// The rule file, an index into [`RuleSet::rule_files`].
    pub rule_file: usize,
    /// Its name, unique in the rule set.
    pub id: Located<String>,
    /// The clause ordering it.
    pub cite: Located<String>,
    /// Whose message a selected record goes in.
    pub to: MailingRole,
    /// A record `bool` definition: the records the mailing is about.
    pub records: Located<String>,
    /// A member `bool` definition: whether the member may be written to.
    pub mailed: Located<String>,
    /// The `From:` header (literal text).
    pub from: Located<String>,
    /// A member `text` definition: the recipient's address.
    pub address: Located<String>,
    /// A member `text` definition: the subject.
    pub subject: Located<String>,
    /// A member `text` definition: the message text.
    pub body: Located<String>,
}

/// The mailings of every rule file that loaded, in file order; the problems of reading them
/// in `diagnostics`.
pub(crate) fn written_mailings(
    set: &RuleSet,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<WrittenMailing> {
    let mut mailings = Vec::new();
    for section in set.sections(SECTION.key) {
        let list: Option<Vec<Field<MailingFormat>>> = set.read(&section.node, diagnostics);
        // A rule file that did not load has its errors: its mailings are not checked.
        let rule_file = set.rule_files.iter().position(|r| r.file == section.file);
        let (Some(list), Some(rule_file)) = (list, rule_file) else {
            continue;
        };
        for field in list {
            if let Some((format, _)) = field.present() {
                mailings.extend(mailing(set, rule_file, format, diagnostics));
            }
        }
    }
    mailings
}

fn mailing(
    set: &RuleSet,
    rule_file: usize,
    format: MailingFormat,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<WrittenMailing> {
    let mut text =
        |field: Field<String>, key: &str| set.text(field, &format!("`{key}`"), diagnostics);
    let (id, cite) = (text(format.id, "id"), text(format.cite, "cite"));
    let (records, mailed) = (
        text(format.records, "records"),
        text(format.mailed, "mailed"),
    );
    let (from, address) = (text(format.from, "from"), text(format.address, "address"));
    let (subject, body) = (text(format.subject, "subject"), text(format.body, "body"));
    let (to, _): (MailingRole, Place) = format.to.present()?;
    Some(WrittenMailing {
        rule_file,
        id: id?,
        cite: cite?,
        to,
        records: records?,
        mailed: mailed?,
        from: from?,
        address: address?,
        subject: subject?,
        body: body?,
    })
}
