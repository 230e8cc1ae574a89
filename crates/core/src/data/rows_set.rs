//! Rows read from a source, before they are linked into a dataset as of a date.

use chrono::NaiveDate;

use super::{Dataset, MAX_RECORDS_PER_MEMBER, MemberRow, RecordRow, Request, Texts};
use crate::diag::{Diagnostic, DiagnosticCode};

/// The rows a source gives (a case file, a database, a generated population): the members,
/// the notary records and their texts, with the date and the support request the source
/// carries, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    /// `as_of`, when the source sets one.
    pub as_of: Option<NaiveDate>,
    /// The support request.
    pub request: Request,
    /// The members evaluated.
    pub members: Vec<MemberRow>,
    /// The notary records.
    pub records: Vec<RecordRow>,
    /// The records' texts.
    pub texts: Texts,
}

impl Rows {
    /// The date the rows are evaluated as of: the one asked for, else theirs, else `today`.
    pub fn as_of_or(&self, asked: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
        asked.or(self.as_of).unwrap_or(today)
    }

    /// The dataset of the rows as of `as_of`: the one place a [`Dataset`] is built. A member
    /// with more records than the limit is an error.
    pub fn dataset(self, as_of: NaiveDate) -> Result<Dataset, Diagnostic> {
        let data = Dataset::new(as_of, self.request, self.members, self.records, self.texts);
        match data.overfull_member() {
            None => Ok(data),
            Some((id, count)) => Err(Diagnostic::error(
                DiagnosticCode::Limit,
                format!("member {id} has {count} records, the limit is {MAX_RECORDS_PER_MEMBER}"),
            )
            .help("check the data: no member has assured or been assured that often")),
        }
    }
}
