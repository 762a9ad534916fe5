//! `small_calls`: many small (~1 KB) tool results of four shapes (row lists, API objects,
//! log excerpts, search hits); about 2 % carry one secret inside a sentence.

use std::io;

use serde_json::{Map, Value, json};

use crate::canary::{CanaryLog, HEX, SecretMaker, inline_secret};
use crate::clock::START_MS;
use crate::rng::{Rng, round_to};
use crate::rows::{append_sentence, order_row};
use crate::text::log_line;
use crate::vocab::{self, benign_note};

/// Where a secret may go in one result: a JSON path for the log and how to reach the string.
enum Target {
    /// `value[index][key]` in a list of objects.
    Item(usize, &'static str),
    /// `value["data"]["bio"]`.
    Bio,
    /// The result is a string: append a line.
    Text,
}

fn row_list(rng: &mut Rng, i: u64) -> (Value, Vec<Target>) {
    let k = rng.int(2, 3) as u64;
    let rows: Vec<Value> = (0..k)
        .map(|j| {
            let mut row = order_row(rng, i * 10 + j);
            if let Some(Value::Object(meta)) = row.get_mut("metadata") {
                meta.remove("client");
            }
            Value::Object(row)
        })
        .collect();
    let targets = (0..k as usize).map(|j| Target::Item(j, "notes")).collect();
    (Value::Array(rows), targets)
}

fn api_object(rng: &mut Rng) -> (Value, Vec<Target>) {
    let bio = format!("{} {}", benign_note(rng), benign_note(rng));
    let n_links = rng.int(1, 4);
    let v = json!({
        "status": "ok",
        "request_id": rng.string(HEX, 16),
        "data": {
            "user_id": format!("u_{}", rng.int(1, 99_999)),
            "display_name": rng.pick(&vocab::DISPLAY),
            "plan": rng.pick(&["free", "pro", "team", "enterprise"]),
            "usage": {
                "calls": rng.int(0, 1_000_000),
                "quota": rng.pick(&[10_000, 100_000, 1_000_000]),
                "overage": rng.chance(0.1),
            },
            "bio": bio,
        },
        "pagination": {"page": rng.int(1, 40), "per_page": 25, "total": rng.int(0, 1000)},
        "links": (0..n_links)
            .map(|p| format!("https://api.example.com/v1/users?page={p}"))
            .collect::<Vec<_>>(),
    });
    (v, vec![Target::Bio])
}

fn log_excerpt(rng: &mut Rng, i: u64) -> (Value, Vec<Target>) {
    let mut ms = START_MS + i as i64 * 1000;
    let mut out = String::new();
    while out.len() < 850 {
        ms += rng.int(1, 500);
        let line = log_line(rng, ms);
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line.split('\n').next().unwrap_or(""));
    }
    (Value::String(out), vec![Target::Text])
}

fn search_hits(rng: &mut Rng) -> (Value, Vec<Target>) {
    let n = rng.int(3, 5) as usize;
    let hits: Vec<Value> = (0..n)
        .map(|_| {
            let mut title = benign_note(rng);
            if let Some((cut, _)) = title.char_indices().nth(40) {
                title.truncate(cut);
            }
            json!({
                "title": format!("KB-{}: {title}", rng.int(100, 999)),
                "url": format!("https://support.example.com/kb/{}", rng.int(1000, 9999)),
                "score": round_to(rng.uniform(0.0, 30.0), 3),
                "snippet": benign_note(rng),
            })
        })
        .collect();
    let v = json!({
        "query": rng.pick(&["refund policy", "shipping delay", "api limits", "reset password", "invoice copy"]),
        "took_ms": rng.int(1, 300),
        "hits": hits,
    });
    (v, (0..n).map(|j| Target::Item(j, "snippet")).collect())
}

fn item_object<'v>(
    v: &'v mut Value,
    index: usize,
    nested: Option<&str>,
) -> Option<&'v mut Map<String, Value>> {
    let list = match nested {
        Some(k) => v.get_mut(k)?,
        None => v,
    };
    list.get_mut(index)?.as_object_mut()
}

/// `n` small results and their canaries.
pub(crate) fn generate(rng: &mut Rng, n: u64) -> io::Result<(Value, CanaryLog)> {
    let mut sm = SecretMaker::new();
    let mut log = CanaryLog::default();
    let mut calls = Vec::with_capacity(n as usize);
    for i in 0..n {
        let r = rng.unit();
        let (mut res, targets) = if r < 0.40 {
            row_list(rng, i)
        } else if r < 0.70 {
            api_object(rng)
        } else if r < 0.90 {
            log_excerpt(rng, i)
        } else {
            search_hits(rng)
        };
        if rng.chance(0.02) {
            let target = &targets[rng.index(targets.len())];
            let (sentence, s) = inline_secret(rng, &mut sm)?;
            let path = match *target {
                Target::Item(j, key) => {
                    let hits = matches!(res, Value::Object(_)).then_some("hits");
                    if let Some(obj) = item_object(&mut res, j, hits) {
                        append_sentence(obj, key, &sentence);
                    }
                    match hits {
                        Some(h) => format!("[{i}].{h}[{j}].{key}"),
                        None => format!("[{i}][{j}].{key}"),
                    }
                }
                Target::Bio => {
                    if let Some(data) = res.get_mut("data").and_then(Value::as_object_mut) {
                        append_sentence(data, "bio", &sentence);
                    }
                    format!("[{i}].data.bio")
                }
                Target::Text => {
                    if let Value::String(text) = &mut res {
                        text.push('\n');
                        text.push_str(&sentence);
                    }
                    format!("[{i}]")
                }
            };
            log.add(&s, "inline_text", json!({"call": i, "path": path}));
        }
        calls.push(res);
    }
    Ok((Value::Array(calls), log))
}
