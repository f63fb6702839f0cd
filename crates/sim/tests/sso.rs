//! The IAM Identity Center portal through the unmodified aws-sdk-sso client, with tokens from the
//! aws-sdk-ssooidc device flow: accounts, roles, role credentials (used against STS and ECS),
//! logout, expired tokens and throttling.

use ecsdesk_sim::SimHandle;

mod common;
use common::{code, sim};

const START_URL: &str = "https://ecsdesk-demo.awsapps.com/start";
const GOV_START_URL: &str = "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const COM_ACCOUNT: &str = "123456789012";
const GOV_ACCOUNT: &str = "210987654321";

fn sso(h: &SimHandle, region: &str) -> aws_sdk_sso::Client {
    aws_sdk_sso::Client::from_conf(
        aws_sdk_sso::Config::builder()
            .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
            .region(aws_sdk_sso::config::Region::new(region.to_string()))
            .endpoint_url(h.endpoint())
            .build(),
    )
}

/// An access token for a start URL through the device flow, approved with the control API.
async fn sign_in(h: &SimHandle, start_url: &str, region: &str) -> String {
    let c = aws_sdk_ssooidc::Client::from_conf(
        aws_sdk_ssooidc::Config::builder()
            .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
            .region(aws_sdk_ssooidc::config::Region::new(region.to_string()))
            .endpoint_url(h.endpoint())
            .build(),
    );
    let reg = c
        .register_client()
        .client_name("sso-test")
        .client_type("public")
        .send()
        .await
        .expect("register");
    let (id, secret) = (
        reg.client_id().unwrap_or_default(),
        reg.client_secret().unwrap_or_default(),
    );
    let auth = c
        .start_device_authorization()
        .client_id(id)
        .client_secret(secret)
        .start_url(start_url)
        .send()
        .await
        .expect("start");
    h.control().approve_sso().await.expect("approve");
    c.create_token()
        .client_id(id)
        .client_secret(secret)
        .grant_type(DEVICE_GRANT)
        .device_code(auth.device_code().unwrap_or_default())
        .send()
        .await
        .expect("token")
        .access_token()
        .unwrap_or_default()
        .to_string()
}

fn sts(
    h: &SimHandle,
    creds: aws_credential_types::Credentials,
    region: &str,
) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .credentials_provider(creds)
            .region(aws_sdk_sts::config::Region::new(region.to_string()))
            .endpoint_url(h.endpoint())
            .build(),
    )
}

fn ecs(
    h: &SimHandle,
    creds: aws_credential_types::Credentials,
    region: &str,
) -> aws_sdk_ecs::Client {
    aws_sdk_ecs::Client::from_conf(
        aws_sdk_ecs::Config::builder()
            .behavior_version(aws_sdk_ecs::config::BehaviorVersion::latest())
            .credentials_provider(creds)
            .region(aws_sdk_ecs::config::Region::new(region.to_string()))
            .endpoint_url(h.endpoint())
            .build(),
    )
}

async fn role_credentials(
    c: &aws_sdk_sso::Client,
    token: &str,
    account: &str,
    role: &str,
) -> (aws_credential_types::Credentials, i64) {
    let out = c
        .get_role_credentials()
        .access_token(token)
        .account_id(account)
        .role_name(role)
        .send()
        .await
        .expect("role credentials");
    let rc = out.role_credentials().expect("credentials");
    (
        aws_credential_types::Credentials::new(
            rc.access_key_id().unwrap_or_default(),
            rc.secret_access_key().unwrap_or_default(),
            rc.session_token().map(str::to_string),
            None,
            "sso",
        ),
        rc.expiration(),
    )
}

#[tokio::test]
async fn accounts_and_roles_of_each_partition() {
    let h = sim("demo").await;
    let com = sso(&h, "us-east-1");
    let token = sign_in(&h, START_URL, "us-east-1").await;
    let accounts = com
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .expect("accounts");
    let list = accounts.account_list();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].account_id(), Some(COM_ACCOUNT));
    assert_eq!(list[0].account_name(), Some("tak-commercial-staging"));
    assert!(list[0].email_address().is_some());

    // Roles, one per page through the SDK paginator.
    let pages: Vec<_> = com
        .list_account_roles()
        .access_token(&token)
        .account_id(COM_ACCOUNT)
        .max_results(1)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await;
    let mut roles: Vec<String> = Vec::new();
    for page in pages {
        let page = page.expect("page");
        assert!(page.role_list().len() <= 1);
        roles.extend(
            page.role_list()
                .iter()
                .filter_map(|r| r.role_name().map(str::to_string)),
        );
    }
    assert_eq!(roles, vec!["OperatorAccess", "ReadOnlyAccess"]);

    let gov = sso(&h, "us-gov-west-1");
    let gov_token = sign_in(&h, GOV_START_URL, "us-gov-west-1").await;
    let gov_accounts = gov
        .list_accounts()
        .access_token(&gov_token)
        .send()
        .await
        .expect("gov accounts");
    assert_eq!(
        gov_accounts.account_list()[0].account_id(),
        Some(GOV_ACCOUNT)
    );

    let err = com
        .list_account_roles()
        .access_token(&token)
        .account_id(GOV_ACCOUNT)
        .send()
        .await
        .expect_err("not assigned");
    assert_eq!(code(&err), "ResourceNotFoundException");
    let err = com
        .list_accounts()
        .access_token("not-a-token")
        .send()
        .await
        .expect_err("unknown token");
    assert_eq!(code(&err), "UnauthorizedException");
    h.shutdown().await;
}

#[tokio::test]
async fn role_credentials_work_against_sts_and_ecs_with_the_role_rights() {
    let h = sim("demo").await;
    let c = sso(&h, "us-gov-west-1");
    let token = sign_in(&h, GOV_START_URL, "us-gov-west-1").await;
    let (operator, expiration) = role_credentials(&c, &token, GOV_ACCOUNT, "OperatorAccess").await;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let hour = expiration - now_ms;
    assert!((3_500_000..=3_700_000).contains(&hour), "{hour} ms");
    let who = sts(&h, operator.clone(), "us-gov-east-1")
        .get_caller_identity()
        .send()
        .await
        .expect("caller identity");
    assert_eq!(who.account(), Some(GOV_ACCOUNT));
    let arn = who.arn().unwrap_or_default();
    assert!(
        arn.starts_with(
            "arn:aws-us-gov:sts::210987654321:assumed-role/AWSReservedSSO_OperatorAccess_"
        ),
        "{arn}"
    );
    assert!(who.user_id().unwrap_or_default().starts_with("AROA"));

    let services = ecs(&h, operator.clone(), "us-gov-east-1")
        .list_services()
        .cluster("coe-ecs-prod")
        .send()
        .await
        .expect("operator lists services");
    assert_eq!(services.service_arns().len(), 2);

    let (read_only, _) = role_credentials(&c, &token, GOV_ACCOUNT, "ReadOnlyAccess").await;
    let ro = ecs(&h, read_only, "us-gov-east-1");
    ro.describe_services()
        .cluster("coe-ecs-prod")
        .services("coe-etl-prod-Service")
        .send()
        .await
        .expect("read-only may read");
    let err = ro
        .update_service()
        .cluster("coe-ecs-prod")
        .service("coe-etl-prod-Service")
        .force_new_deployment(true)
        .send()
        .await
        .expect_err("read-only may not restart");
    assert_eq!(code(&err), "AccessDeniedException");

    let err = c
        .get_role_credentials()
        .access_token(&token)
        .account_id(GOV_ACCOUNT)
        .role_name("AdministratorAccess")
        .send()
        .await
        .expect_err("unassigned role");
    assert_eq!(code(&err), "ResourceNotFoundException");

    // An hour of simulated time later the access token and the role credentials have expired.
    h.control()
        .advance_clock(3601.0)
        .await
        .expect("clock advances");
    let err = c
        .get_role_credentials()
        .access_token(&token)
        .account_id(GOV_ACCOUNT)
        .role_name("OperatorAccess")
        .send()
        .await
        .expect_err("expired access token");
    assert_eq!(code(&err), "UnauthorizedException");
    let err = ro
        .list_clusters()
        .send()
        .await
        .expect_err("expired role credentials");
    assert_eq!(code(&err), "ExpiredTokenException");
    h.shutdown().await;
}

#[tokio::test]
async fn expired_role_credentials_are_refused() {
    let h = sim("demo").await;
    let c = sso(&h, "us-east-1");
    let token = sign_in(&h, START_URL, "us-east-1").await;
    let (creds, _) = role_credentials(&c, &token, COM_ACCOUNT, "ReadOnlyAccess").await;
    let client = sts(&h, creds, "us-east-1");
    client.get_caller_identity().send().await.expect("fresh");
    h.control()
        .advance_clock(3601.0)
        .await
        .expect("clock advances");
    let err = client
        .get_caller_identity()
        .send()
        .await
        .expect_err("expired");
    assert_eq!(code(&err), "ExpiredTokenException");
    h.shutdown().await;
}

#[tokio::test]
async fn logout_expiry_and_throttling() {
    let h = sim("demo").await;
    let c = sso(&h, "us-east-1");
    let token = sign_in(&h, START_URL, "us-east-1").await;
    h.control()
        .fault("ListAccountRoles", "throttle", 1, 0)
        .await
        .expect("fault");
    let err = c
        .list_account_roles()
        .access_token(&token)
        .account_id(COM_ACCOUNT)
        .customize()
        .config_override(
            aws_sdk_sso::config::Config::builder()
                .retry_config(aws_sdk_sso::config::retry::RetryConfig::disabled()),
        )
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(code(&err), "TooManyRequestsException");
    c.list_account_roles()
        .access_token(&token)
        .account_id(COM_ACCOUNT)
        .send()
        .await
        .expect("fault used up");

    c.logout()
        .access_token(&token)
        .send()
        .await
        .expect("logout");
    let err = c
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .expect_err("logged out");
    assert_eq!(code(&err), "UnauthorizedException");

    let token = sign_in(&h, START_URL, "us-east-1").await;
    c.list_accounts()
        .access_token(&token)
        .send()
        .await
        .expect("new sign-in works");
    h.control().expire_sso_tokens().await.expect("expire");
    let err = c
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .expect_err("expired by control hook");
    assert_eq!(code(&err), "UnauthorizedException");
    h.shutdown().await;
}
