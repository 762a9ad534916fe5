//! `rows_50k`: a list of order rows (12 base fields, a nested `metadata` object); about 2 %
//! of the rows carry planted secrets in extra fields, inline in `notes`, and deeper inside
//! `metadata`.

use std::io;

use serde_json::{Map, Value, json};

use crate::canary::{CanaryLog, SecretMaker, inline_secret};
use crate::clock::{START_MS, iso_seconds};
use crate::rng::{Deck, Rng, round_to};
use crate::vocab::{self, benign_note};

/// Extra secret-bearing fields: (field name, family, is the name itself a sensitive one?).
const SECRET_FIELDS: [(&str, &str, bool); 13] = [
    ("email", "email", true),
    ("phone", "phone", true),
    ("card_number", "card", true),
    ("ssn", "ssn", true),
    ("password", "password", true),
    ("contact_email", "email", false),
    ("billing_phone", "phone", false),
    ("payment_card", "card", false),
    ("tax_id", "ssn", false),
    ("auth_header", "bearer", false),
    ("session_token", "jwt", false),
    ("integration", "api_key", false),
    ("db_url", "conn_str", false),
];

/// One order row numbered `i` (its id is `100000 + i`).
pub(crate) fn order_row(rng: &mut Rng, i: u64) -> Map<String, Value> {
    let created = START_MS + (i as i64 * 37 + rng.int(0, 30)) * 1000;
    let updated = rng
        .chance(0.8)
        .then(|| created + rng.int(1, 20_000) * 60_000);
    let currency = *rng.weighted(&vocab::CURRENCIES);
    let amount = if currency == "JPY" {
        rng.int(100, 200_000) as f64
    } else {
        round_to(rng.uniform(1.0, 2000.0), 2)
    };
    let n_tags = rng.int(0, 3) as usize;
    let row = json!({
        "id": 100_000 + i,
        "order_ref": format!("ORD-{}", rng.string(b"0123456789ABCDEF", 8)),
        "customer": rng.pick(&vocab::DISPLAY),
        "status": rng.weighted(&vocab::STATUSES),
        "amount": amount,
        "currency": currency,
        "quantity": rng.int(1, 12),
        "is_priority": rng.chance(0.15),
        "created_at": iso_seconds(created),
        "updated_at": updated.map(iso_seconds),
        "notes": benign_note(rng),
        "metadata": {
            "source": rng.pick(&vocab::SOURCES),
            "ip_country": rng.pick(&vocab::COUNTRIES),
            "attempts": rng.int(1, 4),
            "tags": rng.sample(&vocab::TAGS, n_tags),
            "client": {
                "app_version": format!("{}.{}.{}", rng.int(1, 5), rng.int(0, 20), rng.int(0, 9)),
                "ua": rng.pick(&vocab::AGENTS),
            },
        },
    });
    match row {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Appends `" " + sentence` to the string at `obj[key]`.
pub(crate) fn append_sentence(obj: &mut Map<String, Value>, key: &str, sentence: &str) {
    if let Some(Value::String(s)) = obj.get_mut(key) {
        s.push(' ');
        s.push_str(sentence);
    }
}

/// `n` order rows and their canaries.
pub(crate) fn generate(rng: &mut Rng, n: u64) -> io::Result<(Value, CanaryLog)> {
    let mut sm = SecretMaker::new();
    let mut log = CanaryLog::default();
    // The first extra field of each secret row comes from a deck, so every field (and so
    // every family under both a sensitive and a neutral name) is used once per 13 such rows.
    let mut fields = Deck::new((0..SECRET_FIELDS.len()).collect(), Vec::new());
    let mut rows = Vec::with_capacity(n as usize);
    for i in 0..n {
        let mut row = order_row(rng, i);
        if rng.chance(0.02) {
            let first = fields.draw(rng);
            let mut chosen = vec![first];
            if rng.chance(0.5) {
                let others: Vec<usize> = (0..SECRET_FIELDS.len()).filter(|&k| k != first).collect();
                chosen.push(*rng.pick(&others));
            }
            for k in chosen {
                let (field, kind, named) = SECRET_FIELDS[k];
                let s = sm.make(rng, kind)?;
                row.insert(field.into(), s.rendered.clone().into());
                let placement = if named {
                    "field_sensitive_name"
                } else {
                    "field_value"
                };
                let at =
                    json!({"path": format!("[{i}].{field}"), "depth": 2, "row": i, "field": field});
                log.add(&s, placement, at);
            }
            for _ in 0..*rng.pick(&[0, 1, 1, 2]) {
                let (sentence, s) = inline_secret(rng, &mut sm)?;
                append_sentence(&mut row, "notes", &sentence);
                let at =
                    json!({"path": format!("[{i}].notes"), "depth": 2, "row": i, "field": "notes"});
                log.add(&s, "inline_text", at);
            }
            let r = rng.unit();
            if r < 0.15 {
                // A sentence one level down, inside metadata.
                let (sentence, s) = inline_secret(rng, &mut sm)?;
                if let Some(Value::Object(meta)) = row.get_mut("metadata") {
                    meta.insert("debug".into(), sentence.into());
                }
                let at = json!({"path": format!("[{i}].metadata.debug"), "depth": 3, "row": i, "field": "metadata"});
                log.add(&s, "inline_text", at);
            } else if r < 0.30 {
                // A credential two levels down, in the client object.
                let s = sm.make(rng, "bearer")?;
                if let Some(Value::Object(client)) =
                    row.get_mut("metadata").and_then(|m| m.get_mut("client"))
                {
                    client.insert("auth".into(), s.rendered.clone().into());
                }
                let at = json!({"path": format!("[{i}].metadata.client.auth"), "depth": 4, "row": i, "field": "metadata"});
                log.add(&s, "field_value", at);
            }
        }
        rows.push(Value::Object(row));
    }
    Ok((Value::Array(rows), log))
}
