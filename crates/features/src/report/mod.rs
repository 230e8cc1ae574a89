//! Reports: decisions rendered as JSON for machines, as text for people, as Markdown or
//! MoinMoin for rulings; summaries. Features render what is theirs (`whynot`, `mailing`,
//! `diff`, `ruletest`) with the pieces exported here.

mod json;
mod privacy;
mod summary;
mod text;
mod wiki;

pub use json::{FailedRowJson, JSON_FORMAT, Stamp, render_json, to_text};
pub use privacy::{Privacy, quoted, withheld_text};
pub use summary::{render_summary_json, render_summary_text};
pub use text::{failed_text, render_text, skipped_text};
pub use wiki::{Markup, render_wiki};

pub(crate) use wotrules_core::escape::escape_control;
