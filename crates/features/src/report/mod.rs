//! Reports: decisions written as they are decided — text for people, JSON for machines,
//! Markdown or MoinMoin for rulings — and summaries. Features render what is theirs
//! (`whynot`, `mailing`, `diff`, `ruletest`) with the pieces exported here.
//!
//! A format is a [`Renderer`] writing to `&mut dyn io::Write`, one file each, registered
//! in [`FORMATS`]: a new format is one file and a line. Whole datasets are written chunk by
//! chunk ([`render_chunk`], [`Pieces`]): memory holds a chunk, never the whole output.

mod html;
mod json;
mod json_trace;
mod markdown;
mod markup;
mod moin;
pub mod page;
mod privacy;
mod ruling;
mod summary;
mod text;

use std::io::{self, Write};

use wotrules_core::data::Dataset;
use wotrules_core::eval::{Decisions, EntityDecisions};

pub use html::Html;
pub use json::{JSON_FORMAT, Json, JsonHeader, to_text};
pub use json_trace::FailedRowJson;
pub use markdown::Markdown;
pub use markup::{Item, Markup};
pub use moin::Moin;
pub use privacy::{Privacy, quoted, withheld_text};
pub use ruling::Ruling;
pub use summary::{render_summary_json, render_summary_text};
pub use text::{Text, failed_text, skipped_text};

pub(crate) use wotrules_core::escape::escape_control;

/// ` (DRAFT id)` when a draft decided output `index` of `entity`, else nothing: every
/// format says so beside the value.
pub(crate) fn draft_mark(entity: &EntityDecisions, index: usize) -> String {
    entity
        .drafted
        .iter()
        .find(|(output, _)| *output == index)
        .map_or(String::new(), |(_, id)| format!(" (DRAFT {id})"))
}

/// A format decisions are written in.
pub struct Format {
    /// The name `--format` takes.
    pub name: &'static str,
    /// Another name it takes.
    pub alias: Option<&'static str>,
    /// Its renderer.
    pub renderer: fn() -> Box<dyn Renderer>,
}

/// The formats decisions are written in.
pub const FORMATS: &[Format] = &[
    Format {
        name: "text",
        alias: None,
        renderer: || Box::new(Text),
    },
    Format {
        name: "json",
        alias: None,
        renderer: || Box::new(Json),
    },
    Format {
        name: "markdown",
        alias: Some("md"),
        renderer: || Box::new(Ruling(&Markdown)),
    },
    Format {
        name: "moin",
        alias: None,
        renderer: || Box::new(Ruling(&Moin)),
    },
    Format {
        name: "html",
        alias: None,
        renderer: || Box::new(Html),
    },
];

/// How every report names a record: `record 7 (from 3 to 1)`, the assurer and the assuree
/// by id.
pub fn record_title(data: &Dataset, index: usize) -> String {
    let row = &data.records[index];
    format!("record {} (from {} to {})", row.id, row.from, row.to)
}

/// The markup of a ruling format named `name` (or its other name), for the features that
/// write their own documents in it (why-not).
pub fn markup(name: &str) -> Option<&'static dyn Markup> {
    match name {
        "markdown" | "md" => Some(&Markdown),
        "moin" => Some(&Moin),
        _ => None,
    }
}

/// The renderer of the format named `name` (or its other name).
pub fn renderer(name: &str) -> Option<Box<dyn Renderer>> {
    FORMATS
        .iter()
        .find(|format| format.name == name || format.alias == Some(name))
        .map(|format| (format.renderer)())
}

/// What every piece of a report is written with.
pub struct Context<'a> {
    /// The dataset decided.
    pub data: &'a Dataset,
    /// The rules' digest.
    pub digest: &'a str,
    /// What may be shown of personal data.
    pub privacy: &'a Privacy,
    /// Whether a member's given records are listed under it too (a selection of members;
    /// a whole dataset lists each record once, under the member who received it).
    pub list_given: bool,
    /// The rules directory as given (`rules/`), which rule files' paths are relative to:
    /// what links to a rule file start with.
    pub root: &'a str,
    /// The clauses whose long citation this part of the report has quoted (a citation is
    /// quoted whole once, then named): a context is not shared between threads.
    quoted: std::cell::RefCell<std::collections::HashSet<String>>,
}

impl<'a> Context<'a> {
    /// A context for writing decisions over `data`.
    pub fn new(data: &'a Dataset, digest: &'a str, privacy: &'a Privacy, list_given: bool) -> Self {
        Self {
            data,
            digest,
            privacy,
            list_given,
            root: "",
            quoted: std::cell::RefCell::default(),
        }
    }

    /// The same context, linking rule files under `root` (the rules directory as given).
    pub fn with_root(mut self, root: &'a str) -> Self {
        self.root = root;
        self
    }

    /// Whether the citation of the clause at `at` is quoted for the first time here (and
    /// from now on it has been).
    fn first_quote(&self, at: &str) -> bool {
        self.quoted.borrow_mut().insert(at.to_string())
    }
}

/// A member as listed: its decisions, and the decided records it received and gave.
pub struct Listed<'a> {
    /// The member's decisions.
    pub member: &'a EntityDecisions,
    /// The records it received, decided.
    pub received: Vec<&'a EntityDecisions>,
    /// The records it gave, decided (empty unless [`Context::list_given`]).
    pub given: Vec<&'a EntityDecisions>,
}

/// How a renderer lists members (and records written apart): as JSON arrays, or one after
/// another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListForm {
    /// Before the first item.
    pub open: &'static str,
    /// Between two items.
    pub separator: &'static str,
    /// After the last item.
    pub close: &'static str,
    /// Instead of all three, for no item.
    pub empty: &'static str,
}

impl ListForm {
    /// Items one after another.
    pub const PLAIN: Self = Self {
        open: "",
        separator: "",
        close: "",
        empty: "",
    };
}

/// A format of decisions.
pub trait Renderer: Sync {
    /// Writes what comes before the first member: the date, the rules, the request.
    fn head(&self, out: &mut dyn Write, context: &Context) -> io::Result<()>;

    /// Writes one member: its outputs, its records, their explanations.
    fn member(&self, out: &mut dyn Write, context: &Context, listed: &Listed) -> io::Result<()>;

    /// How members (and records apart) are listed.
    fn list(&self) -> ListForm {
        ListForm::PLAIN
    }

    /// Whether every record is written on its own after the members ([`Renderer::record`]),
    /// rather than under the member who received it.
    fn records_apart(&self) -> bool {
        false
    }

    /// Writes one record on its own (when [`Renderer::records_apart`]).
    fn record(
        &self,
        _out: &mut dyn Write,
        _context: &Context,
        _record: &EntityDecisions,
    ) -> io::Result<()> {
        Ok(())
    }

    /// Writes what follows the members: the records written apart (`apart` writes them,
    /// listed), the records no member listed (`unlisted`; `any_member`: whether members
    /// were), and the end.
    fn tail(
        &self,
        out: &mut dyn Write,
        context: &Context,
        apart: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
        unlisted: &[&EntityDecisions],
        any_member: bool,
    ) -> io::Result<()>;
}

/// The pieces of a report one chunk of decisions gives: its members, and its records
/// written apart, each rendered; and its records that no member listed, kept to be written
/// at the end (few: a `--record`, or records whose assuree has no row).
#[derive(Default)]
pub struct Rendered {
    /// One piece per member listed.
    pub members: Vec<Vec<u8>>,
    /// One piece per record written apart.
    pub apart: Vec<Vec<u8>>,
    /// The records no member listed.
    pub unlisted: Vec<EntityDecisions>,
}

/// Renders one chunk of decisions (a selection, or a chunk of a whole dataset).
pub fn render_chunk(
    renderer: &dyn Renderer,
    context: &Context,
    decisions: Decisions,
) -> io::Result<Rendered> {
    let data = context.data;
    let by_index: std::collections::HashMap<usize, &EntityDecisions> =
        decisions.records.iter().map(|r| (r.index, r)).collect();
    let mut rendered = Rendered::default();
    let mut listed_records = std::collections::HashSet::new();
    for member in &decisions.members {
        let decided = |records: &mut dyn Iterator<Item = usize>| -> Vec<&EntityDecisions> {
            records
                .filter_map(|index| by_index.get(&index).copied())
                .collect()
        };
        let received = decided(&mut data.received(member.index));
        let given = if context.list_given {
            decided(&mut data.given(member.index))
        } else {
            Vec::new()
        };
        listed_records.extend(received.iter().chain(&given).map(|r| r.index));
        let mut piece = Vec::new();
        renderer.member(
            &mut piece,
            context,
            &Listed {
                member,
                received,
                given,
            },
        )?;
        rendered.members.push(piece);
    }
    let apart = renderer.records_apart();
    for record in &decisions.records {
        if apart {
            let mut piece = Vec::new();
            renderer.record(&mut piece, context, record)?;
            rendered.apart.push(piece);
        }
    }
    rendered.unlisted = decisions
        .records
        .into_iter()
        .filter(|r| !apart && !listed_records.contains(&r.index))
        .collect();
    Ok(rendered)
}

/// Writes the pieces of a list in order, with the renderer's separators.
pub struct Pieces {
    form: ListForm,
    written: usize,
}

impl Pieces {
    /// A list of `form`, nothing written yet.
    pub fn new(form: ListForm) -> Self {
        Self { form, written: 0 }
    }

    /// Writes one piece (after the opening or a separator).
    pub fn write(&mut self, out: &mut dyn Write, piece: &[u8]) -> io::Result<()> {
        let before = if self.written == 0 {
            self.form.open
        } else {
            self.form.separator
        };
        out.write_all(before.as_bytes())?;
        out.write_all(piece)?;
        self.written += 1;
        Ok(())
    }

    /// Ends the list.
    pub fn close(&self, out: &mut dyn Write) -> io::Result<()> {
        let end = if self.written == 0 {
            self.form.empty
        } else {
            self.form.close
        };
        out.write_all(end.as_bytes())
    }
}

/// Writes `decisions` (a selection: a few members, or a record) whole.
pub fn write_decisions(
    renderer: &dyn Renderer,
    out: &mut dyn Write,
    context: &Context,
    decisions: Decisions,
) -> io::Result<()> {
    renderer.head(out, context)?;
    let rendered = render_chunk(renderer, context, decisions)?;
    let mut members = Pieces::new(renderer.list());
    for piece in &rendered.members {
        members.write(out, piece)?;
    }
    members.close(out)?;
    let unlisted: Vec<&EntityDecisions> = rendered.unlisted.iter().collect();
    let any_member = !rendered.members.is_empty();
    renderer.tail(
        out,
        context,
        &mut |out| {
            let mut records = Pieces::new(renderer.list());
            for piece in &rendered.apart {
                records.write(out, piece)?;
            }
            records.close(out)
        },
        &unlisted,
        any_member,
    )
}
