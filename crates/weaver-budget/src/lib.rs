//! A session-wide token budget that is lock-free and cancellation-safe, with exact offline
//! token counters.
//!
//! ```
//! use weaver_budget::{BudgetConfig, BudgetManager, ResponseMode};
//!
//! let budget = BudgetManager::new(10_000, BudgetConfig::default())?;
//!
//! // Before a tool call: hold a slice of the budget and pick the response mode.
//! let reservation = budget.reserve(Some(4_000))?;
//! let mode = budget.suggested_mode(ResponseMode::Raw);
//! assert_eq!(mode, ResponseMode::Raw); // 60 % left: the request stands
//!
//! // After it: charge what the result really costs (dropping the reservation instead
//! // would give all 4 000 back).
//! let frame = serde_json::json!({"facts": ["42 rows", "status: ok for 40 of 42"]});
//! let done = reservation.commit(budget.count(&frame));
//! assert_eq!(budget.used(), done.charged);
//! assert_eq!(budget.remaining(), 10_000 - done.charged);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # When to use it
//!
//! Use this crate to keep an agent session inside a token budget across many tool calls:
//! each call reserves before it runs and commits what its result actually cost, and as the
//! budget drains [`BudgetManager::suggested_mode`] pushes responses to more compact modes
//! (raw → table → summary → handle only; see [`escalate`]). Use its counters on their own
//! when you need to know what a text or JSON value costs in tokens, or only whether it fits
//! under a limit. It is not a rate limiter (no time windows) and not a per-response size cap
//! (that is the firewall's `Budgets`).
//!
//! # Budget
//!
//! * [`BudgetManager::reserve`] grants `min(requested, remaining)` in one compare-and-swap
//!   — no mutex — and fails with [`BudgetExhausted`] only when nothing remains.
//! * The [`Reservation`] is an RAII guard: [`commit`](Reservation::commit) charges the
//!   actual cost (an overrun is paid from the unreserved budget, never past the total, and
//!   reported); dropping it without a commit releases it. Either happens exactly once, on
//!   any exit: `?`, panic unwinding, a cancelled future. It owns a handle to the manager,
//!   so it is `Send + 'static` and fine to hold across `.await`.
//! * `used + reserved <= total` holds at every instant under any concurrency; the exact
//!   guarantee is spelled out on [`LocalBudget`]. The accounting sits behind
//!   [`BudgetBackend`], so a store shared by several workers can replace it.
//! * Numbers are `u64`: a negative request cannot be expressed; zero budgets are a
//!   [`BudgetConfigError`].
//!
//! # Counting
//!
//! [`TokenCounter`] counts a `&str` as given, or a `serde_json::Value` as the text of its
//! compact JSON (`serde_json::to_string`), and has bounded variants
//! ([`count_up_to`](TokenCounter::count_up_to)) that stop once the count passes a limit.
//!
//! * [`CharCounter`] (default, no dependencies): `ceil(bytes / 4)` of that text, measured
//!   by `weaver-estimate` without serializing.
//! * [`TiktokenCounter`] (feature `tiktoken`, on by default): exact `cl100k_base` /
//!   `o200k_base` counts — equal to OpenAI's tiktoken (8 103 283 cl100k tokens on the
//!   20 MB benchmark log, as tiktoken 0.14 counts) — with the vocabularies compiled in (no
//!   network), encoders built once per process and shared, and an ASCII fast path about
//!   ten times faster than tiktoken-rs alone.
//! * [`counter_for`] picks one by name (`"chars"`, `"cl100k_base"`, `"o200k_base"`).
//!
//! # Differences from the Python reference (weaver-kernel 0.12.0)
//!
//! Reservations are guards instead of numbers passed back by the caller, so a reservation
//! can neither leak on an error path nor be released twice; commits cannot charge past the
//! total or eat other calls' reservations; the default counter rounds up and measures
//! compact JSON bytes (`null` costs 1 token, not 0); tokenizers work offline.
#![deny(missing_docs)]

#[cfg(feature = "tiktoken")]
mod ascii_bpe;
mod backend;
mod counter;
mod error;
#[cfg(feature = "tiktoken")]
mod json_text;
mod manager;
#[cfg(feature = "tiktoken")]
mod merge;
mod mode;
#[cfg(feature = "tiktoken")]
mod tiktoken;

use std::sync::Arc;

pub use backend::{BudgetBackend, BudgetSnapshot, LocalBudget};
pub use counter::{BYTES_PER_TOKEN, CharCounter, TokenCount, TokenCounter};
pub use error::{BudgetConfigError, BudgetExhausted, UnknownEncoding};
pub use manager::{BudgetConfig, BudgetManager, Committed, Reservation};
pub use mode::{ResponseMode, escalate};
#[cfg(feature = "tiktoken")]
pub use tiktoken::{Encoding, TiktokenCounter};

/// The counter names [`counter_for`] accepts in this build.
#[cfg(feature = "tiktoken")]
pub const ENCODING_NAMES: &[&str] = &["chars", "cl100k_base", "o200k_base"];
/// The counter names [`counter_for`] accepts in this build.
#[cfg(not(feature = "tiktoken"))]
pub const ENCODING_NAMES: &[&str] = &["chars"];

/// A shared counter by name: `"chars"` ([`CharCounter`]), or with feature `tiktoken`
/// `"cl100k_base"` / `"o200k_base"` ([`TiktokenCounter`], whose encoder is built here, so
/// the cost is paid now and not at the first count).
///
/// ```
/// let c = weaver_budget::counter_for("chars")?;
/// assert_eq!(c.count_str("four"), 1);
/// assert!(weaver_budget::counter_for("p50k").is_err());
/// # Ok::<(), weaver_budget::UnknownEncoding>(())
/// ```
pub fn counter_for(name: &str) -> Result<Arc<dyn TokenCounter>, UnknownEncoding> {
    match name {
        "chars" => Ok(Arc::new(CharCounter)),
        #[cfg(feature = "tiktoken")]
        _ => match TiktokenCounter::from_name(name) {
            Ok(c) => Ok(Arc::new(c)),
            Err(_) => Err(UnknownEncoding::new(name, ENCODING_NAMES)),
        },
        #[cfg(not(feature = "tiktoken"))]
        _ => Err(UnknownEncoding::new(name, ENCODING_NAMES)),
    }
}
