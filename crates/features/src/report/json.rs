//! The JSON report: one document, stamped with its format, the tool and the rules' digest.
//!
//! Every JSON document wotrules prints (decisions, summaries, diffs) is a `#[derive(Serialize)]`
//! type opening with [`Stamp`].

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use wotrules_core::data::{Dataset, Request};
use wotrules_core::eval::{
    Decisions, EntityDecisions, FailedRow, Location, Skipped, SkippedOverride, TraceNode,
};
use wotrules_core::lang::Value;

use super::privacy::Privacy;

/// The version of the JSON documents' shape; it changes when a field changes meaning or
/// type. 2: the same thing has the same type everywhere (a diff's summary values as its
/// changes', a why-not gap a number, `check`'s counts numbers), and `eval` says the request.
pub const JSON_FORMAT: u32 = 2;

/// What opens every JSON document: its format version and the tool that wrote it.
#[derive(Serialize)]
pub struct Stamp {
    /// [`JSON_FORMAT`].
    pub format: u32,
    /// `wotrules <version>`.
    pub tool: &'static str,
}

impl Stamp {
    /// This build's stamp.
    pub(crate) fn current() -> Self {
        Self {
            format: JSON_FORMAT,
            tool: concat!("wotrules ", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A document as pretty JSON with a final newline.
pub fn to_text(document: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    stamp: Stamp,
    as_of: String,
    rules_digest: &'a str,
    request: &'a Request,
    members: Vec<Entity<'a>>,
    records: Vec<Entity<'a>>,
}

#[derive(Serialize)]
struct Entity<'a> {
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<i64>,
    #[serde(flatten)]
    outputs: Outputs<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<OutputError<'a>>,
    #[serde(skip_serializing_if = "Traces::is_empty")]
    trace: Traces<'a>,
}

/// The outputs of an entity in schema order, as keys of its object (a failed one is null,
/// a withheld one `{"withheld": [fields]}`).
struct Outputs<'a>(&'a EntityDecisions, &'a Privacy);

impl Serialize for Outputs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Outputs(entity, privacy) = self;
        let mut map = serializer.serialize_map(Some(entity.outputs.len()))?;
        for (index, (name, value)) in entity.outputs.iter().enumerate() {
            match value {
                Ok(value) => {
                    map.serialize_entry(name, &Shown(value, privacy.output(entity, index)))?
                }
                Err(_) => map.serialize_entry(name, &None::<Value>)?,
            }
        }
        map.end()
    }
}

/// A value, or `{"withheld": [the personal fields it carries]}`.
struct Shown<'a>(&'a Value, Vec<&'a str>);

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

#[derive(Serialize)]
struct OutputError<'a> {
    output: &'a str,
    error: String,
}

/// Each output's trace, by output name.
struct Traces<'a>(&'a [(String, TraceNode)], &'a Privacy);

impl Traces<'_> {
    fn is_empty(&self) -> bool {
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

fn entity<'a>(
    decisions: &'a EntityDecisions,
    ends: Option<(i64, i64)>,
    privacy: &'a Privacy,
) -> Entity<'a> {
    Entity {
        id: decisions.id,
        from: ends.map(|(from, _)| from),
        to: ends.map(|(_, to)| to),
        outputs: Outputs(decisions, privacy),
        errors: decisions
            .outputs
            .iter()
            .filter_map(|(output, value)| {
                value.as_ref().err().map(|error| OutputError {
                    output,
                    error: error.to_string(),
                })
            })
            .collect(),
        trace: Traces(&decisions.traces, privacy),
    }
}

/// Renders decisions as one JSON document, personal data as `privacy` allows.
pub fn render_json(
    data: &Dataset,
    digest: &str,
    decisions: &Decisions,
    privacy: &Privacy,
) -> String {
    let records = decisions
        .records
        .iter()
        .map(|r| {
            let row = &data.records[r.index];
            entity(r, Some((row.from, row.to)), privacy)
        })
        .collect();
    to_text(&Document {
        stamp: Stamp::current(),
        as_of: data.as_of.to_string(),
        rules_digest: digest,
        request: &data.request,
        members: decisions
            .members
            .iter()
            .map(|m| entity(m, None, privacy))
            .collect(),
        records,
    })
}
