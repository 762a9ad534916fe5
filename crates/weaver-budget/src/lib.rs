//! weaver-budget — skeleton; its issue fills it in.
#![deny(missing_docs)]

mod mode;

pub use mode::ResponseMode;
