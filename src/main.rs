//! The `wotrules` command: the command line over the wotrules crates.
//!
//! # Architecture invariant
//!
//! The binary holds argument handling only (one file per command: arguments → session →
//! feature → render → exit code); everything it runs is in the library crates.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
