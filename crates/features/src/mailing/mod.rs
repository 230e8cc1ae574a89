//! Scripted mailings: the messages a ruling's `mailings:` order, composed from the
//! evaluation, written as RFC 5322 files an operator reviews and hands to their MTA.
//!
//! What is selected, who is written to and what the messages say are the rule file's
//! definitions. The feature owns its section of the rule files (`format`: `mailings:`, its
//! shape and reading), its plan (`plan`: the mailings checked with the rules), the
//! composition (`compose`: the selected records grouped by recipient, one message per
//! member and mailing) and the writing (`message`: RFC 5322 and `index.json`).

mod compose;
mod format;
mod message;
mod plan;

pub use compose::{MailingError, compose};
pub use format::SECTION;
pub use message::{
    message_file, render_dry_run, render_eml, render_index, summarize, summary_line,
};
pub use plan::{Mailing, MailingPlans};
