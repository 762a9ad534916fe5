//! `otel::install` is one call and harmless twice (its own test binary: it sets the
//! process-wide subscriber and instruments).
#![cfg(feature = "otel")]

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use weaver_kernel::otel::{Installed, install};

#[test]
fn install_twice_is_harmless() {
    let spans = InMemorySpanExporter::default();
    let tp = SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let mp = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(InMemoryMetricExporter::default()).build())
        .build();
    let first = install(tp.tracer("a"), &mp);
    assert_eq!(
        first,
        Installed {
            metrics: true,
            spans: true
        }
    );
    let second = install(tp.tracer("b"), &mp);
    assert_eq!(
        second,
        Installed {
            metrics: false,
            spans: false
        }
    );
    // Spans go through the global subscriber the first call installed.
    let k = weaver_kernel::Kernel::new(weaver_kernel::Registry::new()).unwrap();
    let p = weaver_kernel::Principal::new("p");
    assert!(k.grant_capability("nope", &p, "").is_err());
    tp.force_flush().unwrap();
    let names: Vec<String> = spans
        .get_finished_spans()
        .unwrap()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["weaver.grant"]);
}
