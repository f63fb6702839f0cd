//! The SSO token cache shared with the AWS CLI and the AWS SDKs: `~/.aws/sso/cache/*.json`.
//!
//! - Token file `<sha1 hex of the sso-session name (legacy: of the start URL)>.json`, one line of
//!   JSON with the keys, in this order, `startUrl, region, accessToken, expiresAt, clientId,
//!   clientSecret, registrationExpiresAt, refreshToken`, timestamps `%Y-%m-%dT%H:%M:%SZ`, mode 0600
//!   — byte for byte what `aws sso login` writes, so either tool picks up the other's sign-in.
//! - Client registration file (sso-sessions only) named like botocore names it: the sha1 hex of
//!   `{"region": .., "scopes": [..], "session_name": .., "startUrl": .., "tool": "botocore"}`
//!   (Python `json.dumps(sort_keys=True)`), holding `clientId, clientSecret, expiresAt, scopes,
//!   grantTypes`.
//!
//! Files are replaced atomically. A file that does not parse is reported with its path and line
//! and is never overwritten, except by a new sign-in (which replaces it whole).

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sha1::{Digest, Sha1};

use crate::aws::sso::config::SsoSession;
use crate::error::CoreError;
use crate::util::files;
use crate::util::time::parse_time;

/// Timestamp format of the AWS CLI cache files.
const CLI_TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// An SSO access token as cached by the AWS CLI (secrets redacted in `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct CachedToken {
    /// The portal start URL the token is for.
    pub start_url: String,
    /// The SSO region.
    pub region: String,
    /// The bearer token for the portal API.
    pub access_token: String,
    /// When the access token stops working.
    pub expires_at: DateTime<Utc>,
    /// The OIDC client the token was issued to.
    pub client_id: Option<String>,
    /// That client's secret (needed to refresh).
    pub client_secret: Option<String>,
    /// When the client registration expires.
    pub registration_expires_at: Option<DateTime<Utc>>,
    /// The refresh token, when the sign-in asked for a scope.
    pub refresh_token: Option<String>,
}

impl fmt::Debug for CachedToken {
    // Hand-written so tokens and secrets never reach a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("start_url", &self.start_url)
            .field("region", &self.region)
            .field("access_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("registration_expires_at", &self.registration_expires_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl CachedToken {
    /// Seconds until the access token expires (negative once expired).
    pub fn seconds_left(&self, now: DateTime<Utc>) -> i64 {
        (self.expires_at - now).num_seconds()
    }

    /// The file text, exactly as the AWS CLI writes it.
    pub fn to_cli_json(&self) -> String {
        let mut fields: Vec<(&str, Value)> = vec![
            ("startUrl", Value::Str(&self.start_url)),
            ("region", Value::Str(&self.region)),
            ("accessToken", Value::Str(&self.access_token)),
            ("expiresAt", Value::Time(self.expires_at)),
        ];
        if let Some(v) = &self.client_id {
            fields.push(("clientId", Value::Str(v)));
        }
        if let Some(v) = &self.client_secret {
            fields.push(("clientSecret", Value::Str(v)));
        }
        if let Some(v) = self.registration_expires_at {
            fields.push(("registrationExpiresAt", Value::Time(v)));
        }
        if let Some(v) = &self.refresh_token {
            fields.push(("refreshToken", Value::Str(v)));
        }
        python_json_object(&fields)
    }

    /// Parses a token file's text; errors name `path` and the line.
    pub fn parse(text: &str, path: &Path) -> Result<CachedToken, CoreError> {
        let raw: RawToken = serde_json::from_str(text).map_err(|e| json_error(path, &e))?;
        let time = |key: &str, value: &str| {
            parse_time(value).ok_or_else(|| CoreError::FileFormat {
                path: path.to_path_buf(),
                line: line_of_key(text, key),
                message: format!("{key} \"{value}\" is not a timestamp"),
            })
        };
        let expires_at = time("expiresAt", &raw.expires_at)?;
        let registration_expires_at = match &raw.registration_expires_at {
            Some(v) => Some(time("registrationExpiresAt", v)?),
            None => None,
        };
        Ok(CachedToken {
            start_url: raw.start_url,
            region: raw.region,
            access_token: raw.access_token,
            expires_at,
            client_id: raw.client_id,
            client_secret: raw.client_secret,
            registration_expires_at,
            refresh_token: raw.refresh_token,
        })
    }
}

/// The token file's fields as they are on disk.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawToken {
    start_url: String,
    region: String,
    access_token: String,
    expires_at: String,
    client_id: Option<String>,
    client_secret: Option<String>,
    registration_expires_at: Option<String>,
    refresh_token: Option<String>,
}

/// An OIDC client registration (secret redacted in `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    /// Client id from RegisterClient.
    pub client_id: String,
    /// Client secret from RegisterClient.
    pub client_secret: String,
    /// When the registration expires.
    pub expires_at: DateTime<Utc>,
    /// Scopes registered.
    pub scopes: Vec<String>,
    /// Grant types registered.
    pub grant_types: Vec<String>,
}

impl fmt::Debug for ClientRegistration {
    // Hand-written so the client secret never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("grant_types", &self.grant_types)
            .finish()
    }
}

impl ClientRegistration {
    /// The registration file text in the AWS CLI's format.
    pub fn to_cli_json(&self) -> String {
        python_json_object(&[
            ("clientId", Value::Str(&self.client_id)),
            ("clientSecret", Value::Str(&self.client_secret)),
            ("expiresAt", Value::Time(self.expires_at)),
            ("scopes", Value::List(&self.scopes)),
            ("grantTypes", Value::List(&self.grant_types)),
        ])
    }

    /// Parses a registration file's text; errors name `path` and the line.
    pub fn parse(text: &str, path: &Path) -> Result<ClientRegistration, CoreError> {
        let raw: RawRegistration = serde_json::from_str(text).map_err(|e| json_error(path, &e))?;
        let expires_at = parse_time(&raw.expires_at).ok_or_else(|| CoreError::FileFormat {
            path: path.to_path_buf(),
            line: line_of_key(text, "expiresAt"),
            message: format!("expiresAt \"{}\" is not a timestamp", raw.expires_at),
        })?;
        Ok(ClientRegistration {
            client_id: raw.client_id,
            client_secret: raw.client_secret,
            expires_at,
            scopes: raw.scopes.unwrap_or_default(),
            grant_types: raw.grant_types.unwrap_or_default(),
        })
    }
}

/// The registration file's fields as they are on disk.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRegistration {
    client_id: String,
    client_secret: String,
    expires_at: String,
    scopes: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
}

/// The cache directory (`~/.aws/sso/cache` by default).
#[derive(Debug, Clone)]
pub struct TokenCache {
    dir: PathBuf,
}

impl TokenCache {
    /// A cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> TokenCache {
        TokenCache { dir: dir.into() }
    }

    /// The cache the AWS CLI uses: `$HOME/.aws/sso/cache`.
    pub fn default_location() -> Result<TokenCache, CoreError> {
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .ok_or_else(|| {
                CoreError::InvalidInput(
                    "HOME is not set, so ECS Desk cannot find the SSO token cache (~/.aws/sso/cache)."
                        .to_string(),
                )
            })?;
        Ok(TokenCache::new(
            PathBuf::from(home).join(".aws").join("sso").join("cache"),
        ))
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The token file of `session`.
    pub fn token_path(&self, session: &SsoSession) -> PathBuf {
        self.dir.join(format!("{}.json", sha1_hex(&session.name)))
    }

    /// The client registration file of `session` (none for legacy start URLs).
    pub fn registration_path(&self, session: &SsoSession) -> Option<PathBuf> {
        (!session.legacy).then(|| self.dir.join(format!("{}.json", registration_key(session))))
    }

    /// The cached token of `session`, if any; a malformed file is an error naming it.
    pub fn read_token(&self, session: &SsoSession) -> Result<Option<CachedToken>, CoreError> {
        let path = self.token_path(session);
        match files::read_optional(&path)? {
            Some(text) => CachedToken::parse(&text, &path).map(Some),
            None => Ok(None),
        }
    }

    /// Writes the token file of `session` (0600, atomic, replacing whatever was there).
    pub fn write_token(&self, session: &SsoSession, token: &CachedToken) -> Result<(), CoreError> {
        let path = self.token_path(session);
        files::write_atomically(
            &path,
            token.to_cli_json().as_bytes(),
            files::PRIVATE_FILE_MODE,
            true,
        )
    }

    /// Deletes the token file of `session`; true if there was one.
    pub fn delete_token(&self, session: &SsoSession) -> Result<bool, CoreError> {
        files::remove_if_present(&self.token_path(session))
    }

    /// The cached registration of `session`, if any.
    pub fn read_registration(
        &self,
        session: &SsoSession,
    ) -> Result<Option<ClientRegistration>, CoreError> {
        let Some(path) = self.registration_path(session) else {
            return Ok(None);
        };
        match files::read_optional(&path)? {
            Some(text) => ClientRegistration::parse(&text, &path).map(Some),
            None => Ok(None),
        }
    }

    /// Writes the registration file of `session` (no-op for legacy start URLs).
    pub fn write_registration(
        &self,
        session: &SsoSession,
        registration: &ClientRegistration,
    ) -> Result<(), CoreError> {
        match self.registration_path(session) {
            Some(path) => files::write_atomically(
                &path,
                registration.to_cli_json().as_bytes(),
                files::PRIVATE_FILE_MODE,
                true,
            ),
            None => Ok(()),
        }
    }

    /// Deletes the registration file of `session`; true if there was one.
    pub fn delete_registration(&self, session: &SsoSession) -> Result<bool, CoreError> {
        match self.registration_path(session) {
            Some(path) => files::remove_if_present(&path),
            None => Ok(false),
        }
    }
}

/// Lower-case hex sha1 of `text`.
pub fn sha1_hex(text: &str) -> String {
    hex::encode(Sha1::digest(text.as_bytes()))
}

/// botocore's registration cache key of an sso-session: sha1 of its arguments as Python's
/// `json.dumps(args, sort_keys=True)` prints them.
pub fn registration_key(session: &SsoSession) -> String {
    let scopes = if session.registration_scopes.is_empty() {
        "null".to_string()
    } else {
        let items: Vec<String> = session
            .registration_scopes
            .iter()
            .map(|s| python_json_string(s))
            .collect();
        format!("[{}]", items.join(", "))
    };
    let args = format!(
        "{{\"region\": {}, \"scopes\": {scopes}, \"session_name\": {}, \"startUrl\": {}, \"tool\": \"botocore\"}}",
        python_json_string(&session.region),
        python_json_string(&session.name),
        python_json_string(&session.start_url),
    );
    sha1_hex(&args)
}

/// A value in a cache file.
enum Value<'a> {
    /// A string.
    Str(&'a str),
    /// A timestamp, written in the CLI format.
    Time(DateTime<Utc>),
    /// A list of strings.
    List(&'a [String]),
}

/// A JSON object printed like Python's `json.dumps` (`", "` and `": "` separators, keys in the
/// given order, non-ASCII escaped).
fn python_json_object(fields: &[(&str, Value<'_>)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(key, value)| {
            let value = match value {
                Value::Str(s) => python_json_string(s),
                Value::Time(t) => python_json_string(&t.format(CLI_TIME_FORMAT).to_string()),
                Value::List(items) => {
                    let items: Vec<String> = items.iter().map(|s| python_json_string(s)).collect();
                    format!("[{}]", items.join(", "))
                }
            };
            format!("{}: {value}", python_json_string(key))
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// A JSON string as Python's `json.dumps` (with `ensure_ascii`) prints it.
fn python_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The error for a file that is not the JSON expected.
fn json_error(path: &Path, err: &serde_json::Error) -> CoreError {
    CoreError::FileFormat {
        path: path.to_path_buf(),
        line: err.line().max(1),
        message: format!("not a valid SSO cache file ({err})"),
    }
}

/// The 1-based line where `"key"` appears in `text` (1 when absent).
fn line_of_key(text: &str, key: &str) -> usize {
    text.find(&format!("\"{key}\""))
        .map(|pos| text[..pos].matches('\n').count() + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn token() -> CachedToken {
        CachedToken {
            start_url: "https://ecsdesk-demo.awsapps.com/start".into(),
            region: "us-east-1".into(),
            access_token: "aoaAAAAA".into(),
            expires_at: Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap(),
            client_id: Some("cid".into()),
            client_secret: Some("csecret".into()),
            registration_expires_at: Some(Utc.with_ymd_and_hms(2030, 3, 1, 0, 0, 0).unwrap()),
            refresh_token: Some("rt".into()),
        }
    }

    #[test]
    fn token_json_is_the_cli_format_and_round_trips() {
        let t = token();
        let json = t.to_cli_json();
        assert_eq!(
            json,
            "{\"startUrl\": \"https://ecsdesk-demo.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"aoaAAAAA\", \"expiresAt\": \"2030-01-02T03:04:05Z\", \"clientId\": \"cid\", \"clientSecret\": \"csecret\", \"registrationExpiresAt\": \"2030-03-01T00:00:00Z\", \"refreshToken\": \"rt\"}"
        );
        assert_eq!(CachedToken::parse(&json, Path::new("/t")).unwrap(), t);
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("aoaAAAAA") && !dbg.contains("csecret") && !dbg.contains("\"rt\""));
    }

    #[test]
    fn accepts_other_timestamp_forms() {
        let want = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
        for form in [
            "2030-01-02T03:04:05Z",
            "2030-01-02T03:04:05.000Z",
            "2030-01-02T03:04:05+00:00",
            "2030-01-02T03:04:05UTC",
            "2030-01-02T05:04:05+02:00",
        ] {
            assert_eq!(parse_time(form), Some(want), "{form}");
        }
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn malformed_files_name_the_line() {
        let text = "{\n  \"startUrl\": \"x\",\n  \"region\": \"us-east-1\",\n  \"accessToken\": \"a\",\n  \"expiresAt\": \"soon\"\n}";
        let err = CachedToken::parse(text, Path::new("/c/abc.json")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("/c/abc.json") && msg.contains("line 5"),
            "{msg}"
        );
        let err = CachedToken::parse("{\n\"startUrl\": \"x\",\n oops", Path::new("/c/t.json"))
            .unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        assert_eq!(err.code(), "ConfigError");
    }

    #[test]
    fn registration_key_matches_botocore() {
        // sha1 of {"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "my-sso",
        // "startUrl": "https://my-sso-portal.awsapps.com/start", "tool": "botocore"}
        let session = SsoSession::new(
            "my-sso",
            "https://my-sso-portal.awsapps.com/start",
            "us-east-1",
        )
        .unwrap();
        let expected = sha1_hex("{\"region\": \"us-east-1\", \"scopes\": [\"sso:account:access\"], \"session_name\": \"my-sso\", \"startUrl\": \"https://my-sso-portal.awsapps.com/start\", \"tool\": \"botocore\"}");
        assert_eq!(registration_key(&session), expected);
        let mut no_scopes = session.clone();
        no_scopes.registration_scopes.clear();
        assert_ne!(registration_key(&no_scopes), expected);
        assert_eq!(python_json_string("é\"\n"), "\"\\u00e9\\\"\\n\"");
    }

    #[test]
    fn token_file_name_is_sha1_of_session_name() {
        let cache = TokenCache::new("/c");
        let session =
            SsoSession::new("my-sso", "https://x.awsapps.com/start", "us-east-1").unwrap();
        // Known value: sha1("my-sso").
        assert_eq!(
            cache.token_path(&session),
            PathBuf::from(format!("/c/{}.json", sha1_hex("my-sso")))
        );
        assert_eq!(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }
}
