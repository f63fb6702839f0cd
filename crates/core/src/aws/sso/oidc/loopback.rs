//! The one-shot 127.0.0.1 listener that receives the browser's redirect at `/oauth/callback`,
//! checks `state` and answers a small page.
//!
//! Any local process can connect to the listener, so it must not let one stall the sign-in:
//! each connection is served in its own task with a short read timeout and a cap on the request
//! head, the first redirect of this sign-in (our state, with a code or an OAuth error) wins, and
//! the listener is closed right then; connections still open are dropped unanswered.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::*;
use crate::util::secure::constant_time_eq;

/// What one request to the loopback listener was.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Callback {
    /// The redirect with our state and a code.
    Code(String),
    /// The redirect with an OAuth error.
    Denied(String),
    /// A redirect whose state is not ours (ignored: it did not come from this sign-in).
    WrongState,
    /// Anything else (favicon, probes).
    Other,
}

/// Classifies a request head sent to the loopback listener.
pub(super) fn parse_callback(head: &str, state: &str) -> Callback {
    let Some(target) = head
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("GET "))
        .and_then(|rest| rest.split(' ').next())
    else {
        return Callback::Other;
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        return Callback::Other;
    }
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // Constant time, so a local process cannot guess the state byte by byte from the timing.
    let ours = params
        .get("state")
        .is_some_and(|s| constant_time_eq(s.as_bytes(), state.as_bytes()));
    if !ours {
        return Callback::WrongState;
    }
    if let Some(error) = params.get("error") {
        let description = params
            .get("error_description")
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        return Callback::Denied(format!("{error}{description}"));
    }
    match params.get("code").filter(|c| !c.is_empty()) {
        Some(code) => Callback::Code(code.clone()),
        None => Callback::Denied("the redirect carried no code".into()),
    }
}

/// What the connection tasks share with the accept loop.
struct Shared {
    /// Our state.
    state: String,
    /// The sso-session name, for errors.
    session: String,
    /// Set by the first valid redirect; later connections are not served.
    claimed: AtomicBool,
    /// Connections being served now.
    open: AtomicUsize,
    /// Where the first valid redirect sends its outcome.
    outcome: tokio::sync::mpsc::Sender<Result<Secret, CoreError>>,
    /// Fired when the sign-in is decided, so connection tasks still waiting stop.
    done: CancellationToken,
}

/// Serves the loopback listener until the redirect of this sign-in arrives, then closes it
/// (the listener is consumed and dropped on return, whatever the outcome).
pub(super) async fn wait_for_callback(
    listener: TcpListener,
    session: &str,
    state: &str,
    cancel: &CancellationToken,
) -> Result<Secret, CoreError> {
    let deadline = tokio::time::Instant::now() + PKCE_TIMEOUT;
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let shared = Arc::new(Shared {
        state: state.to_string(),
        session: session.to_string(),
        claimed: AtomicBool::new(false),
        open: AtomicUsize::new(0),
        outcome: tx,
        done: CancellationToken::new(),
    });
    let outcome = loop {
        tokio::select! {
            () = cancel.cancelled() => break Err(CoreError::Cancelled("The sign-in was cancelled.".into())),
            () = tokio::time::sleep_until(deadline) => break Err(CoreError::SignInRequired {
                session: session.to_string(),
                detail: "the browser sign-in was not finished within 10 minutes; start it again".into(),
            }),
            Some(outcome) = rx.recv() => break outcome,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    continue;
                };
                // Past the cap the connection is closed at once: a flood of them must not use
                // up the app's file descriptors (each lasts at most the read timeout).
                if shared.open.fetch_add(1, Ordering::SeqCst) >= MAX_CALLBACK_CONNECTIONS {
                    shared.open.fetch_sub(1, Ordering::SeqCst);
                    drop(stream);
                    continue;
                }
                tokio::spawn(serve(stream, shared.clone()));
            }
        }
    };
    drop(listener);
    shared.done.cancel();
    outcome
}

/// Serves one connection: reads its request head (bounded in time and size) and answers it,
/// unless the sign-in was decided meanwhile.
async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let head = tokio::select! {
        () = shared.done.cancelled() => None,
        head = tokio::time::timeout(CALLBACK_READ_TIMEOUT, read_head(&mut stream)) => {
            head.ok().and_then(Result::ok)
        }
    };
    if let Some(head) = head {
        answer(&mut stream, &head, &shared).await;
    }
    shared.open.fetch_sub(1, Ordering::SeqCst);
}

/// Answers one request head; the first valid redirect decides the sign-in.
async fn answer(stream: &mut TcpStream, head: &str, shared: &Shared) {
    let callback = parse_callback(head, &shared.state);
    let outcome = match callback {
        Callback::Code(code) => Ok(Secret::new(code)),
        Callback::Denied(reason) => Err(CoreError::SignInRequired {
            session: shared.session.clone(),
            detail: format!("the sign-in page answered {reason}"),
        }),
        Callback::WrongState | Callback::Other => {
            if shared.done.is_cancelled() || shared.claimed.load(Ordering::SeqCst) {
                return;
            }
            let (status, title, text) = match callback {
                Callback::WrongState => (400, "Sign-in failed", "This sign-in link is not the one ECS Desk is waiting for. Start the sign-in again from ECS Desk."),
                _ => (404, "Not found", "Nothing here."),
            };
            respond(stream, status, title, text).await;
            return;
        }
    };
    // A redirect already decided the sign-in (or it was cancelled or timed out): not served.
    if shared.done.is_cancelled() || shared.claimed.swap(true, Ordering::SeqCst) {
        return;
    }
    let signed_in = outcome.is_ok();
    // The outcome first, so the sign-in goes on while the page is written.
    let _ = shared.outcome.send(outcome).await;
    if signed_in {
        respond(
            stream,
            200,
            "Signed in",
            "You are signed in to ECS Desk. You can close this window.",
        )
        .await;
    } else {
        respond(
            stream,
            400,
            "Sign-in failed",
            "The sign-in was not completed. Go back to ECS Desk and try again.",
        )
        .await;
    }
}

/// Reads an HTTP request head (up to the blank line); a head longer than
/// [`MAX_CALLBACK_REQUEST`] bytes is an error (nothing legitimate sends one).
pub(super) async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        if buf.len() >= MAX_CALLBACK_REQUEST {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "request head too large",
            ));
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Answers the browser with a small page and closes the connection (bounded in time: a client
/// that does not read must not keep the task).
pub(super) async fn respond(stream: &mut TcpStream, status: u16, title: &str, text: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ECS Desk — {title}</title></head>\
         <body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\"><h1>{title}</h1><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    // The browser may already have gone; nothing to do about it.
    let _ = tokio::time::timeout(CALLBACK_READ_TIMEOUT, async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}
