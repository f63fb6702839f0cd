//! ECS Desk Tauri shell: app state, plugins and the command bridge. All logic is in ecsdesk-core.

pub mod actions;
pub mod commands;
pub mod fleet;
pub mod health;
pub mod sso;

use ecsdesk_core::app::observability::Observability;
use ecsdesk_core::{ActionCenter, SessionRegistry, SignIn};
use tauri::{Builder, Manager, Runtime};

/// Adds the app's state, plugins and commands to `builder` (any runtime, so tests can mock it).
pub fn run_app<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .manage(SessionRegistry::new())
        .setup(|app| {
            // Account lists and favourites live in the app's data folder; tokens in the AWS CLI
            // cache and the OS keyring.
            let data_dir = app.path().app_data_dir()?;
            // The audit log and protection settings live there too; CSV exports go to Downloads.
            let exports = app
                .path()
                .download_dir()
                .unwrap_or_else(|_| data_dir.join("exports"));
            app.manage(ActionCenter::new(&data_dir, &exports));
            app.manage(
                Observability::new(exports.join("ECS Desk")).with_thresholds(
                    ecsdesk_core::store::thresholds::ThresholdStore::in_dir(&data_dir),
                ),
            );
            // Pins, history and snapshots live in the data folder too.
            app.manage(ecsdesk_core::app::fleet::FleetStore::open(&data_dir));
            let history =
                ecsdesk_core::store::history::History::open(&data_dir.join("history.sqlite"))
                    .or_else(|_| ecsdesk_core::store::history::History::in_memory())?;
            app.manage(history);
            app.manage(fleet::SnapshotDir(data_dir.join("snapshots")));
            app.manage(SignIn::from_env(data_dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::list_profiles,
            commands::list_partitions,
            commands::open_session,
            commands::list_sessions,
            commands::set_session_region,
            commands::close_session,
            commands::list_clusters,
            commands::list_services,
            commands::get_service,
            commands::list_tasks,
            commands::get_task,
            sso::list_sso_sessions,
            sso::add_sso_session,
            sso::sso_login_start,
            sso::sso_login_cancel,
            sso::sso_logout,
            sso::list_sso_accounts,
            sso::list_sso_roles,
            sso::set_favourite,
            sso::open_sso_session,
            actions::plan_action,
            actions::execute_action,
            actions::cancel_action,
            actions::get_action_status,
            actions::list_revisions,
            actions::list_audit,
            actions::export_audit_csv,
            actions::get_protection,
            actions::set_protection,
            health::services_health,
            health::service_health,
            health::get_thresholds,
            health::set_thresholds,
            health::service_metrics,
            health::export_chart_png,
            health::target_health,
            health::service_alarms,
            health::stopped_tasks,
            health::service_deployments,
            health::task_definition_diff,
            health::service_events,
            health::log_sources,
            health::log_recent,
            health::log_search,
            health::log_errors,
            health::log_follow_start,
            health::log_follow_pause,
            health::log_follow_resume,
            health::log_follow_stop,
            health::log_save,
            fleet::console_url,
            fleet::open_console,
            fleet::list_pins,
            fleet::pin_service,
            fleet::unpin_service,
            fleet::fleet_view,
            fleet::palette_index,
            fleet::service_history,
            fleet::set_history_retention,
            fleet::write_snapshot,
        ])
}

/// Starts the desktop app.
pub fn run() {
    #[cfg(target_os = "linux")]
    prefer_software_rendering_without_gpu(std::path::Path::new("/dev/dri"));
    if let Err(err) = run_app(tauri::Builder::default()).run(tauri::generate_context!()) {
        eprintln!("ECS Desk could not start: {err}");
        std::process::exit(1);
    }
}

/// WebKitGTK's switch for accelerated compositing.
#[cfg(target_os = "linux")]
const COMPOSITING_OFF: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Turns WebKitGTK's accelerated compositing off on a machine without a GPU render node (virtual
/// desktops, remote sessions, Xvfb), unless the user chose a setting. Compositing through a
/// software GL driver costs more CPU than it saves: measured with the 1,000-service list, it
/// dropped 33 of 240 frames of a fast scroll against 10 without it, and the page's process took
/// 440 MB against 253 MB (BENCHMARKS.md). Machines with a GPU keep compositing.
#[cfg(target_os = "linux")]
fn prefer_software_rendering_without_gpu(dri: &std::path::Path) {
    if std::env::var_os(COMPOSITING_OFF).is_none() && !has_render_node(dri) {
        // Before any thread starts: nothing else reads the environment yet.
        std::env::set_var(COMPOSITING_OFF, "1");
    }
}

/// Whether `dri` (normally /dev/dri) holds a GPU render node (`renderD128`, ...).
#[cfg(target_os = "linux")]
fn has_render_node(dri: &std::path::Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::WebviewWindowBuilder;

    /// Builds the app on the mock runtime with the real context (capabilities included) and the
    /// main window, as the UI would see it.
    fn mock_app() -> (
        tauri::App<tauri::test::MockRuntime>,
        tauri::WebviewWindow<tauri::test::MockRuntime>,
    ) {
        let app = run_app(mock_builder())
            .build(tauri::generate_context!())
            .expect("mock app builds");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock window builds");
        (app, window)
    }

    /// An IPC request for `cmd` with JSON `args`.
    fn request(cmd: &str, args: serde_json::Value) -> InvokeRequest {
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("valid url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        }
    }

    #[test]
    fn list_partitions_crosses_the_bridge() {
        let (_app, window) = mock_app();
        let response = get_ipc_response(&window, request("list_partitions", serde_json::json!({})))
            .expect("list_partitions succeeds");
        let value: serde_json::Value = response.deserialize().expect("json reply");
        assert_eq!(value[0]["id"], "aws");
        assert_eq!(value[1]["id"], "aws-us-gov");
        assert_eq!(value[1]["defaultRegion"], "us-gov-east-1");
    }

    #[test]
    fn errors_reach_the_ui_as_payloads() {
        let (_app, window) = mock_app();
        let err = get_ipc_response(
            &window,
            request("list_clusters", serde_json::json!({ "sessionId": "nope" })),
        )
        .expect_err("unknown session is an error");
        assert_eq!(err["code"], "NotFound");
        assert_eq!(err["retryable"], false);
        assert!(err["message"].as_str().unwrap_or_default().contains("nope"));

        let sessions = get_ipc_response(&window, request("list_sessions", serde_json::json!({})))
            .expect("list_sessions succeeds");
        let value: serde_json::Value = sessions.deserialize().expect("json reply");
        assert_eq!(value, serde_json::json!([]));
    }

    #[test]
    fn action_commands_are_registered_and_allowed() {
        let (app, window) = mock_app();
        // Setup (which manages the action center in the app data folder) only runs in `run`.
        let dir = std::env::temp_dir().join(format!("ecsdesk-shell-test-{}", std::process::id()));
        app.manage(ActionCenter::new(&dir, &dir));
        let entries = get_ipc_response(
            &window,
            request("list_audit", serde_json::json!({ "filter": {} })),
        )
        .expect("list_audit is allowed");
        let value: serde_json::Value = entries.deserialize().expect("json reply");
        assert!(value.is_array());
        let err = get_ipc_response(
            &window,
            request(
                "plan_action",
                serde_json::json!({
                    "sessionId": "nope",
                    "cluster": "c",
                    "service": "s",
                    "action": { "kind": "forceNewDeployment" }
                }),
            ),
        )
        .expect_err("unknown session");
        assert_eq!(err["code"], "NotFound");
    }

    #[test]
    fn capabilities_deny_what_the_app_does_not_need() {
        let (_app, window) = mock_app();
        let denied = get_ipc_response(
            &window,
            request(
                "plugin:opener|open_path",
                serde_json::json!({ "path": "/etc/passwd" }),
            ),
        )
        .expect_err("opening local paths is not allowed");
        assert!(denied.to_string().contains("not allowed"), "{denied}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_render_node_is_a_gpu_and_anything_else_is_not() {
        let dir = std::env::temp_dir().join(format!("ecsdesk-dri-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        assert!(!has_render_node(&dir), "an empty /dev/dri has no GPU");
        assert!(!has_render_node(&dir.join("missing")), "no /dev/dri at all");
        std::fs::write(dir.join("card0"), b"").expect("card0");
        assert!(
            !has_render_node(&dir),
            "a display-only card node is not a render node"
        );
        std::fs::write(dir.join("renderD128"), b"").expect("renderD128");
        assert!(has_render_node(&dir));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
