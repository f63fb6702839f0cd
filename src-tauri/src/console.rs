//! The console bridge: links to the AWS console page of a resource, and opening them in the
//! browser — delegations to `ecsdesk_core::model::console`.

use ecsdesk_core::app::console::{console_link, ConsoleLink};
use ecsdesk_core::model::console::{console_url as core_console_url, ConsoleTarget};
use ecsdesk_core::{CoreError, Partition, SessionRegistry};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::bridge::Reply;

/// The console URL of a resource in `region` of `partition`.
#[tauri::command]
pub async fn console_url(
    partition: Partition,
    region: String,
    target: ConsoleTarget,
) -> Reply<String> {
    Ok(core_console_url(partition, &region, &target)?)
}

/// Opens the console page of a resource in the browser for session `session_id`, signed in as
/// its account and role (access portal or federation sign-in); returns what the page may know
/// of it (never the sign-in token).
#[tauri::command]
pub async fn open_console<R: Runtime>(
    app: AppHandle<R>,
    registry: State<'_, SessionRegistry>,
    session_id: String,
    target: ConsoleTarget,
) -> Reply<ConsoleLink> {
    // The core checked the URL against the link rule (AWS hosts, or the configured endpoint).
    let opening = console_link(&registry, &session_id, &target).await?;
    open_in_browser(&app, &opening.open)?;
    Ok(opening.link)
}

/// Opens `url` in the browser: the program named by `ECSDESK_BROWSER` when set (a chosen
/// browser, or the end-to-end tests' recorder), else the desktop's default browser.
fn open_in_browser<R: Runtime>(app: &AppHandle<R>, url: &str) -> Result<(), CoreError> {
    if let Some(program) = std::env::var_os("ECSDESK_BROWSER").filter(|p| !p.is_empty()) {
        return std::process::Command::new(&program)
            .arg(url)
            .spawn()
            .map(|mut child| {
                // Reap it when it exits, so no zombie is left behind.
                std::thread::spawn(move || child.wait());
            })
            .map_err(|e| {
                CoreError::Internal(format!(
                    "starting the browser {} (ECSDESK_BROWSER): {e}",
                    std::path::Path::new(&program).display()
                ))
            });
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| CoreError::Internal(format!("opening the browser: {e}")))
}

#[cfg(test)]
mod tests {
    use crate::tests::call;

    #[test]
    fn console_links_cross_the_bridge_for_both_partitions() {
        let gov = call(
            "console_url",
            serde_json::json!({
                "partition": "aws-us-gov",
                "region": "us-gov-east-1",
                "target": { "kind": "task", "cluster": "coe-ecs-prod", "taskId": "abc" }
            }),
        )
        .expect("allowed");
        assert_eq!(
            gov,
            "https://console.amazonaws-us-gov.com/ecs/v2/clusters/coe-ecs-prod/tasks/abc/configuration?region=us-gov-east-1"
        );
        let com = call(
            "console_url",
            serde_json::json!({
                "partition": "aws",
                "region": "us-east-1",
                "target": { "kind": "logGroup", "name": "/ecs/api-staging" }
            }),
        )
        .expect("allowed");
        assert!(
            com.as_str().unwrap_or_default().starts_with(
                "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:"
            ),
            "{com}"
        );
        let err = call(
            "console_url",
            serde_json::json!({
                "partition": "aws",
                "region": "us-gov-east-1",
                "target": { "kind": "cluster", "cluster": "x" }
            }),
        )
        .expect_err("a GovCloud region in the commercial console is refused");
        assert_eq!(err["code"], "InvalidInput");
    }
}
