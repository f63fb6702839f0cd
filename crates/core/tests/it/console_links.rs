//! "Open in the AWS console" signed in: a session from the access portal opens the console
//! through the portal's shortcut, as its account and role, in its partition — for GovCloud and
//! commercial; a session from static keys through the partition's federation sign-in
//! (GetFederationToken, getSigninToken, login), whose token reaches the browser only.

use crate::sso_support::{commercial, govcloud, Fixture};
use ecsdesk_core::app::console::console_link;
use ecsdesk_core::aws::sso::{Portal, SsoSession};
use ecsdesk_core::model::console::ConsoleTarget;
use ecsdesk_core::{SessionRegistry, SessionSource};

/// Opens `role` of `account` through `sso` (signed in first) in `registry`; its session id.
async fn sso_session(
    fixture: &Fixture,
    registry: &SessionRegistry,
    sso: &SsoSession,
    account: &str,
    role: &str,
) -> String {
    fixture.pkce_login(sso).await;
    let portal = Portal::new(fixture.auth.clone(), Some(fixture.data_dir()));
    let source = SessionSource::Sso {
        session: Box::new(sso.clone()),
        account_id: account.into(),
        account_name: None,
        role_name: role.into(),
        provider: Box::new(portal.role_credentials_provider(sso, account, role)),
        endpoint_url: Some(fixture.endpoint.clone()),
    };
    registry.open(source, None).await.expect("session").id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_sessions_open_the_console_signed_in_and_key_sessions_open_the_page() {
    let sim = crate::sso_support::sim("demo").await;
    let fixture = Fixture::new(&sim);
    let registry = SessionRegistry::new();
    let service = ConsoleTarget::Service {
        cluster: "coe-ecs-staging".into(),
        service: "api-staging-Service".into(),
    };
    let com = sso_session(
        &fixture,
        &registry,
        &commercial(),
        "123456789012",
        "OperatorAccess",
    )
    .await;
    let link = console_link(&registry, &com, &service).await.expect("link");
    assert!(link.link.signed_in);
    assert_eq!(link.open, link.link.url);
    assert_eq!(
        link.link.url,
        "https://ecsdesk-demo.awsapps.com/start/#/console?account_id=123456789012&role_name=OperatorAccess&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fecs%2Fv2%2Fclusters%2Fcoe-ecs-staging%2Fservices%2Fapi-staging-Service%2Fhealth%3Fregion%3Dus-east-1"
    );

    let gov = sso_session(
        &fixture,
        &registry,
        &govcloud(),
        "210987654321",
        "ReadOnlyAccess",
    )
    .await;
    let alarm = ConsoleTarget::Alarm {
        name: "coe-etl-prod-Service-high-cpu".into(),
    };
    let link = console_link(&registry, &gov, &alarm).await.expect("link");
    assert!(link.link.signed_in);
    assert_eq!(
        link.link.url,
        "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo/#/console?account_id=210987654321&role_name=ReadOnlyAccess&destination=https%3A%2F%2Fconsole.amazonaws-us-gov.com%2Fcloudwatch%2Fhome%3Fregion%3Dus-gov-east-1%23alarmsV2%3Aalarm%2Fcoe-etl-prod-Service-high-cpu"
    );

    sim.shutdown().await;
}

/// The destination a login URL of the simulator's federation endpoint sends the browser to.
async fn login_lands_on(url: &str) -> String {
    let (status, headers, body) = crate::sso_support::http("GET", url, "").await;
    assert_eq!(status, 302, "{body}");
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_sessions_open_the_console_signed_in_through_federation_in_their_partition() {
    let sim = crate::sso_support::sim("demo").await;
    let endpoint = sim.endpoint();
    let registry = SessionRegistry::new();
    let service = ConsoleTarget::Service {
        cluster: "coe-ecs-staging".into(),
        service: "api-staging-Service".into(),
    };
    let keys = registry
        .open(crate::demo::commercial(&endpoint), None)
        .await
        .expect("key session")
        .id;
    let link = console_link(&registry, &keys, &service)
        .await
        .expect("link");
    let page = "https://console.aws.amazon.com/ecs/v2/clusters/coe-ecs-staging/services/api-staging-Service/health?region=us-east-1";
    assert!(link.link.signed_in, "{}", link.link.how);
    assert_eq!(link.link.url, page);
    let prefix = format!(
        "{endpoint}/federation?Action=login&Issuer=ecsdesk&Destination={}&SigninToken=",
        "https%3A%2F%2Fconsole.aws.amazon.com%2Fecs%2Fv2%2Fclusters%2Fcoe-ecs-staging%2Fservices%2Fapi-staging-Service%2Fhealth%3Fregion%3Dus-east-1"
    );
    assert!(link.open.starts_with(&prefix), "{}", link.open);
    assert!(link.open.len() > prefix.len() + 40, "a sign-in token");
    // The page never sees the token, and logs never do (Debug is redacted).
    let told = serde_json::to_string(&link.link).expect("json");
    assert!(!told.contains("SigninToken"), "{told}");
    assert!(!format!("{link:?}").contains("SigninToken"));
    assert_eq!(login_lands_on(&link.open).await, page);
    assert_eq!(
        crate::sso_support::calls(&endpoint, "sts:GetFederationToken").await,
        1
    );

    // GovCloud keys: a GovCloud console page, which the GovCloud sign-in accepts.
    let gov = registry
        .open(crate::demo::gov(&endpoint), Some("us-gov-east-1".into()))
        .await
        .expect("gov key session")
        .id;
    let alarm = ConsoleTarget::Alarm {
        name: "coe-etl-prod-Service-high-cpu".into(),
    };
    let link = console_link(&registry, &gov, &alarm).await.expect("link");
    assert!(link.link.signed_in, "{}", link.link.how);
    let landed = login_lands_on(&link.open).await;
    assert_eq!(
        landed,
        "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-east-1#alarmsV2:alarm/coe-etl-prod-Service-high-cpu"
    );

    // A sign-in token is spent on the partition's own console only.
    let token = link.open.rsplit("SigninToken=").next().unwrap_or_default();
    let elsewhere = format!(
        "{endpoint}/federation?Action=login&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken={token}"
    );
    let (status, _, _) = crate::sso_support::http("GET", &elsewhere, "").await;
    assert_eq!(status, 400);
    sim.shutdown().await;
}
