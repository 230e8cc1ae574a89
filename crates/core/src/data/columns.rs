//! CAcert's columns as the language reads them: the fields of a record, a member and a
//! support request, with their types.

use crate::lang::Type;

/// A column of the `notary` table, or a link to one of the record's two members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordField {
    /// `id`.
    Id,
    /// `from`: the assurer's id.
    From,
    /// `to`: the assuree's id.
    To,
    /// `points`.
    Points,
    /// `awarded`.
    Awarded,
    /// `method`.
    Method,
    /// `location`.
    Location,
    /// `date`: free text as typed.
    Date,
    /// `when`: entry into the system.
    When,
    /// `expire`.
    Expire,
    /// `deleted`: revocation.
    Deleted,
    /// The member who gave it.
    Assurer,
    /// The member who received it.
    Assuree,
}

impl RecordField {
    /// How many fields a record has (each field's `as usize` is below it).
    pub(crate) const COUNT: usize = RecordField::Assuree as usize + 1;
}

/// A field of a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberField {
    /// `id`.
    Id,
    /// Date of birth.
    Dob,
    /// The stored assurer flag.
    Assurer,
    /// Blocked from acting as assurer.
    AssurerBlocked,
    /// TTP admin role (0 none, 1 TTP admin, 2 TOPUP admin).
    TtpAdmin,
    /// The earliest CATS pass on or before `as_of`.
    CatsPassed,
    /// Records received.
    Received,
    /// Records given.
    Given,
    /// When the account was deleted.
    Deleted,
    /// The account is locked.
    Locked,
    /// The primary email address.
    Email,
    /// First name.
    Fname,
    /// Middle name.
    Mname,
    /// Last name.
    Lname,
    /// Name suffix.
    Suffix,
}

/// A field of the support request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestField {
    /// The support ticket number.
    Ticket,
    /// Who asked: `assuree` or `assurer`.
    By,
    /// A mismatch found during re-apply: `name` or `dob`.
    Mismatch,
}

impl RecordField {
    /// The field of this name with its type, as the data provides it.
    pub fn lookup(name: &str) -> Option<(Self, Type)> {
        let field = match name {
            "id" => Self::Id,
            "from" => Self::From,
            "to" => Self::To,
            "points" => Self::Points,
            "awarded" => Self::Awarded,
            "method" => Self::Method,
            "location" => Self::Location,
            "date" => Self::Date,
            "when" => Self::When,
            "expire" => Self::Expire,
            "deleted" => Self::Deleted,
            "assurer" => Self::Assurer,
            "assuree" => Self::Assuree,
            _ => return None,
        };
        Some((field, field.ty()))
    }

    /// The field's type, as the data provides it.
    pub(crate) fn ty(self) -> Type {
        match self {
            Self::Id | Self::From | Self::To | Self::Points | Self::Awarded => Type::Int,
            Self::Method | Self::Location | Self::Date => Type::Text,
            Self::When | Self::Expire | Self::Deleted => Type::Optional(Box::new(Type::Date)),
            Self::Assurer | Self::Assuree => Type::Member,
        }
    }
}

impl MemberField {
    /// The field of this name with its type, as the data provides it.
    pub fn lookup(name: &str) -> Option<(Self, Type)> {
        let field = match name {
            "id" => Self::Id,
            "dob" => Self::Dob,
            "assurer" => Self::Assurer,
            "assurer_blocked" => Self::AssurerBlocked,
            "ttpadmin" => Self::TtpAdmin,
            "cats_passed" => Self::CatsPassed,
            "received" => Self::Received,
            "given" => Self::Given,
            "deleted" => Self::Deleted,
            "locked" => Self::Locked,
            "email" => Self::Email,
            "fname" => Self::Fname,
            "mname" => Self::Mname,
            "lname" => Self::Lname,
            "suffix" => Self::Suffix,
            _ => return None,
        };
        Some((field, field.ty()))
    }

    /// The field's type, as the data provides it.
    pub fn ty(self) -> Type {
        match self {
            Self::Id | Self::TtpAdmin => Type::Int,
            Self::Assurer | Self::AssurerBlocked | Self::Locked => Type::Bool,
            Self::Dob | Self::CatsPassed | Self::Deleted => Type::Optional(Box::new(Type::Date)),
            Self::Received | Self::Given => Type::Records,
            Self::Email | Self::Fname | Self::Mname | Self::Lname | Self::Suffix => Type::Text,
        }
    }
}

impl RequestField {
    /// The field of this name with its type, as the data provides it.
    pub(crate) fn lookup(name: &str) -> Option<(Self, Type)> {
        let optional_text = Type::Optional(Box::new(Type::Text));
        Some(match name {
            "ticket" => (Self::Ticket, optional_text),
            "by" => (Self::By, optional_text),
            "mismatch" => (Self::Mismatch, optional_text),
            _ => return None,
        })
    }
}
