//! Expansion queries against a fixed store and grant.

use serde_json::{Value, json};
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Grant, Handle, HandleBackend, HandleStore,
    HandleStoreConfig,
};

/// Rows with ids of 1000 and more, and every value saying `OUTSIDE`, are outside the grant.
pub fn rows() -> Value {
    let mut rows = Vec::new();
    for i in 0..12u64 {
        let eu = i % 3 != 0;
        let (id, region, tag) = if eu {
            (i, "eu", "inside")
        } else {
            (1000 + i, "us", "OUTSIDE")
        };
        rows.push(json!({
            "id": id,
            "region": region,
            "status": format!("{tag}-{}", i % 4),
            "amount": (i as f64) * 1.5,
            "note": format!("{tag} row {i}: write to ann.lee@example.org, card 4111111111111111"),
            "email": "ann.lee@example.org",
            "tags": [tag, {"deep": {"deeper": tag}}],
        }));
    }
    Value::Array(rows)
}

/// The fields the grant allows.
pub const ALLOWED: [&str; 5] = ["id", "region", "status", "amount", "note"];

struct Fixture {
    store: HandleStore,
    handle: Handle,
}

fn fixture() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let store = HandleStore::new(HandleStoreConfig::default()).expect("default config");
        let grant = Grant::new()
            .max_rows(3)
            .allowed_fields(ALLOWED)
            .scope("region", "eu");
        let handle = store
            .store("fuzz.rows", rows(), Binding::principal("agent"), grant)
            .expect("the fixture fits");
        Fixture { store, handle }
    })
}

/// Panics unless `rows` is a page the grant allows: at most `max_rows`, only allowed
/// fields, no row outside the scope, no canary.
pub fn assert_page_in_grant(rows: &[Value], max_rows: usize) {
    assert!(rows.len() <= max_rows, "{} rows > {max_rows}", rows.len());
    for row in rows {
        let text = row.to_string();
        assert!(
            !text.contains("OUTSIDE"),
            "a row outside the grant's scope: {text}"
        );
        super::assert_no_canary("an expansion row", &text);
        if let Value::Object(m) = row {
            for (k, v) in m {
                assert!(
                    ALLOWED.contains(&k.as_str()),
                    "field {k:?} outside the grant"
                );
                if k == "id" {
                    assert!(v.as_u64().is_some_and(|n| n < 1000), "row id {v} outside");
                }
            }
        }
    }
}

/// Any bytes as a query (JSON; anything else goes through `from_json_str` and must be a
/// typed error): the page is bounded, redacted and inside the grant, or a typed error.
pub fn expand_query(data: &[u8]) {
    let f = fixture();
    let query = match super::parse_value(data) {
        Some(v) => ExpandQuery::from_json(&v),
        None => match std::str::from_utf8(data) {
            Ok(s) if super::depth(data) <= super::VALUE_DEPTH => ExpandQuery::from_json_str(s),
            _ => return,
        },
    };
    let Ok(query) = query else {
        return;
    };
    let budgets = [
        ExpandBudget::default(),
        ExpandBudget {
            max_rows: 2,
            max_fields: 2,
            max_chars: 256,
            max_depth: 1,
        },
    ];
    for budget in budgets {
        match f
            .store
            .expand(f.handle.id.as_str(), &query, Some("agent"), &budget)
        {
            Ok(page) => {
                let max = usize::try_from(budget.max_rows.min(3)).unwrap_or(usize::MAX);
                assert_page_in_grant(&page.rows, max);
                let bytes = serde_json::to_vec(&page.rows)
                    .expect("rows serialize")
                    .len();
                assert!(
                    bytes as u64 <= budget.max_chars,
                    "page of {bytes} bytes > max_chars {}",
                    budget.max_chars
                );
                assert_eq!(page.total_rows, 12);
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        // Anyone else: always refused.
        assert!(
            f.store
                .expand(f.handle.id.as_str(), &query, Some("mallory"), &budget)
                .is_err(),
            "another principal expanded the handle"
        );
    }
}
