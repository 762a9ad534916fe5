//! The error of the `Serialize` path.

use alloc::string::String;
use core::fmt;

/// Why a value cannot be measured: the same situations in which `serde_json::to_vec`
/// fails, so the estimator never reports a size for something serde_json would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A map key serialized as something other than a string, integer, float, bool or
    /// char (e.g. a sequence, a map, `None` or a unit) — serde_json's "key must be a string".
    KeyMustBeAString,
    /// A map key is a NaN or infinite float, which serde_json cannot write as a key.
    FloatKeyMustBeFinite,
    /// The value's own `Serialize` impl failed with this message.
    Custom(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::KeyMustBeAString => f.write_str("key must be a string"),
            Error::FloatKeyMustBeFinite => {
                f.write_str("float key must be finite (got NaN or +/-inf)")
            }
            Error::Custom(msg) => f.write_str(msg),
        }
    }
}

impl core::error::Error for Error {}
