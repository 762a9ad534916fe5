//! Drivers: what actually runs a capability.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::Value;
use weaver_handles::JsonText;

use crate::policy::GrantConstraints;

/// What a driver returns: the raw result, parsed or as JSON text.
///
/// A driver that receives JSON over the wire (an HTTP body, an MCP tool result) should
/// return [`DriverOutput::Json`] rather than parse it: the kernel then makes the frame in
/// one streaming pass over the text (`Firewall::transform_json`) and stores the text behind
/// the handle, parsing it only if a page is expanded. For a 2.5 MB result that skips
/// building a `Value` of ~17 MB of heap on every call.
///
/// ```
/// use std::sync::Arc;
/// use serde_json::json;
/// use weaver_kernel::{DriverOutput, JsonText};
///
/// let parsed: DriverOutput = json!([{"id": 1}]).into();
/// let text: DriverOutput = JsonText::new(r#"[{"id": 1}]"#)?.into();
/// assert_eq!(parsed.into_value(), text.into_value());
/// # Ok::<(), weaver_kernel::JsonTextError>(())
/// ```
#[derive(Debug, Clone)]
pub enum DriverOutput {
    /// A parsed result, shared: the kernel stores it behind a handle and transforms it
    /// without copying.
    Value(Arc<Value>),
    /// A JSON document as text, already checked ([`JsonText::new`]).
    Json(JsonText),
}

impl DriverOutput {
    /// The result as a parsed value (parsing a text, copying a value still shared).
    pub fn into_value(self) -> Value {
        match self {
            DriverOutput::Value(v) => {
                Arc::try_unwrap(v).unwrap_or_else(|shared| weaver_redact::clone_deep(&shared))
            }
            DriverOutput::Json(text) => text.parse(),
        }
    }

    /// The result as a shared parsed value (parsing a text).
    pub fn into_shared(self) -> Arc<Value> {
        match self {
            DriverOutput::Value(v) => v,
            DriverOutput::Json(text) => Arc::new(text.parse()),
        }
    }
}

impl From<Value> for DriverOutput {
    fn from(v: Value) -> Self {
        DriverOutput::Value(Arc::new(v))
    }
}

impl From<Arc<Value>> for DriverOutput {
    fn from(v: Arc<Value>) -> Self {
        DriverOutput::Value(v)
    }
}

impl From<JsonText> for DriverOutput {
    fn from(text: JsonText) -> Self {
        DriverOutput::Json(text)
    }
}

/// The future a [`Driver`] returns.
pub type DriverFuture<'a> =
    Pin<Box<dyn Future<Output = Result<DriverOutput, DriverError>> + Send + 'a>>;

/// Everything a driver knows about the call.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionContext {
    /// The capability.
    pub capability_id: String,
    /// The operation: the `operation` argument when it is a string, else the capability's
    /// operation, else its id.
    pub operation: String,
    /// The caller.
    pub principal_id: String,
    /// The caller's arguments, as given (unredacted: the driver needs them).
    pub args: Value,
    /// The grant's constraints (a driver should honour `scope` and `max_rows` at the
    /// source when it can; the kernel enforces them on the result anyway).
    pub constraints: GrantConstraints,
    /// The invocation.
    pub action_id: String,
}

/// A driver's failure. Its text may quote upstream data: the kernel redacts it before it
/// reaches a trace or a caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DriverError {
    /// What went wrong.
    pub message: String,
}

impl DriverError {
    /// An error with this text.
    pub fn new(message: impl Into<String>) -> Self {
        DriverError {
            message: message.into(),
        }
    }
}

/// Runs capabilities: a database, an HTTP API, an MCP server, a test double.
///
/// Implementations must be `Send + Sync` (one instance serves concurrent calls) and
/// cancellation-safe: the kernel drops the future on timeout or when its caller goes away.
/// A panic inside `execute` is caught and reported as a driver failure.
///
/// ```
/// use weaver_kernel::{Driver, DriverFuture, ExecutionContext};
///
/// struct Echo;
/// impl Driver for Echo {
///     fn id(&self) -> &str { "echo" }
///     fn execute<'a>(&'a self, ctx: &'a ExecutionContext) -> DriverFuture<'a> {
///         Box::pin(async move { Ok(ctx.args.clone().into()) })
///     }
/// }
/// ```
pub trait Driver: Send + Sync {
    /// The id capabilities route to.
    fn id(&self) -> &str;

    /// Runs one call.
    fn execute<'a>(&'a self, ctx: &'a ExecutionContext) -> DriverFuture<'a>;
}

type SyncHandler = dyn Fn(&ExecutionContext) -> Result<Value, DriverError> + Send + Sync;
type AsyncHandler = dyn Fn(ExecutionContext) -> Pin<Box<dyn Future<Output = Result<Value, DriverError>> + Send>>
    + Send
    + Sync;

#[derive(Clone)]
enum Operation {
    Data(Arc<Value>),
    Sync(Arc<SyncHandler>),
    Async(Arc<AsyncHandler>),
}

/// A driver that answers from memory: fixed data or closures per operation. For tests,
/// examples, and capabilities computed in-process.
///
/// ```
/// use serde_json::json;
/// use weaver_kernel::{DriverError, InMemoryDriver};
///
/// let driver = InMemoryDriver::new("memory")
///     .with_data("billing.list_invoices", json!([{"id": "INV-1", "amount": 10}]))
///     .with_handler("math.double", |ctx| {
///         let n = ctx.args["n"].as_i64().ok_or_else(|| DriverError::new("n must be an integer"))?;
///         Ok(json!(n * 2))
///     });
/// assert!(driver.has_operation("math.double"));
/// ```
#[derive(Clone)]
pub struct InMemoryDriver {
    id: String,
    operations: HashMap<String, Operation>,
}

impl std::fmt::Debug for InMemoryDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut ops: Vec<&String> = self.operations.keys().collect();
        ops.sort();
        f.debug_struct("InMemoryDriver")
            .field("id", &self.id)
            .field("operations", &ops)
            .finish()
    }
}

impl InMemoryDriver {
    /// A driver with no operations.
    pub fn new(id: impl Into<String>) -> Self {
        InMemoryDriver {
            id: id.into(),
            operations: HashMap::new(),
        }
    }

    /// `operation` returns `data` (shared, never copied).
    pub fn with_data(mut self, operation: impl Into<String>, data: impl Into<Arc<Value>>) -> Self {
        self.operations
            .insert(operation.into(), Operation::Data(data.into()));
        self
    }

    /// `operation` runs `handler`.
    pub fn with_handler<F>(mut self, operation: impl Into<String>, handler: F) -> Self
    where
        F: Fn(&ExecutionContext) -> Result<Value, DriverError> + Send + Sync + 'static,
    {
        self.operations
            .insert(operation.into(), Operation::Sync(Arc::new(handler)));
        self
    }

    /// `operation` runs the async `handler` (it gets its own copy of the context).
    pub fn with_async_handler<F, Fut>(mut self, operation: impl Into<String>, handler: F) -> Self
    where
        F: Fn(ExecutionContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, DriverError>> + Send + 'static,
    {
        let boxed = move |ctx: ExecutionContext| {
            Box::pin(handler(ctx))
                as Pin<Box<dyn Future<Output = Result<Value, DriverError>> + Send>>
        };
        self.operations
            .insert(operation.into(), Operation::Async(Arc::new(boxed)));
        self
    }

    /// Whether `operation` is registered.
    pub fn has_operation(&self, operation: &str) -> bool {
        self.operations.contains_key(operation)
    }
}

impl Driver for InMemoryDriver {
    fn id(&self) -> &str {
        &self.id
    }

    fn execute<'a>(&'a self, ctx: &'a ExecutionContext) -> DriverFuture<'a> {
        let op = self.operations.get(&ctx.operation).cloned();
        Box::pin(async move {
            match op {
                None => Err(DriverError::new(format!(
                    "in-memory driver '{}' has no operation '{}'",
                    self.id, ctx.operation
                ))),
                Some(Operation::Data(v)) => Ok(DriverOutput::Value(v)),
                Some(Operation::Sync(f)) => f(ctx).map(DriverOutput::from),
                Some(Operation::Async(f)) => {
                    // `Value::clone` recurses once per level: copy the arguments without.
                    let own = ExecutionContext {
                        capability_id: ctx.capability_id.clone(),
                        operation: ctx.operation.clone(),
                        principal_id: ctx.principal_id.clone(),
                        args: weaver_redact::clone_deep(&ctx.args),
                        constraints: ctx.constraints.clone(),
                        action_id: ctx.action_id.clone(),
                    };
                    f(own).await.map(DriverOutput::from)
                }
            }
        })
    }
}
