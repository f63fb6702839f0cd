//! "Open in the AWS console" links: the console page of a cluster, service, task, log group or
//! alarm, on the console host of the resource's partition and for its region.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;
use crate::model::partition::Partition;

/// A resource with a page in the AWS console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ConsoleTarget {
    /// An ECS cluster (its services tab).
    Cluster {
        /// Cluster name.
        cluster: String,
    },
    /// An ECS service (its health tab).
    Service {
        /// Cluster name.
        cluster: String,
        /// Service name.
        service: String,
    },
    /// An ECS task (its configuration tab).
    Task {
        /// Cluster name.
        cluster: String,
        /// Task id (the last part of its ARN).
        task_id: String,
    },
    /// A CloudWatch Logs log group.
    LogGroup {
        /// Log group name, e.g. `/ecs/coe-etl-prod`.
        name: String,
        /// Its region when a task definition sends it to another one (`awslogs-region`).
        region: Option<String>,
    },
    /// A CloudWatch alarm.
    Alarm {
        /// Alarm name.
        name: String,
    },
}

/// Percent-encodes everything but unreserved characters (RFC 3986), so names become one path part.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The CloudWatch console's own encoding of names in its `#` fragment: percent-encoded, then
/// the `%` itself written as `$25` (the console decodes twice).
fn fragment_encode(text: &str) -> String {
    encode(text).replace('%', "$25")
}

/// The console URL of `target` in `region` of `partition`; the region must belong to the partition.
pub fn console_url(
    partition: Partition,
    region: &str,
    target: &ConsoleTarget,
) -> Result<String, CoreError> {
    // A log group opens in its own region, which `awslogs-region` may make another one.
    let region = match target {
        ConsoleTarget::LogGroup {
            region: Some(own), ..
        } => own.as_str(),
        _ => region,
    };
    partition.check_region(region)?;
    let base = format!("https://{}", partition.console_host());
    let r = encode(region);
    Ok(match target {
        ConsoleTarget::Cluster { cluster } => format!(
            "{base}/ecs/v2/clusters/{}/services?region={r}",
            encode(cluster)
        ),
        ConsoleTarget::Service { cluster, service } => format!(
            "{base}/ecs/v2/clusters/{}/services/{}/health?region={r}",
            encode(cluster),
            encode(service)
        ),
        ConsoleTarget::Task { cluster, task_id } => format!(
            "{base}/ecs/v2/clusters/{}/tasks/{}/configuration?region={r}",
            encode(cluster),
            encode(task_id)
        ),
        ConsoleTarget::LogGroup { name, .. } => format!(
            "{base}/cloudwatch/home?region={r}#logsV2:log-groups/log-group/{}",
            fragment_encode(name)
        ),
        ConsoleTarget::Alarm { name } => format!(
            "{base}/cloudwatch/home?region={r}#alarmsV2:alarm/{}",
            encode(name)
        ),
    })
}

/// Whether `url` is an https page of an AWS console host (what the app may open in the browser).
pub fn is_console_url(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    let Some(host) = parsed.host_str() else {
        return false;
    };
    parsed.scheme() == "https"
        && parsed.port().is_none()
        && parsed.username().is_empty()
        && Partition::ALL.iter().any(|p| {
            let console = p.console_host();
            host == console || host.ends_with(&format!(".{console}"))
        })
}

/// The federation endpoint of `partition`, or of the endpoint configured in AWS's place.
pub fn federation_endpoint(partition: Partition, endpoint_url: Option<&str>) -> String {
    match endpoint_url {
        Some(url) => format!("{}/federation", url.trim_end_matches('/')),
        None => format!("https://{}/federation", partition.signin_host()),
    }
}

/// The federation endpoint's login URL: spends `token` and opens `destination` signed in.
pub fn federation_login_url(endpoint: &str, token: &str, destination: &str) -> String {
    format!(
        "{endpoint}?Action=login&Issuer={}&Destination={}&SigninToken={}",
        encode("ecsdesk"),
        encode(destination),
        encode(token)
    )
}

/// The access portal's shortcut to `destination` as `role_name` in `account_id`: the portal
/// signs the browser in to that account and role (after the portal's own sign-in, if the
/// browser has none) and opens the page, in the portal's partition.
pub fn portal_shortcut(
    start_url: &str,
    account_id: &str,
    role_name: &str,
    destination: &str,
) -> String {
    format!(
        "{}/#/console?account_id={}&role_name={}&destination={}",
        start_url.trim_end_matches(['/', '#']),
        encode(account_id),
        encode(role_name),
        encode(destination)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_shortcuts_carry_account_role_and_page_for_both_partitions() {
        let page = "https://console.aws.amazon.com/ecs/v2/clusters/a/services?region=us-east-1";
        assert_eq!(
            portal_shortcut(
                "https://ecsdesk-demo.awsapps.com/start/",
                "123456789012",
                "OperatorAccess",
                page
            ),
            "https://ecsdesk-demo.awsapps.com/start/#/console?account_id=123456789012&role_name=OperatorAccess&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fecs%2Fv2%2Fclusters%2Fa%2Fservices%3Fregion%3Dus-east-1"
        );
        let gov = portal_shortcut(
            "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo",
            "210987654321",
            "Read Only+",
            "https://console.amazonaws-us-gov.com/ecs/v2?region=us-gov-east-1",
        );
        assert!(gov.starts_with(
            "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo/#/console?account_id=210987654321&role_name=Read%20Only%2B&destination=https%3A%2F%2Fconsole.amazonaws-us-gov.com%2F"
        ), "{gov}");
    }

    fn service() -> ConsoleTarget {
        ConsoleTarget::Service {
            cluster: "coe-ecs-prod".into(),
            service: "coe-etl-prod-Service".into(),
        }
    }

    #[test]
    fn govcloud_links_use_the_govcloud_console() {
        let url = console_url(Partition::AwsUsGov, "us-gov-east-1", &service()).unwrap();
        assert_eq!(
            url,
            "https://console.amazonaws-us-gov.com/ecs/v2/clusters/coe-ecs-prod/services/coe-etl-prod-Service/health?region=us-gov-east-1"
        );
        let task = ConsoleTarget::Task {
            cluster: "coe-ecs-prod".into(),
            task_id: "0123abcd".into(),
        };
        assert_eq!(
            console_url(Partition::AwsUsGov, "us-gov-west-1", &task).unwrap(),
            "https://console.amazonaws-us-gov.com/ecs/v2/clusters/coe-ecs-prod/tasks/0123abcd/configuration?region=us-gov-west-1"
        );
        let logs = ConsoleTarget::LogGroup {
            name: "/ecs/coe-etl-prod".into(),
            region: None,
        };
        assert_eq!(
            console_url(Partition::AwsUsGov, "us-gov-east-1", &logs).unwrap(),
            "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-east-1#logsV2:log-groups/log-group/$252Fecs$252Fcoe-etl-prod"
        );
        // Logs sent to another region open there; never in another partition.
        let west = ConsoleTarget::LogGroup {
            name: "/ecs/coe-etl-prod".into(),
            region: Some("us-gov-west-1".into()),
        };
        assert!(console_url(Partition::AwsUsGov, "us-gov-east-1", &west)
            .unwrap()
            .contains("/cloudwatch/home?region=us-gov-west-1#"));
        let elsewhere = ConsoleTarget::LogGroup {
            name: "/ecs/x".into(),
            region: Some("us-east-1".into()),
        };
        assert!(console_url(Partition::AwsUsGov, "us-gov-east-1", &elsewhere).is_err());
    }

    #[test]
    fn commercial_links_use_the_commercial_console() {
        let cluster = ConsoleTarget::Cluster {
            cluster: "coe-ecs-staging".into(),
        };
        assert_eq!(
            console_url(Partition::Aws, "us-east-1", &cluster).unwrap(),
            "https://console.aws.amazon.com/ecs/v2/clusters/coe-ecs-staging/services?region=us-east-1"
        );
        let alarm = ConsoleTarget::Alarm {
            name: "api staging 5xx/high".into(),
        };
        assert_eq!(
            console_url(Partition::Aws, "eu-west-1", &alarm).unwrap(),
            "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/api%20staging%205xx%2Fhigh"
        );
        for target in [cluster, alarm, service()] {
            let url = console_url(Partition::Aws, "us-west-2", &target).unwrap();
            assert!(is_console_url(&url), "{url}");
            assert!(!url.contains("us-gov"), "{url}");
        }
    }

    #[test]
    fn a_region_of_the_other_partition_is_refused() {
        let err = console_url(Partition::Aws, "us-gov-east-1", &service()).unwrap_err();
        assert_eq!(err.code(), "InvalidInput");
        assert!(console_url(Partition::AwsUsGov, "us-east-1", &service()).is_err());
    }

    #[test]
    fn only_https_console_hosts_count_as_console_urls() {
        assert!(is_console_url("https://console.aws.amazon.com/ecs/v2"));
        assert!(is_console_url(
            "https://us-east-1.console.aws.amazon.com/ecs/v2"
        ));
        assert!(is_console_url("https://console.amazonaws-us-gov.com/x"));
        assert!(!is_console_url("http://console.aws.amazon.com/ecs"));
        assert!(!is_console_url(
            "https://console.aws.amazon.com.evil.example/"
        ));
        assert!(!is_console_url("https://evilconsole.aws.amazon.com/"));
        assert!(!is_console_url("https://user@console.aws.amazon.com/"));
        assert!(!is_console_url("file:///etc/passwd"));
        assert!(!is_console_url("not a url"));
    }
}
