//! Sign-in against the simulator: PKCE and device-code logins, the AWS CLI cache format, refresh,
//! re-login prompts, sign-out, and two partitions at once.

use std::sync::Arc;
use std::time::Duration;

use crate::sso_support::*;
use chrono::{NaiveDateTime, Utc};
use ecsdesk_core::aws::sso::{
    LoginMethod, LoginProgress, Portal, SecretKind, SecretStore, SsoAuth, SsoEndpoints,
};
use ecsdesk_core::Partition;
use tokio_util::sync::CancellationToken;

/// Key order of an AWS CLI token file.
const CLI_KEYS: [&str; 8] = [
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
];

#[tokio::test]
async fn pkce_login_end_to_end_writes_the_cli_cache_and_keyring() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();

    let pending = fx.auth.begin_pkce_login(&session).await.unwrap();
    let url = url::Url::parse(&pending.authorize_url).unwrap();
    assert!(pending
        .authorize_url
        .starts_with(&format!("{}/authorize?", sim.endpoint())));
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["scopes"], "sso:account:access");
    assert_eq!(q["redirect_uri"], pending.redirect_uri);
    assert!(pending.redirect_uri.starts_with("http://127.0.0.1:"));
    assert!(pending.redirect_uri.ends_with("/oauth/callback"));
    assert!(q["state"].len() >= 32 && q["code_challenge"].len() == 43);
    let callback_port = url::Url::parse(&pending.redirect_uri)
        .unwrap()
        .port()
        .unwrap();

    let redirect = pending.redirect_uri.clone();
    let authorize = pending.authorize_url.clone();
    let endpoint = sim.endpoint();
    let (status, browser) = tokio::join!(complete_pkce(pending), async {
        // A redirect with a forged state is refused and does not end the sign-in...
        let (code, _, body) =
            http("GET", &format!("{redirect}?code=forged&state=forged"), "").await;
        assert_eq!(code, 400, "{body}");
        let (code, _, _) = http(
            "GET",
            &format!("http://127.0.0.1:{callback_port}/favicon.ico"),
            "",
        )
        .await;
        assert_eq!(code, 404);
        // ...the real one is accepted.
        play_browser(&endpoint, &authorize).await
    });
    assert_eq!(browser.0, 200);
    assert!(browser.1.contains("close this window"), "{}", browser.1);
    let status = status.unwrap();
    assert!(status.signed_in && status.refreshable);
    assert_eq!(status.partition, Partition::Aws);

    // The one-shot listener is closed.
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", callback_port))
        .await
        .is_err());

    // Token file: the exact AWS CLI format, 0600, named sha1(session name).
    let path = fx.cache.token_path(&session);
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        "c3b5e1b1fd1b8a3ab2e9c7a8d5a1e4a0d5c3a3c4.json".replace(
            "c3b5e1b1fd1b8a3ab2e9c7a8d5a1e4a0d5c3a3c4",
            &ecsdesk_core::aws::sso::cache::sha1_hex("ecsdesk-demo")
        )
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert_cli_token_format(&text);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let reg = fx.cache.registration_path(&session).unwrap();
        let mode = std::fs::metadata(&reg).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let reg_text = std::fs::read_to_string(&reg).unwrap();
        assert!(reg_text.starts_with("{\"clientId\": \""), "{reg_text}");
        assert!(reg_text.contains("\"grantTypes\": [\"authorization_code\", \"refresh_token\""));
    }
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["startUrl"], "https://ecsdesk-demo.awsapps.com/start");
    assert_eq!(value["region"], "us-east-1");

    // Secrets are in the keyring too.
    let refresh = fx
        .store
        .get("ecsdesk-demo", SecretKind::RefreshToken)
        .unwrap()
        .unwrap();
    assert_eq!(refresh.expose(), value["refreshToken"].as_str().unwrap());
    let secret = fx
        .store
        .get("ecsdesk-demo", SecretKind::ClientSecret)
        .unwrap()
        .unwrap();
    assert_eq!(secret.expose(), value["clientSecret"].as_str().unwrap());

    // And the token works at the portal.
    let portal = Portal::new(fx.auth.clone(), None);
    let accounts = portal.list_accounts(&session, false).await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].account_id, "123456789012");
    assert_eq!(accounts[0].account_name, "tak-commercial-staging");
    sim.shutdown().await;
}

/// Checks `text` is one line of JSON exactly as the AWS CLI writes a token.
fn assert_cli_token_format(text: &str) {
    assert!(
        text.starts_with('{') && text.ends_with('}') && !text.contains('\n'),
        "{text}"
    );
    let mut last = 0;
    for key in CLI_KEYS {
        let needle = format!("\"{key}\": \"");
        let at = text
            .find(&needle)
            .unwrap_or_else(|| panic!("{key} missing in {text}"));
        assert!(at >= last, "{key} out of order in {text}");
        last = at;
    }
    // Python json.dumps separators: ", " between members, ": " after keys; nothing else.
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let obj = value.as_object().unwrap();
    assert_eq!(obj.len(), CLI_KEYS.len(), "{text}");
    assert_eq!(text.matches("\", \"").count(), CLI_KEYS.len() - 1, "{text}");
    for key in ["expiresAt", "registrationExpiresAt"] {
        let v = obj[key].as_str().unwrap();
        assert!(
            NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%SZ").is_ok(),
            "{key} = {v}"
        );
        assert_eq!(v.len(), 20, "{v}");
    }
}

#[tokio::test]
async fn device_code_login_handles_pending_and_slow_down() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = govcloud();
    let mut pending = fx.auth.begin_device_login(&session).await.unwrap();
    assert_eq!(pending.user_code.len(), 9);
    assert!(pending.verification_uri.contains("us-gov-west-1"));
    assert_eq!(pending.interval, Duration::from_secs(1));
    assert!(pending.expires_at > Utc::now() + chrono::Duration::seconds(500));
    assert!(matches!(
        pending.progress(),
        LoginProgress::DeviceCode { .. }
    ));
    // Poll faster than the service allows, so it answers slow_down.
    pending.interval = Duration::from_millis(100);

    let events = Events::default();
    let sink_events = events.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sink = move |p: LoginProgress| {
        sink_events.0.lock().unwrap().push(p.clone());
        let _ = tx.send(p);
    };
    let endpoint = sim.endpoint();
    let started = std::time::Instant::now();
    let (status, ()) = tokio::join!(pending.complete(&sink, CancellationToken::new()), async {
        // Approve only once the service has told the client to slow down.
        while let Some(p) = rx.recv().await {
            if matches!(p, LoginProgress::SlowDown { .. }) {
                control(&endpoint, "POST", "sso/approve", "{}").await;
                break;
            }
        }
    });
    let status = status.unwrap();
    assert!(status.signed_in);
    assert_eq!(status.partition, Partition::AwsUsGov);
    let all = events.all();
    assert!(matches!(all[0], LoginProgress::Waiting { .. }), "{all:?}");
    let slow = all
        .iter()
        .find_map(|p| match p {
            LoginProgress::SlowDown { interval_seconds } => Some(*interval_seconds),
            _ => None,
        })
        .expect("a slow_down answer");
    assert_eq!(slow, 5, "interval grows by 5 s");
    // After slow_down the client really waited the longer interval.
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(all.last(), Some(LoginProgress::Exchanging)),
        "{all:?}"
    );
    assert_cli_token_format(&std::fs::read_to_string(fx.cache.token_path(&session)).unwrap());

    // A second device sign-in reuses the cached client registration.
    let before = calls(&sim.endpoint(), "oidc:RegisterClient").await;
    let again = fx.auth.begin_device_login(&session).await.unwrap();
    assert_eq!(calls(&sim.endpoint(), "oidc:RegisterClient").await, before);
    drop(again);
    sim.shutdown().await;
}

#[tokio::test]
async fn device_code_login_can_be_cancelled() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    let pending = fx.auth.begin_device_login(&session).await.unwrap();
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let sink = |_p: LoginProgress| {};
    let (result, ()) = tokio::join!(pending.complete(&sink, cancel), async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        trigger.cancel();
    });
    let err = result.unwrap_err();
    assert_eq!(err.code(), "Cancelled");
    assert!(!fx.cache.token_path(&session).exists());
    sim.shutdown().await;
}

#[tokio::test]
async fn login_helper_reports_progress_for_the_ui() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let events = Events::default();
    let sink_events = events.clone();
    let sink = move |p: LoginProgress| {
        sink_events.0.lock().unwrap().push(p.clone());
        let _ = tx.send(p);
    };
    let endpoint = sim.endpoint();
    let (status, browser) = tokio::join!(
        fx.auth.login(
            &session,
            LoginMethod::Browser,
            &sink,
            CancellationToken::new()
        ),
        async {
            let url = loop {
                if let Some(LoginProgress::OpenBrowser { url }) = rx.recv().await {
                    break url;
                }
            };
            play_browser(&endpoint, &url).await
        }
    );
    assert_eq!(browser.0, 200);
    let status = status.unwrap();
    let all = events.all();
    assert!(matches!(
        all.first(),
        Some(LoginProgress::OpenBrowser { .. })
    ));
    assert!(matches!(all.last(), Some(LoginProgress::SignedIn { status: s }) if *s == status));
    sim.shutdown().await;
}

#[tokio::test]
async fn refresh_renews_a_token_that_is_about_to_expire() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;
    let first = fx.cache.read_token(&session).unwrap().unwrap();

    // A fresh token is used as it is.
    let token = fx.auth.access_token(&session).await.unwrap();
    assert_eq!(token.token.expose(), first.access_token);

    // Two minutes left: the next use refreshes it.
    let mut near = first.clone();
    near.expires_at = Utc::now() + chrono::Duration::seconds(120);
    fx.cache.write_token(&session, &near).unwrap();
    let refreshes = calls(&sim.endpoint(), "oidc:CreateToken").await;
    let token = fx.auth.access_token(&session).await.unwrap();
    assert_ne!(token.token.expose(), first.access_token);
    assert!(token.expires_at > Utc::now() + chrono::Duration::minutes(50));
    assert_eq!(
        calls(&sim.endpoint(), "oidc:CreateToken").await,
        refreshes + 1
    );
    let stored = fx.cache.read_token(&session).unwrap().unwrap();
    assert_eq!(stored.access_token, token.token.expose());
    assert_eq!(stored.client_id, first.client_id);
    let rotated = stored.refresh_token.clone().unwrap();
    assert_eq!(
        fx.store
            .get("ecsdesk-demo", SecretKind::RefreshToken)
            .unwrap()
            .unwrap()
            .expose(),
        rotated
    );
    assert_cli_token_format(&std::fs::read_to_string(fx.cache.token_path(&session)).unwrap());

    // The refreshed token works at the portal.
    let portal = Portal::new(fx.auth.clone(), None);
    assert_eq!(portal.list_accounts(&session, true).await.unwrap().len(), 1);

    // An explicit refresh works too.
    let status = fx.auth.refresh(&session).await.unwrap();
    assert!(status.signed_in);
    assert_ne!(
        fx.cache.read_token(&session).unwrap().unwrap().access_token,
        stored.access_token
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn refresh_token_kept_only_in_the_keyring_still_refreshes() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;
    // A tool that strips secrets from the file leaves them only in the keyring.
    let mut token = fx.cache.read_token(&session).unwrap().unwrap();
    token.refresh_token = None;
    token.client_secret = None;
    token.expires_at = Utc::now() - chrono::Duration::seconds(10);
    fx.cache.write_token(&session, &token).unwrap();
    let fresh = fx.auth.access_token(&session).await.unwrap();
    assert!(fresh.expires_at > Utc::now());
    sim.shutdown().await;
}

#[tokio::test]
async fn expired_refresh_token_asks_for_a_new_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim(&many_accounts_scenario(dir.path(), 1)).await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;
    // 120 simulated days (30 at a time): the refresh token (90 days) and the client
    // registration are gone.
    for _ in 0..4 {
        control(
            &sim.endpoint(),
            "POST",
            "clock/advance",
            "{\"seconds\": 2592000}",
        )
        .await;
    }
    let mut token = fx.cache.read_token(&session).unwrap().unwrap();
    token.expires_at = Utc::now() - chrono::Duration::seconds(1);
    fx.cache.write_token(&session, &token).unwrap();
    let before = std::fs::read(fx.cache.token_path(&session)).unwrap();

    let err = fx.auth.access_token(&session).await.unwrap_err();
    assert_eq!(err.code(), "SignInRequired", "{err}");
    assert!(!err.retryable());
    let payload = ecsdesk_core::ErrorPayload::from(&err);
    assert_eq!(payload.code, "SignInRequired");
    assert!(
        payload.message.contains("Sign in again"),
        "{}",
        payload.message
    );
    // Nothing was thrown away: the view can stay while the user signs in again.
    assert_eq!(
        std::fs::read(fx.cache.token_path(&session)).unwrap(),
        before
    );
    assert!(!fx.auth.status(&session).unwrap().signed_in);

    // A bogus refresh token is refused the same way.
    token.refresh_token = Some("simrefresh-bogus".into());
    fx.cache.write_token(&session, &token).unwrap();
    let err = fx.auth.access_token(&session).await.unwrap_err();
    assert_eq!(err.code(), "SignInRequired");

    // Signing in again works (new client registration, new token).
    fx.pkce_login(&session).await;
    assert!(fx.auth.access_token(&session).await.is_ok());
    sim.shutdown().await;
}

#[tokio::test]
async fn not_signed_in_is_sign_in_required() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let err = fx.auth.access_token(&commercial()).await.unwrap_err();
    assert_eq!(err.code(), "SignInRequired");
    let status = fx.auth.status(&commercial()).unwrap();
    assert!(!status.signed_in && status.expires_at.is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn two_partitions_signed_in_at_once() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let (com, gov) = (commercial(), govcloud());
    let (a, b) = tokio::join!(fx.pkce_login(&com), fx.pkce_login(&gov));
    assert_eq!(a.partition, Partition::Aws);
    assert_eq!(b.partition, Partition::AwsUsGov);
    assert_ne!(fx.cache.token_path(&com), fx.cache.token_path(&gov));
    let config = ecsdesk_core::aws::sso::SsoConfig {
        path: None,
        sessions: vec![com.clone(), gov.clone()],
        profiles: Vec::new(),
    };
    let statuses = fx.auth.statuses(&config);
    assert!(statuses
        .iter()
        .all(|s| s.signed_in && s.expires_at.is_some()));
    assert_eq!(statuses[1].partition, Partition::AwsUsGov);
    let gov_token = fx.cache.read_token(&gov).unwrap().unwrap();
    assert_eq!(gov_token.region, "us-gov-west-1");
    assert_eq!(
        gov_token.start_url,
        "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo"
    );

    let portal = Portal::new(fx.auth.clone(), Some(fx.data_dir()));
    let (com_accounts, gov_accounts) = tokio::join!(
        portal.list_accounts(&com, false),
        portal.list_accounts(&gov, false)
    );
    assert_eq!(com_accounts.unwrap()[0].account_id, "123456789012");
    let gov_accounts = gov_accounts.unwrap();
    assert_eq!(gov_accounts[0].account_id, "210987654321");
    assert_eq!(gov_accounts[0].account_name, "tak-govcloud-prod");

    // Role credentials of each session work with STS in their own partition.
    let com_arn = caller_arn(
        &portal,
        &com,
        "123456789012",
        "OperatorAccess",
        "us-east-1",
        &sim.endpoint(),
    )
    .await;
    let gov_arn = caller_arn(
        &portal,
        &gov,
        "210987654321",
        "ReadOnlyAccess",
        "us-gov-east-1",
        &sim.endpoint(),
    )
    .await;
    assert!(
        com_arn
            .starts_with("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_OperatorAccess_"),
        "{com_arn}"
    );
    assert!(
        gov_arn.starts_with(
            "arn:aws-us-gov:sts::210987654321:assumed-role/AWSReservedSSO_ReadOnlyAccess_"
        ),
        "{gov_arn}"
    );

    // Signing out of one leaves the other signed in.
    portal.logout(&com).await.unwrap();
    assert!(!fx.auth.status(&com).unwrap().signed_in);
    assert!(fx.auth.status(&gov).unwrap().signed_in);
    assert!(fx.auth.access_token(&gov).await.is_ok());
    sim.shutdown().await;
}

/// The caller ARN STS reports for SDK clients built on the portal's role credentials.
async fn caller_arn(
    portal: &Portal,
    session: &ecsdesk_core::aws::sso::SsoSession,
    account: &str,
    role: &str,
    region: &str,
    endpoint: &str,
) -> String {
    let provider = portal.role_credentials_provider(session, account, role);
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .endpoint_url(endpoint)
        .credentials_provider(provider)
        .build();
    let sts = aws_sdk_sts::Client::from_conf(config);
    let identity = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some(account));
    identity.arn().unwrap().to_string()
}

#[tokio::test]
async fn role_credentials_are_cached_until_near_expiry() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;
    let portal = Portal::new(fx.auth.clone(), None);
    let first = portal
        .role_credentials(&session, "123456789012", "OperatorAccess")
        .await
        .unwrap();
    let second = portal
        .role_credentials(&session, "123456789012", "OperatorAccess")
        .await
        .unwrap();
    assert_eq!(first.access_key_id(), second.access_key_id());
    assert_eq!(calls(&sim.endpoint(), "sso:GetRoleCredentials").await, 1);
    let left = first
        .expiry()
        .unwrap()
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!(left > Duration::from_secs(50 * 60), "{left:?}");
    // Kept in the keyring (no key in the debug output), so a new portal reuses them.
    let stored = fx
        .store
        .get("ecsdesk-demo", SecretKind::RoleCredentials)
        .unwrap()
        .unwrap();
    assert!(stored.expose().contains(first.access_key_id()));
    assert!(!format!("{stored:?}").contains(first.access_key_id()));
    let other = Portal::new(fx.auth.clone(), None);
    let third = other
        .role_credentials(&session, "123456789012", "OperatorAccess")
        .await
        .unwrap();
    assert_eq!(third.access_key_id(), first.access_key_id());
    assert_eq!(calls(&sim.endpoint(), "sso:GetRoleCredentials").await, 1);
    // Another role is fetched.
    let ro = portal
        .role_credentials(&session, "123456789012", "ReadOnlyAccess")
        .await
        .unwrap();
    assert_ne!(ro.access_key_id(), first.access_key_id());
    assert_eq!(calls(&sim.endpoint(), "sso:GetRoleCredentials").await, 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn logout_revokes_and_clears_cache_and_keyring() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;
    let portal = Portal::new(fx.auth.clone(), None);
    portal
        .role_credentials(&session, "123456789012", "OperatorAccess")
        .await
        .unwrap();
    let old = std::fs::read(fx.cache.token_path(&session)).unwrap();
    assert!(!fx.store.is_empty());

    portal.logout(&session).await.unwrap();
    assert_eq!(calls(&sim.endpoint(), "sso:Logout").await, 1);
    assert!(!fx.cache.token_path(&session).exists());
    assert!(!fx.cache.registration_path(&session).unwrap().exists());
    assert!(
        fx.store.is_empty(),
        "keyring entries left: {}",
        fx.store.len()
    );
    assert_eq!(
        fx.auth.access_token(&session).await.unwrap_err().code(),
        "SignInRequired"
    );

    // The old token was revoked at the service: putting the file back does not sign in again.
    std::fs::create_dir_all(fx.cache.dir()).unwrap();
    std::fs::write(fx.cache.token_path(&session), old).unwrap();
    let err = portal.list_accounts(&session, true).await.unwrap_err();
    assert_eq!(err.code(), "SignInRequired", "{err}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_token_written_by_the_aws_cli_is_used() {
    let sim = sim("demo").await;
    // Another tool signs in (its own cache)...
    let other = Fixture::new(&sim);
    let session = commercial();
    other.pkce_login(&session).await;
    let token = other.cache.read_token(&session).unwrap().unwrap();

    // ...and the file it leaves, in the CLI's format with its other timestamp forms, is read.
    let fx = Fixture::new(&sim);
    std::fs::create_dir_all(fx.cache.dir()).unwrap();
    let expires = (token.expires_at).format("%Y-%m-%dT%H:%M:%S%.6f+00:00");
    let text = format!(
        "{{\n  \"startUrl\": \"{}\",\n  \"region\": \"us-east-1\",\n  \"accessToken\": \"{}\",\n  \"expiresAt\": \"{expires}\",\n  \"receivedAt\": \"2024-01-01T00:00:00UTC\",\n  \"clientId\": \"{}\",\n  \"clientSecret\": \"{}\",\n  \"registrationExpiresAt\": \"{}\",\n  \"refreshToken\": \"{}\"\n}}\n",
        token.start_url,
        token.access_token,
        token.client_id.clone().unwrap(),
        token.client_secret.clone().unwrap(),
        token.registration_expires_at.unwrap().format("%Y-%m-%dT%H:%M:%S.000Z"),
        token.refresh_token.clone().unwrap(),
    );
    let path = fx.cache.token_path(&session);
    std::fs::write(&path, &text).unwrap();
    let status = fx.auth.status(&session).unwrap();
    assert!(status.signed_in && status.refreshable);
    let portal = Portal::new(fx.auth.clone(), None);
    assert_eq!(
        portal.list_accounts(&session, false).await.unwrap()[0].account_id,
        "123456789012"
    );
    // Reading never rewrote it.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // A refresh works with the CLI's refresh token and client.
    let status = fx.auth.refresh(&session).await.unwrap();
    assert!(status.signed_in);
    assert_cli_token_format(&std::fs::read_to_string(&path).unwrap());
    sim.shutdown().await;
}

#[tokio::test]
async fn sso_auth_from_explicit_endpoint_ignores_process_env() {
    // The endpoint is a parameter; nothing here reads AWS_ENDPOINT_URL.
    let sim = sim("demo").await;
    let store = ecsdesk_core::aws::sso::MemoryStore::new();
    let dir = tempfile::tempdir().unwrap();
    let auth = SsoAuth::new(
        ecsdesk_core::aws::sso::TokenCache::new(dir.path()),
        Arc::new(store),
        SsoEndpoints::fixed(&sim.endpoint()),
    );
    let pending = auth.begin_device_login(&commercial()).await.unwrap();
    assert!(!pending.user_code.is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_malformed_cache_file_is_reported_and_kept_until_a_new_sign_in() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    let path = fx.cache.token_path(&session);
    std::fs::create_dir_all(fx.cache.dir()).unwrap();
    let broken = "{\"startUrl\": \"https://ecsdesk-demo.awsapps.com/start\",\n\"region\": \"us-east-1\",\n\"accessToken\": \"x\",\n\"expiresAt\": \"next tuesday\"}";
    std::fs::write(&path, broken).unwrap();

    for err in [
        fx.auth.access_token(&session).await.unwrap_err(),
        fx.auth.refresh(&session).await.unwrap_err(),
        fx.auth.status(&session).unwrap_err(),
    ] {
        assert_eq!(err.code(), "ConfigError");
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("line 4") && msg.contains("expiresAt"), "{msg}");
    }
    let not_json = "{\"startUrl\": \n oops";
    std::fs::write(&path, not_json).unwrap();
    let msg = fx
        .auth
        .access_token(&session)
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("line 2"), "{msg}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        not_json,
        "never overwritten"
    );

    // Signing in again replaces it whole.
    fx.pkce_login(&session).await;
    assert!(fx.auth.status(&session).unwrap().signed_in);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_browser_sign_in_can_be_cancelled_and_closes_its_listener() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let pending = fx.auth.begin_pkce_login(&commercial()).await.unwrap();
    let port = url::Url::parse(&pending.redirect_uri)
        .unwrap()
        .port()
        .unwrap();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let sink = |_p: LoginProgress| {};
    let err = pending.complete(&sink, cancel).await.unwrap_err();
    assert_eq!(err.code(), "Cancelled");
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err());
    assert!(!fx.cache.token_path(&commercial()).exists());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_token_for_another_start_url_is_not_used() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;
    // Same name, re-pointed at another instance: the old token does not count.
    let moved = ecsdesk_core::aws::sso::SsoSession::new(
        "ecsdesk-demo",
        "https://elsewhere.awsapps.com/start",
        "us-east-1",
    )
    .unwrap();
    assert!(!fx.auth.status(&moved).unwrap().signed_in);
    assert_eq!(
        fx.auth.access_token(&moved).await.unwrap_err().code(),
        "SignInRequired"
    );
    // A trailing slash is the same start URL.
    let slash = ecsdesk_core::aws::sso::SsoSession::new(
        "ecsdesk-demo",
        "https://ecsdesk-demo.awsapps.com/start/",
        "us-east-1",
    )
    .unwrap();
    assert!(fx.auth.status(&slash).unwrap().signed_in);
    sim.shutdown().await;
}
