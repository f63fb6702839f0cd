//! CloudWatch through the unmodified aws-sdk-cloudwatch client (which speaks rpc-v2-cbor), and
//! the same operations as raw awsJson1_0 and awsQuery requests, against the demo scenario.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    Dimension, DimensionFilter, Metric, MetricDataQuery, MetricStat, ScanBy, StateValue, Statistic,
    StatusCode,
};
use aws_sdk_cloudwatch::Client;
use ecsdesk_sim::SimHandle;

mod common;
use common::{code, sim, COM_KEY, GOV_KEY};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CLUSTER: &str = "coe-ecs-staging";

fn client(h: &SimHandle, key: (&str, &str), region: &str) -> Client {
    common::cloudwatch_client(h, key, region)
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

fn dim(name: &str, value: &str) -> Dimension {
    Dimension::builder().name(name).value(value).build()
}

fn query(
    id: &str,
    ns: &str,
    metric: &str,
    dims: Vec<Dimension>,
    stat: &str,
    period: i32,
) -> MetricDataQuery {
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace(ns)
                        .metric_name(metric)
                        .set_dimensions(Some(dims))
                        .build(),
                )
                .period(period)
                .stat(stat)
                .build(),
        )
        .build()
}

fn service_query(
    id: &str,
    metric: &str,
    service: &str,
    stat: &str,
    period: i32,
) -> MetricDataQuery {
    query(
        id,
        "AWS/ECS",
        metric,
        vec![dim("ClusterName", CLUSTER), dim("ServiceName", service)],
        stat,
        period,
    )
}

/// The staging ALB's `app/…` and its target group's `targetgroup/…` dimension values.
async fn alb_dimensions(c: &Client) -> (String, String) {
    let out = c
        .list_metrics()
        .namespace("AWS/ApplicationELB")
        .metric_name("HealthyHostCount")
        .send()
        .await
        .expect("list metrics");
    // The staging ALB (the busiest): ListMetrics sorts, and other ALBs may come first.
    let m = out
        .metrics()
        .iter()
        .find(|m| {
            m.dimensions()
                .iter()
                .any(|d| d.value().is_some_and(|v| v.starts_with("app/staging-alb/")))
        })
        .expect("an ALB metric of staging-alb");
    let get = |n: &str| {
        m.dimensions()
            .iter()
            .find(|d| d.name() == Some(n))
            .and_then(|d| d.value())
            .map(str::to_string)
            .expect("dimension")
    };
    (get("LoadBalancer"), get("TargetGroup"))
}

#[tokio::test]
async fn twelve_queries_return_seven_days_of_data_over_cbor() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let (lb, tg) = alb_dimensions(&c).await;
    let services = [
        "api-staging-Service",
        "worker-staging-Service",
        "reports-staging-Service",
        "search-staging-Service",
    ];
    let mut queries = Vec::new();
    for (i, s) in services.iter().enumerate() {
        queries.push(service_query(
            &format!("cpu{i}"),
            "CPUUtilization",
            s,
            "Average",
            3600,
        ));
        queries.push(service_query(
            &format!("mem{i}"),
            "MemoryUtilization",
            s,
            "Maximum",
            3600,
        ));
    }
    let alb = |id: &str, metric: &str, stat: &str| {
        query(
            id,
            "AWS/ApplicationELB",
            metric,
            vec![dim("TargetGroup", &tg), dim("LoadBalancer", &lb)],
            stat,
            3600,
        )
    };
    queries.push(alb("req", "RequestCount", "Sum"));
    queries.push(alb("err", "HTTPCode_Target_5XX_Count", "Sum"));
    queries.push(alb("lat", "TargetResponseTime", "p90"));
    queries.push(alb("hosts", "HealthyHostCount", "Minimum"));
    let end = now();
    let started = Instant::now();
    let out = c
        .get_metric_data()
        .set_metric_data_queries(Some(queries))
        .start_time(DateTime::from_secs((end - 7.0 * 86400.0) as i64))
        .end_time(DateTime::from_secs(end as i64))
        .send()
        .await
        .expect("get metric data");
    let elapsed = started.elapsed();
    eprintln!("GetMetricData 12 queries x 7 days hourly: {elapsed:?}");
    assert!(out.next_token().is_none());
    let results = out.metric_data_results();
    assert_eq!(results.len(), 12);
    for r in results {
        assert_eq!(r.status_code(), Some(&StatusCode::Complete), "{:?}", r.id());
        let n = r.values().len();
        assert_eq!(n, r.timestamps().len());
        // Counts are sparse (an hour without a 5xx has no point); everything else is dense.
        let dense = r.id() != Some("err");
        assert!(
            (167..=169).contains(&n) || (!dense && n <= 169),
            "{:?}: {n} points",
            r.id()
        );
        // Newest first by default.
        let ts: Vec<i64> = r.timestamps().iter().map(|t| t.secs()).collect();
        assert!(ts.windows(2).all(|w| w[0] > w[1]), "{:?}", r.id());
        assert!(ts.iter().all(|t| t % 3600 == 0 && (*t as f64) <= end));
    }
    let values = |id: &str| {
        results
            .iter()
            .find(|r| r.id() == Some(id))
            .map(|r| r.values().to_vec())
            .expect("result")
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(mean(&values("cpu0")) < 50.0, "healthy API CPU");
    assert!(mean(&values("cpu3")) > 80.0, "high-CPU search service");
    assert!(
        values("mem2").iter().any(|v| *v > 95.0),
        "OOM service memory reaches full"
    );
    assert!(values("req").iter().all(|v| *v > 0.0));
    let errors: f64 = values("err").iter().sum();
    let requests: f64 = values("req").iter().sum();
    assert!(
        errors > 0.0 && errors < requests * 0.01,
        "{errors} of {requests}"
    );
    assert!(values("lat").iter().all(|v| *v > 0.0 && *v < 2.0));
    assert_eq!(values("hosts").first(), Some(&2.0));
    assert_eq!(results[0].label(), Some("CPUUtilization"));
    h.shutdown().await;
}

/// As AWS documents for Application Load Balancer metrics: a count is published only for a period
/// in which something was counted, so a minute without a 5xx has no datapoint (not a zero), while
/// requests keep coming every minute.
#[tokio::test]
async fn alb_error_counts_are_sparse_as_on_aws() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let (lb, tg) = alb_dimensions(&c).await;
    let alb = |id: &str, metric: &str, stat: &str| {
        query(
            id,
            "AWS/ApplicationELB",
            metric,
            vec![dim("TargetGroup", &tg), dim("LoadBalancer", &lb)],
            stat,
            60,
        )
    };
    let end = now();
    let out = c
        .get_metric_data()
        .set_metric_data_queries(Some(vec![
            alb("req", "RequestCount", "Sum"),
            alb("err", "HTTPCode_Target_5XX_Count", "Sum"),
        ]))
        .start_time(DateTime::from_secs((end - 3.0 * 3600.0) as i64))
        .end_time(DateTime::from_secs(end as i64))
        .send()
        .await
        .expect("get metric data");
    let values = |id: &str| {
        out.metric_data_results()
            .iter()
            .find(|r| r.id() == Some(id))
            .map(|r| r.values().to_vec())
            .expect("result")
    };
    let (req, err) = (values("req"), values("err"));
    assert!(req.len() >= 178, "requests every minute: {}", req.len());
    assert!(
        err.len() < req.len(),
        "minutes without a 5xx have no point: {} of {}",
        err.len(),
        req.len()
    );
    assert!(err.iter().all(|v| *v > 0.0), "no zero counts: {err:?}");
    h.shutdown().await;
}

#[tokio::test]
async fn max_datapoints_paginates_and_scan_by_orders() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let end = now();
    let request = |token: Option<String>, max: Option<i32>, scan: Option<ScanBy>| {
        c.get_metric_data()
            .metric_data_queries(service_query(
                "a",
                "CPUUtilization",
                "api-staging-Service",
                "Average",
                300,
            ))
            .metric_data_queries(service_query(
                "b",
                "MemoryUtilization",
                "api-staging-Service",
                "Average",
                300,
            ))
            .metric_data_queries(
                MetricDataQuery::builder()
                    .id("c")
                    .label("cluster cpu")
                    .metric_stat(
                        MetricStat::builder()
                            .metric(
                                Metric::builder()
                                    .namespace("AWS/ECS")
                                    .metric_name("CPUUtilization")
                                    .dimensions(dim("ClusterName", CLUSTER))
                                    .build(),
                            )
                            .period(300)
                            .stat("Maximum")
                            .build(),
                    )
                    .build(),
            )
            .start_time(DateTime::from_secs((end - 86400.0) as i64))
            .end_time(DateTime::from_secs(end as i64))
            .set_next_token(token)
            .set_max_datapoints(max)
            .set_scan_by(scan)
    };
    let whole = request(None, None, Some(ScanBy::TimestampAscending))
        .send()
        .await
        .expect("one page");
    let full: Vec<(String, Vec<i64>, Vec<f64>)> = whole
        .metric_data_results()
        .iter()
        .map(|r| {
            (
                r.id().unwrap_or_default().to_string(),
                r.timestamps().iter().map(|t| t.secs()).collect(),
                r.values().to_vec(),
            )
        })
        .collect();
    assert_eq!(full.len(), 3);
    assert!(full[0].1.windows(2).all(|w| w[0] < w[1]), "ascending");
    assert_eq!(whole.metric_data_results()[2].label(), Some("cluster cpu"));

    let mut token = None;
    let mut pages = 0;
    let mut partial = 0;
    let mut merged: Vec<(String, Vec<i64>, Vec<f64>)> = Vec::new();
    loop {
        let page = request(token.clone(), Some(100), Some(ScanBy::TimestampAscending))
            .send()
            .await
            .expect("page");
        pages += 1;
        let mut points = 0;
        for r in page.metric_data_results() {
            points += r.values().len();
            if r.status_code() == Some(&StatusCode::PartialData) {
                partial += 1;
            }
            let id = r.id().unwrap_or_default().to_string();
            let ts = r.timestamps().iter().map(|t| t.secs());
            match merged.iter_mut().find(|m| m.0 == id) {
                Some(m) => {
                    m.1.extend(ts);
                    m.2.extend_from_slice(r.values());
                }
                None => merged.push((id, ts.collect(), r.values().to_vec())),
            }
        }
        assert!(points <= 100);
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
        assert!(pages < 20, "pagination does not end");
    }
    assert!(pages >= 8, "{pages} pages");
    assert!(partial > 0);
    assert_eq!(merged, full);

    let bad = request(Some("garbage".into()), None, None)
        .send()
        .await
        .expect_err("bad token");
    assert_eq!(code(&bad), "InvalidNextToken");
    h.shutdown().await;
}

#[tokio::test]
async fn bad_queries_get_cloudwatch_error_codes_and_expressions_a_message() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let end = now();
    let start = DateTime::from_secs((end - 3600.0) as i64);
    let stop = DateTime::from_secs(end as i64);
    let err = c
        .get_metric_data()
        .metric_data_queries(service_query(
            "a",
            "CPUUtilization",
            "api-staging-Service",
            "Average",
            90,
        ))
        .start_time(start)
        .end_time(stop)
        .send()
        .await
        .expect_err("period 90");
    assert_eq!(code(&err), "InvalidParameterValue");
    let too_many: Vec<MetricDataQuery> = (0..501)
        .map(|i| {
            service_query(
                &format!("q{i}"),
                "CPUUtilization",
                "api-staging-Service",
                "Average",
                60,
            )
        })
        .collect();
    let err = c
        .get_metric_data()
        .set_metric_data_queries(Some(too_many))
        .start_time(start)
        .end_time(stop)
        .send()
        .await
        .expect_err("501 queries");
    assert_eq!(code(&err), "InvalidParameterValue");
    let err = c
        .get_metric_data()
        .metric_data_queries(service_query(
            "a",
            "CPUUtilization",
            "api-staging-Service",
            "Average",
            60,
        ))
        .start_time(stop)
        .end_time(start)
        .send()
        .await
        .expect_err("start after end");
    assert_eq!(code(&err), "InvalidParameterValue");
    let err = c
        .get_metric_data()
        .metric_data_queries(service_query(
            "a",
            "CPUUtilization",
            "api-staging-Service",
            "Average",
            60,
        ))
        .metric_data_queries(service_query(
            "a",
            "MemoryUtilization",
            "api-staging-Service",
            "Average",
            60,
        ))
        .start_time(start)
        .end_time(stop)
        .send()
        .await
        .expect_err("duplicate ids");
    assert_eq!(code(&err), "InvalidParameterValue");

    let out = c
        .get_metric_data()
        .metric_data_queries(service_query(
            "a",
            "CPUUtilization",
            "api-staging-Service",
            "Average",
            60,
        ))
        .metric_data_queries(
            MetricDataQuery::builder()
                .id("e")
                .expression("a * 2")
                .build(),
        )
        .metric_data_queries(service_query(
            "z",
            "CPUUtilization",
            "no-such-Service",
            "Average",
            60,
        ))
        .start_time(start)
        .end_time(stop)
        .send()
        .await
        .expect("expression answered per query");
    let r = out.metric_data_results();
    assert_eq!(r.len(), 3);
    assert!((59..=61).contains(&r[0].values().len()));
    assert_eq!(r[1].status_code(), Some(&StatusCode::InternalError));
    assert!(r[1].messages()[0]
        .value()
        .unwrap_or_default()
        .contains("not supported"));
    assert_eq!(r[2].status_code(), Some(&StatusCode::Complete));
    assert!(
        r[2].values().is_empty(),
        "unknown metric: no data, no error"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn get_metric_statistics_with_extended_statistics_and_limits() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let (lb, _) = alb_dimensions(&c).await;
    // Whole 5-minute periods: a partial one at night holds a minute's few requests.
    let end = (now() / 300.0).floor() * 300.0;
    let out = c
        .get_metric_statistics()
        .namespace("AWS/ApplicationELB")
        .metric_name("TargetResponseTime")
        .dimensions(dim("LoadBalancer", &lb))
        .start_time(DateTime::from_secs((end - 6.0 * 3600.0) as i64))
        .end_time(DateTime::from_secs(end as i64))
        .period(300)
        .statistics(Statistic::Average)
        .statistics(Statistic::Maximum)
        .statistics(Statistic::SampleCount)
        .extended_statistics("p90")
        .send()
        .await
        .expect("statistics");
    assert_eq!(out.label(), Some("TargetResponseTime"));
    let points = out.datapoints();
    assert!((72..=73).contains(&points.len()), "{}", points.len());
    for p in points {
        let avg = p.average().expect("average");
        let p90 = p
            .extended_statistics()
            .and_then(|m| m.get("p90"))
            .copied()
            .expect("p90");
        assert!(avg > 0.0 && avg < 0.5, "healthy latency {avg}");
        assert!(p90 > avg);
        assert!(p.maximum().expect("max") >= p90);
        assert!(p.sample_count().expect("count") > 100.0);
        assert_eq!(p.unit().map(|u| u.as_str()), Some("Seconds"));
        assert!(p.sum().is_none(), "only what was asked for");
    }
    let err = c
        .get_metric_statistics()
        .namespace("AWS/ECS")
        .metric_name("CPUUtilization")
        .dimensions(dim("ClusterName", CLUSTER))
        .start_time(DateTime::from_secs((end - 7.0 * 86400.0) as i64))
        .end_time(DateTime::from_secs(end as i64))
        .period(60)
        .statistics(Statistic::Average)
        .send()
        .await
        .expect_err("too many datapoints");
    assert_eq!(code(&err), "InvalidParameterCombination");
    assert!(err.message().unwrap_or_default().contains("1440"));
    let err = c
        .get_metric_statistics()
        .namespace("AWS/ECS")
        .metric_name("CPUUtilization")
        .start_time(DateTime::from_secs((end - 3600.0) as i64))
        .end_time(DateTime::from_secs(end as i64))
        .period(60)
        .send()
        .await
        .expect_err("no statistics");
    assert_eq!(code(&err), "InvalidParameterCombination");
    h.shutdown().await;
}

#[tokio::test]
async fn list_metrics_filters_by_namespace_and_dimension() {
    let h = sim("demo").await;
    let c = client(&h, GOV_KEY, "us-gov-east-1");
    let out = c
        .list_metrics()
        .namespace("AWS/ECS")
        .dimensions(
            DimensionFilter::builder()
                .name("ServiceName")
                .value("coe-etl-prod-Service")
                .build(),
        )
        .send()
        .await
        .expect("list metrics");
    let mut names: Vec<&str> = out
        .metrics()
        .iter()
        .filter_map(|m| m.metric_name())
        .collect();
    names.sort();
    assert_eq!(names, vec!["CPUUtilization", "MemoryUtilization"]);
    let other_region = client(&h, GOV_KEY, "us-gov-west-1")
        .list_metrics()
        .send()
        .await
        .expect("empty region");
    assert!(other_region.metrics().is_empty());
    h.shutdown().await;
}

#[tokio::test]
async fn describe_alarms_filters_pages_and_evaluates_from_metrics() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let all = c.describe_alarms().send().await.expect("alarms");
    let alarms = all.metric_alarms();
    assert!(alarms.len() >= 8, "{}", alarms.len());
    let names: Vec<&str> = alarms.iter().filter_map(|a| a.alarm_name()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let search = alarms
        .iter()
        .find(|a| a.alarm_name() == Some("search-staging-Service-high-cpu"))
        .expect("search alarm");
    assert_eq!(search.state_value(), Some(&StateValue::Alarm));
    assert!(search
        .state_reason()
        .unwrap_or_default()
        .starts_with("Threshold Crossed"));
    assert_eq!(search.threshold(), Some(80.0));
    assert_eq!(search.dimensions().len(), 2);
    assert!(search.state_updated_timestamp().is_some());
    let api = alarms
        .iter()
        .find(|a| a.alarm_name() == Some("api-staging-Service-high-cpu"))
        .expect("api alarm");
    assert_eq!(api.state_value(), Some(&StateValue::Ok));

    let firing = c
        .describe_alarms()
        .state_value(StateValue::Alarm)
        .send()
        .await
        .expect("state filter");
    assert!(firing
        .metric_alarms()
        .iter()
        .all(|a| a.state_value() == Some(&StateValue::Alarm)));
    assert!(!firing.metric_alarms().is_empty());

    let prefixed = c
        .describe_alarms()
        .alarm_name_prefix("search-")
        .send()
        .await
        .expect("prefix");
    assert_eq!(prefixed.metric_alarms().len(), 2);
    let named = c
        .describe_alarms()
        .alarm_names("api-staging-Service-high-cpu")
        .alarm_names("nope")
        .send()
        .await
        .expect("names");
    assert_eq!(named.metric_alarms().len(), 1);

    let mut token = None;
    let mut seen = Vec::new();
    loop {
        let page = c
            .describe_alarms()
            .max_records(3)
            .set_next_token(token)
            .send()
            .await
            .expect("page");
        assert!(page.metric_alarms().len() <= 3);
        seen.extend(
            page.metric_alarms()
                .iter()
                .filter_map(|a| a.alarm_name().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, names);

    let err = c
        .describe_alarms()
        .alarm_names("a")
        .alarm_name_prefix("b")
        .send()
        .await
        .expect_err("names with prefix");
    assert_eq!(code(&err), "InvalidParameterCombination");
    h.shutdown().await;
}

/// One HTTP/1.1 request over a fresh connection, SigV4-signed with the commercial demo key for
/// CloudWatch in us-east-1; (status, body).
async fn raw(h: &SimHandle, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    use ecsdesk_sim::auth::{sign, string_to_sign, SigScope, SignedRequest};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", h.port()))
        .await
        .expect("connect");
    let now = chrono::Utc::now();
    let mut signed: Vec<(String, String)> = vec![
        ("host".into(), format!("127.0.0.1:{}", h.port())),
        (
            "x-amz-date".into(),
            now.format("%Y%m%dT%H%M%SZ").to_string(),
        ),
    ];
    signed.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    signed.sort();
    let mut scope = SigScope {
        access_key: COM_KEY.0.into(),
        date: now.format("%Y%m%d").to_string(),
        region: "us-east-1".into(),
        service: "monitoring".into(),
        signed_headers: signed.iter().map(|(k, _)| k.clone()).collect(),
        signature: "0".into(),
    };
    let request = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &signed,
        body: body.as_bytes(),
    };
    let text = string_to_sign(&scope, &request, false).expect("string to sign");
    scope.signature = sign(COM_KEY.1, &scope, &text);
    let mut req = format!(
        "POST / HTTP/1.1\r\nconnection: close\r\ncontent-length: {}\r\nauthorization: AWS4-HMAC-SHA256 Credential={}/{}/us-east-1/monitoring/aws4_request, SignedHeaders={}, Signature={}\r\n",
        body.len(),
        scope.access_key,
        scope.date,
        scope.signed_headers.join(";"),
        scope.signature,
    );
    let headers: Vec<(&str, &str)> = signed
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("read");
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn raw_aws_json_1_0_requests_work() {
    let h = sim("demo").await;
    let end = now() as i64;
    let body = serde_json::json!({
        "MetricDataQueries": [{
            "Id": "cpu",
            "MetricStat": {
                "Metric": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
                           "Dimensions": [{"Name": "ClusterName", "Value": CLUSTER},
                                          {"Name": "ServiceName", "Value": "search-staging-Service"}]},
                "Period": 300, "Stat": "Average"}
        }],
        "StartTime": end - 3600, "EndTime": end
    })
    .to_string();
    let headers = [
        (
            "x-amz-target",
            "GraniteServiceVersion20100801.GetMetricData",
        ),
        ("content-type", "application/x-amz-json-1.0"),
    ];
    let (status, text) = raw(&h, &headers, &body).await;
    assert_eq!(status, 200, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let values = v["MetricDataResults"][0]["Values"]
        .as_array()
        .expect("values");
    assert!((11..=13).contains(&values.len()));
    assert!(values.iter().all(|x| x.as_f64().is_some_and(|f| f > 80.0)));
    assert!(v["MetricDataResults"][0]["Timestamps"][0].is_number());

    let (status, text) = raw(
        &h,
        &[
            (
                "x-amz-target",
                "GraniteServiceVersion20100801.DescribeAlarms",
            ),
            ("content-type", "application/x-amz-json-1.0"),
        ],
        r#"{"StateValue": "BROKEN"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(text.contains("InvalidParameterValue"), "{text}");
    h.shutdown().await;
}

#[tokio::test]
async fn raw_aws_query_requests_work() {
    let h = sim("demo").await;
    let end = chrono::DateTime::from_timestamp(now() as i64, 0).expect("now");
    let start = end - chrono::Duration::hours(1);
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let body = format!(
        "Action=GetMetricStatistics&Version=2010-08-01&Namespace=AWS%2FECS&MetricName=CPUUtilization\
         &Dimensions.member.1.Name=ClusterName&Dimensions.member.1.Value={CLUSTER}\
         &Dimensions.member.2.Name=ServiceName&Dimensions.member.2.Value=api-staging-Service\
         &StartTime={}&EndTime={}&Period=600&Statistics.member.1=Average&ExtendedStatistics.member.1=p99",
        fmt(start),
        fmt(end)
    );
    let form = [(
        "content-type",
        "application/x-www-form-urlencoded; charset=utf-8",
    )];
    let (status, xml) = raw(&h, &form, &body).await;
    assert_eq!(status, 200, "{xml}");
    assert!(xml.starts_with(
        "<GetMetricStatisticsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
    ));
    assert!(xml.contains("<Label>CPUUtilization</Label>"));
    assert!(xml.matches("<member>").count() >= 6, "{xml}");
    assert!(
        xml.contains("<ExtendedStatistics><entry><key>p99</key><value>"),
        "{xml}"
    );
    assert!(xml.contains("<Unit>Percent</Unit>"));

    let body = "Action=GetMetricData&Version=2010-08-01\
        &MetricDataQueries.member.1.Id=m1\
        &MetricDataQueries.member.1.MetricStat.Metric.Namespace=AWS%2FECS\
        &MetricDataQueries.member.1.MetricStat.Metric.MetricName=MemoryUtilization\
        &MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=ClusterName\
        &MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=coe-ecs-staging\
        &MetricDataQueries.member.1.MetricStat.Period=300\
        &MetricDataQueries.member.1.MetricStat.Stat=Maximum";
    let body = format!(
        "{body}&StartTime={}&EndTime={}&ScanBy=TimestampAscending",
        fmt(start),
        fmt(end)
    );
    let (status, xml) = raw(&h, &form, &body).await;
    assert_eq!(status, 200, "{xml}");
    assert!(xml.contains("<Id>m1</Id>"));
    assert!(xml.contains("<StatusCode>Complete</StatusCode>"));
    assert!(xml.contains("<Timestamps><member>"), "{xml}");

    let (status, xml) = raw(
        &h,
        &form,
        "Action=DescribeAlarms&Version=2010-08-01&AlarmNamePrefix=search-&MaxRecords=1",
    )
    .await;
    assert_eq!(status, 200, "{xml}");
    assert!(xml.contains("<AlarmName>search-staging-Service-high-cpu</AlarmName>"));
    assert!(xml.contains("<NextToken>"));

    let (status, xml) = raw(
        &h,
        &form,
        "Action=GetMetricStatistics&Version=2010-08-01&Namespace=AWS%2FECS&MetricName=CPUUtilization&StartTime=2026-01-01T00:00:00Z&EndTime=2026-01-01T01:00:00Z&Period=61&Statistics.member.1=Average",
    )
    .await;
    assert_eq!(status, 400);
    assert!(xml.contains("<Code>InvalidParameterValue</Code>"), "{xml}");
    h.shutdown().await;
}

/// A network load balancer publishes connections, resets and host counts in AWS/NetworkELB, and
/// nothing in AWS/ApplicationELB (no requests, HTTP codes or response times: it sees TCP).
#[tokio::test]
async fn network_load_balancer_metrics_are_in_aws_network_elb_only() {
    let h = sim("demo").await;
    let c = client(&h, COM_KEY, "us-east-1");
    let listed = c
        .list_metrics()
        .namespace("AWS/NetworkELB")
        .metric_name("NewFlowCount")
        .send()
        .await
        .expect("list metrics");
    let dims: Vec<Dimension> = listed
        .metrics()
        .iter()
        .find(|m| m.dimensions().len() == 2)
        .expect("a target group's NewFlowCount")
        .dimensions()
        .to_vec();
    let end = now();
    let out = c
        .get_metric_data()
        .metric_data_queries(query(
            "flows",
            "AWS/NetworkELB",
            "NewFlowCount",
            dims.clone(),
            "Sum",
            60,
        ))
        .metric_data_queries(query(
            "healthy",
            "AWS/NetworkELB",
            "HealthyHostCount",
            dims.clone(),
            "Minimum",
            60,
        ))
        .metric_data_queries(query(
            "req",
            "AWS/ApplicationELB",
            "RequestCount",
            dims,
            "Sum",
            60,
        ))
        .start_time(DateTime::from_secs((end - 3_600.0) as i64))
        .end_time(DateTime::from_secs(end as i64))
        .send()
        .await
        .expect("metrics");
    let points = |id: &str| {
        out.metric_data_results()
            .iter()
            .find(|r| r.id() == Some(id))
            .map_or(0, |r| r.values().len())
    };
    assert!(points("flows") > 30, "connections every minute");
    assert!(points("healthy") > 30);
    assert_eq!(
        points("req"),
        0,
        "an NLB publishes nothing in AWS/ApplicationELB"
    );
    h.shutdown().await;
}
