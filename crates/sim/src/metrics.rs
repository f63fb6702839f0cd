//! Metric series generated from the simulated fleet (being written).
