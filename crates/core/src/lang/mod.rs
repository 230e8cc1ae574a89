//! The language's shared vocabulary: what a definition is computed for, the kinds of
//! source document, the aggregations. Every stage names these; none owns them, so the
//! checked program needs nothing of the front end (`syntax`, `rules`). The language's
//! types and values are here too.

mod types;
mod value;

pub use types::Type;
pub use value::{ShownDate, UNDATED, Value, date_problem, parse_calendar_date};

/// The kind of document a rule file encodes.
// The serde names `unknown-<what>` name the code of a value these enumerations do not know
// (see `yaml`); the schema names are the plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename = "unknown-kind", rename_all = "lowercase")]
#[schemars(rename = "kind")]
pub enum DocumentKind {
    /// A policy (AP, TTP-Assist, PoJAM…).
    Policy,
    /// A board motion.
    Motion,
    /// An arbitration ruling.
    Ruling,
}

/// A rule file's standing: the default (as adopted), or a draft of this project, applied
/// only when asked (`--draft`) and named beside every output it decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename = "unknown-status", rename_all = "lowercase")]
#[schemars(rename = "status")]
pub enum Status {
    /// A draft: not CAcert policy; every output it decides says so.
    Draft,
}

/// What a definition is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename = "unknown-scope", rename_all = "lowercase")]
#[schemars(rename = "scope")]
pub enum Scope {
    /// Each notary record.
    Record,
    /// Each member.
    Member,
}

impl Scope {
    /// The spelling in rule files and expressions.
    pub fn name(self) -> &'static str {
        match self {
            Self::Record => "record",
            Self::Member => "member",
        }
    }
}

/// Aggregation functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateKind {
    /// Number of elements.
    Count,
    /// Number of distinct values.
    CountDistinct,
    /// Sum of the values.
    Sum,
    /// Smallest value (missing when there is none).
    Min,
    /// Largest value (missing when there is none).
    Max,
    /// Some element (or value) holds.
    Any,
    /// Every value holds.
    All,
    /// The text values, one per line, in record order.
    Lines,
}

impl AggregateKind {
    /// The name as written in the language.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::CountDistinct => "count_distinct",
            Self::Sum => "sum",
            Self::Min => "min",
            Self::Max => "max",
            Self::Any => "any",
            Self::All => "all",
            Self::Lines => "lines",
        }
    }
}

/// Which of a member's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Records the member received (`to` = member).
    Received,
    /// Records the member gave (`from` = member).
    Given,
}
