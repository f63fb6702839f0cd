//! Durability of what ECS Desk writes: the audit log survives kill -9 at any moment (every line
//! reported as written is whole and readable, also after a later append), a torn last line left
//! by a crash does not swallow the next record, and settings files are replaced atomically.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ecsdesk_core::model::protection::{ProtectionLevel, ProtectionSettings};
use ecsdesk_core::store::audit::{AuditEvent, AuditLog, AuditRecord};
use ecsdesk_core::store::protection::ProtectionStore;
use rand::Rng;

/// Set in the child: the audit file to append to, and the round number.
const CHILD_FILE: &str = "ECSDESK_DURABILITY_CHILD_FILE";
const CHILD_ROUND: &str = "ECSDESK_DURABILITY_CHILD_ROUND";

fn record(round: u32, n: u32) -> AuditRecord {
    AuditRecord {
        time: "2024-05-01T10:00:00Z".into(),
        event: AuditEvent::Executed,
        plan_id: format!("r{round}-n{n}"),
        user: "demo-govcloud".into(),
        caller_arn: "arn:aws-us-gov:iam::210987654321:user/demo-govcloud".into(),
        partition: "aws-us-gov".into(),
        account_id: "210987654321".into(),
        role: None,
        region: "us-gov-east-1".into(),
        cluster: "coe-ecs-prod".into(),
        service: "coe-etl-prod-Service".into(),
        action: "forceNewDeployment".into(),
        parameters: serde_json::json!({ "n": n }),
        // Lines of tens of kilobytes widen the window in which a kill can land mid-write.
        plan_summary: "Restart coe-etl-prod-Service (force new deployment). ".repeat(600),
        result: "started".into(),
        message: Some("é ✓ \u{2014} unicode survives".into()),
        deployment_id: Some(format!("ecs-svc/{round}{n:08}")),
    }
}

#[test]
fn audit_log_survives_kill_9_at_many_points() {
    if let (Some(path), Some(round)) = (
        std::env::var_os(CHILD_FILE),
        std::env::var(CHILD_ROUND).ok(),
    ) {
        // Child: append as fast as it can, reporting each record once append() returned.
        let round: u32 = round.parse().unwrap();
        let log = AuditLog::new(path);
        let mut out = std::io::stdout();
        for n in 0.. {
            log.append(&record(round, n)).expect("append");
            writeln!(out, "DONE r{round}-n{n}").unwrap();
            out.flush().unwrap();
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut rng = rand::thread_rng();
    let mut reported = BTreeSet::new();
    let rounds = 12;
    for round in 0..rounds {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "reliability_durability::audit_log_survives_kill_9_at_many_points",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_FILE, &path)
            .env(CHILD_ROUND, round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("child starts");
        let stdout = child.stdout.take().unwrap();
        // Kill after a random number of reported appends plus a random sub-append delay, so
        // kills land before, inside and after write() and fsync().
        let wanted = rng.gen_range(1..12);
        let mut lines = BufReader::new(stdout).lines();
        let started = Instant::now();
        let mut seen = 0;
        while seen < wanted && started.elapsed() < Duration::from_secs(20) {
            match lines.next() {
                Some(Ok(line)) => {
                    // The first line may follow libtest's own "test name ... " prefix.
                    if let Some(id) = line.split("DONE ").nth(1) {
                        reported.insert(id.to_string());
                        seen += 1;
                    }
                }
                _ => break,
            }
        }
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..3000)));
        child.kill().unwrap();
        child.wait().unwrap();
        // Lines the child printed before it died were reported complete too.
        for line in lines.map_while(Result::ok) {
            if let Some(id) = line.split("DONE ").nth(1) {
                reported.insert(id.to_string());
            }
        }
        assert!(seen > 0, "round {round}: the child never appended");
    }

    let records = AuditLog::new(&path).records().unwrap();
    let mut present = BTreeSet::new();
    for r in &records {
        let (round, n) = r.plan_id[1..].split_once("-n").unwrap();
        assert_eq!(r, &record(round.parse().unwrap(), n.parse().unwrap()));
        assert!(present.insert(r.plan_id.clone()), "{} twice", r.plan_id);
    }
    let missing: Vec<_> = reported.difference(&present).collect();
    assert!(missing.is_empty(), "reported but lost: {missing:?}");
    // At most one record per kill was written but not yet reported.
    assert!(
        records.len() <= reported.len() + rounds as usize,
        "{} records, {} reported",
        records.len(),
        reported.len()
    );
    println!(
        "{} kills, {} records reported, {} readable",
        rounds,
        reported.len(),
        records.len()
    );
}

#[test]
fn a_torn_last_line_does_not_swallow_the_next_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::new(&path);
    log.append(&record(0, 0)).unwrap();
    // A crash in the middle of an append leaves half a line without its newline.
    let whole = serde_json::to_string(&record(0, 1)).unwrap();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(&whole.as_bytes()[..whole.len() / 2]).unwrap();
    drop(f);
    log.append(&record(0, 2)).unwrap();
    let ids: Vec<String> = log
        .records()
        .unwrap()
        .into_iter()
        .map(|r| r.plan_id)
        .collect();
    assert_eq!(
        ids,
        ["r0-n0", "r0-n2"],
        "the record after a torn line is kept"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with('\n'));
}

#[test]
fn protection_settings_are_replaced_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProtectionStore::new(dir.path().join("protection.json"));
    let mut settings = ProtectionSettings::default();
    settings.set("210987654321", None, Some(ProtectionLevel::TypedConfirm));
    store.save(&settings).unwrap();
    let before = std::fs::read(store.path()).unwrap();
    // A concurrent reader never sees a partial file while another thread rewrites it.
    let path = store.path().to_path_buf();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut reads = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let text = std::fs::read_to_string(&path).unwrap();
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("half-written settings ({e}): {text}"));
                reads += 1;
            }
            reads
        })
    };
    for i in 0..200 {
        let mut s = ProtectionSettings::default();
        let level = if i % 2 == 0 {
            ProtectionLevel::TypedConfirm
        } else {
            ProtectionLevel::ReadOnly
        };
        s.set("210987654321", Some("coe-ecs-prod"), Some(level));
        store.save(&s).unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert_ne!(std::fs::read(store.path()).unwrap(), before);
}
