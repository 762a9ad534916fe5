//! The shared test Redis (`weaver_redis::test_support`, feature `test-support`).
#![allow(unused_imports, unreachable_pub)]

pub use weaver_redis::test_support::*;
