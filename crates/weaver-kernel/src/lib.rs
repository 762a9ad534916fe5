//! weaver-kernel — skeleton; its issue fills it in.
#![deny(missing_docs)]
