//! CloudWatch Logs through the unmodified aws-sdk-cloudwatchlogs client against the demo
//! scenario: groups, streams, GetLogEvents tokens, FilterLogEvents patterns and pagination.

use std::time::Instant;

use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::types::OrderBy;
use aws_sdk_cloudwatchlogs::Client;
use ecsdesk_sim::SimHandle;

mod common;
use common::{code, sim, COM_KEY};

fn client(h: &SimHandle, key: (&str, &str), region: &str) -> Client {
    common::logs_client(h, key, region)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[tokio::test]
async fn crash_loop_group_shows_the_exec_format_error() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let out = c
        .filter_log_events()
        .log_group_name("/ecs/worker-staging")
        .filter_pattern("\"exec format error\"")
        .send()
        .await
        .expect("filter");
    let events = out.events();
    assert!(!events.is_empty());
    for e in events {
        assert_eq!(
            e.message(),
            Some("exec /sbin/api-server: exec format error")
        );
        assert!(e
            .log_stream_name()
            .unwrap_or_default()
            .starts_with("ecs/worker/"));
        assert!(e.ingestion_time() >= e.timestamp());
        assert_eq!(e.event_id().unwrap_or_default().len(), 56);
    }
    assert!(!out.searched_log_streams().is_empty());
    let oom = c
        .filter_log_events()
        .log_group_name("/ecs/reports-staging")
        .filter_pattern("?OutOfMemory ?heap")
        .send()
        .await
        .expect("oom filter");
    assert!(!oom.events().is_empty());
    h.shutdown().await;
}

#[tokio::test]
async fn filter_patterns_select_and_exclude_and_pages_are_complete() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let end = now_ms();
    let start = end - 6 * 3_600_000;
    let all_errors: Vec<String> = c
        .filter_log_events()
        .log_group_name("/ecs/reports-staging")
        .start_time(start)
        .end_time(end)
        .filter_pattern("ERROR")
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flat_map(|p| {
            p.expect("page")
                .events()
                .iter()
                .map(|e| e.message().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(all_errors.len() > 3, "{}", all_errors.len());
    assert!(all_errors.iter().all(|m| m.contains("ERROR")));

    let mut paged = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let out = c
            .filter_log_events()
            .log_group_name("/ecs/reports-staging")
            .start_time(start)
            .end_time(end)
            .filter_pattern("ERROR")
            .limit(2)
            .set_next_token(token)
            .send()
            .await
            .expect("page");
        pages += 1;
        assert!(out.events().len() <= 2);
        paged.extend(
            out.events()
                .iter()
                .map(|e| e.message().unwrap_or_default().to_string()),
        );
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(paged, all_errors);
    assert!(pages >= all_errors.len() / 2);

    let without = c
        .filter_log_events()
        .log_group_name("/ecs/api-staging")
        .start_time(end - 3_600_000)
        .end_time(end)
        .filter_pattern("INFO -health")
        .send()
        .await
        .expect("exclusion");
    assert!(!without.events().is_empty());
    for e in without.events() {
        let m = e.message().unwrap_or_default();
        assert!(m.contains("INFO") && !m.contains("health"), "{m}");
        assert!(e.timestamp().unwrap_or(0) >= end - 3_600_000);
    }
    let lower = c
        .filter_log_events()
        .log_group_name("/ecs/api-staging")
        .start_time(end - 3_600_000)
        .end_time(end)
        .filter_pattern("info")
        .send()
        .await
        .expect("case-sensitive");
    assert!(lower.events().is_empty());

    // One stream only, by name.
    let stream = without.events()[0]
        .log_stream_name()
        .unwrap_or_default()
        .to_string();
    let one = c
        .filter_log_events()
        .log_group_name("/ecs/api-staging")
        .log_stream_names(&stream)
        .start_time(end - 3_600_000)
        .send()
        .await
        .expect("one stream");
    assert!(one
        .events()
        .iter()
        .all(|e| e.log_stream_name() == Some(stream.as_str())));
    let err = c
        .filter_log_events()
        .log_group_name("/ecs/api-staging")
        .log_stream_names(&stream)
        .log_stream_name_prefix("ecs/")
        .send()
        .await
        .expect_err("names and prefix");
    assert_eq!(code(&err), "InvalidParameterException");
    let err = c
        .filter_log_events()
        .log_group_name("/ecs/nope")
        .send()
        .await
        .expect_err("unknown group");
    assert_eq!(code(&err), "ResourceNotFoundException");
    assert_eq!(
        err.message(),
        Some("The specified log group does not exist.")
    );
    h.shutdown().await;
}

#[tokio::test]
async fn groups_and_streams_describe_with_order_and_pagination() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let groups: Vec<String> = c
        .describe_log_groups()
        .limit(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .map(|g| {
            g.expect("group")
                .log_group_name()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        groups.contains(&"/ecs/worker-staging".to_string()),
        "{groups:?}"
    );
    let mut sorted = groups.clone();
    sorted.sort();
    assert_eq!(groups, sorted);
    let prefixed = c
        .describe_log_groups()
        .log_group_name_prefix("/ecs/api")
        .send()
        .await
        .expect("prefix");
    assert_eq!(prefixed.log_groups().len(), 1);
    assert!(prefixed.log_groups()[0]
        .arn()
        .unwrap_or_default()
        .starts_with("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api-staging"));

    let latest = c
        .describe_log_streams()
        .log_group_name("/ecs/reports-staging")
        .order_by(OrderBy::LastEventTime)
        .descending(true)
        .limit(3)
        .send()
        .await
        .expect("streams");
    let last: Vec<i64> = latest
        .log_streams()
        .iter()
        .filter_map(|s| s.last_event_timestamp())
        .collect();
    assert_eq!(last.len(), 3);
    assert!(last.windows(2).all(|w| w[0] >= w[1]));
    assert!(latest.next_token().is_some());
    let all: Vec<String> = c
        .describe_log_streams()
        .log_group_name("/ecs/reports-staging")
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .map(|s| {
            s.expect("stream")
                .log_stream_name()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(all.len() > 50, "{}", all.len());
    assert!(all.windows(2).all(|w| w[0] < w[1]));
    let err = c
        .describe_log_streams()
        .log_group_name("/ecs/reports-staging")
        .limit(51)
        .send()
        .await
        .expect_err("limit 51");
    assert_eq!(code(&err), "InvalidParameterException");
    h.shutdown().await;
}

#[tokio::test]
async fn get_log_events_reads_both_ways_and_ends_with_the_same_token() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let newest = c
        .describe_log_streams()
        .log_group_name("/ecs/api-staging")
        .order_by(OrderBy::LastEventTime)
        .descending(true)
        .limit(1)
        .send()
        .await
        .expect("streams");
    let stream = newest.log_streams()[0]
        .log_stream_name()
        .unwrap_or_default()
        .to_string();
    let end = now_ms();
    let tail = c
        .get_log_events()
        .log_group_name("/ecs/api-staging")
        .log_stream_name(&stream)
        .start_time(end - 3_600_000)
        .limit(100)
        .send()
        .await
        .expect("tail");
    assert_eq!(tail.events().len(), 100);
    let ts: Vec<i64> = tail.events().iter().filter_map(|e| e.timestamp()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert!(*ts.last().unwrap_or(&0) > end - 60_000, "tail is recent");

    // Forward from the tail's token: nothing new yet, and the same token comes back.
    let token = tail.next_forward_token().expect("forward").to_string();
    let again = c
        .get_log_events()
        .log_group_name("/ecs/api-staging")
        .log_stream_name(&stream)
        .next_token(&token)
        .send()
        .await
        .expect("forward at end");
    assert!(again.events().len() <= 1);
    if again.events().is_empty() {
        assert_eq!(again.next_forward_token(), Some(token.as_str()));
    }
    // Backward from the tail's first line gives the lines just before it.
    let before = c
        .get_log_events()
        .log_group_name("/ecs/api-staging")
        .log_stream_name(&stream)
        .next_token(tail.next_backward_token().expect("backward"))
        .limit(10)
        .send()
        .await
        .expect("backward");
    assert_eq!(before.events().len(), 10);
    assert!(before.events().last().and_then(|e| e.timestamp()) <= ts.first().copied());

    // From the head of a stopped stream, the SDK paginator ends on the repeated token.
    let stopped = c
        .describe_log_streams()
        .log_group_name("/ecs/worker-staging")
        .send()
        .await
        .expect("worker streams");
    let first = stopped.log_streams()[0]
        .log_stream_name()
        .unwrap_or_default()
        .to_string();
    let lines: Vec<String> = c
        .get_log_events()
        .log_group_name("/ecs/worker-staging")
        .log_stream_name(&first)
        .start_from_head(true)
        .limit(1)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flat_map(|p| {
            p.expect("page")
                .events()
                .iter()
                .map(|e| e.message().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");
    assert!(lines[0].starts_with("Starting worker"), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("exec format error")));

    let err = c
        .get_log_events()
        .log_group_name("/ecs/api-staging")
        .log_stream_name("ecs/api/nope")
        .send()
        .await
        .expect_err("unknown stream");
    assert_eq!(code(&err), "ResourceNotFoundException");
    h.shutdown().await;
}

#[tokio::test]
async fn week_long_searches_page_instead_of_stalling() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let end = now_ms();
    let started = Instant::now();
    let first = c
        .filter_log_events()
        .log_group_name("/ecs/api-staging")
        .start_time(end - 7 * 86_400_000)
        .end_time(end)
        .send()
        .await
        .expect("week");
    eprintln!(
        "FilterLogEvents, 7 days, first page: {} events in {:?}",
        first.events().len(),
        started.elapsed()
    );
    assert_eq!(first.events().len(), 10_000);
    assert!(first.next_token().is_some());
    let started = Instant::now();
    let hour = c
        .filter_log_events()
        .log_group_name("/ecs/reports-staging")
        .start_time(end - 3_600_000)
        .end_time(end)
        .filter_pattern("ERROR")
        .send()
        .await
        .expect("hour");
    eprintln!(
        "FilterLogEvents, 1 hour of /ecs/reports-staging for ERROR: {} events, {} streams, {:?}",
        hour.events().len(),
        hour.searched_log_streams().len(),
        started.elapsed()
    );
    h.shutdown().await;
}

/// A task definition may send its logs to another region (`awslogs-region`): CloudWatch Logs
/// serves the group there, not in the region the tasks run in.
#[tokio::test]
async fn logs_sent_to_another_region_are_found_there_only() {
    let h = sim("demo").await;
    let east = client(&h, COM_KEY, "us-east-1");
    let west = client(&h, COM_KEY, "us-west-2");
    let listed =
        |out: aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput| {
            out.log_groups()
                .iter()
                .any(|g| g.log_group_name() == Some("/ecs/west-logs"))
        };
    let here = east
        .describe_log_groups()
        .log_group_name_prefix("/ecs/west")
        .send()
        .await
        .expect("east groups");
    assert!(!listed(here), "not in the tasks' region");
    let missing = east
        .filter_log_events()
        .log_group_name("/ecs/west-logs")
        .send()
        .await
        .expect_err("no such group in us-east-1");
    assert_eq!(code(&missing), "ResourceNotFoundException");
    let there = west
        .describe_log_groups()
        .log_group_name_prefix("/ecs/west")
        .send()
        .await
        .expect("west groups");
    assert!(listed(there));
    let lines = west
        .filter_log_events()
        .log_group_name("/ecs/west-logs")
        .start_time(now_ms() - 3_600_000)
        .send()
        .await
        .expect("west lines");
    assert!(!lines.events().is_empty());
    h.shutdown().await;
}

/// GetLogEvents answers with part of a page while more is there (a page here holds at most 100
/// events), and a stream's lastEventTimestamp lags its newest line by minutes.
#[tokio::test]
async fn get_log_events_pages_are_partial_and_last_event_times_lag() {
    let h = sim("demo").await;
    let logs = client(&h, COM_KEY, "us-east-1");
    let group = "/ecs/search-staging";
    let streams = logs
        .describe_log_streams()
        .log_group_name(group)
        .send()
        .await
        .expect("streams");
    let now = now_ms();
    for s in streams.log_streams() {
        if let (Some(reported), Some(ingested)) =
            (s.last_event_timestamp(), s.last_ingestion_time())
        {
            assert!(reported <= ingested, "{s:?}");
            assert!(
                reported <= now - 300_000,
                "reported 5 minutes late at least: {s:?}"
            );
        }
    }
    let running = streams
        .log_streams()
        .iter()
        .filter_map(|s| Some((s.log_stream_name()?, s.last_ingestion_time()?)))
        .max_by_key(|(_, t)| *t)
        .map(|(name, _)| name.to_string())
        .expect("a stream");
    let first = logs
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(&running)
        .start_from_head(false)
        .limit(500)
        .send()
        .await
        .expect("page");
    assert_eq!(first.events().len(), 100, "a partial page");
    let token = first.next_backward_token().expect("token").to_string();
    let second = logs
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(&running)
        .next_token(&token)
        .limit(500)
        .send()
        .await
        .expect("next page");
    assert!(!second.events().is_empty());
    assert!(second.events().last().and_then(|e| e.timestamp()) <= first.events()[0].timestamp());
    h.shutdown().await;
}
