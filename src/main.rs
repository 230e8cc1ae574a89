//! The `wotrules` command.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    wotrules::cli::run()
}
