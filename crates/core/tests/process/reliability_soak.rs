//! Soak: 30+ simulated minutes (simulator at 80x) with ten views refreshing in loops (clusters,
//! services, service detail, tasks, task detail across both demo accounts) and a log follow.
//! The resident memory of this process — the app's side only: the simulator runs in a child
//! process — must stay flat after warm-up, and no call may fail.
//!
//! Runs in about 25 s of real time.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::reliability_support::*;
use ecsdesk_core::read::log_follow::LogFollows;
use ecsdesk_core::read::logs::LogQuery;
use ecsdesk_core::{DesiredStatus, SessionRegistry};

/// Set in the child: run the simulator at this speed and print its port.
const CHILD_SPEED: &str = "ECSDESK_SOAK_SIM_SPEED";
const SPEED: f64 = 80.0;
const SIMULATED_MINUTES: f64 = 32.0;

/// Resident memory of this process in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// One refreshing view: what it reads, in a loop, until `stop`.
async fn view(
    n: usize,
    registry: SessionRegistry,
    ids: (String, String),
    stop: Arc<AtomicBool>,
    refreshes: Arc<AtomicU64>,
    failures: Arc<AtomicU64>,
) {
    let (gov, com) = ids;
    while !stop.load(Ordering::Relaxed) {
        let ok = match n % 5 {
            0 => ecsdesk_core::app::browse::list_clusters(&registry, &gov)
                .await
                .map(|_| ()),
            1 => ecsdesk_core::app::browse::list_services(&registry, &com, "coe-ecs-staging")
                .await
                .map(|_| ()),
            2 => ecsdesk_core::app::browse::get_service(
                &registry,
                &gov,
                "coe-ecs-prod",
                "coe-etl-prod-Service",
            )
            .await
            .map(|_| ()),
            3 => ecsdesk_core::app::browse::list_tasks(
                &registry,
                &com,
                "coe-ecs-staging",
                "worker-staging-Service",
                DesiredStatus::Stopped,
            )
            .await
            .map(|_| ()),
            _ => match ecsdesk_core::app::browse::list_tasks(
                &registry,
                &gov,
                "coe-ecs-prod",
                "coe-api-prod-Service",
                DesiredStatus::Running,
            )
            .await
            {
                Ok(tasks) if !tasks.is_empty() => ecsdesk_core::app::browse::get_task(
                    &registry,
                    &gov,
                    "coe-ecs-prod",
                    &tasks[0].id,
                )
                .await
                .map(|_| ()),
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            },
        };
        match ok {
            Ok(()) => refreshes.fetch_add(1, Ordering::Relaxed),
            Err(e) => {
                eprintln!("view {n}: {e:?}");
                failures.fetch_add(1, Ordering::Relaxed)
            }
        };
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Puts the app's own retry policy back when the soak ends, pass or fail: the other tests of
/// this process run with it.
struct DefaultPolicyAfter;

impl Drop for DefaultPolicyAfter {
    fn drop(&mut self) {
        ecsdesk_core::aws::retry::set_policy(ecsdesk_core::aws::retry::ResiliencePolicy::default());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_simulated_minutes_of_ten_views_and_a_log_follow_keep_memory_flat() {
    if let Ok(speed) = std::env::var(CHILD_SPEED) {
        // Child: the simulator, until killed.
        let sim = sim_on(0, "demo", speed.parse().unwrap()).await;
        println!("PORT {}", sim.port());
        tokio::time::sleep(Duration::from_secs(600)).await;
        return;
    }
    // The RSS measured is this process's: no other test may run in it meanwhile.
    let _turn = crate::process_lock();
    let _restore = DefaultPolicyAfter;
    fast_policy();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "reliability_soak::thirty_simulated_minutes_of_ten_views_and_a_log_follow_keep_memory_flat",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_SPEED, SPEED.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("simulator child starts");
    let port: u16 = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.split("PORT ").nth(1).and_then(|p| p.trim().parse().ok()))
        .expect("the child prints its port");
    let endpoint = format!("http://127.0.0.1:{port}");

    let registry = SessionRegistry::new();
    let gov = registry
        .open(gov(&endpoint), Some("us-gov-east-1".into()))
        .await
        .unwrap();
    let com = registry.open(commercial(&endpoint), None).await.unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let refreshes = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let mut views = Vec::new();
    for n in 0..10 {
        views.push(tokio::spawn(view(
            n,
            registry.clone(),
            (gov.id.clone(), com.id.clone()),
            stop.clone(),
            refreshes.clone(),
            failures.clone(),
        )));
    }
    let follows = LogFollows::new();
    let lines = Arc::new(AtomicU64::new(0));
    let follow_errors = Arc::new(AtomicU64::new(0));
    let follow = {
        let (lines, errors) = (lines.clone(), follow_errors.clone());
        follows.start(
            registry.get(&com.id).await.unwrap(),
            LogQuery {
                group: "/ecs/worker-staging".into(),
                ..LogQuery::default()
            },
            Duration::from_millis(300),
            move |batch| {
                lines.fetch_add(batch.lines.len() as u64, Ordering::Relaxed);
                if batch.error.is_some() {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                true
            },
        )
    };

    let real = Duration::from_secs_f64(SIMULATED_MINUTES * 60.0 / SPEED);
    let warm_up = Duration::from_secs(6);
    let started = Instant::now();
    let mut samples = Vec::new();
    while started.elapsed() < real {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if started.elapsed() >= warm_up {
            samples.push(rss_kib());
        }
    }
    stop.store(true, Ordering::Relaxed);
    follows.stop(&follow).unwrap();
    for v in views {
        v.await.unwrap();
    }
    let seen = calls(port).await;
    child.kill().unwrap();
    child.wait().unwrap();

    let total: u64 = seen.values().sum();
    let baseline = samples[0];
    let peak = *samples.iter().max().unwrap();
    let last = *samples.last().unwrap();
    println!(
        "soak: {:.0} simulated minutes in {:?}; {} view refreshes, {} AWS calls, {} log lines followed; \
         RSS after warm-up {} KiB, peak {} KiB, end {} KiB (growth {} KiB)",
        SIMULATED_MINUTES,
        started.elapsed(),
        refreshes.load(Ordering::Relaxed),
        total,
        lines.load(Ordering::Relaxed),
        baseline,
        peak,
        last,
        peak.saturating_sub(baseline)
    );
    assert_eq!(failures.load(Ordering::Relaxed), 0, "a view failed");
    assert_eq!(
        follow_errors.load(Ordering::Relaxed),
        0,
        "the follow failed"
    );
    assert!(refreshes.load(Ordering::Relaxed) > 500, "the views ran");
    assert!(lines.load(Ordering::Relaxed) > 0, "the follow saw lines");
    // Flat: the peak after warm-up stays within 16 MiB of the warm-up level, and the second
    // half of the run does not climb above the first half's peak by more than 8 MiB.
    assert!(
        peak.saturating_sub(baseline) < 16 * 1024,
        "memory grew from {baseline} to {peak} KiB"
    );
    let half = samples.len() / 2;
    let first_peak = *samples[..half].iter().max().unwrap();
    let second_peak = *samples[half..].iter().max().unwrap();
    assert!(
        second_peak.saturating_sub(first_peak) < 8 * 1024,
        "memory still climbing: {first_peak} -> {second_peak} KiB"
    );
}
