//! Reading FILE or `-` (stdin), with a progress bar on stderr for large inputs when stderr
//! is a terminal — never otherwise, so pipelines and logs stay clean.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::error::CliError;

/// Inputs at least this large get a progress bar (when stderr is a terminal).
const PROGRESS_THRESHOLD: u64 = 16 * 1024 * 1024;

/// An open input: a reader and a name for messages.
pub(crate) struct Input {
    pub(crate) reader: Box<dyn Read>,
    pub(crate) name: String,
    pub(crate) len: Option<u64>,
    progress: Option<ProgressBar>,
    /// The file, when the input is a regular file (it may then be mapped).
    file: Option<File>,
}

/// Regular files at least this large are mapped rather than read (see [`map`]).
const MAP_THRESHOLD: u64 = 1 << 20;

/// A whole input in memory: read into a buffer, or mapped from its file.
pub(crate) enum Whole {
    Read(Vec<u8>),
    Mapped(map::Mapped),
}

impl std::ops::Deref for Whole {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Whole::Read(v) => v,
            Whole::Mapped(m) => m,
        }
    }
}

impl Input {
    /// Opens `path` (`None` or `-` = stdin).
    pub(crate) fn open(path: Option<&Path>) -> Result<Input, CliError> {
        let mut file = None;
        let (reader, name, len): (Box<dyn Read>, String, Option<u64>) = match path {
            None => (Box::new(io::stdin().lock()), "<stdin>".into(), None),
            Some(p) if p.as_os_str() == "-" => {
                (Box::new(io::stdin().lock()), "<stdin>".into(), None)
            }
            Some(p) => {
                let f = File::open(p)
                    .map_err(|e| CliError::io(format!("cannot open {}", p.display()), e))?;
                let meta = f.metadata().ok();
                let len = meta.as_ref().map(std::fs::Metadata::len);
                if meta.is_some_and(|m| m.is_file()) {
                    file = f.try_clone().ok();
                }
                (Box::new(f), p.display().to_string(), len)
            }
        };
        let progress = progress_bar(len);
        let reader: Box<dyn Read> = match &progress {
            Some(pb) => Box::new(pb.wrap_read(reader)),
            None => reader,
        };
        Ok(Input {
            reader,
            name,
            len,
            progress,
            file,
        })
    }

    /// The whole input: a regular file of 1 MiB or more is mapped (no copy, and no page
    /// faults one page at a time), anything else is read.
    pub(crate) fn whole(mut self) -> Result<Whole, CliError> {
        if let Some(f) = &self.file
            && self.len.is_some_and(|len| len >= MAP_THRESHOLD)
            && let Some(m) = map::Mapped::new(f)
        {
            self.done();
            return Ok(Whole::Mapped(m));
        }
        self.read_all().map(Whole::Read)
    }

    /// Reads everything into memory.
    fn read_all(mut self) -> Result<Vec<u8>, CliError> {
        let mut buf = Vec::with_capacity(self.len.unwrap_or(0).min(1 << 30) as usize);
        self.reader
            .read_to_end(&mut buf)
            .map_err(|e| CliError::io(format!("cannot read {}", self.name), e))?;
        self.done();
        Ok(buf)
    }

    /// Clears the progress bar, if any.
    pub(crate) fn done(&mut self) {
        if let Some(pb) = self.progress.take() {
            pb.finish_and_clear();
        }
    }
}

fn progress_bar(len: Option<u64>) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let len = len?;
    if len < PROGRESS_THRESHOLD {
        return None;
    }
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} reading {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    ) {
        pb.set_style(style);
    }
    Some(pb)
}

mod map {
    //! The one place the CLI maps a file. Mapping is `unsafe` because another process may
    //! change or truncate the file while it is mapped: the bytes may then change under us
    //! (weaver reads each byte once and validates as it goes, so the worst is a wrong
    //! answer for a file rewritten mid-run, as with `read`), or a truncation may raise
    //! SIGBUS. ripgrep accepts the same trade for the same gain; a caller who cannot
    //! should pipe the file through stdin, which is always read.
    #![allow(unsafe_code)]

    use std::fs::File;

    /// A read-only, populated mapping of a whole file.
    pub(crate) struct Mapped(memmap2::Mmap);

    impl Mapped {
        /// Maps all of `f` as it is now; `None` when it cannot be mapped (the caller then
        /// reads it).
        pub(crate) fn new(f: &File) -> Option<Mapped> {
            // SAFETY: a read-only mapping of a regular file we opened; see the module doc
            // for what a concurrent writer can do.
            unsafe { memmap2::MmapOptions::new().populate().map(f) }
                .ok()
                .map(Mapped)
        }
    }

    impl std::ops::Deref for Mapped {
        type Target = [u8];
        fn deref(&self) -> &[u8] {
            &self.0
        }
    }
}
