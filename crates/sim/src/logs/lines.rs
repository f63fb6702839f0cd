//! The lines of one log stream, generated on demand: a key per line and iterators that walk
//! them from any key, forwards or backwards, merging explicit and generated lines.

use super::ingestion::Batches;
use crate::metrics::{hash_str, mix, unit};
use crate::world::{Behaviour, LogStream};

/// Seconds between generated request lines (plus up to `JITTER_MS`).
const SLOT_MS: i64 = 15_000;
/// Random delay within a slot.
const JITTER_MS: i64 = 10_000;
/// Delay of the first generated line after the container starts.
const FIRST_LINE_MS: i64 = 2_000;

/// Position of a line within its stream: explicit lines (source 0) sort before generated ones
/// (source 1) of the same millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Key {
    pub(super) ts: i64,
    pub(super) source: u8,
    pub(super) n: u64,
}

impl Key {
    /// The smallest key after every key of this millisecond and before.
    pub(super) fn after_ms(ts: i64) -> Key {
        Key {
            ts,
            source: u8::MAX,
            n: u64::MAX,
        }
    }

    /// The smallest key of this millisecond.
    pub(super) fn at_ms(ts: i64) -> Key {
        Key {
            ts,
            source: 0,
            n: 0,
        }
    }

    /// The next possible key: `< succ(k)` means `<= k`.
    pub(super) fn succ(self) -> Key {
        match self.n.checked_add(1) {
            Some(n) => Key { n, ..self },
            None => Key {
                source: self.source.saturating_add(1),
                n: 0,
                ..self
            },
        }
    }

    pub(super) fn text(self) -> String {
        format!("{}-{}-{}", self.ts, self.source, self.n)
    }

    pub(super) fn parse(s: &str) -> Option<Key> {
        let mut parts = s.split('-');
        let key = Key {
            ts: parts.next()?.parse().ok()?,
            source: parts.next()?.parse().ok()?,
            n: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(key)
    }
}

/// One line, ready to answer.
pub(super) struct Event {
    pub(super) key: Key,
    pub(super) message: String,
    pub(super) ingestion: i64,
}

/// ERROR and WARN probabilities per generated line for a behaviour.
fn rates(b: &Behaviour) -> (f64, f64) {
    match b {
        Behaviour::Healthy | Behaviour::SlowStart { .. } => (1.0 / 250.0, 1.0 / 60.0),
        Behaviour::HighCpu { .. } => (1.0 / 120.0, 1.0 / 8.0),
        Behaviour::FailingHealthCheck => (1.0 / 4.0, 1.0 / 8.0),
        Behaviour::OutOfMemory { .. } => (1.0 / 60.0, 1.0 / 20.0),
        // Tasks that never start write nothing.
        Behaviour::CrashLoop { .. } | Behaviour::ImageNotFound | Behaviour::SecretDenied { .. } => {
            (0.0, 0.0)
        }
    }
}

const PATHS: &[&str] = &[
    "/api/v1/missions",
    "/api/v1/layers",
    "/api/v1/users",
    "/api/v1/basemaps",
    "/api/v1/imports",
    "/api/v1/tiles",
    "/api/v1/connections",
];

/// The generator of one stream's lines.
pub(super) struct Lines<'a> {
    pub(super) stream: &'a LogStream,
    pub(super) seed: u64,
    pub(super) start_ms: i64,
    /// Generated lines stop here (exclusive): the stop time, or what has been ingested by now.
    pub(super) end_ms: i64,
    /// Explicit lines at or after this are not searchable yet.
    visible_ms: i64,
    generates: bool,
    batches: Batches,
}

pub(super) fn ms(t: f64) -> i64 {
    (t * 1000.0).floor() as i64
}

impl<'a> Lines<'a> {
    pub(super) fn new(stream: &'a LogStream, now: f64) -> Lines<'a> {
        let seed = hash_str(&stream.name);
        let batches = Batches::new(seed, stream.stopped_at.map(ms));
        let visible_ms = batches.visible_before(ms(now));
        let end = stream.stopped_at.map_or(now, |s| s.min(now));
        Lines {
            stream,
            seed,
            start_ms: ms(stream.started_at),
            end_ms: ms(end).min(visible_ms),
            visible_ms,
            generates: !matches!(stream.behaviour, Behaviour::CrashLoop { .. }),
            batches,
        }
    }

    fn slot_ts(&self, k: u64) -> i64 {
        let jitter = (unit(mix(self.seed, k)) * JITTER_MS as f64) as i64;
        self.start_ms + FIRST_LINE_MS + k as i64 * SLOT_MS + jitter
    }

    fn slot_key(&self, k: u64) -> Key {
        Key {
            ts: self.slot_ts(k),
            source: 1,
            n: k,
        }
    }

    fn slot_ok(&self, k: u64) -> bool {
        self.generates && self.slot_ts(k) < self.end_ms
    }

    fn explicit_key(&self, i: usize) -> Option<Key> {
        let (t, _) = self.stream.events.get(i)?;
        let ts = ms(*t);
        (ts < self.visible_ms).then_some(Key {
            ts,
            source: 0,
            n: i as u64,
        })
    }

    /// First slot whose key is greater than `k`.
    fn first_slot_after(&self, k: Key) -> u64 {
        let rel = k.ts - self.start_ms - FIRST_LINE_MS - JITTER_MS;
        let mut slot = if rel <= 0 { 0 } else { (rel / SLOT_MS) as u64 };
        while self.slot_key(slot) <= k {
            slot += 1;
        }
        slot
    }

    /// Last valid slot whose key is less than `k`.
    fn last_slot_before(&self, k: Key) -> Option<u64> {
        if !self.generates {
            return None;
        }
        let bound = k.min(Key::at_ms(self.end_ms));
        let rel = bound.ts - self.start_ms - FIRST_LINE_MS;
        if rel < 0 {
            return None;
        }
        let mut slot = (rel / SLOT_MS) as u64 + 1;
        loop {
            if self.slot_key(slot) < bound && self.slot_ok(slot) {
                return Some(slot);
            }
            slot = slot.checked_sub(1)?;
        }
    }

    /// Index of the first explicit line with a key greater than `k`.
    fn first_explicit_after(&self, k: Key) -> usize {
        // Explicit lines are sorted by time, so their keys increase with the index.
        let events = &self.stream.events;
        let (mut lo, mut hi) = (0, events.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let key = Key {
                ts: ms(events[mid].0),
                source: 0,
                n: mid as u64,
            };
            if key <= k {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Lines with keys greater than `after` and timestamps below `hi_ms`, oldest first.
    pub(super) fn forward(&'a self, after: Key, hi_ms: i64) -> Forward<'a> {
        Forward {
            lines: self,
            explicit: self.first_explicit_after(after),
            slot: self.first_slot_after(after),
            hi_ms,
        }
    }

    /// Lines with keys less than `before` and timestamps at or above `lo_ms`, newest first.
    pub(super) fn backward(&'a self, before: Key, lo_ms: i64) -> Backward<'a> {
        // Explicit lines [0, explicit) are candidates.
        let explicit = self
            .first_explicit_after(before)
            .min(self.stream.events.len());
        let mut explicit = explicit;
        while explicit > 0 {
            match self.explicit_key(explicit - 1) {
                Some(k) if k < before => break,
                _ => explicit -= 1,
            }
        }
        Backward {
            lines: self,
            explicit,
            slot: self.last_slot_before(before),
            lo_ms,
        }
    }

    pub(super) fn event(&self, key: Key) -> Event {
        let message = if key.source == 0 {
            self.stream
                .events
                .get(key.n as usize)
                .map(|(_, m)| m.clone())
                .unwrap_or_default()
        } else {
            self.generated_message(key)
        };
        Event {
            key,
            message,
            ingestion: self.batches.ingested_at(key.ts),
        }
    }

    pub(super) fn generated_message(&self, key: Key) -> String {
        let k = key.n;
        let h = mix(self.seed ^ 0x11e5, k);
        let (p_err, p_warn) = rates(&self.stream.behaviour);
        let roll = unit(mix(self.seed ^ 0x1e7e1, k));
        let path = PATHS[(h % PATHS.len() as u64) as usize];
        let id = (h >> 16) % 9000 + 1000;
        let req = format!("{:08x}", (h >> 24) as u32);
        let latency = 4 + (h >> 40) % 60;
        let age = (key.ts - self.start_ms) as f64 / 1000.0;
        if let Behaviour::OutOfMemory { after } = self.stream.behaviour {
            let phase = age / after.max(60.0);
            if phase > 0.6 && roll < 0.25 {
                let pct = (60.0 + 40.0 * phase.min(1.0)).round();
                return format!(
                    "WARN heap usage {pct}% of container memory limit (report worker {})",
                    h % 4 + 1
                );
            }
        }
        if roll < p_err {
            return match (&self.stream.behaviour, h % 3) {
                (Behaviour::FailingHealthCheck, _) => format!(
                    "ERROR health check failed: GET /health returned 503 (dependency postgres unreachable) request_id={req}"
                ),
                (Behaviour::OutOfMemory { .. }, _) => format!(
                    "ERROR report {id} failed: worker exceeded its memory budget request_id={req}"
                ),
                (_, 0) => format!(
                    "ERROR GET {path}/{id} 500 {}ms: upstream timeout after 5000ms request_id={req}",
                    5000 + latency
                ),
                (_, 1) => format!(
                    "ERROR database query failed: Connection terminated unexpectedly request_id={req}"
                ),
                _ => format!(
                    "ERROR POST {path} 502: connect ECONNREFUSED 10.0.12.7:5432 request_id={req}"
                ),
            };
        }
        if roll < p_err + p_warn {
            return match h % 3 {
                0 => format!(
                    "WARN slow request GET {path}/{id} took {}ms request_id={req}",
                    900 + (h >> 20) % 2000
                ),
                1 => format!("WARN connection pool {}/20 in use", 15 + (h >> 12) % 5),
                _ => format!(
                    "WARN retrying call to postgres (attempt {}) request_id={req}",
                    2 + (h >> 8) % 2
                ),
            };
        }
        if h.is_multiple_of(4) {
            return format!("INFO GET /health 200 {}ms", 1 + (h >> 30) % 3);
        }
        let (method, status) = if (h >> 4).is_multiple_of(5) {
            ("POST", 201)
        } else {
            ("GET", 200)
        };
        format!("INFO {method} {path}/{id} {status} {latency}ms request_id={req}")
    }

    /// Timestamp of the first line, if any.
    pub(super) fn first_ts(&self) -> Option<i64> {
        self.forward(Key::after_ms(i64::MIN / 2), i64::MAX)
            .next()
            .map(|k| k.ts)
    }

    /// Timestamp of the last line so far, if any.
    pub(super) fn last_ts(&self) -> Option<i64> {
        self.last_ts_until(i64::MAX / 2)
    }

    /// Timestamp of the last line at or before `cutoff_ms`, if any.
    pub(super) fn last_ts_until(&self, cutoff_ms: i64) -> Option<i64> {
        self.backward(Key::after_ms(cutoff_ms), i64::MIN)
            .next()
            .map(|k| k.ts)
    }
}

/// Keys of one stream, oldest first.
pub(super) struct Forward<'a> {
    lines: &'a Lines<'a>,
    explicit: usize,
    slot: u64,
    hi_ms: i64,
}

impl Iterator for Forward<'_> {
    type Item = Key;

    fn next(&mut self) -> Option<Key> {
        let e = self
            .lines
            .explicit_key(self.explicit)
            .filter(|k| k.ts < self.hi_ms);
        let s = (self.lines.slot_ok(self.slot))
            .then(|| self.lines.slot_key(self.slot))
            .filter(|k| k.ts < self.hi_ms);
        match (e, s) {
            (Some(e), Some(s)) if e < s => {
                self.explicit += 1;
                Some(e)
            }
            (_, Some(s)) => {
                self.slot += 1;
                Some(s)
            }
            (Some(e), None) => {
                self.explicit += 1;
                Some(e)
            }
            (None, None) => None,
        }
    }
}

/// Keys of one stream, newest first.
pub(super) struct Backward<'a> {
    lines: &'a Lines<'a>,
    explicit: usize,
    slot: Option<u64>,
    lo_ms: i64,
}

impl Iterator for Backward<'_> {
    type Item = Key;

    fn next(&mut self) -> Option<Key> {
        let e = self
            .explicit
            .checked_sub(1)
            .and_then(|i| self.lines.explicit_key(i))
            .filter(|k| k.ts >= self.lo_ms);
        let s = self
            .slot
            .map(|k| self.lines.slot_key(k))
            .filter(|k| k.ts >= self.lo_ms);
        match (e, s) {
            (Some(e), Some(s)) if e > s => {
                self.explicit -= 1;
                Some(e)
            }
            (_, Some(s)) => {
                self.slot = self.slot.and_then(|k| k.checked_sub(1));
                Some(s)
            }
            (Some(e), None) => {
                self.explicit -= 1;
                Some(e)
            }
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_succ_is_the_next_key() {
        let k = Key {
            ts: 1_700_000_000_123,
            source: 1,
            n: 42,
        };
        assert_eq!(Key::parse(&k.text()), Some(k));
        assert!(k < k.succ());
        assert_eq!(Key::parse("1-2"), None);
        assert_eq!(Key::parse("a-b-c"), None);
    }
}
