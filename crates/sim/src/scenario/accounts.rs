//! The accounts of a scenario (roles, IAM users with static keys) and its IAM Identity Center
//! instances.

use serde::Deserialize;

use super::regions::RegionSpec;

/// An account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    /// 12-digit id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// `aws` or `aws-us-gov`.
    pub partition: String,
    /// Default region for written profiles.
    pub default_region: String,
    /// Roles SSO users may assume.
    #[serde(default)]
    pub roles: Vec<RoleSpec>,
    /// IAM users with static keys.
    #[serde(default)]
    pub users: Vec<UserSpec>,
    /// Regions with resources.
    #[serde(default)]
    pub regions: Vec<RegionSpec>,
}

/// A role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    /// Role name.
    pub name: String,
    /// May not change anything.
    #[serde(default)]
    pub read_only: bool,
}

/// An IAM user with static keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    /// User name.
    pub name: String,
    /// Profile name written by `--aws-config-out` (defaults to the user name).
    #[serde(default)]
    pub profile: Option<String>,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// May not change anything.
    #[serde(default)]
    pub read_only: bool,
}

/// An IAM Identity Center instance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoSpec {
    /// Start URL.
    pub start_url: String,
    /// SSO region.
    pub region: String,
    /// sso-session name.
    pub session_name: String,
    /// Signed-in user name.
    #[serde(default = "default_user")]
    pub user: String,
    /// Account assignments.
    #[serde(default)]
    pub assignments: Vec<AssignmentSpec>,
}

fn default_user() -> String {
    "ops.user@example.com".into()
}

/// Roles of one account reachable through an SSO instance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentSpec {
    /// Account id.
    pub account: String,
    /// Role names.
    pub roles: Vec<String>,
}
