//! Going past lines that cannot matter. Only a `data` or `stringData` key opens a block,
//! and one line resets what every line before it said: a line at column 0 that is no key,
//! no bracket, no document marker and no comment (a log line, prose) closes every mapping
//! and every block. So where no such key can lie ahead for a while, the machine goes on
//! from the last resetting line before it, as if it had read every line up to there: the
//! state after that line is the same whatever came before. On text with no manifest in it
//! (a log), the machine then reads about one line per chunk instead of every line.

use super::Lines;
use super::value::is_key_byte;

/// Line starts tried backwards from the first possible `data` key for a resetting line.
const TRIES: usize = 4;

impl Lines {
    /// At the start of the line at `i` in `chunk` (at offset `base`), with no block open
    /// and no line held: the start of a later line to go on from — the last resetting line
    /// that begins before the first possible `data` key (or the chunk's last, unfinished
    /// line) — or `i` when there is none. Either way no leap is tried again before the
    /// key's line: each byte is searched for a key once.
    pub(super) fn leap(&mut self, chunk: &[u8], base: u64, i: usize) -> usize {
        if !self.leaps
            || self.block.is_some()
            || self.held.is_some()
            || base + (i as u64) < self.leap_after
        {
            return i;
        }
        let key = data_key(chunk, i);
        // The start of the line that holds the key (or of the chunk's last line, which
        // may go on in the next chunk).
        let Some(k) = memchr::memrchr(b'\n', &chunk[i..key]) else {
            self.leap_after = base + key as u64;
            return i;
        };
        let key_line = i + k + 1;
        // Whether or not a resetting line is found, none lies between it and the key's
        // line (the last one before it is taken): no leap before the key's line again.
        self.leap_after = base + key_line as u64;
        let mut end = key_line;
        for _ in 0..TRIES {
            // `end` starts a line, after the break at `end - 1`.
            let start = memchr::memrchr(b'\n', &chunk[i..end - 1]).map_or(i, |k| i + k + 1);
            if start <= i {
                break;
            }
            if resets(&chunk[start..end - 1]) {
                return start;
            }
            end = start;
        }
        i
    }
}

/// The first place in `chunk[from..]` where a `data` or `stringData` key may end (`ata`
/// before `:`, a quote or a backslash, or at the chunk's end), or the chunk's end.
fn data_key(chunk: &[u8], from: usize) -> usize {
    // Built once: a stream asks once per chunk.
    static ATA: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"ata"));
    let mut at = from;
    while let Some(k) = ATA.find(&chunk[at..]) {
        let p = at + k;
        match chunk.get(p + 3) {
            Some(b':' | b'"' | b'\'' | b'\\') | None => return p,
            Some(_) => at = p + 1,
        }
    }
    chunk.len()
}

/// Whether reading `line` (without its break) leaves no mapping open and no block,
/// whatever was open before: it starts at column 0 with no key, bracket, list dash,
/// document marker, quote, escape or comment. Unsure cases answer `false`.
fn resets(line: &[u8]) -> bool {
    let Some(&c) = line.first() else {
        return false;
    };
    if matches!(
        c,
        b' ' | b'\t'
            | b'\r'
            | b'\\'
            | b'-'
            | b'.'
            | b'"'
            | b'\''
            | b'#'
            | b'{'
            | b'}'
            | b'['
            | b']'
    ) {
        return false;
    }
    if !is_key_byte(c) {
        return true;
    }
    let run = line.iter().take_while(|&&b| is_key_byte(b)).count();
    match line.get(run) {
        // `2024-05-01T00:00`: a colon with no space after it ends no key.
        Some(b':') => line
            .get(run + 1)
            .is_some_and(|d| !matches!(d, b' ' | b'\t' | b'\r' | b'\\')),
        Some(b'\\' | b'"' | b'\'') | None => false,
        Some(_) => true,
    }
}
