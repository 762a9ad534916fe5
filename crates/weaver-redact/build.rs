//! Checks that `data/default_dfa.bin` is the file the generator wrote (its checksum is in
//! `data/default_dfa.sum`). Only then may `prebuilt.rs` skip the DFA's validation, which
//! reads all 26 MB of it — about a third of the start-up of a `weaver` process. A missing
//! or different checksum leaves the validated load in place: slower, never unsound.

#[path = "src/dfa_sum.rs"]
mod dfa_sum;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(weaver_prebuilt_verified)");
    println!("cargo::rerun-if-changed=data/default_dfa.bin");
    println!("cargo::rerun-if-changed=data/default_dfa.sum");
    let bin = std::fs::read("data/default_dfa.bin");
    let sum = std::fs::read_to_string("data/default_dfa.sum");
    if let (Ok(bin), Ok(sum)) = (bin, sum)
        && dfa_sum::dfa_sum(&bin) == sum.trim()
    {
        println!("cargo::rustc-cfg=weaver_prebuilt_verified");
    }
}
