//! The rule-file format as types: what [`super::load`] reads (through [`crate::yaml`]) and
//! what `wotrules schema` prints as a JSON Schema (schemars), so the two cannot drift.
//!
//! Every value is a [`Field`], so one wrong value does not hide the next. Meaning (dates,
//! expressions, names) is read in `load.rs`; here is only the shape and the documentation
//! editors show.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use super::{SectionKey, SectionOf};
use crate::lang::{DocumentKind, Scope, Status};
use crate::yaml::{Entries, Field};

/// A date of a rule file: `YYYY-MM-DD`, or null.
const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// One policy, motion or ruling as data: definitions computed per record or member, and
/// overrides of definitions elsewhere. Expressions are in the wotrules expression language
/// (grammar/expr.pest). `wotrules check` is the authority; this schema gives editors
/// completion and key checks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename = "a rule file", deny_unknown_fields)]
#[schemars(rename = "rule file", title = "wotrules rule file")]
pub(crate) struct RuleFileFormat {
    /// The document id, such as `a20111001.1` or `ap-points`.
    pub id: Field<String>,
    /// The document's title.
    pub title: Field<String>,
    /// What kind of document the rules encode.
    pub kind: Field<DocumentKind>,
    /// `draft` for a draft of this project (not CAcert policy): applied with `--draft`, and
    /// named beside every output it decides.
    #[serde(default)]
    pub status: Field<Option<Status>>,
    /// Where the document is published (a URL).
    pub source: Field<String>,
    /// First day in force (YYYY-MM-DD), or null: in force for every as_of.
    #[schemars(required, extend("pattern" = DATE_PATTERN))]
    pub effective_from: Field<Option<String>>,
    /// First day no longer in force (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(extend("pattern" = DATE_PATTERN))]
    pub effective_until: Field<Option<String>>,
    /// Named definitions; each output of rules/schema.yaml needs one.
    #[serde(default)]
    #[schemars(extend("propertyNames" = {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}))]
    pub definitions: Field<Entries<Field<DefinitionFormat>>>,
    /// Exceptions to definitions of other rule files; higher priority wins.
    #[serde(default)]
    pub overrides: Field<Vec<Field<OverrideFormat>>>,
}

/// A named definition: exactly one of `value`, `template`, `cases` or `collect`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename = "definition `{}`", deny_unknown_fields)]
#[schemars(
    rename = "definition",
    extend("required" = ["for", "cite"]),
    extend("oneOf" = [
        {"required": ["value"]}, {"required": ["template"]},
        {"required": ["cases"]}, {"required": ["collect"]}
    ])
)]
pub(crate) struct DefinitionFormat {
    /// Computed per notary record or per member.
    #[serde(rename = "for")]
    pub scope: Field<Scope>,
    /// int, bool, text, date, an enumeration of the schema, T? (may be missing) or list<T>;
    /// inferred from the value when omitted.
    #[serde(default, rename = "type")]
    pub type_name: Field<String>,
    /// The clause of the policy or ruling this encodes (required, but a definition without
    /// one is still declared, so what uses it is checked).
    #[serde(default)]
    pub cite: Field<String>,
    /// An expression.
    #[serde(default)]
    #[schemars(with = "Expression")]
    pub value: Field<String>,
    /// Text with `{expression}` holes (`{{` and `}}` for braces); each hole is checked like
    /// a `format` argument. The definition's type is `text`.
    #[serde(default)]
    pub template: Field<String>,
    /// A decision table: the first row whose `when` holds decides; the last row has no
    /// `when`.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub cases: Field<Vec<Field<RowFormat>>>,
    /// A list of the `then` of every row whose `when` holds.
    #[serde(default)]
    pub collect: Field<Vec<Field<RowFormat>>>,
}

/// A row of a decision table: exactly one of `then` or `outcome`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename = "a row", deny_unknown_fields)]
#[schemars(
    rename = "row",
    extend("oneOf" = [{"required": ["then"]}, {"required": ["outcome"]}])
)]
pub(crate) struct RowFormat {
    /// The condition; the last row of `cases` has none.
    #[serde(default)]
    #[schemars(with = "Expression")]
    pub when: Field<String>,
    /// The value, an expression.
    #[serde(default)]
    #[schemars(with = "Expression")]
    pub then: Field<String>,
    /// A value of the definition's enumeration.
    #[serde(default)]
    pub outcome: Field<String>,
    /// The clause this row encodes; without one the row cites its definition's `cite`.
    #[serde(default)]
    pub cite: Field<String>,
}

/// An exception to a definition of another rule file: exactly one of `then` or `outcome`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename = "an override", deny_unknown_fields)]
#[schemars(
 rename = "override",
    extend("required" = ["target", "priority", "cite"]),
    extend("oneOf" = [{"required": ["then"]}, {"required": ["outcome"]}])
)]
pub(crate) struct OverrideFormat {
    /// The definition amended, such as record.counts.
    #[schemars(extend("pattern" = "^(record|member)\\.[A-Za-z_][A-Za-z0-9_]*$"))]
    pub target: Field<String>,
    /// Higher wins among overrides of one definition (without one, the checker reports the
    /// conflict with the definition it amends).
    #[serde(default)]
    pub priority: Field<i64>,
    /// The clause this encodes.
    pub cite: Field<String>,
    /// Where the exception applies; without it, wherever the rule file is in force.
    #[serde(default)]
    #[schemars(with = "Expression")]
    pub when: Field<String>,
    /// The value there, an expression.
    #[serde(default)]
    #[schemars(with = "Expression")]
    pub then: Field<String>,
    /// A value of the definition's enumeration.
    #[serde(default)]
    pub outcome: Field<String>,
}

/// An expression of the wotrules language, as a YAML scalar (for the JSON Schema).
struct Expression;

impl JsonSchema for Expression {
    fn schema_name() -> Cow<'static, str> {
        "expression".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "number", "boolean", "null"],
            "description": "An expression: record.method == \"Face to Face Meeting\", min(35, record.value), sum(r.counts for r in member.received)…"
        })
    }
}

/// The JSON Schema of the rule-file format with the sections of `features`, for editors'
/// YAML language servers.
pub fn json_schema(features: &[SectionKey]) -> String {
    format!("{:#}\n", rule_file_schema(features))
}

/// The JSON Schema of a rule file with the sections of `features` (their keys after the
/// format's own) as a value: what `wotrules fmt` reads its key order and its expression
/// fields from.
pub fn rule_file_schema(features: &[SectionKey]) -> serde_json::Value {
    let mut generator = SchemaGenerator::default();
    let mut schema = generator.root_schema_for::<RuleFileFormat>().to_value();
    for section in features.iter().filter(|s| s.of == SectionOf::RuleFile) {
        let Some(json_schema) = section.json_schema else {
            continue;
        };
        let value = json_schema(&mut generator).to_value();
        if let Some(properties) = schema["properties"].as_object_mut() {
            properties.insert(section.key.to_string(), value);
        }
    }
    // The definitions the sections' schemas refer to.
    let definitions = generator.take_definitions(true);
    if let Some(root) = schema.as_object_mut() {
        let all = root
            .entry("$defs")
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if let Some(all) = all.as_object_mut() {
            all.extend(definitions);
        }
    }
    schema
}

/// `rules/schema.yaml`: the enumerations, the fields the data offers, the outputs, how the
/// store reads CATS, and the changes a "why not" may try.
#[derive(Debug, Deserialize)]
#[serde(rename = "the schema", deny_unknown_fields)]
pub(crate) struct SchemaFormat {
    /// The format's version, such as `wotrules/1`.
    #[serde(default)]
    pub schema: Field<String>,
    /// How the store reads the data.
    #[serde(default)]
    pub store: Field<StoreFormat>,
    /// Enumerations: name → values in order.
    pub enums: Field<Entries<Field<Vec<Field<String>>>>>,
    /// The fields of each object: name → type.
    pub fields: Field<ObjectsFormat>,
    /// The outputs per scope: name → type.
    pub outputs: Field<OutputsFormat>,
    /// Personal data: the fields whose values, and the values computed from them, every
    /// report withholds unless asked (`--show-personal`).
    #[serde(default)]
    pub personal: Field<PersonalFormat>,
}

/// `personal:` of the schema: field names per object.
#[derive(Debug, Deserialize)]
#[serde(rename = "`personal`", deny_unknown_fields)]
pub(crate) struct PersonalFormat {
    /// A notary record's personal fields.
    #[serde(default)]
    pub record: Field<Vec<Field<String>>>,
    /// A member's personal fields.
    #[serde(default)]
    pub member: Field<Vec<Field<String>>>,
}

/// A list of names and their types.
pub(crate) type Declarations = Field<Entries<Field<String>>>;

/// `store:` of the schema.
#[derive(Debug, Deserialize)]
#[serde(rename = "`store`", deny_unknown_fields)]
pub(crate) struct StoreFormat {
    /// The CATS variant types whose passes are `member.cats_passed`.
    pub cats_types: Field<Vec<Field<i64>>>,
}

/// `fields:` of the schema.
#[derive(Debug, Deserialize)]
#[serde(rename = "`fields`", deny_unknown_fields)]
pub(crate) struct ObjectsFormat {
    /// A notary record's fields.
    #[serde(default)]
    pub record: Declarations,
    /// A member's fields.
    #[serde(default)]
    pub member: Declarations,
    /// The support request's fields.
    #[serde(default)]
    pub request: Declarations,
}

/// `outputs:` of the schema.
#[derive(Debug, Deserialize)]
#[serde(rename = "`outputs`", deny_unknown_fields)]
pub(crate) struct OutputsFormat {
    /// Decided per record.
    #[serde(default)]
    pub record: Declarations,
    /// Decided per member.
    #[serde(default)]
    pub member: Declarations,
}
