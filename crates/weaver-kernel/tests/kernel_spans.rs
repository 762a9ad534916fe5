//! `tracing` spans (DESIGN §5): `weaver.grant`, `weaver.invoke`, `weaver.driver.execute`,
//! `weaver.firewall.apply`, `weaver.expand`; and the kernel's futures are `Send`.

mod kernel_support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use kernel_support::{LIST, kernel, reader};
use serde_json::json;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use weaver_budget::ResponseMode;

/// Records the name of every span created.
struct Names {
    names: Arc<Mutex<Vec<String>>>,
    next: AtomicU64,
}

impl Subscriber for Names {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.names
            .lock()
            .unwrap()
            .push(span.metadata().name().to_owned());
        Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// Tracing caches each callsite's interest when the callsite first registers. The two tests
/// of this binary run on parallel threads: one reaching the kernel's callsites without a
/// subscriber while the other registers its own would leave them cached as "never". They
/// take turns, and the span test recomputes the interest once its subscriber is set.
static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn every_stage_has_its_span() {
    let _turn = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let names = Arc::new(Mutex::new(Vec::new()));
    let sub = Names {
        names: Arc::clone(&names),
        next: AtomicU64::new(0),
    };
    tracing::subscriber::with_default(sub, || {
        tracing::callsite::rebuild_interest_cache();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let (k, _) = kernel();
            let p = reader();
            let g = k.grant_capability(LIST, &p, "").unwrap();
            let f = k
                .invoke(&g.token, &p, LIST, json!({}), ResponseMode::Summary)
                .await
                .unwrap();
            k.expand(f.handle.unwrap().id.as_str(), &json!({}), &p)
                .await
                .unwrap();
        });
    });
    let names = names.lock().unwrap().clone();
    for want in [
        "weaver.grant",
        "weaver.invoke",
        "weaver.driver.execute",
        "weaver.firewall.apply",
        "weaver.expand",
    ] {
        assert_eq!(
            names.iter().filter(|n| *n == want).count(),
            1,
            "{want} in {names:?}"
        );
    }
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn kernel_futures_are_send() {
    let _turn = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (k, _) = kernel();
    let p = reader();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let invoke = k.invoke(&g.token, &p, LIST, json!({}), ResponseMode::Summary);
    assert_send(&invoke);
    let args = json!({});
    let expand = k.expand("x", &args, &p);
    assert_send(&expand);
    let dry = k.dry_run(&g.token, &p, LIST, &args, ResponseMode::Summary);
    assert_send(&dry);
    assert_send(&k);
    fn assert_sync<T: Sync>(_: &T) {}
    assert_sync(&k);
}
