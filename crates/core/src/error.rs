//! The one error type of the core and its bridge form, [`ErrorPayload`].

use std::error::Error as StdError;
use std::path::PathBuf;

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// AWS error codes that mean the credentials are expired or not valid any more.
const EXPIRED_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClient",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
];

/// AWS error codes that mean "slow down"; retrying later succeeds.
const THROTTLE_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
];

/// AWS error codes that mean the caller's role lacks a permission.
const ACCESS_DENIED_CODES: &[&str] = &[
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedOperation",
];

/// Everything that can go wrong in the core, in words a non-engineer understands.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The endpoint could not be reached (network down, VPN off, wrong endpoint, timeout).
    #[error(
        "Could not reach AWS at {endpoint}. Check your network or VPN connection, then try again."
    )]
    Unreachable {
        /// Where the app tried to connect.
        endpoint: String,
        /// Low-level cause, for the details view.
        detail: String,
    },
    /// The credentials are expired, missing or not accepted.
    #[error(
        "Your sign-in has expired or is no longer valid. Sign in again, then retry. ({detail})"
    )]
    ExpiredCredentials {
        /// AWS code or provider message, for the details view.
        detail: String,
    },
    /// The role may not perform `action`.
    #[error("{}", access_denied_text(action))]
    AccessDenied {
        /// The AWS error code as returned.
        code: String,
        /// The IAM action that was refused, e.g. `ecs:UpdateService`.
        action: String,
        /// AWS's own message.
        detail: String,
    },
    /// AWS is rate-limiting the caller (and the SDK's bounded, jittered retries ran out).
    #[error(
        "AWS is throttling requests — retrying did not get through yet. Wait a few seconds and try again."
    )]
    Throttled {
        /// The AWS error code as returned.
        code: String,
    },
    /// Any other error AWS answered with.
    #[error("AWS refused {action}: {message}")]
    Aws {
        /// The AWS error code as returned.
        code: String,
        /// The IAM action that failed.
        action: String,
        /// AWS's own message.
        message: String,
        /// Whether trying again may help (server-side errors).
        retryable: bool,
    },
    /// The thing asked for does not exist (any more).
    #[error("{0}")]
    NotFound(String),
    /// The request itself makes no sense (bad region, wrong partition...).
    #[error("{0}")]
    InvalidInput(String),
    /// The AWS config file is malformed.
    #[error("The AWS config file {} has a problem on line {line}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The AWS config file could not be read.
    #[error("Could not read the AWS config file {}: {source}", path.display())]
    ConfigIo {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The SSO sign-in has ended (or never happened) and cannot be renewed without the user.
    #[error("Your sign-in to {session} has ended. Sign in again to continue ({detail}).")]
    SignInRequired {
        /// The sso-session name.
        session: String,
        /// Why, for the details view.
        detail: String,
    },
    /// The user cancelled the operation.
    #[error("{0}")]
    Cancelled(String),
    /// The OS keyring (Secret Service, Keychain, Credential Manager) could not be used.
    #[error("ECS Desk keeps sign-in secrets in the system keyring, which is not available: {0}. Unlock or start your keyring and try again.")]
    Keyring(String),
    /// A file ECS Desk keeps (SSO token cache, favourites) is malformed.
    #[error("The file {} has a problem on line {line}: {message}. Sign in again to replace it, or fix or delete the file.", path.display())]
    FileFormat {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read or written.
    #[error("Could not {action} {}: {source}", path.display())]
    FileIo {
        /// The file.
        path: PathBuf,
        /// What was being done (read, write, replace...).
        action: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A bug or an unexpected state inside ECS Desk.
    #[error("Something went wrong inside ECS Desk: {0}")]
    Internal(String),
    /// AWS refused an action because the caller's role lacks `action` (explained per action).
    #[error("Your {principal} may view but not {verb}: it lacks {action}.")]
    ActionDenied {
        /// The AWS error code as returned.
        code: String,
        /// "role ReadOnlyAccess", "IAM user jane"...
        principal: String,
        /// What the user tried, e.g. "restart services".
        verb: String,
        /// The IAM action that was refused, e.g. `ecs:UpdateService`.
        action: String,
    },
    /// ECS Desk refused to run an action (plan expired, service changed, protection, busy).
    #[error("{message}")]
    ActionRefused {
        /// Stable code: `PlanExpired`, `PlanNotFound`, `ServiceChanged`, `ConfirmationMismatch`,
        /// `Protected`, `ActionInProgress`, `NotSupported` (ECS refuses it for this kind of
        /// service); `OutcomeUnknown` when the answer was lost and the
        /// change could not be seen (see `aws::delivery`).
        code: &'static str,
        /// Why, in plain words.
        message: String,
    },
}

/// The plain-words message for an access-denied error on `action`.
fn access_denied_text(action: &str) -> String {
    let verb = action.split(':').nth(1).unwrap_or(action);
    let read_only = ["Describe", "List", "Get"]
        .iter()
        .any(|prefix| verb.starts_with(prefix));
    if read_only {
        format!("Your role may not view this (missing {action}). Ask your AWS administrator for read access.")
    } else {
        format!(
            "Your role may view but not change this service (missing {action}). Ask your AWS administrator, or sign in with an operator role."
        )
    }
}

impl CoreError {
    /// The stable code the UI switches on (an AWS code or an app code).
    pub fn code(&self) -> &str {
        match self {
            CoreError::Unreachable { .. } => "Unreachable",
            CoreError::ExpiredCredentials { .. } => "ExpiredCredentials",
            CoreError::AccessDenied { code, .. } => code,
            // One code for every service's spelling (ThrottlingException, Throttling,
            // TooManyRequestsException...), so the UI switches on one value.
            CoreError::Throttled { .. } => "Throttling",
            CoreError::Aws { code, .. } => code,
            CoreError::NotFound(_) => "NotFound",
            CoreError::InvalidInput(_) => "InvalidInput",
            CoreError::Config { .. } | CoreError::ConfigIo { .. } => "ConfigError",
            CoreError::SignInRequired { .. } => "SignInRequired",
            CoreError::Cancelled(_) => "Cancelled",
            CoreError::Keyring(_) => "KeyringUnavailable",
            CoreError::FileFormat { .. } | CoreError::FileIo { .. } => "ConfigError",
            CoreError::Internal(_) => "Internal",
            CoreError::ActionDenied { code, .. } => code,
            CoreError::ActionRefused { code, .. } => code,
        }
    }

    /// Whether the same request may succeed if tried again later.
    pub fn retryable(&self) -> bool {
        match self {
            CoreError::Unreachable { .. } | CoreError::Throttled { .. } => true,
            CoreError::Aws { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// Maps an SDK error of the IAM action `action` (e.g. `ecs:ListClusters`) sent to `endpoint`.
    pub fn from_sdk<E>(err: SdkError<E, HttpResponse>, action: &str, endpoint: &str) -> CoreError
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        // Credential provider failures (expired SSO token, failing credential_process) surface
        // wrapped in a dispatch/construction error; find them before calling it a network issue.
        if let Some(cred) = find_in_chain::<CredentialsError>(&err) {
            return credentials_error(cred);
        }
        match &err {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                let code = inner.code().unwrap_or("UnknownError").to_string();
                let message = inner.message().unwrap_or("no details given").to_string();
                from_code(
                    code,
                    message,
                    action,
                    service.raw().status().is_server_error(),
                )
            }
            SdkError::TimeoutError(_) => CoreError::Unreachable {
                endpoint: endpoint.to_string(),
                detail: "the request timed out".to_string(),
            },
            SdkError::DispatchFailure(failure) => {
                if failure.is_user() {
                    CoreError::Internal(chain_text(&err))
                } else {
                    CoreError::Unreachable {
                        endpoint: endpoint.to_string(),
                        detail: chain_text(&err),
                    }
                }
            }
            SdkError::ResponseError(_) => CoreError::Aws {
                code: "InvalidResponse".to_string(),
                action: action.to_string(),
                message: format!("the answer could not be understood ({})", chain_text(&err)),
                retryable: true,
            },
            _ => CoreError::Internal(chain_text(&err)),
        }
    }
}

/// Builds the error for an AWS error `code` with `message`.
fn from_code(code: String, message: String, action: &str, server_error: bool) -> CoreError {
    if EXPIRED_CODES.contains(&code.as_str()) {
        CoreError::ExpiredCredentials {
            detail: format!("{code}: {message}"),
        }
    } else if THROTTLE_CODES.contains(&code.as_str()) {
        CoreError::Throttled { code }
    } else if ACCESS_DENIED_CODES.contains(&code.as_str()) {
        CoreError::AccessDenied {
            code,
            action: action.to_string(),
            detail: message,
        }
    } else {
        let retryable = server_error
            || matches!(
                code.as_str(),
                "ServerException" | "InternalFailure" | "ServiceUnavailable" | "InternalError"
            );
        CoreError::Aws {
            code,
            action: action.to_string(),
            message,
            retryable,
        }
    }
}

/// Maps a credentials provider failure.
fn credentials_error(err: &CredentialsError) -> CoreError {
    // A provider that needs the user to sign in again (IAM Identity Center) says so, so the UI
    // can ask for a sign-in instead of showing a dead end.
    if let Some(CoreError::SignInRequired { session, detail }) = find_in_chain::<CoreError>(err) {
        return CoreError::SignInRequired {
            session: session.clone(),
            detail: detail.clone(),
        };
    }
    let detail = chain_text(err);
    match err {
        CredentialsError::CredentialsNotLoaded(_) => CoreError::ExpiredCredentials { detail },
        CredentialsError::InvalidConfiguration(_) => CoreError::Config {
            path: crate::util::paths::config_file_path().unwrap_or_default(),
            line: 0,
            message: detail,
        },
        _ => CoreError::ExpiredCredentials { detail },
    }
}

/// The first error of type `T` in `err`'s source chain, `err` included.
fn find_in_chain<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current: Option<&'a (dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// All messages of an error's source chain joined, for the details view.
fn chain_text(err: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut current = err.source();
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// An error as it crosses the bridge to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ErrorPayload {
    /// AWS error code (e.g. `AccessDeniedException`) or app code (`Unreachable`, `ExpiredCredentials`,
    /// `NotFound`, `InvalidInput`, `ConfigError`, `Internal`).
    pub code: String,
    /// What happened, in plain words.
    pub message: String,
    /// Whether trying again later may help.
    pub retryable: bool,
}

impl From<CoreError> for ErrorPayload {
    fn from(err: CoreError) -> Self {
        ErrorPayload {
            code: err.code().to_string(),
            message: err.to_string(),
            retryable: err.retryable(),
        }
    }
}

impl From<&CoreError> for ErrorPayload {
    fn from(err: &CoreError) -> Self {
        ErrorPayload {
            code: err.code().to_string(),
            message: err.to_string(),
            retryable: err.retryable(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_codes_map_to_expired_credentials() {
        for code in [
            "ExpiredToken",
            "ExpiredTokenException",
            "InvalidClientTokenId",
        ] {
            let err = from_code(code.into(), "x".into(), "ecs:ListClusters", false);
            assert_eq!(err.code(), "ExpiredCredentials", "{code}");
            assert!(!err.retryable());
            assert!(err.to_string().contains("sign-in has expired"));
        }
    }

    #[test]
    fn throttling_is_retryable_and_keeps_code() {
        let err = from_code(
            "ThrottlingException".into(),
            "Rate exceeded".into(),
            "ecs:DescribeServices",
            false,
        );
        assert_eq!(err.code(), "Throttling");
        assert!(err.retryable());
        assert!(err
            .to_string()
            .contains("AWS is throttling requests — retrying"));
    }

    #[test]
    fn access_denied_names_missing_action() {
        let err = from_code(
            "AccessDeniedException".into(),
            "not authorized".into(),
            "ecs:UpdateService",
            false,
        );
        let payload = ErrorPayload::from(err);
        assert_eq!(payload.code, "AccessDeniedException");
        assert!(payload.message.contains("view but not change"));
        assert!(payload.message.contains("ecs:UpdateService"));
        assert!(!payload.retryable);

        let read = from_code(
            "AccessDeniedException".into(),
            "not authorized".into(),
            "ecs:DescribeServices",
            false,
        );
        assert!(read.to_string().contains("may not view"));
    }

    #[test]
    fn server_errors_are_retryable() {
        let err = from_code(
            "ServerException".into(),
            "boom".into(),
            "ecs:ListTasks",
            false,
        );
        assert!(err.retryable());
        let other = from_code(
            "ClusterNotFoundException".into(),
            "gone".into(),
            "ecs:ListServices",
            false,
        );
        assert!(!other.retryable());
        assert_eq!(other.code(), "ClusterNotFoundException");
    }

    #[test]
    fn payload_serialises_camel_case() {
        let payload = ErrorPayload::from(CoreError::InvalidInput("bad".into()));
        let json = serde_json::to_value(&payload).unwrap();
        assert_eq!(json["code"], "InvalidInput");
        assert_eq!(json["retryable"], false);
        assert_eq!(json["message"], "bad");
    }
}
