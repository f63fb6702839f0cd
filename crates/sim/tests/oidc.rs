//! SSO OIDC through the unmodified aws-sdk-ssooidc client: client registration, the device-code
//! flow (pending, slow_down, approval, expiry), the authorization-code flow with PKCE through the
//! `/authorize` page, and refresh tokens (including revoked and expired ones).

use aws_sdk_ssooidc::Client;
use base64::Engine;
use ecsdesk_sim::SimHandle;

mod common;
use common::{code, http, sim};
use sha2::{Digest, Sha256};

const START_URL: &str = "https://ecsdesk-demo.awsapps.com/start";
const GOV_START_URL: &str = "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn oidc(h: &SimHandle, region: &str) -> Client {
    let conf = aws_sdk_ssooidc::Config::builder()
        .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
        .region(aws_sdk_ssooidc::config::Region::new(region.to_string()))
        .endpoint_url(h.endpoint())
        .build();
    Client::from_conf(conf)
}

#[tokio::test]
async fn device_flow_pends_slows_down_and_issues_tokens_once_approved() {
    let h = sim("demo").await;
    let c = oidc(&h, "us-east-1");
    let reg = c
        .register_client()
        .client_name("ecs-desk-test")
        .client_type("public")
        .scopes("sso:account:access")
        .grant_types(DEVICE_GRANT)
        .grant_types("refresh_token")
        .send()
        .await
        .expect("register");
    let (id, secret) = (
        reg.client_id().expect("id").to_string(),
        reg.client_secret().expect("secret").to_string(),
    );
    let days = (reg.client_secret_expires_at() - reg.client_id_issued_at()) / 86400;
    assert!((89..=91).contains(&days), "{days} days");
    let auth = c
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(START_URL)
        .send()
        .await
        .expect("start device authorization");
    let user_code = auth.user_code().expect("user code");
    assert_eq!(user_code.len(), 9);
    assert_eq!(&user_code[4..5], "-");
    assert_eq!(auth.expires_in(), 600);
    assert_eq!(auth.interval(), 1);
    assert!(auth
        .verification_uri_complete()
        .expect("complete uri")
        .ends_with(user_code));
    let device = auth.device_code().expect("device code").to_string();
    let poll = || {
        c.create_token()
            .client_id(&id)
            .client_secret(&secret)
            .grant_type(DEVICE_GRANT)
            .device_code(&device)
            .send()
    };
    let err = poll().await.expect_err("pending");
    assert_eq!(code(&err), "AuthorizationPendingException");
    assert!(err
        .as_service_error()
        .is_some_and(|e| e.is_authorization_pending_exception()));
    let err = poll().await.expect_err("too fast");
    assert_eq!(code(&err), "SlowDownException");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let err = poll().await.expect_err("still pending");
    assert_eq!(code(&err), "AuthorizationPendingException");

    let approved = h.control().approve_sso().await.expect("approve");
    assert_eq!(approved, 1);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let token = poll().await.expect("token after approval");
    assert!(token.access_token().is_some_and(|t| !t.is_empty()));
    assert_eq!(token.token_type(), Some("Bearer"));
    assert_eq!(token.expires_in(), 3600);
    assert!(
        token.refresh_token().is_some(),
        "registered for refresh_token"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let err = poll().await.expect_err("code used twice");
    assert_eq!(code(&err), "InvalidGrantException");

    let err = c
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type(DEVICE_GRANT)
        .device_code("not-a-device-code")
        .send()
        .await
        .expect_err("unknown code");
    assert_eq!(code(&err), "InvalidGrantException");
    let err = c
        .create_token()
        .client_id(&id)
        .client_secret("wrong")
        .grant_type(DEVICE_GRANT)
        .device_code(&device)
        .send()
        .await
        .expect_err("bad secret");
    assert_eq!(code(&err), "InvalidClientException");
    let err = c
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url("https://unknown.awsapps.com/start")
        .send()
        .await
        .expect_err("unknown start URL");
    assert_eq!(code(&err), "InvalidRequestException");
    h.shutdown().await;
}

#[tokio::test]
async fn device_codes_expire() {
    let h = sim("demo").await;
    let c = oidc(&h, "us-gov-west-1");
    let reg = c
        .register_client()
        .client_name("t")
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
        .start_url(GOV_START_URL)
        .send()
        .await
        .expect("start");
    assert!(auth
        .verification_uri()
        .unwrap_or_default()
        .contains("us-gov-west-1"));
    h.control()
        .advance_clock(601.0)
        .await
        .expect("clock advances");
    let err = c
        .create_token()
        .client_id(id)
        .client_secret(secret)
        .grant_type(DEVICE_GRANT)
        .device_code(auth.device_code().unwrap_or_default())
        .send()
        .await
        .expect_err("expired");
    assert_eq!(code(&err), "ExpiredTokenException");
    // Device-flow tokens without the refresh_token grant come without a refresh token.
    let auth = c
        .start_device_authorization()
        .client_id(id)
        .client_secret(secret)
        .start_url(GOV_START_URL)
        .send()
        .await
        .expect("start again");
    h.control().approve_sso().await.expect("approve");
    let token = c
        .create_token()
        .client_id(id)
        .client_secret(secret)
        .grant_type(DEVICE_GRANT)
        .device_code(auth.device_code().unwrap_or_default())
        .send()
        .await
        .expect("token");
    assert!(token.refresh_token().is_none());
    h.shutdown().await;
}

fn pkce_pair() -> (String, String) {
    let verifier = "sim-test-verifier-0123456789abcdefghijklmnopqrstuvwxyz-._~";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    (verifier.to_string(), challenge)
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn pkce_authorization_code_flow_end_to_end_with_refresh() {
    let h = sim("demo").await;
    let c = oidc(&h, "us-east-1");
    let redirect = "http://127.0.0.1:45678/oauth/callback";
    let reg = c
        .register_client()
        .client_name("ecs-desk")
        .client_type("public")
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .redirect_uris(redirect)
        .issuer_url(START_URL)
        .scopes("sso:account:access")
        .send()
        .await
        .expect("register");
    let id = reg.client_id().expect("id").to_string();
    let secret = reg.client_secret().expect("secret").to_string();
    let (verifier, challenge) = pkce_pair();
    let authorize = format!(
        "/authorize?response_type=code&client_id={id}&redirect_uri={}&state=st4te&code_challenge_method=S256&code_challenge={challenge}&scopes=sso%3Aaccount%3Aaccess",
        form_urlencoded::byte_serialize(redirect.as_bytes()).collect::<String>()
    );
    // Before approval: the consent page with a button that comes back with approve=1.
    let (status, head, page) = http(&h, "GET", &authorize, "").await;
    assert_eq!(status, 200);
    assert!(head
        .to_ascii_lowercase()
        .contains("content-type: text/html"));
    assert!(
        page.contains("Sign in to ECS Desk demo — Allow access"),
        "{page}"
    );
    assert!(page.contains("name=\"approve\" value=\"1\""));
    assert!(page.contains(&challenge));
    // The button: the same request with approve=1 redirects to the loopback with code and state.
    let (status, head, _) = http(&h, "GET", &format!("{authorize}&approve=1"), "").await;
    assert_eq!(status, 302);
    let location = head
        .lines()
        .find_map(|l| {
            l.split_once(": ")
                .filter(|(k, _)| k.eq_ignore_ascii_case("location"))
                .map(|(_, v)| v)
        })
        .expect("location")
        .to_string();
    assert!(location.starts_with("http://127.0.0.1:45678/oauth/callback?"));
    assert_eq!(query_param(&location, "state").as_deref(), Some("st4te"));
    let auth_code = query_param(&location, "code").expect("code");

    let redeem = |code: String, verifier: String, redirect: &str| {
        c.create_token()
            .client_id(&id)
            .client_secret(&secret)
            .grant_type("authorization_code")
            .code(code)
            .code_verifier(verifier)
            .redirect_uri(redirect)
            .send()
    };
    let err = redeem(auth_code.clone(), "wrong-verifier".into(), redirect)
        .await
        .expect_err("bad verifier");
    assert_eq!(code(&err), "InvalidGrantException");
    let err = redeem(
        auth_code.clone(),
        verifier.clone(),
        "http://127.0.0.1:1/other",
    )
    .await
    .expect_err("other redirect");
    assert_eq!(code(&err), "InvalidGrantException");
    let token = redeem(auth_code.clone(), verifier.clone(), redirect)
        .await
        .expect("token");
    let access = token.access_token().expect("access").to_string();
    let refresh = token.refresh_token().expect("refresh").to_string();
    assert_eq!(token.expires_in(), 3600);
    let err = redeem(auth_code, verifier, redirect)
        .await
        .expect_err("code reused");
    assert_eq!(code(&err), "InvalidGrantException");

    // Refresh gives a new access token (and a new refresh token).
    let refreshed = c
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("refresh_token")
        .refresh_token(&refresh)
        .send()
        .await
        .expect("refresh");
    let access2 = refreshed.access_token().expect("new access").to_string();
    assert_ne!(access2, access);
    let refresh2 = refreshed.refresh_token().expect("new refresh").to_string();

    // Revoked refresh tokens (the control hook) are refused.
    let revoked = h
        .control()
        .revoke_sso_refresh_tokens()
        .await
        .expect("revoke");
    assert!(revoked >= 2);
    let err = c
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("refresh_token")
        .refresh_token(&refresh2)
        .send()
        .await
        .expect_err("revoked");
    assert_eq!(code(&err), "InvalidGrantException");
    let err = c
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("refresh_token")
        .refresh_token("simrefresh-bogus")
        .send()
        .await
        .expect_err("bogus");
    assert_eq!(code(&err), "InvalidGrantException");

    // After /_sim/sso/approve, /authorize redirects at once.
    h.control().approve_sso().await.expect("approve");
    let (status, head, _) = http(&h, "GET", &authorize, "").await;
    assert_eq!(status, 302, "{head}");
    h.shutdown().await;
}

#[tokio::test]
async fn refresh_tokens_expire_with_the_clock_and_authorize_rejects_bad_requests() {
    let h = sim("demo").await;
    let c = oidc(&h, "us-east-1");
    let redirect = "http://127.0.0.1:45679/cb";
    let reg = c
        .register_client()
        .client_name("ecs-desk")
        .client_type("public")
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .redirect_uris(redirect)
        .issuer_url(START_URL)
        .send()
        .await
        .expect("register");
    let id = reg.client_id().unwrap_or_default().to_string();
    let secret = reg.client_secret().unwrap_or_default().to_string();
    let (verifier, challenge) = pkce_pair();
    let base = format!(
        "/authorize?response_type=code&client_id={id}&redirect_uri={redirect}&state=s&code_challenge_method=S256&code_challenge={challenge}"
    );
    let (status, head, _) = http(&h, "GET", &format!("{base}&approve=1"), "").await;
    assert_eq!(status, 302);
    let location = head
        .lines()
        .find_map(|l| {
            l.split_once(": ")
                .filter(|(k, _)| k.eq_ignore_ascii_case("location"))
                .map(|(_, v)| v)
        })
        .unwrap_or_default()
        .to_string();
    let token = c
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("authorization_code")
        .code(query_param(&location, "code").unwrap_or_default())
        .code_verifier(verifier)
        .redirect_uri(redirect)
        .send()
        .await
        .expect("token");
    let refresh = token.refresh_token().unwrap_or_default().to_string();
    h.control()
        .advance_clock(2592000.0)
        .await
        .expect("clock advances");
    h.control()
        .advance_clock(2592000.0)
        .await
        .expect("clock advances");
    h.control()
        .advance_clock(2592000.0)
        .await
        .expect("clock advances");
    h.control()
        .advance_clock(86400.0)
        .await
        .expect("clock advances");
    let err = c
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("refresh_token")
        .refresh_token(&refresh)
        .send()
        .await
        .expect_err("expired after 91 days");
    // The client registration (90 days) has gone too, which AWS reports first.
    assert!(
        ["InvalidGrantException", "InvalidClientException"].contains(&code(&err).as_str()),
        "{}",
        code(&err)
    );

    for bad in [
        base.replace("code_challenge_method=S256", "code_challenge_method=plain"),
        base.replace("response_type=code", "response_type=token"),
        base.replace(redirect, "https://evil.example/cb"),
        base.replace(&id, "unknown-client"),
    ] {
        let (status, _, page) = http(&h, "GET", &bad, "").await;
        assert_eq!(status, 400, "{bad}: {page}");
    }
    h.shutdown().await;
}

/// Identity Center keeps the browser and the device sign-in apart: one client may not be
/// registered for both, and a client registered for the browser may not start a device sign-in.
#[tokio::test]
async fn a_client_registers_for_the_browser_or_the_device_sign_in_not_both() {
    let h = sim("demo").await;
    let c = oidc(&h, "us-east-1");
    let redirect = "http://127.0.0.1:45680/oauth/callback";
    let both = c
        .register_client()
        .client_name("both")
        .client_type("public")
        .grant_types("authorization_code")
        .grant_types(DEVICE_GRANT)
        .grant_types("refresh_token")
        .redirect_uris(redirect)
        .send()
        .await
        .expect_err("both grants");
    assert_eq!(code(&both), "InvalidScopeException");

    let browser = c
        .register_client()
        .client_name("browser")
        .client_type("public")
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .redirect_uris(redirect)
        .send()
        .await
        .expect("browser client");
    let refused = c
        .start_device_authorization()
        .client_id(browser.client_id().unwrap_or_default())
        .client_secret(browser.client_secret().unwrap_or_default())
        .start_url(START_URL)
        .send()
        .await
        .expect_err("no device sign-in for a browser client");
    assert_eq!(code(&refused), "UnauthorizedClientException");

    // Registered for the device grant, or with no grant types at all (as before the browser
    // sign-in existed), the device sign-in starts.
    for grants in [vec![DEVICE_GRANT, "refresh_token"], vec![]] {
        let reg = c
            .register_client()
            .client_name("device")
            .client_type("public")
            .set_grant_types(Some(grants.iter().map(|g| g.to_string()).collect()))
            .send()
            .await
            .expect("device client");
        c.start_device_authorization()
            .client_id(reg.client_id().unwrap_or_default())
            .client_secret(reg.client_secret().unwrap_or_default())
            .start_url(START_URL)
            .send()
            .await
            .expect("device sign-in starts");
    }
    h.shutdown().await;
}
