//! `Proxy::serve` over in-memory pipes on both sides: what weaver does not firewall passes
//! byte for byte, in both directions (a property over arbitrary messages).

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines};
use weaver_mcp::{Ended, Proxy, ProxyConfig};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-z@. ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_-]{1,6}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A message weaver must relay unchanged: requests and notifications of any method but
/// `tools/call`, with arbitrary params and extra fields, in odd but valid whitespace.
fn arb_message() -> impl Strategy<Value = String> {
    (
        "[a-z]{1,8}(/[a-z]{1,8})?",
        prop::option::of(0i64..1000),
        arb_json(),
        arb_json(),
        any::<bool>(),
    )
        .prop_filter("not a tools/call", |(m, ..)| m != "tools/call")
        .prop_map(|(method, id, params, extra, spaced)| {
            let mut m = Map::new();
            m.insert("jsonrpc".into(), json!("2.0"));
            if let Some(id) = id {
                m.insert("id".into(), json!(id));
            }
            m.insert("method".into(), json!(method));
            m.insert("params".into(), params);
            m.insert("x-extra".into(), extra);
            let v = Value::Object(m);
            if spaced {
                serde_json::to_string_pretty(&v).unwrap().replace('\n', " ")
            } else {
                v.to_string()
            }
        })
}

async fn read(lines: &mut Lines<BufReader<DuplexStream>>) -> String {
    tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("relayed within 30 s")
        .unwrap()
        .expect("a line")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn unknown_traffic_passes_byte_for_byte(
        up in prop::collection::vec(arb_message(), 1..6),
        down in prop::collection::vec(arb_message(), 1..6),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let proxy = Proxy::with_log(ProxyConfig::default(), std::sync::Arc::new(|_: &str| {})).unwrap();
            let (mut client_w, proxy_cr) = tokio::io::duplex(1 << 16);
            let (proxy_cw, client_r) = tokio::io::duplex(1 << 16);
            let (mut server_w, proxy_sr) = tokio::io::duplex(1 << 16);
            let (proxy_sw, server_r) = tokio::io::duplex(1 << 16);
            let p = proxy.clone();
            let task = tokio::spawn(async move { p.serve(proxy_cr, proxy_cw, proxy_sr, proxy_sw).await });
            let mut at_server = BufReader::new(server_r).lines();
            let mut at_client = BufReader::new(client_r).lines();
            for m in &up {
                client_w.write_all(format!("{m}\n").as_bytes()).await.unwrap();
                assert_eq!(&read(&mut at_server).await, m);
            }
            for m in &down {
                server_w.write_all(format!("{m}\r\n").as_bytes()).await.unwrap();
                assert_eq!(&read(&mut at_client).await, m);
            }
            // The client hangs up: the server's input ends, then the server closes.
            drop(client_w);
            let eof = tokio::time::timeout(Duration::from_secs(30), at_server.next_line()).await;
            assert!(matches!(eof, Ok(Ok(None))), "the server's stdin was closed");
            drop(server_w);
            assert_eq!(task.await.unwrap().unwrap(), Ended::ClientClosed);
        });
    }
}
