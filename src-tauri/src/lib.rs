//! ECS Desk Tauri shell: app state, plugins and the command bridge. All logic is in ecsdesk-core.
//!
//! Each module serves one part of the UI (`ui/src/api.ts` calls the commands by name) and only
//! delegates to the core; `bridge` holds what they share: `Reply<T>`, `blocking` for file work,
//! and argument groups. A new command goes in four places, which `tests/commands.rs` keeps in
//! step: its module here, `generate_handler!` below, `COMMANDS` in `build.rs` and an
//! `allow-<command>` permission in `capabilities/default.json`.

pub mod actions;
pub mod bridge;
pub mod browse;
pub mod console;
pub mod fleet;
pub mod health;
pub mod insights;
pub mod logs;
pub mod sessions;
pub mod signin;
pub mod zoom;

use ecsdesk_core::app::observability::Observability;
use ecsdesk_core::{ActionCenter, SessionRegistry, SignIn};
use tauri::{Builder, Manager, Runtime};

/// Adds the app's state, plugins and commands to `builder` (any runtime, so tests can mock it).
pub fn run_app<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(SessionRegistry::new())
        .setup(|app| {
            // Account lists and favourites live in the app's data folder; tokens in the AWS CLI
            // cache and the OS keyring.
            let data_dir = app.path().app_data_dir()?;
            // The audit log and protection settings live there too. Everything the user saves
            // (audit CSV, chart PNG, log lines, snapshots) goes new into one exports folder the
            // page cannot choose.
            let exports = app
                .path()
                .download_dir()
                .unwrap_or_else(|_| data_dir.clone())
                .join("ECS Desk");
            app.manage(ActionCenter::new(&data_dir, &exports));
            app.manage(Observability::new(exports).with_thresholds(
                ecsdesk_core::store::thresholds::ThresholdStore::in_dir(&data_dir),
            ));
            // Pins and history live in the data folder too.
            app.manage(ecsdesk_core::store::pins::FleetStore::open(&data_dir));
            let history =
                ecsdesk_core::store::history::History::open(&data_dir.join("history.sqlite"))
                    .or_else(|_| ecsdesk_core::store::history::History::in_memory())?;
            app.manage(history);
            let prefs = ecsdesk_core::store::preferences::PreferenceStore::in_dir(&data_dir);
            // The remembered zoom, before the page paints; a damaged preferences file leaves the
            // normal size (pressing a zoom key then reports the file).
            if let (Ok(percent), Some(window)) = (prefs.zoom(), app.get_webview_window("main")) {
                if percent != ecsdesk_core::model::zoom::NORMAL_ZOOM {
                    let _ = window.set_zoom(ecsdesk_core::model::zoom::scale(percent));
                }
            }
            app.manage(prefs);
            app.manage(SignIn::from_env(data_dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            sessions::list_profiles,
            sessions::list_partitions,
            sessions::open_session,
            sessions::list_sessions,
            sessions::set_session_region,
            sessions::close_session,
            browse::list_clusters,
            browse::list_services,
            browse::get_service,
            browse::list_tasks,
            browse::get_task,
            signin::list_sso_sessions,
            signin::add_sso_session,
            signin::sso_login_start,
            signin::sso_login_cancel,
            signin::keyring_available,
            signin::sso_logout,
            signin::list_sso_accounts,
            signin::list_sso_roles,
            signin::set_favourite,
            signin::open_sso_session,
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
            health::service_scaling,
            health::service_changes,
            insights::insights_queries,
            insights::insights_start,
            insights::insights_results,
            insights::insights_stop,
            health::stopped_tasks,
            health::service_deployments,
            health::task_definition_diff,
            health::service_events,
            logs::log_sources,
            logs::log_recent,
            logs::log_search,
            logs::log_errors,
            logs::log_follow_start,
            logs::log_follow_pause,
            logs::log_follow_resume,
            logs::log_follow_stop,
            logs::log_save,
            console::console_url,
            console::open_console,
            fleet::list_pins,
            fleet::pin_service,
            fleet::unpin_service,
            fleet::fleet_view,
            fleet::palette_index,
            fleet::service_history,
            fleet::set_history_retention,
            fleet::write_snapshot,
            zoom::get_zoom,
            zoom::change_zoom,
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
    pub(crate) fn mock_app() -> (
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
    pub(crate) fn request(cmd: &str, args: serde_json::Value) -> InvokeRequest {
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

    /// Calls `cmd` with JSON `args` on a fresh mock app; the JSON answer or the error payload.
    pub(crate) fn call(
        cmd: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let (_app, window) = mock_app();
        get_ipc_response(&window, request(cmd, args)).map(|r| r.deserialize().expect("json reply"))
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
        assert!(value["entries"].is_array(), "{value}");
        assert_eq!(value["skipped"], 0);
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

    /// A temporary folder of its own for `name`.
    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("ecsdesk-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn grouped_arguments_are_read_from_the_same_keys_as_plain_ones() {
        let (app, window) = mock_app();
        app.manage(Observability::new(temp_dir("charts")));
        let chart = |args: serde_json::Value| {
            get_ipc_response(&window, request("export_chart_png", args)).expect_err("no session")
        };
        let mut args = serde_json::json!({
            "sessionId": "nope",
            "cluster": "c",
            "service": "s",
            "range": { "preset": "1h" },
            "chartId": "cpu",
            "theme": "dark",
            "width": 640,
            "height": 240,
            "thresholds": null
        });
        // Every key read: the call gets as far as the unknown session.
        let err = chart(args.clone());
        assert_eq!(err["code"], "NotFound", "{err}");
        assert!(err["message"].as_str().unwrap_or_default().contains("nope"));
        // A missing key of a group is refused as Tauri refuses a missing plain argument.
        args.as_object_mut().expect("object").remove("height");
        let err = chart(args.clone());
        assert!(
            err.to_string()
                .contains("command export_chart_png missing required key height"),
            "{err}"
        );
        args.as_object_mut().expect("object").remove("sessionId");
        let err = chart(args);
        assert!(
            err.to_string()
                .contains("command export_chart_png missing required key sessionId"),
            "{err}"
        );
    }

    #[test]
    fn file_commands_answer_from_the_blocking_pool() {
        let (app, window) = mock_app();
        let dir = temp_dir("fleet");
        app.manage(ecsdesk_core::store::pins::FleetStore::open(&dir));
        app.manage(ecsdesk_core::store::history::History::in_memory().expect("history"));
        let ok = |cmd: &str, args: serde_json::Value| -> serde_json::Value {
            get_ipc_response(&window, request(cmd, args))
                .unwrap_or_else(|e| panic!("{cmd}: {e}"))
                .deserialize()
                .expect("json reply")
        };
        assert_eq!(
            ok("list_pins", serde_json::json!({})),
            serde_json::json!([])
        );
        assert_eq!(
            ok("unpin_service", serde_json::json!({ "key": "none" })),
            serde_json::json!([])
        );
        assert!(dir.join("fleet.json").exists(), "unpinning saves the pins");
        assert_eq!(
            ok("set_history_retention", serde_json::json!({ "days": 30 })),
            30
        );
        let err = get_ipc_response(
            &window,
            request("set_history_retention", serde_json::json!({ "days": 0 })),
        )
        .expect_err("0 days is refused");
        assert_eq!(err["code"], "InvalidInput");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn capabilities_deny_what_the_app_does_not_need() {
        let (_app, window) = mock_app();
        // Plugins and core APIs the page has no use for: links and dialogs are opened from Rust,
        // so the page cannot open a URL, pick a file, answer a dialog or move the window.
        for (cmd, args) in [
            (
                "plugin:opener|open_path",
                serde_json::json!({ "path": "/etc/passwd" }),
            ),
            (
                "plugin:opener|open_url",
                serde_json::json!({ "url": "https://console.aws.amazon.com/" }),
            ),
            ("plugin:dialog|save", serde_json::json!({ "options": {} })),
            (
                "plugin:dialog|message",
                serde_json::json!({ "message": "Lower protection?" }),
            ),
            (
                "plugin:notification|notify",
                serde_json::json!({ "options": { "title": "x" } }),
            ),
            (
                "plugin:event|listen",
                serde_json::json!({ "event": "x", "target": { "kind": "Any" }, "handler": 1 }),
            ),
            (
                "plugin:window|close",
                serde_json::json!({ "label": "main" }),
            ),
            (
                "plugin:path|resolve_directory",
                serde_json::json!({ "directory": 1 }),
            ),
        ] {
            let denied = get_ipc_response(&window, request(cmd, args))
                .expect_err(&format!("{cmd} must not be allowed"));
            assert!(
                denied.to_string().contains("not allowed"),
                "{cmd}: {denied}"
            );
        }
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
