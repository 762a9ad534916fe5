//! JSON input for every JSON subcommand: byte-order mark, validation and depth, and the
//! stack a tree-building parse needs.
//!
//! Every JSON document is first checked by weaver-estimate's one-pass scanner, which
//! accepts exactly what serde_json accepts, needs no recursion and reports the nesting
//! depth. Subcommands that build a `serde_json::Value` (`redact --json`, `tokens`) refuse
//! documents nested deeper than [`MAX_DEPTH`] and run the parse, the work, the printing
//! and the drop — all recursive in serde_json — on a thread whose stack is sized for the
//! measured depth, so no input can overflow a stack.

use serde::de::DeserializeOwned;

use crate::error::CliError;

/// The deepest nesting `redact --json` and `tokens` accept (they build the document as a
/// tree). `estimate` and `firewall` never build it and accept any depth.
pub(crate) const MAX_DEPTH: usize = 100_000;

/// Stack per nesting level for serde_json's recursive parse, print and drop of a `Value`.
/// Measured on 100 000-level documents (arrays, objects, and both alternating): a debug
/// build needs about 2.5–3 KiB per level, a release build under 1 KiB; these give a margin
/// of 2.5–4x. It is address space: only the pages actually touched cost memory.
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) {
    8 * 1024
} else {
    4 * 1024
};
/// Stack for everything else the work needs.
const STACK_BASE: usize = 8 * 1024 * 1024;

/// The UTF-8 byte-order mark, which some editors and Windows tools write first.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without a leading UTF-8 byte-order mark (JSON forbids it; we skip it).
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// A document that passed [`check`]: the bytes to parse (no byte-order mark) and facts
/// about it.
pub(crate) struct Checked<'a> {
    pub(crate) bytes: &'a [u8],
    /// Compact JSON size (what `estimate` prints).
    pub(crate) size: u64,
    /// Deepest nesting of containers.
    pub(crate) depth: usize,
}

/// Validates one JSON document (after an optional byte-order mark) and measures it,
/// refusing nesting deeper than `max_depth`.
pub(crate) fn check(bytes: &[u8], max_depth: usize) -> Result<Checked<'_>, CliError> {
    let bytes = strip_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CliError::Input(
            "empty input: expected one JSON document".into(),
        ));
    }
    match weaver_estimate::estimate_json_bytes_limited(bytes, max_depth) {
        Ok(e) => Ok(Checked {
            bytes,
            size: e.size,
            depth: e.depth,
        }),
        Err(e) => Err(match e.kind {
            weaver_estimate::BytesErrorKind::DepthLimitExceeded { limit } => {
                CliError::Input(format!(
                    "nesting deeper than {limit} levels at line {} column {} (the limit of this subcommand)",
                    e.line, e.column
                ))
            }
            kind => CliError::Input(format!(
                "invalid JSON at line {} column {}: {kind}",
                e.line, e.column
            )),
        }),
    }
}

/// Parses a [`check`]ed document with serde_json, without its recursion limit (the depth
/// is known and the caller runs on a [`deep_stack`] thread).
pub(crate) fn parse<T: DeserializeOwned>(doc: &Checked<'_>) -> Result<T, CliError> {
    let mut de = serde_json::Deserializer::from_slice(doc.bytes);
    de.disable_recursion_limit();
    let v = T::deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    v.map_err(|e| CliError::Input(format!("invalid JSON: {e}")))
}

/// Runs `work` on a thread with enough stack for serde_json to parse, print and drop a
/// document `depth` levels deep (inline when the document is shallow).
pub(crate) fn deep_stack<R: Send>(
    depth: usize,
    work: impl FnOnce() -> Result<R, CliError> + Send,
) -> Result<R, CliError> {
    if depth <= 64 {
        return work();
    }
    let size = STACK_BASE + depth.saturating_mul(STACK_PER_LEVEL);
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .name("weaver-deep".into())
            .stack_size(size)
            .spawn_scoped(s, work)
            .map_err(|e| CliError::io("cannot start a thread for a deep document", e))?;
        handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
