//! Timestamps: RFC 3339 text for the UI and the files, from chrono and from the AWS SDK, and the
//! forms found in other tools' files.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// An RFC 3339 timestamp in whole seconds, UTC (`2026-01-02T03:04:05Z`).
pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Now as RFC 3339 (seconds, UTC).
pub fn now_rfc3339() -> String {
    rfc3339(Utc::now())
}

/// An SDK timestamp as an RFC 3339 string, keeping the fractional seconds AWS sent.
pub fn sdk_rfc3339(time: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    time.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

/// Parses the timestamp forms found in cache files: `...Z`, fractional seconds, `+00:00`, and the
/// `...UTC` form old botocore versions wrote.
pub fn parse_time(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&Utc));
    }
    let bare = value
        .strip_suffix("UTC")
        .or_else(|| value.strip_suffix('Z'))
        .unwrap_or(value);
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(bare, f).ok())
        .map(|n| n.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_rfc3339_formats_utc() {
        let t = aws_smithy_types::DateTime::from_secs(1_700_000_000);
        assert_eq!(
            sdk_rfc3339(Some(&t)).as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(sdk_rfc3339(None), None);
    }
}
