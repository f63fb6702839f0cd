//! Local stores: the audit log, history, pins, protection levels, thresholds and display
//! preferences, kept in the app's data folder. No AWS calls.

pub mod audit;
pub mod history;
pub mod pins;
pub mod preferences;
pub mod protection;
pub mod thresholds;
