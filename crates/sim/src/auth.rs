//! SigV4 `Authorization` header parsing and the check of the credentials it names.

use crate::error::AwsError;
use crate::world::{Principal, World};

/// What a SigV4 signature says about the caller: key, region and service of its scope.
#[derive(Debug, Clone, PartialEq)]
pub struct SigScope {
    /// Access key id.
    pub access_key: String,
    /// Region the request was signed for.
    pub region: String,
    /// Signing name of the service (`ecs`, `monitoring`, `logs`, `elasticloadbalancing`, `sts`).
    pub service: String,
}

/// Parse `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...`.
pub fn parse_authorization(header: &str) -> Option<SigScope> {
    let rest = header.strip_prefix("AWS4-HMAC-SHA256")?.trim_start();
    let credential = rest
        .split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("Credential="))?;
    let mut parts = credential.split('/');
    let access_key = parts.next()?.to_string();
    let _date = parts.next()?;
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    if access_key.is_empty() || region.is_empty() {
        return None;
    }
    Some(SigScope {
        access_key,
        region,
        service,
    })
}

/// The AWS code for an unknown key: awsQuery services say `InvalidClientTokenId`.
fn unknown_key(query: bool) -> AwsError {
    if query {
        AwsError::with_status(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    } else {
        AwsError::with_status(
            400,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    }
}

/// Check a signed request's key, session token, expiry and partition; answer who is calling.
pub fn authorize(
    world: &World,
    scope: Option<&SigScope>,
    session_token: Option<&str>,
    query_protocol: bool,
) -> Result<Principal, AwsError> {
    let Some(scope) = scope else {
        return Err(AwsError::with_status(
            403,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    };
    let Some(cred) = world.credentials.get(&scope.access_key) else {
        return Err(unknown_key(query_protocol));
    };
    if cred.session_token.as_deref() != session_token {
        return Err(unknown_key(query_protocol));
    }
    if let Some(expires) = cred.expires_at {
        if world.clock.now() >= expires {
            return Err(AwsError::with_status(
                if query_protocol { 403 } else { 400 },
                "ExpiredTokenException",
                "The security token included in the request is expired",
            ));
        }
    }
    let Some(account) = world.account(&cred.principal.account_id) else {
        return Err(unknown_key(query_protocol));
    };
    // A key only exists in its own partition: signing for another partition's region is, to AWS,
    // an unknown key at a different endpoint.
    if crate::world::partition_of_region(&scope.region) != Some(account.partition.as_str()) {
        return Err(unknown_key(query_protocol));
    }
    Ok(cred.principal.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_credential_scope() {
        let h = "AWS4-HMAC-SHA256 Credential=AKIAX/20261123/us-gov-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        let s = parse_authorization(h);
        assert_eq!(
            s,
            Some(SigScope {
                access_key: "AKIAX".into(),
                region: "us-gov-east-1".into(),
                service: "ecs".into()
            })
        );
    }

    #[test]
    fn rejects_other_schemes() {
        assert_eq!(parse_authorization("Bearer abc"), None);
        assert_eq!(parse_authorization("AWS4-HMAC-SHA256 Signature=x"), None);
    }
}
