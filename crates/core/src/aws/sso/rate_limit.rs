//! A token-bucket rate limit for the portal API (IAM Identity Center throttles ListAccounts and
//! ListAccountRoles), with a cap on calls in flight.

use crate::error::CoreError;
use std::time::Duration;
use tokio::sync::{Mutex, Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// A token bucket plus a concurrency cap for portal calls.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    pub(crate) bucket: Mutex<(f64, Instant)>,
    pub(crate) in_flight: Semaphore,
    pub(crate) rate: f64,
    pub(crate) burst: f64,
}

impl RateLimiter {
    /// A limiter of `rate` calls a second, `burst` at once, `concurrent` in flight.
    pub(crate) fn new(rate: f64, burst: f64, concurrent: usize) -> RateLimiter {
        RateLimiter {
            bucket: Mutex::new((burst, Instant::now())),
            in_flight: Semaphore::new(concurrent),
            rate,
            burst,
        }
    }

    /// Waits for a slot; the call may run while the permit lives.
    pub(crate) async fn acquire(&self) -> Result<SemaphorePermit<'_>, CoreError> {
        let permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|_| CoreError::Internal("the portal rate limiter was closed".into()))?;
        loop {
            let wait = {
                let mut bucket = self.bucket.lock().await;
                let now = Instant::now();
                let elapsed = now.duration_since(bucket.1).as_secs_f64();
                bucket.0 = (bucket.0 + elapsed * self.rate).min(self.burst);
                bucket.1 = now;
                if bucket.0 >= 1.0 {
                    bucket.0 -= 1.0;
                    None
                } else {
                    Some(Duration::from_secs_f64((1.0 - bucket.0) / self.rate))
                }
            };
            match wait {
                None => return Ok(permit),
                Some(d) => tokio::time::sleep(d).await,
            }
        }
    }
}
