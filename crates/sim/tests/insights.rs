//! CloudWatch Logs Insights through the unmodified aws-sdk-cloudwatchlogs client: queries over a
//! demo service's logs answer what FilterLogEvents counts, run Scheduled → Running (partial
//! results) → Complete, stop as Cancelled, refuse malformed text and too many at once; saved
//! queries are listed and paged.

use aws_sdk_cloudwatchlogs::types::QueryStatus;
use aws_sdk_cloudwatchlogs::Client;
use ecsdesk_sim::SimHandle;

mod common;
use common::{code, logs_client, sim, COM_KEY};

const GROUP: &str = "/ecs/api-staging";

const STATUS: &str = "fields @timestamp, @message
| parse @message /(?<method>GET|POST|PUT|DELETE) (?<path>\\S+) (?<status>\\d{3}) /
| filter ispresent(status)
| stats count(*) as requests by status, bin(5m)";

const ERRORS: &str = "fields @timestamp, @message
| filter @message like /ERROR/
| parse @message /ERROR (?<error>.*?)( request_id=|$)/
| stats count(*) as errors by error
| sort errors desc
| limit 20";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn start(c: &Client, query: &str, hours: i64) -> String {
    let end = now();
    c.start_query()
        .log_group_name(GROUP)
        .start_time(end - hours * 3600)
        .end_time(end)
        .query_string(query)
        .send()
        .await
        .expect("start")
        .query_id
        .expect("id")
}

async fn results(
    c: &Client,
    id: &str,
) -> aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput {
    c.get_query_results()
        .query_id(id)
        .send()
        .await
        .expect("results")
}

/// Lines of the group in the last `hours` whose message satisfies `keep` (FilterLogEvents).
async fn count_lines(c: &Client, hours: i64, keep: impl Fn(&str) -> bool) -> usize {
    let end = now();
    let mut token = None;
    let mut n = 0;
    loop {
        let page = c
            .filter_log_events()
            .log_group_name(GROUP)
            .start_time((end - hours * 3600) * 1000)
            .end_time(end * 1000)
            .set_next_token(token)
            .send()
            .await
            .expect("filter");
        n += page
            .events()
            .iter()
            .filter(|e| keep(e.message().unwrap_or_default()))
            .count();
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return n;
        }
    }
}

fn field<'a>(row: &'a [aws_sdk_cloudwatchlogs::types::ResultField], name: &str) -> &'a str {
    row.iter()
        .find(|f| f.field() == Some(name))
        .and_then(|f| f.value())
        .unwrap_or_default()
}

async fn finish(
    h: &SimHandle,
    c: &Client,
    id: &str,
) -> aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput {
    h.control().advance_clock(120.0).await.expect("advance");
    let done = results(c, id).await;
    assert_eq!(done.status(), Some(&QueryStatus::Complete));
    done
}

#[tokio::test]
async fn the_ready_queries_answer_what_filter_log_events_counts() {
    let h = sim("demo").await;
    let c = logs_client(&h, COM_KEY, "us-east-1");
    let id = start(&c, STATUS, 3).await;
    let first = results(&c, &id).await;
    assert!(
        matches!(
            first.status(),
            Some(QueryStatus::Scheduled | QueryStatus::Running)
        ),
        "{:?}",
        first.status()
    );
    let requests = count_lines(&c, 3, |m| {
        ["GET ", "POST "].iter().any(|v| m.contains(v))
            && m.split_whitespace()
                .any(|w| w.len() == 3 && w.parse::<u16>().is_ok())
    })
    .await;
    let done = finish(&h, &c, &id).await;
    let total: usize = done
        .results()
        .iter()
        .map(|r| field(r, "requests").parse::<usize>().unwrap_or(0))
        .sum();
    assert!(total > 0);
    assert_eq!(
        total, requests,
        "requests per status add up to the request lines"
    );
    let row = &done.results()[0];
    let columns: Vec<&str> = row.iter().filter_map(|f| f.field()).collect();
    assert_eq!(columns, ["status", "bin(5m)", "requests"]);
    let stats = done.statistics().expect("statistics");
    assert!(stats.bytes_scanned() > 0.0 && stats.records_scanned() >= stats.records_matched());

    let id = start(&c, ERRORS, 24).await;
    let errors = count_lines(&c, 24, |m| m.contains("ERROR")).await;
    let done = finish(&h, &c, &id).await;
    // Every ERROR line matched; the 20 most frequent messages hold at most that many.
    let matched = done.statistics().map_or(0.0, |s| s.records_matched());
    assert_eq!(matched, errors as f64);
    let counts: Vec<usize> = done
        .results()
        .iter()
        .map(|r| field(r, "errors").parse::<usize>().unwrap_or(0))
        .collect();
    let total: usize = counts.iter().sum();
    assert!(total > 0 && total <= errors, "{total} of {errors}");
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(done
        .results()
        .iter()
        .all(|r| !field(r, "error").contains("request_id")));
    h.shutdown().await;
}

#[tokio::test]
async fn a_running_query_has_partial_results_and_stops_as_cancelled() {
    let h = sim("demo").await;
    let c = logs_client(&h, COM_KEY, "us-east-1");
    let id = start(
        &c,
        "fields @timestamp, @message | sort @timestamp desc",
        24 * 7,
    )
    .await;
    h.control().advance_clock(3.0).await.expect("advance");
    let running = results(&c, &id).await;
    assert_eq!(running.status(), Some(&QueryStatus::Running));
    let partial = running.statistics().map_or(0.0, |s| s.records_scanned());
    assert!(partial > 0.0);
    let stopped = c.stop_query().query_id(&id).send().await.expect("stop");
    assert!(stopped.success());
    let at_stop = results(&c, &id).await;
    assert_eq!(at_stop.status(), Some(&QueryStatus::Cancelled));
    let kept = at_stop.statistics().map_or(0.0, |s| s.records_scanned());
    assert!(
        kept >= partial && !at_stop.results().is_empty(),
        "partial results kept"
    );
    h.control().advance_clock(600.0).await.expect("advance");
    let after = results(&c, &id).await;
    assert_eq!(after.status(), Some(&QueryStatus::Cancelled));
    assert_eq!(
        after.statistics().map_or(0.0, |s| s.records_scanned()),
        kept,
        "no more scanning"
    );
    let again = c
        .stop_query()
        .query_id(&id)
        .send()
        .await
        .expect_err("already over");
    assert_eq!(code(&again), "InvalidParameterException");
    h.shutdown().await;
}

#[tokio::test]
async fn malformed_queries_limits_and_saved_queries() {
    let h = sim("demo").await;
    let c = logs_client(&h, COM_KEY, "us-east-1");
    let err = c
        .start_query()
        .log_group_name(GROUP)
        .start_time(now() - 60)
        .end_time(now())
        .query_string("fields @message | frobnicate everything")
        .send()
        .await
        .expect_err("malformed");
    assert_eq!(code(&err), "MalformedQueryException");
    let missing = c
        .start_query()
        .log_group_name("/ecs/nope")
        .start_time(now() - 60)
        .end_time(now())
        .query_string("fields @message")
        .send()
        .await
        .expect_err("no group");
    assert_eq!(code(&missing), "ResourceNotFoundException");
    for _ in 0..30 {
        start(&c, "fields @message", 1).await;
    }
    let busy = c
        .start_query()
        .log_group_name(GROUP)
        .start_time(now() - 60)
        .end_time(now())
        .query_string("fields @message")
        .send()
        .await
        .expect_err("31st at once");
    assert_eq!(code(&busy), "LimitExceededException");

    let saved = c
        .describe_query_definitions()
        .query_definition_name_prefix("ops/")
        .send()
        .await
        .expect("saved");
    assert_eq!(saved.query_definitions().len(), 3);
    let one = c
        .describe_query_definitions()
        .max_results(1)
        .send()
        .await
        .expect("page");
    assert_eq!(one.query_definitions().len(), 1);
    let next = c
        .describe_query_definitions()
        .max_results(1)
        .next_token(one.next_token().unwrap_or_default())
        .send()
        .await
        .expect("page 2");
    assert_ne!(
        one.query_definitions()[0].name(),
        next.query_definitions()[0].name()
    );
    h.shutdown().await;
}
