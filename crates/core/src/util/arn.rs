//! Parts of ARNs: the resource name or id at the end, the account in the fifth field.

/// The last `/`-separated part of an ARN (its resource name or id).
pub(crate) fn arn_name(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

/// The account id in an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`).
pub fn account_of_arn(arn: &str) -> Option<String> {
    arn.split(':')
        .nth(4)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_name_takes_last_segment() {
        assert_eq!(
            arn_name("arn:aws-us-gov:ecs:us-gov-east-1:210987654321:task/coe-ecs-prod/abc123"),
            "abc123"
        );
        assert_eq!(arn_name("plain"), "plain");
    }
}
