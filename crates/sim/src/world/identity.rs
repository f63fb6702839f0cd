//! Who calls: principals, the credentials issued to them, IAM users and roles, and IAM
//! Identity Center instances.

/// Who is calling, resolved from their credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// 12-digit account id.
    pub account_id: String,
    /// `aws` or `aws-us-gov`.
    pub partition: String,
    /// Role name (SSO role credentials) or IAM user name (static keys).
    pub name: String,
    /// True for an IAM user, false for an assumed SSO role.
    pub is_user: bool,
    /// True when the principal may only read (UpdateService/StopTask are denied).
    pub read_only: bool,
    /// The SSO user who obtained role credentials, when any.
    pub sso_user: Option<String>,
    /// A federated user (STS GetFederationToken): `name` is the federated name, and it acts
    /// with its IAM user's permissions.
    pub federated: bool,
}

impl Principal {
    /// The caller ARN as STS GetCallerIdentity reports it.
    pub fn arn(&self) -> String {
        if self.federated {
            format!(
                "arn:{}:sts::{}:federated-user/{}",
                self.partition, self.account_id, self.name
            )
        } else if self.is_user {
            format!(
                "arn:{}:iam::{}:user/{}",
                self.partition, self.account_id, self.name
            )
        } else {
            format!(
                "arn:{}:sts::{}:assumed-role/AWSReservedSSO_{}_0123456789abcdef/{}",
                self.partition,
                self.account_id,
                self.name,
                self.sso_user.as_deref().unwrap_or("user")
            )
        }
    }
}

/// Issued credentials: static IAM user keys or role credentials from SSO GetRoleCredentials.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token (role credentials only).
    pub session_token: Option<String>,
    /// Expiry (role credentials only).
    pub expires_at: Option<f64>,
    /// Who these credentials act as.
    pub principal: Principal,
}

/// A role that SSO users can assume in an account.
#[derive(Debug, Clone)]
pub struct RoleDef {
    /// Role name, e.g. `OperatorAccess`.
    pub name: String,
    /// True when the role may not change anything.
    pub read_only: bool,
}

/// An IAM user with static keys (for plain-key `~/.aws/config` profiles).
#[derive(Debug, Clone)]
pub struct IamUser {
    /// User name.
    pub name: String,
    /// Profile name written by `--aws-config-out`.
    pub profile: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// True when the user may not change anything.
    pub read_only: bool,
}

/// An IAM Identity Center instance (one start URL).
#[derive(Debug, Clone)]
pub struct SsoInstance {
    /// Start URL, e.g. `https://ecsdesk-demo.awsapps.com/start`.
    pub start_url: String,
    /// SSO region.
    pub region: String,
    /// sso-session name written by `--aws-config-out`.
    pub session_name: String,
    /// `aws` or `aws-us-gov` (from the region).
    pub partition: String,
    /// User name of the simulated signed-in person.
    pub user: String,
    /// Account ids this instance can reach, with the role names assigned in each.
    pub assignments: Vec<(String, Vec<String>)>,
}
