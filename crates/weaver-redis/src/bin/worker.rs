//! A weaver worker process for multi-process checks of the Redis backends.
//!
//! `weaver-redis-worker MODE URL PREFIX ARGS...`, one line of result on stdout:
//!
//! * `budget NAME TOTAL ITERS SEED` — reserve, then commit or release, ITERS times;
//!   prints `ok RESERVED_GRANTS EXHAUSTED_COUNT`.
//! * `store MAX_TOTAL_BYTES ITERS SEED` — stores results of varying size; prints `ok N`.
//! * `store-one PRINCIPAL` — stores a fixed list of rows; prints the handle id.
//! * `expand ID PRINCIPAL` — prints `ok ROWS_JSON` or `err REASON_CODE`.
//! * `hold NAME TOTAL AMOUNT EXPIRY_MS` — reserves AMOUNT, prints `held GRANT`, then
//!   waits to be killed.
//!
//! Exits 2 on bad arguments, 1 on an unexpected error (printed to stderr).

use std::process::ExitCode;
use std::time::Duration;

use serde_json::{Value, json};
use weaver_handles::{Binding, ExpandBudget, ExpandQuery, Grant, HandleStoreConfig};
use weaver_redis::{
    BudgetOptions, RedisBudget, RedisConnection, RedisError, RedisHandleStore, RedisOptions,
};

fn num(args: &[String], i: usize) -> Result<u64, String> {
    args.get(i)
        .ok_or_else(|| format!("missing argument {i}"))?
        .parse()
        .map_err(|e| format!("argument {i}: {e}"))
}

fn arg(args: &[String], i: usize) -> Result<&str, String> {
    args.get(i)
        .map(String::as_str)
        .ok_or_else(|| format!("missing argument {i}"))
}

/// xorshift: enough for varying sizes, no dependency.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn rows() -> Value {
    json!([
        {"id": 1, "status": "paid"},
        {"id": 2, "status": "refunded"},
        {"id": 3, "status": "paid"},
    ])
}

async fn run(args: &[String]) -> Result<String, String> {
    let mode = arg(args, 1)?;
    let url = arg(args, 2)?;
    let options = RedisOptions {
        prefix: arg(args, 3)?.to_owned(),
        ..RedisOptions::default()
    };
    let conn = RedisConnection::connect(url, options)
        .await
        .map_err(|e| e.to_string())?;
    let fail = |e: RedisError| e.to_string();
    match mode {
        "budget" => {
            let b = RedisBudget::new(conn, arg(args, 4)?, num(args, 5)?, BudgetOptions::default())
                .map_err(fail)?;
            let mut rng = num(args, 7)? | 1;
            let (mut grants, mut exhausted) = (0u64, 0u64);
            for _ in 0..num(args, 6)? {
                match b.reserve(1 + next(&mut rng) % 40).await {
                    Ok(r) => {
                        grants += 1;
                        if next(&mut rng).is_multiple_of(3) {
                            b.release(r).await.map_err(fail)?;
                        } else {
                            b.commit(r, next(&mut rng) % 60).await.map_err(fail)?;
                        }
                    }
                    Err(RedisError::Exhausted(_)) => exhausted += 1,
                    Err(e) => return Err(fail(e)),
                }
            }
            Ok(format!("ok {grants} {exhausted}"))
        }
        "store" => {
            let store = RedisHandleStore::new(
                conn,
                HandleStoreConfig {
                    max_total_bytes: Some(num(args, 4)?),
                    ..HandleStoreConfig::default()
                },
            )
            .map_err(fail)?;
            let mut rng = num(args, 6)? | 1;
            let iters = num(args, 5)?;
            for _ in 0..iters {
                let size = 50 + (next(&mut rng) % 2000) as usize;
                let v = json!({"blob": "b".repeat(size)});
                store
                    .store("load", &v, Binding::principal("w"), Grant::new(), None)
                    .await
                    .map_err(fail)?;
            }
            Ok(format!("ok {iters}"))
        }
        "store-one" => {
            let store = RedisHandleStore::new(conn, HandleStoreConfig::default()).map_err(fail)?;
            let h = store
                .store(
                    "orders",
                    &rows(),
                    Binding::principal(arg(args, 4)?),
                    Grant::new(),
                    None,
                )
                .await
                .map_err(fail)?;
            Ok(h.id.to_string())
        }
        "expand" => {
            let store = RedisHandleStore::new(conn, HandleStoreConfig::default()).map_err(fail)?;
            let page = store
                .expand(
                    arg(args, 4)?,
                    &ExpandQuery::default(),
                    Some(arg(args, 5)?),
                    &ExpandBudget::default(),
                )
                .await;
            Ok(match page {
                Ok(p) => format!("ok {}", Value::Array(p.rows)),
                Err(e) => format!("err {}", e.reason_code()),
            })
        }
        "hold" => {
            let b = RedisBudget::new(
                conn,
                arg(args, 4)?,
                num(args, 5)?,
                BudgetOptions {
                    reservation_expiry: Duration::from_millis(num(args, 7)?),
                },
            )
            .map_err(fail)?;
            let r = b.reserve(num(args, 6)?).await.map_err(fail)?;
            println!("held {}", r.amount());
            tokio::time::sleep(Duration::from_secs(600)).await;
            std::mem::forget(r);
            Ok("woke".into())
        }
        other => Err(format!("unknown mode {other:?}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(&args)) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("weaver-redis-worker: {e}");
            ExitCode::from(if e.starts_with("missing") || e.starts_with("argument") {
                2
            } else {
                1
            })
        }
    }
}
