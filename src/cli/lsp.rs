//! `wotrules lsp`: the language server over standard input and output.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, emit_error};

#[derive(Args)]
pub(super) struct LspArgs {
    /// The rules directory the edited files belong to.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
}

pub(super) fn run(args: &LspArgs) -> Exit {
    let (connection, threads) = lsp_server::Connection::stdio();
    let served = crate::lsp::serve(&connection, args.rules.clone());
    drop(connection);
    let joined = threads.join();
    match (served, joined) {
        (Ok(()), Ok(())) => Exit::Success,
        (Err(error), _) => {
            emit_error(&format!("error: wotrules lsp: {error}\n"));
            Exit::BadInput
        }
        (_, Err(error)) => {
            emit_error(&format!("error: wotrules lsp: {error}\n"));
            Exit::BadInput
        }
    }
}
