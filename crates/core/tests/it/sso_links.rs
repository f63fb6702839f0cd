//! The sign-in opens only allowed links: the URL `SignIn::login_start` hands to the browser
//! opener is the simulator's (a loopback endpoint override) or an AWS sign-in page, and a
//! verification page the server names elsewhere (`file:`, plain `http:`) never reaches the
//! opener — the sign-in ends with an error naming the link's scheme and host.

use std::sync::{Arc, Mutex};

use crate::sso_support::{sim, Fixture};
use ecsdesk_core::aws::sso::{
    LoginMethod, LoginProgress, MemoryStore, Portal, SsoAuth, SsoEndpoints, TokenCache,
};
use ecsdesk_core::SignIn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The demo's commercial sso-session in an AWS config file.
const CONFIG: &str = "[sso-session ecsdesk-demo]\nsso_start_url = https://ecsdesk-demo.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n";

/// Every URL given to the opener.
#[derive(Clone, Default)]
struct Opened(Arc<Mutex<Vec<String>>>);

impl Opened {
    fn opener(&self) -> impl Fn(&str) -> Result<(), String> + Send + Sync {
        let seen = self.0.clone();
        move |url: &str| {
            seen.lock().unwrap().push(url.to_string());
            Ok(())
        }
    }
    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// A `SignIn` with the demo's sso-session, tokens in `dir`, the SSO APIs at `endpoint`.
fn desk(dir: &std::path::Path, endpoint: &str) -> SignIn {
    let config = dir.join("config");
    std::fs::write(&config, CONFIG).unwrap();
    let auth = SsoAuth::new(
        TokenCache::new(dir.join("cache")),
        Arc::new(MemoryStore::new()),
        SsoEndpoints::fixed(endpoint),
    );
    SignIn::new(Portal::new(auth, None)).with_config_file(config)
}

fn ignore() -> Arc<dyn Fn(LoginProgress) + Send + Sync> {
    Arc::new(|_| {})
}

#[tokio::test]
async fn the_opener_gets_the_simulators_pages_behind_a_loopback_override() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let signin = desk(fx.dir.path(), &sim.endpoint());
    let opened = Opened::default();
    let opener = opened.opener();

    let started = signin
        .login_start("ecsdesk-demo", LoginMethod::Browser, ignore(), &opener)
        .await
        .unwrap();
    assert!(started.browser_opened);
    let all = opened.all();
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(
        all[0].starts_with(&format!("{}/authorize?", sim.endpoint())),
        "{all:?}"
    );
    signin.login_cancel("ecsdesk-demo");

    let started = signin
        .login_start("ecsdesk-demo", LoginMethod::DeviceCode, ignore(), &opener)
        .await
        .unwrap();
    assert!(started.browser_opened);
    let all = opened.all();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(
        all[1].starts_with("https://device.sso.us-east-1.amazonaws.com/?user_code="),
        "{all:?}"
    );
    signin.login_cancel("ecsdesk-demo");
    sim.shutdown().await;
}

/// A stand-in sso-oidc endpoint on 127.0.0.1 that registers any client and answers
/// StartDeviceAuthorization with `verification_uri`; returns its URL.
async fn fake_oidc(verification_uri: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut raw = Vec::new();
                let mut chunk = [0u8; 4096];
                // The head, then as much body as Content-Length says.
                loop {
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    raw.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&raw).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            break;
                        }
                    }
                }
                let head = String::from_utf8_lossy(&raw).to_string();
                let body = if head.starts_with("POST /client/register") {
                    serde_json::json!({
                        "clientId": "fake-client",
                        "clientSecret": "fake-secret",
                        "clientIdIssuedAt": 1_700_000_000,
                        "clientSecretExpiresAt": 4_000_000_000_i64,
                    })
                } else {
                    serde_json::json!({
                        "deviceCode": "fake-device",
                        "userCode": "ABCD-EFGH",
                        "verificationUri": verification_uri,
                        "verificationUriComplete": verification_uri,
                        "expiresIn": 600,
                        "interval": 1,
                    })
                }
                .to_string();
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn a_verification_page_that_is_not_aws_never_reaches_the_opener() {
    for (uri, named) in [
        ("file:///etc/passwd", "file: link"),
        ("http://phish.example/device", "http: link to phish.example"),
        (
            "https://console.aws.amazon.com@phish.example/",
            "https: link to phish.example",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let signin = desk(dir.path(), &fake_oidc(uri).await);
        let opened = Opened::default();
        let err = signin
            .login_start(
                "ecsdesk-demo",
                LoginMethod::DeviceCode,
                ignore(),
                &opened.opener(),
            )
            .await
            .expect_err(uri);
        assert_eq!(err.code(), "InvalidInput", "{uri}: {err}");
        assert!(err.to_string().contains(named), "{uri}: {err}");
        assert!(opened.all().is_empty(), "{uri} was opened");
        // Nothing is left waiting in the background.
        assert!(!signin.login_cancel("ecsdesk-demo"), "{uri}");
    }
}
