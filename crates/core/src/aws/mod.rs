//! Reaching AWS: the shared config and credentials files, the retry policy, sessions and their
//! registry, and sign-in through IAM Identity Center.

pub mod delivery;
pub mod federation;
pub mod limits;
pub mod pacing;
pub mod profiles;
pub mod retry;
pub mod session;
pub mod sso;
