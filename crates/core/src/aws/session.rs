//! Sessions: partition + profile + account + region -> SDK clients built once, and the registry
//! that keeps several of them open at once.

use std::collections::HashMap;
use std::sync::Arc;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};
use ts_rs::TS;

use crate::aws::profiles;
use crate::aws::retry;
use crate::aws::sso::{RoleCredentialsProvider, SsoSession};
use crate::error::CoreError;
use crate::model::partition::{partition_of, partition_of_arn, Partition};
use crate::model::service_ref::ServiceRef;
use crate::util::freshness::SessionReads;

/// Where a session's credentials and endpoint come from.
#[derive(Clone)]
pub enum SessionSource {
    /// A profile of the AWS config file; the SDK resolves static keys, cached SSO tokens,
    /// credential_process and assume-role, and honours `AWS_ENDPOINT_URL*`.
    Profile {
        /// Profile name.
        name: String,
    },
    /// The SDK's default chain without a profile (environment variables first).
    Environment,
    /// Fixed keys against a fixed endpoint (the simulator in tests and the demo).
    Explicit {
        /// Name shown as the session's profile.
        label: String,
        /// Access key id.
        access_key_id: String,
        /// Secret access key.
        secret_access_key: String,
        /// Session token, for temporary keys.
        session_token: Option<String>,
        /// Endpoint every service is reached at, e.g. `http://127.0.0.1:4566`.
        endpoint_url: String,
    },
    /// A role of an account reached through IAM Identity Center: credentials come from
    /// GetRoleCredentials of the signed-in sso-session; endpoints follow `AWS_ENDPOINT_URL*`.
    Sso {
        /// The sso-session signed in to (its region fixes the partition).
        session: Box<SsoSession>,
        /// 12-digit account id.
        account_id: String,
        /// Account name from ListAccounts.
        account_name: Option<String>,
        /// Role (permission set) name, e.g. `OperatorAccess`.
        role_name: String,
        /// Fetches and caches the role credentials.
        provider: Box<RoleCredentialsProvider>,
        /// Endpoint every service is reached at (the simulator); `None` follows the
        /// environment (`AWS_ENDPOINT_URL*`) or AWS.
        endpoint_url: Option<String>,
    },
}

impl std::fmt::Debug for SessionSource {
    // Hand-written so the secret key never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionSource::Profile { name } => write!(f, "Profile({name})"),
            SessionSource::Environment => write!(f, "Environment"),
            SessionSource::Explicit {
                label,
                endpoint_url,
                ..
            } => write!(f, "Explicit({label} at {endpoint_url})"),
            SessionSource::Sso { .. } => write!(f, "Sso({})", self.label()),
        }
    }
}

impl SessionSource {
    /// A profile source.
    pub fn profile(name: impl Into<String>) -> Self {
        SessionSource::Profile { name: name.into() }
    }

    /// Static keys against one endpoint.
    pub fn explicit(
        label: impl Into<String>,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        endpoint_url: impl Into<String>,
    ) -> Self {
        SessionSource::Explicit {
            label: label.into(),
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
            endpoint_url: endpoint_url.into(),
        }
    }

    /// The name shown as the session's profile and used as its id.
    pub fn label(&self) -> String {
        match self {
            SessionSource::Profile { name } => name.clone(),
            SessionSource::Environment => "environment".to_string(),
            SessionSource::Explicit { label, .. } => label.clone(),
            // One session per (sso-session, account, role): the same role of the same account
            // reached through two portals stays two sessions.
            SessionSource::Sso {
                session,
                account_id,
                role_name,
                ..
            } => sso_session_id(&session.name, account_id, role_name),
        }
    }
}

/// The session id of `role_name` in `account_id` through sso-session `session`.
pub fn sso_session_id(session: &str, account_id: &str, role_name: &str) -> String {
    format!("{session}/{account_id}/{role_name}")
}

/// An open session as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// Stable id used by every other command.
    pub id: String,
    /// Profile (or label) the session was opened from.
    pub profile: String,
    /// Partition of the session; it never calls a region of another partition.
    pub partition: Partition,
    /// AWS account id from sts GetCallerIdentity.
    pub account_id: String,
    /// Account name when the config file gives one.
    pub account_name: Option<String>,
    /// Caller ARN from sts GetCallerIdentity.
    pub arn: String,
    /// Current region.
    pub region: String,
    /// The sso-session the session signed in through (absent for other sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sso_session: Option<String>,
    /// The role taken through IAM Identity Center (absent for other sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub role_name: Option<String>,
}

impl SessionInfo {
    /// The service `service` of `cluster` in this session's account and current region.
    pub fn service_ref(&self, cluster: &str, service: &str) -> ServiceRef {
        ServiceRef::new(
            self.partition,
            &self.account_id,
            &self.region,
            cluster,
            service,
        )
    }
}

/// A validated session with its SDK clients (cheap to clone, built once per region).
#[derive(Debug, Clone)]
pub struct Session {
    info: SessionInfo,
    source: SessionSource,
    endpoint: String,
    /// The endpoint URL configured in place of AWS's own (the simulator), if any.
    endpoint_url: Option<String>,
    /// Where the clients get their credentials (for the console's federation sign-in).
    credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    /// ECS client.
    pub ecs: aws_sdk_ecs::Client,
    /// CloudWatch client.
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// CloudWatch Logs client.
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// Elastic Load Balancing v2 client.
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    /// STS client.
    pub sts: aws_sdk_sts::Client,
    /// Application Auto Scaling client.
    pub scaling: aws_sdk_applicationautoscaling::Client,
    /// CloudTrail client.
    pub trail: aws_sdk_cloudtrail::Client,
    /// Describe answers shared by the views of this session and region.
    reads: Arc<SessionReads>,
    /// This session in other regions of its partition, built once each (logs a task definition
    /// sends elsewhere with `awslogs-region`).
    elsewhere: Arc<Mutex<HashMap<String, Arc<Session>>>>,
}

/// The SDK clients of one region.
struct Clients {
    endpoint: String,
    endpoint_url: Option<String>,
    credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    ecs: aws_sdk_ecs::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    elbv2: aws_sdk_elasticloadbalancingv2::Client,
    sts: aws_sdk_sts::Client,
    scaling: aws_sdk_applicationautoscaling::Client,
    trail: aws_sdk_cloudtrail::Client,
}

/// Loads the shared SDK config of `source` in `region`.
async fn load_config(source: &SessionSource, region: &str) -> SdkConfig {
    // One retry and timeout policy for every client: bounded jittered retries of throttling,
    // 5xx and dropped connections; a short connect timeout so an unreachable endpoint fails fast.
    let loader = retry::policy().apply(
        aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_string())),
    );
    // `app/ecs-desk` in every user agent: CloudTrail then tells ECS Desk's own changes apart.
    let loader = match aws_config::AppName::new("ecs-desk") {
        Ok(name) => loader.app_name(name),
        Err(_) => loader,
    };
    let loader = match source {
        SessionSource::Profile { name } => loader.profile_name(name),
        SessionSource::Environment => loader,
        SessionSource::Explicit {
            access_key_id,
            secret_access_key,
            session_token,
            endpoint_url,
            ..
        } => loader
            .credentials_provider(Credentials::new(
                access_key_id,
                secret_access_key,
                session_token.clone(),
                None,
                "ecsdesk-explicit",
            ))
            .endpoint_url(endpoint_url),
        SessionSource::Sso {
            provider,
            endpoint_url,
            ..
        } => {
            // The provider keeps the role credentials itself and drops them when AWS refuses them
            // (see `Session::error`); an SDK-side cache would keep sending the refused ones.
            let loader = loader
                .credentials_provider(RoleCredentialsProvider::clone(provider))
                .identity_cache(aws_config::identity::IdentityCache::no_cache());
            match endpoint_url {
                Some(url) => loader.endpoint_url(url),
                None => loader,
            }
        }
    };
    loader.load().await
}

/// Sessions built so far in this process, to name each one's retry partition.
static SESSIONS_BUILT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Builds every client from one SDK config.
async fn build_clients(source: &SessionSource, region: &str) -> Clients {
    let config = load_config(source, region).await;
    let endpoint = config
        .endpoint_url()
        .map(str::to_string)
        .unwrap_or_else(|| format!("the {region} service endpoints"));
    let endpoint_url = config.endpoint_url().map(str::to_string);
    // The SDK's retry quota (a token bucket) is shared by every client of a service and region
    // in the process; AWS throttles each account on its own, so each session gets its own, and a
    // storm in one account does not stop the retries of another.
    let n = SESSIONS_BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let partition = |service: &str| {
        aws_sdk_ecs::config::retry::RetryPartition::new(format!("{service}-{region}-session{n}"))
    };
    // Each client from the shared config, with the session's own retry partition.
    macro_rules! client {
        ($sdk:ident, $signing_name:literal) => {
            $sdk::Client::from_conf(
                $sdk::config::Builder::from(&config)
                    .retry_partition(partition($signing_name))
                    .build(),
            )
        };
    }
    Clients {
        endpoint,
        endpoint_url,
        credentials: config.credentials_provider(),
        ecs: client!(aws_sdk_ecs, "ecs"),
        cloudwatch: client!(aws_sdk_cloudwatch, "monitoring"),
        logs: client!(aws_sdk_cloudwatchlogs, "logs"),
        elbv2: client!(aws_sdk_elasticloadbalancingv2, "elasticloadbalancing"),
        sts: client!(aws_sdk_sts, "sts"),
        scaling: client!(aws_sdk_applicationautoscaling, "application-autoscaling"),
        trail: client!(aws_sdk_cloudtrail, "cloudtrail"),
    }
}

impl Session {
    /// Opens a session from `source`, in `region` or the profile's region, validated with
    /// sts GetCallerIdentity.
    pub async fn open(source: SessionSource, region: Option<String>) -> Result<Session, CoreError> {
        let profile_section = match &source {
            SessionSource::Profile { name } => {
                let file = profiles::load()?;
                let Some(section) = file.profile(name).cloned() else {
                    let path = crate::util::paths::config_file_path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "~/.aws/config".to_string());
                    return Err(CoreError::NotFound(format!(
                        "There is no profile named \"{name}\" in {path}."
                    )));
                };
                Some(section)
            }
            _ => None,
        };
        let profile_region = profile_section
            .as_ref()
            .and_then(|s| s.get("region"))
            .map(str::to_string)
            .or_else(|| match &source {
                SessionSource::Environment => std::env::var("AWS_REGION")
                    .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
                    .ok(),
                _ => None,
            });
        // An Identity Center instance only serves accounts of its own partition.
        let sso_partition = match &source {
            SessionSource::Sso { session, .. } => Some(session.partition),
            _ => None,
        };
        // The profile's own region fixes the partition; a requested region must belong to it.
        let partition = match (&profile_region, &region) {
            _ if sso_partition.is_some() => sso_partition,
            (Some(own), _) => partition_of(own),
            (None, Some(asked)) => partition_of(asked),
            (None, None) => Some(Partition::Aws),
        }
        .ok_or_else(|| {
            CoreError::InvalidInput(format!(
                "The region {} is not in a partition ECS Desk serves.",
                profile_region
                    .as_deref()
                    .or(region.as_deref())
                    .unwrap_or("?")
            ))
        })?;
        let region = region
            .or(profile_region)
            .unwrap_or_else(|| partition.default_region().to_string());
        partition.check_region(&region)?;

        let clients = build_clients(&source, &region).await;
        let identity = clients
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, "sts:GetCallerIdentity", &clients.endpoint))?;
        let arn = identity.arn().unwrap_or_default().to_string();
        if let Some(arn_partition) = partition_of_arn(&arn) {
            if arn_partition != partition {
                return Err(CoreError::InvalidInput(format!(
                    "These credentials belong to {} but the region {region} is in {}.",
                    arn_partition.label(),
                    partition.label()
                )));
            }
        }
        let account_name = match &source {
            SessionSource::Sso { account_name, .. } => account_name.clone(),
            _ => profile_section.as_ref().and_then(|s| {
                s.get("ecsdesk_account_name")
                    .or_else(|| s.get("account_name"))
                    .map(str::to_string)
            }),
        };
        let (sso_session, role_name) = match &source {
            SessionSource::Sso {
                session, role_name, ..
            } => (Some(session.name.clone()), Some(role_name.clone())),
            _ => (None, None),
        };
        let info = SessionInfo {
            id: source.label(),
            profile: source.label(),
            partition,
            account_id: identity.account().unwrap_or_default().to_string(),
            account_name,
            arn,
            region,
            sso_session,
            role_name,
        };
        Ok(Session::assemble(info, source, clients))
    }

    /// Puts a session together from its parts.
    fn assemble(info: SessionInfo, source: SessionSource, clients: Clients) -> Session {
        Session {
            info,
            source,
            endpoint: clients.endpoint,
            endpoint_url: clients.endpoint_url,
            credentials: clients.credentials,
            ecs: clients.ecs,
            cloudwatch: clients.cloudwatch,
            logs: clients.logs,
            elbv2: clients.elbv2,
            sts: clients.sts,
            scaling: clients.scaling,
            trail: clients.trail,
            reads: Arc::new(SessionReads::default()),
            elsewhere: Arc::default(),
        }
    }

    /// This session in `region` when that is not its own (built once, then reused); None for
    /// its own region.
    pub async fn elsewhere(&self, region: &str) -> Result<Option<Arc<Session>>, CoreError> {
        if region == self.info.region {
            return Ok(None);
        }
        let mut built = self.elsewhere.lock().await;
        if let Some(s) = built.get(region) {
            return Ok(Some(s.clone()));
        }
        let s = Arc::new(self.in_region(region).await?);
        built.insert(region.to_string(), s.clone());
        Ok(Some(s))
    }

    /// The same session in another region of its partition (clients rebuilt, identity kept).
    pub async fn in_region(&self, region: &str) -> Result<Session, CoreError> {
        self.info.partition.check_region(region)?;
        let clients = build_clients(&self.source, region).await;
        let info = SessionInfo {
            region: region.to_string(),
            ..self.info.clone()
        };
        Ok(Session::assemble(info, self.source.clone(), clients))
    }

    /// What the UI shows about this session.
    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    /// The describe answers shared by this session's views (see [`crate::util::freshness`]).
    pub fn reads(&self) -> &SessionReads {
        &self.reads
    }

    /// The access portal start URL, account and role of a session signed in through IAM
    /// Identity Center; None for other credentials.
    pub fn portal(&self) -> Option<(&str, &str, &str)> {
        match &self.source {
            SessionSource::Sso {
                session,
                account_id,
                role_name,
                ..
            } => Some((&session.start_url, account_id, role_name)),
            _ => None,
        }
    }

    /// Where requests go, for error messages.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The endpoint URL configured in place of AWS's own (the simulator), if any.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// The session's current credentials (refreshed by their provider when due). Kept in
    /// memory only: they are never logged or written.
    pub async fn credentials(&self) -> Result<aws_credential_types::Credentials, CoreError> {
        use aws_credential_types::provider::ProvideCredentials;
        let provider = self
            .credentials
            .as_ref()
            .ok_or_else(|| CoreError::Internal("the session has no credentials provider".into()))?;
        provider.provide_credentials().await.map_err(|e| {
            CoreError::InvalidInput(format!("The session's credentials are not available: {e}"))
        })
    }

    /// Maps an SDK error of IAM action `action`.
    pub fn error<E>(
        &self,
        action: &str,
    ) -> impl Fn(
        aws_smithy_runtime_api::client::result::SdkError<
            E,
            aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        >,
    ) -> CoreError
           + '_
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
    {
        let action = action.to_string();
        move |err| {
            let mapped = CoreError::from_sdk(err, &action, &self.endpoint);
            // Credentials refused before their expiry (expired on AWS's clock, or revoked): the
            // next call fetches new ones, so signing in again heals this session in place.
            if let (CoreError::ExpiredCredentials { .. }, SessionSource::Sso { provider, .. }) =
                (&mapped, &self.source)
            {
                provider.credentials_rejected();
            }
            mapped
        }
    }
}

/// All open sessions, shared by the whole app (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct SessionRegistry {
    sessions: Arc<RwLock<HashMap<String, Arc<Session>>>>,
}

impl SessionRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens (or re-opens) the session of a config-file profile.
    pub async fn open_session(
        &self,
        profile: &str,
        region: Option<String>,
    ) -> Result<SessionInfo, CoreError> {
        self.open(SessionSource::profile(profile), region).await
    }

    /// Opens a session from any source; a session with the same id is replaced.
    pub async fn open(
        &self,
        source: SessionSource,
        region: Option<String>,
    ) -> Result<SessionInfo, CoreError> {
        let session = Session::open(source, region).await?;
        let info = session.info().clone();
        self.sessions
            .write()
            .await
            .insert(info.id.clone(), Arc::new(session));
        Ok(info)
    }

    /// Every open session, sorted by id.
    pub async fn list_sessions(&self) -> Vec<SessionInfo> {
        let mut infos: Vec<SessionInfo> = self
            .sessions
            .read()
            .await
            .values()
            .map(|s| s.info().clone())
            .collect();
        infos.sort_by(|a, b| a.id.cmp(&b.id));
        infos
    }

    /// The session with `id`, in `region` when one is given (a log group of another region).
    pub async fn get_in(&self, id: &str, region: Option<&str>) -> Result<Arc<Session>, CoreError> {
        let session = self.get(id).await?;
        match region {
            Some(r) => Ok(session.elsewhere(r).await?.unwrap_or(session)),
            None => Ok(session),
        }
    }

    /// The session with `id`.
    pub async fn get(&self, id: &str) -> Result<Arc<Session>, CoreError> {
        self.sessions.read().await.get(id).cloned().ok_or_else(|| {
            CoreError::NotFound(format!(
                "The session \"{id}\" is not open any more. Choose an account again."
            ))
        })
    }

    /// Moves session `id` to `region`; only that session's clients are rebuilt.
    pub async fn set_session_region(
        &self,
        id: &str,
        region: &str,
    ) -> Result<SessionInfo, CoreError> {
        let current = self.get(id).await?;
        let moved = current.in_region(region).await?;
        let info = moved.info().clone();
        self.sessions
            .write()
            .await
            .insert(id.to_string(), Arc::new(moved));
        Ok(info)
    }

    /// Closes every session signed in through sso-session `session` (after its sign-out);
    /// returns their ids.
    pub async fn close_sso_sessions(&self, session: &str) -> Vec<String> {
        let mut sessions = self.sessions.write().await;
        let ids: Vec<String> = sessions
            .iter()
            .filter(|(_, s)| s.info().sso_session.as_deref() == Some(session))
            .map(|(id, _)| id.clone())
            .collect();
        for id in &ids {
            sessions.remove(id);
        }
        ids
    }

    /// Closes session `id`.
    pub async fn close_session(&self, id: &str) -> Result<(), CoreError> {
        match self.sessions.write().await.remove(id) {
            Some(_) => Ok(()),
            None => Err(CoreError::NotFound(format!(
                "The session \"{id}\" is not open."
            ))),
        }
    }
}
