//! Rendering: charts drawn with plotters, sparklines and reports. Pure functions of model data.

pub mod charts;
pub mod report;
pub mod sparkline;
