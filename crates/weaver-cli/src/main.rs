//! The `weaver` command line (skeleton).

fn main() {}
