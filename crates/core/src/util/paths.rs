//! Where the AWS shared files are: the environment variables the AWS CLI honours, else `~/.aws/`.

use std::path::PathBuf;

/// The config file path: `AWS_CONFIG_FILE`, else `~/.aws/config`.
pub fn config_file_path() -> Option<PathBuf> {
    env_path("AWS_CONFIG_FILE").or_else(|| home_file("config"))
}

/// The credentials file path: `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
pub fn credentials_file_path() -> Option<PathBuf> {
    env_path("AWS_SHARED_CREDENTIALS_FILE").or_else(|| home_file("credentials"))
}

/// A non-empty path from environment variable `name`, with `~/` expanded.
fn env_path(name: &str) -> Option<PathBuf> {
    let value = std::env::var(name).ok().filter(|v| !v.is_empty())?;
    match value.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME").map(|home| PathBuf::from(home).join(rest)),
        None => Some(PathBuf::from(value)),
    }
}

/// `~/.aws/<name>`.
fn home_file(name: &str) -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".aws").join(name))
}
