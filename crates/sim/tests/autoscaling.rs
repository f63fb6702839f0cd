//! Application Auto Scaling through the unmodified aws-sdk-applicationautoscaling client: the
//! demo's scalable targets, policies, scheduled actions and activities, the target-tracking
//! policy moving a service's desired count with its load, and limit changes.

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ScalingActivity, ServiceNamespace};
use aws_sdk_applicationautoscaling::Client;
use ecsdesk_sim::SimHandle;

mod common;
use common::{code, ecs_client, sim, COM_KEY};

const WEB: &str = "service/autoscaling/web-autoscaled-Service";
const WORKER: &str = "service/autoscaling/queue-worker-Service";

fn client(h: &SimHandle) -> Client {
    let creds = aws_credential_types::Credentials::new(COM_KEY.0, COM_KEY.1, None, None, "test");
    Client::from_conf(
        aws_sdk_applicationautoscaling::Config::builder()
            .behavior_version(aws_sdk_applicationautoscaling::config::BehaviorVersion::latest())
            .credentials_provider(creds)
            .region(aws_sdk_applicationautoscaling::config::Region::new(
                "us-east-1",
            ))
            .endpoint_url(h.endpoint())
            .build(),
    )
}

async fn activities(c: &Client, resource: &str, not_scaled: bool) -> Vec<ScalingActivity> {
    c.describe_scaling_activities()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(resource)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .include_not_scaled_activities(not_scaled)
        .send()
        .await
        .expect("activities")
        .scaling_activities
        .unwrap_or_default()
}

/// The desired counts the successful activities set, oldest first.
fn counts(list: &[ScalingActivity]) -> Vec<i64> {
    let mut out: Vec<(f64, i64)> = list
        .iter()
        .filter(|a| a.status_code().as_str() == "Successful")
        .filter_map(|a| {
            let n = a
                .description()
                .strip_prefix("Setting desired count to ")?
                .trim_end_matches('.')
                .parse()
                .ok()?;
            Some((a.start_time().as_secs_f64(), n))
        })
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|(_, n)| n).collect()
}

#[tokio::test]
async fn demo_targets_policies_and_schedules_are_described() {
    let h = sim("demo").await;
    let c = client(&h);
    let targets = c
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .send()
        .await
        .expect("targets")
        .scalable_targets
        .unwrap_or_default();
    let web = targets
        .iter()
        .find(|t| t.resource_id() == WEB)
        .expect("web target");
    assert_eq!((web.min_capacity(), web.max_capacity()), (2, 8));
    assert!(web
        .role_arn()
        .ends_with("AWSServiceRoleForApplicationAutoScaling_ECSService"));
    let worker = targets
        .iter()
        .find(|t| t.resource_id() == WORKER)
        .expect("worker");
    assert_eq!(worker.max_capacity(), 4);

    let policies = c
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(WEB)
        .send()
        .await
        .expect("policies")
        .scaling_policies
        .unwrap_or_default();
    assert_eq!(policies.len(), 1);
    let tt = policies[0]
        .target_tracking_scaling_policy_configuration()
        .expect("target tracking");
    assert_eq!(tt.target_value(), 60.0);
    assert_eq!(policies[0].alarms().len(), 2);
    let step = c
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(WORKER)
        .send()
        .await
        .expect("worker policies")
        .scaling_policies
        .unwrap_or_default();
    assert!(step
        .iter()
        .any(|p| p.step_scaling_policy_configuration().is_some()));

    let scheduled = c
        .describe_scheduled_actions()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(WEB)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .send()
        .await
        .expect("scheduled")
        .scheduled_actions
        .unwrap_or_default();
    let names: Vec<_> = scheduled
        .iter()
        .map(|a| a.scheduled_action_name())
        .collect();
    assert_eq!(names, ["weekday-morning-floor", "night-floor"]);

    // Another namespace is valid and empty; a made-up one is refused.
    let none = c
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Dynamodb)
        .send()
        .await
        .expect("dynamodb");
    assert!(none.scalable_targets().is_empty());
    let bad = c
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::from("ecs2"))
        .send()
        .await
        .expect_err("bad namespace");
    assert_eq!(code(&bad), "ValidationException");
}

#[tokio::test]
async fn bursty_load_makes_the_web_service_scale_out_and_in_and_the_worker_sit_at_max() {
    let h = sim("demo").await;
    let c = client(&h);
    let web = activities(&c, WEB, false).await;
    let seen = counts(&web);
    // The start-up replay lets the scaler act over the last two hours: a 40-minute swing makes
    // it go out and back in more than once.
    let turns = seen
        .windows(3)
        .filter(|w| (w[1] - w[0]) * (w[2] - w[1]) < 0)
        .count();
    assert!(turns >= 2, "expected out/in/out, got {seen:?}");
    assert!(seen.iter().all(|n| (2..=8).contains(n)), "{seen:?}");
    assert!(
        web.iter().all(|a| a.cause().contains("-Alarm")),
        "alarm causes"
    );
    let desired = ecs_client(&h, COM_KEY, "us-east-1")
        .describe_services()
        .cluster("autoscaling")
        .services("web-autoscaled-Service")
        .send()
        .await
        .expect("service")
        .services()[0]
        .desired_count();
    assert_eq!(Some(i64::from(desired)), seen.last().copied());

    // At its maximum the worker's alarm fires and nothing scales: visible only on request.
    assert!(activities(&c, WORKER, false).await.is_empty());
    let worker = activities(&c, WORKER, true).await;
    assert!(!worker.is_empty());
    let reason = &worker[0].not_scaled_reasons()[0];
    assert_eq!(reason.code(), "AlreadyAtMaxCapacity");
    assert_eq!(
        (reason.max_capacity(), reason.current_capacity()),
        (Some(4), Some(4))
    );
}

#[tokio::test]
async fn a_desired_count_above_the_maximum_is_scaled_back_within_minutes() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    ecs.update_service()
        .cluster("autoscaling")
        .service("web-autoscaled-Service")
        .desired_count(12)
        .send()
        .await
        .expect("update");
    h.control()
        .advance_clock(30.0 * 60.0)
        .await
        .expect("advance");
    let svc = ecs
        .describe_services()
        .cluster("autoscaling")
        .services("web-autoscaled-Service")
        .send()
        .await
        .expect("service");
    assert!(svc.services()[0].desired_count() <= 8);
    let last = counts(&activities(&client(&h), WEB, false).await);
    assert!(last.last().is_some_and(|n| *n <= 8), "{last:?}");
}

#[tokio::test]
async fn limits_change_and_move_the_desired_count_inside_them() {
    let h = sim("demo").await;
    let c = client(&h);
    let register = |min: i32, max: i32| {
        c.register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(WORKER)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .min_capacity(min)
            .max_capacity(max)
            .send()
    };
    let bad = register(5, 3).await.expect_err("min above max");
    assert_eq!(code(&bad), "ValidationException");
    let arn = register(1, 2).await.expect("lower max").scalable_target_arn;
    assert!(arn.is_some_and(|a| a.contains(":application-autoscaling:us-east-1:")));
    let moved = activities(&c, WORKER, false).await;
    assert_eq!(moved[0].description(), "Setting desired count to 2.");
    assert_eq!(moved[0].cause(), "maximum capacity was set to 2");
    let svc = ecs_client(&h, COM_KEY, "us-east-1")
        .describe_services()
        .cluster("autoscaling")
        .services("queue-worker-Service")
        .send()
        .await
        .expect("service");
    assert_eq!(svc.services()[0].desired_count(), 2);

    let missing = c
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id("service/autoscaling/nope")
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .min_capacity(1)
        .max_capacity(2)
        .send()
        .await
        .expect_err("unknown service");
    assert_eq!(code(&missing), "ValidationException");

    // One target per page, then the rest with the token.
    let first = c
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .max_results(1)
        .send()
        .await
        .expect("page 1");
    assert_eq!(first.scalable_targets().len(), 1);
    let second = c
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .max_results(1)
        .next_token(first.next_token().unwrap_or_default())
        .send()
        .await
        .expect("page 2");
    assert_eq!(second.scalable_targets().len(), 1);
    assert_ne!(
        first.scalable_targets()[0].resource_id(),
        second.scalable_targets()[0].resource_id()
    );
}
