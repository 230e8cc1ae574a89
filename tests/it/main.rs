//! The integration tests, in one binary (each file a module): the real `wotrules` binary
//! run in temporary directories, and the library crates driven in-process. Tests are data
//! where they can be (`tests/bad_inputs/`, `tests/data/`, `rules/tests/`), snapshotted into
//! the top-level `snapshots/`.

// A failed test is a panic: unwrap, expect and panic! are how a test says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod bad_inputs;
mod cases;
mod check;
mod ci_output;
mod cli;
mod diff;
mod doc;
mod drafts;
mod dump_evidence;
mod engines;
mod explain;
mod expr;
mod files;
mod fmt;
mod formats;
mod generate;
mod held;
mod hints;
mod html;
mod lsp;
mod lsp_edits;
mod lsp_traffic;
mod mailing;
mod mariadb_dumps;
mod mysql_dump;
mod new;
mod overridden;
mod properties;
mod readme;
mod ruletests;
mod schema;
mod semantics;
mod sql;
mod store;
mod trust;
mod watch;
mod why_not;
mod yaml;
