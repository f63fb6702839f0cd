//! SSO-backed sessions against the simulator: sign in through `SignIn` (browser and device code),
//! list accounts and roles, open a GovCloud and a commercial session at once and list clusters in
//! both, a read-only role refused a write, sign-in-required errors, cancel and sign-out.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::sso_support::{commercial, control, govcloud, play_browser, sim, Fixture};
use ecsdesk_core::aws::sso::{LoginMethod, LoginProgress, Portal, SecretKind, SecretStore};
use ecsdesk_core::{Partition, SessionRegistry, SignIn};

/// The demo's two sso-sessions as `--aws-config-out` writes them, plus an unrelated profile.
const CONFIG: &str = "[profile keep-me]\nregion = eu-west-1\n\n\
[sso-session ecsdesk-demo]\nsso_start_url = https://ecsdesk-demo.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n\
[sso-session ecsdesk-demo-gov]\nsso_start_url = https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo\nsso_region = us-gov-west-1\nsso_registration_scopes = sso:account:access\n";

/// A `SignIn` on the fixture's cache and secrets, a config file with the demo's sso-sessions,
/// and AWS calls sent to the simulator.
fn desk(fx: &Fixture) -> (SignIn, PathBuf) {
    let config = fx.dir.path().join("config");
    std::fs::write(&config, CONFIG).unwrap();
    let portal = Portal::new(fx.auth.clone(), Some(fx.data_dir()));
    let signin = SignIn::new(portal)
        .with_config_file(config.clone())
        .with_endpoint(&fx.endpoint);
    (signin, config)
}

/// Collected progress of a sign-in, and a way to wait for its last event.
#[derive(Clone, Default)]
struct Progress(Arc<Mutex<Vec<LoginProgress>>>);

impl Progress {
    fn sink(&self) -> Arc<dyn Fn(LoginProgress) + Send + Sync> {
        let events = self.0.clone();
        Arc::new(move |p| events.lock().unwrap().push(p))
    }

    /// Waits (up to 20 s) for `signedIn` or `failed`.
    async fn finished(&self) -> LoginProgress {
        for _ in 0..400 {
            if let Some(last) = self.0.lock().unwrap().last().cloned() {
                if matches!(
                    last,
                    LoginProgress::SignedIn { .. } | LoginProgress::Failed { .. }
                ) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the sign-in never finished: {:?}", self.0.lock().unwrap());
    }
}

/// Never opens a browser (there is none in tests); reports that it could not.
fn no_browser(_url: &str) -> Result<(), String> {
    Err("no browser in tests".into())
}

/// Signs in to `session` with the browser method, playing the browser.
async fn browser_sign_in(signin: &SignIn, endpoint: &str, session: &str) {
    let progress = Progress::default();
    let started = signin
        .login_start(session, LoginMethod::Browser, progress.sink(), &no_browser)
        .await
        .unwrap();
    assert!(!started.browser_opened);
    let LoginProgress::OpenBrowser { url } = started.progress else {
        panic!("expected a URL to open: {:?}", started.progress);
    };
    let (status, page) = play_browser(endpoint, &url).await;
    assert_eq!(status, 200, "{page}");
    match progress.finished().await {
        LoginProgress::SignedIn { status } => {
            assert_eq!(status.session, session);
            assert!(status.signed_in);
        }
        other => panic!("sign-in failed: {other:?}"),
    }
}

/// Signs in to `session` with a device code approved at the simulator.
async fn device_sign_in(signin: &SignIn, endpoint: &str, session: &str) {
    let progress = Progress::default();
    let started = signin
        .login_start(session, LoginMethod::DeviceCode, progress.sink(), &|_| {
            Ok(())
        })
        .await
        .unwrap();
    assert!(started.browser_opened);
    let LoginProgress::DeviceCode {
        user_code,
        verification_uri,
        ..
    } = started.progress
    else {
        panic!("expected a device code: {:?}", started.progress);
    };
    assert!(!user_code.is_empty());
    assert!(
        verification_uri.starts_with("https://"),
        "{verification_uri}"
    );
    control(endpoint, "POST", "sso/approve", "{}").await;
    assert!(
        matches!(progress.finished().await, LoginProgress::SignedIn { .. }),
        "{:?}",
        progress.0.lock().unwrap()
    );
}

#[tokio::test]
async fn govcloud_and_commercial_sso_sessions_at_once() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let (signin, _) = desk(&fx);
    let registry = SessionRegistry::new();

    let before = signin.list_sso_sessions().await.unwrap();
    assert_eq!(before.len(), 2);
    assert!(before
        .iter()
        .all(|s| !s.signed_in && s.expires_at.is_none()));
    let gov_status = before
        .iter()
        .find(|s| s.session == "ecsdesk-demo-gov")
        .unwrap();
    assert_eq!(gov_status.partition, Partition::AwsUsGov);

    browser_sign_in(&signin, &fx.endpoint, "ecsdesk-demo").await;
    device_sign_in(&signin, &fx.endpoint, "ecsdesk-demo-gov").await;
    let after = signin.list_sso_sessions().await.unwrap();
    assert!(
        after.iter().all(|s| s.signed_in && s.expires_at.is_some()),
        "{after:?}"
    );

    // Accounts and roles, per portal.
    let gov_accounts = signin
        .list_accounts("ecsdesk-demo-gov", false)
        .await
        .unwrap();
    let gov_account = gov_accounts
        .iter()
        .find(|a| a.account_name == "tak-govcloud-prod")
        .expect("the GovCloud account is listed");
    assert_eq!(gov_account.account_id, "210987654321");
    assert!(
        gov_accounts.iter().all(|a| a.account_id != "123456789012"),
        "the GovCloud portal lists no commercial account: {gov_accounts:?}"
    );
    let roles: Vec<String> = signin
        .list_roles("ecsdesk-demo-gov", "210987654321")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.role_name)
        .collect();
    assert!(roles.contains(&"OperatorAccess".to_string()), "{roles:?}");
    assert!(roles.contains(&"ReadOnlyAccess".to_string()), "{roles:?}");

    // Favourites come first.
    let com_accounts = signin.list_accounts("ecsdesk-demo", false).await.unwrap();
    let last = com_accounts.last().unwrap().account_id.clone();
    signin.set_favourite("ecsdesk-demo", &last, true).unwrap();
    let com_accounts = signin.list_accounts("ecsdesk-demo", false).await.unwrap();
    assert_eq!(com_accounts[0].account_id, last);
    assert!(com_accounts[0].favourite);

    // Both partitions open at once, default regions preselected.
    let gov = signin
        .open_session(
            &registry,
            "ecsdesk-demo-gov",
            "210987654321",
            "OperatorAccess",
            None,
        )
        .await
        .unwrap();
    assert_eq!(gov.id, "ecsdesk-demo-gov/210987654321/OperatorAccess");
    assert_eq!(gov.partition, Partition::AwsUsGov);
    assert_eq!(gov.region, "us-gov-east-1");
    assert_eq!(gov.account_name.as_deref(), Some("tak-govcloud-prod"));
    assert_eq!(gov.sso_session.as_deref(), Some("ecsdesk-demo-gov"));
    assert_eq!(gov.role_name.as_deref(), Some("OperatorAccess"));
    assert!(
        gov.arn.starts_with("arn:aws-us-gov:sts::210987654321:"),
        "{}",
        gov.arn
    );
    let com = signin
        .open_session(
            &registry,
            "ecsdesk-demo",
            "123456789012",
            "OperatorAccess",
            Some("us-east-1".into()),
        )
        .await
        .unwrap();
    assert_eq!(com.partition, Partition::Aws);
    assert_eq!(com.account_name.as_deref(), Some("tak-commercial-staging"));
    assert!(
        com.arn.starts_with("arn:aws:sts::123456789012:"),
        "{}",
        com.arn
    );

    let gov_clusters: Vec<String> = ecsdesk_core::app::browse::list_clusters(&registry, &gov.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(
        gov_clusters.contains(&"coe-ecs-prod".to_string()),
        "{gov_clusters:?}"
    );
    let com_clusters: Vec<String> = ecsdesk_core::app::browse::list_clusters(&registry, &com.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(
        com_clusters.contains(&"coe-ecs-staging".to_string()),
        "{com_clusters:?}"
    );
    assert!(!com_clusters.contains(&"coe-ecs-prod".to_string()));
    let services = ecsdesk_core::app::browse::list_services(&registry, &gov.id, "coe-ecs-prod")
        .await
        .unwrap();
    assert!(services.iter().any(|s| s.name == "coe-etl-prod-Service"));
    assert_eq!(registry.list_sessions().await.len(), 2);

    // A region of the other partition is refused.
    let wrong = signin
        .open_session(
            &registry,
            "ecsdesk-demo-gov",
            "210987654321",
            "OperatorAccess",
            Some("us-east-1".into()),
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "InvalidInput");
    // An account the portal does not list is refused before any AWS call.
    let stranger = signin
        .open_session(
            &registry,
            "ecsdesk-demo-gov",
            "123456789012",
            "OperatorAccess",
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(stranger.code(), "NotFound");

    // Sign-out of one portal closes only its sessions and clears its cache and keyring entries.
    let token_file = fx.cache.token_path(&commercial());
    assert!(token_file.exists());
    let closed = signin.logout(&registry, "ecsdesk-demo").await.unwrap();
    assert_eq!(closed, vec![com.id.clone()]);
    assert!(!token_file.exists());
    for kind in SecretKind::ALL {
        assert!(
            fx.store.get("ecsdesk-demo", kind).unwrap().is_none(),
            "{kind:?}"
        );
    }
    assert!(fx.cache.token_path(&govcloud()).exists());
    let ids: Vec<String> = registry
        .list_sessions()
        .await
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, vec![gov.id.clone()]);
    let statuses = signin.list_sso_sessions().await.unwrap();
    let com_status = statuses
        .iter()
        .find(|s| s.session == "ecsdesk-demo")
        .unwrap();
    assert!(!com_status.signed_in);
    sim.shutdown().await;
}

#[tokio::test]
async fn read_only_role_is_its_own_session_and_may_not_restart() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let (signin, _) = desk(&fx);
    let registry = SessionRegistry::new();
    browser_sign_in(&signin, &fx.endpoint, "ecsdesk-demo").await;

    let operator = signin
        .open_session(
            &registry,
            "ecsdesk-demo",
            "123456789012",
            "OperatorAccess",
            None,
        )
        .await
        .unwrap();
    let read_only = signin
        .open_session(
            &registry,
            "ecsdesk-demo",
            "123456789012",
            "ReadOnlyAccess",
            None,
        )
        .await
        .unwrap();
    assert_ne!(operator.id, read_only.id);
    assert!(
        read_only.arn.contains("ReadOnlyAccess"),
        "{}",
        read_only.arn
    );
    assert_eq!(registry.list_sessions().await.len(), 2);
    // Opening the same role again replaces the session rather than adding one.
    signin
        .open_session(
            &registry,
            "ecsdesk-demo",
            "123456789012",
            "ReadOnlyAccess",
            None,
        )
        .await
        .unwrap();
    assert_eq!(registry.list_sessions().await.len(), 2);

    // Reading works, a restart is refused.
    assert!(
        !ecsdesk_core::app::browse::list_clusters(&registry, &read_only.id)
            .await
            .unwrap()
            .is_empty()
    );
    let session = registry.get(&read_only.id).await.unwrap();
    let denied = session
        .ecs
        .update_service()
        .cluster("coe-ecs-staging")
        .service("api-staging-Service")
        .force_new_deployment(true)
        .send()
        .await
        .map_err(session.error("ecs:UpdateService"))
        .unwrap_err();
    assert_eq!(denied.code(), "AccessDeniedException");
    sim.shutdown().await;
}

#[tokio::test]
async fn an_ended_sign_in_is_reported_as_sign_in_required() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let (signin, _) = desk(&fx);
    let registry = SessionRegistry::new();

    // Never signed in: the portal cannot be listed.
    let err = signin
        .list_accounts("ecsdesk-demo-gov", false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "SignInRequired");

    device_sign_in(&signin, &fx.endpoint, "ecsdesk-demo-gov").await;
    signin
        .list_accounts("ecsdesk-demo-gov", false)
        .await
        .unwrap();
    // The portal ends the sign-in and refuses the refresh token: a new role needs the user.
    control(&fx.endpoint, "POST", "sso/revoke-refresh", "{}").await;
    control(&fx.endpoint, "POST", "sso/expire-tokens", "{}").await;
    // Make the cached token look as expired as the portal says it is.
    let session = govcloud();
    let mut token = fx.cache.read_token(&session).unwrap().unwrap();
    token.expires_at = chrono::Utc::now() - chrono::Duration::seconds(5);
    fx.cache.write_token(&session, &token).unwrap();

    let err = signin
        .open_session(
            &registry,
            "ecsdesk-demo-gov",
            "210987654321",
            "ReadOnlyAccess",
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "SignInRequired", "{err}");
    let statuses = signin.list_sso_sessions().await.unwrap();
    let gov = statuses
        .iter()
        .find(|s| s.session == "ecsdesk-demo-gov")
        .unwrap();
    assert!(!gov.signed_in, "{gov:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_sign_in_can_be_cancelled_and_a_new_portal_added() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let (signin, config) = desk(&fx);

    let progress = Progress::default();
    signin
        .login_start(
            "ecsdesk-demo",
            LoginMethod::Browser,
            progress.sink(),
            &no_browser,
        )
        .await
        .unwrap();
    assert!(signin.login_cancel("ecsdesk-demo"));
    match progress.finished().await {
        LoginProgress::Failed { error } => assert_eq!(error.code, "Cancelled"),
        other => panic!("expected a cancelled sign-in: {other:?}"),
    }
    assert!(!signin.login_cancel("ecsdesk-demo"));
    let unknown = signin
        .login_start("nope", LoginMethod::Browser, progress.sink(), &no_browser)
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), "NotFound");

    // A start URL added without a name gets one from the URL; the rest of the file is kept.
    let added = signin
        .add_sso_session(
            None,
            "https://d-9067a1b2c3.portal.us-gov-east-1.app.aws/",
            "us-gov-east-1",
        )
        .unwrap();
    assert_eq!(added.session, "d-9067a1b2c3-gov");
    assert_eq!(added.partition, Partition::AwsUsGov);
    assert!(!added.signed_in);
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.starts_with(CONFIG), "{text}");
    assert!(
        text.contains("[sso-session d-9067a1b2c3-gov]\nsso_start_url = https://d-9067a1b2c3.portal.us-gov-east-1.app.aws/\nsso_region = us-gov-east-1\n"),
        "{text}"
    );
    assert_eq!(signin.list_sso_sessions().await.unwrap().len(), 3);
    let bad = signin
        .add_sso_session(Some("x"), "https://example.awsapps.com/start", "mars-1")
        .unwrap_err();
    assert_eq!(bad.code(), "InvalidInput");
    sim.shutdown().await;
}
