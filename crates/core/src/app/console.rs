//! "Open in the AWS console" for a session: the console page of a resource in the session's
//! partition and region, opened signed in as the session's account and role — through the
//! access portal's shortcut for IAM Identity Center sessions, through the partition's federation
//! sign-in for sessions from keys or assumed roles.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::aws::federation::signin_url;
use crate::aws::session::SessionRegistry;
use crate::error::CoreError;
use crate::model::console::{console_url, portal_shortcut, ConsoleTarget};
use crate::model::links::LinkPolicy;

/// What the page is told about a console link it asked for (never a sign-in token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleLink {
    /// The page opened (or the portal shortcut to it).
    pub url: String,
    /// Whether the browser arrives signed in as the session's account and role.
    pub signed_in: bool,
    /// How, in words: "… through your access portal", "signed in through AWS sign-in", or why
    /// the browser must sign in by itself.
    pub how: String,
}

/// A console link ready for the browser: the URL to open, which may carry a sign-in token good
/// for 15 minutes (so it goes to the browser only), and what the page is told.
#[derive(Clone)]
pub struct ConsoleOpening {
    /// The URL the browser opens; checked against the app's link rule.
    pub open: String,
    /// What the page is told.
    pub link: ConsoleLink,
}

impl std::fmt::Debug for ConsoleOpening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a sign-in token: never in logs.
        f.debug_struct("ConsoleOpening")
            .field("open", &"<redacted>")
            .field("link", &self.link)
            .finish()
    }
}

/// The console link of `target` for session `id`: signed in through the access portal's
/// shortcut (IAM Identity Center sessions) or the federation sign-in (keys, assumed roles); the
/// page itself, with the reason, when the federation sign-in is refused.
pub async fn console_link(
    registry: &SessionRegistry,
    id: &str,
    target: &ConsoleTarget,
) -> Result<ConsoleOpening, CoreError> {
    let session = registry.get(id).await?;
    let info = session.info();
    let page = console_url(info.partition, &info.region, target)?;
    let opening = match session.portal() {
        Some((start_url, account, role)) => {
            let url = portal_shortcut(start_url, account, role, &page);
            ConsoleOpening {
                open: url.clone(),
                link: ConsoleLink {
                    url,
                    signed_in: true,
                    how: format!("signed in as {role} through your access portal"),
                },
            }
        }
        None => match signin_url(&session, &page).await {
            Ok(open) => ConsoleOpening {
                open,
                link: ConsoleLink {
                    url: page,
                    signed_in: true,
                    how: "signed in through AWS sign-in".into(),
                },
            },
            Err(e) => ConsoleOpening {
                open: page.clone(),
                link: ConsoleLink {
                    url: page,
                    signed_in: false,
                    how: format!("sign in there yourself: ECS Desk could not sign you in ({e})"),
                },
            },
        },
    };
    // The page does not choose the URL, but the rule is checked here all the same: AWS's hosts,
    // plus the endpoint configured in AWS's place (the simulator, on loopback only).
    let policy = match session.endpoint_url() {
        Some(url) => LinkPolicy::aws().allow_endpoint(url),
        None => LinkPolicy::aws(),
    };
    policy.check(&opening.open)?;
    Ok(opening)
}
