//! Logs Insights against the simulator: the ready and saved queries, the three ready queries
//! over a service's log group (table, chart over time, bytes scanned), a query stopped while it
//! runs, and a service whose logs live in another region queried there.

use crate::action_rig::rig;
use crate::sso_support::control;
use ecsdesk_core::model::insights::{ready_queries, READY_ERRORS, READY_SLOWEST, READY_STATUS};
use ecsdesk_core::read::insights::{named_queries, results, start, stop};
use ecsdesk_core::render::charts::{ChartOptions, Theme};

const OPTIONS: ChartOptions = ChartOptions {
    width: 800,
    height: 240,
    theme: Theme::Light,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ready_queries_answer_as_table_and_chart_and_a_query_stops() {
    let r = rig().await;
    let endpoint = r.sim.endpoint();
    let session = r.registry.get(&r.com.id).await.expect("session");
    let (cluster, service) = ("coe-ecs-staging", "api-staging-Service");
    let named = named_queries(&session).await.expect("queries");
    assert_eq!(named.len(), ready_queries().len() + 3, "{named:?}");
    assert!(named
        .iter()
        .any(|q| q.origin == "saved" && q.name == "ops/5xx by path"));

    let end = chrono::Utc::now().timestamp();
    let begin = end - 3 * 3600;
    let run = start(&session, cluster, service, READY_STATUS, begin, end)
        .await
        .expect("start");
    assert_eq!(run.log_groups, ["/ecs/api-staging"]);
    assert_eq!(run.region, "us-east-1");
    let early = results(&session, &run.query_id, (begin, end), &OPTIONS)
        .await
        .expect("results");
    assert!(!early.done, "{}", early.status);
    control(&endpoint, "POST", "clock/advance", r#"{"seconds": 120}"#).await;
    let done = results(&session, &run.query_id, (begin, end), &OPTIONS)
        .await
        .expect("results");
    assert_eq!(done.status, "Complete");
    assert_eq!(done.columns, ["status", "bin(5m)", "requests"]);
    let chart = done.chart.expect("requests per status over time");
    assert!(chart.svg.starts_with("<svg"), "{}", &chart.svg[..40]);
    assert!(
        chart.series.iter().any(|s| s.name == "200"),
        "{:?}",
        chart.series.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    assert!(done.scanned_bytes > 0.0);
    assert!(
        done.scanned_words.ends_with("scanned"),
        "{}",
        done.scanned_words
    );

    // A ready query over the last day, run to its end.
    let day = |query: &'static str| {
        let session = session.clone();
        let endpoint = endpoint.clone();
        async move {
            let run = start(&session, cluster, service, query, end - 86_400, end)
                .await
                .expect("start");
            control(&endpoint, "POST", "clock/advance", r#"{"seconds": 120}"#).await;
            results(&session, &run.query_id, (end - 86_400, end), &OPTIONS)
                .await
                .expect("results")
        }
    };
    for (query, first_column) in [(READY_SLOWEST, "@timestamp"), (READY_ERRORS, "error")] {
        let done = day(query).await;
        assert_eq!(done.status, "Complete");
        assert_eq!(
            done.columns.first().map(String::as_str),
            Some(first_column),
            "{:?}",
            done.columns
        );
        assert!(!done.rows.is_empty(), "{query}");
        assert!(!done.columns.iter().any(|c| c == "@ptr"));
        if query == READY_SLOWEST {
            // The slowest requests come slowest first.
            let at = done
                .columns
                .iter()
                .position(|c| c == "latency")
                .expect("latency column");
            let latencies: Vec<u64> = done
                .rows
                .iter()
                .filter_map(|r| r[at].parse().ok())
                .collect();
            assert!(latencies.windows(2).all(|w| w[0] >= w[1]), "{latencies:?}");
        }
    }

    // A week of logs takes a while to scan: stopped, it stays Cancelled.
    let long = start(
        &session,
        cluster,
        service,
        "fields @timestamp, @message",
        end - 7 * 86_400,
        end,
    )
    .await
    .expect("start");
    stop(&session, &long.query_id).await.expect("stop");
    let cancelled = results(&session, &long.query_id, (end - 7 * 86_400, end), &OPTIONS)
        .await
        .expect("results");
    assert_eq!(cancelled.status, "Cancelled");
    assert!(cancelled.done);
    // Stopping again is no error: it is over.
    stop(&session, &long.query_id).await.expect("stop again");

    // Logs sent to another region are queried there.
    let west = start(
        &session,
        "service-kinds",
        "logs-in-us-west-2-Service",
        READY_ERRORS,
        end - 3600,
        end,
    )
    .await
    .expect("start in us-west-2");
    assert_eq!(west.region, "us-west-2");
    r.sim.shutdown().await;
}
