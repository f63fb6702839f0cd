//! Bad and hostile input: malformed AWS config files (huge lines, NUL bytes, 10 MB, unicode,
//! duplicate sections, invalid UTF-8), token caches and scenario files; unknown regions; names
//! with unusual characters and maximum lengths; desired counts out of range. Every case ends in a
//! clear error naming what was wrong (or a sensible result) — never a panic, never a changed file.

use std::path::Path;
use std::time::Instant;

use crate::reliability_support::*;
use ecsdesk_core::aws::profiles::{read_file, FileFlavor};
use ecsdesk_core::aws::sso::{read_sso_config, SsoSession, TokenCache};
use ecsdesk_core::model::action::ActionConfig;
use ecsdesk_core::{ActionCenter, ActionRequest, CoreError, ErrorPayload};

/// Hostile AWS config files: name and bytes.
fn hostile_configs() -> Vec<(&'static str, Vec<u8>)> {
    let mut huge_line = b"[profile a]\nregion = ".to_vec();
    huge_line.extend(std::iter::repeat_n(b'x', 1 << 20));
    huge_line.extend(b"\n[profile b]\nregion = us-east-1\n");
    let mut ten_mb = Vec::new();
    let mut i = 0;
    while ten_mb.len() < 10 << 20 {
        ten_mb.extend(
            format!("[profile p{i}]\nregion = us-gov-east-1\nsso_session = s{i}\n\n").as_bytes(),
        );
        i += 1;
    }
    let mut invalid_utf8 = b"[profile a]\nregion = us-east-1\n".to_vec();
    invalid_utf8.extend([0xff, 0xfe, 0x80, b'\n']);
    vec![
        ("huge line", huge_line),
        ("10 MB of profiles", ten_mb),
        (
            "NUL bytes",
            b"[profile a\0]\nregion = us-\0east-1\n\0\0\0\n[sso-session \0]\n".to_vec(),
        ),
        (
            "unicode",
            "[profile 日本語 🚀]\nregion = us-east-1\n[sso-session ümlaut]\nsso_start_url = https://ü.awsapps.com/start\nsso_region = us-east-1\n\u{202e}reversed = yes\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "duplicate sections",
            b"[profile a]\nregion = us-east-1\n[profile a]\nregion = us-gov-east-1\n[sso-session s]\nsso_region = us-east-1\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\n"
                .to_vec(),
        ),
        ("invalid UTF-8", invalid_utf8),
        ("unclosed section", b"[profile a\nregion = us-east-1\n".to_vec()),
        ("only brackets", b"[[[[]]]]\n]]][[[\n=\n= =\n".to_vec()),
        (
            "deep continuation",
            format!("[profile a]\ns3 =\n{}", "  max = 1\n".repeat(100_000)).into_bytes(),
        ),
        ("empty", Vec::new()),
    ]
}

/// The error or value of `f`, with any panic turned into a test failure naming the case.
fn no_panic<T>(case: &str, f: impl FnOnce() -> T + std::panic::UnwindSafe) -> T {
    std::panic::catch_unwind(f).unwrap_or_else(|_| panic!("{case}: panicked"))
}

/// An error about `path` must name it.
fn names_file(case: &str, err: &CoreError, path: &Path) {
    let message = ErrorPayload::from(err).message;
    assert!(
        message.contains(&path.display().to_string()),
        "{case}: the error does not name the file: {message}"
    );
    assert_eq!(err.code(), "ConfigError", "{case}: {err:?}");
}

#[test]
fn hostile_aws_config_files_give_clear_errors_and_stay_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for (case, bytes) in hostile_configs() {
        let path = dir.path().join("config");
        std::fs::write(&path, &bytes).unwrap();
        let started = Instant::now();
        let profiles = no_panic(case, || read_file(&path, FileFlavor::Config));
        let sso = no_panic(case, || read_sso_config(&path));
        assert!(
            started.elapsed().as_secs() < 20,
            "{case}: took {:?}",
            started.elapsed()
        );
        if let Err(err) = &profiles {
            names_file(case, err, &path);
        }
        if let Err(err) = &sso {
            names_file(case, err, &path);
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{case}: the file was changed"
        );
        // The reads say something useful about the clearly broken ones.
        if case == "invalid UTF-8" || case == "NUL bytes" {
            assert!(profiles.is_err() || sso.is_err(), "{case}: accepted");
        }
    }
}

#[test]
fn hostile_token_cache_files_are_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().join("cache"));
    let session =
        SsoSession::new("corp", "https://corp.awsapps.com/start", "us-gov-west-1").unwrap();
    let path = cache.token_path(&session);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let big = format!("{{\"accessToken\": \"{}\"}}", "a".repeat(10 << 20));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", b"{ not json".to_vec()),
        ("NUL bytes", b"{\"startUrl\": \"x\0\", \0}".to_vec()),
        ("array", b"[1, 2, 3]".to_vec()),
        ("wrong types", br#"{"startUrl": 1, "accessToken": [], "expiresAt": {}}"#.to_vec()),
        ("bad date", br#"{"startUrl": "https://corp.awsapps.com/start", "region": "us-gov-west-1", "accessToken": "t", "expiresAt": "yesterday"}"#.to_vec()),
        ("invalid UTF-8", vec![0xff, 0xfe, b'{', b'}']),
        ("10 MB token", big.into_bytes()),
        ("deep nesting", "[".repeat(100_000).into_bytes()),
        ("empty", Vec::new()),
    ];
    for (case, bytes) in cases {
        std::fs::write(&path, &bytes).unwrap();
        let read = no_panic(case, || cache.read_token(&session));
        match read {
            Err(err) => {
                assert_eq!(err.code(), "ConfigError", "{case}: {err:?}");
                assert!(
                    err.to_string().contains(&path.display().to_string()),
                    "{case}: {err}"
                );
            }
            Ok(token) => {
                // Read as a token of another portal or none at all: never used blindly.
                assert!(
                    token.is_none_or(
                        |t| t.start_url != session.start_url || !t.access_token.is_empty()
                    ),
                    "{case}"
                );
            }
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{case}: changed");
    }
}

#[test]
fn hostile_scenario_files_never_panic_the_simulator() {
    let cases = [
        ("not TOML", "this is = = not toml [[["),
        ("NUL", "name = \"a\0\"\n[[accounts]]\nid = \0\n"),
        ("wrong types", "name = 1\nhistory_days = \"x\"\n"),
        ("huge numbers", "name = \"x\"\nhistory_days = 1e308\n[[accounts]]\nid = \"1\"\n"),
        (
            "negative counts",
            "name = \"x\"\n[[accounts]]\nid = \"123456789012\"\nname = \"a\"\npartition = \"aws\"\ndefault_region = \"us-east-1\"\n[[accounts.clusters]]\nname = \"c\"\nregion = \"us-east-1\"\n[[accounts.clusters.services]]\nname = \"s\"\ndesired = -5\n",
        ),
        ("unicode", "name = \"🚀\u{202e}\"\n[[accounts]]\nid = \"日本\"\n"),
    ];
    for (case, text) in cases {
        let result = no_panic(case, || ecsdesk_sim::scenario::Scenario::parse(case, text));
        if let Err(err) = result {
            let message = err.to_string();
            assert!(!message.is_empty(), "{case}");
        }
    }
    // A scale scenario asking for absurd sizes is refused, not allocated.
    let absurd = no_panic("absurd scale", || {
        ecsdesk_sim::scenario::Scenario::load("scale:100000000:100000000")
    });
    assert!(absurd.is_err(), "absurd scale accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_regions_and_odd_names_give_clear_errors() {
    fast_policy();
    let sim = sim().await;
    let endpoint = sim.endpoint();
    let registry = ecsdesk_core::SessionRegistry::new();
    for region in [
        "mars-north-1",
        "",
        "us-east-1\n",
        "../../etc",
        "us-gov-east-1 ",
    ] {
        let err = registry
            .open(gov(&endpoint), Some(region.to_string()))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "InvalidInput", "{region:?}: {err:?}");
    }
    let info = registry
        .open(gov(&endpoint), Some("us-gov-east-1".into()))
        .await
        .unwrap();
    let err = registry
        .set_session_region(&info.id, "eu-west-1")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "InvalidInput");
    assert!(err.to_string().contains("eu-west-1"), "{err}");

    let long = "s".repeat(255);
    let too_long = "s".repeat(10_000);
    let names = [
        long.as_str(),
        too_long.as_str(),
        "name/with/slashes",
        "../../../etc/passwd",
        "日本語-Service",
        "new\nline",
        "nul\0byte",
        "%2F%00",
        "",
        " ",
        "quote\"and'apostrophe",
    ];
    for name in names {
        let services =
            ecsdesk_core::app::browse::get_service(&registry, &info.id, "coe-ecs-prod", name).await;
        let err = services.expect_err(name);
        let payload = ErrorPayload::from(&err);
        assert!(!payload.code.is_empty() && !payload.message.is_empty());
        assert!(!payload.retryable, "{name:?}: {payload:?}");
        let clusters = ecsdesk_core::app::browse::list_services(&registry, &info.id, name).await;
        assert!(clusters.is_err(), "{name:?}");
    }
    // Names at the maximum length ECS allows go through untouched.
    let session = registry.get(&info.id).await.unwrap();
    let out = session
        .ecs
        .describe_services()
        .cluster("coe-ecs-prod")
        .services(&long)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.failures().len(),
        1,
        "a 255-character name is asked for as is"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desired_counts_out_of_range_are_refused_before_any_call() {
    fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let (registry, info) = gov_session(&sim.endpoint()).await;
    let dir = tempfile::tempdir().unwrap();
    let center = ActionCenter::with_config(
        &dir.path().join("data"),
        &dir.path().join("exports"),
        ActionConfig::default(),
    );
    reset_calls(port).await;
    for desired in [-1, 101, i32::MAX, i32::MIN] {
        let err = center
            .plan(
                &registry,
                &info.id,
                "coe-ecs-prod",
                "coe-etl-prod-Service",
                ActionRequest::SetDesiredCount {
                    desired,
                    limits: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), "InvalidInput", "{desired}: {err:?}");
        assert!(err.to_string().contains("from 0 to"), "{err}");
    }
    assert_eq!(
        calls(port)
            .await
            .get("ecs:UpdateService")
            .copied()
            .unwrap_or(0),
        0
    );
    sim.shutdown().await;
}
