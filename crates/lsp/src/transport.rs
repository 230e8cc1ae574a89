//! The language server's framing: `Content-Length` messages read from a stream and written
//! to another, so that nothing a client sends ends the session.
//!
//! A message is bounded (`MAX_MESSAGE_BYTES`, a header line `MAX_HEADER_LINE_BYTES`);
//! a malformed one (a bad or missing `Content-Length`, a body that is not JSON, not UTF-8,
//! or not a JSON-RPC message) is answered with a JSON-RPC error (-32700 or -32600, id null
//! when it has none) and reading goes on at the next header, found even where it follows a
//! body sent without one on the same line. Headers may end with CRLF or LF alone.
#![deny(clippy::indexing_slicing)]

use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};

use lsp_server::{Connection, Message};
use serde_json::{Value as Json, json};

/// The largest message read: far above any rule file, far below memory.
pub(crate) const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// The longest header line kept (a longer line is not a header).
pub(crate) const MAX_HEADER_LINE_BYTES: usize = 4096;

/// JSON-RPC's code for a message that is not JSON.
const PARSE_ERROR: i32 = -32700;
/// JSON-RPC's code for JSON that is not a request, response or notification.
const INVALID_REQUEST: i32 = -32600;

/// What the reader found next.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// A well-formed message.
    Message(Message),
    /// Something that is not one: answered with an error and skipped.
    Malformed {
        /// The JSON-RPC error code.
        code: i32,
        /// What was wrong.
        message: String,
        /// The request's id, when one could be read.
        id: Json,
    },
}

/// Reads framed messages from `input`, never more than a bounded amount at a time.
pub(crate) struct Reader<R> {
    input: R,
    /// Skipping what is not a header after a malformed message, until the next
    /// `Content-Length` (one error for the whole of it).
    resyncing: bool,
    /// A header line found inside the garbage of the line before.
    pending_line: Option<Vec<u8>>,
}

impl<R: BufRead> Reader<R> {
    /// A reader of `input` from its start.
    pub(crate) fn new(input: R) -> Self {
        Self {
            input,
            resyncing: false,
            pending_line: None,
        }
    }

    /// The next message, or what is wrong with it; `None` at the end of the input.
    fn read(&mut self) -> Option<Incoming> {
        let mut length: Option<Result<usize, String>> = None;
        loop {
            let (line, truncated) = match self.pending_line.take() {
                Some(line) => (line, false),
                None => self.line()?,
            };
            let line = trim_line_end(&line);
            if line.is_empty() && !truncated {
                match length.take() {
                    None => continue,
                    Some(Ok(length)) => return Some(self.body(length)),
                    Some(Err(message)) => return Some(self.malformed(message)),
                }
            }
            if !truncated && let Some(value) = header_value(line, b"content-length") {
                self.resyncing = false;
                let value = String::from_utf8_lossy(value).trim().to_string();
                length = Some(match value.parse::<usize>() {
                    Ok(n) if n <= MAX_MESSAGE_BYTES => Ok(n),
                    Ok(n) => Err(format!(
                        "a message of {n} bytes: the limit is {MAX_MESSAGE_BYTES}"
                    )),
                    Err(_) => Err(format!("`Content-Length: {value}` is not a length")),
                });
                continue;
            }
            // A header glued to the end of what comes before it (a body sent without one)
            // is read on its own.
            let glued = find_ignoring_case(line, b"content-length:");
            if !truncated && glued.is_none() && is_other_header(line) {
                // `Content-Type`, or a header this server does not know: ignored.
                continue;
            }
            if let Some(at) = glued {
                self.pending_line = line.get(at..).map(<[u8]>::to_vec);
            }
            length = None;
            if !self.resyncing {
                self.resyncing = true;
                return Some(Incoming::Malformed {
                    code: PARSE_ERROR,
                    message: "not a message: a message starts with a `Content-Length: N` header line, then an empty line".into(),
                    id: Json::Null,
                });
            }
        }
    }

    /// One line (without reading further than its newline); a line longer than
    /// [`MAX_HEADER_LINE_BYTES`] keeps its last bytes only and says it was cut.
    fn line(&mut self) -> Option<(Vec<u8>, bool)> {
        let mut line = Vec::new();
        let mut truncated = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return None,
            };
            if available.is_empty() {
                return (!line.is_empty()).then_some((line, truncated));
            }
            let (taken, ended) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            line.extend_from_slice(available.get(..taken).unwrap_or_default());
            self.input.consume(taken);
            if line.len() > MAX_HEADER_LINE_BYTES {
                truncated = true;
                line.drain(..line.len() - MAX_HEADER_LINE_BYTES);
            }
            if ended {
                return Some((line, truncated));
            }
        }
    }

    /// The body of `length` bytes after a header, read as a message.
    fn body(&mut self, length: usize) -> Incoming {
        let mut body = vec![0; length];
        if std::io::Read::read_exact(&mut self.input, &mut body).is_err() {
            return self.malformed("the input ended inside a message".into());
        }
        let value: Json = match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(e) => return self.malformed(format!("the message is not JSON: {e}")),
        };
        let id = value.get("id").cloned().unwrap_or(Json::Null);
        let is_request = value.get("method").is_some() && value.get("id").is_some();
        match serde_json::from_value::<Message>(value) {
            Ok(Message::Notification(_)) if is_request => Incoming::Malformed {
                code: INVALID_REQUEST,
                message: "the request's id is neither a 32-bit integer nor a string".into(),
                id,
            },
            Ok(message) => Incoming::Message(message),
            Err(e) => Incoming::Malformed {
                code: INVALID_REQUEST,
                message: format!("not a JSON-RPC request, response or notification: {e}"),
                id,
            },
        }
    }

    fn malformed(&mut self, message: String) -> Incoming {
        Incoming::Malformed {
            code: PARSE_ERROR,
            message,
            id: Json::Null,
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Incoming;

    fn next(&mut self) -> Option<Incoming> {
        self.read()
    }
}

/// `line` without its `\r\n` or `\n`.
fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A header line's name and value, split at its first colon.
fn split_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let (name, rest) = line.split_at_checked(colon)?;
    Some((name, rest.get(1..).unwrap_or_default()))
}

/// The value of header `name` (lowercase) when `line` is that header.
fn header_value<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let (header, value) = split_header(line)?;
    header
        .trim_ascii()
        .eq_ignore_ascii_case(name)
        .then_some(value)
}

/// Whether `line` is a header line (`Name: value`, the name a token).
fn is_other_header(line: &[u8]) -> bool {
    split_header(line).is_some_and(|(name, _)| {
        !name.is_empty() && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    })
}

fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// Where messages are written: one frame at a time, from any thread.
#[derive(Clone)]
pub(crate) struct Writer {
    output: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl Writer {
    /// A writer of frames to `output`.
    pub(crate) fn new(output: Box<dyn Write + Send>) -> Self {
        Self {
            output: Arc::new(Mutex::new(output)),
        }
    }

    /// Writes one JSON value as a frame; an error means the client is gone.
    pub(crate) fn write(&self, value: &Json) -> std::io::Result<()> {
        let body = serde_json::to_vec(value)?;
        let mut output = self
            .output
            .lock()
            .map_err(|_| std::io::Error::other("the output is poisoned"))?;
        write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
        output.write_all(&body)?;
        output.flush()
    }
}

/// A connection over `input` and `output`: a thread reads frames into it (answering
/// malformed ones itself), another writes what the server sends. The threads end when the
/// input ends and when the server drops its end.
pub fn connect(
    input: impl BufRead + Send + 'static,
    output: Box<dyn Write + Send>,
) -> (Connection, Vec<std::thread::JoinHandle<()>>) {
    let writer = Writer::new(output);
    let (to_server, from_client) = crossbeam_channel::unbounded::<Message>();
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    let errors = writer.clone();
    let reading = std::thread::spawn(move || {
        for incoming in Reader::new(input) {
            match incoming {
                Incoming::Message(message) => {
                    if to_server.send(message).is_err() {
                        return;
                    }
                }
                Incoming::Malformed { code, message, id } => {
                    let error = json!({
                        "jsonrpc": "2.0",
                        "id": id,
                        "error": {"code": code, "message": message},
                    });
                    if errors.write(&error).is_err() {
                        return;
                    }
                }
            }
        }
    });
    let writing = std::thread::spawn(move || {
        for message in from_server {
            let Ok(mut value) = serde_json::to_value(&message) else {
                continue;
            };
            if let Some(object) = value.as_object_mut() {
                object.insert("jsonrpc".into(), "2.0".into());
            }
            if writer.write(&value).is_err() {
                return;
            }
        }
    });
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    (connection, vec![reading, writing])
}
