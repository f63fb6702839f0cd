//! Pacing for APIs with a small fixed rate: CloudTrail's LookupEvents takes 2 calls a second per
//! account and region. Every session of that account and region waits its turn here, so the app
//! never trips the limit by itself (AWS still may, for other callers: the SDK retries those).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// (account, region, API).
type Lane = (String, String, &'static str);

/// The next free slot of each lane.
static SLOTS: Mutex<Option<HashMap<Lane, Instant>>> = Mutex::new(None);

/// Waits until a call of `api` may go out in `account`/`region` at `per_second` calls a second.
pub async fn wait_turn(account: &str, region: &str, api: &'static str, per_second: u32) {
    // A tenth more than the bare spacing: AWS counts arrivals, and the network may bunch them.
    let gap = Duration::from_millis(1100) / per_second.max(1);
    let at = {
        let Ok(mut guard) = SLOTS.lock() else {
            return;
        };
        let slots = guard.get_or_insert_with(HashMap::new);
        let now = Instant::now();
        let slot = slots
            .entry((account.to_string(), region.to_string(), api))
            .or_insert(now);
        let at = (*slot).max(now);
        *slot = at + gap;
        at
    };
    tokio::time::sleep_until(at).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_of_one_account_and_region_are_spaced_others_are_not() {
        let t0 = Instant::now();
        for _ in 0..3 {
            wait_turn("111", "us-east-1", "test:Lookup", 20).await;
        }
        // Three calls at 20 a second: the third goes out 110 ms after the first at the earliest.
        assert!(t0.elapsed() >= Duration::from_millis(110));
        // Another account has its own turns: its first call does not wait for 111's.
        wait_turn("222", "us-east-1", "test:Lookup", 2).await;
        let t1 = Instant::now();
        wait_turn("222", "us-east-1", "test:Lookup", 2).await;
        assert!(t1.elapsed() >= Duration::from_millis(400));
    }
}
