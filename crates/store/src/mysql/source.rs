//! Dump import: where a dump is read from — a file, standard input (`-`) or a pipe
//! (`/dev/stdin`, `<(zcat …)`), plain or gzip-compressed (told by its first bytes, not its
//! name) — as a stream in bounded memory.

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use wotrules_core::diag::{Diagnostic, DiagnosticCode};

/// The first bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The dump's text, and how many bytes of its source have been read.
pub(crate) type Opened = (Box<dyn BufRead>, Rc<Cell<u64>>);

/// A dump to read: a regular file, standard input, or a pipe or device read once.
#[derive(Debug)]
pub struct DumpSource {
    /// The file; `None` for standard input.
    path: Option<PathBuf>,
    /// Whether the file can be read again (a regular file; not a pipe).
    regular: bool,
    shown: String,
    /// The file's size in bytes (compressed, if it is).
    size: Option<u64>,
    /// Standard input can be read once.
    stdin_taken: Cell<bool>,
}

impl DumpSource {
    /// The dump at `path`, or standard input for `-`; a file must be a regular file.
    pub fn new(path: &Path) -> Result<Self, Diagnostic> {
        use std::os::unix::fs::FileTypeExt;
        if path == Path::new("-") {
            return Ok(Self {
                path: None,
                regular: false,
                shown: "<stdin>".into(),
                size: None,
                stdin_taken: Cell::new(false),
            });
        }
        let shown = path.display().to_string();
        let kind = std::fs::metadata(path).map(|m| m.file_type());
        if let Ok(kind) = kind
            && (kind.is_fifo() || kind.is_char_device())
        {
            // A pipe (`/dev/stdin`, `<(zcat dump.gz)`): read once, as standard input is.
            return Ok(Self {
                path: Some(path.to_path_buf()),
                regular: false,
                shown,
                size: None,
                stdin_taken: Cell::new(false),
            });
        }
        let file = crate::open_regular_file(path).map_err(|diagnostic| {
            diagnostic.help("give the path of a file, a pipe such as `<(zcat dump.gz)`, or `-` for standard input")
        })?;
        Ok(Self {
            path: Some(path.to_path_buf()),
            regular: true,
            shown,
            size: file.metadata().ok().map(|m| m.len()),
            stdin_taken: Cell::new(false),
        })
    }

    /// The file the dump is read from (`None` for standard input).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The name diagnostics give it.
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// The size of the file in bytes, for a progress bar (`None` for standard input).
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Whether it can be read more than once (a file can, a pipe cannot).
    pub(crate) fn rereadable(&self) -> bool {
        self.regular
    }

    /// The dump's text from its start, decompressed if it is gzip, with a counter of the
    /// source's bytes read so far.
    pub(crate) fn open(&self) -> Result<Opened, Diagnostic> {
        let position = Rc::new(Cell::new(0));
        if !self.regular && self.stdin_taken.replace(true) {
            return Err(Diagnostic::input_error(
                DiagnosticCode::Io,
                format!("{}: a pipe can be read only once", self.shown),
            ));
        }
        let raw: Box<dyn Read> = match &self.path {
            Some(path) if self.regular => Box::new(crate::open_regular_file(path)?),
            Some(path) => Box::new(std::fs::File::open(path).map_err(|e| {
                Diagnostic::input_error(
                    DiagnosticCode::Io,
                    format!("{}: cannot read: {e}", self.shown),
                )
                .help("check the path")
            })?),
            None => Box::new(std::io::stdin().lock()),
        };
        let mut counted = BufReader::with_capacity(
            1 << 20,
            Counted {
                inner: raw,
                position: Rc::clone(&position),
            },
        );
        let head = counted.fill_buf().map_err(|e| {
            Diagnostic::input_error(
                DiagnosticCode::Io,
                format!("{}: cannot read: {e}", self.shown),
            )
            .help("check the file")
        })?;
        let input: Box<dyn BufRead> = if head.starts_with(&GZIP_MAGIC) {
            Box::new(BufReader::with_capacity(
                1 << 20,
                flate2::bufread::MultiGzDecoder::new(counted),
            ))
        } else {
            Box::new(counted)
        };
        Ok((input, position))
    }
}

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    position: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.position.set(self.position.get() + read as u64);
        Ok(read)
    }
}
