//! Shared set-up of the SSO integration tests: a simulator, temp folders, a raw HTTP client that
//! plays the browser, and the control API.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ecsdesk_core::aws::sso::{
    LoginProgress, MemoryStore, PendingPkceLogin, SecretStore, SsoAuth, SsoEndpoints, SsoSession,
    SsoSessionStatus, TokenCache,
};
use ecsdesk_sim::{SimConfig, SimHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

/// The demo's commercial sso-session.
pub fn commercial() -> SsoSession {
    SsoSession::new(
        "ecsdesk-demo",
        "https://ecsdesk-demo.awsapps.com/start",
        "us-east-1",
    )
    .unwrap()
}

/// The demo's GovCloud sso-session.
pub fn govcloud() -> SsoSession {
    SsoSession::new(
        "ecsdesk-demo-gov",
        "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo",
        "us-gov-west-1",
    )
    .unwrap()
}

/// Starts the simulator with `scenario`.
pub async fn sim(scenario: &str) -> SimHandle {
    ecsdesk_sim::start(SimConfig {
        port: 0,
        scenario: scenario.into(),
        speed: 1.0,
    })
    .await
    .unwrap()
}

/// A sign-in set-up in temp folders against `sim`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub cache: TokenCache,
    pub store: MemoryStore,
    pub auth: SsoAuth,
    pub endpoint: String,
}

impl Fixture {
    /// Temp cache, in-memory secrets, endpoints at the simulator.
    pub fn new(sim: &SimHandle) -> Fixture {
        let store = MemoryStore::new();
        Fixture::with_store(sim, store.clone(), Arc::new(store))
    }

    /// Like `new` with another secret store.
    pub fn with_store(
        sim: &SimHandle,
        store: MemoryStore,
        secrets: Arc<dyn SecretStore>,
    ) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join(".aws").join("sso").join("cache"));
        let auth = SsoAuth::new(cache.clone(), secrets, SsoEndpoints::fixed(&sim.endpoint()));
        Fixture {
            dir,
            cache,
            store,
            auth,
            endpoint: sim.endpoint(),
        }
    }

    /// The app data folder.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A complete browser sign-in of `session`.
    pub async fn pkce_login(&self, session: &SsoSession) -> SsoSessionStatus {
        let pending = self.auth.begin_pkce_login(session).await.unwrap();
        let url = pending.authorize_url.clone();
        let (status, browser) =
            tokio::join!(complete_pkce(pending), play_browser(&self.endpoint, &url));
        assert_eq!(browser.0, 200, "{}", browser.1);
        status.unwrap()
    }
}

/// Completes a pending browser sign-in with no progress sink.
pub async fn complete_pkce(
    pending: PendingPkceLogin,
) -> Result<SsoSessionStatus, ecsdesk_core::CoreError> {
    let sink = |_p: LoginProgress| {};
    pending.complete(&sink, CancellationToken::new()).await
}

/// Approves at the simulator, opens `authorize_url` and follows its redirect to the loopback
/// listener, like a browser; returns the listener's status and page.
pub async fn play_browser(endpoint: &str, authorize_url: &str) -> (u16, String) {
    let location = authorize_redirect(endpoint, authorize_url).await;
    let (status, _, body) = http("GET", &location, "").await;
    (status, body)
}

/// Approves at the simulator and opens `authorize_url`; returns the loopback redirect it
/// answers with (not followed yet).
pub async fn authorize_redirect(endpoint: &str, authorize_url: &str) -> String {
    control(endpoint, "POST", "sso/approve", "{}").await;
    let (status, headers, body) = http("GET", authorize_url, "").await;
    assert_eq!(status, 302, "authorize page answered {status}: {body}");
    let location = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.clone())
        .expect("a Location header");
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    location
}

/// Calls the simulator's control API.
pub async fn control(endpoint: &str, method: &str, route: &str, body: &str) -> serde_json::Value {
    let body =
        (!body.is_empty()).then(|| serde_json::from_str(body).expect("control body is JSON"));
    ecsdesk_sim::Control::new(endpoint)
        .call(method, route, body)
        .await
        .unwrap_or_else(|e| panic!("control API: {e}"))
}

/// How often the simulator saw `operation` (e.g. `sso:ListAccounts`).
pub async fn calls(endpoint: &str, operation: &str) -> u64 {
    control(endpoint, "GET", "calls", "")
        .await
        .get(operation)
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0)
}

/// A minimal HTTP/1.1 client: status, headers and body.
pub async fn http(method: &str, url: &str, body: &str) -> (u16, Vec<(String, String)>, String) {
    let url = url::Url::parse(url).unwrap();
    let host = url.host_str().unwrap().to_string();
    let port = url.port().unwrap_or(80);
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let mut stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .unwrap();
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

/// Progress events collected by a sink.
#[derive(Clone, Default)]
pub struct Events(pub Arc<Mutex<Vec<LoginProgress>>>);

impl Events {
    /// Everything seen so far.
    pub fn all(&self) -> Vec<LoginProgress> {
        self.0.lock().unwrap().clone()
    }
}

/// A scenario with one SSO instance assigned to `n` commercial accounts (no clusters).
pub fn many_accounts_scenario(dir: &std::path::Path, n: usize) -> String {
    let mut text = String::from("name = \"sso-many\"\nhistory_days = 0\n");
    let mut assignments = Vec::new();
    for i in 0..n {
        let id = format!("1000000000{i:02}");
        text.push_str(&format!(
            "\n[[accounts]]\nid = \"{id}\"\nname = \"team-{i:02}\"\nemail = \"team{i}@example.com\"\npartition = \"aws\"\ndefault_region = \"us-east-1\"\nroles = [{{ name = \"OperatorAccess\" }}, {{ name = \"ReadOnlyAccess\", read_only = true }}]\n"
        ));
        assignments.push(format!(
            "{{ account = \"{id}\", roles = [\"OperatorAccess\", \"ReadOnlyAccess\"] }}"
        ));
    }
    text.push_str(&format!(
        "\n[[sso]]\nstart_url = \"https://ecsdesk-demo.awsapps.com/start\"\nregion = \"us-east-1\"\nsession_name = \"ecsdesk-demo\"\nassignments = [{}]\n",
        assignments.join(", ")
    ));
    let path = dir.join("sso-many.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}
