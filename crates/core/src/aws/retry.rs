//! The retry and timeout policy of every SDK client of a session.
//!
//! Reads are idempotent, so the SDK's standard retry strategy repeats them on throttling, 5xx,
//! timeouts and dropped connections, with exponential backoff and full jitter, bounded by
//! [`ResiliencePolicy::max_attempts`] and by the SDK's retry quota (a token bucket per service,
//! region and session, so a storm of failures stops retrying instead of multiplying requests,
//! without holding back the other accounts).

use std::sync::RwLock;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::ConfigLoader;

/// How AWS calls are retried and timed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResiliencePolicy {
    /// Attempts per read, the first included (throttling, 5xx, timeouts, dropped connections).
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles each retry, with full jitter.
    pub initial_backoff: Duration,
    /// Longest backoff between two attempts.
    pub max_backoff: Duration,
    /// Longest wait for a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Longest wait for one attempt's answer.
    pub attempt_timeout: Duration,
    /// Longest wait for a call, all attempts and backoffs included.
    pub operation_timeout: Duration,
    /// How many times the state of a service is read after an action's answer was lost.
    pub reconcile_reads: u32,
    /// Pause between those reads (AWS may apply a request a moment after the answer was lost).
    pub reconcile_interval: Duration,
}

impl Default for ResiliencePolicy {
    fn default() -> Self {
        ResiliencePolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(20),
            operation_timeout: Duration::from_secs(60),
            reconcile_reads: 3,
            reconcile_interval: Duration::from_secs(2),
        }
    }
}

/// The process-wide policy; `None` means [`ResiliencePolicy::default`].
static POLICY: RwLock<Option<ResiliencePolicy>> = RwLock::new(None);

/// The policy sessions opened from now on use.
pub fn policy() -> ResiliencePolicy {
    POLICY
        .read()
        .map(|p| p.unwrap_or_default())
        .unwrap_or_default()
}

/// Replaces the policy for sessions opened (or moved to another region) from now on; tests use
/// it for short timeouts.
pub fn set_policy(policy: ResiliencePolicy) {
    // A poisoned lock only means a panic while writing a Copy value; overwrite it anyway.
    let mut slot = POLICY.write().unwrap_or_else(|p| p.into_inner());
    *slot = Some(policy);
}

impl ResiliencePolicy {
    /// The SDK retry configuration (standard mode: jittered exponential backoff, retry quota).
    pub fn retry_config(&self) -> RetryConfig {
        RetryConfig::standard()
            .with_max_attempts(self.max_attempts.max(1))
            .with_initial_backoff(self.initial_backoff)
            .with_max_backoff(self.max_backoff)
    }

    /// The SDK timeout configuration.
    pub fn timeout_config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(self.connect_timeout)
            .operation_attempt_timeout(self.attempt_timeout)
            .operation_timeout(self.operation_timeout)
            .build()
    }

    /// `loader` with this policy's retries and timeouts.
    pub fn apply(&self, loader: ConfigLoader) -> ConfigLoader {
        loader
            .retry_config(self.retry_config())
            .timeout_config(self.timeout_config())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_builds_bounded_jittered_retries_and_timeouts() {
        let p = ResiliencePolicy::default();
        let retry = p.retry_config();
        assert_eq!(retry.max_attempts(), 5);
        assert_eq!(retry.max_backoff(), Duration::from_secs(8));
        assert!(
            !retry.use_static_exponential_base(),
            "backoff must be jittered"
        );
        let timeouts = p.timeout_config();
        assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(60)));
        assert_eq!(
            timeouts.operation_attempt_timeout(),
            Some(Duration::from_secs(20))
        );
        assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(5)));
    }
}
