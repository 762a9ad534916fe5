//! Developer workflows (skeleton).

fn main() {}
