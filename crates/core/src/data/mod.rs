//! The data model: CAcert's notary records and members as stored, and as of a date.
//!
//! This is what the store fills and the evaluator reads. It knows CAcert's table columns
//! (`columns`), the rows as stored (`rows`, `texts`) and the dataset linked as of a date
//! (`dataset`); never CAcert's rules. The language's types and values are in [`crate::lang`].

mod columns;
mod dataset;
mod rows;
mod rows_set;
mod texts;

pub use columns::{MemberField, RecordField, RequestField};
pub use dataset::{Dataset, Link, MAX_RECORDS_PER_MEMBER, MAX_TABLE_ROWS, Member};
pub use rows::{Contact, MemberRow, RecordRow, Request, Stamp};
pub use rows_set::Rows;
pub use texts::{Text, Texts};
