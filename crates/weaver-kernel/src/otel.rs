//! OpenTelemetry export of the kernel's spans and metrics (feature `otel`).
//!
//! One call at start-up, [`install`], wires both: the kernel's metrics go to a meter of
//! the provider you pass, its `tracing` spans (`weaver.grant`, `weaver.invoke`,
//! `weaver.driver.execute`, `weaver.firewall.apply`, `weaver.expand`, …) to the tracer,
//! through a global `tracing` subscriber. Calling it again changes nothing.
//!
//! ```no_run
//! // Your OpenTelemetry SDK set-up (an OTLP exporter, say) gives the tracer and the
//! // meter provider; weaver compiles no exporter of its own.
//! let tracer = opentelemetry::trace::noop::NoopTracer::new();
//! let installed = weaver_kernel::otel::install(tracer, &*opentelemetry::global::meter_provider());
//! assert!(installed.metrics);
//! ```
//!
//! Already have a `tracing` subscriber? Add [`layer`] to it and call
//! [`install_metrics`] instead.
//!
//! What is exported: stable codes (operation, outcome, error and reason codes, redaction
//! kinds, modes), counts, sizes and durations; registered capability ids and an opaque
//! per-process hash of the principal on spans only. Never a principal id, an argument, an
//! error text or any value — metric labels carry no principal at all.

use std::sync::OnceLock;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram, Meter, MeterProvider};
use tracing_subscriber::layer::SubscriberExt as _;
use weaver_budget::BudgetManager;
use weaver_redact::Report;

use crate::trace::{ActionTrace, TraceEvent};

/// The instrumentation scope of the kernel's meter.
pub const METER_NAME: &str = "weaver-kernel";

/// What [`install`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Installed {
    /// Whether this call installed the metric instruments (false: already installed).
    pub metrics: bool,
    /// Whether this call installed the global span subscriber (false: one was already
    /// set, by an earlier call or by the application).
    pub spans: bool,
}

/// Wires the kernel's metrics to `meter_provider` and its spans to `tracer` (through a
/// global `tracing` subscriber). Call once at start-up; later calls are no-ops.
pub fn install<T, P>(tracer: T, meter_provider: &P) -> Installed
where
    T: opentelemetry::trace::Tracer + Send + Sync + 'static,
    T::Span: Send + Sync,
    P: MeterProvider + ?Sized,
{
    let metrics = install_metrics(meter_provider);
    let subscriber = tracing_subscriber::registry().with(layer(tracer));
    let spans = tracing::subscriber::set_global_default(subscriber).is_ok();
    Installed { metrics, spans }
}

/// The span half of [`install`], for an application that builds its own subscriber.
pub fn layer<S, T>(tracer: T) -> tracing_opentelemetry::OpenTelemetryLayer<S, T>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    T: opentelemetry::trace::Tracer + 'static,
    T::Span: Send + Sync,
{
    tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_threads(false)
        .with_location(false)
}

/// The metric half of [`install`]: creates the kernel's instruments on a meter of
/// `meter_provider`. Returns false (and changes nothing) when they already exist.
pub fn install_metrics<P: MeterProvider + ?Sized>(meter_provider: &P) -> bool {
    let mut fresh = false;
    INSTRUMENTS.get_or_init(|| {
        fresh = true;
        Instruments::new(&meter_provider.meter(METER_NAME))
    });
    fresh
}

static INSTRUMENTS: OnceLock<Instruments> = OnceLock::new();

struct Instruments {
    grants: Counter<u64>,
    denials: Counter<u64>,
    invocations: Counter<u64>,
    invocation_failures: Counter<u64>,
    redactions: Counter<u64>,
    downgrades: Counter<u64>,
    handle_stores: Counter<u64>,
    expansions: Counter<u64>,
    expansion_failures: Counter<u64>,
    dry_runs: Counter<u64>,
    budget_charged: Counter<u64>,
    budget_remaining: Gauge<u64>,
    duration: Histogram<f64>,
}

impl Instruments {
    fn new(m: &Meter) -> Self {
        let c = |name: &'static str, what: &'static str| {
            m.u64_counter(name).with_description(what).build()
        };
        Instruments {
            grants: c("weaver.grants", "Grants allowed"),
            denials: c("weaver.denials", "Grants refused, by reason code"),
            invocations: c("weaver.invocations", "invoke calls, by outcome"),
            invocation_failures: c(
                "weaver.invocation.failures",
                "Failed invoke calls, by error code",
            ),
            redactions: c(
                "weaver.redactions",
                "Values masked in frames and pages, by kind",
            ),
            downgrades: c(
                "weaver.downgrades",
                "Frames given a stricter mode than asked for",
            ),
            handle_stores: c("weaver.handle.stores", "Results stored behind a handle"),
            expansions: c("weaver.expansions", "Successful expansions"),
            expansion_failures: c(
                "weaver.expansion.failures",
                "Refused or failed expansions, by error code",
            ),
            dry_runs: c("weaver.dry_runs", "Dry runs"),
            budget_charged: m
                .u64_counter("weaver.budget.charged")
                .with_description("Tokens charged to the session budget")
                .with_unit("{token}")
                .build(),
            budget_remaining: m
                .u64_gauge("weaver.budget.remaining")
                .with_description("Tokens the session budget has left")
                .with_unit("{token}")
                .build(),
            duration: m
                .f64_histogram("weaver.duration")
                .with_description("Duration of kernel actions, by operation and outcome")
                .with_unit("ms")
                .with_boundaries(crate::metrics::DURATION_BUCKETS_MS.to_vec())
                .build(),
        }
    }
}

pub(crate) fn record_action(
    trace: &ActionTrace,
    op: &'static str,
    outcome: &'static str,
    downgrade: Option<(&'static str, &'static str)>,
    ms: f64,
    budget: Option<&BudgetManager>,
) {
    let Some(i) = INSTRUMENTS.get() else { return };
    let code = || trace.error_code.clone().unwrap_or_default();
    match trace.event {
        TraceEvent::Grant => i.grants.add(1, &[]),
        TraceEvent::Deny => {
            let reason = trace.reason_code.clone().unwrap_or_else(code);
            i.denials.add(1, &[KeyValue::new("reason_code", reason)]);
        }
        TraceEvent::Invoke => {
            i.invocations.add(1, &[KeyValue::new("outcome", outcome)]);
            if trace.error_code.is_some() {
                i.invocation_failures
                    .add(1, &[KeyValue::new("error_code", code())]);
            }
            if trace.handle_id.is_some() {
                i.handle_stores.add(1, &[]);
            }
            if let Some(t) = &trace.tokens {
                i.budget_charged.add(t.charged, &[]);
            }
            if let Some(b) = budget {
                i.budget_remaining.record(b.remaining(), &[]);
            }
            if let Some((r, e)) = downgrade {
                i.downgrades.add(
                    1,
                    &[
                        KeyValue::new("requested_mode", r),
                        KeyValue::new("effective_mode", e),
                    ],
                );
            }
        }
        TraceEvent::Expand if trace.error_code.is_none() => i.expansions.add(1, &[]),
        TraceEvent::Expand => i
            .expansion_failures
            .add(1, &[KeyValue::new("error_code", code())]),
        TraceEvent::DryRun => i.dry_runs.add(1, &[]),
    }
    i.duration.record(
        ms,
        &[
            KeyValue::new("operation", op),
            KeyValue::new("outcome", outcome),
        ],
    );
}

pub(crate) fn record_redactions(report: &Report) {
    let Some(i) = INSTRUMENTS.get() else { return };
    for e in report.entries() {
        i.redactions
            .add(e.count, &[KeyValue::new("kind", e.kind.as_str())]);
    }
}
