//! The JSON report: one document, stamped with its format, the tool and the rules' digest.
//!
//! Every JSON document wotrules prints (decisions, summaries, diffs) is a `#[derive(Serialize)]`
//! type opening with [`JsonHeader`].

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use wotrules_core::data::Request;
use wotrules_core::eval::EntityDecisions;
use wotrules_core::lang::Value;

use super::json_trace::{Shown, Traces};
use super::privacy::Privacy;
use super::{Context, ListForm, Listed, Renderer};

/// The version of the JSON documents' shape; it changes when a field changes meaning or
/// type. 2: the same thing has the same type everywhere (a diff's summary values as its
/// changes', a why-not gap a number, `check`'s counts numbers), and `eval` says the request.
pub const JSON_FORMAT: u32 = 2;

/// What opens every JSON document: its format version and the tool that wrote it.
#[derive(Serialize)]
pub struct JsonHeader {
    /// [`JSON_FORMAT`].
    pub format: u32,
    /// `wotrules <version>`.
    pub tool: &'static str,
}

impl JsonHeader {
    /// This build's stamp.
    pub(crate) fn current() -> Self {
        Self {
            format: JSON_FORMAT,
            tool: concat!("wotrules ", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A document as pretty JSON with a final newline.
pub fn to_text(document: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Entity<'a> {
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<i64>,
    #[serde(flatten)]
    outputs: Outputs<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<OutputError<'a>>,
    /// The outputs a draft decided, with the draft's id (only when drafts are applied).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    drafted: std::collections::BTreeMap<&'a str, &'a str>,
    #[serde(skip_serializing_if = "Traces::is_empty")]
    trace: Traces<'a>,
}

/// The outputs of an entity in schema order, as keys of its object (a failed one is null,
/// a withheld one `{"withheld": [fields]}`).
struct Outputs<'a>(&'a EntityDecisions, &'a Privacy);

impl Serialize for Outputs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Outputs(entity, privacy) = self;
        let mut map = serializer.serialize_map(Some(entity.outputs.len()))?;
        for (index, (name, value)) in entity.outputs.iter().enumerate() {
            match value {
                Ok(value) => {
                    map.serialize_entry(name, &Shown(value, privacy.output(entity, index)))?
                }
                Err(_) => map.serialize_entry(name, &None::<Value>)?,
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
struct OutputError<'a> {
    output: &'a str,
    error: String,
}

fn entity<'a>(
    decisions: &'a EntityDecisions,
    ends: Option<(i64, i64)>,
    privacy: &'a Privacy,
) -> Entity<'a> {
    Entity {
        id: decisions.id,
        from: ends.map(|(from, _)| from),
        to: ends.map(|(_, to)| to),
        outputs: Outputs(decisions, privacy),
        errors: decisions
            .outputs
            .iter()
            .filter_map(|(output, value)| {
                value.as_ref().err().map(|error| OutputError {
                    output,
                    error: error.to_string(),
                })
            })
            .collect(),
        drafted: decisions
            .drafted
            .iter()
            .filter_map(|(index, id)| {
                let (name, _) = decisions.outputs.get(*index)?;
                Some((name.as_str(), id.as_str()))
            })
            .collect(),
        trace: Traces(&decisions.traces, privacy),
    }
}

/// Decisions as one JSON document, written as they are decided: the head, the members,
/// then the records (each record after every member: a whole dataset's records are
/// written apart while its members are, and copied in after them).
pub struct Json;

/// The document's head: what comes before `members`.
#[derive(Serialize)]
struct Head<'a> {
    #[serde(flatten)]
    stamp: JsonHeader,
    as_of: String,
    rules_digest: &'a str,
    request: &'a Request,
}

/// Pretty JSON of `value` as an item of a list inside the document: as
/// `serde_json::to_string_pretty` writes it, two levels deeper.
fn item(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    // Serialized into a buffer of its own: serde_json writes a few bytes at a time.
    let mut text = Vec::with_capacity(1024);
    text.extend_from_slice(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(
        &mut text,
        Nested {
            depth: 2,
            empty: true,
        },
    );
    value.serialize(&mut serializer).map_err(io::Error::other)?;
    out.write_all(&text)
}

/// serde_json's pretty layout (two spaces a level) starting `depth` levels deep.
struct Nested {
    depth: usize,
    /// Whether the array or object just opened has no item yet.
    empty: bool,
}

impl Nested {
    fn indent(&self, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
        for _ in 0..self.depth {
            out.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.empty = true;
        out.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if !self.empty {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        self.empty = false;
        out.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.empty = false;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.empty = true;
        out.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if !self.empty {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        self.empty = false;
        out.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.empty = false;
        Ok(())
    }
}

impl Renderer for Json {
    fn head(&self, out: &mut dyn Write, context: &Context) -> io::Result<()> {
        let head = Head {
            stamp: JsonHeader::current(),
            as_of: context.data.as_of.to_string(),
            rules_digest: context.digest,
            request: &context.data.request,
        };
        let text = serde_json::to_string_pretty(&head).map_err(io::Error::other)?;
        let open = text.strip_suffix("\n}").unwrap_or(&text);
        write!(out, "{open},\n  \"members\": ")
    }

    fn member(&self, out: &mut dyn Write, context: &Context, listed: &Listed) -> io::Result<()> {
        item(out, &entity(listed.member, None, context.privacy))
    }

    fn list(&self) -> ListForm {
        ListForm {
            open: "[\n",
            separator: ",\n",
            close: "\n  ]",
            empty: "[]",
        }
    }

    fn records_apart(&self) -> bool {
        true
    }

    fn record(
        &self,
        out: &mut dyn Write,
        context: &Context,
        record: &EntityDecisions,
    ) -> io::Result<()> {
        let row = &context.data.records[record.index];
        item(
            out,
            &entity(record, Some((row.from, row.to)), context.privacy),
        )
    }

    fn tail(
        &self,
        out: &mut dyn Write,
        _context: &Context,
        apart: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
        _unlisted: &[&EntityDecisions],
        _any_member: bool,
    ) -> io::Result<()> {
        out.write_all(b",\n  \"records\": ")?;
        apart(out)?;
        out.write_all(b"\n}\n")
    }
}
