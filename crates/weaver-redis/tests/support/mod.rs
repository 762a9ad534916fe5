//! A throwaway `redis-server` for the tests, or the one `WEAVER_REDIS_URL` names.
//!
//! Without either, tests fail with what to install: they never pass silently.
#![allow(dead_code, unreachable_pub)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use weaver_redis::{RedisConnection, RedisOptions};

/// A Redis for one test: spawned on a free port in a temp dir (killed on drop), or the
/// external one from `WEAVER_REDIS_URL`. Each test gets its own key prefix either way.
pub struct TestRedis {
    pub url: String,
    pub prefix: String,
    port: u16,
    dir: Option<tempfile::TempDir>,
    child: Option<Child>,
}

const INSTALL: &str = "redis-server is needed for the weaver-redis tests: install it \
    (`apt-get install -y redis-server`, `brew install redis`) or set WEAVER_REDIS_URL to a \
    Redis these tests may write to";

fn unique_prefix() -> String {
    let id = weaver_handles::HandleId::random().expect("random source");
    format!("wt:{}:", &id.as_str()[..12])
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    l.local_addr().expect("local addr").port()
}

impl TestRedis {
    pub fn start() -> TestRedis {
        if let Ok(url) = std::env::var("WEAVER_REDIS_URL") {
            return TestRedis {
                url,
                prefix: unique_prefix(),
                port: 0,
                dir: None,
                child: None,
            };
        }
        TestRedis::spawned()
    }

    /// Always a server of its own (for tests that stop and restart it), even when
    /// `WEAVER_REDIS_URL` is set.
    pub fn spawned() -> TestRedis {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let mut r = TestRedis {
            url: format!("redis://127.0.0.1:{port}/"),
            prefix: unique_prefix(),
            port,
            dir: Some(dir),
            child: None,
        };
        r.spawn();
        r
    }

    fn spawn(&mut self) {
        let dir: PathBuf = self.dir.as_ref().expect("spawned server").path().into();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start redis-server ({e}). {INSTALL}"));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not listen on port {} within 10 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Kills the server (it loses everything: no persistence).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    pub fn options(&self) -> RedisOptions {
        RedisOptions {
            prefix: self.prefix.clone(),
            connect_timeout: Duration::from_millis(500),
            response_timeout: Duration::from_secs(2),
            reconnect_retries: 1,
        }
    }

    pub async fn connect(&self) -> RedisConnection {
        RedisConnection::connect(&self.url, self.options())
            .await
            .expect("connect to the test redis")
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.stop();
    }
}
