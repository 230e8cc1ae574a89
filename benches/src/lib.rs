//! Baselines for wotrules' benchmarks (see `bench/run.sh` and `benches/interpreter.rs`).

pub mod handwritten;
