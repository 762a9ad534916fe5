//! The io, async and JSON-chunk adapters give the one-shot result.
#![cfg(all(feature = "json", feature = "tokio"))]

use std::io::{Read, Write};

use serde_json::{Value, json};
use weaver_redact::{JsonStreamRedactor, RedactReader, RedactWriter, Redactor};

const TEXT: &str = "log: mail bob@example.com, Authorization: Bearer tok_abcdef123456\n\
    card 4111 1111 1111 1111; ssn 123-45-6789; café ünïcode — postgresql://u:pw@h/db\n";

#[test]
fn writer_and_reader_equal_one_shot() {
    let r = Redactor::new();
    let want = r.redact_str(TEXT);
    let mut w = RedactWriter::new(r.clone(), Vec::new());
    for piece in TEXT.as_bytes().chunks(3) {
        w.write_all(piece).unwrap();
    }
    assert_eq!(String::from_utf8(w.finish().unwrap()).unwrap(), want);

    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(5);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let mut s = String::new();
    RedactReader::new(r.clone(), Trickle(TEXT.as_bytes()))
        .read_to_string(&mut s)
        .unwrap();
    assert_eq!(s, want);
}

#[test]
fn async_adapters_equal_one_shot() {
    use futures_util::StreamExt;
    use tokio::io::AsyncReadExt;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let r = Redactor::new();
        let want = r.redact_str(TEXT).into_owned();
        let mut s = String::new();
        r.redact_async_read(TEXT.as_bytes())
            .read_to_string(&mut s)
            .await
            .unwrap();
        assert_eq!(s, want);

        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            TEXT.as_bytes().chunks(4).map(|c| Ok(c.to_vec())).collect();
        let out: Vec<_> = r
            .redact_byte_stream(futures_util::stream::iter(chunks))
            .collect()
            .await;
        let bytes: Vec<u8> = out.into_iter().flat_map(|c| c.unwrap().to_vec()).collect();
        assert_eq!(String::from_utf8(bytes).unwrap(), want);

        let failing = futures_util::stream::iter(vec![
            Ok(b"a@b.co ".to_vec()),
            Err(std::io::Error::other("boom")),
        ]);
        let items: Vec<_> = r.redact_byte_stream(failing).collect().await;
        assert!(items.iter().any(Result::is_err), "errors pass through");
    });
}

fn strings(v: &Value, out: &mut Vec<(String, String)>, ptr: String) {
    match v {
        Value::String(s) => out.push((ptr, s.clone())),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| strings(x, out, format!("{ptr}/{i}"))),
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| strings(x, out, format!("{ptr}/{k}"))),
        _ => {}
    }
}

#[test]
fn json_chunks_carry_tails_at_every_path() {
    let r = Redactor::new();
    let chunks = [
        json!({"text": "prefix Bearer canary-zzz-9999", "rows": [{"note": "call 415 555"}], "meta": {"deep": {"x": ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ"]}}}),
        json!({"text": "-do-not-leak-token suffix", "rows": [{"note": " 0123 now"}], "meta": {"deep": {"x": [".Qk9HVVNfQ0FOQVJZX1NJRw end"]}}}),
        json!({"text": 5, "rows": []}),
    ];
    let mut s = JsonStreamRedactor::new(r.clone());
    let mut per_path = std::collections::BTreeMap::<String, String>::default();
    let mut raw = std::collections::BTreeMap::<String, String>::default();
    for c in &chunks {
        let mut before = Vec::new();
        strings(c, &mut before, String::new());
        for (p, v) in before {
            raw.entry(p).or_default().push_str(&v);
        }
        let mut c = c.clone();
        s.push_chunk(&mut c);
        let mut after = Vec::new();
        strings(&c, &mut after, String::new());
        for (p, v) in after {
            per_path.entry(p).or_default().push_str(&v);
        }
    }
    for (p, tail) in s.finish() {
        per_path.entry(p).or_default().push_str(&tail);
    }
    assert_eq!(
        per_path.keys().collect::<Vec<_>>(),
        raw.keys().collect::<Vec<_>>()
    );
    for (p, whole) in &raw {
        assert_eq!(per_path[p], r.redact_str(whole), "at {p}");
    }
    assert_eq!(per_path["/text"], "prefix [REDACTED] suffix");
    assert_eq!(per_path["/rows/0/note"], "call [REDACTED] now");
    assert_eq!(per_path["/meta/deep/x/0"], "[REDACTED] end");
}

#[test]
fn json_chunks_split_inside_a_code_point_stay_valid_strings() {
    let r = Redactor::new();
    // The stream may cut inside "é" (2 bytes); each emitted string is still valid UTF-8 and
    // the concatenation is exact.
    let text = "é".repeat(50) + " a@b.co " + &"日".repeat(30);
    let mut s = JsonStreamRedactor::new(r.clone());
    let mut got = String::new();
    let chars: Vec<char> = text.chars().collect();
    for piece in chars.chunks(7) {
        let mut v = json!({"t": piece.iter().collect::<String>()});
        s.push_chunk(&mut v);
        got.push_str(v["t"].as_str().unwrap());
    }
    for (_, tail) in s.finish() {
        got.push_str(&tail);
    }
    assert_eq!(got, r.redact_str(&text));
}
