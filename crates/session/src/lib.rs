//! Sessions: the one way from sources to what a command runs on — rule sources (a
//! directory, or the rules directory at a git revision) to checked [`Rules`], data sources
//! (a case file, a SQLite database) to a [`Dataset`] as of a date. Every command, test,
//! benchmark and fuzz target gets its rules and its data here.
//!
//! # Architecture invariant
//!
//! The session joins, it does not decide: it depends on the core, the store and the
//! features, and nothing but the command line, the language server, tests, benchmarks and
//! fuzz targets depend on it (features receive rows or datasets and never call back). It
//! prints nothing and parses no arguments.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use wotrules_core::check::{Program, check};
use wotrules_core::data::{Dataset, Rows};
use wotrules_core::diag::{Diagnostic, DiagnosticCode};
use wotrules_core::rules::{RuleSet, RuleSources, load_rule_set};
use wotrules_features::mailing::{Mailing, MailingPlans};
use wotrules_features::whynot::WhyNotPlan;
use wotrules_store::{
    ReadOptions, Source, lay_drafts, open_source, rule_sources, rule_sources_at_revision,
};

/// A checked rule set: the program (the language's part) and what the features plan.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The definitions, outputs and rule files, ready to evaluate.
    pub program: Program,
    /// The scripted mailings the rule files order.
    pub mailings: Vec<Mailing>,
    /// What `--why-not` may change in the data (the schema's `why_not`).
    pub why_not: WhyNotPlan,
    /// The CATS variant types whose passes count (the schema's `store.cats_types`).
    pub cats_types: Vec<i64>,
    /// The personal fields (`member.dob`) whose values the ruling formats withhold (the
    /// schema's `personal`).
    pub personal: Vec<String>,
    /// What the rule files' paths (as traces cite them) are relative to, as a reader opens
    /// them: `rules/`, `git:HEAD:rules/`.
    pub root: String,
}

/// Checked rules and their warnings, or every diagnostic that stopped them.
pub(crate) type Checked = Result<(Rules, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Where rules come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulesFrom {
    /// A rules directory.
    Directory(PathBuf),
    /// The rules directory `rules` as it was at a git revision of its repository.
    Revision {
        /// The rules directory in the working tree.
        rules: PathBuf,
        /// The revision (`HEAD`, `origin/main`, a commit).
        revision: String,
    },
    /// Rules with drafts laid over them (`--draft`).
    Drafted {
        /// The rules.
        base: Box<RulesFrom>,
        /// Draft rule files, or folders of them.
        drafts: Vec<PathBuf>,
    },
}

impl RulesFrom {
    /// `git:REV` for the rules directory `rules` at a revision, else a directory.
    pub fn parse(text: &str, rules: &Path) -> Self {
        match text.strip_prefix("git:") {
            Some(revision) => Self::Revision {
                rules: rules.to_path_buf(),
                revision: revision.to_string(),
            },
            None => Self::Directory(PathBuf::from(text)),
        }
    }

    /// These rules with `drafts` laid over them (the same rules when there are none).
    pub fn with_drafts(self, drafts: &[PathBuf]) -> Self {
        match drafts {
            [] => self,
            drafts => Self::Drafted {
                base: Box::new(self),
                drafts: drafts.to_vec(),
            },
        }
    }

    /// The rule sources: a directory's, a revision's, with drafts laid over them.
    fn sources(&self) -> Result<RuleSources, Vec<Diagnostic>> {
        match self {
            Self::Directory(dir) => rule_sources(dir),
            Self::Revision { rules, revision } => rule_sources_at_revision(rules, revision),
            Self::Drafted { base, drafts } => {
                let mut sources = base.sources()?;
                let dir = match &**base {
                    Self::Directory(dir) => Some(dir.as_path()),
                    _ => None,
                };
                lay_drafts(&mut sources, drafts, dir)?;
                Ok(sources)
            }
        }
    }

    /// The checked rules and their warnings, or every diagnostic that stopped them (their
    /// [`wotrules_core::diag::Kind`] says whether the rules or the input are at fault).
    pub(crate) fn check(&self) -> Checked {
        check_sources(self.sources())
    }

    /// The checked rules (warnings are for `check`).
    pub fn rules(&self) -> Result<Rules, Vec<Diagnostic>> {
        self.check().map(|(rules, _)| rules)
    }

    /// The rule set as written (texts, expressions, places) and the checked rules made of it:
    /// what a page of the rules shows.
    pub fn load(&self) -> Result<(RuleSet, Rules), Vec<Diagnostic>> {
        let (set, diagnostics) = load_rule_set(self.sources()?, wotrules_features::SECTIONS);
        let (rules, _) = check_set(&set, diagnostics)?;
        Ok((set, rules))
    }

    /// The checked rules and `text` checked as an expression of `scope` over them (`eval
    /// --expr`): the rules' errors first, then the expression's, each at its place.
    pub fn rules_and_expression(
        &self,
        scope: wotrules_core::lang::Scope,
        text: &str,
    ) -> Result<(Rules, wotrules_core::check::CheckedExpression), Vec<Diagnostic>> {
        let (set, diagnostics) = load_rule_set(self.sources()?, wotrules_features::SECTIONS);
        let (rules, _) = check_set(&set, diagnostics)?;
        let expression = wotrules_core::check::check_expression(&set, scope, text)?;
        Ok((rules, expression))
    }

    /// The checked rules, with how many rule files were read and definitions declared
    /// (also when the rules do not check).
    pub fn check_counted(&self) -> (Checked, Counts) {
        let sources = match self.sources() {
            Ok(sources) => sources,
            Err(diagnostics) => return (Err(diagnostics), Counts::default()),
        };
        let (set, diagnostics) = load_rule_set(sources, wotrules_features::SECTIONS);
        let counts = Counts {
            rule_files: set.rule_files.len(),
            definitions: set.rule_files.iter().map(|f| f.definitions.len()).sum(),
        };
        (check_set(&set, diagnostics), counts)
    }
}

/// What a rule set holds, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rule files read.
    pub rule_files: usize,
    /// Definitions declared.
    pub definitions: usize,
}

/// The checked rules of rule sources already read (or the errors of reading them), with
/// every feature's plan checked among them.
pub fn check_sources(sources: Result<RuleSources, Vec<Diagnostic>>) -> Checked {
    let (set, diagnostics) = load_rule_set(sources?, wotrules_features::SECTIONS);
    check_set(&set, diagnostics)
}

/// The checked rules of a rule set already loaded, with the diagnostics of loading it.
pub fn check_set(set: &RuleSet, mut diagnostics: Vec<Diagnostic>) -> Checked {
    let mut mailings = MailingPlans::default();
    let mut why_not = WhyNotPlan::default();
    let (program, check_diagnostics) = check(set, &mut [&mut mailings, &mut why_not]);
    diagnostics.extend(check_diagnostics);
    match program {
        Some(program) if !diagnostics.iter().any(Diagnostic::is_error) => {
            let rules = Rules {
                program,
                mailings: mailings.mailings,
                why_not,
                cats_types: set.schema.cats_types.clone(),
                personal: set.schema.personal.clone(),
                root: set
                    .files
                    .first()
                    .and_then(|file| file.path.strip_suffix(&file.name))
                    .unwrap_or_default()
                    .to_string(),
            };
            Ok((rules, diagnostics))
        }
        _ => Err(diagnostics),
    }
}

/// The rows of `source`, as `rules`' schema reads them (names and addresses only when
/// `contacts`).
pub fn rows(
    source: Box<dyn Source>,
    rules: &Rules,
    contacts: bool,
) -> Result<Rows, Vec<Diagnostic>> {
    let options = ReadOptions {
        cats_types: rules.cats_types.clone(),
        contacts,
    };
    source.rows(&options)
}

/// The dataset of `source` as of `as_of` (else the source's date, else today), as
/// `rules`' schema reads it.
pub fn dataset(
    source: Box<dyn Source>,
    rules: &Rules,
    as_of: Option<NaiveDate>,
    contacts: bool,
) -> Result<Dataset, Vec<Diagnostic>> {
    let rows = rows(source, rules, contacts)?;
    let as_of = as_of_for(as_of, &rows);
    rows.dataset(as_of).map_err(|e| vec![e])
}

/// The dataset of the source of kind `flag` at `path` (a test's, a benchmark's).
pub fn dataset_at(
    flag: &str,
    path: &Path,
    rules: &Rules,
    as_of: Option<NaiveDate>,
) -> Result<Dataset, Vec<Diagnostic>> {
    let source = open_source(flag, path).unwrap_or_else(|| {
        Err(vec![Diagnostic::input_error(
            DiagnosticCode::Usage,
            format!("no source `--{flag}`"),
        )])
    })?;
    dataset(source, rules, as_of, false)
}

/// The date a case is evaluated as of: the one asked for, else the case's `as_of`, else
/// today.
pub fn as_of_for(asked: Option<NaiveDate>, case: &Rows) -> NaiveDate {
    case.as_of_or(asked, chrono::Local::now().date_naive())
}
