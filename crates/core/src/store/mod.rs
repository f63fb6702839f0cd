//! Local stores: the audit log, history, pins, protection levels and thresholds, kept in the
//! app's data folder. No AWS calls.

pub mod audit;
pub mod history;
pub mod pins;
pub mod protection;
pub mod thresholds;
