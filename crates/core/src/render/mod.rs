//! Rendering: charts drawn with plotters and incident reports. Pure functions of model data.

pub mod charts;
pub mod report;
