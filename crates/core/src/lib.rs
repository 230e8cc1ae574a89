//! wotrules' language core: rule files and the expression language read into a checked
//! [`check::Program`], evaluated over a [`data::Dataset`], and planned for SQL.
//!
//! The pipeline: [`rules`] loads rule files (through [`yaml`]) → [`syntax`] parses their
//! expressions → [`check`] resolves and types them into a program → [`eval`] decides every
//! output for a dataset; [`plan`] reads the program as levels of columns.
//!
//! # Architecture invariant
//!
//! The core does no IO: it takes texts and rows and gives programs, values and
//! diagnostics. No IO crate (rusqlite, flate2, tempfile, clap, lsp-*) is among its
//! dependencies, and it depends on no other wotrules crate; files, databases, terminals
//! and protocols belong to `wotrules-store`, the command line and the language server.
//! Nothing here knows CAcert's rules: every number, date and method name is in `rules/`.

pub mod builtins;
pub mod check;
pub mod data;
pub mod diag;
pub mod escape;
pub mod eval;
pub mod lang;
pub mod plan;
pub mod rules;
pub mod suggest;
pub mod syntax;
pub mod words;
pub mod yaml;
