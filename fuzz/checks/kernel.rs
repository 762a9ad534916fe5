//! The kernel: arbitrary arguments and modes through an in-memory driver, then an
//! expansion of the handle with the same bytes as the query.

use serde_json::{Value, json};
use weaver_kernel::{
    Capability, CapabilityToken, InMemoryDriver, Kernel, Principal, Registry, ResponseMode,
    Sensitivity,
};

const CAP: &str = "fuzz.rows";
const ALLOWED: [&str; 3] = ["id", "status", "note"];
const MODES: [ResponseMode; 4] = [
    ResponseMode::Summary,
    ResponseMode::Table,
    ResponseMode::HandleOnly,
    ResponseMode::Raw,
];

struct Fixture {
    rt: tokio::runtime::Runtime,
    kernel: Kernel,
    alice: Principal,
    admin: Principal,
    alice_token: CapabilityToken,
    admin_token: CapabilityToken,
}

fn fixture() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let mut registry = Registry::new();
        registry
            .register(
                Capability::new(CAP)
                    .sensitivity(Sensitivity::Pii)
                    .allowed_fields(ALLOWED),
            )
            .expect("registers");
        // The driver returns the rows, with the caller's arguments echoed in each row.
        let driver = InMemoryDriver::new("memory").with_handler(CAP, |ctx| {
            let rows: Vec<Value> = (0..8)
                .map(|i| {
                    json!({
                        "id": i,
                        "status": if i % 2 == 0 { "paid" } else { "open" },
                        "note": format!("row {i}: ann.lee@example.org, card 4111111111111111"),
                        "email": "ann.lee@example.org",
                        "args": ctx.args.clone(),
                    })
                })
                .collect();
            Ok(Value::Array(rows))
        });
        let kernel = Kernel::builder(registry)
            .driver(driver)
            .build()
            .expect("a kernel");
        let alice = Principal::new("alice")
            .with_role("reader")
            .with_attribute("tenant", "acme");
        let admin = Principal::new("root")
            .with_role("admin")
            .with_attribute("tenant", "acme");
        let alice_token = kernel
            .grant_capability(CAP, &alice, "")
            .expect("alice is granted")
            .token;
        let admin_token = kernel
            .grant_capability(CAP, &admin, "")
            .expect("admin is granted")
            .token;
        Fixture {
            rt,
            kernel,
            alice,
            admin,
            alice_token,
            admin_token,
        }
    })
}

/// The first byte picks the mode (2 bits), the caller (1 bit: a reader or an admin) and
/// whether the caller presents the other's token (1 bit); the rest is the arguments (JSON,
/// else a string). The frame is bounded and carries no canary nor field outside the grant,
/// or the call is a typed error that carries no canary; the handle, expanded with the same
/// bytes as the query, gives a page inside the grant.
pub fn kernel_invoke(data: &[u8]) {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    if super::depth(rest) > super::VALUE_DEPTH {
        return;
    }
    let f = fixture();
    let mode = MODES[usize::from(control & 3)];
    let (who, own, other) = if control & 4 == 0 {
        (&f.alice, &f.alice_token, &f.admin_token)
    } else {
        (&f.admin, &f.admin_token, &f.alice_token)
    };
    let swapped = control & 8 != 0;
    let token = if swapped { other } else { own };
    let args = serde_json::from_slice(rest)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(rest).into_owned()));
    let result =
        f.rt.block_on(f.kernel.invoke(token, who, CAP, args.clone(), mode));
    let frame = match result {
        Ok(frame) => frame,
        Err(e) => {
            super::assert_no_canary("an invoke error", &e.to_string());
            return;
        }
    };
    assert!(!swapped, "a token issued to another principal was accepted");
    let text = serde_json::to_string(&frame).expect("a frame serializes");
    super::assert_no_canary("a frame", &text);
    let carried = super::firewall::carried(&frame);
    assert!(carried <= 4000, "frame carries {carried} bytes > 4000");
    for row in &frame.table_preview {
        for k in row.keys() {
            assert!(
                ALLOWED.contains(&k.as_str()) || k == "value",
                "table field {k:?} outside the grant"
            );
        }
    }
    let Some(handle) = &frame.handle else {
        return;
    };
    let expanded =
        f.rt.block_on(f.kernel.expand(handle.id.as_str(), &args, who));
    match expanded {
        Ok(page) => {
            for row in &page.page.rows {
                let text = row.to_string();
                super::assert_no_canary("an expansion row", &text);
                if let Value::Object(m) = row {
                    for k in m.keys() {
                        assert!(
                            ALLOWED.contains(&k.as_str()),
                            "field {k:?} outside the grant"
                        );
                    }
                }
            }
        }
        Err(e) => super::assert_no_canary("an expand error", &e.to_string()),
    }
    let other = if control & 4 == 0 { &f.admin } else { &f.alice };
    assert!(
        f.rt.block_on(f.kernel.expand(handle.id.as_str(), &json!({}), other))
            .is_err(),
        "another principal expanded the handle"
    );
}
