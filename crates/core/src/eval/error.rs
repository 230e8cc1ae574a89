//! Evaluation errors: what went wrong and in which definitions, as values; the message is
//! built when an error is shown. The checker makes most failures impossible: what remains
//! is arithmetic, data the rules cannot read, and rule files not in force.

use std::fmt;

use chrono::NaiveDate;

/// What went wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// `/` (or `%`, when `remainder`) by zero.
    DivisionByZero {
        /// Whether it was `%`.
        remainder: bool,
    },
    /// An integer result beyond 64 bits: the operation, as shown (`9223372036854775807 + 1`,
    /// `-`, `sum`).
    Overflow(String),
    /// A missing value where one is needed.
    Missing(MissingUse),
    /// A built-in function's own failure: its name.
    BuiltinMetMissing(&'static str),
    /// A value of another type than the checker promised (reported, never a panic).
    Unexpected {
        /// What was expected (`a boolean`, `an integer`).
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// No rule for the definition is in force as of the date.
    NotInForce {
        /// The definition.
        definition: String,
        /// The date.
        as_of: NaiveDate,
    },
    /// No row of a decision table holds.
    NoRowHolds,
    /// The member's name and address were not read.
    ContactNotRead {
        /// The member id.
        member: i64,
    },
}

/// How a missing value was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingUse {
    /// As an integer.
    Integer,
    /// Joined by `+` with text.
    TextJoin,
    /// As the records an aggregation runs over.
    Collection,
}

/// The definition an error arose in, and the clause (`path:line`).
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The definition's name.
    pub definition: String,
    /// `rules-relative-path:line` of the clause.
    pub at: String,
}

/// An evaluation error: what went wrong, and the definitions it passed through, innermost
/// first (boxed: a `Result<Value, EvalError>`, which every compiled node returns, is then
/// no larger than a `Value`).
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError(Box<(Failure, Vec<Place>)>);

impl EvalError {
    /// An error of `failure`, not yet placed.
    pub(crate) fn new(failure: Failure) -> Self {
        Self(Box::new((failure, Vec::new())))
    }

    /// What went wrong.
    pub fn failure(&self) -> &Failure {
        &self.0.0
    }

    /// The definitions the error arose in, innermost first.
    pub(crate) fn places(&self) -> &[Place] {
        &self.0.1
    }

    /// The error, having passed through `definition` at `at`.
    pub(crate) fn within(mut self, definition: &str, at: &str) -> Self {
        self.0.1.push(Place {
            definition: definition.to_string(),
            at: at.to_string(),
        });
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DivisionByZero { remainder: false } => write!(f, "division by zero"),
            Self::DivisionByZero { remainder: true } => write!(f, "division by zero in `%`"),
            Self::Overflow(operation) => write!(f, "integer overflow in `{operation}`"),
            Self::Missing(MissingUse::Integer) => {
                write!(f, "a missing value was used as an integer")
            }
            Self::Missing(MissingUse::TextJoin) => write!(f, "`+` on text met a missing value"),
            Self::Missing(MissingUse::Collection) => {
                write!(f, "aggregation over a missing collection")
            }
            Self::BuiltinMetMissing(name) => write!(f, "`{name}` met a missing value"),
            Self::Unexpected { expected, found } => write!(f, "expected {expected}, found {found}"),
            Self::NotInForce { definition, as_of } => {
                write!(f, "no rule for `{definition}` is in force as of {as_of}")
            }
            Self::NoRowHolds => write!(f, "no row of the decision table holds"),
            Self::ContactNotRead { member } => write!(
                f,
                "member {member}'s name and address were not read (a database's are read by `wotrules mailing` only; a member without a `users` row has none)"
            ),
        }
    }
}

/// The failure, then each definition it arose in: `division by zero (in `share`,
/// zz/rule.yaml:13) (in `points`, …)`.
impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.failure())?;
        for place in self.places() {
            write!(f, " (in `{}`, {})", place.definition, place.at)?;
        }
        Ok(())
    }
}

impl std::error::Error for EvalError {}
