//! The simulator's control API (`/_sim/`): call counters, latency and SSO approval, through the
//! simulator's own client (its failures arrive as `BenchError::Sim`).

pub use ecsdesk_sim::{Calls, Control};
