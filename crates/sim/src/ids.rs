//! Ids and ARNs of simulated resources. Ids are hashes of names or sequence numbers, never
//! random, so the same scenario and clock give the same world.

/// A stable 16-hex-digit id derived from a name (load balancer and target group ARN suffixes).
pub fn stable_hex(seed: &str, len: usize) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(seed.as_bytes());
    let mut out = hex::encode(digest);
    out.truncate(len);
    out
}

/// The ELBv2 resource ARN of a region.
pub fn elb_arn(partition: &str, region: &str, account: &str, resource: &str) -> String {
    format!("arn:{partition}:elasticloadbalancing:{region}:{account}:{resource}")
}

/// The ECS resource ARN of a region.
pub fn ecs_arn(partition: &str, region: &str, account: &str, resource: &str) -> String {
    format!("arn:{partition}:ecs:{region}:{account}:{resource}")
}

/// 32 hex digits laid out as a UUID (8-4-4-4-12), as AWS shows event, attachment and request ids.
pub fn uuid_layout(hex: &str) -> String {
    let part = |from: usize, to: usize| hex.get(from..to).unwrap_or_default();
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}
