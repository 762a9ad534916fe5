//! The default rule set's scanning DFA, serialized at development time and shipped in the
//! crate, so a process does not spend ~0.4 s determinizing it at start-up (a `weaver`
//! command that redacts 18 ms of work would otherwise take 0.4 s).
//!
//! It is used only when the pattern list asked for is byte-for-byte the one it was built
//! from (`data/default_dfa.patterns`), and only on little-endian targets; anything else is
//! built at run time, so a stale file can cost speed but never correctness. The
//! `prebuilt_is_fresh` test fails when the rules change without regenerating; regenerate with
//! `WEAVER_REGENERATE_DFA=1 cargo test -p weaver-redact --lib prebuilt`.
//!
//! Loading skips the DFA's validation when the build script found the file's checksum
//! (`data/default_dfa.sum`, written with it) intact: the bytes are then exactly what
//! `to_bytes_little_endian` wrote, which regex-automata guarantees every semver-compatible
//! release deserializes correctly, and a process touches only the pages of the states its
//! input reaches instead of all 26 MB (with the DFA no longer copied either, `weaver
//! redact` on a short text went from 27.6 to 15.1 ms and from 4000 to 906 page faults). Without a verified checksum the checked `DFA::from_bytes` runs.

use regex_automata::dfa::dense;

/// Separates pattern texts in the `.patterns` file (never occurs in a pattern).
const SEP: char = '\u{1e}';

#[repr(C, align(4))]
struct Aligned<B: ?Sized>(B);

/// `DFA::from_bytes` needs 4-byte alignment; `include_bytes!` alone does not promise it.
static DFA_BYTES: &Aligned<[u8]> = &Aligned(*include_bytes!("../data/default_dfa.bin"));
static PATTERNS: &str = include_str!("../data/default_dfa.patterns");

/// The prebuilt DFA, if it was built from exactly `texts`: borrowed from the binary, never
/// copied.
pub(crate) fn load(texts: &[String]) -> Option<dense::DFA<&'static [u32]>> {
    if !cfg!(target_endian = "little") || !PATTERNS.split(SEP).eq(texts.iter().map(String::as_str))
    {
        return None;
    }
    let (dfa, _) = deserialize(&DFA_BYTES.0)?;
    Some(dfa)
}

#[cfg(weaver_prebuilt_verified)]
#[allow(unsafe_code)]
fn deserialize(bytes: &'static [u8]) -> Option<(dense::DFA<&'static [u32]>, usize)> {
    // SAFETY: the build script verified that these bytes are the unmodified output of
    // `DFA::to_bytes_little_endian` (regenerated and checked by `prebuilt_is_fresh`), the
    // input `from_bytes_unchecked` requires; the target is little-endian (checked by the
    // caller) and the bytes are 4-aligned (`Aligned`). Header, version and alignment are
    // still checked by the call itself.
    unsafe { dense::DFA::from_bytes_unchecked(bytes).ok() }
}

#[cfg(not(weaver_prebuilt_verified))]
fn deserialize(bytes: &'static [u8]) -> Option<(dense::DFA<&'static [u32]>, usize)> {
    dense::DFA::from_bytes(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{build_dfa, default_trigger_texts};

    #[test]
    fn prebuilt_is_fresh() {
        let texts = default_trigger_texts();
        let built = build_dfa(&texts).expect("default rules build");
        let (bytes, pad) = built.to_bytes_little_endian();
        let fresh = &bytes[pad..];
        let joined = texts.join(&SEP.to_string());
        if std::env::var_os("WEAVER_REGENERATE_DFA").is_some() {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
            std::fs::write(dir.join("default_dfa.bin"), fresh).unwrap();
            std::fs::write(dir.join("default_dfa.patterns"), &joined).unwrap();
            std::fs::write(dir.join("default_dfa.sum"), crate::dfa_sum::dfa_sum(fresh)).unwrap();
            return;
        }
        assert_eq!(
            PATTERNS, joined,
            "the rules changed: regenerate data/default_dfa.* (see prebuilt.rs)"
        );
        assert!(
            DFA_BYTES.0 == *fresh,
            "data/default_dfa.bin is stale: regenerate it (see prebuilt.rs)"
        );
        assert!(load(&texts).is_some(), "the prebuilt DFA must load");
        assert_eq!(
            SUM.trim(),
            crate::dfa_sum::dfa_sum(&DFA_BYTES.0),
            "data/default_dfa.sum does not match the .bin: regenerate (see prebuilt.rs)"
        );
        assert!(
            verified(),
            "the build script did not verify the prebuilt DFA's checksum"
        );
        // The unchecked load must see the automaton the checked one sees.
        let (checked, _) = dense::DFA::from_bytes(&DFA_BYTES.0).expect("valid DFA");
        let (loaded, _) = deserialize(&DFA_BYTES.0).expect("loads");
        assert_eq!(
            checked.to_bytes_little_endian(),
            loaded.to_bytes_little_endian()
        );
    }

    static SUM: &str = include_str!("../data/default_dfa.sum");

    /// Whether the build script set `weaver_prebuilt_verified` (a function, so the test
    /// reads it at run time like any other fact).
    fn verified() -> bool {
        cfg!(weaver_prebuilt_verified)
    }

    #[test]
    fn other_pattern_lists_are_not_served_the_prebuilt_dfa() {
        let mut texts = default_trigger_texts();
        texts.pop();
        assert!(load(&texts).is_none());
        assert!(load(&[]).is_none());
    }
}
