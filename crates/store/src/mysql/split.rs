//! Dump import: a dump split into statements, one line of input at a time.
//!
//! The dump is the most hostile input wotrules reads: no byte of it is indexed unchecked.
//!
//! Comments are dropped, except what they tell: `mysqldump`'s header (`-- MariaDB dump …`,
//! with `Database: NAME`) and last line (`-- Dump completed`), and the tables its
//! `-- Dumping data for table` comments name. Executable comments (`/*!40101 SET NAMES
//! utf8mb4 */`) are code, as the server runs them; MariaDB's sandbox line is skipped.
#![deny(clippy::indexing_slicing)]

use std::collections::VecDeque;
use std::io::BufRead;

/// The longest statement read (`mysqldump` writes extended inserts of about 1 MiB by
/// default; `max_allowed_packet` allows up to 1 GiB).
const MAX_STATEMENT_BYTES: usize = 256 << 20;

/// The most bytes of a line read at once: a longer line is split in pieces, so that memory
/// holds one statement (at most [`MAX_STATEMENT_BYTES`]) and one piece, however long the
/// line (a gzip of zeros has no newline at all).
const PIECE_BYTES: u64 = 1 << 20;

/// Bytes kept back at the end of a piece that does not end its line, so that a comment
/// mark, an executable comment or the delimiter is never cut between two pieces.
const LOOKAHEAD: usize = 64;

/// A problem found while splitting the dump into statements.
#[derive(Debug)]
pub(crate) struct SplitError {
    /// The dump's line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: &'static str,
}

/// One statement: its text without comments, and the line it starts on.
#[derive(Debug)]
pub(crate) struct Statement {
    /// The line of the dump it starts on.
    pub line: usize,
    /// The text, comments replaced by a space or a line end.
    pub text: Vec<u8>,
}

/// What the dump holds, in order.
#[derive(Debug)]
pub(crate) enum Piece {
    /// A statement.
    Statement(Statement),
    /// A `-- Dumping data for table `NAME`` comment at `line`: the table is in the dump,
    /// with or without rows.
    TableComment(String, usize),
}

/// Where the splitter stands inside the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Quoted(u8),
    Escaped(u8),
    BlockComment,
}

/// Splits a dump into statements.
pub(crate) struct Statements<R> {
    input: R,
    /// The lines read so far.
    pub line: usize,
    state: State,
    /// Inside `/*!…*/`, whose text is code.
    executable: bool,
    /// Whether the first line (after MariaDB's sandbox line) is `mysqldump`'s header.
    header: Option<bool>,
    /// The database the header names (`-- Host: …    Database: NAME`).
    pub header_database: Option<String>,
    completed: bool,
    current: Statement,
    /// Pieces complete but not yet handed out (a line may end several statements).
    ready: VecDeque<Piece>,
    /// The piece of a line being read, after what is left of the one before.
    buffer: Vec<u8>,
    /// Whether the last piece read did not end its line.
    inside_line: bool,
    /// Whether the rest of the line is a comment (met in a piece that did not end its line).
    inside_comment: bool,
    /// The statement's delimiter (`DELIMITER ;;` around triggers).
    delimiter: Vec<u8>,
}

impl<R: BufRead> Statements<R> {
    /// A splitter reading `input` from its start.
    pub(crate) fn new(input: R) -> Self {
        Self {
            input,
            line: 0,
            state: State::Code,
            executable: false,
            header: None,
            header_database: None,
            completed: false,
            current: Statement {
                line: 1,
                text: Vec::new(),
            },
            ready: VecDeque::new(),
            buffer: Vec::new(),
            inside_line: false,
            inside_comment: false,
            delimiter: b";".to_vec(),
        }
    }

    fn error(&self, line: usize, message: impl Into<String>, help: &'static str) -> SplitError {
        SplitError {
            line,
            message: message.into(),
            help,
        }
    }

    /// Whether the dump opened with `mysqldump`'s header (so that it must end with its last
    /// line); `None` before the first line.
    pub(crate) fn has_header(&self) -> Option<bool> {
        self.header
    }

    /// The next piece, or `None` at the end of the dump.
    pub(crate) fn next_piece(&mut self) -> Result<Option<Piece>, SplitError> {
        loop {
            if let Some(piece) = self.ready.pop_front() {
                return Ok(Some(piece));
            }
            let kept_back = self.buffer.len();
            let read = std::io::Read::take(&mut self.input, PIECE_BYTES)
                .read_until(b'\n', &mut self.buffer)
                .map_err(|e| {
                    self.error(
                        self.line + 1,
                        format!("cannot read: {e}"),
                        "check the file (a compressed dump that is damaged or cut short?)",
                    )
                })?;
            if read == 0 && kept_back == 0 {
                return Ok(None);
            }
            let ends_line = read == 0 || self.buffer.ends_with(b"\n");
            let continues = self.inside_line;
            if !continues {
                self.line += 1;
            }
            let mut piece = std::mem::take(&mut self.buffer);
            let consumed = self.split_piece(&piece, continues, !ends_line);
            self.inside_line = !ends_line;
            piece.drain(..consumed.as_ref().map_or(piece.len(), |&n| n));
            self.buffer = piece;
            consumed?;
        }
    }

    /// Adds a piece of a line (`continues`: not its start; `partial`: not its end) to the
    /// statement being read; returns how many of its bytes were taken (the rest are kept
    /// back for the next piece).
    fn split_piece(
        &mut self,
        piece: &[u8],
        continues: bool,
        partial: bool,
    ) -> Result<usize, SplitError> {
        if continues && self.inside_comment {
            self.inside_comment = partial;
            return Ok(piece.len());
        }
        self.split_line(piece, continues, partial)
    }

    /// What a line between statements says about the dump; `true` when it is done with.
    fn line_between_statements(&mut self, trimmed: &[u8]) -> Result<bool, SplitError> {
        if trimmed.starts_with(b"/*M!999999\\-") {
            // MariaDB's sandbox mode line: a command of its client, not a statement.
            return Ok(true);
        }
        if self.header.is_none() && !trimmed.is_empty() {
            if trimmed.starts_with(b"<?xml") {
                return Err(self.error(
                    self.line,
                    "an XML dump (`mysqldump --xml`): wotrules reads the SQL that mysqldump writes by default",
                    "dump the database again without `--xml`",
                ));
            }
            self.header = Some(
                trimmed.starts_with(b"-- MySQL dump") || trimmed.starts_with(b"-- MariaDB dump"),
            );
        }
        if let Some(rest) = trimmed.strip_prefix(b"-- Host: ")
            && let Some(at) = rest.windows(10).position(|w| w == b"Database: ")
        {
            let name = rest.get(at + 10..).unwrap_or_default();
            let name = String::from_utf8_lossy(name).trim().to_string();
            self.header_database = (!name.is_empty()).then_some(name);
        }
        if let Some(name) = trimmed
            .strip_prefix(b"-- Dumping data for table `")
            .and_then(|rest| rest.strip_suffix(b"`"))
        {
            let name = String::from_utf8_lossy(name).replace("``", "`");
            self.ready.push_back(Piece::TableComment(name, self.line));
        }
        if trimmed.starts_with(b"-- Dump completed") {
            self.completed = true;
        }
        if let Some((head, rest)) = trimmed.split_at_checked(10)
            && !rest.is_empty()
            && head.eq_ignore_ascii_case(b"DELIMITER ")
        {
            self.delimiter = rest.trim_ascii().to_vec();
            return Ok(true);
        }
        Ok(false)
    }

    /// Adds a line, or a piece of one, to the statement being read; the statements it
    /// completes are `ready`. Returns how many bytes were taken: all, or, when `partial`,
    /// all but a tail where a mark could be cut.
    fn split_line(
        &mut self,
        line: &[u8],
        continues: bool,
        partial: bool,
    ) -> Result<usize, SplitError> {
        let at_start = !continues
            && self.state == State::Code
            && !self.executable
            && self.current.text.iter().all(u8::is_ascii_whitespace);
        if at_start {
            self.current.text.clear();
            self.current.line = self.line;
            if self.line_between_statements(line.trim_ascii())? {
                self.inside_comment = partial;
                return Ok(line.len());
            }
        }
        let mut index = 0;
        while let Some(rest) = line.get(index..)
            && let Some(&byte) = rest.first()
        {
            // Bytes that change nothing (in code, those that cannot start a quote, comment
            // or delimiter; in quotes, all but the quote and `\`) are copied in bulk.
            let plain = self.plain_run(rest);
            if plain > 0 {
                let copied = rest.get(..plain).unwrap_or_default();
                self.current.text.extend_from_slice(copied);
                index += plain;
                continue;
            }
            let near_end = partial && rest.len() < LOOKAHEAD;
            match self.state {
                State::Code => {
                    if near_end {
                        break;
                    }
                    let comment = rest.starts_with(b"-- ")
                        || rest.starts_with(b"--\t")
                        || rest.trim_ascii_end() == b"--"
                        || byte == b'#';
                    if comment {
                        // The line's end still separates what stands before and after it.
                        self.current.text.push(b'\n');
                        self.inside_comment = partial;
                        index = line.len();
                        break;
                    }
                    if let Some(skip) = executable_comment(rest) {
                        self.executable = true;
                        self.current.text.push(b' ');
                        index += skip;
                        continue;
                    }
                    if rest.starts_with(b"/*") {
                        self.state = State::BlockComment;
                        index += 2;
                        continue;
                    }
                    if self.executable && rest.starts_with(b"*/") {
                        self.executable = false;
                        self.current.text.push(b' ');
                        index += 2;
                        continue;
                    }
                    if rest.starts_with(&self.delimiter) {
                        let text = std::mem::take(&mut self.current.text);
                        index += self.delimiter.len();
                        if !text.iter().all(u8::is_ascii_whitespace) {
                            self.ready.push_back(Piece::Statement(Statement {
                                line: self.current.line,
                                text,
                            }));
                        }
                        self.current.line = self.line;
                        continue;
                    }
                    if matches!(byte, b'\'' | b'"' | b'`') {
                        self.state = State::Quoted(byte);
                    }
                    self.current.text.push(byte);
                }
                State::Quoted(quote) => {
                    if byte == b'\\' && quote != b'`' {
                        self.state = State::Escaped(quote);
                    } else if byte == quote {
                        self.state = State::Code;
                    }
                    self.current.text.push(byte);
                }
                State::Escaped(quote) => {
                    self.state = State::Quoted(quote);
                    self.current.text.push(byte);
                }
                State::BlockComment => {
                    if near_end {
                        break;
                    }
                    if rest.starts_with(b"*/") {
                        self.state = State::Code;
                        self.current.text.push(b' ');
                        index += 2;
                        continue;
                    }
                }
            }
            index += 1;
        }
        if self.current.text.len() > MAX_STATEMENT_BYTES {
            return Err(self.error(
                self.current.line,
                format!("a statement longer than {} MiB", MAX_STATEMENT_BYTES >> 20),
                "dump with a smaller `--net-buffer-length` (mysqldump's default is 1 MiB)",
            ));
        }
        Ok(index)
    }

    /// How many bytes at the start of `rest` change nothing in the current state: outside
    /// quotes, none may start a quote, a comment, the end of an executable comment or the
    /// delimiter; inside, none may end the quote or escape; in a comment or after an escape,
    /// every byte counts.
    fn plain_run(&self, rest: &[u8]) -> usize {
        fn run(rest: &[u8], special: impl Fn(u8) -> bool) -> usize {
            rest.iter().position(|&b| special(b)).unwrap_or(rest.len())
        }
        match self.state {
            State::Code => {
                let delimiter = self.delimiter.first().copied();
                run(rest, |byte| {
                    matches!(byte, b'\'' | b'"' | b'`' | b'-' | b'#' | b'/' | b'*')
                        || Some(byte) == delimiter
                })
            }
            State::Quoted(b'`') => run(rest, |byte| byte == b'`'),
            State::Quoted(quote) => run(rest, |byte| byte == quote || byte == b'\\'),
            State::Escaped(_) | State::BlockComment => 0,
        }
    }

    /// At the end of the dump: nothing may be left open, and a dump that opened with
    /// `mysqldump`'s header must end with its last line.
    pub(crate) fn finish(&self) -> Result<(), SplitError> {
        let help = "the dump is truncated: dump the database again";
        match self.state {
            State::Quoted(_) | State::Escaped(_) => {
                return Err(self.error(
                    self.current.line,
                    "the dump ends inside a quoted value",
                    help,
                ));
            }
            State::BlockComment => {
                return Err(self.error(
                    self.line,
                    "the dump ends inside a `/* … */` comment",
                    help,
                ));
            }
            State::Code => {}
        }
        if self.executable || !self.current.text.iter().all(u8::is_ascii_whitespace) {
            return Err(self.error(
                self.current.line,
                "the dump ends inside a statement (no closing `;`)",
                help,
            ));
        }
        if self.header == Some(true) && !self.completed {
            return Err(self.error(
                self.line,
                "the dump has mysqldump's header but not its last line `-- Dump completed`",
                help,
            ));
        }
        Ok(())
    }
}

/// The length of the opening of an executable comment (`/*!40101`, `/*M!100000`) at the
/// start of `text`, whose content the server runs.
fn executable_comment(text: &[u8]) -> Option<usize> {
    let marker = if text.starts_with(b"/*!") {
        3
    } else if text.starts_with(b"/*M!") {
        4
    } else {
        return None;
    };
    let digits = text
        .get(marker..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    Some(marker + digits)
}

// The tests index their own fixed data: a wrong index is a failed test.
#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// Zeros without a newline, as a gzip bomb decompresses to.
    struct Zeros(u64);

    impl std::io::Read for Zeros {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let n = buffer
                .len()
                .min(usize::try_from(self.0).unwrap_or(usize::MAX));
            buffer[..n].fill(0);
            self.0 -= n as u64;
            Ok(n)
        }
    }

    #[test]
    fn a_line_without_end_is_refused_at_the_statement_limit_in_bounded_memory() {
        let input = std::io::BufReader::new(Zeros(2 * MAX_STATEMENT_BYTES as u64));
        let mut statements = Statements::new(input);
        let error = loop {
            match statements.next_piece() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("the zeros end without an error"),
                Err(error) => break error,
            }
        };
        assert_eq!(error.message, "a statement longer than 256 MiB");
        assert!(
            statements.buffer.capacity() <= 2 * PIECE_BYTES as usize,
            "the line is read a piece at a time: {}",
            statements.buffer.capacity()
        );
        assert!(statements.current.text.len() <= MAX_STATEMENT_BYTES + PIECE_BYTES as usize);
    }

    #[test]
    fn marks_cut_between_pieces_are_read_whole() {
        // The end of a quote, the delimiter, a comment and an executable comment, at every
        // offset from the 1 MiB piece boundary of a long line, read as in a short line.
        let prefix = "INSERT INTO t VALUES ('";
        let piece = PIECE_BYTES as usize;
        for length in piece - prefix.len() - 70..piece - prefix.len() + 10 {
            let long = "x".repeat(length);
            let text = format!(
                "{prefix}{long}'); /*!40101 SET NAMES latin1 */; -- a comment; not a statement\n/*!40101 SET NAMES utf8 */;\n"
            );
            let mut statements = Statements::new(std::io::BufReader::new(text.as_bytes()));
            let mut texts = Vec::new();
            while let Some(piece) = statements.next_piece().expect("a dump") {
                if let Piece::Statement(statement) = piece {
                    texts.push(String::from_utf8(statement.text).expect("text"));
                }
            }
            assert_eq!(texts.len(), 3, "{length}");
            assert!(
                texts[0].trim_end().ends_with(&format!("{long}')")),
                "{length}"
            );
            assert_eq!(texts[1].trim(), "SET NAMES latin1", "{length}");
            assert_eq!(texts[2].trim(), "SET NAMES utf8", "{length}");
            statements.finish().expect("nothing left open");
        }
    }
}
