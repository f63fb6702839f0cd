//! Sessions opened from AWS config profiles (the way the app opens them), against the simulator.
//!
//! One test only: it sets process-wide environment variables (AWS_CONFIG_FILE, AWS_ENDPOINT_URL).

use ecsdesk_core::{list_profiles, Partition, ProfileKind, SessionRegistry};
use ecsdesk_sim::SimConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_from_the_config_file_open_sessions() {
    let _turn = crate::process_lock();
    let sim = ecsdesk_sim::start(SimConfig {
        port: 0,
        scenario: "demo".into(),
        speed: 1.0,
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config");
    sim.write_aws_config(&config).expect("write config");
    for var in [
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ] {
        std::env::remove_var(var);
    }
    // No SSO token cache of the real user is consulted.
    std::env::set_var("HOME", dir.path());
    std::env::set_var("AWS_CONFIG_FILE", &config);
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        dir.path().join("credentials"),
    );
    std::env::set_var("AWS_ENDPOINT_URL", sim.endpoint());

    let profiles = list_profiles().expect("profiles");
    let gov = profiles
        .iter()
        .find(|p| p.name == "demo-govcloud")
        .expect("demo-govcloud profile");
    assert_eq!(gov.kind, ProfileKind::Static);
    assert_eq!(gov.partition, Partition::AwsUsGov);
    assert_eq!(gov.region.as_deref(), Some("us-gov-east-1"));
    let com = profiles
        .iter()
        .find(|p| p.name == "demo-commercial")
        .expect("demo-commercial profile");
    assert_eq!(com.partition, Partition::Aws);
    let sso: Vec<_> = profiles
        .iter()
        .filter(|p| p.kind == ProfileKind::Sso)
        .collect();
    assert!(!sso.is_empty(), "SSO profiles are listed: {profiles:?}");
    assert!(sso
        .iter()
        .all(|p| p.sso_session.is_some() && p.account_id.is_some()));
    assert!(sso
        .iter()
        .any(|p| p.partition == Partition::AwsUsGov
            && p.account_id.as_deref() == Some("210987654321")));

    let registry = SessionRegistry::new();
    let info = registry
        .open_session("demo-govcloud", None)
        .await
        .expect("profile session opens");
    assert_eq!(info.id, "demo-govcloud");
    assert_eq!(info.region, "us-gov-east-1", "the profile's region");
    assert_eq!(info.account_id, "210987654321");
    let clusters = ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
        .await
        .expect("clusters");
    let names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["coe-ecs-prod", "wft-ecs-prod"]);

    let com = registry
        .open_session("demo-commercial", Some("us-west-2".into()))
        .await
        .expect("commercial in another region");
    assert_eq!(com.region, "us-west-2");
    assert!(ecsdesk_core::app::browse::list_clusters(&registry, &com.id)
        .await
        .expect("clusters")
        .is_empty());
    assert_eq!(
        registry.list_sessions().await.len(),
        2,
        "both sessions live at once"
    );

    let err = registry
        .open_session("demo-govcloud", Some("us-east-1".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "InvalidInput");
    let err = registry
        .open_session("no-such-profile", None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "NotFound");
    assert!(
        err.to_string().contains(&config.display().to_string()),
        "{err}"
    );

    std::fs::write(
        &config,
        "[profile broken]\nregion = us-east-1\nnot a setting\n",
    )
    .expect("write");
    let err = list_profiles().unwrap_err();
    assert_eq!(err.code(), "ConfigError");
    assert!(err.to_string().contains("line 3"), "{err}");
    sim.shutdown().await;
}
