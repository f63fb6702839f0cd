//! The console's federation sign-in endpoint (`signin.aws.amazon.com/federation`,
//! `signin.amazonaws-us-gov.com/federation`): `getSigninToken` turns temporary credentials into a
//! sign-in token, and `login` spends it, sending the browser on to a console page of the
//! credentials' partition.

use std::collections::HashMap;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde_json::Value;

use crate::server::plain;
use crate::SharedWorld;

/// A sign-in token is good for 15 minutes.
pub const SIGNIN_TOKEN_SECS: f64 = 900.0;

/// The console hosts a partition's sign-in may send the browser to.
fn console_prefixes(partition: &str) -> &'static [&'static str] {
    match partition {
        "aws-us-gov" => &["https://console.amazonaws-us-gov.com/"],
        _ => &["https://console.aws.amazon.com/"],
    }
}

fn refuse(message: &str) -> Response<Full<Bytes>> {
    plain(400, "text/plain; charset=utf-8", message.to_string())
}

/// Answer one GET of `/federation?…`.
pub fn handle(world: &SharedWorld, query: &str) -> Response<Full<Bytes>> {
    let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| params.get(k).map(String::as_str);
    let Ok(mut w) = world.lock() else {
        return plain(500, "text/plain", "simulator state poisoned");
    };
    let now = w.clock.now();
    match get("Action") {
        Some("getSigninToken") => {
            let Some(session) = get("Session").and_then(|s| serde_json::from_str::<Value>(s).ok())
            else {
                return refuse(
                    "Session must be a JSON object with sessionId, sessionKey and sessionToken",
                );
            };
            let field = |k: &str| session.get(k).and_then(Value::as_str).unwrap_or_default();
            let Some(cred) = w.credentials.get(field("sessionId")) else {
                return refuse("The security token included in the request is invalid");
            };
            let valid = cred.secret_access_key == field("sessionKey")
                && cred.session_token.as_deref() == Some(field("sessionToken"))
                && cred.expires_at.is_some_and(|t| t > now);
            if !valid {
                // Long-term keys are refused too: the endpoint takes temporary credentials only.
                return refuse("The security token included in the request is invalid or expired");
            }
            if let Some(d) = get("SessionDuration") {
                // SessionDuration is for role sessions; a federated user's session lasts as long
                // as its credentials.
                let ok = d.parse::<u32>().is_ok_and(|d| (900..=43_200).contains(&d));
                if cred.principal.federated || !ok {
                    return refuse(
                        "SessionDuration must be 900–43200 and only with role credentials",
                    );
                }
            }
            let principal = cred.principal.clone();
            let token = format!(
                "{}{}",
                crate::sso::random_session_token(),
                crate::sso::random_key("", 16)
            );
            w.signin_tokens.retain(|_, (_, expires)| *expires > now);
            w.signin_tokens
                .insert(token.clone(), (principal, now + SIGNIN_TOKEN_SECS));
            plain(
                200,
                "application/json",
                serde_json::json!({ "SigninToken": token }).to_string(),
            )
        }
        Some("login") => {
            let Some((principal, expires)) =
                get("SigninToken").and_then(|t| w.signin_tokens.get(t))
            else {
                return refuse("The sign-in token is invalid");
            };
            if *expires <= now {
                return refuse("The sign-in token has expired");
            }
            let destination = get("Destination").unwrap_or_default();
            if !console_prefixes(&principal.partition)
                .iter()
                .any(|p| destination.starts_with(p))
            {
                return refuse("Destination must be a console page of the credentials' partition");
            }
            Response::builder()
                .status(302)
                .header("location", destination)
                .body(Full::new(Bytes::new()))
                .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
        }
        _ => refuse("Action must be getSigninToken or login"),
    }
}
