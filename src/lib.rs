//! wotrules: CAcert's Web of Trust rules as data, checked and evaluated.
//!
//! The pipeline: [`rules`] loads rule files → [`syntax`] parses their expressions →
//! [`check`] resolves and types them into a [`check::Program`] → [`eval`] decides
//! every output for a [`data::Dataset`] read by [`store`] → [`report`] renders it.
#![forbid(unsafe_code)]

pub mod builtins;
pub mod check;
pub mod cli;
pub mod data;
pub mod diag;
pub(crate) mod diff;
pub(crate) mod escape;
pub mod eval;
pub mod generate;
pub mod lang;
pub mod lsp;
pub(crate) mod mailing;
pub mod plan;
pub mod reformat;
pub mod report;
pub mod rules;
pub mod ruletest;
pub mod session;
pub mod sql;
pub mod store;
pub(crate) mod suggest;
pub mod syntax;
pub mod whynot;
pub(crate) mod words;
pub mod yaml;
