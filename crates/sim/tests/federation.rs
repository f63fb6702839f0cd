//! The console's federation sign-in: STS GetFederationToken through the unmodified aws-sdk-sts
//! client (long-term IAM user keys only), and the federation endpoint's getSigninToken and login
//! (temporary credentials only; the browser lands on a console page of their partition).

use aws_sdk_sts::types::Credentials;
use ecsdesk_sim::SimHandle;

mod common;
use common::{code, http, sim, sts_client as sts, COM_KEY, GOV_KEY};

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

async fn federate(h: &SimHandle, key: (&str, &str), region: &str) -> Credentials {
    let out = sts(h, (key.0, key.1, None), region)
        .get_federation_token()
        .name("ecsdesk-operator")
        .policy(ALLOW_ALL)
        .duration_seconds(3600)
        .send()
        .await
        .expect("federation token");
    out.credentials().cloned().expect("credentials")
}

fn session_param(c: &Credentials) -> String {
    let json = serde_json::json!({
        "sessionId": c.access_key_id(),
        "sessionKey": c.secret_access_key(),
        "sessionToken": c.session_token(),
    });
    url::form_urlencoded::byte_serialize(json.to_string().as_bytes()).collect()
}

#[tokio::test]
async fn an_iam_user_federates_and_signs_the_browser_in_to_its_own_partition() {
    let h = sim("demo").await;
    let creds = federate(&h, GOV_KEY, "us-gov-east-1").await;
    assert!(creds.access_key_id().starts_with("ASIA"));
    // The federated user acts in its own name.
    let who = sts(
        &h,
        (
            creds.access_key_id(),
            creds.secret_access_key(),
            Some(creds.session_token()),
        ),
        "us-gov-east-1",
    )
    .get_caller_identity()
    .send()
    .await
    .expect("identity");
    assert_eq!(
        who.arn(),
        Some("arn:aws-us-gov:sts::210987654321:federated-user/ecsdesk-operator")
    );

    let (status, _, body) = http(
        &h,
        "GET",
        &format!(
            "/federation?Action=getSigninToken&Session={}",
            session_param(&creds)
        ),
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token: serde_json::Value = serde_json::from_str(&body).expect("json");
    let token = token["SigninToken"].as_str().expect("token").to_string();
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let page = "https://console.amazonaws-us-gov.com/ecs/v2/clusters?region=us-gov-east-1";
    let (status, head, _) = http(
        &h,
        "GET",
        &format!(
            "/federation?Action=login&Issuer=test&Destination={}&SigninToken={}",
            enc(page),
            enc(&token)
        ),
        "",
    )
    .await;
    assert_eq!(status, 302);
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("location: {page}")),
        "{head}"
    );
    // A GovCloud sign-in never lands on the commercial console, and a made-up token nowhere.
    let commercial = "https://console.aws.amazon.com/ecs/v2/clusters";
    for (dest, tok) in [(commercial, token.as_str()), (page, "made-up")] {
        let (status, _, _) = http(
            &h,
            "GET",
            &format!(
                "/federation?Action=login&Destination={}&SigninToken={}",
                enc(dest),
                enc(tok)
            ),
            "",
        )
        .await;
        assert_eq!(status, 400, "{dest}");
    }
    h.shutdown().await;
}

#[tokio::test]
async fn federation_refuses_session_credentials_bad_names_and_long_term_keys() {
    let h = sim("demo").await;
    let creds = federate(&h, COM_KEY, "us-east-1").await;
    let err = sts(
        &h,
        (
            creds.access_key_id(),
            creds.secret_access_key(),
            Some(creds.session_token()),
        ),
        "us-east-1",
    )
    .get_federation_token()
    .name("again")
    .send()
    .await
    .expect_err("session credentials");
    assert_eq!(code(&err), "AccessDenied");
    let err = sts(&h, (COM_KEY.0, COM_KEY.1, None), "us-east-1")
        .get_federation_token()
        .name("no spaces allowed")
        .send()
        .await
        .expect_err("bad name");
    assert_eq!(code(&err), "ValidationError");
    // The endpoint takes temporary credentials only, and SessionDuration only for roles.
    let keys =
        serde_json::json!({ "sessionId": COM_KEY.0, "sessionKey": COM_KEY.1, "sessionToken": "" });
    let keys: String = url::form_urlencoded::byte_serialize(keys.to_string().as_bytes()).collect();
    let (status, _, _) = http(
        &h,
        "GET",
        &format!("/federation?Action=getSigninToken&Session={keys}"),
        "",
    )
    .await;
    assert_eq!(status, 400);
    let (status, _, _) = http(
        &h,
        "GET",
        &format!(
            "/federation?Action=getSigninToken&SessionDuration=3600&Session={}",
            session_param(&creds)
        ),
        "",
    )
    .await;
    assert_eq!(status, 400);
    h.shutdown().await;
}
