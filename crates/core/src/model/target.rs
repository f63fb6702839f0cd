//! Load balancer target groups of a service, their CloudWatch dimensions and their targets' health.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One target group of a service with what CloudWatch needs to name its metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetGroupRef {
    /// Target group ARN.
    pub arn: String,
    /// Target group name.
    pub name: String,
    /// `targetgroup/NAME/ID`, the CloudWatch `TargetGroup` dimension.
    pub dimension: String,
    /// ARN of the (first) load balancer that forwards to it.
    pub load_balancer_arn: Option<String>,
    /// `app/NAME/ID`, the CloudWatch `LoadBalancer` dimension.
    pub load_balancer_dimension: Option<String>,
    /// Load balancer name.
    pub load_balancer_name: Option<String>,
    /// Health check path, e.g. `/health`.
    pub health_check_path: Option<String>,
    /// Traffic port.
    pub port: Option<i32>,
}

impl TargetGroupRef {
    /// Whether a network load balancer forwards to it (dimension `net/NAME/ID`).
    pub fn is_network(&self) -> bool {
        self.load_balancer_dimension
            .as_deref()
            .is_some_and(|d| d.starts_with("net/"))
    }
}

/// The `app/NAME/ID` dimension value of a load balancer ARN.
pub fn load_balancer_dimension(arn: &str) -> String {
    arn.split_once(":loadbalancer/")
        .map_or(arn, |(_, v)| v)
        .to_string()
}

/// The `targetgroup/NAME/ID` dimension value of a target group ARN.
pub fn target_group_dimension(arn: &str) -> String {
    arn.rsplit_once(':').map_or(arn, |(_, v)| v).to_string()
}

/// One registered target and its health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TargetInfo {
    /// Target id: an IP address for Fargate (awsvpc), an instance id for EC2.
    pub id: String,
    /// Port traffic goes to.
    pub port: Option<i32>,
    /// Availability zone.
    pub availability_zone: Option<String>,
    /// `initial`, `healthy`, `unhealthy`, `unused`, `draining`, `unavailable`.
    pub state: String,
    /// ELB reason code, e.g. `Target.FailedHealthChecks`.
    pub reason: Option<String>,
    /// ELB's description of the reason.
    pub description: Option<String>,
}

/// One target group with its targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroupHealth {
    /// Target group ARN.
    pub arn: String,
    /// Target group name.
    pub name: String,
    /// Load balancer name.
    pub load_balancer_name: Option<String>,
    /// Health check path.
    pub health_check_path: Option<String>,
    /// Registered targets.
    pub targets: Vec<TargetInfo>,
    /// Targets whose state is `healthy`.
    pub healthy: u32,
    /// Targets whose state is `unhealthy`.
    pub unhealthy: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_come_from_arns() {
        assert_eq!(
            load_balancer_dimension(
                "arn:aws-us-gov:elasticloadbalancing:us-gov-east-1:210987654321:loadbalancer/app/coe-prod-alb/50dc6c495c0c9188"
            ),
            "app/coe-prod-alb/50dc6c495c0c9188"
        );
        assert_eq!(
            target_group_dimension(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-staging-tg/6d0ecf831eec9f09"
            ),
            "targetgroup/api-staging-tg/6d0ecf831eec9f09"
        );
    }
}
