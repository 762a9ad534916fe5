//! Connecting: one reconnecting connection manager shared by both backends.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

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
        let mut c = self.manager.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut c)
            .await
            .map(drop)
            .map_err(|e| RedisError::from_redis("ping", &e))
    }
}
