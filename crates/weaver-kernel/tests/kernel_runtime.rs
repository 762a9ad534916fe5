//! `invoke` outside a suitable tokio runtime is a typed error, not a panic.

mod kernel_support;

use kernel_support::{LIST, kernel, reader};
use serde_json::json;
use weaver_budget::ResponseMode;

#[test]
fn without_a_time_driver_invoke_is_a_typed_error() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (k, calls) = kernel();
    let p = reader();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let e = rt
        .block_on(k.invoke(&g.token, &p, LIST, json!({}), ResponseMode::Summary))
        .unwrap_err();
    assert_eq!(e.code(), "invalid_config");
    assert_eq!(kernel_support::ran(&calls), 0);
    assert_eq!(
        k.traces().recent(1)[0].error_code.as_deref(),
        Some("invalid_config")
    );
}

#[test]
fn outside_any_runtime_invoke_is_a_typed_error() {
    let (k, _) = kernel();
    let p = reader();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let e = futures_util::FutureExt::now_or_never(k.invoke(
        &g.token,
        &p,
        LIST,
        json!({}),
        ResponseMode::Summary,
    ))
    .expect("ready at once")
    .unwrap_err();
    assert_eq!(e.code(), "invalid_config");
}
