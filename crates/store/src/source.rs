//! Data in: where a command's rows come from, behind one trait.
//!
//! A source is opened when the command starts — a missing file or a file that is not what
//! it should be is said at once, before the rules are checked — and read once the rules
//! say how (which CATS variants count, whether names and addresses are wanted). A new
//! source (PostgreSQL, say) is one file implementing [`Source`] and a line in [`SOURCES`];
//! the command line offers every registered source as a flag of its own.

use std::path::Path;

use wotrules_core::data::Rows;
use wotrules_core::diag::Diagnostic;

use crate::sqlite::{ReadOptions, check_database, read_database};

/// Rows to evaluate: opened (and checked as far as it can be without the rules), then read.
pub trait Source: Send {
    /// The source as messages name it.
    fn shown(&self) -> &str;

    /// Reads the rows as `options` say.
    fn rows(self: Box<Self>, options: &ReadOptions) -> Result<Rows, Vec<Diagnostic>>;
}

/// What opens a source at a path.
pub type Opener = fn(&Path) -> Result<Box<dyn Source>, Vec<Diagnostic>>;

/// A kind of source: the flag that names it, its help, and how it is opened.
pub struct SourceKind {
    /// The flag (`--case`, `--db`), without its dashes.
    pub flag: &'static str,
    /// What the flag's help says.
    pub help: &'static str,
    /// Opens the source at a path.
    pub open: Opener,
}

/// The sources a command reads data from.
pub const SOURCES: &[SourceKind] = &[
    SourceKind {
        flag: "case",
        help: "A case file (YAML)",
        open: CaseSource::open,
    },
    SourceKind {
        flag: "db",
        help: "A SQLite database with CAcert's tables (opened read-only)",
        open: DatabaseSource::open,
    },
];

/// Opens the source of kind `flag` at `path` (`None` for a flag no source has).
pub fn open_source(flag: &str, path: &Path) -> Option<Result<Box<dyn Source>, Vec<Diagnostic>>> {
    SOURCES
        .iter()
        .find(|kind| kind.flag == flag)
        .map(|kind| (kind.open)(path))
}

/// A case file, read and checked when it is opened (it needs no rules).
struct CaseSource {
    shown: String,
    rows: Rows,
}

impl CaseSource {
    fn open(path: &Path) -> Result<Box<dyn Source>, Vec<Diagnostic>> {
        let rows = crate::read_case_file(path)?;
        Ok(Box::new(Self {
            shown: path.display().to_string(),
            rows,
        }))
    }
}

impl Source for CaseSource {
    fn shown(&self) -> &str {
        &self.shown
    }

    fn rows(self: Box<Self>, _options: &ReadOptions) -> Result<Rows, Vec<Diagnostic>> {
        Ok(self.rows)
    }
}

/// A SQLite database: its tables checked when it is opened, its rows read in one read
/// transaction.
struct DatabaseSource {
    shown: String,
}

impl DatabaseSource {
    fn open(path: &Path) -> Result<Box<dyn Source>, Vec<Diagnostic>> {
        let shown = path.display().to_string();
        check_database(&shown, false).map_err(|e| vec![e])?;
        Ok(Box::new(Self { shown }))
    }
}

impl Source for DatabaseSource {
    fn shown(&self) -> &str {
        &self.shown
    }

    fn rows(self: Box<Self>, options: &ReadOptions) -> Result<Rows, Vec<Diagnostic>> {
        read_database(&self.shown, options).map_err(|e| vec![e])
    }
}
