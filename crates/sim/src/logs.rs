//! CloudWatch Logs (awsJson1_1): log groups, streams, GetLogEvents and FilterLogEvents.
//!
//! Log lines are not stored. Each stream's lines are generated on demand between the time its
//! container started and the time it stopped (or now): a request line roughly every 15 seconds,
//! with WARN and ERROR lines at rates its behaviour sets, merged with the explicit lines the
//! engine recorded (start-up banners, crash messages). Every line has a key (timestamp, source,
//! number), so reading can start anywhere without building the lines before it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use base64::Engine;

use crate::error::{AwsError, Reply};
use crate::metrics::{hash_str, mix, unit};
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Behaviour, LogGroup, LogStream, World};

/// Seconds between generated request lines (plus up to `JITTER_MS`).
const SLOT_MS: i64 = 15_000;
/// Random delay within a slot.
const JITTER_MS: i64 = 10_000;
/// Delay of the first generated line after the container starts.
const FIRST_LINE_MS: i64 = 2_000;
/// Default and largest `limit` of GetLogEvents and FilterLogEvents.
const MAX_EVENTS: i64 = 10_000;
/// Largest `limit` of DescribeLogGroups / DescribeLogStreams.
const MAX_DESCRIBE: i64 = 50;
/// Events FilterLogEvents examines before answering with what it has and a token (as
/// CloudWatch does for long searches), so that a week-long search pages instead of stalling.
const SCAN_BUDGET: usize = 200_000;

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidParameterException", message)
}

fn no_group() -> AwsError {
    AwsError::client(
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )
}

/// Run one CloudWatch Logs operation.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    match call.operation.as_str() {
        "DescribeLogGroups" => describe_log_groups(world, ctx, call),
        "DescribeLogStreams" => describe_log_streams(world, ctx, call),
        "GetLogEvents" => get_log_events(world, ctx, call),
        "FilterLogEvents" => filter_log_events(world, ctx, call),
        op => Err(AwsError::unknown_operation("logs", op)),
    }
}

/// Position of a line within its stream: explicit lines (source 0) sort before generated ones
/// (source 1) of the same millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    ts: i64,
    source: u8,
    n: u64,
}

impl Key {
    /// The smallest key after every key of this millisecond and before.
    fn after_ms(ts: i64) -> Key {
        Key {
            ts,
            source: u8::MAX,
            n: u64::MAX,
        }
    }

    /// The smallest key of this millisecond.
    fn at_ms(ts: i64) -> Key {
        Key {
            ts,
            source: 0,
            n: 0,
        }
    }

    /// The next possible key: `< succ(k)` means `<= k`.
    fn succ(self) -> Key {
        match self.n.checked_add(1) {
            Some(n) => Key { n, ..self },
            None => Key {
                source: self.source.saturating_add(1),
                n: 0,
                ..self
            },
        }
    }

    fn text(self) -> String {
        format!("{}-{}-{}", self.ts, self.source, self.n)
    }

    fn parse(s: &str) -> Option<Key> {
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
struct Event {
    key: Key,
    message: String,
    ingestion: i64,
}

/// ERROR and WARN probabilities per generated line for a behaviour.
fn rates(b: &Behaviour) -> (f64, f64) {
    match b {
        Behaviour::Healthy | Behaviour::SlowStart { .. } => (1.0 / 250.0, 1.0 / 60.0),
        Behaviour::HighCpu { .. } => (1.0 / 120.0, 1.0 / 8.0),
        Behaviour::FailingHealthCheck => (1.0 / 4.0, 1.0 / 8.0),
        Behaviour::OutOfMemory { .. } => (1.0 / 60.0, 1.0 / 20.0),
        Behaviour::CrashLoop { .. } => (0.0, 0.0),
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
struct Lines<'a> {
    stream: &'a LogStream,
    seed: u64,
    start_ms: i64,
    /// Generated lines stop here (exclusive): the stop time or now.
    end_ms: i64,
    /// Explicit lines after now are not visible yet.
    now_ms: i64,
    generates: bool,
}

fn ms(t: f64) -> i64 {
    (t * 1000.0).floor() as i64
}

impl<'a> Lines<'a> {
    fn new(stream: &'a LogStream, now: f64) -> Lines<'a> {
        let end = stream.stopped_at.map_or(now, |s| s.min(now));
        Lines {
            stream,
            seed: hash_str(&stream.name),
            start_ms: ms(stream.started_at),
            end_ms: ms(end),
            now_ms: ms(now),
            generates: !matches!(stream.behaviour, Behaviour::CrashLoop { .. }),
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
        (ts <= self.now_ms).then_some(Key {
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
    fn forward(&'a self, after: Key, hi_ms: i64) -> Forward<'a> {
        Forward {
            lines: self,
            explicit: self.first_explicit_after(after),
            slot: self.first_slot_after(after),
            hi_ms,
        }
    }

    /// Lines with keys less than `before` and timestamps at or above `lo_ms`, newest first.
    fn backward(&'a self, before: Key, lo_ms: i64) -> Backward<'a> {
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

    fn event(&self, key: Key) -> Event {
        let h = mix(self.seed ^ 0x5eed, key.n ^ (u64::from(key.source) << 63));
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
            ingestion: key.ts + 120 + (h % 900) as i64,
        }
    }

    fn generated_message(&self, key: Key) -> String {
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
    fn first_ts(&self) -> Option<i64> {
        self.forward(Key::after_ms(i64::MIN / 2), i64::MAX)
            .next()
            .map(|k| k.ts)
    }

    /// Timestamp of the last line so far, if any.
    fn last_ts(&self) -> Option<i64> {
        self.backward(Key::after_ms(i64::MAX / 2), i64::MIN)
            .next()
            .map(|k| k.ts)
    }
}

/// Keys of one stream, oldest first.
struct Forward<'a> {
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
struct Backward<'a> {
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

/// A filterPattern for unstructured lines.
#[derive(Debug, Default, PartialEq)]
struct Pattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl Pattern {
    fn parse(text: &str) -> Result<Pattern, AwsError> {
        let text = text.trim();
        if text.starts_with('{') || text.starts_with('[') || text.starts_with('%') {
            return Err(invalid(
                "JSON, space-delimited and regular-expression filter patterns are not supported by the simulator; use terms, ?terms, -terms and \"quoted phrases\".",
            ));
        }
        let mut p = Pattern::default();
        let mut chars = text.chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let Some(&c) = chars.peek() else { break };
            let bucket = match c {
                '?' => {
                    chars.next();
                    1
                }
                '-' => {
                    chars.next();
                    2
                }
                _ => 0,
            };
            let mut term = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                term.push(n);
                            }
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        c => term.push(c),
                    }
                }
                if !closed {
                    return Err(invalid(
                        "Invalid filter pattern: unterminated quoted phrase",
                    ));
                }
            } else {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    term.push(c);
                }
            }
            if term.is_empty() {
                continue;
            }
            match bucket {
                1 => p.any.push(term),
                2 => p.none.push(term),
                _ => p.all.push(term),
            }
        }
        Ok(p)
    }

    /// Case-sensitive, as CloudWatch Logs matches terms.
    fn matches(&self, line: &str) -> bool {
        self.all.iter().all(|t| line.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| line.contains(t.as_str())))
            && !self.none.iter().any(|t| line.contains(t.as_str()))
    }
}

/// The group a call names by `logGroupName` or `logGroupIdentifier` (name or ARN).
fn group_name(call: &Call) -> Result<String, AwsError> {
    if let Some(name) = call.str("logGroupName") {
        return Ok(name.to_string());
    }
    let Some(id) = call.str("logGroupIdentifier") else {
        return Err(invalid("logGroupName or logGroupIdentifier is required"));
    };
    match id.split_once(":log-group:") {
        Some((_, rest)) => Ok(rest.trim_end_matches(":*").to_string()),
        None => Ok(id.to_string()),
    }
}

fn groups<'a>(world: &'a World, ctx: &Ctx) -> &'a [LogGroup] {
    world
        .region(&ctx.principal.account_id, &ctx.region)
        .map_or(&[][..], |r| r.log_groups.as_slice())
}

fn find_group<'a>(world: &'a World, ctx: &Ctx, call: &Call) -> Result<&'a LogGroup, AwsError> {
    let name = group_name(call)?;
    groups(world, ctx)
        .iter()
        .find(|g| g.name == name)
        .ok_or_else(no_group)
}

fn limit(call: &Call, max: i64, default: i64) -> Result<usize, AwsError> {
    match call.int("limit") {
        None => Ok(default as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(n) => Err(invalid(format!(
            "1 validation error detected: Value '{n}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {max}"
        ))),
    }
}

fn offset_token(call: &Call, kind: &str) -> Result<usize, AwsError> {
    let Some(token) = call.str("nextToken") else {
        return Ok(0);
    };
    decode_token(token)
        .and_then(|s| s.strip_prefix(kind).and_then(|n| n.parse().ok()))
        .ok_or_else(|| invalid("The specified nextToken is invalid."))
}

fn encode_token(text: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn decode_token(token: &str) -> Option<String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
}

fn group_arn(ctx: &Ctx, name: &str) -> String {
    format!(
        "arn:{}:logs:{}:{}:log-group:{name}",
        ctx.principal.partition, ctx.region, ctx.principal.account_id
    )
}

fn describe_log_groups(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let limit = limit(call, MAX_DESCRIBE, MAX_DESCRIBE)?;
    let prefix = call.str("logGroupNamePrefix");
    let pattern = call.str("logGroupNamePattern");
    if prefix.is_some() && pattern.is_some() {
        return Err(invalid(
            "logGroupNamePrefix and logGroupNamePattern are mutually exclusive",
        ));
    }
    let mut list: Vec<&LogGroup> = groups(world, ctx)
        .iter()
        .filter(|g| prefix.is_none_or(|p| g.name.starts_with(p)))
        .filter(|g| pattern.is_none_or(|p| g.name.to_lowercase().contains(&p.to_lowercase())))
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    let start = offset_token(call, "lg:")?;
    let end = (start + limit).min(list.len());
    let page = list.get(start..end).unwrap_or_default();
    let items = page
        .iter()
        .map(|g| {
            let arn = group_arn(ctx, &g.name);
            Shape::map([
                ("logGroupName", Shape::from(&g.name)),
                ("creationTime", Shape::Int(ms(g.created_at))),
                ("retentionInDays", Shape::from(g.retention_days)),
                ("metricFilterCount", Shape::Int(0)),
                ("arn", Shape::from(format!("{arn}:*"))),
                ("logGroupArn", Shape::from(arn)),
                ("storedBytes", Shape::Int(0)),
                ("logGroupClass", Shape::from("STANDARD")),
            ])
        })
        .collect();
    Ok(Shape::map([
        ("logGroups", Shape::List(items)),
        (
            "nextToken",
            Shape::from((end < list.len()).then(|| encode_token(&format!("lg:{end}")))),
        ),
    ]))
}

fn describe_log_streams(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let group = find_group(world, ctx, call)?;
    let limit = limit(call, MAX_DESCRIBE, MAX_DESCRIBE)?;
    let by_time = match call.str("orderBy") {
        None | Some("LogStreamName") => false,
        Some("LastEventTime") => true,
        Some(other) => {
            return Err(invalid(format!(
                "1 validation error detected: Value '{other}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]"
            )))
        }
    };
    let prefix = call.str("logStreamNamePrefix");
    if by_time && prefix.is_some() {
        return Err(invalid(
            "Cannot order by LastEventTime with a logStreamNamePrefix.",
        ));
    }
    let descending = call.bool("descending").unwrap_or(false);
    let mut rows: Vec<(&LogStream, Option<i64>, Option<i64>)> = group
        .streams
        .iter()
        .filter(|s| prefix.is_none_or(|p| s.name.starts_with(p)))
        .map(|s| {
            let lines = Lines::new(s, ctx.now);
            (s, lines.first_ts(), lines.last_ts())
        })
        .collect();
    if by_time {
        rows.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.name.cmp(&b.0.name)));
    } else {
        rows.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    }
    if descending {
        rows.reverse();
    }
    let start = offset_token(call, "ls:")?;
    let end = (start + limit).min(rows.len());
    let page = rows.get(start..end).unwrap_or_default();
    let arn = group_arn(ctx, &group.name);
    let items = page
        .iter()
        .map(|(s, first, last)| {
            Shape::map([
                ("logStreamName", Shape::from(&s.name)),
                ("creationTime", Shape::Int(ms(s.created_at))),
                ("firstEventTimestamp", Shape::from(*first)),
                ("lastEventTimestamp", Shape::from(*last)),
                ("lastIngestionTime", Shape::from(last.map(|t| t + 500))),
                ("arn", Shape::from(format!("{arn}:log-stream:{}", s.name))),
                ("storedBytes", Shape::Int(0)),
            ])
        })
        .collect();
    Ok(Shape::map([
        ("logStreams", Shape::List(items)),
        (
            "nextToken",
            Shape::from((end < rows.len()).then(|| encode_token(&format!("ls:{end}")))),
        ),
    ]))
}

fn event_shape(lines: &Lines, key: Key, stream_name: Option<&str>) -> Shape {
    let e = lines.event(key);
    let mut pairs = Vec::with_capacity(5);
    if let Some(name) = stream_name {
        pairs.push(("logStreamName", Shape::from(name)));
    }
    pairs.push(("timestamp", Shape::Int(e.key.ts)));
    pairs.push(("message", Shape::from(e.message)));
    pairs.push(("ingestionTime", Shape::Int(e.ingestion)));
    if stream_name.is_some() {
        let h = mix(lines.seed, e.key.n ^ (u64::from(e.key.source) << 62));
        pairs.push((
            "eventId",
            Shape::from(format!(
                "{:020}{:020}{:016}",
                e.key.ts,
                h,
                e.key.n % 10_000_000_000_000_000
            )),
        ));
    }
    Shape::map(pairs)
}

fn get_log_events(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let group = find_group(world, ctx, call)?;
    let stream_name = call
        .str("logStreamName")
        .ok_or_else(|| invalid("logStreamName is required"))?;
    let stream = group
        .streams
        .iter()
        .find(|s| s.name == stream_name)
        .ok_or_else(|| {
            AwsError::client(
                "ResourceNotFoundException",
                "The specified log stream does not exist.",
            )
        })?;
    let limit = limit(call, MAX_EVENTS, MAX_EVENTS)?;
    let lo = call.int("startTime").unwrap_or(i64::MIN / 2);
    let hi = call.int("endTime").unwrap_or(i64::MAX / 2);
    let lines = Lines::new(stream, ctx.now);
    let token = call.str("nextToken");
    let parsed = match token {
        None => None,
        Some(t) => {
            let (dir, key) = t
                .split_once('/')
                .and_then(|(d, k)| Some((d, Key::parse(k)?)))
                .ok_or_else(|| invalid("The specified nextToken is invalid."))?;
            Some((dir == "f", key))
        }
    };
    let forward = match parsed {
        Some((f, _)) => f,
        None => call.bool("startFromHead").unwrap_or(false),
    };
    let keys: Vec<Key> = match parsed {
        Some((true, key)) => lines.forward(key, hi).take(limit).collect(),
        Some((false, key)) => {
            let mut k: Vec<Key> = lines.backward(key, lo).take(limit).collect();
            k.reverse();
            k
        }
        None if forward => lines
            .forward(Key::after_ms(lo.saturating_sub(1)), hi)
            .take(limit)
            .collect(),
        None => {
            let mut k: Vec<Key> = lines.backward(Key::at_ms(hi), lo).take(limit).collect();
            k.reverse();
            k
        }
    };
    // At either end CloudWatch hands back the token it was given, which is how clients know
    // they have reached the end.
    let (next_forward, next_backward) = match (keys.first(), keys.last()) {
        (Some(first), Some(last)) => (format!("f/{}", last.text()), format!("b/{}", first.text())),
        _ => {
            let here = match parsed {
                Some((_, key)) => key,
                None if forward => Key::after_ms(lo.saturating_sub(1)),
                None => Key::at_ms(hi),
            };
            let same = token.map(str::to_string);
            (
                same.clone()
                    .filter(|t| t.starts_with("f/"))
                    .unwrap_or_else(|| format!("f/{}", here.text())),
                same.filter(|t| t.starts_with("b/"))
                    .unwrap_or_else(|| format!("b/{}", here.succ().text())),
            )
        }
    };
    let events = keys.iter().map(|k| event_shape(&lines, *k, None)).collect();
    Ok(Shape::map([
        ("events", Shape::List(events)),
        ("nextForwardToken", Shape::from(next_forward)),
        ("nextBackwardToken", Shape::from(next_backward)),
    ]))
}

/// Where a FilterLogEvents search resumes: after this key of this stream.
fn parse_filter_token(token: &str) -> Option<(Key, String)> {
    let text = decode_token(token)?;
    let rest = text.strip_prefix("fl1/")?;
    let (key, name) = rest.split_once('/')?;
    Some((Key::parse(key)?, name.to_string()))
}

fn filter_log_events(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let group = find_group(world, ctx, call)?;
    let names = call.strings("logStreamNames");
    let prefix = call.str("logStreamNamePrefix");
    if !names.is_empty() && prefix.is_some() {
        return Err(invalid(
            "logStreamNames and logStreamNamePrefix are mutually exclusive",
        ));
    }
    if names.len() > 100 {
        return Err(invalid(
            "1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100",
        ));
    }
    let limit = limit(call, MAX_EVENTS, MAX_EVENTS)?;
    let pattern = Pattern::parse(call.str("filterPattern").unwrap_or(""))?;
    let lo = call.int("startTime").unwrap_or(i64::MIN / 2);
    let hi = call
        .int("endTime")
        .map_or(i64::MAX / 2, |t| t.saturating_add(1));
    if lo >= hi {
        return Err(invalid("startTime must be less than or equal to endTime"));
    }
    let resume = match call.str("nextToken") {
        None => None,
        Some(t) => Some(
            parse_filter_token(t).ok_or_else(|| invalid("The specified nextToken is invalid."))?,
        ),
    };
    let mut streams: Vec<&LogStream> = group
        .streams
        .iter()
        .filter(|s| names.is_empty() || names.contains(&s.name))
        .filter(|s| prefix.is_none_or(|p| s.name.starts_with(p)))
        .collect();
    streams.sort_by(|a, b| a.name.cmp(&b.name));
    let lines: Vec<Lines> = streams.iter().map(|s| Lines::new(s, ctx.now)).collect();
    // Streams whose lifetime misses the window are not read at all.
    let active: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let l = &lines[i];
            let first = l
                .stream
                .events
                .first()
                .map_or(l.start_ms, |(t, _)| ms(*t).min(l.start_ms));
            let last = l
                .stream
                .events
                .last()
                .map_or(l.end_ms, |(t, _)| ms(*t).max(l.end_ms));
            first < hi && last >= lo
        })
        .collect();
    let mut iters: Vec<Forward> = active
        .iter()
        .map(|&i| {
            let l = &lines[i];
            let start = match &resume {
                None => Key::after_ms(lo.saturating_sub(1)),
                Some((key, name)) => match l.stream.name.as_str().cmp(name.as_str()) {
                    std::cmp::Ordering::Less => Key::after_ms(key.ts),
                    std::cmp::Ordering::Equal => *key,
                    std::cmp::Ordering::Greater => Key::after_ms(key.ts - 1),
                },
            };
            let start = start.max(Key::after_ms(lo.saturating_sub(1)));
            l.forward(start, hi)
        })
        .collect();
    let mut heap = BinaryHeap::new();
    for (slot, it) in iters.iter_mut().enumerate() {
        if let Some(k) = it.next() {
            heap.push(Reverse((k.ts, slot, k)));
        }
    }
    let mut events = Vec::new();
    let mut scanned = 0usize;
    let mut last: Option<(Key, usize)> = None;
    while let Some(Reverse((_, slot, key))) = heap.pop() {
        let l = &lines[active[slot]];
        scanned += 1;
        let shown = if key.source == 0 {
            l.stream
                .events
                .get(key.n as usize)
                .is_some_and(|(_, m)| pattern.matches(m))
        } else {
            pattern.matches(&l.generated_message(key))
        };
        if shown {
            events.push(event_shape(l, key, Some(&l.stream.name)));
        }
        last = Some((key, slot));
        if let Some(k) = iters[slot].next() {
            heap.push(Reverse((k.ts, slot, k)));
        }
        if events.len() >= limit || scanned >= SCAN_BUDGET {
            break;
        }
    }
    let more = !heap.is_empty();
    let next = match (more, last) {
        (true, Some((key, slot))) => Some(encode_token(&format!(
            "fl1/{}/{}",
            key.text(),
            lines[active[slot]].stream.name
        ))),
        _ => None,
    };
    let pending: std::collections::HashSet<usize> =
        heap.iter().map(|Reverse((_, slot, _))| *slot).collect();
    let searched = active
        .iter()
        .enumerate()
        .map(|(slot, &i)| {
            Shape::map([
                ("logStreamName", Shape::from(&lines[i].stream.name)),
                ("searchedCompletely", Shape::Bool(!pending.contains(&slot))),
            ])
        })
        .collect();
    Ok(Shape::map([
        ("events", Shape::List(events)),
        ("searchedLogStreams", Shape::List(searched)),
        ("nextToken", Shape::from(next)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_terms_options_exclusions_and_phrases() {
        let p = Pattern::parse(r#"ERROR ?timeout ?refused -health "exec format error""#)
            .expect("parses");
        assert_eq!(p.all, vec!["ERROR", "exec format error"]);
        assert_eq!(p.any, vec!["timeout", "refused"]);
        assert_eq!(p.none, vec!["health"]);
        assert!(Pattern::parse("{ $.level = \"error\" }").is_err());
        assert!(Pattern::parse("\"open").is_err());
        assert_eq!(Pattern::parse("  ").expect("empty"), Pattern::default());
    }

    #[test]
    fn matching_is_case_sensitive_and_honours_all_three_kinds() {
        let p = Pattern::parse("ERROR ?timeout ?refused -health").expect("parses");
        assert!(p.matches("ERROR upstream timeout"));
        assert!(p.matches("ERROR connect ECONNREFUSED refused"));
        assert!(!p.matches("error upstream timeout"));
        assert!(!p.matches("ERROR disk full"));
        assert!(!p.matches("ERROR health timeout"));
        assert!(Pattern::default().matches("anything"));
    }

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

#[cfg(test)]
mod demo_tests {
    use super::*;
    use crate::protocol::{Protocol, Service};
    use serde_json::{json, Value};

    fn demo() -> World {
        let scenario = crate::scenario::Scenario::load("demo").expect("demo scenario");
        World::from_scenario(scenario, crate::clock::Clock::new(1.0)).expect("demo world")
    }

    fn ctx(world: &World) -> Ctx {
        let principal = world
            .credentials
            .get("AKIASIMCOMSTAGE00001")
            .expect("demo key")
            .principal
            .clone();
        Ctx {
            principal,
            region: "us-east-1".into(),
            now: world.clock.now(),
        }
    }

    fn call(op: &str, input: Value) -> Call {
        Call {
            service: Service::Logs,
            protocol: Protocol::AwsJson11,
            operation: op.into(),
            input,
            scope: None,
            session_token: None,
            bearer: None,
            string_to_sign: None,
        }
    }

    fn run(w: &mut World, op: &str, input: Value) -> Result<Value, AwsError> {
        let c = ctx(w);
        handle(w, &c, &call(op, input)).map(|s| s.to_json())
    }

    fn messages(v: &Value) -> Vec<String> {
        v["events"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["message"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn crash_loop_group_has_the_exec_format_error() {
        let mut w = demo();
        let v = run(
            &mut w,
            "FilterLogEvents",
            json!({"logGroupName": "/ecs/worker-staging", "filterPattern": "\"exec format error\""}),
        )
        .expect("filter");
        let m = messages(&v);
        assert!(!m.is_empty());
        assert!(m.iter().all(|l| l.contains("exec format error")), "{m:?}");
    }

    #[test]
    fn filter_pages_give_the_same_events_as_one_call() {
        let mut w = demo();
        let now = (w.clock.now() * 1000.0) as i64;
        let base = json!({"logGroupName": "/ecs/reports-staging", "filterPattern": "?ERROR ?WARN",
                          "startTime": now - 86_400_000, "endTime": now});
        let whole = run(&mut w, "FilterLogEvents", base.clone()).expect("one call");
        let all = messages(&whole);
        assert!(all.len() > 20, "{}", all.len());
        assert!(whole.get("nextToken").is_none());
        let stamps: Vec<i64> = whole["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["timestamp"].as_i64())
            .collect();
        assert!(
            stamps.windows(2).all(|p| p[0] <= p[1]),
            "interleaved by time"
        );
        assert!(stamps.iter().all(|t| *t >= now - 86_400_000 && *t <= now));
        let mut paged = Vec::new();
        let mut input = base;
        input["limit"] = json!(7);
        let mut pages = 0;
        loop {
            let v = run(&mut w, "FilterLogEvents", input.clone()).expect("page");
            paged.extend(messages(&v));
            pages += 1;
            match v.get("nextToken").and_then(Value::as_str) {
                Some(t) => input["nextToken"] = json!(t),
                None => break,
            }
        }
        assert_eq!(paged, all);
        assert!(pages > 3);
    }

    #[test]
    fn stream_lines_read_the_same_forwards_and_backwards() {
        let w = demo();
        let now = w.clock.now();
        let region = w.region("123456789012", "us-east-1").expect("region");
        for g in &region.log_groups {
            for s in g.streams.iter().take(3) {
                let l = Lines::new(s, now);
                let lo = ms(now - 6.0 * 3600.0);
                let fwd: Vec<Key> = l.forward(Key::after_ms(lo - 1), i64::MAX).collect();
                let mut back: Vec<Key> = l.backward(Key::after_ms(i64::MAX / 2), lo).collect();
                back.reverse();
                assert_eq!(fwd, back, "{}", s.name);
                assert!(fwd.windows(2).all(|p| p[0] < p[1]));
                assert!(fwd.iter().all(|k| k.ts <= ms(now)));
            }
        }
    }

    #[test]
    fn get_log_events_tokens_walk_the_stream_and_stop_with_the_same_token() {
        let mut w = demo();
        let now = (w.clock.now() * 1000.0) as i64;
        let stream = w
            .region("123456789012", "us-east-1")
            .and_then(|r| r.log_groups.iter().find(|g| g.name == "/ecs/api-staging"))
            .and_then(|g| g.streams.iter().find(|s| s.stopped_at.is_none()))
            .map(|s| s.name.clone())
            .expect("running api stream");
        let base = json!({"logGroupName": "/ecs/api-staging", "logStreamName": stream,
                          "startTime": now - 3_600_000, "endTime": now + 1});
        let tail = run(&mut w, "GetLogEvents", base.clone()).expect("tail");
        let tail_msgs = messages(&tail);
        assert!(tail_msgs.len() > 200, "{}", tail_msgs.len());
        let mut input = base.clone();
        input["startFromHead"] = json!(true);
        input["limit"] = json!(50);
        let mut head = Vec::new();
        let mut last_token = String::new();
        for _ in 0..100 {
            let v = run(&mut w, "GetLogEvents", input.clone()).expect("page");
            head.extend(messages(&v));
            let t = v["nextForwardToken"].as_str().expect("token").to_string();
            if t == last_token {
                assert!(messages(&v).is_empty());
                break;
            }
            last_token = t.clone();
            input["nextToken"] = json!(t);
        }
        assert_eq!(head, tail_msgs);
        // Backwards from the end of the tail gives the lines just before it.
        let mut back = base;
        back["limit"] = json!(10);
        let last10 = run(&mut w, "GetLogEvents", back.clone()).expect("last 10");
        back["nextToken"] = last10["nextBackwardToken"].clone();
        let prev = run(&mut w, "GetLogEvents", back).expect("previous 10");
        let n = tail_msgs.len();
        assert_eq!(messages(&prev), tail_msgs[n - 20..n - 10].to_vec());
    }

    #[test]
    fn describe_streams_orders_filters_and_pages() {
        let mut w = demo();
        let v = run(
            &mut w,
            "DescribeLogStreams",
            json!({"logGroupName": "/ecs/reports-staging", "orderBy": "LastEventTime", "descending": true, "limit": 5}),
        )
        .expect("streams");
        let rows = v["logStreams"].as_array().expect("rows");
        assert_eq!(rows.len(), 5);
        let last: Vec<i64> = rows
            .iter()
            .filter_map(|r| r["lastEventTimestamp"].as_i64())
            .collect();
        assert!(last.windows(2).all(|p| p[0] >= p[1]), "{last:?}");
        assert!(v["nextToken"].is_string());
        let err = run(
            &mut w,
            "DescribeLogStreams",
            json!({"logGroupName": "/ecs/reports-staging", "orderBy": "LastEventTime", "logStreamNamePrefix": "ecs/"}),
        )
        .expect_err("prefix with LastEventTime");
        assert_eq!(err.code, "InvalidParameterException");
        let err = run(
            &mut w,
            "DescribeLogStreams",
            json!({"logGroupName": "/nope"}),
        )
        .expect_err("unknown group");
        assert_eq!(err.code, "ResourceNotFoundException");
        assert_eq!(err.message, "The specified log group does not exist.");
        let groups = run(
            &mut w,
            "DescribeLogGroups",
            json!({"logGroupNamePrefix": "/ecs/re", "limit": 50}),
        )
        .expect("groups");
        let names: Vec<&str> = groups["logGroups"]
            .as_array()
            .expect("groups")
            .iter()
            .filter_map(|g| g["logGroupName"].as_str())
            .collect();
        assert_eq!(names, vec!["/ecs/reports-staging"]);
    }

    #[test]
    fn healthy_services_have_some_errors_in_a_day_but_few() {
        let mut w = demo();
        let now = (w.clock.now() * 1000.0) as i64;
        let input = json!({"logGroupName": "/ecs/api-staging", "filterPattern": "ERROR",
                           "startTime": now - 86_400_000, "endTime": now});
        let errors = messages(&run(&mut w, "FilterLogEvents", input).expect("errors"));
        let all = json!({"logGroupName": "/ecs/api-staging",
                         "startTime": now - 86_400_000, "endTime": now});
        let total = messages(&run(&mut w, "FilterLogEvents", all).expect("all")).len();
        assert!(!errors.is_empty());
        assert!(errors.len() * 50 < total, "{} of {total}", errors.len());
    }

    #[test]
    fn an_hour_of_twenty_streams_is_searched_in_one_page() {
        let mut w = demo();
        let group = w
            .accounts
            .iter_mut()
            .flat_map(|a| a.regions.iter_mut())
            .flat_map(|r| r.log_groups.iter_mut())
            .find(|g| g.name == "/ecs/api-staging")
            .expect("group");
        let base = group
            .streams
            .iter()
            .find(|s| s.stopped_at.is_none())
            .cloned()
            .expect("running stream");
        group.streams.clear();
        for i in 0..20 {
            let mut s = base.clone();
            s.name = format!("ecs/api/{i:032x}");
            group.streams.push(s);
        }
        let now = (w.clock.now() * 1000.0) as i64;
        let input = json!({"logGroupName": "/ecs/api-staging", "filterPattern": "ERROR",
                           "startTime": now - 3_600_000, "endTime": now});
        let started = std::time::Instant::now();
        let v = run(&mut w, "FilterLogEvents", input).expect("search");
        eprintln!(
            "FilterLogEvents ERROR over 1 hour x 20 streams: {:?} ({} matches)",
            started.elapsed(),
            messages(&v).len()
        );
        assert!(v.get("nextToken").is_none());
        assert_eq!(v["searchedLogStreams"].as_array().map(Vec::len), Some(20));
        assert!(v["searchedLogStreams"]
            .as_array()
            .expect("streams")
            .iter()
            .all(|s| s["searchedCompletely"] == json!(true)));
    }
}
