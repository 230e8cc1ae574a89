//! `wotrules lsp`: the language server over standard input and output.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, emit_error};
use wotrules_lsp::Ending;

#[derive(Args)]
pub(super) struct LspArgs {
    /// The rules directory the edited files belong to.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
}

pub(super) fn run(args: &LspArgs) -> Exit {
    let input = std::io::BufReader::new(std::io::stdin());
    let (connection, threads) =
        wotrules_lsp::transport::connect(input, Box::new(std::io::stdout()));
    let served = wotrules_lsp::serve(&connection, args.rules.clone());
    drop(connection);
    // The reader may be waiting on standard input, which the client keeps open: only the
    // writer, which ends with the connection, is waited for.
    for thread in threads.into_iter().skip(1) {
        let _ = thread.join();
    }
    match served {
        Ok(Ending::Exit | Ending::Disconnected { shut_down: true }) => Exit::Success,
        Ok(Ending::ExitWithoutShutdown | Ending::Disconnected { shut_down: false }) => {
            Exit::RuleErrors
        }
        Err(error) => {
            emit_error(&format!("error: wotrules lsp: {error}\n"));
            Exit::BadInput
        }
    }
}
