//! A client of the simulator's control API (`/_sim/...`, served by `control`) for tests, the
//! bench and demo drivers. Each call is one plain HTTP/1.1 request on its own connection
//! (`Connection: close`), so it needs no HTTP client stack and works from any tokio runtime.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::SimError;

/// AWS calls by counter key (`ecs:DescribeServices`), as the simulator counted them.
pub type Calls = BTreeMap<String, u64>;

/// The control API of one running simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    endpoint: String,
}

impl Control {
    /// The control API of the simulator at `endpoint` (`http://127.0.0.1:PORT`, as
    /// `SimHandle::endpoint` gives it); an unusable endpoint is reported by the first call.
    pub fn new(endpoint: &str) -> Control {
        Control {
            endpoint: endpoint.trim_end_matches('/').to_string(),
        }
    }

    /// The control API of the simulator listening on 127.0.0.1:`port`.
    pub fn on_port(port: u16) -> Control {
        Control::new(&format!("http://127.0.0.1:{port}"))
    }

    /// The endpoint this client calls.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// One request: `path` like `/_sim/faults` (a bare route such as `faults` means
    /// `/_sim/faults`), `body` sent as JSON. The JSON answer; any status but 200 is
    /// `SimError::ControlStatus` with the route, status and body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, SimError> {
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/_sim/{path}")
        };
        let route = format!("{method} {path}");
        let fail = |message: String| SimError::Control {
            route: route.clone(),
            message,
        };
        let authority = self
            .endpoint
            .strip_prefix("http://")
            .ok_or_else(|| fail(format!("{} is not an http:// endpoint", self.endpoint)))?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let mut stream = TcpStream::connect(authority)
            .await
            .map_err(|e| fail(format!("cannot connect to {authority}: {e}")))?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| fail(format!("cannot send the request: {e}")))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| fail(format!("cannot read the answer: {e}")))?;
        let text = String::from_utf8_lossy(&raw);
        let Some((head, answer)) = text.split_once("\r\n\r\n") else {
            return Err(fail(format!("not an HTTP answer: {text}")));
        };
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| fail(format!("no status in the answer: {head}")))?;
        if status != 200 {
            return Err(SimError::ControlStatus {
                route,
                status,
                body: answer.to_string(),
            });
        }
        serde_json::from_str(answer)
            .map_err(|e| fail(format!("the answer is not JSON ({e}): {answer}")))
    }

    /// The AWS calls counted since the last reset.
    pub async fn calls(&self) -> Result<Calls, SimError> {
        let answer = self.call("GET", "/_sim/calls", None).await?;
        serde_json::from_value(answer).map_err(|e| SimError::Control {
            route: "GET /_sim/calls".into(),
            message: format!("unexpected answer: {e}"),
        })
    }

    /// How often the simulator saw one counter key (`ecs:DescribeServices`) since the last
    /// reset; 0 when never.
    pub async fn call_count(&self, key: &str) -> Result<u64, SimError> {
        Ok(self.calls().await?.get(key).copied().unwrap_or(0))
    }

    /// Zeroes the call counters.
    pub async fn reset_calls(&self) -> Result<(), SimError> {
        self.call("POST", "/_sim/calls/reset", None).await.map(drop)
    }

    /// Queues `count` faults of `kind` (`throttle`, `error500`, `error503`, `latency`, `drop` or
    /// `lost_answer`) for `operation` (`DescribeServices`, `ecs:DescribeServices` or `*`); `ms`
    /// is the delay of a `latency` fault. How many faults are pending now.
    pub async fn fault(
        &self,
        operation: &str,
        kind: &str,
        count: u64,
        ms: u64,
    ) -> Result<u64, SimError> {
        let body = json!({"operation": operation, "kind": kind, "count": count, "ms": ms});
        let answer = self.call("POST", "/_sim/faults", Some(body)).await?;
        number(&answer, "POST /_sim/faults", "pending")
    }

    /// Removes every pending fault.
    pub async fn clear_faults(&self) -> Result<(), SimError> {
        self.call("DELETE", "/_sim/faults", None).await.map(drop)
    }

    /// Sets the latency the simulator adds to every AWS call (0 to 60000 ms).
    pub async fn set_latency(&self, ms: u64) -> Result<(), SimError> {
        self.call("POST", "/_sim/latency", Some(json!({ "ms": ms })))
            .await
            .map(drop)
    }

    /// Moves the simulated clock forward (0 < `seconds` <= 30 days) and plays the fleet up to
    /// it; the new simulated now (epoch seconds).
    pub async fn advance_clock(&self, seconds: f64) -> Result<f64, SimError> {
        let route = "POST /_sim/clock/advance";
        let answer = self
            .call(
                "POST",
                "/_sim/clock/advance",
                Some(json!({ "seconds": seconds })),
            )
            .await?;
        answer["now"]
            .as_f64()
            .ok_or_else(|| unexpected(route, &answer))
    }

    /// The simulated now (epoch seconds) and the clock's speed (simulated seconds per second).
    pub async fn clock(&self) -> Result<(f64, f64), SimError> {
        let route = "GET /_sim/clock";
        let answer = self.call("GET", "/_sim/clock", None).await?;
        match (answer["now"].as_f64(), answer["speed"].as_f64()) {
            (Some(now), Some(speed)) => Ok((now, speed)),
            _ => Err(unexpected(route, &answer)),
        }
    }

    /// Rebuilds the world from its scenario, with the clock back at its start.
    pub async fn reset(&self) -> Result<(), SimError> {
        self.call("POST", "/_sim/reset", None).await.map(drop)
    }

    /// Approves every pending SSO sign-in and every later one (the user clicking "Allow"); how
    /// many device authorizations were waiting.
    pub async fn approve_sso(&self) -> Result<u64, SimError> {
        let answer = self.call("POST", "/_sim/sso/approve", None).await?;
        number(&answer, "POST /_sim/sso/approve", "approved")
    }

    /// Makes every SSO access token expire now; how many were live.
    pub async fn expire_sso_tokens(&self) -> Result<u64, SimError> {
        let answer = self.call("POST", "/_sim/sso/expire-tokens", None).await?;
        number(&answer, "POST /_sim/sso/expire-tokens", "expired")
    }

    /// Revokes every SSO refresh token; how many were live.
    pub async fn revoke_sso_refresh_tokens(&self) -> Result<u64, SimError> {
        let answer = self.call("POST", "/_sim/sso/revoke-refresh", None).await?;
        number(&answer, "POST /_sim/sso/revoke-refresh", "revoked")
    }
}

/// The whole-number field `key` of an answer.
fn number(answer: &Value, route: &str, key: &str) -> Result<u64, SimError> {
    answer[key]
        .as_u64()
        .ok_or_else(|| unexpected(route, answer))
}

/// A 200 answer without the field a typed call reads.
fn unexpected(route: &str, answer: &Value) -> SimError {
    SimError::Control {
        route: route.to_string(),
        message: format!("unexpected answer: {answer}"),
    }
}
