//! One service anywhere in the fleet, and its one key: pins, history, thresholds and the
//! per-service action lock all name a service the same way.

use crate::model::partition::Partition;

/// A service by partition, account, region, cluster and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceRef {
    /// The partition of its account.
    pub partition: Partition,
    /// The account id.
    pub account_id: String,
    /// The region.
    pub region: String,
    /// The cluster name.
    pub cluster: String,
    /// The service name.
    pub service: String,
}

impl ServiceRef {
    /// The service `service` of `cluster` in `region` of `account_id`.
    pub fn new(
        partition: Partition,
        account_id: &str,
        region: &str,
        cluster: &str,
        service: &str,
    ) -> ServiceRef {
        ServiceRef {
            partition,
            account_id: account_id.to_string(),
            region: region.to_string(),
            cluster: cluster.to_string(),
            service: service.to_string(),
        }
    }

    /// `partition|account|region|cluster|service`: `|` appears in no ECS name, account id,
    /// region or partition id, so the key splits back unambiguously.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.partition.id(),
            self.account_id,
            self.region,
            self.cluster,
            self.service
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_every_part_in_order() {
        let r = ServiceRef::new(
            Partition::AwsUsGov,
            "210987654321",
            "us-gov-east-1",
            "coe-ecs-prod",
            "coe-etl-prod-Service",
        );
        assert_eq!(
            r.key(),
            "aws-us-gov|210987654321|us-gov-east-1|coe-ecs-prod|coe-etl-prod-Service"
        );
    }
}
