//! The PKCE loopback listener under local abuse: idle connections, oversized request heads and
//! a cancelled sign-in must neither stall nor outlive the browser sign-in.

use std::time::{Duration, Instant};

use crate::sso_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

/// The port of a pending sign-in's loopback listener.
fn port_of(redirect_uri: &str) -> u16 {
    url::Url::parse(redirect_uri).unwrap().port().unwrap()
}

/// Reads what the listener sends on `stream` until it closes it (at most `wait`); `None` when it
/// stayed open that long.
async fn answer_within(stream: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut out)).await {
        Ok(_) => Some(out),
        Err(_) => None,
    }
}

#[tokio::test]
async fn ten_idle_connections_do_not_delay_the_browser_sign_in() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let pending = fx.auth.begin_pkce_login(&commercial()).await.unwrap();
    let port = port_of(&pending.redirect_uri);
    let authorize = pending.authorize_url.clone();
    let sign_in = tokio::spawn(complete_pkce(pending));

    // Ten local connections that never send a byte, queued before the browser comes back.
    let mut idle = Vec::new();
    for _ in 0..10 {
        idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;

    let location = authorize_redirect(&sim.endpoint(), &authorize).await;
    let callback_at = Instant::now();
    let (status, _, page) =
        tokio::time::timeout(Duration::from_secs(1), http("GET", &location, ""))
            .await
            .expect("the callback is answered within 1 s despite 10 idle connections");
    assert_eq!(status, 200, "{page}");
    let left = Duration::from_secs(1).saturating_sub(callback_at.elapsed());
    let status = tokio::time::timeout(left, sign_in)
        .await
        .expect("the sign-in completes within 1 s of the callback")
        .unwrap()
        .unwrap();
    let took = callback_at.elapsed();
    eprintln!("sign-in completed {took:?} after the callback, with 10 idle connections open");
    assert!(status.signed_in);
    assert!(took < Duration::from_secs(1), "{took:?}");

    // The idle connections are closed unanswered, and the listener is gone.
    for stream in &mut idle {
        let got = answer_within(stream, Duration::from_secs(1)).await;
        assert_eq!(
            got,
            Some(Vec::new()),
            "an idle connection was answered or kept open"
        );
    }
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    sim.shutdown().await;
}

#[tokio::test]
async fn oversized_heads_and_silent_clients_are_dropped_and_cancel_still_works() {
    let sim = sim("demo").await;
    let fx = Fixture::new(&sim);
    let pending = fx.auth.begin_pkce_login(&commercial()).await.unwrap();
    let port = port_of(&pending.redirect_uri);
    let cancel = CancellationToken::new();
    let token = cancel.clone();
    let sign_in = tokio::spawn(async move {
        let sink = |_p: ecsdesk_core::aws::sso::LoginProgress| {};
        pending.complete(&sink, token).await
    });

    // A head far over the cap, never finished: closed without an answer, right away.
    let mut big = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let junk = format!(
        "GET /oauth/callback?x={} HTTP/1.1\r\n",
        "a".repeat(20 * 1024)
    );
    let _ = big.write_all(junk.as_bytes()).await;
    let got = answer_within(&mut big, Duration::from_secs(1)).await;
    assert_eq!(got, Some(Vec::new()), "an oversized head was answered");

    // A client that connects and says nothing is closed after the short read timeout.
    let mut silent = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let started = Instant::now();
    let got = answer_within(&mut silent, Duration::from_secs(5)).await;
    assert_eq!(got, Some(Vec::new()));
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "{waited:?}");

    // A forged state is still refused with a page, and the sign-in goes on.
    let (code, _, _) = http(
        "GET",
        &format!("http://127.0.0.1:{port}/oauth/callback?code=x&state=forged"),
        "",
    )
    .await;
    assert_eq!(code, 400);
    assert!(!sign_in.is_finished());

    // Cancelling with idle connections open ends the sign-in at once and closes the port.
    let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let cancelled_at = Instant::now();
    cancel.cancel();
    let err = tokio::time::timeout(Duration::from_secs(1), sign_in)
        .await
        .expect("cancel ends the sign-in within 1 s")
        .unwrap()
        .unwrap_err();
    assert_eq!(err.code(), "Cancelled");
    assert!(cancelled_at.elapsed() < Duration::from_secs(1));
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    sim.shutdown().await;
}
