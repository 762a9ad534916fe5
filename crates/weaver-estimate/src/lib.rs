//! weaver-estimate — skeleton; its issue fills it in.
#![deny(missing_docs)]
