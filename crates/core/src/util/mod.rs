//! The bottom layer: helpers every other layer may use, with no AWS clients and no app state.

pub mod arn;
pub mod batches;
pub mod files;
pub mod freshness;
pub mod new_file;
pub mod paths;
pub mod secure;
pub mod time;
