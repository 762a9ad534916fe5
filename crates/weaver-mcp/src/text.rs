//! The facts of a text frame: counts, then the first and last lines, redacted and cut.

use weaver_redact::Redactor;

/// Lines shown from each end of a text.
pub(crate) const EDGE_LINES: usize = 5;

/// Facts for a plain-text result: `Text: N lines, B bytes`, then up to [`EDGE_LINES`]
/// first and last lines, each redacted and cut to `max(40, max_chars / 20)` characters,
/// all of it within `max_chars / 2` bytes (later lines are left out first).
pub(crate) fn text_facts(text: &str, redactor: &Redactor, max_chars: usize) -> Vec<String> {
    let total_lines = text.lines().count();
    let mut facts = vec![format!(
        "Text: {total_lines} lines, {} bytes (plain text; page it by byte offset)",
        text.len()
    )];
    let room = max_chars / 2;
    let cut = (max_chars / 20).max(40);
    let mut used = facts[0].len();
    let head: Vec<(usize, &str)> = text.lines().enumerate().take(EDGE_LINES).collect();
    let tail_start = total_lines.saturating_sub(EDGE_LINES).max(head.len());
    let tail: Vec<(usize, &str)> = text.lines().enumerate().skip(tail_start).collect();
    for (n, line) in head.into_iter().chain(tail) {
        let fact = format!(
            "line {}: {}",
            n + 1,
            shorten(&redactor.redact_str(line), cut)
        );
        if used + fact.len() > room {
            facts.push(format!(
                "… more lines left out to stay within {max_chars} chars"
            ));
            break;
        }
        used += fact.len();
        facts.push(fact);
    }
    facts
}

/// The first `max` characters of `s`, with the count when cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}… ({} chars total)", &s[..at], s.chars().count()),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn first_and_last_lines_redacted_and_bounded() {
        let mut text = String::new();
        for i in 1..=100 {
            let _ = writeln!(text, "{i} user ann{i}@example.com logged in");
        }
        let facts = text_facts(&text, &Redactor::new(), 4000);
        assert!(facts[0].starts_with("Text: 100 lines"));
        assert!(facts.iter().any(|f| f.starts_with("line 1: 1 user")));
        assert!(facts.iter().any(|f| f.starts_with("line 100: 100 user")));
        assert!(!facts.iter().any(|f| f.contains("example.com")));
        assert_eq!(facts.len(), 1 + 2 * EDGE_LINES);
        let small = text_facts(&text, &Redactor::new(), 256);
        assert!(small.iter().map(String::len).sum::<usize>() <= 128 + 80);
    }

    #[test]
    fn short_text_has_no_duplicate_lines() {
        let facts = text_facts("a\nb\nc", &Redactor::new(), 4000);
        assert_eq!(facts.len(), 4);
    }

    #[test]
    fn long_lines_are_cut() {
        let line = "x".repeat(1000);
        let facts = text_facts(&line, &Redactor::new(), 4000);
        assert!(facts[1].len() < 300, "{}", facts[1]);
        assert!(facts[1].contains("(1000 chars total)"));
    }
}
