//! The JSON report's explanations: a trace, the rows tried, the overrides skipped, what was
//! read — personal data withheld as the privacy says.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use wotrules_core::eval::{FailedRow, Location, Skipped, SkippedOverride, TraceNode};
use wotrules_core::lang::Value;

use super::privacy::Privacy;

/// A value, or `{"withheld": [the personal fields it carries]}`.
pub(crate) struct Shown<'a>(pub(crate) &'a Value, pub(crate) Vec<&'a str>);

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Shown(value, carried) = self;
        if carried.is_empty() {
            value.serialize(serializer)
        } else {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry("withheld", carried)?;
            map.end()
        }
    }
}

/// Each output's trace, by output name.
pub(crate) struct Traces<'a>(pub(crate) &'a [(String, TraceNode)], pub(crate) &'a Privacy);

impl Traces<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Traces<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, node) in self.0 {
            map.serialize_entry(name, &Trace(node, self.1))?;
        }
        map.end()
    }
}

/// A trace node: the clause that decided, its citation, where it is, what it read.
struct Trace<'a>(&'a TraceNode, &'a Privacy);

impl Serialize for Trace<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Trace(node, privacy) = *self;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("definition", &node.definition)?;
        map.serialize_entry("value", &Shown(&node.value, privacy.node(node)))?;
        map.serialize_entry("clause", &node.clause)?;
        map.serialize_entry("cite", &node.cite)?;
        map.serialize_entry("location", &Place(&node.location, Some(&node.definition)))?;
        if let Some(condition) = &node.condition {
            map.serialize_entry("condition", condition)?;
        }
        if !node.tried.is_empty() {
            map.serialize_entry("tried", &node.tried)?;
        }
        if !node.overrides_tried.is_empty() {
            let tried: Vec<SkippedJson> = node
                .overrides_tried
                .iter()
                .map(|s| SkippedJson(s, privacy))
                .collect();
            map.serialize_entry("overrides_tried", &tried)?;
        }
        if !node.failed.is_empty() {
            let failed: Vec<FailedRowJson> = node
                .failed
                .iter()
                .map(|f| FailedRowJson(f, privacy))
                .collect();
            map.serialize_entry("failed", &failed)?;
        }
        if !node.fields.is_empty() {
            map.serialize_entry("fields", &Fields(&node.fields, privacy))?;
        }
        if !node.because.is_empty() {
            let because: Vec<Trace> = node.because.iter().map(|n| Trace(n, privacy)).collect();
            map.serialize_entry("because", &because)?;
        }
        map.end()
    }
}

/// Where a clause is: `{"rule_file", "line", "definition", "row"}`.
struct Place<'a>(&'a Location, Option<&'a str>);

impl Serialize for Place<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Place(location, definition) = self;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("rule_file", &location.rule_file)?;
        map.serialize_entry("line", &location.line)?;
        if let Some(definition) = definition {
            map.serialize_entry("definition", definition)?;
        }
        map.serialize_entry("row", &location.row)?;
        map.end()
    }
}

/// An override tried before the clause that decided: `{"rule_file", "priority",
/// "location", "cite"}` and either `"not_in_force": {"effective_from", "effective_until"}`
/// or `"failed": {"condition", "value", "read"}`.
struct SkippedJson<'a>(&'a SkippedOverride, &'a Privacy);

impl Serialize for SkippedJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let SkippedJson(skipped, privacy) = *self;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("rule_file", &skipped.rule_file)?;
        map.serialize_entry("priority", &skipped.priority)?;
        map.serialize_entry("location", &Place(&skipped.location, None))?;
        map.serialize_entry("cite", &skipped.cite)?;
        match &skipped.reason {
            Skipped::NotInForce { from, until } => map.serialize_entry(
                "not_in_force",
                &serde_json::json!({
                    "effective_from": from.map(|d| d.to_string()),
                    "effective_until": until.map(|d| d.to_string()),
                }),
            )?,
            Skipped::Condition(failed) => {
                map.serialize_entry("failed", &ConditionJson(failed, privacy))?;
            }
        }
        map.end()
    }
}

/// The part of a condition that did not hold: `{"condition", "value", "read"}`.
struct ConditionJson<'a>(&'a FailedRow, &'a Privacy);

impl Serialize for ConditionJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ConditionJson(failed, privacy) = *self;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("condition", &failed.condition)?;
        map.serialize_entry("value", &failed.value)?;
        map.serialize_entry("read", &Fields(&failed.read, privacy))?;
        map.end()
    }
}

/// A row tried before the one that held, as JSON, personal data as the privacy allows.
pub struct FailedRowJson<'a>(pub &'a FailedRow, pub &'a Privacy);

impl Serialize for FailedRowJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let FailedRowJson(failed, privacy) = *self;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("row", &failed.row)?;
        map.serialize_entry("location", &Place(&failed.location, None))?;
        map.serialize_entry("condition", &failed.condition)?;
        map.serialize_entry("value", &failed.value)?;
        map.serialize_entry("read", &Fields(&failed.read, privacy))?;
        map.end()
    }
}

/// Values read, by name; a personal one (or one computed from it) withheld.
struct Fields<'a>(&'a [(String, Value)], &'a Privacy);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Fields(fields, privacy) = *self;
        serializer.collect_map(
            fields
                .iter()
                .map(|(name, value)| (name, Shown(value, privacy.read_carries(name)))),
        )
    }
}
