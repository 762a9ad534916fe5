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
}

impl Input {
    /// Opens `path` (`None` or `-` = stdin).
    pub(crate) fn open(path: Option<&Path>) -> Result<Input, CliError> {
        let (reader, name, len): (Box<dyn Read>, String, Option<u64>) = match path {
            None => (Box::new(io::stdin().lock()), "<stdin>".into(), None),
            Some(p) if p.as_os_str() == "-" => {
                (Box::new(io::stdin().lock()), "<stdin>".into(), None)
            }
            Some(p) => {
                let f = File::open(p)
                    .map_err(|e| CliError::io(format!("cannot open {}", p.display()), e))?;
                let len = f.metadata().ok().map(|m| m.len());
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
        })
    }

    /// Reads everything into memory.
    pub(crate) fn read_all(mut self) -> Result<Vec<u8>, CliError> {
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
