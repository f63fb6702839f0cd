//! STS GetCallerIdentity through the unmodified aws-sdk-sts client (awsQuery), for the demo's
//! static IAM user keys in both partitions, and the errors for bad keys.

use aws_sdk_sts::error::ProvideErrorMetadata;
use ecsdesk_sim::SimHandle;

mod common;
use common::sim;

fn client(h: &SimHandle, key: (&str, &str), region: &str) -> aws_sdk_sts::Client {
    common::sts_client(h, (key.0, key.1, None), region)
}

#[tokio::test]
async fn static_keys_identify_their_users_in_both_partitions() {
    let h = sim("demo").await;
    let gov = client(
        &h,
        (
            "AKIASIMGOVPROD000001",
            "simGovProdSecret0000000000000000000000001",
        ),
        "us-gov-east-1",
    )
    .get_caller_identity()
    .send()
    .await
    .expect("gov identity");
    assert_eq!(gov.account(), Some("210987654321"));
    assert_eq!(
        gov.arn(),
        Some("arn:aws-us-gov:iam::210987654321:user/demo-govcloud")
    );
    assert!(gov.user_id().unwrap_or_default().starts_with("AIDA"));
    let com = client(
        &h,
        (
            "AKIASIMCOMSTAGE00001",
            "simComStageSecret000000000000000000000001",
        ),
        "us-east-1",
    )
    .get_caller_identity()
    .send()
    .await
    .expect("commercial identity");
    assert_eq!(com.account(), Some("123456789012"));
    assert!(com
        .arn()
        .unwrap_or_default()
        .starts_with("arn:aws:iam::123456789012:user/"));
    h.shutdown().await;
}

#[tokio::test]
async fn unknown_keys_and_wrong_partitions_are_refused() {
    let h = sim("demo").await;
    let err = client(&h, ("AKIANOSUCHKEY0000000", "x"), "us-east-1")
        .get_caller_identity()
        .send()
        .await
        .expect_err("unknown key");
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    let err = client(
        &h,
        (
            "AKIASIMGOVPROD000001",
            "simGovProdSecret0000000000000000000000001",
        ),
        "us-east-1",
    )
    .get_caller_identity()
    .send()
    .await
    .expect_err("GovCloud key in a commercial region");
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    h.shutdown().await;
}

#[tokio::test]
async fn a_known_key_with_the_wrong_secret_is_refused_for_its_signature() {
    let h = sim("demo").await;
    // The signature is checked against the key's secret, as AWS does: the right key id alone
    // is not enough.
    let err = client(&h, ("AKIASIMCOMSTAGE00001", "notTheSecret"), "us-east-1")
        .get_caller_identity()
        .send()
        .await
        .expect_err("wrong secret");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    // An awsJson service names it its own way.
    let creds = aws_credential_types::Credentials::new(
        "AKIASIMCOMSTAGE00001",
        "notTheSecret",
        None,
        None,
        "test",
    );
    let ecs = aws_sdk_ecs::Client::from_conf(
        aws_sdk_ecs::Config::builder()
            .behavior_version(aws_sdk_ecs::config::BehaviorVersion::latest())
            .credentials_provider(creds)
            .region(aws_sdk_ecs::config::Region::new("us-east-1"))
            .endpoint_url(h.endpoint())
            .build(),
    );
    let err = ecs.list_clusters().send().await.expect_err("wrong secret");
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    h.shutdown().await;
}
