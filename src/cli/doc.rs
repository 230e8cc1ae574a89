//! `wotrules doc`: the rule set as a static site, written all or nothing into a new folder.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, emit, emit_error, exit_for, fail};
use wotrules_core::diag::{Diagnostic, DiagnosticCode, render_styled};
use wotrules_features::doc::{SiteInput, site};
use wotrules_features::ruletest::{exercised, load_tests};
use wotrules_session::RulesFrom;
use wotrules_store::NewDirectory;

#[derive(Args)]
pub(super) struct DocArgs {
    /// The folder to write (new, or empty).
    #[arg(long)]
    out: PathBuf,
    /// The rules directory.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Lay a draft rule file (or a folder of them) over the rules (may be given more than
    /// once); its pages say DRAFT.
    #[arg(long, value_name = "PATH")]
    draft: Vec<PathBuf>,
}

pub(super) fn run(args: &DocArgs) -> Exit {
    let from = RulesFrom::Directory(args.rules.clone()).with_drafts(&args.draft);
    let (set, rules) = match from.load() {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            return exit_for(&diagnostics);
        }
    };
    // What the rule tests did with each clause; a rules directory without tests has none.
    let clauses = match load_tests(&args.rules, &rules.program) {
        Ok(files) => match exercised(&rules.program, files) {
            Ok(clauses) => clauses,
            Err(diagnostic) => return fail(&diagnostic, Exit::BadInput),
        },
        Err(_) => Default::default(),
    };
    let reference = std::fs::read_to_string(args.rules.join("REFERENCE.md")).ok();
    let pages = site(&SiteInput {
        set: &set,
        program: &rules.program,
        exercised: &clauses,
        reference: reference.as_deref(),
    });
    let directory = match NewDirectory::create(&args.out) {
        Ok(directory) => directory,
        Err(diagnostic) => return fail(&diagnostic, Exit::BadInput),
    };
    let (index, others): (Vec<_>, Vec<_>) =
        pages.iter().partition(|(name, _)| name == "index.html");
    for (name, html) in &others {
        if let Err(error) = directory.write(name, html) {
            return fail(
                &Diagnostic::input_error(DiagnosticCode::Io, error.to_string())
                    .help("nothing was written: check the disk"),
                Exit::BadInput,
            );
        }
    }
    let index = index.first().map_or("", |(_, html)| html.as_str());
    if let Err(diagnostic) = directory.finish_with("index.html", index) {
        return fail(&diagnostic, Exit::BadInput);
    }
    emit(&format!(
        "wrote {} pages to {}: open {}\n",
        pages.len(),
        args.out.display(),
        args.out.join("index.html").display()
    ));
    Exit::Success
}
