//! Load balancing: application load balancers, target groups and registered targets.

/// An application load balancer.
#[derive(Debug, Clone)]
pub struct LoadBalancer {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// DNS name.
    pub dns_name: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    /// `application` or `network`.
    pub kind: String,
    /// Listener ports.
    pub listener_ports: Vec<i64>,
    /// Created.
    pub created_at: f64,
    /// VPC id.
    pub vpc_id: String,
    /// Availability zones it spans.
    pub availability_zones: Vec<String>,
}

/// A target group.
#[derive(Debug, Clone)]
pub struct TargetGroup {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Load balancer ARNs.
    pub load_balancer_arns: Vec<String>,
    /// Port.
    pub port: i64,
    /// Protocol.
    pub protocol: String,
    /// Health check path.
    pub health_check_path: String,
    /// Deregistration delay seconds.
    pub deregistration_delay: f64,
    /// Registered targets.
    pub targets: Vec<Target>,
    /// VPC id.
    pub vpc_id: String,
    /// `ip` (awsvpc tasks) or `instance`.
    pub target_type: String,
}

/// A registered target.
#[derive(Debug, Clone)]
pub struct Target {
    /// Target id: the task's IP (`ip` target groups) or its EC2 instance id (`instance`).
    pub ip: String,
    /// Port.
    pub port: i64,
    /// `initial`, `healthy`, `unhealthy`, `draining`, `unused`.
    pub state: String,
    /// Reason code (e.g. `Elb.RegistrationInProgress`).
    pub reason: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// When the state changed.
    pub since: f64,
    /// Task id behind the target.
    pub task_id: String,
    /// When the target changes state next (health check verdict, end of draining).
    pub next_transition: Option<f64>,
}
