//! The one-shot 127.0.0.1 listener that receives the browser's redirect at `/oauth/callback`,
//! checks `state` and answers a small page.

use super::*;

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
    if params.get("state").map(String::as_str) != Some(state) {
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

/// Serves the loopback listener until the redirect of this sign-in arrives.
pub(super) async fn wait_for_callback(
    listener: &TcpListener,
    session: &str,
    state: &str,
    cancel: &CancellationToken,
) -> Result<Secret, CoreError> {
    let deadline = tokio::time::Instant::now() + PKCE_TIMEOUT;
    loop {
        let accepted = tokio::select! {
            () = cancel.cancelled() => return Err(CoreError::Cancelled("The sign-in was cancelled.".into())),
            () = tokio::time::sleep_until(deadline) => return Err(CoreError::SignInRequired {
                session: session.to_string(),
                detail: "the browser sign-in was not finished within 10 minutes; start it again".into(),
            }),
            accepted = listener.accept() => accepted,
        };
        let Ok((mut stream, _)) = accepted else {
            continue;
        };
        let Ok(Ok(head)) =
            tokio::time::timeout(CALLBACK_READ_TIMEOUT, read_head(&mut stream)).await
        else {
            continue;
        };
        match parse_callback(&head, state) {
            Callback::Code(code) => {
                respond(
                    &mut stream,
                    200,
                    "Signed in",
                    "You are signed in to ECS Desk. You can close this window.",
                )
                .await;
                return Ok(Secret::new(code));
            }
            Callback::Denied(reason) => {
                respond(
                    &mut stream,
                    400,
                    "Sign-in failed",
                    "The sign-in was not completed. Go back to ECS Desk and try again.",
                )
                .await;
                return Err(CoreError::SignInRequired {
                    session: session.to_string(),
                    detail: format!("the sign-in page answered {reason}"),
                });
            }
            Callback::WrongState => {
                respond(&mut stream, 400, "Sign-in failed", "This sign-in link is not the one ECS Desk is waiting for. Start the sign-in again from ECS Desk.").await;
            }
            Callback::Other => respond(&mut stream, 404, "Not found", "Nothing here.").await,
        }
    }
}

/// Reads an HTTP request head (up to the blank line, at most [`MAX_CALLBACK_REQUEST`] bytes).
pub(super) async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_CALLBACK_REQUEST {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Answers the browser with a small page and closes the connection.
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
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
