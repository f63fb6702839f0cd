//! The AWS SDK's own SSO support (what `aws` commands do) uses the sign-in ECS Desk wrote, and
//! ECS Desk reads the token file the SDK rewrites when it refreshes.
//!
//! This binary holds one test because it sets process environment variables (HOME,
//! AWS_CONFIG_FILE, AWS_ENDPOINT_URL) the way a user's shell would.

use crate::sso_support::*;
use chrono::Utc;

#[tokio::test]
async fn aws_sdk_profiles_use_and_refresh_the_ecs_desk_sign_in() {
    let _turn = crate::process_lock();
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;

    let config = fx.dir.path().join("config");
    std::fs::write(&config, "[profile ops]\nregion = us-east-1\n").unwrap();
    ecsdesk_core::aws::sso::add_sso_session(
        &config,
        "ecsdesk-demo",
        "https://ecsdesk-demo.awsapps.com/start",
        "us-east-1",
    )
    .unwrap();
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[profile demo-op]\nsso_session = ecsdesk-demo\nsso_account_id = 123456789012\nsso_role_name = OperatorAccess\nregion = us-east-1\n");
    std::fs::write(&config, text).unwrap();
    // Edition 2021: plain set_var; this binary has no other test running.
    std::env::set_var("HOME", fx.dir.path());
    std::env::set_var("AWS_CONFIG_FILE", &config);
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        fx.dir.path().join("credentials"),
    );
    std::env::set_var("AWS_ENDPOINT_URL", sim.endpoint());
    for var in [
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        std::env::remove_var(var);
    }

    // Less than the SDK's refresh window left: the SDK refreshes with our refresh token and
    // rewrites the file.
    let mut token = fx.cache.read_token(&session).unwrap().unwrap();
    token.expires_at = Utc::now() + chrono::Duration::seconds(60);
    fx.cache.write_token(&session, &token).unwrap();

    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .profile_name("demo-op")
        .load()
        .await;
    let sts = aws_sdk_sts::Client::new(&sdk);
    let identity = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("123456789012"));
    assert!(identity
        .arn()
        .unwrap()
        .contains(":assumed-role/AWSReservedSSO_OperatorAccess_"));

    // ECS Desk reads what the SDK wrote back.
    let after = fx.cache.read_token(&session).unwrap().unwrap();
    assert_ne!(
        after.access_token, token.access_token,
        "the SDK refreshed the token"
    );
    assert!(after.expires_at > Utc::now() + chrono::Duration::minutes(30));
    let status = fx.auth.status(&session).unwrap();
    assert!(status.signed_in);
    assert!(fx.auth.access_token(&session).await.is_ok());
    sim.shutdown().await;
}
