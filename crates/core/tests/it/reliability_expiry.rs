//! Expiry in the middle of work: the SSO access token ending alone does not interrupt a session
//! (its role credentials still hold); role credentials refused by AWS (expired or revoked on the
//! server side) lead to `ExpiredCredentials` then `SignInRequired`, and after the user signs in
//! again the very same registry session works — no reopened session, no rebuilt view.

use crate::sso_support::{commercial, control, Fixture};
use ecsdesk_core::aws::sso::Portal;
use ecsdesk_core::{ErrorPayload, SessionRegistry, SessionSource};

const ACCOUNT: &str = "123456789012";
const CLUSTER: &str = "coe-ecs-staging";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sso_session_recovers_in_place_after_signing_in_again() {
    let sim = crate::sso_support::sim("demo").await;
    let endpoint = sim.endpoint();
    let fixture = Fixture::new(&sim);
    let sso = commercial();
    fixture.pkce_login(&sso).await;
    let portal = Portal::new(fixture.auth.clone(), Some(fixture.data_dir()));
    let registry = SessionRegistry::new();
    let source = SessionSource::Sso {
        session: Box::new(sso.clone()),
        account_id: ACCOUNT.into(),
        account_name: Some("tak-commercial-staging".into()),
        role_name: "OperatorAccess".into(),
        provider: Box::new(portal.role_credentials_provider(&sso, ACCOUNT, "OperatorAccess")),
        endpoint_url: Some(endpoint.clone()),
    };
    let info = registry.open(source, None).await.unwrap();
    assert_eq!(info.account_id, ACCOUNT);
    assert!(
        !ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
            .await
            .unwrap()
            .is_empty()
    );

    // The access token ends (an hour of portal idleness): the role credentials still hold, so
    // views keep refreshing.
    control(&endpoint, "POST", "sso/expire-tokens", "{}").await;
    assert!(
        !ecsdesk_core::app::browse::list_services(&registry, &info.id, CLUSTER)
            .await
            .unwrap()
            .is_empty()
    );

    // Two hours later AWS refuses the role credentials too (expired on its clock, or revoked):
    // the UI hears "expired", then — the portal not accepting the old sign-in — "sign in again".
    control(&endpoint, "POST", "clock/advance", r#"{"seconds": 7300}"#).await;
    let session = registry.get(&info.id).await.unwrap();
    let err = session
        .ecs
        .list_clusters()
        .send()
        .await
        .map_err(session.error("ecs:ListClusters"))
        .unwrap_err();
    assert_eq!(err.code(), "ExpiredCredentials", "{err:?}");
    let err = session
        .ecs
        .list_clusters()
        .send()
        .await
        .map_err(session.error("ecs:ListClusters"))
        .unwrap_err();
    let payload = ErrorPayload::from(&err);
    assert_eq!(payload.code, "SignInRequired", "{payload:?}");
    assert!(payload.message.contains("Sign in again"), "{payload:?}");

    // The user signs in again; the same session (same id, same clients) works.
    fixture.pkce_login(&sso).await;
    let clusters = ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
        .await
        .unwrap();
    assert!(clusters.iter().any(|c| c.name == CLUSTER), "{clusters:?}");
    let again = registry.get(&info.id).await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&session, &again),
        "the session was not rebuilt"
    );
    sim.shutdown().await;
}
