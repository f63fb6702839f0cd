//! When a line becomes searchable. The awslogs driver does not send each line as it is written:
//! it buffers a stream's lines and sends them in a batch every few seconds (5 s by default), and
//! CloudWatch Logs makes a batch searchable a moment after it arrives. So a line shows up in
//! FilterLogEvents and GetLogEvents seconds after its timestamp, and streams of different tasks
//! arrive out of order: a line of task B may become visible after a newer line of task A.

use crate::metrics::mix;

/// How often the driver sends a stream's buffered lines.
const BATCH_MS: i64 = 5_000;
/// Least and most time between a batch being sent and being searchable.
const LAG_MS: (i64, i64) = (300, 3_000);

/// A stream's batch timing: its own phase, so streams do not send in step.
#[derive(Debug, Clone, Copy)]
pub(super) struct Batches {
    seed: u64,
    phase: i64,
    /// The container stopped here: the driver sends what it holds at once.
    stop_ms: Option<i64>,
}

impl Batches {
    /// The batches of the stream with this seed that stopped at `stop_ms` (if it did).
    pub(super) fn new(seed: u64, stop_ms: Option<i64>) -> Batches {
        Batches {
            seed,
            phase: (mix(seed, 0xba7c) % BATCH_MS as u64) as i64,
            stop_ms,
        }
    }

    fn lag(&self, batch: i64) -> i64 {
        LAG_MS.0 + (mix(self.seed ^ 0x1a6, batch as u64) % (LAG_MS.1 - LAG_MS.0) as u64) as i64
    }

    /// When batch `batch` is sent: at its end, or when the container stopped.
    fn sent(&self, batch: i64) -> i64 {
        let end = (batch + 1) * BATCH_MS + self.phase;
        self.stop_ms.map_or(end, |stop| end.min(stop))
    }

    fn batch_of(&self, ts: i64) -> i64 {
        (ts - self.phase).div_euclid(BATCH_MS)
    }

    /// When the line written at `ts` becomes searchable.
    pub(super) fn ingested_at(&self, ts: i64) -> i64 {
        let b = self.batch_of(ts);
        self.sent(b).max(ts) + self.lag(b)
    }

    /// Lines written before this time are searchable at `now_ms`; later ones are not yet.
    pub(super) fn visible_before(&self, now_ms: i64) -> i64 {
        // The lag is shorter than a batch, so the newest ingested batch is one of the last three.
        let newest = self.batch_of(now_ms);
        (newest - 2..=newest)
            .rev()
            .find(|b| self.sent(*b) + self.lag(*b) <= now_ms)
            .map_or(i64::MIN, |b| self.sent(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_arrive_in_batches_seconds_late() {
        let b = Batches::new(42, None);
        for ts in (1_000_000..1_060_000).step_by(700) {
            let at = b.ingested_at(ts);
            assert!(at > ts && at <= ts + BATCH_MS + LAG_MS.1, "{ts} -> {at}");
            // Visible exactly from its ingestion time on.
            assert!(b.visible_before(at) > ts, "{ts} visible at {at}");
            assert!(
                b.visible_before(at - 1) <= ts,
                "{ts} not visible before {at}"
            );
        }
    }

    #[test]
    fn a_stopped_stream_sends_its_last_lines_at_the_stop() {
        let b = Batches::new(7, Some(2_000_100));
        let at = b.ingested_at(2_000_050);
        assert!(
            (2_000_100 + LAG_MS.0..=2_000_100 + LAG_MS.1).contains(&at),
            "{at}"
        );
        assert!(b.visible_before(2_000_100 + LAG_MS.1) >= 2_000_100);
    }
}
