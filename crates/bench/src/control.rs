//! The simulator's control API (`/_sim/`): call counters, latency and SSO approval. A bare
//! HTTP/1.1 client keeps the bench free of another HTTP stack.

use std::collections::BTreeMap;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::BenchError;

/// AWS calls by counter key (`ecs:DescribeServices`), as the simulator counted them.
pub type Calls = BTreeMap<String, u64>;

/// The control API of one simulator.
#[derive(Debug, Clone)]
pub struct Control {
    endpoint: String,
}

impl Control {
    /// The control API of the simulator at `endpoint` (`http://127.0.0.1:PORT`).
    pub fn new(endpoint: &str) -> Control {
        Control {
            endpoint: endpoint.trim_end_matches('/').to_string(),
        }
    }

    /// Sets the latency the simulator adds to every AWS call.
    pub async fn set_latency(&self, ms: u64) -> Result<(), BenchError> {
        self.send("POST", "latency", &format!("{{\"ms\":{ms}}}"))
            .await
            .map(drop)
    }

    /// Zeroes the call counters.
    pub async fn reset_calls(&self) -> Result<(), BenchError> {
        self.send("POST", "calls/reset", "{}").await.map(drop)
    }

    /// The calls counted since the last reset.
    pub async fn calls(&self) -> Result<Calls, BenchError> {
        let value = self.send("GET", "calls", "").await?;
        serde_json::from_value(value).map_err(|e| BenchError::Control {
            route: "calls".into(),
            message: format!("unexpected answer: {e}"),
        })
    }

    /// Approves every pending SSO sign-in (the user clicking "Allow").
    pub async fn approve_sso(&self) -> Result<(), BenchError> {
        self.send("POST", "sso/approve", "{}").await.map(drop)
    }

    /// One request to `/_sim/<route>`; the JSON answer.
    async fn send(&self, method: &str, route: &str, body: &str) -> Result<Value, BenchError> {
        let fail = |message: String| BenchError::Control {
            route: route.to_string(),
            message,
        };
        let authority = self
            .endpoint
            .strip_prefix("http://")
            .ok_or_else(|| fail(format!("{} is not an http:// endpoint", self.endpoint)))?;
        let mut stream = TcpStream::connect(authority)
            .await
            .map_err(|e| fail(format!("cannot connect to {authority}: {e}")))?;
        let request = format!(
            "{method} /_sim/{route} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| fail(e.to_string()))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| fail(e.to_string()))?;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split(' ').nth(1).unwrap_or("?");
        if status != "200" {
            return Err(fail(format!("HTTP {status}: {body}")));
        }
        serde_json::from_str(body).map_err(|e| fail(format!("not JSON ({e}): {body}")))
    }
}
