//! "Open in the AWS console" signed in: a session from the access portal opens the console
//! through the portal's shortcut, as its account and role, in its partition — for GovCloud and
//! commercial; a session from static keys opens the page itself. Nothing is written to disk.

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
    assert!(link.signed_in);
    assert_eq!(
        link.url,
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
    assert!(link.signed_in);
    assert_eq!(
        link.url,
        "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo/#/console?account_id=210987654321&role_name=ReadOnlyAccess&destination=https%3A%2F%2Fconsole.amazonaws-us-gov.com%2Fcloudwatch%2Fhome%3Fregion%3Dus-gov-east-1%23alarmsV2%3Aalarm%2Fcoe-etl-prod-Service-high-cpu"
    );

    // Static keys: the page itself; the user signs in to the console on their own.
    let keys = registry
        .open(crate::demo::commercial(&sim.endpoint()), None)
        .await
        .expect("key session")
        .id;
    let link = console_link(&registry, &keys, &service)
        .await
        .expect("link");
    assert!(!link.signed_in);
    assert!(link
        .url
        .starts_with("https://console.aws.amazon.com/ecs/v2/clusters/coe-ecs-staging/"));
    sim.shutdown().await;
}
