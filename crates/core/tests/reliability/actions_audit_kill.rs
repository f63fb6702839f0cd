//! The audit line of an action is complete on disk even when the app is killed (SIGKILL) right
//! after the action reported success. The test runs itself again as a child process that appends
//! a record, says so, and waits to be killed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use ecsdesk_core::store::audit::{AuditEvent, AuditLog, AuditRecord};

/// Set in the child: the audit file to append to.
const CHILD_ENV: &str = "ECSDESK_AUDIT_KILL_CHILD";

fn record() -> AuditRecord {
    AuditRecord {
        time: "2024-05-01T10:00:00Z".into(),
        event: AuditEvent::Executed,
        plan_id: "0123456789abcdef".into(),
        user: "demo-govcloud".into(),
        caller_arn: "arn:aws-us-gov:iam::210987654321:user/demo-govcloud".into(),
        partition: "aws-us-gov".into(),
        account_id: "210987654321".into(),
        role: None,
        region: "us-gov-east-1".into(),
        cluster: "coe-ecs-prod".into(),
        service: "coe-etl-prod-Service".into(),
        action: "forceNewDeployment".into(),
        parameters: serde_json::json!({}),
        // Long enough that a torn write would show.
        plan_summary: "Restart coe-etl-prod-Service (force new deployment): ".repeat(200),
        result: "started".into(),
        message: None,
        deployment_id: Some("ecs-svc/1234567890123456789".into()),
    }
}

#[test]
fn audit_line_is_complete_after_kill_9() {
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        // Child: append like an action does, report success, then wait to be killed.
        AuditLog::new(path).append(&record()).expect("append");
        println!("AUDIT-APPENDED");
        std::thread::sleep(std::time::Duration::from_secs(60));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    // An earlier action's line is already there.
    AuditLog::new(&path).append(&record()).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "actions_audit_kill::audit_line_is_complete_after_kill_9",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child starts");
    let stdout = child.stdout.take().unwrap();
    let mut saw = false;
    for line in BufReader::new(stdout).lines() {
        if line.unwrap_or_default().contains("AUDIT-APPENDED") {
            saw = true;
            break;
        }
    }
    assert!(saw, "the child never reported its append");
    // Killed (SIGKILL on Unix) the moment it reported success.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with('\n'), "the last line is complete");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    for line in lines {
        let parsed: AuditRecord = serde_json::from_str(line).expect("each line is whole JSON");
        assert_eq!(parsed, record());
    }
    assert_eq!(AuditLog::new(&path).records().unwrap().len(), 2);
}
