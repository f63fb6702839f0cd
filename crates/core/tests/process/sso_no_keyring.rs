//! Sign-in on a system with no keyring (no session bus, so no Secret Service): it works as the
//! AWS CLI does. The device-code sign-in through the app's own setup (`SignIn::from_env`)
//! succeeds, role credentials are fetched and reused from memory, the token refreshes with the
//! refresh token of the cache file, and the only files written under HOME are the AWS CLI cache
//! files (0600); the role keys are in no file at all.
//!
//! It sets HOME, AWS_* and the session-bus variables for the whole process, so it takes the
//! process lock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::security_secrets::files_under;
use crate::sso_support::{calls, commercial, control, sim};
use ecsdesk_core::aws::sso::LoginMethod;
use ecsdesk_core::aws::sso::LoginProgress;
use ecsdesk_core::SignIn;

/// Puts environment variables back as they were when dropped (the next test of this binary
/// may need the real session bus).
struct EnvGuard(Vec<(&'static str, Option<std::ffi::OsString>)>);

impl EnvGuard {
    fn set(&mut self, name: &'static str, value: Option<&std::ffi::OsStr>) {
        self.0.push((name, std::env::var_os(name)));
        match value {
            Some(v) => std::env::set_var(name, v),
            None => std::env::remove_var(name),
        }
    }
}

impl Drop for EnvGuard {
    fn drop(&mut self) {
        for (name, old) in self.0.drain(..).rev() {
            match old {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_sign_in_works_without_a_keyring() {
    let _turn = crate::process_lock();
    let sim = sim("demo").await;
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let runtime = tempfile::tempdir().unwrap();
    let config = home.path().join(".aws").join("config");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    sim.write_aws_config(&config).unwrap();

    let mut env = EnvGuard(Vec::new());
    // No session bus: not named, none at $XDG_RUNTIME_DIR/bus, and no X display for libdbus to
    // autolaunch one on.
    env.set("DBUS_SESSION_BUS_ADDRESS", None);
    env.set("DISPLAY", None);
    env.set("WAYLAND_DISPLAY", None);
    env.set("XDG_RUNTIME_DIR", Some(runtime.path().as_os_str()));
    env.set("HOME", Some(home.path().as_os_str()));
    env.set("AWS_CONFIG_FILE", Some(config.as_os_str()));
    let credentials = home.path().join(".aws").join("credentials");
    env.set("AWS_SHARED_CREDENTIALS_FILE", Some(credentials.as_os_str()));
    let endpoint = sim.endpoint();
    env.set("AWS_ENDPOINT_URL", Some(std::ffi::OsStr::new(&endpoint)));
    for var in [
        "AWS_ENDPOINT_URL_SSO_OIDC",
        "AWS_ENDPOINT_URL_SSO",
        "AWS_PROFILE",
    ] {
        env.set(var, None);
    }

    // The app's own setup, exactly as the shell builds it.
    let signin = SignIn::from_env(data.path().to_path_buf()).with_endpoint(&endpoint);
    assert!(!signin.keyring_available().await);

    let events = Arc::new(Mutex::new(Vec::<LoginProgress>::new()));
    let sink = events.clone();
    let started = signin
        .login_start(
            "ecsdesk-demo",
            LoginMethod::DeviceCode,
            Arc::new(move |p| sink.lock().unwrap().push(p)),
            &|_| Ok(()),
        )
        .await
        .unwrap();
    assert!(matches!(started.progress, LoginProgress::DeviceCode { .. }));
    control(&endpoint, "POST", "sso/approve", "{}").await;
    let mut last = None;
    for _ in 0..200 {
        last = events.lock().unwrap().last().cloned();
        if matches!(
            last,
            Some(LoginProgress::SignedIn { .. } | LoginProgress::Failed { .. })
        ) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    match last {
        Some(LoginProgress::SignedIn { status }) => assert!(status.signed_in && status.refreshable),
        other => panic!("the sign-in did not succeed without a keyring: {other:?}"),
    }

    // Role credentials: fetched once, then from memory.
    let session = commercial();
    let portal = signin.portal();
    let creds = portal
        .role_credentials(&session, "123456789012", "OperatorAccess")
        .await
        .unwrap();
    let again = portal
        .role_credentials(&session, "123456789012", "OperatorAccess")
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), again.access_key_id());
    assert_eq!(calls(&endpoint, "sso:GetRoleCredentials").await, 1);
    // The refresh token in the cache file renews the sign-in.
    let refreshed = portal.auth().refresh(&session).await.unwrap();
    assert!(refreshed.signed_in);

    // Under HOME: the config the test wrote, and only 0600 AWS CLI cache files besides.
    let cache_dir = home.path().join(".aws").join("sso").join("cache");
    let secret_key = creds.secret_access_key().to_string();
    let session_token = creds.session_token().unwrap_or_default().to_string();
    let mut cache_files = 0;
    for file in files_under(home.path()) {
        if file == config {
            continue;
        }
        assert!(
            file.starts_with(&cache_dir),
            "unexpected file {}",
            file.display()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", file.display());
        }
        cache_files += 1;
    }
    assert!(cache_files >= 1);
    let token_text = std::fs::read_to_string(portal.auth().cache().token_path(&session)).unwrap();
    assert!(
        token_text.contains("\"refreshToken\": \"") && token_text.contains("\"clientSecret\": \"")
    );
    // The role keys are in no file, under HOME or in the data folder.
    for file in files_under(home.path())
        .into_iter()
        .chain(files_under(data.path()))
    {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(
            !text.contains(&secret_key) && !text.contains(&session_token),
            "role keys written to {}",
            file.display()
        );
    }
    signin.login_cancel("ecsdesk-demo");
    drop(env);
    sim.shutdown().await;
}
