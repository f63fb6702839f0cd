//! GetLogEvents (one stream, forwards or backwards from a token) and FilterLogEvents (every
//! stream of a group merged by time, with a scan budget per call).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::lines::{ms, Forward, Key, Lines};
use super::pattern::Pattern;
use super::{find_group, invalid, limit, MAX_EVENTS};
use crate::error::{AwsError, Reply};
use crate::metrics::mix;
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{LogStream, World};

/// Events FilterLogEvents examines before answering with what it has and a token (as
/// CloudWatch does for long searches), so that a week-long search pages instead of stalling.
const SCAN_BUDGET: usize = 200_000;
/// Most events one GetLogEvents page holds, whatever the limit asked.
const PARTIAL_PAGE: usize = 100;

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

pub(super) fn get_log_events(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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
    // AWS documents that GetLogEvents may answer with part of a page, or none, while more
    // events are there through the token: a page here holds at most PARTIAL_PAGE events.
    let limit = limit(call, MAX_EVENTS, MAX_EVENTS)?.min(PARTIAL_PAGE);
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
    let text = page_token::decode(token)?;
    let rest = text.strip_prefix("fl1/")?;
    let (key, name) = rest.split_once('/')?;
    Some((Key::parse(key)?, name.to_string()))
}

pub(super) fn filter_log_events(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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
        (true, Some((key, slot))) => Some(page_token::encode(&format!(
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
