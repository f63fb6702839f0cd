//! Browser and device sign-ins need clients registered for their own grant (Identity Center
//! refuses one client for both): a device sign-in after a browser one, or after the AWS CLI's
//! browser sign-in left its registration in the cache, registers its own client and succeeds.

use crate::sso_support::*;
use ecsdesk_core::aws::sso::cache::ClientRegistration;

#[tokio::test]
async fn a_device_sign_in_after_a_browser_one_registers_its_own_client() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    assert!(fx.pkce_login(&session).await.signed_in);
    let cached = fx
        .cache
        .read_registration(&session)
        .expect("readable")
        .expect("the browser sign-in's registration");
    assert_eq!(cached.grant_types, ["authorization_code", "refresh_token"]);

    // Its grants say it is the browser's: a device client is registered before any call.
    let before = calls(&sim.endpoint(), "oidc:RegisterClient").await;
    let pending = fx
        .auth
        .begin_device_login(&session)
        .await
        .expect("device sign-in");
    assert_eq!(
        calls(&sim.endpoint(), "oidc:RegisterClient").await,
        before + 1
    );
    assert_eq!(
        calls(&sim.endpoint(), "oidc:StartDeviceAuthorization").await,
        1
    );
    drop(pending);

    // A registration left without its grants (as the AWS CLI's browser sign-in leaves it) is
    // tried, refused by Identity Center, and replaced once.
    let browser_client = ClientRegistration {
        grant_types: Vec::new(),
        ..cached
    };
    fx.cache
        .write_registration(&session, &browser_client)
        .expect("write");
    let before = calls(&sim.endpoint(), "oidc:RegisterClient").await;
    let pending = fx
        .auth
        .begin_device_login(&session)
        .await
        .expect("device sign-in");
    assert_eq!(
        calls(&sim.endpoint(), "oidc:RegisterClient").await,
        before + 1
    );
    assert_eq!(
        calls(&sim.endpoint(), "oidc:StartDeviceAuthorization").await,
        3,
        "refused once, then started with the new client"
    );
    drop(pending);
    sim.shutdown().await;
}
