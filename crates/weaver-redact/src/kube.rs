//! Kubernetes Secret data in text: `kubectl get secret -o yaml` (or `-o json`) prints each
//! secret of a Secret as a value of its `data:` map, base64, under a name that says
//! nothing (`key`, `extra`, `.dockercfg`, `tls.key`); the keyword rules see no secret
//! there. Which lines are such values is a matter of the lines above them (a `data:`
//! header, its mapping's `kind` and `apiVersion`), far beyond the automaton's reach and its
//! 64 bytes of look-behind, so a line-level state machine runs beside it.
//!
//! [`Lines`] reads every line's head — indentation (spaces and tabs, raw or as the JSON
//! escape `\t`), a list dash, a key (plain or quoted), a few bytes of its value — and keeps
//! a stack of the open mappings (by column) with what each said so far: `apiVersion`, and
//! `kind` (`Secret` or another). Lines end at a line break or at the escape `\n`, so a
//! manifest logged on one line reads the same. A key `data` or `stringData` whose value is
//! empty (YAML) or `{` (JSON) opens a block, decided by its mapping:
//! * `kind: Secret` came first: `data` masks every value but stand-ins and base64 of at most
//!   8 characters, `stringData` every value but stand-ins ([`value::Mode`]);
//! * no kind yet (`kubectl` prints `data` before `kind`), in a mapping with `apiVersion` or
//!   at the top of a YAML document: `data` masks base64 of at least 16 characters,
//!   `stringData` (only Secrets have it) every value;
//! * any other kind, or a map nested elsewhere (a SopsSecret's templates, an
//!   ExternalSecret's `spec.data`): nothing.
//!
//! Every line of an open block is a *held line*: the scanner places no cut inside it (from
//! its first byte to its line break), so the line is decided whole — by
//! [`value::Block::line`], on its bytes, once it has ended — and a mask of it lands in
//! the segment that holds it. A held line is at most a line, so the hold cap applies to it
//! as to any run (past `max_hold` it fails closed). The machine reads each byte at most
//! once, in order, and waits at the end of a held line until the scanner has decided it, so
//! it runs at most one line ahead of the scanner; everything it decides is a function of
//! the bytes before, never of where a chunk ended. Where no `data` key can lie ahead it
//! goes past whole lines without reading them ([`leap`](mod@leap)).

mod head;
mod leap;
mod value;

use head::{Line, Phase};
use value::{Block, Mode, is_key_byte};

use crate::Kind;

/// The kind of a masked data value: a secret's value under a name, as an assignment's.
pub(crate) const KIND: Kind = Kind::ApiKey;

/// Open mappings followed; a deeper one is not tracked (nothing in it opens a block).
const MAX_DEPTH: usize = 64;
/// The longest key read (Kubernetes allows 253 bytes).
const MAX_KEY: u32 = 256;
/// Bytes of a key kept for comparison (`apiVersion`, `stringData`).
const KEY_BYTES: usize = 12;
/// Bytes of a value kept for the decisions made at the end of its line (`kind: Secret`).
const VALUE_BYTES: usize = 40;

/// A line the scanner holds whole.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Held {
    /// Its first byte.
    pub(crate) start: u64,
    /// Once seen: where its line break starts, and that break's last byte (a line break is
    /// one byte, the escape `\n` two). Cuts are allowed at `start` and after `last`.
    pub(crate) end: Option<(u64, u64)>,
    /// It ended the block: nothing to decide.
    inert: bool,
}

/// What a `kind:` said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Manifest {
    Unknown,
    Secret,
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Mapping {
    col: u32,
    api: bool,
    kind: Manifest,
    /// Its last key had a value on its line: a more indented key cannot open a map under
    /// it (YAML would refuse the document), so such a key is read as one of its own,
    /// misindented (` data:` under `apiVersion: v1`).
    scalar: bool,
}

/// The line-level state machine (see the module documentation).
#[derive(Clone, Debug)]
pub(crate) struct Lines {
    /// The next byte to read.
    pos: u64,
    /// A backslash read last, at this offset: its escape is not known yet.
    carry: Option<u64>,
    /// The next backslash at or after the position it was looked for from (or the end of
    /// that chunk): before it a line ends only at a line break.
    backslash: u64,
    line: Line,
    stack: Vec<Mapping>,
    block: Option<Block>,
    held: Option<Held>,
    /// Where the line after a decided held line starts.
    next: u64,
    /// Whether the machine may go past lines that cannot matter (`leap.rs`); off only in
    /// tests, to compare.
    leaps: bool,
    /// No leap is tried before this offset: the line of the possible `data` key the last
    /// try stopped at.
    leap_after: u64,
}

impl Lines {
    pub(crate) fn new() -> Lines {
        Lines {
            pos: 0,
            carry: None,
            backslash: 0,
            line: Line::EMPTY,
            stack: Vec::new(),
            block: None,
            held: None,
            next: 0,
            leaps: true,
            leap_after: 0,
        }
    }

    /// Reads `chunk` (at offset `base`) from where the machine stopped until a held line
    /// has ended or the chunk is read, and returns the held line the scanner has yet to
    /// pass, if any. A held line that has ended waits for [`decide`](Self::decide).
    pub(crate) fn advance(&mut self, chunk: &[u8], base: u64) -> Option<Held> {
        let n = chunk.len();
        let mut i = usize::try_from(self.pos.saturating_sub(base)).unwrap_or(n);
        while i < n && !self.waiting() {
            if self.carry.is_none() && self.line.phase == Phase::Indent && self.line.at == 0 {
                i = self.leap(chunk, base, i);
                i += self.fast_head(&chunk[i..]);
            }
            let l = &mut self.line;
            if self.carry.is_none() {
                if l.phase == Phase::Key {
                    // The common line head (`2024-05-01T00`, `apiVersion`) in one run.
                    let run = chunk[i..].iter().take_while(|&&b| is_key_byte(b)).count();
                    l.push_key_run(&chunk[i..i + run]);
                    i += run;
                    if i == n {
                        break;
                    }
                }
                // A line that may be `---` or `...` is read up to its fourth byte.
                let lead = l.lead_len >= 4 || !matches!(l.first, b'-' | b'.');
                if l.phase == Phase::Skip && lead {
                    let at = base + i as u64;
                    if self.backslash <= at {
                        self.backslash = memchr::memchr(b'\\', &chunk[i..])
                            .map_or(base + n as u64, |k| at + k as u64);
                    }
                    let stop = usize::try_from(self.backslash - base).unwrap_or(n);
                    match memchr::memchr(b'\n', &chunk[i..stop]) {
                        Some(k) => {
                            i += k + 1;
                            self.end_line(at + k as u64, at + k as u64);
                            continue;
                        }
                        None if stop < n => i = stop,
                        None => {
                            i = n;
                            break;
                        }
                    }
                }
            }
            let b = chunk[i];
            let at = base + i as u64;
            i += 1;
            if let Some(bs) = self.carry.take() {
                match b {
                    b'n' => self.end_line(bs, at),
                    b't' => self.byte(b'\t'),
                    b'r' => self.byte(b'\r'),
                    b'"' | b'/' | b'\\' => self.byte(b),
                    b'\n' => {
                        self.byte(b'\\');
                        self.end_line(at, at);
                    }
                    _ => {
                        self.byte(b'\\');
                        self.byte(b);
                    }
                }
                continue;
            }
            match b {
                b'\\' => self.carry = Some(at),
                b'\n' => self.end_line(at, at),
                _ => self.byte(b),
            }
        }
        self.pos = base + i as u64;
        self.held
    }

    /// The input ended (at the machine's position, every chunk read): a held line still
    /// open ends here and is returned, to be decided.
    pub(crate) fn finish(&mut self) -> Option<Held> {
        if self.carry.take().is_some() {
            self.byte(b'\\');
        }
        let end = self.pos;
        match self.held {
            Some(Held { end: None, .. }) => {
                self.end_line(end, end);
                self.held
            }
            _ => None,
        }
    }

    /// Decides the held line that ended, given its bytes up to its line break (`None`: they
    /// were dropped, the run failed closed); returns the span to mask, relative to its start.
    pub(crate) fn decide(&mut self, line: Option<&[u8]>) -> Option<(usize, usize)> {
        let held = self.held.take()?;
        let mask = match (&mut self.block, held.inert, line) {
            (Some(block), false, Some(bytes)) => block.line(bytes),
            (Some(block), false, None) => {
                block.lost();
                None
            }
            _ => None,
        };
        self.begin_line(self.next);
        mask
    }

    fn waiting(&self) -> bool {
        matches!(self.held, Some(Held { end: Some(_), .. }))
    }

    fn begin_line(&mut self, start: u64) {
        self.line.reset();
        if self.block.is_some_and(|b| b.mode.is_some()) {
            self.held = Some(Held {
                start,
                end: None,
                inert: false,
            });
        }
    }

    /// The current line ends with a break from `brk` to `last`.
    fn end_line(&mut self, brk: u64, last: u64) {
        if self.line.phase == Phase::Colon {
            self.line.is_key = true;
        }
        let l = &self.line;
        let in_block = self
            .block
            .is_some_and(|b| l.first == 0 || l.first == b'#' || l.col > b.col);
        if !in_block {
            self.block = None;
            if l.is_key {
                let l = self.line;
                self.structure(&l);
            } else {
                self.other_line();
            }
        }
        self.next = last + 1;
        match &mut self.held {
            Some(h) => {
                h.end = Some((brk, last));
                h.inert = !in_block;
            }
            None => self.begin_line(last + 1),
        }
    }

    /// What a line outside a block that is no key line says about the mappings: a
    /// document separator ends them all, a closing bracket those nested deeper, anything
    /// else (prose, a log line) also the one at its own column.
    fn other_line(&mut self) {
        let l = &self.line;
        if l.first == 0 || l.first == b'#' {
            return;
        }
        let sep = &l.lead[..l.lead_len.min(3)];
        if l.col == 0
            && (sep == b"---" || sep == b"...")
            && (l.lead_len == 3 || matches!(l.lead[3], b' ' | b'\t' | b'\r'))
        {
            self.stack.clear();
            return;
        }
        let bracket = matches!(l.first, b'{' | b'}' | b'[' | b']' | b'-');
        let col = l.col + u32::from(bracket);
        self.pop_from(col);
    }

    /// Closes the mappings at column `col` and deeper (the stack is ordered by column).
    fn pop_from(&mut self, col: u32) {
        while self.stack.last().is_some_and(|m| m.col >= col) {
            self.stack.pop();
        }
    }

    /// What a key line outside a block says about the mappings and blocks.
    fn structure(&mut self, l: &Line) {
        let kc = l.key_col;
        self.pop_from(kc + u32::from(!l.dash));
        if self.stack.last().is_none_or(|m| m.col != kc) {
            if self.stack.len() >= MAX_DEPTH {
                return;
            }
            let (api, kind) = match self.stack.last() {
                Some(p) if p.scalar && !l.dash => (p.api, p.kind),
                _ => (false, Manifest::Unknown),
            };
            self.stack.push(Mapping {
                col: kc,
                api,
                kind,
                scalar: false,
            });
        }
        let root = self.stack.len() == 1 && !l.dash && !l.quoted;
        let Some(m) = self.stack.last_mut() else {
            return;
        };
        let value = scalar(&l.value[..l.value_len]);
        m.scalar = !(value.is_empty() || value == b"{" || value == b"[");
        let key = l.key();
        if key == b"apiVersion" {
            m.api = true;
        } else if key == b"kind" {
            m.kind = if value.eq_ignore_ascii_case(b"secret") {
                Manifest::Secret
            } else if value.is_empty() {
                Manifest::Unknown
            } else {
                Manifest::Other
            };
        } else if key == b"data" || key == b"stringData" {
            let text = key == b"stringData";
            let json = value == b"{";
            if !(value.is_empty() || json) {
                return;
            }
            let mode = match m.kind {
                Manifest::Secret if text => Some(Mode::Text),
                Manifest::Secret => Some(Mode::Data),
                Manifest::Unknown if m.api || root => {
                    Some(if text { Mode::Text } else { Mode::Shape })
                }
                _ => None,
            };
            if let Some(mode) = mode {
                self.block = Some(Block::new(kc, mode, json));
            }
        }
    }
}

/// A short value as written after a key: without a comment, a trailing comma, spaces or
/// quotes (`"Secret",` → `Secret`; `# note` → empty).
fn scalar(v: &[u8]) -> &[u8] {
    let mut v = v;
    if let Some(p) = v.iter().position(|&b| b == b'#')
        && (p == 0 || matches!(v[p - 1], b' ' | b'\t'))
    {
        v = &v[..p];
    }
    let trim = |v: &[u8]| -> usize {
        v.iter()
            .rev()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
            .count()
    };
    v = &v[..v.len() - trim(v)];
    if let Some(r) = v.strip_suffix(b",") {
        v = &r[..r.len() - trim(r)];
    }
    match v {
        [q @ (b'"' | b'\''), mid @ .., e] if q == e => mid,
        _ => v,
    }
}

/// Every span the machine masks in `hay` read whole (one chunk, then the end of input), in
/// order, each given to `on` as `(start, end)`.
pub(crate) fn spans(hay: &[u8], mut on: impl FnMut(usize, usize)) {
    let mut m = Lines::new();
    let mut decide = |m: &mut Lines, h: Held| {
        let (brk, _) = h.end.unwrap_or((h.start, h.start));
        let (s, b) = (to_usize(h.start), to_usize(brk));
        if let Some((x, y)) = m.decide(hay.get(s..b)) {
            on(s + x, s + y);
        }
    };
    while let Some(h) = m.advance(hay, 0) {
        if h.end.is_none() {
            break;
        }
        decide(&mut m, h);
    }
    if let Some(h) = m.finish() {
        decide(&mut m, h);
    }
}

fn to_usize(x: u64) -> usize {
    usize::try_from(x).unwrap_or(usize::MAX)
}

/// Whether the machine masks anything in `text` (for [`crate::Redactor::may_change`]): a
/// block needs a line break and a `data` key, so most strings are answered at once.
pub(crate) fn masks_any(text: &[u8]) -> bool {
    if memchr::memchr2(b'\n', b'\\', text).is_none() || memchr::memmem::find(text, b"ata").is_none()
    {
        return false;
    }
    let mut any = false;
    spans(text, |_, _| any = true);
    any
}

#[cfg(test)]
mod tests;
