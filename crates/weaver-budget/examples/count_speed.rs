//! Times exact token counts on pathological inputs (run with `--release`):
//!
//! ```text
//! cargo run --release -p weaver-budget --example count_speed [bytes [path-to-text]]
//! ```
//!
//! Prints, per input and encoding, the count and the time; with a path also the tokens/s
//! on that file. Not a test: numbers vary by machine.

use std::time::Instant;

use weaver_budget::{TiktokenCounter, TokenCounter};

/// A deterministic xorshift stream, so every run times the same text.
fn letters(n: usize, alphabet: &[u8]) -> String {
    let mut s = 0x9e37_79b9_7f4a_7c15_u64;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            char::from(alphabet[usize::try_from(s % alphabet.len() as u64).unwrap_or(0)])
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let size: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1 << 20);
    let no_spaces: Vec<u8> = (b'!'..=b'~').collect();
    let mut inputs = vec![
        (
            "json string of 200 000 x".to_owned(),
            serde_json::to_string(&"x".repeat(200_000)).unwrap_or_default(),
        ),
        (
            "size: random letters".to_owned(),
            letters(
                size,
                b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
            ),
        ),
        ("size: digits".to_owned(), letters(size, b"0123456789")),
        ("size: without spaces".to_owned(), letters(size, &no_spaces)),
        (
            "size: punctuation".to_owned(),
            letters(size, b"!#$%&()*+,-./:;<=>?@[]^_{|}~"),
        ),
        ("size: e-acute".to_owned(), "\u{e9}".repeat(size / 2)),
        (
            "size: no-break spaces, x".to_owned(),
            format!("{}x", "\u{a0}".repeat(size / 2)),
        ),
        (
            "size: e-acute and spaces".to_owned(),
            "\u{e9} ".repeat(size / 3),
        ),
        ("size: CJK".to_owned(), "\u{4e2d}".repeat(size / 3)),
        (
            "size: e-acute and digits".to_owned(),
            "\u{e9}1".repeat(size / 3),
        ),
    ];
    if let Some(path) = args.next() {
        match std::fs::read_to_string(&path) {
            Ok(text) => inputs.push((path, text)),
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
    for counter in [TiktokenCounter::cl100k(), TiktokenCounter::o200k()] {
        for (name, text) in &inputs {
            let t = Instant::now();
            let n = counter.count_str(text);
            let s = t.elapsed().as_secs_f64();
            #[allow(clippy::cast_precision_loss)]
            let rate = n as f64 / s;
            println!(
                "{:<12} {name:<28} {n:>10} tokens {s:>9.3} s {rate:>12.0} tokens/s",
                counter.name()
            );
        }
    }
}
