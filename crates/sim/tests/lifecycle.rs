//! Service behaviour over simulated time, observed the way the app observes it: DescribeServices,
//! ListTasks/DescribeTasks and DescribeTargetHealth, with the clock moved by the control API.

use aws_sdk_ecs::error::ProvideErrorMetadata;
use aws_sdk_ecs::types::{DeploymentRolloutState, DesiredStatus, Service};
use aws_sdk_elasticloadbalancingv2::types::TargetHealthStateEnum;
use ecsdesk_sim::{start, Control, SimConfig, SimError, SimHandle};

mod common;
use common::{COM_KEY, GOV_KEY};

struct Clients {
    ecs: aws_sdk_ecs::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
}

const LAB_KEY: (&str, &str) = (
    "AKIASIMLAB0000000001",
    "simLabSecret00000000000000000000000000001",
);
const LAB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/behaviours.toml");

async fn sim() -> SimHandle {
    sim_of("demo").await
}

async fn sim_of(scenario: &str) -> SimHandle {
    start(SimConfig {
        port: 0,
        scenario: scenario.into(),
        // Frozen in practice: the tests move the clock themselves.
        speed: 0.000_001,
    })
    .await
    .expect("simulator starts")
}

fn clients(h: &SimHandle, key: (&str, &str), region: &str) -> Clients {
    Clients {
        ecs: common::ecs_client(h, key, region),
        elb: common::elbv2_client(h, key, region),
    }
}

async fn advance(h: &SimHandle, seconds: f64) {
    h.control()
        .advance_clock(seconds)
        .await
        .expect("clock advances");
}

async fn describe(c: &Clients, cluster: &str, service: &str) -> Service {
    let out = c
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .expect("describe service");
    out.services()[0].clone()
}

async fn task_arns(
    c: &Clients,
    cluster: &str,
    service: &str,
    status: DesiredStatus,
) -> Vec<String> {
    c.ecs
        .list_tasks()
        .cluster(cluster)
        .service_name(service)
        .desired_status(status)
        .send()
        .await
        .expect("list tasks")
        .task_arns()
        .to_vec()
}

/// (state, reason) of every target of a target group.
async fn targets(c: &Clients, tg: &str) -> Vec<(TargetHealthStateEnum, Option<String>)> {
    c.elb
        .describe_target_health()
        .target_group_arn(tg)
        .send()
        .await
        .expect("target health")
        .target_health_descriptions()
        .iter()
        .filter_map(|d| {
            let h = d.target_health()?;
            Some((
                h.state()?.clone(),
                h.reason().map(|r| r.as_str().to_string()),
            ))
        })
        .collect()
}

fn messages(s: &Service) -> Vec<String> {
    s.events()
        .iter()
        .filter_map(|e| e.message().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn force_new_deployment_replaces_the_task_without_downtime() {
    let h = sim().await;
    let c = clients(&h, GOV_KEY, "us-gov-east-1");
    let (cluster, name) = ("coe-ecs-prod", "coe-etl-prod-Service");
    let before = describe(&c, cluster, name).await;
    let tg = before.load_balancers()[0]
        .target_group_arn()
        .unwrap_or_default()
        .to_string();
    let old_tasks = task_arns(&c, cluster, name, DesiredStatus::Running).await;
    assert_eq!(old_tasks.len(), 1);

    let updated = c
        .ecs
        .update_service()
        .cluster(cluster)
        .service(name)
        .force_new_deployment(true)
        .send()
        .await
        .expect("force new deployment")
        .service
        .expect("service");
    let deps = updated.deployments();
    assert_eq!(deps.len(), 2);
    assert_eq!(deps[0].status(), Some("PRIMARY"));
    assert_eq!(
        deps[0].rollout_state(),
        Some(&DeploymentRolloutState::InProgress)
    );
    assert_eq!(deps[1].status(), Some("ACTIVE"));
    assert_eq!(deps[0].task_definition(), deps[1].task_definition());
    let new_id = deps[0].id().unwrap_or_default().to_string();
    assert!(updated.events()[0].message().is_some_and(
        |m| m.starts_with("(service coe-etl-prod-Service) has started 1 tasks: (task ")
    ));

    let mut saw_two_tasks = false;
    let mut saw_draining = false;
    let mut saw_initial = false;
    let mut done_at = None;
    for step in 1..=60 {
        advance(&h, 5.0).await;
        let svc = describe(&c, cluster, name).await;
        let running = task_arns(&c, cluster, name, DesiredStatus::Running).await;
        let t = targets(&c, &tg).await;
        let healthy = t
            .iter()
            .filter(|x| x.0 == TargetHealthStateEnum::Healthy)
            .count();
        assert!(healthy >= 1, "no healthy target at step {step}: {t:?}");
        saw_two_tasks |= running.len() == 2;
        saw_initial |= t.iter().any(|x| {
            x.0 == TargetHealthStateEnum::Initial
                && x.1.as_deref() == Some("Elb.RegistrationInProgress")
        });
        if t.iter().any(|x| {
            x.0 == TargetHealthStateEnum::Draining
                && x.1.as_deref() == Some("Target.DeregistrationInProgress")
        }) {
            saw_draining = true;
            // While the old task drains, the old deployment is still listed.
            assert_eq!(svc.deployments().len(), 2);
        }
        let primary = &svc.deployments()[0];
        if primary.rollout_state() == Some(&DeploymentRolloutState::Completed) {
            done_at = Some(step);
            assert_eq!(svc.deployments().len(), 1);
            assert_eq!(primary.id(), Some(new_id.as_str()));
            assert_eq!(svc.running_count(), 1);
            assert_eq!(running.len(), 1);
            assert_ne!(running, old_tasks);
            assert_eq!(t.len(), 1);
            let msgs = messages(&svc);
            assert_eq!(
                msgs[0],
                "(service coe-etl-prod-Service) has reached a steady state."
            );
            assert_eq!(
                msgs[1],
                format!(
                    "(service coe-etl-prod-Service) (deployment {new_id}) deployment completed."
                )
            );
            assert!(msgs.iter().any(|m| m.starts_with(
                "(service coe-etl-prod-Service) has stopped 1 running tasks: (task "
            )));
            assert!(msgs.iter().any(|m| m
                == "(service coe-etl-prod-Service) has begun draining connections on 1 tasks."));
            assert!(msgs.iter().any(|m| m.starts_with(
                "(service coe-etl-prod-Service) registered 1 targets in (target-group arn:aws-us-gov:elasticloadbalancing:"
            )));
            break;
        }
        assert_eq!(
            primary.rollout_state(),
            Some(&DeploymentRolloutState::InProgress)
        );
    }
    assert!(saw_two_tasks, "a new task ran beside the old one");
    assert!(saw_initial, "the new target went through initial");
    assert!(saw_draining, "the old target drained");
    let done_at = done_at.expect("deployment completed");
    // PROVISIONING 5 s + PENDING 15 s + healthy 20 s + draining 30 s + stopping 10 s.
    assert!(
        (15..=20).contains(&done_at),
        "completed after {} s",
        done_at * 5
    );

    // The old task is STOPPED with the scheduler's reason.
    let stopped = task_arns(&c, cluster, name, DesiredStatus::Stopped).await;
    let out = c
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .tasks(&old_tasks[0])
        .send()
        .await
        .expect("describe old task");
    let old = &out.tasks()[0];
    assert!(stopped.contains(&old_tasks[0]));
    assert_eq!(old.last_status(), Some("STOPPED"));
    assert_eq!(old.desired_status(), Some("STOPPED"));
    assert_eq!(
        old.stop_code().map(|s| s.as_str()),
        Some("ServiceSchedulerInitiated")
    );
    assert!(old
        .stopped_reason()
        .is_some_and(|r| r.starts_with("Scaling activity initiated by (deployment ecs-svc/")));
    assert_eq!(old.containers()[0].exit_code(), Some(0));
    let (stopping, stopped_at) = (
        old.stopping_at().map(|t| t.secs()).unwrap_or(0),
        old.stopped_at().map(|t| t.secs()).unwrap_or(0),
    );
    assert!(stopped_at - stopping >= 30, "drained before stopping");

    // An hour later the stopped task is forgotten.
    advance(&h, 3700.0).await;
    let stopped = task_arns(&c, cluster, name, DesiredStatus::Stopped).await;
    assert!(!stopped.contains(&old_tasks[0]));
    h.shutdown().await;
}

#[tokio::test]
async fn crash_loop_deployment_fails_and_rolls_back() {
    let h = sim().await;
    let c = clients(&h, COM_KEY, "us-east-1");
    let (cluster, name) = ("coe-ecs-staging", "worker-staging-Service");
    let updated = c
        .ecs
        .update_service()
        .cluster(cluster)
        .service(name)
        .task_definition("worker-staging:3")
        .force_new_deployment(true)
        .deployment_configuration(
            aws_sdk_ecs::types::DeploymentConfiguration::builder()
                .deployment_circuit_breaker(
                    aws_sdk_ecs::types::DeploymentCircuitBreaker::builder()
                        .enable(true)
                        .rollback(true)
                        .build(),
                )
                .maximum_percent(200)
                .minimum_healthy_percent(100)
                .build(),
        )
        .send()
        .await
        .expect("update service")
        .service
        .expect("service");
    let failed_id = updated.deployments()[0]
        .id()
        .unwrap_or_default()
        .to_string();
    assert!(updated
        .deployment_configuration()
        .and_then(|d| d.deployment_circuit_breaker())
        .is_some_and(|b| b.enable() && b.rollback()));

    let mut saw_failed = false;
    let mut completed = None;
    for _ in 0..80 {
        advance(&h, 5.0).await;
        let svc = describe(&c, cluster, name).await;
        if let Some(d) = svc
            .deployments()
            .iter()
            .find(|d| d.id() == Some(failed_id.as_str()))
        {
            if d.rollout_state() == Some(&DeploymentRolloutState::Failed) {
                saw_failed = true;
                assert_eq!(d.status(), Some("ACTIVE"));
                assert!(d.failed_tasks() >= 3);
                assert_eq!(
                    d.rollout_state_reason(),
                    Some("ECS deployment circuit breaker: tasks failed to start.")
                );
                let primary = &svc.deployments()[0];
                assert!(primary
                    .rollout_state_reason()
                    .is_some_and(|r| r.starts_with(
                        "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/"
                    )));
                assert!(primary
                    .task_definition()
                    .is_some_and(|t| t.ends_with("worker-staging:2")));
            }
        }
        if saw_failed
            && svc.deployments().len() == 1
            && svc.deployments()[0].rollout_state() == Some(&DeploymentRolloutState::Completed)
        {
            completed = Some(svc);
            break;
        }
    }
    assert!(saw_failed, "the circuit breaker failed the deployment");
    let svc = completed.expect("the rollback completed");
    assert!(svc
        .task_definition()
        .is_some_and(|t| t.ends_with("worker-staging:2")));
    assert_eq!(svc.running_count(), 1);
    let msgs = messages(&svc);
    assert!(msgs.contains(&format!(
        "(service worker-staging-Service) (deployment {failed_id}) deployment failed: tasks failed to start."
    )));
    assert!(msgs
        .iter()
        .any(|m| m
            .starts_with("(service worker-staging-Service) rolling back to deployment ecs-svc/")));
    assert_eq!(
        msgs[0],
        "(service worker-staging-Service) has reached a steady state."
    );
    h.shutdown().await;
}

#[tokio::test]
async fn stopping_the_only_task_means_downtime_until_the_replacement_runs() {
    let h = sim().await;
    let c = clients(&h, GOV_KEY, "us-gov-east-1");
    let (cluster, name) = ("wft-ecs-prod", "wft-etl-prod-Service");
    let tg = describe(&c, cluster, name).await.load_balancers()[0]
        .target_group_arn()
        .unwrap_or_default()
        .to_string();
    let old = task_arns(&c, cluster, name, DesiredStatus::Running).await;
    assert_eq!(old.len(), 1);
    let stopped = c
        .ecs
        .stop_task()
        .cluster(cluster)
        .task(&old[0])
        .reason("Restarted from ECS Desk by ops.user")
        .send()
        .await
        .expect("stop task")
        .task
        .expect("task");
    assert_eq!(stopped.desired_status(), Some("STOPPED"));
    assert_eq!(
        stopped.stop_code().map(|s| s.as_str()),
        Some("UserInitiated")
    );
    assert_eq!(
        stopped.stopped_reason(),
        Some("Restarted from ECS Desk by ops.user")
    );
    assert_eq!(stopped.last_status(), Some("DEACTIVATING"));

    let svc = describe(&c, cluster, name).await;
    assert_eq!(svc.running_count(), 0);
    let t = targets(&c, &tg).await;
    assert!(t.iter().all(|x| x.0 != TargetHealthStateEnum::Healthy));
    // ListTasks is eventually consistent: for a moment the stopped task is still listed.
    let listed = task_arns(&c, cluster, name, DesiredStatus::Running).await;
    assert!(listed.contains(&old[0]), "{listed:?}");
    advance(&h, 2.5).await;
    let replacement = task_arns(&c, cluster, name, DesiredStatus::Running).await;
    assert_eq!(replacement.len(), 1);
    assert_ne!(replacement, old);

    let mut running_since = None;
    for step in 1..=20 {
        advance(&h, 2.0).await;
        let svc = describe(&c, cluster, name).await;
        if svc.running_count() == 1 {
            running_since.get_or_insert(step * 2);
        } else {
            assert!(running_since.is_none(), "running went back to 0");
            assert_eq!(svc.running_count(), 0);
            assert_eq!(svc.pending_count(), 1);
        }
    }
    // PROVISIONING 5 s + PENDING 15 s, of which 2.5 s passed before the loop.
    assert_eq!(running_since, Some(18));
    advance(&h, 60.0).await;
    let svc = describe(&c, cluster, name).await;
    assert_eq!(
        messages(&svc)[0],
        "(service wft-etl-prod-Service) has reached a steady state."
    );
    let t = targets(&c, &tg).await;
    assert_eq!(t, vec![(TargetHealthStateEnum::Healthy, None)]);
    let out = c
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .tasks(&old[0])
        .send()
        .await
        .expect("describe stopped");
    assert_eq!(out.tasks()[0].last_status(), Some("STOPPED"));
    h.shutdown().await;
}

#[tokio::test]
async fn scale_to_zero_and_back() {
    let h = sim().await;
    let c = clients(&h, COM_KEY, "us-east-1");
    let (cluster, name) = ("coe-ecs-staging", "api-staging-Service");
    let tg = describe(&c, cluster, name).await.load_balancers()[0]
        .target_group_arn()
        .unwrap_or_default()
        .to_string();
    let out = c
        .ecs
        .update_service()
        .cluster(cluster)
        .service(name)
        .desired_count(0)
        .send()
        .await
        .expect("scale to 0")
        .service
        .expect("service");
    assert_eq!(out.desired_count(), 0);
    assert_eq!(
        out.deployments().len(),
        1,
        "scaling is not a new deployment"
    );
    assert!(task_arns(&c, cluster, name, DesiredStatus::Running)
        .await
        .is_empty());
    advance(&h, 60.0).await;
    let svc = describe(&c, cluster, name).await;
    assert_eq!((svc.running_count(), svc.pending_count()), (0, 0));
    assert!(targets(&c, &tg).await.is_empty());
    assert_eq!(
        messages(&svc)[0],
        "(service api-staging-Service) has reached a steady state."
    );
    let stopped = task_arns(&c, cluster, name, DesiredStatus::Stopped).await;
    assert_eq!(stopped.len(), 2);

    c.ecs
        .update_service()
        .cluster(cluster)
        .service(name)
        .desired_count(2)
        .send()
        .await
        .expect("scale to 2");
    assert_eq!(
        task_arns(&c, cluster, name, DesiredStatus::Running)
            .await
            .len(),
        2
    );
    advance(&h, 45.0).await;
    let svc = describe(&c, cluster, name).await;
    assert_eq!(svc.running_count(), 2);
    let t = targets(&c, &tg).await;
    assert_eq!(t.len(), 2);
    assert!(t.iter().all(|x| x.0 == TargetHealthStateEnum::Healthy));
    assert_eq!(
        messages(&svc)[0],
        "(service api-staging-Service) has reached a steady state."
    );
    h.shutdown().await;
}

#[tokio::test]
async fn oom_kills_recur_and_are_replaced() {
    let h = sim().await;
    let c = clients(&h, COM_KEY, "us-east-1");
    let (cluster, name) = ("coe-ecs-staging", "reports-staging-Service");
    let before = task_arns(&c, cluster, name, DesiredStatus::Stopped).await;
    advance(&h, 2500.0).await;
    let after = task_arns(&c, cluster, name, DesiredStatus::Stopped).await;
    let new: Vec<String> = after.into_iter().filter(|a| !before.contains(a)).collect();
    assert!(!new.is_empty(), "another OOM kill within 2,500 s");
    let out = c
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .set_tasks(Some(new))
        .send()
        .await
        .expect("describe");
    assert!(out.tasks().iter().all(|t| {
        t.stop_code().map(|s| s.as_str()) == Some("EssentialContainerExited")
            && t.containers()[0].exit_code() == Some(137)
    }));
    let svc = describe(&c, cluster, name).await;
    assert_eq!(
        task_arns(&c, cluster, name, DesiredStatus::Running)
            .await
            .len(),
        1
    );
    assert_eq!(svc.desired_count(), 1);
    h.shutdown().await;
}

#[tokio::test]
async fn control_api_faults_and_reset() {
    let h = sim().await;
    let c = clients(&h, GOV_KEY, "us-gov-east-1");
    let pending = h
        .control()
        .fault("DescribeServices", "throttle", 1, 0)
        .await
        .expect("fault");
    assert_eq!(pending, 1);
    // The SDK retries throttling; with retries off the first answer is visible.
    let no_retry = aws_sdk_ecs::Client::from_conf(
        c.ecs
            .config()
            .to_builder()
            .retry_config(aws_sdk_ecs::config::retry::RetryConfig::disabled())
            .build(),
    );
    let err = no_retry
        .describe_services()
        .cluster("coe-ecs-prod")
        .services("coe-etl-prod-Service")
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(err.code(), Some("ThrottlingException"));
    // Change something, then reset to the scenario.
    c.ecs
        .update_service()
        .cluster("coe-ecs-prod")
        .service("coe-etl-prod-Service")
        .desired_count(3)
        .send()
        .await
        .expect("scale");
    h.control().reset().await.expect("reset");
    let svc = describe(&c, "coe-ecs-prod", "coe-etl-prod-Service").await;
    assert_eq!(svc.desired_count(), 1);
    assert_eq!(svc.running_count(), 1);
    h.shutdown().await;
}

#[tokio::test]
async fn the_control_client_counts_calls_and_reports_refusals() {
    let h = sim().await;
    let c = clients(&h, GOV_KEY, "us-gov-east-1");
    let control = h.control();
    assert_eq!(control, Control::on_port(h.port()));
    assert_eq!(control, Control::new(&format!("{}/", h.endpoint())));

    // Counters: reset, one AWS call, read back.
    control.reset_calls().await.expect("reset calls");
    assert!(control.calls().await.expect("calls").is_empty());
    c.ecs.list_clusters().send().await.expect("list clusters");
    assert_eq!(
        control.call_count("ecs:ListClusters").await.expect("count"),
        1
    );
    assert_eq!(
        control.call_count("ecs:ListServices").await.expect("count"),
        0
    );

    // The generic call answers the route's JSON; a bare route means /_sim/<route>.
    let clock = control
        .call("GET", "/_sim/clock", None)
        .await
        .expect("clock");
    let (now, speed) = control.clock().await.expect("typed clock");
    assert!(clock["now"].as_f64().is_some_and(|t| t <= now));
    assert!(speed < 0.001, "{speed}");
    let later = control.advance_clock(60.0).await.expect("advance");
    // (The clock barely runs on its own here; allow for rounding at epoch-seconds scale.)
    assert!((later - now - 60.0).abs() < 0.01, "{later} after {now}");
    let bare = control
        .call("GET", "calls", None)
        .await
        .expect("bare route");
    assert_eq!(bare["ecs:ListClusters"], 1);

    // Faults and latency.
    assert_eq!(
        control
            .fault("ListClusters", "error500", 2, 0)
            .await
            .expect("fault"),
        1
    );
    assert_eq!(control.fault("*", "latency", 1, 5).await.expect("fault"), 2);
    control.clear_faults().await.expect("clear faults");
    control.set_latency(0).await.expect("latency");
    c.ecs.list_clusters().send().await.expect("no fault left");

    // Refusals name the route, the status and the body.
    let err = control
        .call("GET", "/_sim/nope", None)
        .await
        .expect_err("unknown route");
    match &err {
        SimError::ControlStatus {
            route,
            status,
            body,
        } => {
            assert_eq!(route, "GET /_sim/nope");
            assert_eq!(*status, 404);
            assert!(body.contains("no control route"), "{body}");
        }
        other => panic!("expected a refused route, got {other:?}"),
    }
    assert!(err.to_string().contains("GET /_sim/nope"), "{err}");
    assert!(err.to_string().contains("404"), "{err}");
    let err = control
        .fault("ListClusters", "meltdown", 1, 0)
        .await
        .expect_err("unknown fault kind");
    assert!(
        matches!(&err, SimError::ControlStatus { status: 400, body, .. } if body.contains("meltdown")),
        "{err}"
    );
    assert!(matches!(
        control.set_latency(60_001).await,
        Err(SimError::ControlStatus { status: 400, .. })
    ));

    // Nothing listening, or not an http:// endpoint: errors, not panics.
    assert!(matches!(
        Control::on_port(1).calls().await,
        Err(SimError::Control { .. })
    ));
    let err = Control::new("https://127.0.0.1:1")
        .reset_calls()
        .await
        .expect_err("not http");
    assert!(err.to_string().contains("not an http:// endpoint"), "{err}");
    h.shutdown().await;
}

#[tokio::test]
async fn a_jump_of_days_is_cheap_and_keeps_the_fleet_steady() {
    let h = sim().await;
    let c = clients(&h, GOV_KEY, "us-gov-east-1");
    let started = std::time::Instant::now();
    advance(&h, 20.0 * 86_400.0).await;
    let elapsed = started.elapsed();
    println!("advancing the demo fleet 20 days took {elapsed:?}");
    let svc = describe(&c, "coe-ecs-prod", "coe-etl-prod-Service").await;
    assert_eq!(svc.running_count(), 1);
    let steady = messages(&svc)
        .iter()
        .filter(|m| m.ends_with("has reached a steady state."))
        .count();
    assert!(steady >= 80, "periodic steady-state events: {steady}");
    assert!(svc.events().len() <= 100);
    h.shutdown().await;
}

#[tokio::test]
async fn failing_health_checks_replace_tasks_and_roll_back_without_downtime() {
    let h = sim_of(LAB).await;
    let c = clients(&h, LAB_KEY, "us-west-2");
    let (cluster, name) = ("lab", "web-Service");
    let before = describe(&c, cluster, name).await;
    assert_eq!(before.running_count(), 2);
    let tg = before.load_balancers()[0]
        .target_group_arn()
        .unwrap_or_default()
        .to_string();
    let bad_id = c
        .ecs
        .update_service()
        .cluster(cluster)
        .service(name)
        .task_definition("web")
        .send()
        .await
        .expect("deploy web:2 (latest revision)")
        .service
        .expect("service")
        .deployments()[0]
        .id()
        .unwrap_or_default()
        .to_string();
    let mut saw_unhealthy = false;
    let mut rolled_back = None;
    for step in 1..=100 {
        advance(&h, 5.0).await;
        let t = targets(&c, &tg).await;
        let healthy = t
            .iter()
            .filter(|x| x.0 == TargetHealthStateEnum::Healthy)
            .count();
        assert!(
            healthy >= 2,
            "minimumHealthyPercent 100 keeps 2 healthy at step {step}: {t:?}"
        );
        saw_unhealthy |= t.iter().any(|x| {
            x.0 == TargetHealthStateEnum::Unhealthy
                && x.1.as_deref() == Some("Target.ResponseCodeMismatch")
        });
        let svc = describe(&c, cluster, name).await;
        if svc.deployments().len() == 1
            && svc.deployments()[0].id() != Some(bad_id.as_str())
            && svc.deployments()[0].rollout_state() == Some(&DeploymentRolloutState::Completed)
        {
            rolled_back = Some(svc);
            break;
        }
    }
    assert!(
        saw_unhealthy,
        "the broken revision's targets went unhealthy"
    );
    let svc = rolled_back.expect("rolled back to web:1");
    assert!(svc
        .task_definition()
        .is_some_and(|t| t.ends_with("task-definition/web:1")));
    let msgs = messages(&svc);
    assert!(msgs
        .iter()
        .any(|m| m.contains("failed ELB health checks in (target-group ")));
    assert!(msgs
        .iter()
        .any(|m| m.contains("is unhealthy in (target-group ")
            && m.ends_with("due to (reason Health checks failed with these codes: [502]).")));
    assert!(msgs.contains(&format!(
        "(service web-Service) (deployment {bad_id}) deployment failed: tasks failed to start."
    )));
    let stopped = task_arns(&c, cluster, name, DesiredStatus::Stopped).await;
    let out = c
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .set_tasks(Some(stopped))
        .send()
        .await
        .expect("describe stopped");
    assert!(out.tasks().iter().any(|t| {
        t.stop_code().map(|s| s.as_str()) == Some("ServiceSchedulerInitiated")
            && t.stopped_reason()
                .is_some_and(|r| r.starts_with("Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/web-tg/"))
    }));
    h.shutdown().await;
}

#[tokio::test]
async fn a_slow_starter_stays_initial_longer() {
    let h = sim_of(LAB).await;
    let c = clients(&h, LAB_KEY, "us-west-2");
    let (cluster, name) = ("lab", "slow-Service");
    let tg = describe(&c, cluster, name).await.load_balancers()[0]
        .target_group_arn()
        .unwrap_or_default()
        .to_string();
    c.ecs
        .update_service()
        .cluster(cluster)
        .service(name)
        .force_new_deployment(true)
        .send()
        .await
        .expect("force new deployment");
    // RUNNING at 20 s, then 20 s + 60 s of start-up before the target passes.
    advance(&h, 70.0).await;
    let t = targets(&c, &tg).await;
    assert!(
        t.iter().any(|x| x.0 == TargetHealthStateEnum::Initial),
        "{t:?}"
    );
    assert_eq!(describe(&c, cluster, name).await.deployments().len(), 2);
    advance(&h, 60.0).await;
    let svc = describe(&c, cluster, name).await;
    assert_eq!(svc.deployments().len(), 1);
    assert_eq!(
        svc.deployments()[0].rollout_state(),
        Some(&DeploymentRolloutState::Completed)
    );
    h.shutdown().await;
}
