//! `stream_chunks`: the text of `text_20mb` cut into chunks of 1..=4096 UTF-8 bytes (never
//! inside a code point), with the planted secrets placed against chunk boundaries on purpose.
//!
//! Each canary gets one plan:
//! * `forced_1`: one boundary strictly inside the secret;
//! * `forced_2`: two boundaries inside it (it spans three chunks);
//! * `overlap_cut`: no boundary inside it, but one exactly `overlap` characters after a
//!   point inside it, preceded by a 900..=4000-byte chunk. A redactor that buffers, keeps
//!   the last `overlap` characters and commits the rest of a large buffer cuts there,
//!   i.e. through the secret;
//! * `random`: boundaries left to chance.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use crate::canary::CanaryLog;
use crate::rng::{Deck, Rng, round_to};

/// The overlap the `overlap_cut` plan targets (the reference stream redactor's).
pub(crate) const OVERLAP: usize = 256;

/// Where canary `i` of the text sits.
struct Spot {
    start: usize,
    len: usize,
}

fn spot(item: &Map<String, Value>) -> Spot {
    let get = |k: &str| item.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
    Spot {
        start: get("offset_bytes"),
        len: get("length_bytes"),
    }
}

/// Boundaries already promised, and byte ranges that must stay free of other boundaries.
#[derive(Default)]
struct Cuts {
    forced: Vec<usize>,
    reserved: Vec<(usize, usize)>,
}

impl Cuts {
    fn free(&self, a: usize, b: usize) -> bool {
        self.reserved.iter().all(|&(x, y)| b < x || a > y)
            && !self.forced.iter().any(|&f| a <= f && f <= b)
    }
}

/// The byte offset `chars` characters after byte `from` (the text's end if it is shorter).
fn advance_chars(text: &str, from: usize, chars: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Cuts `text` into chunks and re-logs the text's canaries with how they straddle.
///
/// Returns the chunks (as slices of `text`), their canary log and summary statistics.
pub(crate) fn generate<'t>(
    rng: &mut Rng,
    text: &'t str,
    text_log: &CanaryLog,
) -> (Vec<&'t str>, CanaryLog, Value) {
    let n = text.len();
    let mut cuts = Cuts::default();
    let mut plans: Vec<&'static str> = Vec::with_capacity(text_log.items.len());
    let mut extra: HashMap<usize, Value> = HashMap::new();
    let mut must_jump: HashMap<usize, usize> = HashMap::new();
    // 45 % / 15 % / 25 % / 15 %, every plan at least once per round of 20.
    let mut deck = Deck::new(
        vec!["forced_1", "forced_2", "overlap_cut", "random"],
        [
            ["forced_1"; 8].as_slice(),
            &["forced_2"; 2],
            &["overlap_cut"; 4],
            &["random"; 2],
        ]
        .concat(),
    );
    for (idx, item) in text_log.items.iter().enumerate() {
        let Spot { start: s, len } = spot(item);
        let end = s + len;
        let wanted = deck.draw(rng);
        let mut plan = "random";
        if wanted == "forced_2" && len >= 3 && cuts.free(s, end) {
            let two = rng.sample(&(s + 1..end).collect::<Vec<_>>(), 2);
            cuts.forced.extend(two);
            cuts.reserved.push((s, end));
            plan = "forced_2";
        } else if matches!(wanted, "forced_1" | "forced_2") && len >= 2 && cuts.free(s, end) {
            cuts.forced
                .push(rng.int(s as i64 + 1, end as i64 - 1) as usize);
            cuts.reserved.push((s, end));
            plan = "forced_1";
        } else if wanted == "overlap_cut" && len >= 2 {
            // Secrets are ASCII: k characters into the secret is k bytes into it.
            let k = rng.int(1, len as i64 - 1) as usize;
            let b2 = advance_chars(text, s, k + OVERLAP);
            let mut b1 = b2.saturating_sub(rng.int(900, 4000) as usize);
            while b1 > 0 && !text.is_char_boundary(b1) {
                b1 -= 1;
            }
            if b1 > 0 && b2 < n && cuts.free(b1, b2) && cuts.free(s, end) {
                cuts.forced.extend([b1, b2]);
                cuts.reserved.push((b1, b2));
                must_jump.insert(b1, b2);
                extra.insert(
                    idx,
                    json!({"cut_at_secret_char": k, "boundary_bytes": [b1, b2]}),
                );
                plan = "overlap_cut";
            }
        }
        plans.push(plan);
    }
    cuts.forced.sort_unstable();
    cuts.forced.dedup();
    let forced = cuts.forced;

    let mut bounds = vec![0usize];
    let (mut pos, mut fi) = (0usize, 0usize);
    while pos < n {
        let mut next = pos + rng.int(1, 4096) as usize;
        while fi < forced.len() && forced[fi] <= pos {
            fi += 1;
        }
        if let Some(&jump) = must_jump.get(&pos) {
            next = jump;
        } else if fi < forced.len() && forced[fi] < next {
            next = forced[fi];
        }
        if next >= n {
            next = n;
        } else {
            let mut b = next;
            while b > pos && !text.is_char_boundary(b) {
                b -= 1;
            }
            if b == pos {
                // Never an empty chunk: move forward to the end of the code point instead.
                b = next;
                while b < n && !text.is_char_boundary(b) {
                    b += 1;
                }
            }
            next = b;
        }
        bounds.push(next);
        pos = next;
    }
    let chunks: Vec<&str> = bounds.windows(2).map(|w| &text[w[0]..w[1]]).collect();

    let mut log = CanaryLog::default();
    let mut straddling = 0usize;
    for (idx, item) in text_log.items.iter().enumerate() {
        let Spot { start: s, len } = spot(item);
        let first = bounds.partition_point(|&b| b <= s) - 1;
        let last = bounds.partition_point(|&b| b < s + len) - 1;
        let spanned = last - first + 1;
        straddling += usize::from(spanned > 1);
        let mut full = Map::new();
        for k in [
            "value",
            "kind",
            "variant",
            "placement",
            "line",
            "offset_bytes",
            "length_bytes",
        ] {
            if let Some(v) = item.get(k) {
                full.insert(k.into(), v.clone());
            }
        }
        full.insert("first_chunk".into(), first.into());
        full.insert("chunks_spanned".into(), spanned.into());
        full.insert("straddles".into(), (spanned > 1).into());
        full.insert("plan".into(), plans[idx].into());
        if let Some(Value::Object(e)) = extra.remove(&idx) {
            full.extend(e);
        }
        log.items.push(full);
    }
    let sizes: Vec<usize> = bounds.windows(2).map(|w| w[1] - w[0]).collect();
    let mut plan_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &plans {
        *plan_counts.entry(p).or_default() += 1;
    }
    let stats = json!({
        "chunks": chunks.len(),
        "min_bytes": sizes.iter().min().copied().unwrap_or(0),
        "max_bytes": sizes.iter().max().copied().unwrap_or(0),
        "mean_bytes": round_to(n as f64 / sizes.len().max(1) as f64, 1),
        "canaries_straddling": straddling,
        "plans": plan_counts,
        "overlap_targeted": OVERLAP,
    });
    (chunks, log, stats)
}
