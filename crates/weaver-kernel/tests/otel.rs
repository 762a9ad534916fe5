//! OpenTelemetry export (feature `otel`): every path's span with its fields and status,
//! every path's metrics, and no canary in any exported attribute, name or status.
#![cfg(feature = "otel")]

mod telemetry_support;

use std::collections::HashMap;

use opentelemetry::KeyValue;
use opentelemetry::trace::{Status, TracerProvider as _};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use telemetry_support::{CANARIES, every_path, kernel};
use tracing_subscriber::layer::SubscriberExt as _;

fn attrs(s: &SpanData) -> HashMap<String, String> {
    s.attributes
        .iter()
        .map(|kv| (kv.key.to_string(), kv.value.to_string()))
        .collect()
}

/// One exported point: metric name, sorted labels, value.
type Point = (String, Vec<(String, String)>, f64);

/// Metric name -> (sorted labels, value) for every counter point; histograms as counts.
fn points(exporter: &InMemoryMetricExporter) -> Vec<Point> {
    let mut out = Vec::new();
    let label = |a: &mut dyn Iterator<Item = &KeyValue>| {
        let mut l: Vec<(String, String)> = a
            .map(|kv| (kv.key.to_string(), kv.value.to_string()))
            .collect();
        l.sort();
        l
    };
    let all = exporter.get_finished_metrics().unwrap();
    // Cumulative temporality: the last export holds the totals.
    let last = all.last().expect("an export");
    for scope in last.scope_metrics() {
        for m in scope.metrics() {
            let name = m.name().to_owned();
            match m.data() {
                AggregatedMetrics::U64(MetricData::Sum(s)) => {
                    for p in s.data_points() {
                        out.push((name.clone(), label(&mut p.attributes()), p.value() as f64));
                    }
                }
                AggregatedMetrics::U64(MetricData::Gauge(g)) => {
                    for p in g.data_points() {
                        out.push((name.clone(), label(&mut p.attributes()), p.value() as f64));
                    }
                }
                AggregatedMetrics::F64(MetricData::Histogram(h)) => {
                    for p in h.data_points() {
                        out.push((name.clone(), label(&mut p.attributes()), p.count() as f64));
                    }
                }
                other => panic!("unexpected metric kind for {name}: {other:?}"),
            }
        }
    }
    out
}

fn value(pts: &[Point], name: &str, labels: &[(&str, &str)]) -> f64 {
    let mut want: Vec<(String, String)> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    want.sort();
    pts.iter()
        .filter(|(n, l, _)| n == name && *l == want)
        .map(|(_, _, v)| *v)
        .sum()
}

#[test]
fn every_path_exports_spans_and_metrics_without_canaries() {
    let spans = InMemorySpanExporter::default();
    let tracer_provider = SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let metrics = InMemoryMetricExporter::default();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics.clone()).build())
        .build();
    assert!(weaver_kernel::otel::install_metrics(&meter_provider));
    // Instrumenting twice is harmless: nothing is replaced, nothing counts twice.
    assert!(!weaver_kernel::otel::install_metrics(&meter_provider));

    let tracer = tracer_provider.tracer("test");
    let subscriber = tracing_subscriber::registry().with(weaver_kernel::otel::layer(tracer));
    let k = kernel();
    tracing::subscriber::with_default(subscriber, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(every_path(&k));
    });
    tracer_provider.force_flush().unwrap();
    meter_provider.force_flush().unwrap();

    // --- spans
    let spans = spans.get_finished_spans().unwrap();
    let named = |n: &str| -> Vec<&SpanData> { spans.iter().filter(|s| s.name == n).collect() };
    let grants = named("weaver.grant");
    assert_eq!(grants.len(), 3);
    let invokes = named("weaver.invoke");
    assert_eq!(invokes.len(), 3);
    let expands = named("weaver.expand");
    assert_eq!(expands.len(), 2);
    assert!(named("weaver.driver.execute").len() >= 3);
    assert_eq!(named("weaver.firewall.apply").len(), 2);

    let by_outcome = |list: &[&SpanData], o: &str| -> Vec<HashMap<String, String>> {
        list.iter()
            .map(|s| attrs(s))
            .filter(|a| a.get("outcome").map(String::as_str) == Some(o))
            .collect()
    };
    // grant ok / denied
    let ok = by_outcome(&grants, "ok");
    assert_eq!(ok.len(), 2);
    assert_eq!(ok[0]["capability"], telemetry_support::LIST);
    assert_eq!(ok[0]["principal"].len(), 16);
    let denied = by_outcome(&grants, "denied");
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0]["error_code"], "capability_not_found");
    assert!(
        !denied[0].contains_key("capability"),
        "caller text is not exported"
    );
    // invoke ok: modes, driver, rows, bytes, redactions, tokens
    let ok = by_outcome(&invokes, "ok");
    assert_eq!(ok.len(), 2);
    for a in &ok {
        assert_eq!(a["capability"], telemetry_support::LIST);
        assert_eq!(a["driver"], "memory");
        assert_eq!(a["effective_mode"], "summary");
        assert!(a["bytes_in"].parse::<u64>().unwrap() > 0);
        assert!(a["bytes_out"].parse::<u64>().unwrap() > 0);
        assert!(a["tokens_charged"].parse::<u64>().unwrap() > 0);
        assert!(a.contains_key("redactions") && a.contains_key("rows"));
    }
    assert!(ok.iter().any(|a| a["requested_mode"] == "raw"));
    // invoke failed: error status with the code, never the text
    let failed: Vec<&&SpanData> = invokes
        .iter()
        .filter(|s| attrs(s).get("outcome").map(String::as_str) == Some("error"))
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(attrs(failed[0])["error_code"], "driver_failed");
    assert_eq!(
        failed[0].status,
        Status::Error {
            description: "driver_failed".into()
        }
    );
    for s in invokes.iter().chain(&expands).chain(&grants) {
        let a = attrs(s);
        if a["outcome"] == "ok" {
            assert_eq!(s.status, Status::Unset, "{a:?}");
        } else {
            assert!(matches!(s.status, Status::Error { .. }), "{a:?}");
        }
    }
    // expand ok / refused
    let ok = by_outcome(&expands, "ok");
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0]["rows"], "2");
    assert!(ok[0]["redactions"].parse::<u64>().unwrap() >= 2);
    let refused = by_outcome(&expands, "error");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["error_code"], "handle_principal_mismatch");
    // One principal, one opaque hash; the intruder's differs.
    let p_hash = &attrs(grants[0])["principal"];
    assert_ne!(&refused[0]["principal"], p_hash);

    // --- metrics
    let pts = points(&metrics);
    assert_eq!(value(&pts, "weaver.grants", &[]), 2.0);
    assert_eq!(
        value(
            &pts,
            "weaver.denials",
            &[("reason_code", "capability_not_found")]
        ),
        1.0
    );
    assert_eq!(value(&pts, "weaver.invocations", &[("outcome", "ok")]), 2.0);
    assert_eq!(
        value(&pts, "weaver.invocations", &[("outcome", "error")]),
        1.0
    );
    assert_eq!(
        value(
            &pts,
            "weaver.invocation.failures",
            &[("error_code", "driver_failed")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &pts,
            "weaver.downgrades",
            &[("requested_mode", "raw"), ("effective_mode", "summary")]
        ),
        1.0
    );
    assert_eq!(value(&pts, "weaver.handle.stores", &[]), 2.0);
    assert_eq!(value(&pts, "weaver.expansions", &[]), 1.0);
    assert_eq!(
        value(
            &pts,
            "weaver.expansion.failures",
            &[("error_code", "handle_principal_mismatch")]
        ),
        1.0
    );
    assert_eq!(value(&pts, "weaver.dry_runs", &[]), 1.0);
    assert!(value(&pts, "weaver.redactions", &[("kind", "sensitive_key")]) >= 2.0);
    let charged = value(&pts, "weaver.budget.charged", &[]);
    assert!(charged > 0.0);
    assert_eq!(
        value(&pts, "weaver.budget.remaining", &[]),
        50_000.0 - charged
    );
    let durations = |op: &str, o: &str| {
        value(
            &pts,
            "weaver.duration",
            &[("operation", op), ("outcome", o)],
        )
    };
    assert_eq!(durations("grant", "ok"), 2.0);
    assert_eq!(durations("grant", "denied"), 1.0);
    assert_eq!(durations("invoke", "ok"), 2.0);
    assert_eq!(durations("invoke", "error"), 1.0);
    assert_eq!(durations("expand", "ok"), 1.0);
    assert_eq!(durations("expand", "error"), 1.0);
    assert_eq!(durations("dry_run", "ok"), 1.0);
    // The in-process snapshot agrees.
    assert_eq!(k.metrics().budget_charged as f64, charged);

    // --- no canary anywhere in what was exported
    let span_text = format!("{spans:?}");
    let metric_text = format!("{pts:?}");
    for c in CANARIES {
        assert!(!span_text.contains(c), "{c} exported in a span");
        assert!(!metric_text.contains(c), "{c} exported in a metric");
    }
    // And no principal label on any metric.
    assert!(
        pts.iter()
            .all(|(_, l, _)| l.iter().all(|(k, _)| !k.contains("principal")))
    );
}
