//! Reports: decisions rendered as JSON for machines, as text for people, as Markdown or
//! MoinMoin for rulings; summaries; diffs between rule versions; scripted mailings.

mod diff;
mod json;
mod mailing;
mod summary;
mod text;
mod wiki;

pub use diff::{Versions, render_diff_json, render_diff_text};
pub use json::{JSON_FORMAT, render_json, render_why_not_json};
pub use mailing::{
    Mailbag, Mailed, MailingError, Message, NotMailed, Summary as MailingSummary, compose,
    message_file, render_eml, render_index, summarize as summarize_mailing, summary_line,
};
pub use summary::{render_summary_json, render_summary_text};
pub use text::{render_text, render_why_not};
pub use wiki::{Markup, render_why_not_wiki, render_wiki};

pub use crate::escape::escape_control;
