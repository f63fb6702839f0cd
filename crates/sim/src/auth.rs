//! SigV4: the `Authorization` header, the check of the signature against the secret key of the
//! credentials it names (as AWS does, so a client that signs wrongly fails here too), and the
//! check of those credentials' session token, expiry and partition.

use sha2::{Digest, Sha256};

use crate::error::AwsError;
use crate::world::{Principal, World};

/// What a SigV4 `Authorization` header says: key, date, region and service of its scope, the
/// headers it signed and the signature.
#[derive(Debug, Clone, PartialEq)]
pub struct SigScope {
    /// Access key id.
    pub access_key: String,
    /// Scope date, `YYYYMMDD`.
    pub date: String,
    /// Region the request was signed for.
    pub region: String,
    /// Signing name of the service (`ecs`, `monitoring`, `logs`, `elasticloadbalancing`, `sts`).
    pub service: String,
    /// Names of the signed headers, lower case, in the header's order.
    pub signed_headers: Vec<String>,
    /// The signature, hex.
    pub signature: String,
}

/// Parse `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=..,
/// Signature=..`.
pub fn parse_authorization(header: &str) -> Option<SigScope> {
    let rest = header.strip_prefix("AWS4-HMAC-SHA256")?.trim_start();
    let field = |name: &str| {
        rest.split(',')
            .map(str::trim)
            .find_map(|part| part.strip_prefix(name))
    };
    let credential = field("Credential=")?;
    let mut parts = credential.split('/');
    let access_key = parts.next()?.to_string();
    let date = parts.next()?.to_string();
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    if access_key.is_empty() || region.is_empty() {
        return None;
    }
    Some(SigScope {
        access_key,
        date,
        region,
        service,
        signed_headers: field("SignedHeaders=")
            .map(|h| h.split(';').map(str::to_ascii_lowercase).collect())
            .unwrap_or_default(),
        signature: field("Signature=").unwrap_or_default().to_string(),
    })
}

/// How far a request's `x-amz-date` may be from this machine's clock (AWS allows 15 minutes).
const MAX_SKEW_SECS: i64 = 15 * 60;

/// What arrived, for rebuilding the string a SigV4 signature signs.
pub struct SignedRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path as sent (percent-encoded once by the client).
    pub path: &'a str,
    /// Query string as sent, without `?`.
    pub query: &'a str,
    /// Every header, name lower case, in arrival order (repeated names repeat).
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

/// The SigV4 string to sign of `request` as `scope` says it was signed, or the error AWS gives
/// when the request cannot have been signed properly (no date, date outside the scope or skewed).
pub fn string_to_sign(
    scope: &SigScope,
    request: &SignedRequest<'_>,
    query_protocol: bool,
) -> Result<String, AwsError> {
    let incomplete = |what: &str| {
        AwsError::with_status(
            if query_protocol { 403 } else { 400 },
            "IncompleteSignatureException",
            format!("Authorization header requires {what}."),
        )
    };
    let header = |name: &str| -> Option<String> {
        let values: Vec<String> = request
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    if scope.signature.is_empty() {
        return Err(incomplete("'Signature' parameter"));
    }
    if scope.signed_headers.is_empty() {
        return Err(incomplete("'SignedHeaders' parameter"));
    }
    let amz_date = header("x-amz-date").ok_or_else(|| incomplete("an 'X-Amz-Date' header"))?;
    let signed_at = chrono::NaiveDateTime::parse_from_str(&amz_date, "%Y%m%dT%H%M%SZ")
        .map_err(|_| incomplete("a valid 'X-Amz-Date' header (YYYYMMDD'T'HHMMSS'Z')"))?
        .and_utc();
    let skew = (chrono::Utc::now() - signed_at).num_seconds();
    if skew.abs() > MAX_SKEW_SECS {
        return Err(signature_error(
            query_protocol,
            &format!(
                "Signature expired: {amz_date} is more than 15 minutes from the server's time."
            ),
        ));
    }
    if !amz_date.starts_with(&scope.date) {
        return Err(signature_error(
            query_protocol,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.",
        ));
    }
    let mut canonical_headers = String::new();
    for name in &scope.signed_headers {
        let value =
            header(name).ok_or_else(|| incomplete(&format!("the signed header '{name}'")))?;
        canonical_headers.push_str(&format!("{name}:{value}\n"));
    }
    let payload =
        header("x-amz-content-sha256").unwrap_or_else(|| hex::encode(Sha256::digest(request.body)));
    let path = if request.path.is_empty() {
        "/"
    } else {
        request.path
    };
    let canonical_request = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{}\n{payload}",
        request.method,
        uri_encode(path, true),
        canonical_query(request.query),
        scope.signed_headers.join(";"),
    );
    Ok(format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}/{}/{}/aws4_request\n{}",
        scope.date,
        scope.region,
        scope.service,
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    ))
}

/// The signature of `string_to_sign` with `secret` for `scope`, hex.
pub fn sign(secret: &str, scope: &SigScope, string_to_sign: &str) -> String {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), scope.date.as_bytes());
    let k_region = hmac(&k_date, scope.region.as_bytes());
    let k_service = hmac(&k_region, scope.service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    hex::encode(hmac(&k_signing, string_to_sign.as_bytes()))
}

/// HMAC-SHA256 (RFC 2104).
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// RFC 3986 percent-encoding of everything but unreserved characters (and `/` when `keep_slash`).
fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (a malformed one is kept as it is).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex_pair) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The canonical query string: every name and value encoded, sorted by name, then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), false),
                uri_encode(&percent_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The error AWS gives for a signature that does not match (JSON and query services differ).
fn signature_error(query_protocol: bool, message: &str) -> AwsError {
    if query_protocol {
        AwsError::with_status(403, "SignatureDoesNotMatch", message)
    } else {
        AwsError::with_status(403, "InvalidSignatureException", message)
    }
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

/// Check a signed request's signature (`string_to_sign` is what it should sign, or why it
/// cannot), key, session token, expiry and partition; answer who is calling.
pub fn authorize(
    world: &World,
    scope: Option<&SigScope>,
    string_to_sign: Option<&Result<String, AwsError>>,
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
    let expected = match string_to_sign {
        Some(Ok(text)) => sign(&cred.secret_access_key, scope, text),
        Some(Err(e)) => return Err(e.clone()),
        None => String::new(),
    };
    if expected != scope.signature {
        return Err(signature_error(
            query_protocol,
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method.",
        ));
    }
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
                date: "20261123".into(),
                region: "us-gov-east-1".into(),
                service: "ecs".into(),
                signed_headers: vec!["host".into(), "x-amz-date".into()],
                signature: "abc".into(),
            })
        );
    }

    #[test]
    fn rejects_other_schemes() {
        assert_eq!(parse_authorization("Bearer abc"), None);
        assert_eq!(parse_authorization("AWS4-HMAC-SHA256 Signature=x"), None);
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        assert_eq!(
            hex::encode(hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn queries_are_sorted_and_encoded_once() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(
            canonical_query("role_name=Read%20Only&account_id=1&b=a+b"),
            "account_id=1&b=a%2Bb&role_name=Read%20Only"
        );
        assert_eq!(uri_encode("/service/x y/op", true), "/service/x%20y/op");
    }

    /// A POST to `/` with `headers` and `body`.
    fn post<'a>(headers: &'a [(String, String)], body: &'a [u8]) -> SignedRequest<'a> {
        SignedRequest {
            method: "POST",
            path: "/",
            query: "",
            headers,
            body,
        }
    }

    /// A request signed with `secret` now, the way the SDKs do.
    fn signed(secret: &str, body: &[u8]) -> (SigScope, Vec<(String, String)>) {
        let now = chrono::Utc::now();
        let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
        let headers = vec![
            ("host".to_string(), "127.0.0.1:4566".to_string()),
            ("x-amz-date".to_string(), amz_date),
            (
                "x-amz-target".to_string(),
                "AmazonEC2ContainerServiceV20141113.ListClusters".to_string(),
            ),
        ];
        let mut scope = SigScope {
            access_key: "AKIAX".into(),
            date: now.format("%Y%m%d").to_string(),
            region: "us-east-1".into(),
            service: "ecs".into(),
            signed_headers: vec!["host".into(), "x-amz-date".into(), "x-amz-target".into()],
            // Replaced below; a request without one is refused before anything is signed.
            signature: "0".into(),
        };
        let request = post(&headers, body);
        let text = string_to_sign(&scope, &request, false).expect("string to sign");
        scope.signature = sign(secret, &scope, &text);
        (scope, headers)
    }

    #[test]
    fn a_changed_body_or_secret_changes_the_signature() {
        let (scope, headers) = signed("secret", b"{}");
        let check = |body: &[u8], secret: &str| {
            let request = post(&headers, body);
            let text = string_to_sign(&scope, &request, false).expect("string to sign");
            sign(secret, &scope, &text) == scope.signature
        };
        assert!(check(b"{}", "secret"));
        assert!(!check(b"{\"maxResults\":1}", "secret"), "tampered body");
        assert!(!check(b"{}", "other"), "wrong secret");
    }

    #[test]
    fn a_stale_or_missing_date_is_refused_with_the_aws_code() {
        let (scope, mut headers) = signed("secret", b"");
        headers[1].1 = "20200101T000000Z".into();
        let request = post(&headers, b"");
        let err = string_to_sign(&scope, &request, false).expect_err("stale");
        assert_eq!(err.code, "InvalidSignatureException");
        assert!(err.message.contains("Signature expired"), "{}", err.message);
        headers.remove(1);
        let request = post(&headers, b"");
        let err = string_to_sign(&scope, &request, true).expect_err("no date");
        assert_eq!(err.code, "IncompleteSignatureException");
    }
}
