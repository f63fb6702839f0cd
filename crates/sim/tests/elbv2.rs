//! ELBv2 (awsQuery/XML) through the unmodified aws-sdk-elasticloadbalancingv2 client.

use aws_sdk_elasticloadbalancingv2::error::ProvideErrorMetadata;
use aws_sdk_elasticloadbalancingv2::types::{
    ActionTypeEnum, ProtocolEnum, TargetDescription, TargetHealthReasonEnum, TargetHealthStateEnum,
};
use aws_sdk_elasticloadbalancingv2::Client;
use ecsdesk_sim::SimHandle;

mod common;
use common::{sim, COM_KEY, GOV_KEY};

fn client(h: &SimHandle, key: (&str, &str), region: &str) -> Client {
    common::elbv2_client(h, key, region)
}

#[tokio::test]
async fn load_balancers_are_described_and_paginated() {
    let h = sim("demo").await;
    let gov = client(&h, GOV_KEY, "us-gov-east-1");
    let all = gov
        .describe_load_balancers()
        .send()
        .await
        .expect("describe all");
    let names: Vec<&str> = all
        .load_balancers()
        .iter()
        .filter_map(|l| l.load_balancer_name())
        .collect();
    assert_eq!(names, ["coe-prod-alb", "wft-prod-alb"]);
    let lb = &all.load_balancers()[0];
    assert!(lb
        .load_balancer_arn()
        .unwrap_or_default()
        .starts_with("arn:aws-us-gov:elasticloadbalancing:us-gov-east-1:210987654321:loadbalancer/app/coe-prod-alb/"));
    assert!(lb
        .dns_name()
        .is_some_and(|d| d.ends_with(".us-gov-east-1.elb.amazonaws.com")));
    assert_eq!(
        lb.state().and_then(|s| s.code()).map(|c| c.as_str()),
        Some("active")
    );
    assert!(lb.created_time().is_some());
    assert_eq!(lb.availability_zones().len(), 2);

    // One a page, following markers.
    let first = gov
        .describe_load_balancers()
        .page_size(1)
        .send()
        .await
        .expect("page 1");
    assert_eq!(first.load_balancers().len(), 1);
    let marker = first.next_marker().expect("marker").to_string();
    let second = gov
        .describe_load_balancers()
        .page_size(1)
        .marker(marker)
        .send()
        .await
        .expect("page 2");
    assert_eq!(
        second.load_balancers()[0].load_balancer_name(),
        Some("wft-prod-alb")
    );
    assert!(second.next_marker().is_none());
    let mut seen = 0;
    let mut pages = gov
        .describe_load_balancers()
        .page_size(1)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        seen += page.expect("page").load_balancers().len();
    }
    assert_eq!(seen, 2);

    let by_name = gov
        .describe_load_balancers()
        .names("wft-prod-alb")
        .send()
        .await
        .expect("by name");
    assert_eq!(by_name.load_balancers().len(), 1);
    let err = gov
        .describe_load_balancers()
        .names("nope")
        .send()
        .await
        .expect_err("unknown name");
    assert_eq!(err.code(), Some("LoadBalancerNotFound"));
    let err = gov
        .describe_load_balancers()
        .page_size(401)
        .send()
        .await
        .expect_err("page size");
    assert_eq!(err.code(), Some("ValidationError"));
    // An empty region has none.
    let west = client(&h, GOV_KEY, "us-gov-west-1");
    let none = west.describe_load_balancers().send().await.expect("west");
    assert!(none.load_balancers().is_empty());
    h.shutdown().await;
}

#[tokio::test]
async fn target_groups_and_listeners() {
    let h = sim("demo").await;
    let gov = client(&h, GOV_KEY, "us-gov-east-1");
    let lb = gov
        .describe_load_balancers()
        .names("coe-prod-alb")
        .send()
        .await
        .expect("alb")
        .load_balancers()[0]
        .load_balancer_arn()
        .unwrap_or_default()
        .to_string();
    let tgs = gov
        .describe_target_groups()
        .load_balancer_arn(&lb)
        .send()
        .await
        .expect("target groups of the alb");
    let names: Vec<&str> = tgs
        .target_groups()
        .iter()
        .filter_map(|t| t.target_group_name())
        .collect();
    assert_eq!(names, ["coe-etl-prod-tg", "coe-api-prod-tg"]);
    let tg = &tgs.target_groups()[0];
    assert_eq!(tg.port(), Some(5000));
    assert_eq!(tg.protocol(), Some(&ProtocolEnum::Http));
    assert_eq!(tg.health_check_path(), Some("/api"));
    assert_eq!(tg.load_balancer_arns(), std::slice::from_ref(&lb));
    let by_name = gov
        .describe_target_groups()
        .names("coe-etl-prod-tg")
        .send()
        .await
        .expect("by name");
    assert_eq!(
        by_name.target_groups()[0].target_group_arn(),
        tg.target_group_arn()
    );
    let err = gov
        .describe_target_groups()
        .names("nope-tg")
        .send()
        .await
        .expect_err("unknown tg");
    assert_eq!(err.code(), Some("TargetGroupNotFound"));
    let err = gov
        .describe_target_groups()
        .load_balancer_arn(lb.replace("coe-prod-alb", "gone-alb"))
        .send()
        .await
        .expect_err("unknown lb");
    assert_eq!(err.code(), Some("LoadBalancerNotFound"));

    let listeners = gov
        .describe_listeners()
        .load_balancer_arn(&lb)
        .send()
        .await
        .expect("listeners");
    let l = &listeners.listeners()[0];
    assert_eq!(l.port(), Some(443));
    assert_eq!(l.protocol(), Some(&ProtocolEnum::Https));
    assert!(l
        .listener_arn()
        .is_some_and(|a| a.contains(":listener/app/coe-prod-alb/")));
    let action = &l.default_actions()[0];
    assert_eq!(action.r#type(), Some(&ActionTypeEnum::Forward));
    assert_eq!(action.target_group_arn(), tg.target_group_arn());
    h.shutdown().await;
}

#[tokio::test]
async fn target_health_reports_state_reason_and_port() {
    let h = sim("demo").await;
    let com = client(&h, COM_KEY, "us-east-1");
    let tg = com
        .describe_target_groups()
        .names("api-staging-tg")
        .send()
        .await
        .expect("tg")
        .target_groups()[0]
        .target_group_arn()
        .unwrap_or_default()
        .to_string();
    let health = com
        .describe_target_health()
        .target_group_arn(&tg)
        .send()
        .await
        .expect("target health");
    let d = health.target_health_descriptions();
    assert_eq!(d.len(), 2);
    for t in d {
        let target = t.target().expect("target");
        assert!(target.id().is_some_and(|id| id.starts_with("10.")));
        assert_eq!(target.port(), Some(8080));
        assert_eq!(t.health_check_port(), Some("8080"));
        let th = t.target_health().expect("health");
        assert_eq!(th.state(), Some(&TargetHealthStateEnum::Healthy));
        assert!(th.reason().is_none());
    }
    // Asking about a target that is not registered.
    let one = com
        .describe_target_health()
        .target_group_arn(&tg)
        .targets(
            TargetDescription::builder()
                .id("10.9.9.9")
                .port(8080)
                .build(),
        )
        .send()
        .await
        .expect("one target");
    let th = one.target_health_descriptions()[0]
        .target_health()
        .expect("health");
    assert_eq!(th.state(), Some(&TargetHealthStateEnum::Unused));
    assert_eq!(th.reason(), Some(&TargetHealthReasonEnum::NotRegistered));
    let err = com
        .describe_target_health()
        .target_group_arn(tg.replace("api-staging-tg", "gone-tg"))
        .send()
        .await
        .expect_err("unknown tg");
    assert_eq!(err.code(), Some("TargetGroupNotFound"));
    // A GovCloud key is unknown to the commercial partition (awsQuery wording).
    let wrong = client(&h, GOV_KEY, "us-east-1");
    let err = wrong
        .describe_load_balancers()
        .send()
        .await
        .expect_err("wrong partition");
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    h.shutdown().await;
}
