//! CloudTrail LookupEvents through the unmodified aws-sdk-cloudtrail client: the demo's history
//! by other people, a write recorded with who, from where and what — visible only minutes later
//! — refused calls with their error, attributes, paging, and the 2-calls-a-second limit.

use aws_sdk_cloudtrail::config::retry::RetryConfig;
use aws_sdk_cloudtrail::types::{Event, LookupAttribute, LookupAttributeKey};
use aws_sdk_cloudtrail::Client;
use ecsdesk_sim::SimHandle;

mod common;
use common::{code, ecs_client, sim, COM_KEY};

fn trail(h: &SimHandle) -> Client {
    let creds = aws_credential_types::Credentials::new(COM_KEY.0, COM_KEY.1, None, None, "test");
    Client::from_conf(
        aws_sdk_cloudtrail::Config::builder()
            .behavior_version(aws_sdk_cloudtrail::config::BehaviorVersion::latest())
            .credentials_provider(creds)
            .region(aws_sdk_cloudtrail::config::Region::new("us-east-1"))
            .endpoint_url(h.endpoint())
            // The limit is the subject here: no retries hiding it.
            .retry_config(RetryConfig::disabled())
            .build(),
    )
}

fn by(key: LookupAttributeKey, value: &str) -> LookupAttribute {
    LookupAttribute::builder()
        .attribute_key(key)
        .attribute_value(value)
        .build()
        .expect("attribute")
}

async fn lookup(c: &Client, key: LookupAttributeKey, value: &str) -> Vec<Event> {
    c.lookup_events()
        .lookup_attributes(by(key, value))
        .send()
        .await
        .expect("lookup")
        .events
        .unwrap_or_default()
}

fn record(e: &Event) -> serde_json::Value {
    serde_json::from_str(e.cloud_trail_event().unwrap_or("{}")).expect("json record")
}

/// Lets a second pass so the next lookups are within the rate limit.
async fn pause() {
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
}

#[tokio::test]
async fn the_demo_history_and_a_new_restart_show_who_from_where_and_what() {
    let h = sim("demo").await;
    let c = trail(&h);
    let updates = lookup(&c, LookupAttributeKey::EventName, "UpdateService").await;
    let alice = updates
        .iter()
        .find(|e| e.username() == Some("alice@example.com"))
        .expect("alice's restart");
    let r = record(alice);
    assert_eq!(r["userAgent"], "console.amazonaws.com");
    assert_eq!(r["requestParameters"]["forceNewDeployment"], true);
    assert_eq!(r["userIdentity"]["type"], "AssumedRole");
    assert_eq!(alice.event_source(), Some("ecs.amazonaws.com"));
    // Newest first.
    let times: Vec<i64> = updates
        .iter()
        .filter_map(|e| e.event_time())
        .map(|t| t.secs())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    // A restart through the SDK: recorded at once, visible minutes later.
    ecs_client(&h, COM_KEY, "us-east-1")
        .update_service()
        .cluster("coe-ecs-staging")
        .service("api-staging-Service")
        .force_new_deployment(true)
        .send()
        .await
        .expect("restart");
    pause().await;
    let mine = |events: &[Event]| {
        events
            .iter()
            .filter(|e| {
                e.username() == Some("demo-commercial") && e.event_name() == Some("UpdateService")
            })
            .count()
    };
    assert_eq!(
        mine(&lookup(&c, LookupAttributeKey::Username, "demo-commercial").await),
        0,
        "not delivered yet"
    );
    h.control().advance_clock(301.0).await.expect("advance");
    pause().await;
    let found = lookup(&c, LookupAttributeKey::Username, "demo-commercial").await;
    assert_eq!(mine(&found), 1);
    let r = record(&found[0]);
    assert!(
        r["userAgent"]
            .as_str()
            .unwrap_or_default()
            .starts_with("aws-sdk-rust/"),
        "{}",
        r["userAgent"]
    );
    assert_eq!(r["userIdentity"]["type"], "IAMUser");
    assert_eq!(r["requestParameters"]["service"], "api-staging-Service");
    assert_eq!(
        r["responseElements"]["service"]["serviceName"],
        "api-staging-Service"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn refusals_attributes_paging_and_the_rate_limit() {
    let h = sim("demo").await;
    let c = trail(&h);
    // A refused write is recorded too, with its error.
    let err = ecs_client(&h, COM_KEY, "us-east-1")
        .update_service()
        .cluster("coe-ecs-staging")
        .service("no-such-Service")
        .desired_count(2)
        .send()
        .await
        .expect_err("unknown service");
    assert_eq!(code(&err), "ServiceNotFoundException");
    h.control().advance_clock(301.0).await.expect("advance");
    let refused = lookup(&c, LookupAttributeKey::Username, "demo-commercial").await;
    assert_eq!(record(&refused[0])["errorCode"], "ServiceNotFoundException");

    // Two attributes, a backwards range and 51 results a page are refused by name.
    pause().await;
    let two = c
        .lookup_events()
        .lookup_attributes(by(LookupAttributeKey::EventName, "UpdateService"))
        .lookup_attributes(by(LookupAttributeKey::Username, "x"))
        .send()
        .await
        .expect_err("two attributes");
    assert_eq!(code(&two), "InvalidLookupAttributesException");
    let backwards = c
        .lookup_events()
        .start_time(aws_smithy_types::DateTime::from_secs(2_000_000_000))
        .end_time(aws_smithy_types::DateTime::from_secs(1_000_000_000))
        .send()
        .await
        .expect_err("backwards");
    assert_eq!(code(&backwards), "InvalidTimeRangeException");

    // Paging, one event a page: a third call within the second is throttled.
    pause().await;
    let first = c
        .lookup_events()
        .max_results(1)
        .send()
        .await
        .expect("page 1");
    assert_eq!(first.events().len(), 1);
    let second = c
        .lookup_events()
        .max_results(1)
        .next_token(first.next_token().unwrap_or_default())
        .send()
        .await
        .expect("page 2");
    assert_ne!(first.events()[0].event_id(), second.events()[0].event_id());
    let third = c
        .lookup_events()
        .max_results(1)
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(code(&third), "ThrottlingException");
    pause().await;
    c.lookup_events()
        .max_results(1)
        .send()
        .await
        .expect("after a second");
    h.shutdown().await;
}

#[tokio::test]
async fn the_scaler_changes_are_made_by_application_auto_scaling() {
    let h = sim("demo").await;
    let c = trail(&h);
    let scaler: Vec<Event> = lookup(&c, LookupAttributeKey::Username, "AutoScaling").await;
    assert!(
        !scaler.is_empty(),
        "the web service scaled in the last two hours"
    );
    let r = record(&scaler[0]);
    assert_eq!(
        r["userIdentity"]["invokedBy"],
        "application-autoscaling.amazonaws.com"
    );
    assert_eq!(r["requestParameters"]["service"], "web-autoscaled-Service");
    h.shutdown().await;
}
