//! `GET /authorize`: the browser page of the authorization-code flow.

use std::collections::HashMap;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;

use super::{is_loopback_redirect, random_token, same_start_url, AuthCode, AUTH_CODE_SECONDS};
use crate::SharedWorld;

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::shape::xml_escape_into(s, &mut out);
    out
}

fn page(status: u16, title: &str, body: &str) -> Response<Full<Bytes>> {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:32em;margin:4em auto;color:#232f3e}}\
         button{{font-size:1.1em;padding:.6em 1.4em;background:#ff9900;border:0;border-radius:4px}}</style>\
         </head><body>{body}</body></html>"
    );
    crate::server::plain(status, "text/html; charset=utf-8", html)
}

fn error_page(message: &str) -> Response<Full<Bytes>> {
    page(
        400,
        "Sign-in error",
        &format!(
            "<h1>Sign-in request rejected</h1><p id=\"error\">{}</p>",
            html_escape(message)
        ),
    )
}

/// `GET /authorize`: the browser page of the authorization-code flow. Redirects to the loopback
/// `redirect_uri` with `code` and `state` when approved (by the page's button, or at once after
/// `/_sim/sso/approve`); otherwise shows the consent page.
pub fn authorize_page(world: &SharedWorld, query: &str) -> Response<Full<Bytes>> {
    let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    if get("response_type") != "code" {
        return error_page("response_type must be code");
    }
    if get("code_challenge_method") != "S256" || get("code_challenge").is_empty() {
        return error_page("a PKCE code_challenge with code_challenge_method=S256 is required");
    }
    let redirect_uri = get("redirect_uri");
    if !is_loopback_redirect(redirect_uri) {
        return error_page(
            "redirect_uri must be an http loopback address (http://127.0.0.1:PORT/...)",
        );
    }
    let Ok(mut w) = world.lock() else {
        return crate::server::plain(500, "text/plain", "simulator state poisoned");
    };
    let now = w.clock.now();
    let Some(client) = w.oidc.clients.get(get("client_id")) else {
        return error_page("unknown client_id");
    };
    if now >= client.expires_at {
        return error_page("the client registration has expired");
    }
    if !client.redirect_uris.is_empty() && !client.redirect_uris.iter().any(|u| u == redirect_uri) {
        return error_page("redirect_uri was not registered for this client");
    }
    let start_url = client
        .issuer_url
        .as_deref()
        .and_then(|issuer| w.sso.iter().find(|s| same_start_url(&s.start_url, issuer)))
        .or_else(|| w.sso.first())
        .map(|s| (s.start_url.clone(), s.user.clone()));
    let Some((start_url, user)) = start_url else {
        return error_page("this simulator has no IAM Identity Center instance");
    };
    let client_name = client.name.clone();
    if get("approve") == "1" || w.oidc.auto_approve {
        let code = random_token("simcode-", 24);
        w.oidc.codes.insert(
            code.clone(),
            AuthCode {
                client_id: get("client_id").to_string(),
                redirect_uri: redirect_uri.to_string(),
                challenge: get("code_challenge").to_string(),
                start_url,
                expires_at: now + AUTH_CODE_SECONDS,
                used: false,
            },
        );
        let Ok(mut target) = url::Url::parse(redirect_uri) else {
            return error_page("redirect_uri is not a URL");
        };
        target
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", get("state"));
        return Response::builder()
            .status(302)
            .header("location", target.as_str())
            .header("content-type", "text/plain")
            .body(Full::new(Bytes::from(format!("Redirecting to {target}"))))
            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())));
    }
    let mut hidden = String::new();
    for (k, v) in &params {
        if k == "approve" {
            continue;
        }
        hidden.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            html_escape(k),
            html_escape(v)
        ));
    }
    page(
        200,
        "Sign in to ECS Desk demo",
        &format!(
            "<h1>Sign in to ECS Desk demo — Allow access</h1>\
             <p><b>{}</b> is asking for access to your AWS accounts through {} as <b>{}</b>.</p>\
             <form method=\"get\" action=\"/authorize\">{hidden}\
             <input type=\"hidden\" name=\"approve\" value=\"1\">\
             <button id=\"allow\" type=\"submit\">Allow access</button></form>",
            html_escape(&client_name),
            html_escape(&start_url),
            html_escape(&user)
        ),
    )
}
