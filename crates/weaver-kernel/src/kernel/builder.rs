//! Configuring a kernel.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use weaver_budget::BudgetManager;
use weaver_handles::{
    Clock, ExpandBudget, HandleBackend, HandleStore, HandleStoreConfig, SystemClock,
};
use weaver_redact::Redactor;

use super::{Counters, Inner, Kernel};
use crate::driver::Driver;
use crate::error::KernelError;
use crate::firewall::{Budgets, Firewall};
use crate::policy::{DefaultPolicy, MAX_TIMEOUT_MS, PolicyEngine};
use crate::registry::Registry;
use crate::token::TokenSigner;
use crate::trace::{InMemoryTraceStore, TraceStore};

/// Configures a [`Kernel`]. Every setting has a default:
///
/// | setting | default |
/// |---|---|
/// | drivers | none (add at least one) |
/// | default route | `["memory"]` (for capabilities without a route) |
/// | policy | [`DefaultPolicy`] |
/// | signing key | 32 random bytes from the OS (tokens die with the process) |
/// | token lifetime | 1 hour |
/// | driver timeout | 30 s (a grant's `timeout_ms` overrides it) |
/// | firewall | default [`Budgets`] (50 rows, 20 fields, 4000 chars, depth 3) |
/// | handle store | an in-process [`HandleStore`], 256 MiB, 1 hour per entry |
/// | budget | none (no escalation, no accounting) |
/// | traces | [`InMemoryTraceStore`] of 10 000 |
/// | clock | the system clock |
pub struct KernelBuilder {
    registry: Registry,
    drivers: HashMap<String, Arc<dyn Driver>>,
    stream_drivers: HashMap<String, Arc<dyn crate::StreamingDriver>>,
    default_route: Vec<String>,
    policy: Arc<dyn PolicyEngine>,
    key: Option<Vec<u8>>,
    token_ttl: Duration,
    default_timeout: Duration,
    firewall: Option<Firewall>,
    store: Option<Arc<dyn HandleBackend>>,
    budget: Option<BudgetManager>,
    traces: Option<Arc<dyn TraceStore>>,
    redactor: Redactor,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for KernelBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KernelBuilder")
            .field("capabilities", &self.registry.len())
            .field("drivers", &self.drivers.len())
            .finish_non_exhaustive()
    }
}

/// The default byte cap of the built-in handle store.
pub const DEFAULT_STORE_BYTES: u64 = 256 << 20;

impl KernelBuilder {
    pub(super) fn new(registry: Registry) -> Self {
        KernelBuilder {
            registry,
            drivers: HashMap::new(),
            stream_drivers: HashMap::new(),
            default_route: vec!["memory".to_owned()],
            policy: Arc::new(DefaultPolicy),
            key: None,
            token_ttl: Duration::from_secs(3600),
            default_timeout: Duration::from_secs(30),
            firewall: None,
            store: None,
            budget: None,
            traces: None,
            redactor: Redactor::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Adds a driver (one with the same id is replaced).
    pub fn driver(mut self, driver: impl Driver + 'static) -> Self {
        self.stream_drivers.remove(driver.id());
        self.drivers
            .insert(driver.id().to_owned(), Arc::new(driver));
        self
    }

    /// Adds a shared driver.
    pub fn driver_arc(mut self, driver: Arc<dyn Driver>) -> Self {
        self.stream_drivers.remove(driver.id());
        self.drivers.insert(driver.id().to_owned(), driver);
        self
    }

    /// Adds a streaming driver (one with the same id is replaced): `invoke_stream` streams
    /// from it, `invoke` gets its chunks merged into one result.
    pub fn streaming_driver(mut self, driver: impl crate::StreamingDriver + 'static) -> Self {
        let driver: Arc<dyn crate::StreamingDriver> = Arc::new(driver);
        let id = driver.id().to_owned();
        self.drivers.insert(
            id.clone(),
            Arc::new(crate::driver_stream::Collecting(Arc::clone(&driver))),
        );
        self.stream_drivers.insert(id, driver);
        self
    }

    /// The route of capabilities that name none.
    pub fn default_route<S: Into<String>>(mut self, drivers: impl IntoIterator<Item = S>) -> Self {
        self.default_route = drivers.into_iter().map(Into::into).collect();
        self
    }

    /// Replaces the policy.
    pub fn policy(mut self, policy: impl PolicyEngine + 'static) -> Self {
        self.policy = Arc::new(policy);
        self
    }

    /// The HMAC key tokens are signed with (at least 32 bytes). Give every kernel that
    /// must accept the same tokens the same key.
    pub fn signing_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// How long issued tokens live.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// The drivers' deadline for calls whose grant sets none.
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.default_timeout = timeout;
        self
    }

    /// The firewall (its budgets also bound expansions).
    pub fn firewall(mut self, firewall: Firewall) -> Self {
        self.firewall = Some(firewall);
        self
    }

    /// A firewall with these budgets and the kernel's redactor.
    pub fn budgets(self, budgets: Budgets) -> Result<Self, KernelError> {
        let fw = Firewall::with_redactor(budgets, self.redactor.clone())?;
        Ok(self.firewall(fw))
    }

    /// The handle store (e.g. a shared backend).
    pub fn handle_store(mut self, store: Arc<dyn HandleBackend>) -> Self {
        self.store = Some(store);
        self
    }

    /// Attaches a session budget: modes escalate as it drains, every call reserves before
    /// its driver runs and commits what its frame cost.
    pub fn budget(mut self, budget: BudgetManager) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The trace store.
    pub fn trace_store(mut self, traces: Arc<dyn TraceStore>) -> Self {
        self.traces = Some(traces);
        self
    }

    /// The redactor for trace arguments, error text and (unless a firewall or store is
    /// given) frames and expansions.
    pub fn redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = redactor;
        self
    }

    /// The clock for token and handle expiry (tests use a `ManualClock`).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Builds the kernel. Fails on a short signing key, a zero or over-long timeout, or
    /// budgets the firewall refuses.
    pub fn build(self) -> Result<Kernel, KernelError> {
        let timeout_ms = u64::try_from(self.default_timeout.as_millis()).unwrap_or(u64::MAX);
        if timeout_ms == 0 || timeout_ms > MAX_TIMEOUT_MS {
            return Err(KernelError::Config(format!(
                "default_timeout must be between 1 ms and {MAX_TIMEOUT_MS} ms, got {timeout_ms} ms"
            )));
        }
        let signer = match &self.key {
            Some(k) => TokenSigner::new(k, Arc::clone(&self.clock))?,
            None => TokenSigner::random(Arc::clone(&self.clock))?,
        };
        let firewall = match self.firewall {
            Some(f) => f,
            None => Firewall::with_redactor(Budgets::default(), self.redactor.clone())?,
        };
        let store = if let Some(s) = self.store {
            s
        } else {
            let config = HandleStoreConfig {
                max_total_bytes: Some(DEFAULT_STORE_BYTES),
                ..HandleStoreConfig::default()
            };
            let store = HandleStore::new(config)?
                .with_clock(Arc::clone(&self.clock))
                .with_redactor(self.redactor.clone());
            Arc::new(store) as Arc<dyn HandleBackend>
        };
        let b = firewall.budgets();
        let expand_budget = ExpandBudget {
            max_rows: (b.max_rows as u64).max(1),
            max_fields: b.max_fields.max(1),
            max_chars: b.max_chars as u64,
            max_depth: b.max_depth,
        };
        expand_budget.validate()?;
        Ok(Kernel {
            inner: Arc::new(Inner {
                registry: self.registry,
                drivers: self.drivers,
                stream_drivers: self.stream_drivers,
                default_route: self.default_route,
                policy: self.policy,
                signer,
                firewall,
                store,
                budget: self.budget,
                traces: self
                    .traces
                    .unwrap_or_else(|| Arc::new(InMemoryTraceStore::default())),
                redactor: self.redactor,
                clock: self.clock,
                token_ttl: self.token_ttl,
                default_timeout: self.default_timeout,
                expand_budget,
                stats: Counters::default(),
                metrics: crate::metrics::Metrics::default(),
            }),
        })
    }
}
