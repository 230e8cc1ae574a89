//! The `why_not:` section of the schema: the kinds of change a counterfactual may make,
//! each with its settings as written.

use serde::Deserialize;
use wotrules_core::diag::Diagnostic;
use wotrules_core::rules::{Located, RuleSet, SectionKey, SectionOf};
use wotrules_core::yaml::Field;

/// The section this feature owns.
pub const SECTION: SectionKey = SectionKey {
    key: "why_not",
    of: SectionOf::Schema,
    json_schema: None,
};

/// `why_not:` of the schema.
#[derive(Debug, Deserialize)]
#[serde(rename = "`why_not`", deny_unknown_fields)]
struct WhyNotFormat {
    /// More assurances received, each from a new assurer.
    #[serde(default)]
    receive: Field<ReceiveFormat>,
    /// Passing the Assurer Challenge.
    #[serde(default)]
    cats: Field<CatsFormat>,
    /// Repairing a record as a ruling orders.
    #[serde(default)]
    repair: Field<RepairFormat>,
}

/// `why_not.receive`.
#[derive(Debug, Deserialize)]
#[serde(rename = "`why_not.receive`", deny_unknown_fields)]
struct ReceiveFormat {
    /// The method of each assurance added.
    method: Field<String>,
    /// The points of each.
    points: Field<String>,
    /// At most this many.
    most: Field<String>,
    /// The clause allowing it.
    cite: Field<String>,
}

/// `why_not.cats`.
#[derive(Debug, Deserialize)]
#[serde(rename = "`why_not.cats`", deny_unknown_fields)]
struct CatsFormat {
    /// The clause allowing it.
    cite: Field<String>,
}

/// `why_not.repair`.
#[derive(Debug, Deserialize)]
#[serde(rename = "`why_not.repair`", deny_unknown_fields)]
struct RepairFormat {
    /// The record output that decides the repair.
    output: Field<String>,
    /// Its value for a record that may be repaired.
    value: Field<String>,
    /// The record definition of the points it then counts.
    points: Field<String>,
    /// The clause allowing it.
    cite: Field<String>,
}

/// One kind of change (`receive`, `cats`, `repair`) with its settings as written.
pub(crate) type WrittenKind = (Located<String>, Vec<(String, Located<String>)>);

/// The kinds of change the schema's `why_not` allows; the problems of reading it in
/// `diagnostics`.
pub(crate) fn written_kinds(set: &RuleSet, diagnostics: &mut Vec<Diagnostic>) -> Vec<WrittenKind> {
    let mut declared = Vec::new();
    for section in set.sections(SECTION.key) {
        let Some(format) = set.read::<WhyNotFormat>(&section.node, diagnostics) else {
            continue;
        };
        let mut kind = |name: &str, place, settings: Vec<(&str, Field<String>)>| {
            let values = settings
                .into_iter()
                .filter_map(|(key, value)| {
                    let value = set.text(value, &format!("`{key}`"), diagnostics)?;
                    Some((key.to_string(), value))
                })
                .collect();
            let name = Located {
                value: name.to_string(),
                pos: place,
            };
            declared.push((name, values));
        };
        if let Some((r, place)) = format.receive.present() {
            let settings = vec![
                ("method", r.method),
                ("points", r.points),
                ("most", r.most),
                ("cite", r.cite),
            ];
            kind("receive", place, settings);
        }
        if let Some((c, place)) = format.cats.present() {
            kind("cats", place, vec![("cite", c.cite)]);
        }
        if let Some((r, place)) = format.repair.present() {
            let settings = vec![
                ("output", r.output),
                ("value", r.value),
                ("points", r.points),
                ("cite", r.cite),
            ];
            kind("repair", place, settings);
        }
    }
    declared
}
