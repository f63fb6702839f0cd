//! The built-in scenarios build the fleet the team contract names, at a consistent steady state.

use ecsdesk_sim::clock::Clock;
use ecsdesk_sim::scenario::{aws_config_text, Scenario};
use ecsdesk_sim::world::{Behaviour, Service, World};

fn demo() -> World {
    let scenario = Scenario::load("demo").expect("demo scenario parses");
    World::from_scenario(scenario, Clock::new(1.0)).expect("demo world builds")
}

fn service<'a>(
    w: &'a World,
    account: &str,
    region: &str,
    cluster: &str,
    name: &str,
) -> &'a Service {
    w.region(account, region)
        .and_then(|r| r.clusters.iter().find(|c| c.name == cluster))
        .and_then(|c| c.services.iter().find(|s| s.name == name))
        .unwrap_or_else(|| panic!("no service {cluster}/{name}"))
}

#[test]
fn demo_has_the_contract_accounts_keys_and_sso() {
    let w = demo();
    let gov = w.account("210987654321").expect("govcloud account");
    assert_eq!(gov.name, "tak-govcloud-prod");
    assert_eq!(gov.partition, "aws-us-gov");
    assert_eq!(gov.default_region, "us-gov-east-1");
    let com = w.account("123456789012").expect("commercial account");
    assert_eq!(com.name, "tak-commercial-staging");
    assert_eq!(com.partition, "aws");
    let key = w
        .credentials
        .get("AKIASIMGOVPROD000001")
        .expect("gov static key");
    assert_eq!(
        key.secret_access_key,
        "simGovProdSecret0000000000000000000000001"
    );
    assert_eq!(key.principal.account_id, "210987654321");
    assert!(!key.principal.read_only);
    let key = w
        .credentials
        .get("AKIASIMCOMSTAGE00001")
        .expect("commercial static key");
    assert_eq!(
        key.secret_access_key,
        "simComStageSecret000000000000000000000001"
    );
    assert_eq!(w.sso.len(), 2);
    let com_sso = w
        .sso
        .iter()
        .find(|s| s.start_url == "https://ecsdesk-demo.awsapps.com/start")
        .expect("commercial sso");
    assert_eq!(com_sso.region, "us-east-1");
    assert_eq!(com_sso.session_name, "ecsdesk-demo");
    let gov_sso = w
        .sso
        .iter()
        .find(|s| s.start_url == "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo")
        .expect("gov sso");
    assert_eq!(gov_sso.region, "us-gov-west-1");
    assert_eq!(gov_sso.partition, "aws-us-gov");
    assert_eq!(gov_sso.session_name, "ecsdesk-demo-gov");
    for a in [gov, com] {
        let ro: Vec<_> = a
            .roles
            .iter()
            .map(|r| (r.name.as_str(), r.read_only))
            .collect();
        assert_eq!(
            ro,
            vec![("OperatorAccess", false), ("ReadOnlyAccess", true)]
        );
    }
    // Other regions of each partition are empty.
    assert!(w.region("210987654321", "us-gov-west-1").is_none());
    assert!(w.region("123456789012", "us-west-2").is_none());
}

#[test]
fn demo_services_are_at_steady_state_as_of_now() {
    let w = demo();
    let now = w.clock.now();
    let etl = service(
        &w,
        "210987654321",
        "us-gov-east-1",
        "coe-ecs-prod",
        "coe-etl-prod-Service",
    );
    assert_eq!(etl.desired_count, 1);
    assert_eq!(etl.launch_type, "FARGATE");
    assert!(etl
        .task_definition
        .ends_with(":task-definition/coe-etl-prod:3"));
    assert!(etl
        .arn
        .starts_with("arn:aws-us-gov:ecs:us-gov-east-1:210987654321:service/coe-ecs-prod/"));
    assert_eq!(etl.deployments.len(), 1);
    assert_eq!(etl.deployments[0].status, "PRIMARY");
    assert_eq!(etl.deployments[0].rollout_state, "COMPLETED");
    let running: Vec<_> = etl
        .tasks
        .iter()
        .filter(|t| t.last_status == "RUNNING")
        .collect();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].health_status, "HEALTHY");
    // Rolled out about 26 hours ago.
    let started = running[0].started_at.unwrap_or(now);
    assert!(now - started > 25.0 * 3600.0 && now - started < 27.0 * 3600.0);
    assert!(etl.events[0].message.contains("has reached a steady state"));
    assert!(etl
        .events
        .iter()
        .any(|e| e.message.contains("deployment completed.")));
    let steady = etl
        .events
        .iter()
        .filter(|e| e.message == "(service coe-etl-prod-Service) has reached a steady state.")
        .count();
    assert!(steady >= 4, "periodic steady-state events: {steady}");
    for pair in etl.events.windows(2) {
        assert!(
            pair[0].created_at >= pair[1].created_at,
            "events newest first"
        );
    }
    let region = w.region("210987654321", "us-gov-east-1").expect("region");
    let tg = region
        .target_groups
        .iter()
        .find(|t| t.name == "coe-etl-prod-tg")
        .expect("target group");
    assert_eq!(tg.targets.len(), 1);
    assert_eq!(tg.targets[0].state, "healthy");
    assert_eq!(tg.targets[0].ip, running[0].private_ip);
    let alb = region
        .load_balancers
        .iter()
        .find(|l| l.name == "coe-prod-alb")
        .expect("alb");
    assert_eq!(alb.listener_ports, vec![443]);
    let revs: Vec<i64> = region
        .task_definitions
        .iter()
        .filter(|t| t.family == "coe-etl-prod")
        .map(|t| t.revision)
        .collect();
    assert_eq!(revs, vec![1, 2, 3]);
    let group = region
        .log_groups
        .iter()
        .find(|g| g.name == "/ecs/coe-etl-prod")
        .expect("log group");
    let stream = group
        .streams
        .iter()
        .find(|s| s.task_id == running[0].id)
        .expect("stream of the running task");
    assert_eq!(stream.name, format!("ecs/api/{}", running[0].id));
    assert!(stream.started_at < now && stream.stopped_at.is_none());
    assert!(stream
        .events
        .iter()
        .any(|e| e.1.contains("Listening on :5000")));

    let api = service(
        &w,
        "210987654321",
        "us-gov-east-1",
        "coe-ecs-prod",
        "coe-api-prod-Service",
    );
    assert_eq!(
        api.tasks
            .iter()
            .filter(|t| t.last_status == "RUNNING")
            .count(),
        2
    );
    let wft = service(
        &w,
        "210987654321",
        "us-gov-east-1",
        "wft-ecs-prod",
        "wft-etl-prod-Service",
    );
    assert_eq!(wft.deployments[0].rollout_state, "COMPLETED");
}

#[test]
fn demo_crash_loop_has_recent_stopped_tasks_with_crash_logs() {
    let w = demo();
    let now = w.clock.now();
    let svc = service(
        &w,
        "123456789012",
        "us-east-1",
        "coe-ecs-staging",
        "worker-staging-Service",
    );
    assert!(matches!(svc.behaviour, Behaviour::CrashLoop { .. }));
    assert_eq!(svc.deployments[0].rollout_state, "IN_PROGRESS");
    assert!(svc.deployments[0].failed_tasks >= 5);
    // The previous revision's task was stopped by the rollout; the new revision's keep crashing.
    let stopped: Vec<_> = svc
        .tasks
        .iter()
        .filter(|t| t.last_status == "STOPPED" && t.started_by == svc.deployments[0].id)
        .collect();
    assert!(stopped.len() >= 5, "stopped tasks: {}", stopped.len());
    assert!(svc.tasks.iter().any(|t| t.last_status == "STOPPED"
        && t.stop_code.as_deref() == Some("ServiceSchedulerInitiated")));
    for t in &stopped {
        assert_eq!(t.stop_code.as_deref(), Some("EssentialContainerExited"));
        assert_eq!(
            t.stopped_reason.as_deref(),
            Some("Essential container in task exited")
        );
        assert_eq!(t.containers[0].exit_code, Some(1));
        assert!(now - t.stopped_at.unwrap_or(0.0) < 3600.0);
    }
    assert!(svc.events.iter().any(|e| e
        .message
        .contains("is unable to consistently start tasks successfully")));
    let group = w
        .region("123456789012", "us-east-1")
        .and_then(|r| {
            r.log_groups
                .iter()
                .find(|g| g.name == "/ecs/worker-staging")
        })
        .expect("worker log group");
    let crash = group
        .streams
        .iter()
        .find(|s| s.task_id == stopped[0].id)
        .expect("stream of a crashed task");
    assert!(crash
        .events
        .iter()
        .any(|e| e.1 == "exec /sbin/api-server: exec format error"));
    assert!(crash.stopped_at.is_some());
}

#[test]
fn demo_oom_service_has_oom_kills() {
    let w = demo();
    let svc = service(
        &w,
        "123456789012",
        "us-east-1",
        "coe-ecs-staging",
        "reports-staging-Service",
    );
    let killed = svc
        .tasks
        .iter()
        .find(|t| t.last_status == "STOPPED")
        .expect("a recently OOM-killed task");
    assert_eq!(
        killed.stop_code.as_deref(),
        Some("EssentialContainerExited")
    );
    assert_eq!(killed.containers[0].exit_code, Some(137));
    assert_eq!(
        killed.containers[0].reason.as_deref(),
        Some("OutOfMemoryError: Container killed due to memory usage")
    );
    assert!(svc.tasks.iter().any(|t| t.last_status == "RUNNING"));
    let group = w
        .region("123456789012", "us-east-1")
        .and_then(|r| {
            r.log_groups
                .iter()
                .find(|g| g.name == "/ecs/reports-staging")
        })
        .expect("reports log group");
    let stream = group
        .streams
        .iter()
        .find(|s| s.task_id == killed.id)
        .expect("stream of the killed task");
    assert!(stream
        .events
        .iter()
        .any(|e| e.1.contains("java.lang.OutOfMemoryError")));
    assert!(stream.events.iter().any(|e| e.1 == "Killed"));
    let search = service(
        &w,
        "123456789012",
        "us-east-1",
        "coe-ecs-staging",
        "search-staging-Service",
    );
    assert_eq!(search.behaviour, Behaviour::HighCpu { cpu: 90.0 });
    let alarms = &w
        .region("123456789012", "us-east-1")
        .expect("region")
        .alarms;
    let high = alarms
        .iter()
        .find(|a| a.name == "search-staging-Service-high-cpu")
        .expect("alarm");
    assert_eq!(high.state, "ALARM");
}

#[test]
fn demo_has_an_ec2_cluster_with_container_instances() {
    let w = demo();
    let r = w.region("123456789012", "us-east-1").expect("region");
    let c = r
        .clusters
        .iter()
        .find(|c| c.name == "tak-ec2-dev")
        .expect("ec2 cluster");
    assert_eq!(c.container_instances.len(), 2);
    let svc = &c.services[0];
    assert_eq!(svc.launch_type, "EC2");
    let running: Vec<_> = svc
        .tasks
        .iter()
        .filter(|t| t.last_status == "RUNNING")
        .collect();
    assert_eq!(running.len(), 2);
    assert!(running.iter().all(|t| t.container_instance_arn.is_some()));
}

#[test]
fn the_same_clock_gives_the_same_world() {
    let scenario = Scenario::load("demo").expect("demo");
    let clock = Clock::new(1.0);
    let a = World::from_scenario(scenario.clone(), clock.clone()).expect("a");
    let b = World::from_scenario(scenario, clock).expect("b");
    let ids = |w: &World| -> Vec<String> {
        w.accounts
            .iter()
            .flat_map(|a| a.regions.iter())
            .flat_map(|r| r.clusters.iter())
            .flat_map(|c| c.services.iter())
            .flat_map(|s| s.tasks.iter().map(|t| t.id.clone()))
            .collect()
    };
    assert_eq!(ids(&a), ids(&b));
}

#[test]
fn aws_config_has_static_and_sso_profiles() {
    let w = demo();
    let text = aws_config_text(&w);
    assert!(text.contains(
        "[profile demo-govcloud]\nregion = us-gov-east-1\naws_access_key_id = AKIASIMGOVPROD000001\naws_secret_access_key = simGovProdSecret0000000000000000000000001\n"
    ));
    assert!(text.contains("[profile demo-commercial]\nregion = us-east-1\n"));
    assert!(text.contains("ecsdesk_account_name = tak-govcloud-prod\n"));
    assert!(text.contains("[sso-session ecsdesk-demo]\nsso_start_url = https://ecsdesk-demo.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"));
    assert!(text.contains("[sso-session ecsdesk-demo-gov]\nsso_start_url = https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo\nsso_region = us-gov-west-1\n"));
    assert!(text.contains("[profile tak-govcloud-prod-OperatorAccess]\nsso_session = ecsdesk-demo-gov\nsso_account_id = 210987654321\nsso_role_name = OperatorAccess\nregion = us-gov-east-1\n"));
    assert!(text.contains("[profile tak-commercial-staging-ReadOnlyAccess]\nsso_session = ecsdesk-demo\nsso_account_id = 123456789012\nsso_role_name = ReadOnlyAccess\n"));
}

#[test]
fn scale_scenario_builds_a_thousand_services_quickly() {
    let started = std::time::Instant::now();
    let scenario = Scenario::load("scale:10:100").expect("scale scenario");
    let w = World::from_scenario(scenario, Clock::new(1.0)).expect("scale world");
    let elapsed = started.elapsed();
    let services: usize = w
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter())
        .flat_map(|r| r.clusters.iter())
        .map(|c| c.services.len())
        .sum();
    assert_eq!(services, 2000, "10 x 100 in each partition");
    println!("scale:10:100 built {services} services in {elapsed:?}");
    let ro = w
        .credentials
        .values()
        .filter(|c| c.principal.read_only)
        .count();
    assert_eq!(ro, 2, "one read-only IAM user per account");
    let svc = &w.accounts[0].regions[0].clusters[0].services[1];
    assert_eq!(
        svc.tasks
            .iter()
            .filter(|t| t.last_status == "RUNNING")
            .count() as i64,
        svc.desired_count
    );
}

#[test]
fn bad_scenarios_are_errors_not_panics() {
    for name in [
        "scale:0:5",
        "scale:x",
        "scale:1:99999",
        "/nonexistent/file.toml",
    ] {
        let err = Scenario::load(name).err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains(name)),
            "{name}: {err:?}"
        );
    }
}
