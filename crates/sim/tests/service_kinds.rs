//! Services ECS does not deploy itself, and daemons, as AWS shows and guards them: task sets
//! instead of deployments, and UpdateService refusing what the controller or the DAEMON
//! strategy does not allow, with ECS's codes and words.

use aws_sdk_ecs::types::DesiredStatus;

mod common;
use common::{code, ecs_client, sim, COM_KEY};

const CLUSTER: &str = "service-kinds";

#[tokio::test]
async fn a_daemon_runs_one_task_on_each_instance_and_has_no_desired_count_to_set() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    let out = ecs
        .describe_services()
        .cluster(CLUSTER)
        .services("log-agent-Daemon")
        .send()
        .await
        .expect("describe");
    let svc = &out.services()[0];
    assert_eq!(
        svc.scheduling_strategy().map(|s| s.as_str()),
        Some("DAEMON")
    );
    assert_eq!(svc.desired_count(), 3, "one per container instance");
    assert_eq!(svc.running_count(), 3);
    let arns = ecs
        .list_tasks()
        .cluster(CLUSTER)
        .service_name("log-agent-Daemon")
        .desired_status(DesiredStatus::Running)
        .send()
        .await
        .expect("list");
    let tasks = ecs
        .describe_tasks()
        .cluster(CLUSTER)
        .set_tasks(Some(arns.task_arns().to_vec()))
        .send()
        .await
        .expect("tasks");
    let mut instances: Vec<&str> = tasks
        .tasks()
        .iter()
        .filter_map(|t| t.container_instance_arn())
        .collect();
    instances.sort_unstable();
    instances.dedup();
    assert_eq!(instances.len(), 3, "each task on its own instance");

    let err = ecs
        .update_service()
        .cluster(CLUSTER)
        .service("log-agent-Daemon")
        .desired_count(5)
        .send()
        .await
        .expect_err("a daemon has no desired count");
    assert_eq!(code(&err), "InvalidParameterException");
    assert!(
        format!("{:?}", err.as_service_error())
            .contains("The daemon scheduling strategy does not support a desired count"),
        "{err:?}"
    );
    // A restart is allowed: one task per instance again afterwards.
    ecs.update_service()
        .cluster(CLUSTER)
        .service("log-agent-Daemon")
        .force_new_deployment(true)
        .send()
        .await
        .expect("a daemon restarts");
    h.control().advance_clock(900.0).await.expect("advance");
    let after = ecs
        .describe_services()
        .cluster(CLUSTER)
        .services("log-agent-Daemon")
        .send()
        .await
        .expect("describe");
    let svc = &after.services()[0];
    assert_eq!(svc.running_count(), 3);
    assert_eq!(svc.deployments().len(), 1, "the restart completed");
    h.shutdown().await;
}

#[tokio::test]
async fn code_deploy_and_external_services_show_task_sets_and_refuse_new_versions() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    let out = ecs
        .describe_services()
        .cluster(CLUSTER)
        .services("checkout-bluegreen-Service")
        .services("partner-api-external-Service")
        .send()
        .await
        .expect("describe");
    let [blue_green, external] = out.services() else {
        panic!("two services: {out:?}");
    };
    for (svc, controller) in [(blue_green, "CODE_DEPLOY"), (external, "EXTERNAL")] {
        assert_eq!(
            svc.deployment_controller()
                .map(|c| c.r#type().as_str().to_string()),
            Some(controller.to_string())
        );
        assert!(
            svc.deployments().is_empty(),
            "{controller}: task sets instead"
        );
        let set = &svc.task_sets()[0];
        assert_eq!(set.status(), Some("PRIMARY"));
        assert_eq!(set.computed_desired_count(), 2);
        assert!(set
            .task_set_arn()
            .unwrap_or_default()
            .contains(":task-set/"));
        assert!(set.task_definition().is_some());
    }
    assert!(blue_green.task_sets()[0]
        .external_id()
        .is_some_and(|id| id.starts_with("d-")));
    assert!(blue_green.task_definition().is_some());
    assert!(
        external.task_definition().is_none(),
        "an EXTERNAL service's task definition is on its task sets"
    );

    for (service, controller) in [
        ("checkout-bluegreen-Service", "CODE_DEPLOY"),
        ("partner-api-external-Service", "EXTERNAL"),
    ] {
        let force = ecs
            .update_service()
            .cluster(CLUSTER)
            .service(service)
            .force_new_deployment(true)
            .send()
            .await
            .expect_err("no forced deployment");
        assert_eq!(code(&force), "InvalidParameterException");
        let message = force
            .as_service_error()
            .and_then(|e| e.meta().message())
            .unwrap_or_default()
            .to_string();
        assert!(
            message.starts_with("Cannot force a new deployment on services with")
                && message.contains(controller),
            "{message}"
        );
        let td = ecs
            .update_service()
            .cluster(CLUSTER)
            .service(service)
            .task_definition("checkout-bluegreen:1")
            .send()
            .await
            .expect_err("no new task definition");
        assert_eq!(code(&td), "InvalidParameterException");
        // The desired count may change: the controller keeps the task sets at that size.
        let scaled = ecs
            .update_service()
            .cluster(CLUSTER)
            .service(service)
            .desired_count(3)
            .send()
            .await
            .expect("scale");
        assert_eq!(scaled.service().map(|s| s.desired_count()), Some(3));
    }
    let err = ecs
        .update_service()
        .cluster(CLUSTER)
        .service("checkout-bluegreen-Service")
        .task_definition("checkout-bluegreen:1")
        .send()
        .await
        .expect_err("refused");
    let message = err
        .as_service_error()
        .and_then(|e| e.meta().message())
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        message,
        "Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment."
    );
    h.shutdown().await;
}

/// A network load balancer forwards TCP: TCP listener and target group, no HTTP health check
/// (its metrics: `cloudwatch.rs`).
#[tokio::test]
async fn a_network_load_balancer_forwards_tcp() {
    let h = sim("demo").await;
    let elb = common::elbv2_client(&h, COM_KEY, "us-east-1");
    let lbs = elb
        .describe_load_balancers()
        .names("staging-nlb")
        .send()
        .await
        .expect("NLB");
    let nlb = &lbs.load_balancers()[0];
    assert_eq!(nlb.r#type().map(|t| t.as_str()), Some("network"));
    assert!(nlb
        .load_balancer_arn()
        .is_some_and(|a| a.contains(":loadbalancer/net/staging-nlb/")));
    let tgs = elb
        .describe_target_groups()
        .names("mqtt-broker-tg")
        .send()
        .await
        .expect("TG");
    let tg = &tgs.target_groups()[0];
    assert_eq!(tg.protocol().map(|p| p.as_str()), Some("TCP"));
    assert!(tg.health_check_path().is_none());

    h.shutdown().await;
}
