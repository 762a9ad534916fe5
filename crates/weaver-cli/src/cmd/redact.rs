//! `weaver redact`: streaming text redaction, or structural JSON redaction with `--json`.

use std::io::{Read, Write};
use std::path::PathBuf;

use weaver_redact::{Kind, MarkerStyle, Policy, Redactor};

use crate::args::RedactArgs;
use crate::error::CliError;
use crate::input::Input;

/// Read size: the output does not depend on it (the stream redactor is exact), only
/// throughput and latency do.
const CHUNK: usize = 64 * 1024;

pub(crate) fn run(args: &RedactArgs) -> Result<(), CliError> {
    let redactor = build(args)?;
    let input = Input::open(args.file.as_deref())?;
    if args.json {
        super::redact_json::run(&redactor, &Policy::new(), &input.whole()?, args.pretty)
    } else {
        stream(&redactor, input)
    }
}

/// The redactor the flags ask for: `--typed` markers, `--all-kinds`, each `--kind`.
fn build(args: &RedactArgs) -> Result<Redactor, CliError> {
    if !args.typed && !args.all_kinds && args.kinds.is_empty() {
        return Ok(Redactor::new());
    }
    let mut b = Redactor::builder();
    if args.typed {
        b = b.marker(MarkerStyle::Typed);
    }
    if args.all_kinds {
        b = b.all_kinds();
    }
    for name in &args.kinds {
        let kind = Kind::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Kind::builtin().map(Kind::as_str).collect();
            CliError::Usage(format!(
                "unknown kind {name:?}; the kinds are: {}",
                names.join(", ")
            ))
        })?;
        b = b.enable(kind);
    }
    if let Some(dir) = cache_dir() {
        b = b.automaton_cache(dir);
    }
    b.build().map_err(|e| CliError::Usage(e.to_string()))
}

/// Where automata for rule sets other than the default one are kept between runs:
/// `$WEAVER_CACHE_DIR` (empty: no cache), else `$XDG_CACHE_HOME/weaver`, else
/// `$HOME/.cache/weaver`. Building the automaton for `--all-kinds` costs seconds of CPU;
/// loading it, milliseconds.
fn cache_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(v) = std::env::var_os("WEAVER_CACHE_DIR") {
        return (!v.is_empty()).then(|| PathBuf::from(v));
    }
    if let Some(x) = var("XDG_CACHE_HOME") {
        return Some(PathBuf::from(x).join("weaver"));
    }
    var("HOME").map(|h| PathBuf::from(h).join(".cache").join("weaver"))
}

fn stream(redactor: &Redactor, mut input: Input) -> Result<(), CliError> {
    let mut sr = redactor.stream();
    if let Some(len) = input.len {
        sr.size_hint(len);
    }
    let mut buf = vec![0u8; CHUNK];
    let mut out = Vec::with_capacity(CHUNK + 1024);
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    loop {
        let n = match input.reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CliError::io(format!("cannot read {}", input.name), e)),
        };
        sr.push(&buf[..n], &mut out);
        if !out.is_empty() {
            w.write_all(&out)
                .map_err(|e| CliError::io("cannot write to stdout", e))?;
            out.clear();
        }
    }
    sr.finish(&mut out);
    input.done();
    w.write_all(&out)
        .and_then(|()| w.flush())
        .map_err(|e| CliError::io("cannot write to stdout", e))
}
