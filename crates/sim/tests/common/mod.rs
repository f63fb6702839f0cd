//! Setup shared by the simulator's integration tests: the demo's static keys, a simulator on a
//! free port and the error code of an SDK error.

// Each test file is its own crate and uses only part of this module.
#![allow(dead_code)]

use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use ecsdesk_sim::{start, SimConfig, SimHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Access key of the GovCloud operator user (demo scenario).
pub const GOV_KEY: (&str, &str) = (
    "AKIASIMGOVPROD000001",
    "simGovProdSecret0000000000000000000000001",
);
/// Access key of the commercial operator user (demo scenario).
pub const COM_KEY: (&str, &str) = (
    "AKIASIMCOMSTAGE00001",
    "simComStageSecret000000000000000000000001",
);
/// The scale scenario's read-only user: the operator key with its last character replaced by R.
pub const GOV_RO_KEY: (&str, &str) = (
    "AKIASIMGOVPROD00000R",
    "simGovProdSecret0000000000000000000000001ReadOnly",
);

/// A simulator of `scenario` on a free port, running in real time.
pub async fn sim(scenario: &str) -> SimHandle {
    start(SimConfig {
        port: 0,
        scenario: scenario.into(),
        speed: 1.0,
    })
    .await
    .expect("simulator starts")
}

/// The AWS error code of an SDK error.
pub fn code<E: ProvideErrorMetadata>(e: &E) -> String {
    e.code().unwrap_or("<none>").to_string()
}

/// An unmodified ECS client signed with `key` in `region`, pointed at the simulator.
pub fn ecs_client(h: &SimHandle, key: (&str, &str), region: &str) -> aws_sdk_ecs::Client {
    let creds = aws_credential_types::Credentials::new(key.0, key.1, None, None, "test");
    let conf = aws_sdk_ecs::Config::builder()
        .behavior_version(aws_sdk_ecs::config::BehaviorVersion::latest())
        .credentials_provider(creds)
        .region(aws_sdk_ecs::config::Region::new(region.to_string()))
        .endpoint_url(h.endpoint())
        .build();
    aws_sdk_ecs::Client::from_conf(conf)
}

/// An unmodified CloudWatch Logs client signed with `key` in `region`, pointed at the simulator.
pub fn logs_client(
    h: &SimHandle,
    key: (&str, &str),
    region: &str,
) -> aws_sdk_cloudwatchlogs::Client {
    let creds = aws_credential_types::Credentials::new(key.0, key.1, None, None, "test");
    let conf = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
        .credentials_provider(creds)
        .region(aws_sdk_cloudwatchlogs::config::Region::new(
            region.to_string(),
        ))
        .endpoint_url(h.endpoint())
        .build();
    aws_sdk_cloudwatchlogs::Client::from_conf(conf)
}

/// An unmodified cloudwatch client signed with `key` in `region`, pointed at the simulator.
pub fn cloudwatch_client(
    h: &SimHandle,
    key: (&str, &str),
    region: &str,
) -> aws_sdk_cloudwatch::Client {
    let creds = aws_credential_types::Credentials::new(key.0, key.1, None, None, "test");
    let conf = aws_sdk_cloudwatch::Config::builder()
        .behavior_version(aws_sdk_cloudwatch::config::BehaviorVersion::latest())
        .credentials_provider(creds)
        .region(aws_sdk_cloudwatch::config::Region::new(region.to_string()))
        .endpoint_url(h.endpoint())
        .build();
    aws_sdk_cloudwatch::Client::from_conf(conf)
}

/// An unmodified elasticloadbalancingv2 client signed with `key` in `region`, pointed at the simulator.
pub fn elbv2_client(
    h: &SimHandle,
    key: (&str, &str),
    region: &str,
) -> aws_sdk_elasticloadbalancingv2::Client {
    let creds = aws_credential_types::Credentials::new(key.0, key.1, None, None, "test");
    let conf = aws_sdk_elasticloadbalancingv2::Config::builder()
        .behavior_version(aws_sdk_elasticloadbalancingv2::config::BehaviorVersion::latest())
        .credentials_provider(creds)
        .region(aws_sdk_elasticloadbalancingv2::config::Region::new(
            region.to_string(),
        ))
        .endpoint_url(h.endpoint())
        .build();
    aws_sdk_elasticloadbalancingv2::Client::from_conf(conf)
}

/// One HTTP/1.1 request; (status, headers, body).
pub async fn http(h: &SimHandle, method: &str, target: &str, body: &str) -> (u16, String, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", h.port()))
        .await
        .expect("connect");
    let req = format!(
        "{method} {target} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("read");
    let text = String::from_utf8_lossy(&out).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// An unmodified STS client signed with `key` (and a session token, for temporary credentials)
/// in `region`, pointed at the simulator.
pub fn sts_client(
    h: &SimHandle,
    key: (&str, &str, Option<&str>),
    region: &str,
) -> aws_sdk_sts::Client {
    let creds = aws_credential_types::Credentials::new(
        key.0,
        key.1,
        key.2.map(str::to_string),
        None,
        "test",
    );
    aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .credentials_provider(creds)
            .region(aws_sdk_sts::config::Region::new(region.to_string()))
            .endpoint_url(h.endpoint())
            .build(),
    )
}
