//! End-to-end checks of the Logs operations on the demo world.

use super::lines::{ms, Key, Lines};
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
        user_agent: None,
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
    // Backwards from the end, a page holds at most 100 events: the hour comes in several pages,
    // until the backward token comes back unchanged.
    let mut tail_msgs = Vec::new();
    let mut input = base.clone();
    let mut last_token = String::new();
    for _ in 0..100 {
        let v = run(&mut w, "GetLogEvents", input.clone()).expect("tail page");
        let page = messages(&v);
        assert!(page.len() <= 100, "{}", page.len());
        tail_msgs.splice(0..0, page);
        let t = v["nextBackwardToken"].as_str().expect("token").to_string();
        if t == last_token {
            break;
        }
        last_token = t.clone();
        input["nextToken"] = json!(t);
    }
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
