//! Reading a line's head, byte by byte or a common line at once: its indentation (spaces
//! and tabs, raw or as the escape `\t`), a list dash, a key (plain or quoted) and the first
//! bytes of its value — what the mappings and blocks are decided on.

use super::value::is_key_byte;
use super::{KEY_BYTES, Lines, MAX_KEY, VALUE_BYTES};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Indent,
    /// A `-` as the first byte: a list item if a space follows.
    Dash,
    /// The spaces after a list dash.
    DashGap,
    Key,
    /// A plain key's `:`, which needs a space or the end after it.
    Colon,
    /// Inside a quoted key (its quote).
    QKey(u8),
    QKeyEnd,
    Gap,
    Value,
    /// Nothing more on this line matters.
    Skip,
}

/// What has been read of the current line.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line {
    pub(super) phase: Phase,
    /// Indentation.
    pub(super) col: u32,
    /// Bytes read (decoded): the column of the next one.
    pub(super) at: u32,
    /// The first byte after the indentation (0: none).
    pub(super) first: u8,
    /// The first four bytes after the indentation (`---`).
    pub(super) lead: [u8; 4],
    pub(super) lead_len: usize,
    pub(super) dash: bool,
    pub(super) quoted: bool,
    pub(super) is_key: bool,
    pub(super) key_col: u32,
    pub(super) key: [u8; KEY_BYTES],
    pub(super) key_len: u32,
    pub(super) value: [u8; VALUE_BYTES],
    pub(super) value_len: usize,
}

impl Line {
    pub(super) const EMPTY: Line = Line {
        phase: Phase::Indent,
        col: 0,
        at: 0,
        first: 0,
        lead: [0; 4],
        lead_len: 0,
        dash: false,
        quoted: false,
        is_key: false,
        key_col: 0,
        key: [0; KEY_BYTES],
        key_len: 0,
        value: [0; VALUE_BYTES],
        value_len: 0,
    };

    /// [`Line::EMPTY`] again (the key and value bytes are read only up to their lengths).
    pub(super) fn reset(&mut self) {
        self.phase = Phase::Indent;
        self.col = 0;
        self.at = 0;
        self.first = 0;
        self.lead_len = 0;
        self.dash = false;
        self.quoted = false;
        self.is_key = false;
        self.key_len = 0;
        self.value_len = 0;
    }

    pub(super) fn key(&self) -> &[u8] {
        let n = self.key_len as usize;
        if n <= KEY_BYTES { &self.key[..n] } else { &[] }
    }

    /// Key bytes read at once (as [`push_key`](Self::push_key) one by one, with the
    /// line's first bytes kept for `---`).
    pub(super) fn push_key_run(&mut self, run: &[u8]) {
        for &c in run.iter().take(4usize.saturating_sub(self.lead_len)) {
            self.lead[self.lead_len] = c;
            self.lead_len += 1;
        }
        for (k, &c) in run.iter().take(KEY_BYTES).enumerate() {
            if let Some(slot) = self.key.get_mut(self.key_len as usize + k) {
                *slot = c;
            }
        }
        let n = u32::try_from(run.len()).unwrap_or(u32::MAX);
        self.key_len = self.key_len.saturating_add(n);
        self.at = self.at.saturating_add(n);
        if self.key_len > MAX_KEY {
            self.phase = Phase::Skip;
        }
    }

    fn push_key(&mut self, c: u8) {
        if let Some(slot) = self.key.get_mut(self.key_len as usize) {
            *slot = c;
        }
        self.key_len += 1;
        if self.key_len > MAX_KEY {
            self.phase = Phase::Skip;
        }
    }
}

impl Lines {
    /// One decoded byte of the current line (not a line break).
    pub(super) fn byte(&mut self, c: u8) {
        let block_col = self.block.map(|b| b.col);
        let l = &mut self.line;
        let ws = matches!(c, b' ' | b'\t');
        if l.first != 0 && l.lead_len < 4 {
            l.lead[l.lead_len] = c;
            l.lead_len += 1;
        }
        match l.phase {
            Phase::Indent if ws => l.col += 1,
            Phase::Indent if c == b'\r' => {}
            Phase::Indent => {
                l.first = c;
                l.lead[0] = c;
                l.lead_len = 1;
                // A line of a block is decided on its bytes; only its column matters here.
                if block_col.is_some_and(|b| l.col > b) || c == b'#' {
                    l.phase = Phase::Skip;
                } else if c == b'-' {
                    l.phase = Phase::Dash;
                } else {
                    Self::key_start(l, c);
                }
            }
            Phase::Dash if ws => {
                l.dash = true;
                l.phase = Phase::DashGap;
            }
            Phase::DashGap if ws => {}
            Phase::DashGap => Self::key_start(l, c),
            Phase::Key if is_key_byte(c) => l.push_key(c),
            Phase::Key if c == b':' => l.phase = Phase::Colon,
            Phase::Colon if ws || c == b'\r' => {
                l.is_key = true;
                l.phase = Phase::Gap;
            }
            Phase::QKey(q) if c == q => l.phase = Phase::QKeyEnd,
            Phase::QKey(_) => l.push_key(c),
            Phase::QKeyEnd if ws => {}
            Phase::QKeyEnd if c == b':' => {
                l.is_key = true;
                l.phase = Phase::Gap;
            }
            Phase::Gap if ws || c == b'\r' => {}
            Phase::Gap | Phase::Value if l.value_len < VALUE_BYTES => {
                l.value[l.value_len] = c;
                l.value_len += 1;
                l.phase = Phase::Value;
            }
            Phase::Skip => {}
            Phase::Dash
            | Phase::Key
            | Phase::Colon
            | Phase::QKeyEnd
            | Phase::Gap
            | Phase::Value => {
                l.phase = Phase::Skip;
            }
        }
        l.at += 1;
    }

    /// At a line's first byte: reads at once the head of a line that cannot matter to the
    /// mappings beyond its column (prose, a log line, a bracket, a line inside a block) and
    /// leaves it to be skipped; returns the bytes read (0: the byte-by-byte path reads it).
    pub(super) fn fast_head(&mut self, rest: &[u8]) -> usize {
        let ind = rest
            .iter()
            .take_while(|&&b| matches!(b, b' ' | b'\t'))
            .count();
        let Some(&c) = rest.get(ind) else {
            return 0;
        };
        if matches!(c, b'\\' | b'\n' | b'\r' | b'-' | b'.' | b'"' | b'\'') {
            return 0;
        }
        let col = u32::try_from(ind).unwrap_or(u32::MAX);
        let in_block = self.block.is_some_and(|b| col > b.col);
        if !in_block && c != b'#' && is_key_byte(c) {
            let run = rest[ind..].iter().take_while(|&&b| is_key_byte(b)).count();
            match rest.get(ind + run) {
                // `2024-05-01T00:00`: not a key.
                Some(b':') => match rest.get(ind + run + 1) {
                    Some(d) if !matches!(d, b' ' | b'\t' | b'\r' | b'\n' | b'\\') => {}
                    _ => return 0,
                },
                Some(b'\\' | b'"' | b'\'') | None => return 0,
                Some(_) => {}
            }
        }
        let l = &mut self.line;
        l.col = col;
        l.first = c;
        // Not `-` or `.`: no separator to look for.
        l.lead_len = 4;
        l.phase = Phase::Skip;
        ind + 1
    }

    fn key_start(l: &mut Line, c: u8) {
        l.key_col = l.at;
        if matches!(c, b'"' | b'\'') {
            l.quoted = true;
            l.phase = Phase::QKey(c);
        } else if is_key_byte(c) {
            l.phase = Phase::Key;
            l.push_key(c);
        } else {
            l.phase = Phase::Skip;
        }
    }
}
