use super::eval::run;
use super::query::parse;
use crate::world::InsightsRecord;

fn rec(ts_ms: i64, message: &str) -> InsightsRecord {
    InsightsRecord {
        ts_ms,
        message: message.into(),
        stream: "ecs/api/1".into(),
        log: "1:/ecs/api".into(),
    }
}

#[test]
fn glob_parse_stats_and_percentiles() {
    let records: Vec<InsightsRecord> = (1..=10)
        .map(|i| {
            rec(
                i * 60_000,
                &format!("INFO GET /x/{i} 200 {}ms request_id=a", i * 10),
            )
        })
        .collect();
    let q = parse("parse @message \"INFO * * * *ms *\" as method, path, status, latency, rest | stats count(*) as n, max(latency) as slowest, pct(latency, 90) as p90 by status").unwrap();
    let out = run(&q, &records, 1000);
    assert_eq!(out.matched, 10);
    assert_eq!(
        out.rows[0],
        [
            ("status".to_string(), "200".to_string()),
            ("n".to_string(), "10".to_string()),
            ("slowest".to_string(), "100".to_string()),
            ("p90".to_string(), "90".to_string()),
        ]
    );
}

#[test]
fn filters_combine_and_results_default_to_newest_first() {
    let records = vec![
        rec(1_000, "ERROR a"),
        rec(2_000, "WARN b"),
        rec(3_000, "ERROR c"),
    ];
    let q = parse("filter @message like /ERROR/ or @message like /WARN/ and not @message like /b/")
        .unwrap();
    let out = run(&q, &records, 1000);
    assert_eq!(out.matched, 2);
    assert!(out.rows[0]
        .iter()
        .any(|(k, v)| k == "@message" && v == "ERROR c"));
    assert!(out.rows[0].iter().any(|(k, _)| k == "@ptr"));
}

#[test]
fn unknown_commands_and_bad_stats_name_their_place() {
    let e = parse("fields @message | frobnicate x").unwrap_err();
    assert_eq!(e.start, 18);
    assert!(e.message.contains("frobnicate"), "{}", e.message);
    assert!(parse("stats median(x)").is_err());
    assert!(parse("stats count(*) by bin(5q)").is_err());
    assert!(parse("limit 0").is_err());
    // Runbook 003's `stats count() by error_type`: count() counts rows.
    let q = parse("stats count() as n").unwrap();
    assert_eq!(run(&q, &[rec(1, "a"), rec(2, "b")], 10).rows[0][0].1, "2");
}

#[test]
fn sort_and_limit_apply_to_rows_without_stats() {
    let records: Vec<InsightsRecord> = [30, 90, 10, 60]
        .iter()
        .enumerate()
        .map(|(i, ms)| rec(i as i64 * 1000, &format!("GET /x 200 {ms}ms")))
        .collect();
    let q = parse(
        "parse @message /(?<latency>\\d+)ms/ | sort latency desc | limit 2 | display latency",
    )
    .unwrap();
    let out = run(&q, &records, 1000);
    let got: Vec<&str> = out.rows.iter().map(|r| r[0].1.as_str()).collect();
    assert_eq!(got, ["90", "60"]);
}
