//! The JSON report: one document, stamped with the rules' digest.

use serde_json::{Map, Value as Json, json};

use crate::data::{Dataset, Value};
use crate::eval::{Decisions, EntityDecisions, TraceNode};

/// Renders decisions as one JSON document.
pub fn render_json(data: &Dataset, digest: &str, decisions: &Decisions) -> String {
    let members: Vec<Json> = decisions
        .members
        .iter()
        .map(|m| entity(m, Map::new()))
        .collect();
    let records: Vec<Json> = decisions
        .records
        .iter()
        .map(|r| {
            let row = &data.records[r.index];
            let mut head = Map::new();
            head.insert("from".into(), json!(row.from));
            head.insert("to".into(), json!(row.to));
            entity(r, head)
        })
        .collect();
    let document = json!({
        "as_of": data.as_of.to_string(),
        "rules_digest": digest,
        "members": members,
        "records": records,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn entity(decisions: &EntityDecisions, head: Map<String, Json>) -> Json {
    let mut object = Map::new();
    object.insert("id".into(), json!(decisions.id));
    object.extend(head);
    let mut errors = Vec::new();
    for (name, value) in &decisions.outputs {
        match value {
            Ok(value) => object.insert(name.clone(), to_json(value)),
            Err(message) => {
                errors.push(json!({"output": name, "error": message}));
                object.insert(name.clone(), Json::Null)
            }
        };
    }
    if !errors.is_empty() {
        object.insert("errors".into(), Json::Array(errors));
    }
    if !decisions.traces.is_empty() {
        let traces: Map<String, Json> = decisions
            .traces
            .iter()
            .map(|(name, node)| (name.clone(), trace(node)))
            .collect();
        object.insert("trace".into(), Json::Object(traces));
    }
    Json::Object(object)
}

fn trace(node: &TraceNode) -> Json {
    let mut object = Map::new();
    object.insert("definition".into(), json!(node.definition));
    object.insert("value".into(), to_json(&node.value));
    object.insert("clause".into(), json!(node.clause));
    object.insert("cite".into(), json!(node.cite));
    object.insert("at".into(), json!(node.at));
    if let Some(condition) = &node.condition {
        object.insert("condition".into(), json!(condition));
    }
    if !node.tried.is_empty() {
        object.insert("tried".into(), json!(node.tried));
    }
    if !node.fields.is_empty() {
        let fields: Map<String, Json> = node
            .fields
            .iter()
            .map(|(name, value)| (name.clone(), to_json(value)))
            .collect();
        object.insert("fields".into(), Json::Object(fields));
    }
    if !node.because.is_empty() {
        object.insert(
            "because".into(),
            Json::Array(node.because.iter().map(trace).collect()),
        );
    }
    Json::Object(object)
}

/// A value as JSON.
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::Missing | Value::Request | Value::Records(..) => Json::Null,
        Value::Int(v) => json!(v),
        Value::Bool(v) => json!(v),
        Value::Text(t) => json!(&**t),
        Value::Date(d) => json!(d.to_string()),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Member(i) | Value::Record(i) => json!(i),
    }
}
