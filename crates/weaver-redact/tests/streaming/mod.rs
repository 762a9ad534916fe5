//! Streams an input through a redactor in chunks of cycled sizes and compares it with the
//! answer one call gives: the property every scanning front end must keep.
#![allow(dead_code, unreachable_pub)]

use proptest::prelude::*;
use weaver_redact::{Finding, Redactor};

/// For each chunking (sizes cycled, each at least 1): a stream of `bytes` writes `want`
/// and reports `want_found`, and never holds more than `max_hold`.
pub fn streams_equal(
    r: &Redactor,
    bytes: &[u8],
    chunkings: &[&[usize]],
    want: &[u8],
    want_found: &[Finding],
) -> Result<(), TestCaseError> {
    for chunking in chunkings {
        let mut s = r.stream();
        let (mut out, mut found) = (Vec::new(), Vec::new());
        let (mut at, mut k) = (0, 0);
        while at < bytes.len() {
            let n = chunking[k % chunking.len()].max(1).min(bytes.len() - at);
            k += 1;
            s.push_with(&bytes[at..at + n], &mut out, &mut |f| found.push(f));
            prop_assert!(s.held() <= r.max_hold());
            at += n;
        }
        s.finish_with(&mut out, &mut |f| found.push(f));
        prop_assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(want),
            "streamed differs at {:?}",
            chunking
        );
        prop_assert_eq!(&found[..], want_found);
    }
    Ok(())
}
