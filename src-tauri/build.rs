//! Generates the Tauri context and the permissions of the app's own commands.

/// Every command of the bridge; each gets an `allow-<command>` permission.
const COMMANDS: &[&str] = &[
    "list_profiles",
    "list_partitions",
    "open_session",
    "list_sessions",
    "set_session_region",
    "close_session",
    "list_clusters",
    "list_services",
    "get_service",
    "list_tasks",
    "get_task",
    "list_sso_sessions",
    "add_sso_session",
    "sso_login_start",
    "sso_login_cancel",
    "sso_logout",
    "list_sso_accounts",
    "list_sso_roles",
    "set_favourite",
    "open_sso_session",
    "plan_action",
    "execute_action",
    "cancel_action",
    "get_action_status",
    "list_revisions",
    "list_audit",
    "export_audit_csv",
    "get_protection",
    "set_protection",
    "services_health",
    "service_health",
    "service_metrics",
    "export_chart_png",
    "target_health",
    "service_alarms",
    "stopped_tasks",
    "service_deployments",
    "task_definition_diff",
    "service_events",
    "log_sources",
    "log_recent",
    "log_search",
    "log_errors",
    "log_follow_start",
    "log_follow_pause",
    "log_follow_resume",
    "log_follow_stop",
    "log_save",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|err| panic!("tauri-build failed: {err:#}"));
}
