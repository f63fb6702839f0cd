//! "Open in the AWS console" for a session: the console page of a resource in the session's
//! partition and region, opened signed in as the session's account and role where the session
//! came through the access portal.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::aws::session::SessionRegistry;
use crate::error::CoreError;
use crate::model::console::{console_url, portal_shortcut, ConsoleTarget};

/// Where the console button of a session goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleLink {
    /// The URL the browser opens.
    pub url: String,
    /// Whether it signs the browser in as the session's account and role.
    pub signed_in: bool,
}

/// The console link of `target` for session `id`: through the access portal's shortcut for an
/// IAM Identity Center session (signed in to its account and role), else the page itself.
pub async fn console_link(
    registry: &SessionRegistry,
    id: &str,
    target: &ConsoleTarget,
) -> Result<ConsoleLink, CoreError> {
    let session = registry.get(id).await?;
    let info = session.info();
    let page = console_url(info.partition, &info.region, target)?;
    Ok(match session.portal() {
        Some((start_url, account, role)) => ConsoleLink {
            url: portal_shortcut(start_url, account, role, &page),
            signed_in: true,
        },
        None => ConsoleLink {
            url: page,
            signed_in: false,
        },
    })
}
