//! The rows as stored: a record of 80 bytes, a member, their names and the support request.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

use super::columns::RecordField;
use super::texts::Text;

impl RecordRow {
    /// The column of an integer field (`None` for a field of another type).
    pub(crate) fn integer(&self, field: RecordField) -> Option<i64> {
        Some(match field {
            RecordField::Id => self.id,
            RecordField::From => self.from,
            RecordField::To => self.to,
            RecordField::Points => self.points,
            RecordField::Awarded => self.awarded,
            _ => return None,
        })
    }

    /// The column of a text field (`None` for a field of another type).
    pub fn text(&self, field: RecordField) -> Option<Text> {
        match field {
            RecordField::Method => Some(self.method),
            RecordField::Location => Some(self.location),
            RecordField::Date => Some(self.date),
            _ => None,
        }
    }
}

/// One row of the `notary` table, as stored: 80 bytes, as millions of them are held at once
/// (its text in `Texts`, its datetimes as [`Stamp`]s).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    /// Notary id.
    pub id: i64,
    /// Assurer's member id.
    pub from: i64,
    /// Assuree's member id.
    pub to: i64,
    /// Points as counted when entered.
    pub points: i64,
    /// Points the assurer gave.
    pub awarded: i64,
    /// Method, free text.
    pub method: Text,
    /// Location, free text.
    pub location: Text,
    /// Assurance date, free text.
    pub date: Text,
    /// Entry into the system.
    pub when: Stamp,
    /// Expiry.
    pub expire: Stamp,
    /// Revocation.
    pub deleted: Stamp,
}

/// A date and time to the second, or none: 8 bytes where an `Option<NaiveDateTime>` takes 12.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Stamp(i64);

impl Stamp {
    /// No date and time.
    pub const NONE: Stamp = Stamp(i64::MIN);

    /// The date and time, if there is one ([`Stamp::NONE`] is outside chrono's range).
    pub fn get(self) -> Option<NaiveDateTime> {
        chrono::DateTime::from_timestamp(self.0, 0).map(|d| d.naive_utc())
    }

    /// The date as days from the common era (chrono's `num_days_from_ce`), if there is one:
    /// [`Stamp::date`] without building the date, for columns of days.
    pub(crate) fn days_from_ce(self) -> Option<i32> {
        use chrono::Datelike;
        const UNIX_EPOCH_FROM_CE: i64 = 719_163;
        let days = i32::try_from(self.0.div_euclid(86_400) + UNIX_EPOCH_FROM_CE).ok()?;
        let range = NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce();
        range.contains(&days).then_some(days)
    }

    /// The date, if there is one (the day of [`Stamp::NONE`] is outside `i32`).
    pub fn date(self) -> Option<NaiveDate> {
        const UNIX_EPOCH_FROM_CE: i64 = 719_163;
        let days = self.0.div_euclid(86_400) + UNIX_EPOCH_FROM_CE;
        i32::try_from(days)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
    }
}

/// A stamp of the date and time, to the second (CAcert's columns hold no fractions).
impl From<Option<NaiveDateTime>> for Stamp {
    fn from(datetime: Option<NaiveDateTime>) -> Self {
        datetime.map_or(Self::NONE, |d| Stamp(d.and_utc().timestamp()))
    }
}

impl fmt::Debug for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

/// One member, as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberRow {
    /// Member id.
    pub id: i64,
    /// Date of birth.
    pub dob: Option<NaiveDate>,
    /// The stored assurer flag.
    pub assurer: bool,
    /// Blocked from acting as assurer.
    pub assurer_blocked: bool,
    /// TTP admin role.
    pub ttpadmin: i64,
    /// Every CATS pass date.
    pub cats_passes: Vec<NaiveDate>,
    /// When the account was deleted.
    pub deleted: Option<NaiveDate>,
    /// The account is locked.
    pub locked: bool,
    /// Name and address: always in case files; read from a database only when asked for
    /// (the store's `ReadOptions`), as only mailings need them.
    pub contact: Option<Box<Contact>>,
}

/// A member's name and primary email address (CAcert's `users` columns).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contact {
    /// Primary email address.
    pub email: String,
    /// First name.
    pub fname: String,
    /// Middle name.
    pub mname: String,
    /// Last name.
    pub lname: String,
    /// Name suffix.
    pub suffix: String,
}

/// The support request a case is about (in JSON: `{"ticket", "by", "mismatch"}`, each
/// text or null).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Request {
    /// Ticket number such as `s20111128.6822`.
    pub ticket: Option<String>,
    /// Who asked.
    pub by: Option<String>,
    /// A name or date-of-birth mismatch found during re-apply.
    pub mismatch: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_keeps_the_second_and_the_day_either_side_of_1970() {
        for text in [
            "2004-02-29 23:59:59",
            "1969-12-31 00:00:01",
            "0001-01-01 00:00:00",
        ] {
            let datetime = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
            let stamp = Stamp::from(Some(datetime));
            assert_eq!(stamp.get(), Some(datetime));
            assert_eq!(stamp.date(), Some(datetime.date()));
        }
        assert_eq!(Stamp::from(None), Stamp::NONE);
        assert_eq!((Stamp::NONE.get(), Stamp::NONE.date()), (None, None));
    }

    #[test]
    fn a_record_row_takes_80_bytes() {
        assert_eq!(std::mem::size_of::<RecordRow>(), 80);
    }
}
