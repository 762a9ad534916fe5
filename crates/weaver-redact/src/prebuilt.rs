//! The default rule set's scanning DFA, serialized at development time and shipped in the
//! crate, so a process does not spend ~0.4 s determinizing it at start-up (a `weaver`
//! command that redacts 18 ms of work would otherwise take 0.4 s).
//!
//! It is used only when the pattern list asked for is byte-for-byte the one it was built
//! from (`data/default_dfa.patterns`), and only on little-endian targets; anything else is
//! built at run time, so a stale file can cost speed but never correctness. Loading uses the
//! *checked* `DFA::from_bytes`, which validates the whole automaton. The `prebuilt_is_fresh`
//! test fails when the rules change without regenerating; regenerate with
//! `WEAVER_REGENERATE_DFA=1 cargo test -p weaver-redact --lib prebuilt`.

use regex_automata::dfa::dense;

/// Separates pattern texts in the `.patterns` file (never occurs in a pattern).
const SEP: char = '\u{1e}';

#[repr(C, align(4))]
struct Aligned<B: ?Sized>(B);

/// `DFA::from_bytes` needs 4-byte alignment; `include_bytes!` alone does not promise it.
static DFA_BYTES: &Aligned<[u8]> = &Aligned(*include_bytes!("../data/default_dfa.bin"));
static PATTERNS: &str = include_str!("../data/default_dfa.patterns");

/// The prebuilt DFA, if it was built from exactly `texts`.
pub(crate) fn load(texts: &[String]) -> Option<dense::DFA<Vec<u32>>> {
    if !cfg!(target_endian = "little") || !PATTERNS.split(SEP).eq(texts.iter().map(String::as_str))
    {
        return None;
    }
    let (dfa, _) = dense::DFA::from_bytes(&DFA_BYTES.0).ok()?;
    Some(dfa.to_owned())
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
    }

    #[test]
    fn other_pattern_lists_are_not_served_the_prebuilt_dfa() {
        let mut texts = default_trigger_texts();
        texts.pop();
        assert!(load(&texts).is_none());
        assert!(load(&[]).is_none());
    }
}
