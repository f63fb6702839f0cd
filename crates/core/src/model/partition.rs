//! AWS partitions (commercial and GovCloud): regions, default region, console host, ARN prefix.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;

/// An AWS partition ECS Desk can work in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum Partition {
    /// The commercial partition.
    #[serde(rename = "aws")]
    Aws,
    /// AWS GovCloud (US).
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
}

/// Commercial regions with their human names.
const AWS_REGIONS: &[(&str, &str)] = &[
    ("us-east-1", "US East (N. Virginia)"),
    ("us-east-2", "US East (Ohio)"),
    ("us-west-1", "US West (N. California)"),
    ("us-west-2", "US West (Oregon)"),
    ("af-south-1", "Africa (Cape Town)"),
    ("ap-east-1", "Asia Pacific (Hong Kong)"),
    ("ap-east-2", "Asia Pacific (Taipei)"),
    ("ap-south-1", "Asia Pacific (Mumbai)"),
    ("ap-south-2", "Asia Pacific (Hyderabad)"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)"),
    ("ap-northeast-2", "Asia Pacific (Seoul)"),
    ("ap-northeast-3", "Asia Pacific (Osaka)"),
    ("ap-southeast-1", "Asia Pacific (Singapore)"),
    ("ap-southeast-2", "Asia Pacific (Sydney)"),
    ("ap-southeast-3", "Asia Pacific (Jakarta)"),
    ("ap-southeast-4", "Asia Pacific (Melbourne)"),
    ("ap-southeast-5", "Asia Pacific (Malaysia)"),
    ("ap-southeast-6", "Asia Pacific (New Zealand)"),
    ("ap-southeast-7", "Asia Pacific (Thailand)"),
    ("ca-central-1", "Canada (Central)"),
    ("ca-west-1", "Canada West (Calgary)"),
    ("eu-central-1", "Europe (Frankfurt)"),
    ("eu-central-2", "Europe (Zurich)"),
    ("eu-west-1", "Europe (Ireland)"),
    ("eu-west-2", "Europe (London)"),
    ("eu-west-3", "Europe (Paris)"),
    ("eu-south-1", "Europe (Milan)"),
    ("eu-south-2", "Europe (Spain)"),
    ("eu-north-1", "Europe (Stockholm)"),
    ("il-central-1", "Israel (Tel Aviv)"),
    ("me-south-1", "Middle East (Bahrain)"),
    ("me-central-1", "Middle East (UAE)"),
    ("mx-central-1", "Mexico (Central)"),
    ("sa-east-1", "South America (São Paulo)"),
];

/// GovCloud regions with their human names.
const GOV_REGIONS: &[(&str, &str)] = &[
    ("us-gov-east-1", "AWS GovCloud (US-East)"),
    ("us-gov-west-1", "AWS GovCloud (US-West)"),
];

impl Partition {
    /// Every partition, commercial first.
    pub const ALL: [Partition; 2] = [Partition::Aws, Partition::AwsUsGov];

    /// The partition id as used in ARNs (`aws`, `aws-us-gov`).
    pub fn id(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    /// The label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Partition::Aws => "Commercial",
            Partition::AwsUsGov => "GovCloud (US)",
        }
    }

    /// The region used when a profile names none.
    pub fn default_region(self) -> &'static str {
        match self {
            Partition::Aws => "us-east-1",
            Partition::AwsUsGov => "us-gov-east-1",
        }
    }

    /// The host of the AWS web console for this partition.
    pub fn console_host(self) -> &'static str {
        match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::AwsUsGov => "console.amazonaws-us-gov.com",
        }
    }

    /// The host of the partition's console sign-in (its federation endpoint).
    pub fn signin_host(self) -> &'static str {
        match self {
            Partition::Aws => "signin.aws.amazon.com",
            Partition::AwsUsGov => "signin.amazonaws-us-gov.com",
        }
    }

    /// The prefix of every ARN in this partition (`arn:aws:` or `arn:aws-us-gov:`).
    pub fn arn_prefix(self) -> &'static str {
        match self {
            Partition::Aws => "arn:aws:",
            Partition::AwsUsGov => "arn:aws-us-gov:",
        }
    }

    /// The regions of this partition with their human names.
    pub fn regions(self) -> Vec<RegionInfo> {
        let table = match self {
            Partition::Aws => AWS_REGIONS,
            Partition::AwsUsGov => GOV_REGIONS,
        };
        table
            .iter()
            .map(|(code, name)| RegionInfo {
                code: (*code).to_string(),
                name: (*name).to_string(),
            })
            .collect()
    }

    /// The human name of `region`, if it is a known region of this partition.
    pub fn region_name(self, region: &str) -> Option<&'static str> {
        let table = match self {
            Partition::Aws => AWS_REGIONS,
            Partition::AwsUsGov => GOV_REGIONS,
        };
        table
            .iter()
            .find(|(code, _)| *code == region)
            .map(|(_, name)| *name)
    }

    /// The partition with the given id.
    pub fn from_id(id: &str) -> Option<Partition> {
        Partition::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The bridge description of this partition.
    pub fn info(self) -> PartitionInfo {
        PartitionInfo {
            id: self,
            label: self.label().to_string(),
            default_region: self.default_region().to_string(),
            regions: self.regions(),
        }
    }

    /// Checks that `region` belongs to this partition, with a message a user understands if not.
    pub fn check_region(self, region: &str) -> Result<(), CoreError> {
        match partition_of(region) {
            Some(p) if p == self => Ok(()),
            Some(other) => Err(CoreError::InvalidInput(format!(
                "{region} is a {} region, but this session is in {}. Open a session with a {} profile to use it.",
                other.label(),
                self.label(),
                other.label()
            ))),
            None => Err(CoreError::InvalidInput(format!(
                "\"{region}\" is not an AWS region ECS Desk knows."
            ))),
        }
    }
}

/// The partition a region belongs to; `None` for regions of partitions ECS Desk does not serve.
pub fn partition_of(region: &str) -> Option<Partition> {
    // A later GovCloud region still looks like `us-gov-name-N` (nothing else: spaces, dots or
    // slashes would reach the SDK's endpoint resolver as a broken host name).
    let later_gov = region.strip_prefix("us-gov-").is_some_and(|rest| {
        rest.split_once('-').is_some_and(|(name, n)| {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase())
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
        })
    });
    if GOV_REGIONS.iter().any(|(code, _)| *code == region) || later_gov {
        return Some(Partition::AwsUsGov);
    }
    if AWS_REGIONS.iter().any(|(code, _)| *code == region) {
        return Some(Partition::Aws);
    }
    // Regions launched after this list was written still look like `xx-name-N`; China and
    // the isolated partitions (cn-, us-iso*) are not served.
    let parts: Vec<&str> = region.split('-').collect();
    let well_formed = parts.len() == 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1].chars().all(|c| c.is_ascii_lowercase())
        && !parts[1].is_empty()
        && parts[2].chars().all(|c| c.is_ascii_digit())
        && !parts[2].is_empty();
    if well_formed && parts[0] != "cn" {
        Some(Partition::Aws)
    } else {
        None
    }
}

/// The partition an ARN belongs to.
pub fn partition_of_arn(arn: &str) -> Option<Partition> {
    Partition::ALL
        .into_iter()
        .find(|p| arn.starts_with(p.arn_prefix()))
}

/// A region as shown in pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegionInfo {
    /// Region code, e.g. `us-gov-east-1`.
    pub code: String,
    /// Human name, e.g. `AWS GovCloud (US-East)`.
    pub name: String,
}

/// A partition as shown in pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PartitionInfo {
    /// Partition id.
    pub id: Partition,
    /// `Commercial` or `GovCloud (US)`.
    pub label: String,
    /// Region used when none is chosen.
    pub default_region: String,
    /// All regions of the partition.
    pub regions: Vec<RegionInfo>,
}

/// All partitions ECS Desk serves.
pub fn list_partitions() -> Vec<PartitionInfo> {
    Partition::ALL.into_iter().map(Partition::info).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_their_partition() {
        assert_eq!(partition_of("us-gov-east-1"), Some(Partition::AwsUsGov));
        assert_eq!(partition_of("us-gov-west-1"), Some(Partition::AwsUsGov));
        assert_eq!(partition_of("us-east-1"), Some(Partition::Aws));
        assert_eq!(partition_of("eu-west-3"), Some(Partition::Aws));
        assert_eq!(partition_of("xx-newplace-9"), Some(Partition::Aws));
        assert_eq!(partition_of("cn-north-1"), None);
        assert_eq!(partition_of("us-iso-east-1"), None);
        assert_eq!(partition_of("nonsense"), None);
    }

    #[test]
    fn partition_facts() {
        assert_eq!(Partition::Aws.default_region(), "us-east-1");
        assert_eq!(Partition::AwsUsGov.default_region(), "us-gov-east-1");
        assert_eq!(Partition::AwsUsGov.arn_prefix(), "arn:aws-us-gov:");
        assert_eq!(
            Partition::AwsUsGov.console_host(),
            "console.amazonaws-us-gov.com"
        );
        assert_eq!(Partition::AwsUsGov.regions().len(), 2);
        assert!(Partition::Aws.regions().len() >= 30);
        assert!(Partition::Aws
            .regions()
            .iter()
            .all(|r| partition_of(&r.code) == Some(Partition::Aws)));
        assert_eq!(Partition::from_id("aws-us-gov"), Some(Partition::AwsUsGov));
        assert_eq!(
            partition_of_arn("arn:aws-us-gov:ecs:us-gov-east-1:210987654321:cluster/x"),
            Some(Partition::AwsUsGov)
        );
        assert_eq!(
            partition_of_arn("arn:aws:ecs:us-east-1:123456789012:cluster/x"),
            Some(Partition::Aws)
        );
    }

    #[test]
    fn wrong_partition_region_is_refused_in_words() {
        let err = Partition::AwsUsGov.check_region("us-east-1").unwrap_err();
        assert_eq!(err.code(), "InvalidInput");
        assert!(err.to_string().contains("Commercial region"));
        assert!(Partition::AwsUsGov.check_region("us-gov-west-1").is_ok());
    }

    #[test]
    fn serialises_with_partition_ids() {
        let json = serde_json::to_value(list_partitions()).unwrap();
        assert_eq!(json[0]["id"], "aws");
        assert_eq!(json[1]["id"], "aws-us-gov");
        assert_eq!(json[1]["label"], "GovCloud (US)");
        assert_eq!(json[1]["defaultRegion"], "us-gov-east-1");
        assert_eq!(json[1]["regions"][0]["code"], "us-gov-east-1");
    }
}
