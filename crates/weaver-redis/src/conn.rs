//! Connecting: one reconnecting connection manager shared by both backends.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, FromRedisValue, ScriptInvocation};

use crate::RedisError;

/// How to reach Redis and where under it weaver's keys live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisOptions {
    /// Prefix of every key this crate writes (default `weaver:`). Deployments that share
    /// one Redis keep apart by prefix; workers that must share state use the same one.
    pub prefix: String,
    /// Longest wait for a TCP connection (default 1 s).
    pub connect_timeout: Duration,
    /// Longest wait for one reply (default 2 s). A reply that does not come in time is
    /// [`RedisError::Unavailable`].
    pub response_timeout: Duration,
    /// Reconnect attempts per failed connection before an operation fails (default 2).
    pub reconnect_retries: usize,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: "weaver:".to_owned(),
            connect_timeout: Duration::from_secs(1),
            response_timeout: Duration::from_secs(2),
            reconnect_retries: 2,
        }
    }
}

/// A connection to Redis that reconnects by itself, with the key prefix. Cheap to clone;
/// every clone shares one multiplexed connection.
#[derive(Clone)]
pub struct RedisConnection {
    pub(crate) manager: ConnectionManager,
    pub(crate) prefix: String,
}

impl std::fmt::Debug for RedisConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisConnection")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisConnection {
    /// Connects to `url` (`redis://host:port/db`). Fails with
    /// [`RedisError::Unavailable`] when the server cannot be reached now: a worker that
    /// cannot reach its shared store must not start serving with a local one.
    ///
    /// Must be called inside a Tokio runtime.
    pub async fn connect(url: &str, options: RedisOptions) -> Result<Self, RedisError> {
        if options.prefix.is_empty() {
            return Err(RedisError::InvalidConfig(
                "prefix must not be empty (it keeps weaver's keys apart)".into(),
            ));
        }
        let client = redis::Client::open(url)
            .map_err(|e| RedisError::InvalidConfig(format!("redis url: {e}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(options.connect_timeout))
            .set_response_timeout(Some(options.response_timeout))
            .set_number_of_retries(options.reconnect_retries)
            .set_min_delay(Duration::from_millis(20))
            .set_max_delay(Duration::from_millis(250));
        let manager = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| RedisError::from_redis("connect", &e))?;
        Ok(RedisConnection {
            manager,
            prefix: options.prefix,
        })
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// One round trip (`PING`): whether Redis answers now.
    pub async fn ping(&self) -> Result<(), RedisError> {
        self.query::<String>("ping", &redis::cmd("PING"))
            .await
            .map(drop)
    }

    /// Runs a script invocation; see [`RedisConnection::retrying`] for when it is sent twice.
    pub(crate) async fn invoke<T: FromRedisValue>(
        &self,
        op: &'static str,
        inv: &ScriptInvocation<'_>,
    ) -> Result<T, RedisError> {
        self.retrying(op, |mut c| async move { inv.invoke_async(&mut c).await })
            .await
    }

    /// Runs one command; see [`RedisConnection::retrying`] for when it is sent twice.
    pub(crate) async fn query<T: FromRedisValue>(
        &self,
        op: &'static str,
        cmd: &Cmd,
    ) -> Result<T, RedisError> {
        self.retrying(op, |mut c| async move { cmd.query_async(&mut c).await })
            .await
    }

    /// Runs `attempt` once more when it failed because no connection could be made.
    ///
    /// The manager keeps the outcome of its last reconnect and hands it to the next call
    /// before it starts another one, so after Redis comes back the first call would fail
    /// with the stale refusal of an attempt made while it was down. A refusal means the
    /// command never left this process, so sending it again cannot apply it twice; any
    /// other failure (a dropped connection, a timeout after sending) is returned as it is.
    async fn retrying<T, F, Fut>(&self, op: &'static str, attempt: F) -> Result<T, RedisError>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        match attempt(self.manager.clone()).await {
            Err(e) if e.is_connection_refusal() => attempt(self.manager.clone()).await,
            other => other,
        }
        .map_err(|e| RedisError::from_redis(op, &e))
    }
}
