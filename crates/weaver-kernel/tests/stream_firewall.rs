//! `Firewall::apply_stream` / `FrameStreamer`: exact across chunks at every JSON path.

use futures_util::{StreamExt as _, stream};
use proptest::prelude::*;
use serde_json::{Value, json};
use weaver_budget::ResponseMode;
use weaver_kernel::{
    Budgets, Chunk, Firewall, FirewallError, Frame, FrameStreamer, TransformContext,
};
use weaver_redact::Redactor;

fn firewall() -> Firewall {
    Firewall::new(Budgets::default().with_max_depth(64)).unwrap()
}

fn admin_raw() -> TransformContext {
    TransformContext::new(ResponseMode::Raw).with_role("admin")
}

/// The text at `ptr` over all frames, concatenated.
fn joined(frames: &[Frame], ptr: &str) -> String {
    frames
        .iter()
        .filter_map(|f| {
            f.raw_data
                .as_ref()?
                .pointer(ptr)?
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

/// Splits each field text of `texts` at `cuts` into chunks `{"a": {"rows": [{"note": …}]}, "b": …}`.
fn chunked(texts: &[String], cuts: &[usize], last_final: bool) -> Vec<Chunk> {
    let n = cuts.len() + 1;
    let mut out = Vec::new();
    for k in 0..n {
        let piece = |t: &String| {
            let b = t.len();
            let lo = if k == 0 { 0 } else { cuts[k - 1] * b / 100 };
            let hi = if k + 1 == n { b } else { cuts[k] * b / 100 };
            String::from_utf8_lossy(&t.as_bytes()[lo..hi.max(lo)]).into_owned()
        };
        let data = json!({
            "a": {"rows": [{"note": piece(&texts[0])}]},
            "b": piece(&texts[1]),
        });
        out.push(if k + 1 == n && last_final {
            Chunk::last(data)
        } else {
            Chunk::new(data)
        });
    }
    out
}

fn run(chunks: Vec<Chunk>) -> Vec<Frame> {
    let mut s = FrameStreamer::new(firewall(), admin_raw());
    let mut frames = Vec::new();
    for c in chunks {
        frames.extend(s.push(c).unwrap());
    }
    frames.extend(s.end().unwrap());
    frames
}

const PIECES: &[&str] = &[
    "Bearer abcdefghijklmnop",
    "ann@example.com",
    " ",
    "sk-live-",
    "4111 1111 1111 1111",
    "555-123-4567",
    "hello",
    "password=hunter22",
    "AKIAIOSFODNN7EXAMPLE",
    "\u{e9}t\u{e9}",
    "x",
];

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 0..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn stream_equals_one_shot(
        t0 in text(),
        t1 in text(),
        mut cuts in proptest::collection::vec(0usize..=100, 0..6),
        last_final in any::<bool>(),
    ) {
        cuts.sort_unstable();
        let texts = [t0, t1];
        // Cuts in the middle of a code point are made whole by from_utf8_lossy: compute
        // the expected text from the pieces actually sent.
        let chunks = chunked(&texts, &cuts, last_final);
        let sent = |ptr: &str| -> String {
            chunks.iter().map(|c| c.data.pointer(ptr).unwrap().as_str().unwrap().to_owned()).collect()
        };
        let r = Redactor::new();
        let want_a = r.redact_str(&sent("/a/rows/0/note")).into_owned();
        let want_b = r.redact_str(&sent("/b")).into_owned();
        let frames = run(chunks);
        prop_assert!(frames.last().unwrap().is_final);
        prop_assert_eq!(frames.iter().filter(|f| f.is_final).count(), 1);
        prop_assert_eq!(joined(&frames, "/a/rows/0/note"), want_a);
        prop_assert_eq!(joined(&frames, "/b"), want_b);
    }
}

#[test]
fn canary_split_at_every_byte_never_leaks() {
    let canary = "tok Bearer CANARY0123456789abcdef end";
    for cut in 0..=canary.len() {
        for last_final in [false, true] {
            let (x, y) = canary.split_at(cut);
            let c1 = Chunk::new(json!({"deep": [{"x": {"t": x}}], "top": x}));
            let c2 = json!({"deep": [{"x": {"t": y}}], "top": y});
            let c2 = if last_final {
                Chunk::last(c2)
            } else {
                Chunk::new(c2)
            };
            let frames = run(vec![c1, c2]);
            let all = serde_json::to_string(&frames).unwrap();
            assert!(!all.contains("CANARY"), "cut {cut}: {all}");
            assert_eq!(
                joined(&frames, "/deep/0/x/t"),
                "tok [REDACTED] end",
                "cut {cut}"
            );
            assert_eq!(joined(&frames, "/top"), "tok [REDACTED] end", "cut {cut}");
        }
    }
}

#[test]
fn chunk_after_final_is_an_error() {
    let mut s = FrameStreamer::new(firewall(), admin_raw());
    assert!(s.push(Chunk::last(json!({"t": "a"}))).unwrap()[0].is_final);
    assert_eq!(
        s.push(Chunk::new(json!({"t": "b"}))),
        Err(FirewallError::ChunkAfterFinal)
    );
    assert_eq!(s.end().unwrap(), None);
}

#[test]
fn source_ending_without_final_flushes_the_held_tail() {
    let mut s = FrameStreamer::new(firewall(), admin_raw());
    // Ends in what could be the start of a secret: the redactor holds it back.
    let first = s.push(Chunk::new(json!({"t": "abc Bearer"}))).unwrap();
    let last = s.end().unwrap().unwrap();
    assert!(last.is_final);
    let frames = [first, vec![last]].concat();
    assert_eq!(
        joined(&frames, "/t"),
        Redactor::new().redact_str("abc Bearer")
    );
}

#[test]
fn tail_at_pointer_missing_from_final_chunk_joins_it_or_gets_its_own_final_frame() {
    // The final chunk lacks the pointer: the tail is placed into it.
    let mut s = FrameStreamer::new(firewall(), admin_raw());
    let mut frames = s
        .push(Chunk::new(json!({"rows": [{"n": "x Bearer"}]})))
        .unwrap();
    let last = s.push(Chunk::last(json!({"other": 1}))).unwrap();
    assert_eq!(last.len(), 1);
    assert!(last[0].is_final);
    frames.extend(last);
    assert_eq!(joined(&frames, "/rows/0/n"), "x Bearer");
    // A scalar is in the way: the tail gets a final frame of its own.
    let mut s = FrameStreamer::new(firewall(), admin_raw());
    let mut frames = s
        .push(Chunk::new(json!({"rows": [{"n": "x Bearer"}]})))
        .unwrap();
    let last = s.push(Chunk::last(json!({"rows": 5}))).unwrap();
    assert_eq!(last.len(), 2);
    assert!(!last[0].is_final && last[1].is_final);
    frames.extend(last);
    assert_eq!(joined(&frames, "/rows/0/n"), "x Bearer");
}

#[tokio::test]
async fn apply_stream_summary_mode_budgets_and_projection_every_frame() {
    let fw = Firewall::new(Budgets::default().with_max_rows(2)).unwrap();
    let chunks = stream::iter((0..5).map(|i| {
        Chunk::new(
            json!([{"id": i, "email": "ann@example.com", "secret": "s"}, {"id": 2}, {"id": 3}]),
        )
    }));
    let ctx = TransformContext::new(ResponseMode::Table).with_constraints(
        weaver_kernel::Constraints::from_json(&json!({"allowed_fields": ["id", "email"]})).unwrap(),
    );
    let frames: Vec<_> = fw.apply_stream(chunks, ctx).collect().await;
    assert_eq!(frames.len(), 6);
    for f in &frames {
        let f = f.as_ref().unwrap();
        assert_eq!(f.response_mode, ResponseMode::Table);
        assert!(f.table_preview.len() <= 2);
        let text = serde_json::to_string(f).unwrap();
        assert!(
            !text.contains("example.com") && !text.contains("\"secret\""),
            "{text}"
        );
    }
    assert!(frames.last().unwrap().as_ref().unwrap().is_final);
}

#[tokio::test]
async fn apply_stream_reports_a_chunk_after_final_and_stops() {
    let chunks = stream::iter([
        Chunk::last(json!({"t": "a"})),
        Chunk::new(json!({"t": "b"})),
        Chunk::new(json!({"t": "c"})),
    ]);
    let out: Vec<_> = firewall().apply_stream(chunks, admin_raw()).collect().await;
    assert_eq!(out.len(), 2);
    assert!(out[0].as_ref().unwrap().is_final);
    assert_eq!(out[1], Err(FirewallError::ChunkAfterFinal));
}

#[test]
fn raw_without_admin_is_a_summary_for_every_frame() {
    let mut s = FrameStreamer::new(firewall(), TransformContext::new(ResponseMode::Raw));
    let f = s
        .push(Chunk::new(json!({"t": "Bearer abcdefghijklmnop"})))
        .unwrap();
    assert_eq!(f[0].response_mode, ResponseMode::Summary);
    assert!(f[0].raw_data.is_none());
    let _: Value = serde_json::to_value(&f[0]).unwrap();
}

/// One segment of a random path: a key or a list index.
#[derive(Debug, Clone)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

fn seg() -> impl Strategy<Value = Seg> {
    prop_oneof![
        proptest::sample::select(&["a", "rows", "note", "x/y", "t~"][..]).prop_map(Seg::Key),
        (0usize..3).prop_map(Seg::Index),
    ]
}

/// Sets `text` at `path` under `doc`, making maps and null-padded lists on the way.
fn set(doc: &mut Value, path: &[Seg], text: String) {
    let Some((first, rest)) = path.split_first() else {
        *doc = Value::String(text);
        return;
    };
    let slot = match first {
        Seg::Key(k) => {
            if !doc.is_object() {
                *doc = json!({});
            }
            doc.as_object_mut()
                .unwrap()
                .entry(*k)
                .or_insert(Value::Null)
        }
        Seg::Index(i) => {
            if !doc.is_array() {
                *doc = json!([]);
            }
            let items = doc.as_array_mut().unwrap();
            while items.len() <= *i {
                items.push(Value::Null);
            }
            &mut items[*i]
        }
    };
    set(slot, rest, text);
}

fn pointer(field: usize, path: &[Seg]) -> String {
    let mut p = format!("/f{field}");
    for s in path {
        match s {
            Seg::Key(k) => {
                p.push('/');
                p.push_str(&k.replace('~', "~0").replace('/', "~1"));
            }
            Seg::Index(i) => {
                p.push('/');
                p.push_str(&i.to_string());
            }
        }
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]
    /// Random document shapes: each field's text sits at a random path (keys with `/` and
    /// `~`, list indices) and is cut at random points; frames joined == one-shot.
    #[test]
    fn random_shapes_stream_equals_one_shot(
        fields in proptest::collection::vec(
            (proptest::collection::vec(seg(), 0..4), text()), 1..4),
        mut cuts in proptest::collection::vec(0usize..=100, 0..5),
        last_final in any::<bool>(),
    ) {
        cuts.sort_unstable();
        let n = cuts.len() + 1;
        let mut chunks = Vec::new();
        let mut sent = vec![String::new(); fields.len()];
        for k in 0..n {
            let mut doc = json!({});
            for (i, (path, t)) in fields.iter().enumerate() {
                let b = t.len();
                let lo = if k == 0 { 0 } else { cuts[k - 1] * b / 100 };
                let hi = if k + 1 == n { b } else { cuts[k] * b / 100 };
                let piece = String::from_utf8_lossy(&t.as_bytes()[lo..hi.max(lo)]).into_owned();
                sent[i].push_str(&piece);
                let mut full = vec![Seg::Key(["f0", "f1", "f2", "f3"][i])];
                full.extend(path.iter().cloned());
                set(&mut doc, &full, piece);
            }
            chunks.push(if k + 1 == n && last_final { Chunk::last(doc) } else { Chunk::new(doc) });
        }
        let frames = run(chunks);
        prop_assert_eq!(frames.iter().filter(|f| f.is_final).count(), 1);
        let r = Redactor::new();
        for (i, (path, _)) in fields.iter().enumerate() {
            let ptr = pointer(i, path);
            prop_assert_eq!(joined(&frames, &ptr), r.redact_str(&sent[i]).into_owned(), "at {}", ptr);
        }
    }
}
