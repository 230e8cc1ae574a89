//! wotrules' features: what the commands do with a checked program and a dataset.
//!
//! Reports ([`report`]: text, JSON, Markdown, MoinMoin, and what may be shown of personal
//! data), "why not?" ([`whynot`]), the scripted mailings ([`mailing`]), two rule versions
//! compared ([`diff`]), the rules' own tests ([`ruletest`]), the rules as SQL views
//! ([`sql`]), rule files in canonical form ([`fmt`]) and synthetic populations
//! ([`generate`]).
//!
//! # Architecture invariant
//!
//! A feature receives a program, rows or a dataset and gives values or text; it never calls
//! up into the session (which depends on the features, not the other way round) and owns
//! its part of the rule files through the checker's feature hook. Nothing here writes a
//! file: the command line writes what a feature renders.

pub mod diff;
pub mod doc;
pub mod fmt;
pub mod generate;
pub mod mailing;
pub mod report;
pub mod ruletest;
pub mod sql;
pub mod whynot;

/// The sections of the rule files the features own, for the loader to keep for them.
pub const SECTIONS: &[wotrules_core::rules::SectionKey] = &[mailing::SECTION, whynot::SECTION];
