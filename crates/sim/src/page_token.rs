//! Opaque pagination tokens. Each service's tokens look like its own (CloudWatch, CloudWatch Logs
//! and the SSO portal: URL-safe base64 of a short cursor; ECS and ELBv2: standard base64 naming
//! the listing), but underneath they are readable text, so a token from another listing or a
//! forged one is refused instead of read as a position.

use base64::Engine;

/// URL-safe base64 (no padding) of a cursor such as `lg:50`.
pub fn encode(cursor: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(cursor)
}

/// The cursor text of a token made by `encode`; None for anything else.
pub fn decode(token: &str) -> Option<String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
}

/// The offset in a token made by `encode` from `{prefix}{offset}`.
pub fn offset(token: &str, prefix: &str) -> Option<usize> {
    decode(token).and_then(|s| s.strip_prefix(prefix).and_then(|n| n.parse().ok()))
}

/// An ECS or ELBv2 token for position `offset` of listing `op`, refused by any other listing.
pub fn encode_listing(op: &str, offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("ecsdesk-sim:{op}:{offset}"))
}

/// The offset in a token made by `encode_listing` for the same `op`.
pub fn decode_listing(op: &str, token: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    text.strip_prefix("ecsdesk-sim:")?
        .strip_prefix(op)?
        .strip_prefix(':')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_other_operations() {
        let t = encode_listing("ListServices", 30);
        assert_eq!(decode_listing("ListServices", &t), Some(30));
        assert_eq!(decode_listing("ListTasks", &t), None);
        assert_eq!(decode_listing("ListServices", "garbage!"), None);
    }

    #[test]
    fn cursor_tokens_round_trip_and_check_their_prefix() {
        let t = encode("lg:50");
        assert_eq!(decode(&t).as_deref(), Some("lg:50"));
        assert_eq!(offset(&t, "lg:"), Some(50));
        assert_eq!(offset(&t, "ls:"), None);
        assert_eq!(offset("not base64!", "lg:"), None);
    }
}
