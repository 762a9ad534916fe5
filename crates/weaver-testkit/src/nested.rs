//! `nested_deep`: a document with a 200-level `chain` of nodes, a wide `services` map
//! (~5 MB at full scale), a map keyed by e-mail addresses and a number matrix. Secrets sit
//! at many depths of the chain, in service configs and in dict keys.

use std::io;

use serde_json::{Map, Value, json};

use crate::canary::{CanaryLog, HEX, SecretMaker, inline_secret};
use crate::clock::{START_MS, iso_seconds};
use crate::rng::{Deck, Rng, round_to};
use crate::vocab::{self, benign_note};

/// Depth of the chain (node `level` is at nesting depth `level + 1` below the top object).
const CHAIN_DEPTH: usize = 200;
/// Chain levels whose node carries a sentence with a secret.
const NOTE_LEVELS: [usize; 13] = [1, 2, 3, 4, 8, 16, 32, 64, 100, 128, 150, 180, 199];
/// Chain levels whose node carries a `password` field.
const PASSWORD_LEVELS: [usize; 3] = [2, 99, 198];

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The chain, built from the deepest node up (no recursion, so any depth works).
fn chain(rng: &mut Rng, sm: &mut SecretMaker, log: &mut CanaryLog) -> io::Result<Value> {
    let mut below: Option<Value> = None;
    for level in (0..CHAIN_DEPTH).rev() {
        let n_flags = 2;
        let mut node = object(json!({
            "level": level,
            "id": format!("node-{level:03}"),
            "label": format!("dependency layer {level}"),
            "props": {
                "weight": round_to(rng.unit(), 4),
                "flags": rng.sample(&vocab::TAGS, n_flags),
                "enabled": rng.chance(0.5),
            },
        }));
        let path = format!("chain{}", ".child".repeat(level));
        if NOTE_LEVELS.contains(&level) {
            let (sentence, s) = inline_secret(rng, sm)?;
            node.insert("note".into(), sentence.into());
            log.add(
                &s,
                "inline_text",
                json!({"path": format!("{path}.note"), "depth": level + 2}),
            );
        }
        if PASSWORD_LEVELS.contains(&level) {
            let s = sm.make(rng, "password")?;
            node.insert("password".into(), s.rendered.clone().into());
            log.add(
                &s,
                "field_sensitive_name",
                json!({"path": format!("{path}.password"), "depth": level + 2}),
            );
        }
        if let Some(child) = below.take() {
            node.insert("child".into(), child);
        }
        below = Some(Value::Object(node));
    }
    Ok(below.unwrap_or(Value::Null))
}

fn service(rng: &mut Rng, name: &str) -> Map<String, Value> {
    let endpoints: Vec<Value> = (0..rng.int(5, 10))
        .map(|_| {
            let n_tags = rng.int(0, 3) as usize;
            json!({
                "path": format!(
                    "/api/v{}/{}/{{id}}",
                    rng.int(1, 3),
                    rng.pick(&["orders", "users", "items", "carts", "reports"])
                ),
                "method": rng.weighted(&vocab::METHODS),
                "p50_ms": round_to(rng.uniform(1.0, 50.0), 2),
                "p99_ms": round_to(rng.uniform(50.0, 2000.0), 2),
                "error_rate": round_to(rng.uniform(0.0, 0.05), 5),
                "tags": rng.sample(&vocab::TAGS, n_tags),
            })
        })
        .collect();
    let n_regions = rng.int(1, 3) as usize;
    let regions = rng.sample(
        &[
            "us-east-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-northeast-1",
        ],
        n_regions,
    );
    let flags: Map<String, Value> = (0..8)
        .map(|k| (format!("flag_{k}"), rng.chance(0.5).into()))
        .collect();
    object(json!({
        "name": name,
        "owner_team": rng.pick(&["core", "growth", "platform", "data", "payments"]),
        "tier": rng.int(0, 3),
        "regions": regions,
        "endpoints": endpoints,
        "config": {
            "replicas": rng.int(1, 20),
            "timeout_ms": rng.pick(&[500, 1000, 2500, 5000]),
            "feature_flags": flags,
            "env": {
                "LOG_LEVEL": rng.pick(&["info", "debug", "warn"]),
                "REGION": rng.pick(&vocab::COUNTRIES),
                "CACHE_TTL": rng.int(10, 3600).to_string(),
            },
        },
        "description": benign_note(rng),
    }))
}

/// Mutable access to `v[k1][k2]…` when every step is an object.
fn dig<'v>(v: &'v mut Map<String, Value>, keys: &[&str]) -> Option<&'v mut Map<String, Value>> {
    let mut cur = v;
    for k in keys {
        cur = cur.get_mut(*k)?.as_object_mut()?;
    }
    Some(cur)
}

/// Plants secret `choice` (0..5) into a service.
fn plant(
    rng: &mut Rng,
    sm: &mut SecretMaker,
    log: &mut CanaryLog,
    svc: &mut Map<String, Value>,
    name: &str,
    choice: usize,
) -> io::Result<()> {
    let base = format!("services.{name}");
    match choice {
        0 => {
            let s = sm.make(rng, "conn_str")?;
            if let Some(env) = dig(svc, &["config", "env"]) {
                env.insert("DATABASE_URL".into(), s.rendered.clone().into());
            }
            let at = json!({"path": format!("{base}.config.env.DATABASE_URL"), "depth": 5});
            log.add(&s, "field_value", at);
        }
        1 => {
            let s = sm.make_variant(rng, "api_key", Some("assign"))?;
            if let Some(env) = dig(svc, &["config", "env"]) {
                env.insert("PARTNER_CREDENTIALS".into(), s.rendered.clone().into());
            }
            let at = json!({"path": format!("{base}.config.env.PARTNER_CREDENTIALS"), "depth": 5});
            log.add(&s, "field_value", at);
        }
        2 => {
            let s = sm.make(rng, "email")?;
            svc.insert("owner_email".into(), s.rendered.clone().into());
            log.add(
                &s,
                "field_value",
                json!({"path": format!("{base}.owner_email"), "depth": 3}),
            );
        }
        3 => {
            let s = sm.make(rng, "phone")?;
            let oncall = json!({"name": rng.pick(&vocab::DISPLAY), "phone": s.rendered});
            svc.insert("oncall".into(), oncall);
            let at = json!({"path": format!("{base}.oncall.phone"), "depth": 4});
            log.add(&s, "field_sensitive_name", at);
        }
        _ => {
            let s = sm.make(rng, "bearer")?;
            let curl = format!(
                "curl -H 'Authorization: {}' https://{name}.internal/",
                s.rendered
            );
            if let Some(Value::Object(ep)) = svc
                .get_mut("endpoints")
                .and_then(Value::as_array_mut)
                .and_then(|a| a.first_mut())
            {
                ep.insert("example_request".into(), curl.into());
            }
            let at = json!({"path": format!("{base}.endpoints[0].example_request"), "depth": 5});
            log.add(&s, "inline_text", at);
        }
    }
    Ok(())
}

/// The nested document with `n_services` services, and its canaries.
pub(crate) fn generate(rng: &mut Rng, n_services: u64) -> io::Result<(Value, CanaryLog)> {
    let mut sm = SecretMaker::new();
    let mut log = CanaryLog::default();
    let chain = chain(rng, &mut sm, &mut log)?;

    // Which kind of secret a chosen service gets: each of the five once per round.
    let mut choices = Deck::new((0..5).collect(), Vec::new());
    let mut services = Map::new();
    for i in 0..n_services {
        let name = format!("svc-{i:04}-{}", rng.pick(&vocab::SERVICES));
        let mut svc = service(rng, &name);
        if rng.chance(0.03) {
            let choice = choices.draw(rng);
            plant(rng, &mut sm, &mut log, &mut svc, &name, choice)?;
        }
        services.insert(name, Value::Object(svc));
    }

    let mut usage = Map::new();
    for _ in 0..10 {
        let s = sm.make(rng, "email")?;
        let last_seen = START_MS + rng.int(0, 50_000) * 60_000;
        let stats = json!({
            "calls": rng.int(1, 5000),
            "tokens": rng.int(100, 10_000_000),
            "last_seen": iso_seconds(last_seen),
        });
        usage.insert(s.rendered.clone(), stats);
        let at = json!({"path": format!("usage_by_user[{:?}] (key)", s.rendered), "depth": 1});
        log.add(&s, "dict_key", at);
    }

    let matrix: Vec<Value> = (0..40)
        .map(|_| {
            (0..50)
                .map(|_| round_to(rng.uniform(-1.0, 1.0), 3).into())
                .collect::<Vec<Value>>()
                .into()
        })
        .collect();
    let doc = json!({
        "request_id": rng.string(HEX, 32),
        "generated_at": iso_seconds(START_MS),
        "chain": chain,
        "usage_by_user": usage,
        "services": services,
        "matrix": matrix,
    });
    Ok((doc, log))
}
