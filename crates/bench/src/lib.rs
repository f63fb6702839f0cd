//! ECS Desk benchmarks: the jobs of issue 7 against the simulator with a per-call latency,
//! measured for wall time, AWS calls (against the API minimum) and peak memory, with the AWS
//! CLI doing the same jobs side by side. The binary `ecsdesk-bench` runs them
//! (`./scripts/bench.sh`); the smoke test runs them small, in debug, asserting the call counts.

pub mod cli;
pub mod control;
pub mod error;
pub mod fleet;
pub mod jobs;
pub mod memory;
pub mod minimum;
pub mod report;
pub mod tabs;

pub use error::BenchError;
