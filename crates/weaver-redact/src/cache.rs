//! An on-disk cache of built scanning automata, for rule sets that are not the prebuilt
//! default one (opt-in kinds, user patterns).
//!
//! Determinizing the union of every trigger is expensive: the triggers run side by side in
//! one DFA, so its states are roughly the *product* of theirs (measured 2026-12-01, release:
//! the default set alone ~8 s of CPU, every kind on ~15 s, 30 MB; since names may go on
//! after their keyword, 2026-12-02: every kind on ~24 s, 59 MB). The default set ships
//! prebuilt (`prebuilt.rs`); any other set is built once and, when the caller names a cache
//! directory ([`crate::RedactorBuilder::automaton_cache`]), kept there so the next process
//! with the same rules loads it in tens of milliseconds.
//!
//! A file is used only when the pattern texts stored in it equal the ones asked for, byte
//! for byte, its checksum matches and the checked `DFA::from_bytes` accepts it, so a stale,
//! torn or corrupted file costs a rebuild, never a wrong automaton. The checksum detects
//! accidents, not an attacker: whoever can write the cache directory can change what the
//! redactor masks, so it must be as private as the binary (the directory is created
//! owner-only on Unix). Writes go to a temporary file renamed into place, so concurrent
//! processes never read half a file. Failing to write is not an error (the automaton was
//! built; only the next start-up pays again).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use regex_automata::dfa::dense;

/// Starts every cache file; the digit is the layout version.
const MAGIC: &[u8; 8] = b"WVRDFA1\n";

/// Separates pattern texts in the header (never occurs in a pattern).
const SEP: u8 = 0x1e;

/// The cache file for `texts`: one per crate version and pattern list.
fn file_name(texts: &[String]) -> String {
    let mut h = Hash::new();
    for t in texts {
        h.bytes(t.as_bytes());
        h.bytes(&[SEP]);
    }
    format!("dfa-{}-{:016x}.bin", env!("CARGO_PKG_VERSION"), h.finish())
}

fn header(texts: &[String]) -> Vec<u8> {
    let mut joined = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        if i > 0 {
            joined.push(SEP);
        }
        joined.extend_from_slice(t.as_bytes());
    }
    joined
}

/// Zero bytes after the patterns so the automaton starts at a multiple of 8 in the file
/// (and so 4-byte aligned in a buffer that is).
fn padding(patterns_len: usize) -> usize {
    (8 - (MAGIC.len() + 8 + patterns_len + 8) % 8) % 8
}

/// The cached automaton for `texts` in `dir`, if there is a valid one.
pub(crate) fn load(dir: &Path, texts: &[String]) -> Option<dense::DFA<Vec<u32>>> {
    use std::io::Read as _;
    if !cfg!(target_endian = "little") {
        return None;
    }
    let mut file = std::fs::File::open(dir.join(file_name(texts))).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    // Read straight into a 4-byte aligned buffer (`DFA::from_bytes` needs it): one copy of
    // the file in memory, then the owned automaton.
    let mut buf = vec![0u8; len.checked_add(3)?];
    let off = buf.as_ptr().align_offset(4);
    let raw = buf.get_mut(off..off + len)?;
    file.read_exact(raw).ok()?;
    let rest = raw.strip_prefix(MAGIC.as_slice())?;
    let (n, rest) = take_u64(rest)?;
    let n = usize::try_from(n).ok()?;
    if rest.get(..n)? != header(texts).as_slice() {
        return None;
    }
    if rest.get(n..n + padding(n))?.iter().any(|&b| b != 0) {
        return None;
    }
    let rest = rest.get(n + padding(n)..)?;
    let (sum, dfa_bytes) = take_u64(rest)?;
    if checksum(dfa_bytes) != sum {
        return None;
    }
    let (dfa, _) = dense::DFA::from_bytes(dfa_bytes).ok()?;
    Some(dfa.to_owned())
}

/// Writes `dfa` for `texts` into `dir` (created owner-only when missing).
pub(crate) fn store(
    dir: &Path,
    texts: &[String],
    dfa: &dense::DFA<Vec<u32>>,
) -> std::io::Result<PathBuf> {
    create_private_dir(dir)?;
    let (bytes, pad) = dfa.to_bytes_little_endian();
    let dfa_bytes = &bytes[pad..];
    let patterns = header(texts);
    let path = dir.join(file_name(texts));
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{:x}",
        file_name(texts),
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(MAGIC)?;
        f.write_all(&(patterns.len() as u64).to_le_bytes())?;
        f.write_all(&patterns)?;
        f.write_all(&[0u8; 8][..padding(patterns.len())])?;
        f.write_all(&checksum(dfa_bytes).to_le_bytes())?;
        f.write_all(dfa_bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    };
    let result = write();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|()| path)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

fn take_u64(b: &[u8]) -> Option<(u64, &[u8])> {
    let (head, rest) = b.split_at_checked(8)?;
    Some((u64::from_le_bytes(head.try_into().ok()?), rest))
}

/// A 64-bit FNV-1a variant over 8-byte words (tens of MB in a few milliseconds): it detects
/// torn or flipped bytes, it is no defence against a writer who means harm.
fn checksum(b: &[u8]) -> u64 {
    let mut h = Hash::new();
    h.bytes(b);
    h.finish()
}

struct Hash(u64);

impl Hash {
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Hash {
        Hash(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, b: &[u8]) {
        let mut words = b.chunks_exact(8);
        for w in &mut words {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            self.0 = (self.0 ^ u64::from_le_bytes(a)).wrapping_mul(Self::PRIME);
            self.0 ^= self.0 >> 29;
        }
        for &x in words.remainder() {
            self.0 = (self.0 ^ u64::from(x)).wrapping_mul(Self::PRIME);
        }
        self.0 = (self.0 ^ b.len() as u64).wrapping_mul(Self::PRIME);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(texts: &[&str]) -> (Vec<String>, dense::DFA<Vec<u32>>) {
        let texts: Vec<String> = texts.iter().map(|s| (*s).to_owned()).collect();
        let dfa = crate::engine::build_dfa(&texts).unwrap();
        (texts, dfa)
    }

    fn tempdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "weaver-cache-test-{name}-{}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn a_stored_automaton_loads_back_identical() {
        let dir = tempdir("roundtrip");
        let (texts, dfa) = small(&["abc[0-9]+", "x+yz"]);
        assert!(load(&dir, &texts).is_none(), "an empty cache has nothing");
        store(&dir, &texts, &dfa).unwrap();
        let back = load(&dir, &texts).expect("the stored automaton loads");
        assert_eq!(back.to_bytes_little_endian(), dfa.to_bytes_little_endian());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the cache directory is owner-only");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn another_pattern_list_never_gets_the_file() {
        let dir = tempdir("other");
        let (texts, dfa) = small(&["abc[0-9]+", "x+yz"]);
        store(&dir, &texts, &dfa).unwrap();
        // Same file name forced: copy the file to the name of another list.
        let other: Vec<String> = vec!["abc[0-9]+".into(), "x+yZ".into()];
        std::fs::copy(dir.join(file_name(&texts)), dir.join(file_name(&other))).unwrap();
        assert!(
            load(&dir, &other).is_none(),
            "the header names other patterns"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_damaged_file_is_refused() {
        let dir = tempdir("damaged");
        let (texts, dfa) = small(&["abc[0-9]+", "x+yz"]);
        let path = store(&dir, &texts, &dfa).unwrap();
        let good = std::fs::read(&path).unwrap();
        // Flip one bit at every header offset (magic, length, patterns, padding, checksum)
        // and at a spread of body offsets, and cut the file short at each: none may load.
        let head = MAGIC.len() + 8 + header(&texts).len() + 8 + 8;
        let body = (head..good.len()).step_by((good.len() / 200).max(1));
        for at in (0..head).chain(body) {
            let mut bad = good.clone();
            bad[at] ^= 0x10;
            std::fs::write(&path, &bad).unwrap();
            assert!(
                load(&dir, &texts).is_none(),
                "bit flipped at {at} was accepted"
            );
            std::fs::write(&path, &good[..at]).unwrap();
            assert!(
                load(&dir, &texts).is_none(),
                "file cut at {at} was accepted"
            );
        }
        std::fs::write(&path, &good).unwrap();
        assert!(load(&dir, &texts).is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unwritable_directory_is_an_error_not_a_panic() {
        let dir = tempdir("unwritable");
        std::fs::write(&dir, b"a file, not a directory").unwrap();
        let (texts, dfa) = small(&["abc"]);
        assert!(store(&dir.join("sub"), &texts, &dfa).is_err());
        std::fs::remove_file(&dir).unwrap();
    }
}
