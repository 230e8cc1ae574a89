//! Why not: what would have to change for an output to have a value — what stands in the
//! way (the rows of its decision table that give the value, and the part of each that fails
//! now), and the smallest changes of the kinds the schema's `why_not` allows, each verified
//! by evaluating the changed data with the same rules.
//!
//! The feature owns its section of the schema (`format`: `why_not:`), its plan (`plan`:
//! the changes checked with the rules), the question (`question`), the search (`search`)
//! and its rendering (`render`).

mod format;
mod plan;
mod question;
mod render;
mod search;

pub use format::SECTION;
pub use plan::WhyNotPlan;
pub use question::Question;
pub use render::{render_why_not, render_why_not_json, render_why_not_wiki};
pub use search::{Change, MAX_CHANGES, Obstacle, Suggestion, WhyNot, apply, why_not};
