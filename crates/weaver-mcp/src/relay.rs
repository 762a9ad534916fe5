//! The relay: two line readers, two writers, and the requests in flight between them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::child::Ended;
use crate::expand::EXPAND_TOOL;
use crate::jsonrpc::{
    INTERNAL_ERROR, INVALID_REQUEST, Kind, classify, error_response, id_key, result_response,
};
use crate::{Inner, Proxy, ProxyError};

/// What a client request asked for, as far as the firewall cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Method {
    /// `tools/list`; `first_page` when no cursor was given (weaver_expand is added once).
    ToolsList { first_page: bool },
    /// `tools/call` of this tool.
    ToolsCall { tool: String },
    /// `resources/read` of this URI.
    ResourcesRead { uri: String },
    /// Anything else: its result passes unchanged (an error is still redacted).
    Other,
}

impl Method {
    fn of(method: &str, params: Option<&Value>) -> Method {
        let param = |k: &str| params.and_then(|p| p.get(k));
        let text = |k: &str| param(k).and_then(Value::as_str).unwrap_or("").to_owned();
        match method {
            "tools/list" => Method::ToolsList {
                first_page: param("cursor").is_none_or(Value::is_null),
            },
            "tools/call" => Method::ToolsCall { tool: text("name") },
            "resources/read" => Method::ResourcesRead { uri: text("uri") },
            _ => Method::Other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

struct Relay {
    inner: Arc<Inner>,
    to_client: UnboundedSender<Vec<u8>>,
    to_server: Mutex<Option<UnboundedSender<Vec<u8>>>>,
    /// Client requests the server has not answered yet: id key → (id, method).
    pending: Mutex<HashMap<String, (Value, Method)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn to_line(v: &Value) -> Vec<u8> {
    // Serializing a Value cannot fail (string keys, finite numbers).
    serde_json::to_vec(v).unwrap_or_default()
}

impl Relay {
    fn send_client(&self, line: Vec<u8>) {
        // A closed channel means the client is gone: nothing left to tell it.
        let _ = self.to_client.send(line);
    }

    fn send_server(&self, line: Vec<u8>) {
        if let Some(tx) = lock(&self.to_server).as_ref() {
            let _ = tx.send(line);
        }
    }

    /// Drops the server's writer: its stdin is closed once what was queued is written.
    fn close_server(&self) {
        lock(&self.to_server).take();
    }

    /// Answers every request the server left unanswered.
    fn fail_pending(&self) {
        let pending: Vec<(Value, Method)> = lock(&self.pending).drain().map(|(_, v)| v).collect();
        for (id, _) in pending {
            self.send_client(to_line(&error_response(
                &id,
                INTERNAL_ERROR,
                "the MCP server exited before answering this request",
            )));
        }
    }

    fn on_line(self: &Arc<Self>, side: Side, line: Vec<u8>) {
        let who = match side {
            Side::Client => "client",
            Side::Server => "server",
        };
        let v: Value = match serde_json::from_slice(&line) {
            Ok(v) => v,
            Err(e) => {
                self.unparsable(side, &line, &e);
                return;
            }
        };
        match (side, classify(&v)) {
            (_, Kind::Batch) => self.inner.log(&format!(
                "weaver mcp: dropped a JSON-RPC batch from the {who}: MCP does not use batches"
            )),
            (_, Kind::Invalid { id: None, reason }) => self.inner.log(&format!(
                "weaver mcp: dropped an invalid message from the {who}: {reason}"
            )),
            (
                Side::Client,
                Kind::Invalid {
                    id: Some(id),
                    reason,
                },
            ) => {
                self.send_client(to_line(&error_response(id, INVALID_REQUEST, reason)));
            }
            (
                Side::Server,
                Kind::Invalid {
                    id: Some(id),
                    reason,
                },
            ) => {
                self.send_server(to_line(&error_response(id, INVALID_REQUEST, reason)));
            }
            (Side::Client, Kind::Request { id, method }) => {
                let params = v.get("params");
                if method == "tools/call"
                    && params.and_then(|p| p.get("name")).and_then(Value::as_str)
                        == Some(EXPAND_TOOL)
                {
                    let id = id.clone();
                    let args = params
                        .and_then(|p| p.get("arguments"))
                        .cloned()
                        .unwrap_or(Value::Null);
                    let inner = Arc::clone(&self.inner);
                    self.spawn_answer(id, async move { inner.expand(&args).await });
                    return;
                }
                let m = Method::of(method, params);
                lock(&self.pending).insert(id_key(id), (id.clone(), m));
                self.send_server(line);
            }
            (Side::Client, Kind::Notification | Kind::Response { .. }) => self.send_server(line),
            (Side::Server, Kind::Request { .. } | Kind::Notification) => self.send_client(line),
            (Side::Server, Kind::Response { id }) => {
                let method = lock(&self.pending).remove(&id_key(id)).map(|(_, m)| m);
                let method = match method {
                    Some(m) if m != Method::Other => m,
                    // Not a request of ours, an id the server re-typed, or an answer to a
                    // method weaver passes through: a result that looks like a tool's or a
                    // resource's is firewalled all the same, whatever it claims to answer.
                    _ if v.pointer("/result/contents").is_some() => {
                        Method::ResourcesRead { uri: String::new() }
                    }
                    _ if v.pointer("/result/content").is_some()
                        || v.pointer("/result/structuredContent").is_some() =>
                    {
                        Method::ToolsCall {
                            tool: String::new(),
                        }
                    }
                    _ => Method::Other,
                };
                if method == Method::Other && v.get("error").is_none() {
                    self.send_client(line);
                    return;
                }
                self.spawn_transform(v, method);
            }
        }
    }

    /// A line serde_json refused (not JSON, or nested deeper than its limit of 128): if an
    /// `id` can still be read (the rest skipped without recursion), the request gets an
    /// error instead of hanging; else the line is logged and dropped.
    fn unparsable(&self, side: Side, line: &[u8], e: &serde_json::Error) {
        #[derive(serde::Deserialize)]
        struct IdOnly {
            id: Option<Value>,
        }
        let id = serde_json::from_slice::<IdOnly>(line)
            .ok()
            .and_then(|m| m.id)
            .filter(|id| id.is_string() || id.is_number());
        match (side, id) {
            (Side::Client, Some(id)) => {
                self.send_client(to_line(&error_response(
                    &id,
                    INVALID_REQUEST,
                    &format!("weaver cannot read this message: {e}"),
                )));
            }
            (Side::Server, Some(id)) if lock(&self.pending).remove(&id_key(&id)).is_some() => {
                self.inner.log(&format!(
                    "weaver mcp: withheld a server response it cannot read ({e})"
                ));
                self.send_client(to_line(&error_response(
                    &id,
                    INTERNAL_ERROR,
                    &format!(
                        "the server's response could not be read by weaver ({e}); it was withheld"
                    ),
                )));
            }
            (side, _) => {
                let who = if side == Side::Client {
                    "client"
                } else {
                    "server"
                };
                self.inner.log(&format!(
                    "weaver mcp: dropped a {who} line that is not JSON ({e}); it has no id to answer"
                ));
            }
        }
    }

    /// Answers a client request from weaver itself, off the reader task.
    fn spawn_answer<F>(self: &Arc<Self>, id: Value, answer: F)
    where
        F: Future<Output = Value> + Send + 'static,
    {
        let relay = Arc::clone(self);
        tokio::spawn(async move {
            let work = tokio::spawn(answer);
            let msg = match work.await {
                Ok(result) => result_response(&id, result),
                Err(_) => error_response(&id, INTERNAL_ERROR, "weaver failed to answer"),
            };
            relay.send_client(to_line(&msg));
        });
    }

    /// Firewalls a server response off the reader task, so other messages keep flowing.
    fn spawn_transform(self: &Arc<Self>, mut msg: Value, method: Method) {
        let relay = Arc::clone(self);
        let inner = Arc::clone(&self.inner);
        tokio::spawn(async move {
            let id = msg.get("id").cloned().unwrap_or(Value::Null);
            let work = tokio::spawn(async move {
                inner.firewall_response(&method, &mut msg).await;
                msg
            });
            let out = match work.await {
                Ok(msg) => msg,
                // Never forward what could not be firewalled.
                Err(_) => error_response(
                    &id,
                    INTERNAL_ERROR,
                    "weaver could not firewall this result; it was withheld",
                ),
            };
            relay.send_client(to_line(&out));
        });
    }
}

async fn read_loop<R: AsyncRead + Unpin>(
    reader: R,
    relay: Arc<Relay>,
    side: Side,
) -> std::io::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        relay.on_line(side, line);
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: W,
    mut rx: UnboundedReceiver<Vec<u8>>,
) -> std::io::Result<()> {
    while let Some(mut line) = rx.recv().await {
        line.push(b'\n');
        writer.write_all(&line).await?;
        if rx.is_empty() {
            writer.flush().await?;
        }
    }
    writer.flush().await?;
    writer.shutdown().await
}

impl Proxy {
    /// Relays between a client (`client_in`, `client_out`) and a server (`server_out`:
    /// what the server writes, `server_in`: what it reads) until one side ends.
    ///
    /// When the client's input ends, the server's input is closed and its output relayed
    /// for [`ProxyConfig::shutdown_grace`](crate::ProxyConfig) more; when the server's
    /// output ends, every request it left unanswered gets an error response. Either way the
    /// client's output is flushed before this returns.
    pub async fn serve<CR, CW, SR, SW>(
        &self,
        client_in: CR,
        client_out: CW,
        server_out: SR,
        server_in: SW,
    ) -> Result<Ended, ProxyError>
    where
        CR: AsyncRead + Unpin + Send + 'static,
        CW: AsyncWrite + Unpin + Send + 'static,
        SR: AsyncRead + Unpin + Send + 'static,
        SW: AsyncWrite + Unpin + Send + 'static,
    {
        let (ctx, crx) = unbounded_channel();
        let (stx, srx) = unbounded_channel();
        let client_writer = tokio::spawn(write_loop(client_out, crx));
        let server_writer = tokio::spawn(write_loop(server_in, srx));
        let relay = Arc::new(Relay {
            inner: Arc::clone(&self.inner),
            to_client: ctx,
            to_server: Mutex::new(Some(stx)),
            pending: Mutex::new(HashMap::new()),
        });
        let mut client_task = tokio::spawn(read_loop(client_in, Arc::clone(&relay), Side::Client));
        let mut server_task = tokio::spawn(read_loop(server_out, Arc::clone(&relay), Side::Server));
        let grace = self.inner.config.shutdown_grace;
        let ended = tokio::select! {
            r = &mut client_task => {
                if let Ok(Err(e)) = r {
                    self.inner.log(&format!("weaver mcp: reading from the client failed: {e}"));
                }
                relay.close_server();
                if tokio::time::timeout(grace, &mut server_task).await.is_err() {
                    server_task.abort();
                }
                Ended::ClientClosed
            }
            r = &mut server_task => {
                if let Ok(Err(e)) = r {
                    self.inner.log(&format!("weaver mcp: reading from the server failed: {e}"));
                }
                client_task.abort();
                Ended::ServerClosed
            }
        };
        relay.fail_pending();
        relay.close_server();
        drop(relay);
        // Results still being firewalled hold the client's writer open until they are sent.
        match client_writer.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self
                .inner
                .log(&format!("weaver mcp: writing to the client failed: {e}")),
            Err(_) => self.inner.log("weaver mcp: the client writer stopped"),
        }
        if tokio::time::timeout(grace, server_writer).await.is_err() {
            self.inner
                .log("weaver mcp: the server did not take its input before shutdown");
        }
        Ok(ended)
    }
}
