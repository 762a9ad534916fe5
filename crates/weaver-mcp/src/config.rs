//! What a proxy is configured with, and the kernel it builds from it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use weaver_budget::BudgetBackend;
use weaver_handles::{Clock, HandleBackend, SystemClock};
use weaver_kernel::{
    BudgetConfig, BudgetManager, Budgets, Capability, Driver, DriverError, DriverFuture,
    DriverOutput, ExecutionContext, Kernel, Principal, Registry, ResponseMode,
};

use crate::ProxyError;

/// The capability every framed `tools/call` text content is invoked as.
pub const CAP_TOOL_RESULT: &str = "mcp.tool_result";
/// The capability every framed `resources/read` text content is invoked as.
pub const CAP_RESOURCE: &str = "mcp.resource";
/// The id of the driver that hands the kernel a result the proxy already received.
pub const PAYLOAD_DRIVER: &str = "mcp-payload";
/// The role the session principal gets (a 500-row grant cap instead of 50; the
/// firewall's budgets bound every frame and page anyway).
const SESSION_ROLE: &str = "service";

/// How a [`Proxy`](crate::Proxy) frames results. Every field has a default
/// ([`ProxyConfig::default`]): summary mode, the firewall's default budgets (50 rows,
/// 20 fields, 4000 chars, depth 3), a session budget of 100 000 tokens, principal `mcp`,
/// 2 s shutdown grace, the system clock, an in-process handle store and budget. Handles
/// expire an hour after they are made.
///
/// **Many workers.** To let separate proxy processes share handles and one budget (an
/// agent's call served by one, its `weaver_expand` by another), give every proxy the same
/// external [`handle_store`](ProxyConfig::handle_store) and
/// [`budget_backend`](ProxyConfig::budget_backend) — e.g. weaver-redis'
/// `RedisHandleBackend` and `RedisBudgetBackend`, as `weaver mcp --redis` does — and
/// the same [`principal`](ProxyConfig::principal).
#[derive(Clone)]
pub struct ProxyConfig {
    /// The mode frames are asked for (the session budget may make it stricter).
    pub mode: ResponseMode,
    /// The firewall's budgets: a text content whose redacted text is longer than
    /// `max_chars` bytes becomes a frame; frames and expansion pages stay within them.
    pub budgets: Budgets,
    /// The session's token budget (every text that reaches the client is charged).
    pub budget_tokens: u64,
    /// The principal handles are bound to.
    pub principal: String,
    /// Print every action's trace on stderr.
    pub verbose: bool,
    /// How long to wait for the server to exit after the client hung up (and its stdin
    /// was closed) before killing it.
    pub shutdown_grace: Duration,
    /// The clock for token and handle expiry (tests use a `weaver_handles::ManualClock`).
    pub clock: Arc<dyn Clock>,
    /// Where handles are kept; `None` (the default) is an in-process store of 256 MiB
    /// that lives and dies with this proxy. A shared backend lets other proxies expand
    /// this one's handles (for the same principal only: the binding is stored with each).
    pub handle_store: Option<Arc<dyn HandleBackend>>,
    /// Where the session's token budget is kept; `None` (the default) is an in-process
    /// budget of [`budget_tokens`](ProxyConfig::budget_tokens). A shared backend makes
    /// every proxy on it draw on one budget (its own total then applies; keep
    /// `budget_tokens` equal to it, as refusals quote `budget_tokens`).
    pub budget_backend: Option<Arc<dyn BudgetBackend>>,
}

impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("mode", &self.mode)
            .field("budgets", &self.budgets)
            .field("budget_tokens", &self.budget_tokens)
            .field("principal", &self.principal)
            .field("verbose", &self.verbose)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("clock", &self.clock)
            .field("shared_handle_store", &self.handle_store.is_some())
            .field("budget_backend", &self.budget_backend)
            .finish()
    }
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            mode: ResponseMode::Summary,
            budgets: Budgets::default(),
            budget_tokens: BudgetManager::DEFAULT_TOTAL,
            principal: "mcp".to_owned(),
            verbose: false,
            shutdown_grace: Duration::from_secs(2),
            clock: Arc::new(SystemClock),
            handle_store: None,
            budget_backend: None,
        }
    }
}

/// Hands the kernel results the proxy already holds: the proxy parks a payload under a
/// fresh key, invokes with `{"payload": key, …}`, and this driver takes it back out.
/// One driver serves every tool, so the registry can be fixed before the server has
/// listed its tools.
#[derive(Debug, Default)]
pub(crate) struct PayloadDriver {
    slots: Mutex<HashMap<u64, DriverOutput>>,
    next: AtomicU64,
}

impl PayloadDriver {
    /// Parks `payload`; returns the key to pass as the `payload` argument.
    pub(crate) fn park(&self, payload: DriverOutput) -> u64 {
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(key, payload);
        key
    }

    /// Drops a payload that was parked but not taken (the invoke failed before the
    /// driver ran).
    pub(crate) fn discard(&self, key: u64) {
        self.lock().remove(&key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, DriverOutput>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The shared handle registered with the kernel.
#[derive(Debug)]
pub(crate) struct SharedPayloadDriver(pub(crate) Arc<PayloadDriver>);

impl Driver for SharedPayloadDriver {
    fn id(&self) -> &str {
        PAYLOAD_DRIVER
    }

    fn execute<'a>(&'a self, ctx: &'a ExecutionContext) -> DriverFuture<'a> {
        Box::pin(async move {
            let key = ctx
                .args
                .get("payload")
                .and_then(Value::as_u64)
                .ok_or_else(|| DriverError::new("no payload key in the arguments"))?;
            self.0
                .lock()
                .remove(&key)
                .ok_or_else(|| DriverError::new(format!("payload {key} was already taken")))
        })
    }
}

/// The kernel of one proxy session.
pub(crate) struct Session {
    pub(crate) kernel: Kernel,
    pub(crate) principal: Principal,
    pub(crate) payloads: Arc<PayloadDriver>,
    pub(crate) tool_grant: weaver_kernel::CapabilityToken,
    pub(crate) resource_grant: weaver_kernel::CapabilityToken,
}

pub(crate) fn session(config: &ProxyConfig) -> Result<Session, ProxyError> {
    let mut registry = Registry::new();
    registry.register_many([
        Capability::new(CAP_TOOL_RESULT)
            .describe(
                "MCP tool result",
                "A tools/call text content from the MCP server",
            )
            .route([PAYLOAD_DRIVER]),
        Capability::new(CAP_RESOURCE)
            .describe(
                "MCP resource",
                "A resources/read text content from the MCP server",
            )
            .route([PAYLOAD_DRIVER]),
    ])?;
    let payloads = Arc::new(PayloadDriver::default());
    let budget = match &config.budget_backend {
        Some(b) => BudgetManager::with_backend(Arc::clone(b), BudgetConfig::default()),
        None => BudgetManager::new(config.budget_tokens, BudgetConfig::default()),
    }
    .map_err(|e| ProxyError::Config(format!("--budget-tokens: {e}")))?;
    let mut builder = Kernel::builder(registry);
    if let Some(store) = &config.handle_store {
        builder = builder.handle_store(Arc::clone(store));
    }
    let kernel = builder
        .driver(SharedPayloadDriver(Arc::clone(&payloads)))
        .budgets(config.budgets)?
        .budget(budget)
        .clock(Arc::clone(&config.clock))
        // A session may outlive the default hour; handles keep their own expiry.
        .token_ttl(Duration::from_secs(30 * 24 * 3600))
        .build()?;
    if config.principal.trim().is_empty() {
        return Err(ProxyError::Config("the principal must not be empty".into()));
    }
    let principal = Principal::new(config.principal.clone()).with_role(SESSION_ROLE);
    let tool_grant = kernel
        .grant_capability(CAP_TOOL_RESULT, &principal, "")?
        .token;
    let resource_grant = kernel.grant_capability(CAP_RESOURCE, &principal, "")?.token;
    Ok(Session {
        kernel,
        principal,
        payloads,
        tool_grant,
        resource_grant,
    })
}
