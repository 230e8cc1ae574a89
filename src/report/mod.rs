//! Reports: decisions rendered as JSON for machines, as text for people, as Markdown or
//! MoinMoin for rulings; summaries; diffs between rule versions.

mod diff;
mod json;
mod summary;
mod text;
mod wiki;

pub use diff::{Versions, render_diff_json, render_diff_text};
pub use json::render_json;
pub use summary::{render_summary_json, render_summary_text};
pub use text::render_text;
pub use wiki::{Markup, render_wiki};

pub use crate::data::escape_control;
