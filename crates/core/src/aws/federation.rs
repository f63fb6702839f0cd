//! The console's federation sign-in for sessions that did not come through the access portal:
//! temporary credentials (the session's own, or GetFederationToken's for long-term IAM user
//! keys) become a sign-in token at the partition's federation endpoint, and the login URL spends
//! it. The credentials and the token stay in memory: never logged, never written.

use std::sync::Arc;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::console::{federation_endpoint, federation_login_url};

/// How long a federated user's session lasts (the console session follows its credentials).
const FEDERATED_SECS: i32 = 3600;

/// The session policy GetFederationToken needs (without one the federated user may do nothing);
/// the federated user's permissions are the intersection of this and the IAM user's own.
const SESSION_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The largest sign-in answer read (the token is about a kilobyte).
const MAX_ANSWER: usize = 64 * 1024;

/// A federated user's name from an IAM user name: 2–32 characters of `[\w+=,.@-]`.
pub fn federated_name(user: &str) -> String {
    let clean: String = user
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c))
        .collect();
    let name = format!("ecsdesk-{clean}");
    name.chars().take(32).collect()
}

/// Temporary credentials for the console: the session's own when they are temporary, else a
/// federated user's from GetFederationToken (which only long-term IAM user keys may call).
async fn temporary(session: &Session) -> Result<(String, String, String), CoreError> {
    let own = session.credentials().await?;
    if let Some(token) = own.session_token() {
        return Ok((
            own.access_key_id().to_string(),
            own.secret_access_key().to_string(),
            token.to_string(),
        ));
    }
    let user = session
        .info()
        .arn
        .rsplit('/')
        .next()
        .unwrap_or("user")
        .to_string();
    let out = session
        .sts
        .get_federation_token()
        .name(federated_name(&user))
        .policy(SESSION_POLICY)
        .duration_seconds(FEDERATED_SECS)
        .send()
        .await
        .map_err(session.error("sts:GetFederationToken"))?;
    let creds = out.credentials().ok_or_else(|| {
        CoreError::Internal("GetFederationToken answered without credentials".into())
    })?;
    Ok((
        creds.access_key_id().to_string(),
        creds.secret_access_key().to_string(),
        creds.session_token().to_string(),
    ))
}

/// GET `url` over https (or http for an endpoint configured in AWS's place, the simulator) and
/// return the body of a 200 answer.
async fn get(url: &str, endpoint: &str) -> Result<String, CoreError> {
    let failed = |detail: String| CoreError::Unreachable {
        endpoint: endpoint.to_string(),
        detail,
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(provider)
        .map_err(|e| failed(format!("no TLS roots: {e}")))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build(https);
    let uri: hyper::Uri = url
        .parse()
        .map_err(|e| failed(format!("bad sign-in URL: {e}")))?;
    let answer = tokio::time::timeout(std::time::Duration::from_secs(15), client.get(uri))
        .await
        .map_err(|_| failed("the sign-in endpoint did not answer within 15 s".into()))?
        .map_err(|e| failed(format!("the sign-in endpoint could not be reached: {e}")))?;
    let status = answer.status();
    let body = http_body_util::Limited::new(answer.into_body(), MAX_ANSWER)
        .collect()
        .await
        .map_err(|e| failed(format!("reading the sign-in answer: {e}")))?
        .to_bytes();
    let text = String::from_utf8_lossy(&body).into_owned();
    if !status.is_success() {
        // The endpoint's refusal names what was wrong; it never echoes the credentials.
        let reason: String = text.chars().take(200).collect();
        return Err(CoreError::InvalidInput(format!(
            "The AWS sign-in endpoint refused the session ({status}): {reason}"
        )));
    }
    Ok(text)
}

/// The login URL that opens `destination` signed in as the session (one GetFederationToken for
/// IAM user keys, then one getSigninToken). The URL carries a sign-in token good for 15
/// minutes: it goes to the browser and nowhere else.
pub async fn signin_url(session: &Session, destination: &str) -> Result<String, CoreError> {
    let endpoint = federation_endpoint(session.info().partition, session.endpoint_url());
    let (id, key, token) = temporary(session).await?;
    let json = serde_json::json!({ "sessionId": id, "sessionKey": key, "sessionToken": token });
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "getSigninToken")
        .append_pair("Session", &json.to_string())
        .finish();
    let answer = get(&format!("{endpoint}?{query}"), &endpoint).await?;
    let signin: serde_json::Value = serde_json::from_str(&answer).map_err(|_| {
        CoreError::InvalidInput(
            "The AWS sign-in endpoint answered something other than a sign-in token.".into(),
        )
    })?;
    let token = signin
        .get("SigninToken")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| {
            CoreError::InvalidInput("The AWS sign-in endpoint's answer has no SigninToken.".into())
        })?;
    Ok(federation_login_url(&endpoint, token, destination))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn federated_names_fit_sts_rules() {
        assert_eq!(federated_name("demo-commercial"), "ecsdesk-demo-commercial");
        assert_eq!(federated_name("jane doe/ops"), "ecsdesk-janedoeops");
        let long = federated_name(&"x".repeat(60));
        assert_eq!(long.len(), 32);
    }
}
