//! SSO settings of the AWS config file: `[sso-session NAME]` sections, the profiles that use them
//! (or the legacy `sso_start_url` form), and adding a new sso-session the way `aws configure
//! sso-session` writes it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::aws::profiles::{ConfigFile, FileFlavor, SectionKind};
use crate::error::CoreError;
use crate::model::partition::{partition_of, Partition};
use crate::util::files;

/// The scope every sign-in asks for: access to the accounts and roles of the portal. The AWS CLI
/// writes it as the default `sso_registration_scopes`; with it the token comes with a refresh token.
pub const DEFAULT_SCOPE: &str = "sso:account:access";

/// One IAM Identity Center instance to sign in to: an `[sso-session]` section, or the start URL
/// of legacy profiles (then `name` is the start URL itself and `legacy` is true).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SsoSession {
    /// The sso-session name (for legacy profiles: the start URL).
    pub name: String,
    /// The portal start URL, e.g. `https://my-sso-portal.awsapps.com/start`.
    pub start_url: String,
    /// The region of the Identity Center instance.
    pub region: String,
    /// The partition of `region`.
    pub partition: Partition,
    /// `sso_registration_scopes` (empty when not configured).
    pub registration_scopes: Vec<String>,
    /// True for the `sso_start_url` form inside profiles (no refresh tokens with the AWS CLI).
    pub legacy: bool,
}

impl SsoSession {
    /// A session value from its parts (the partition follows the region).
    pub fn new(name: &str, start_url: &str, region: &str) -> Result<SsoSession, CoreError> {
        let partition = sso_partition(region)?;
        Ok(SsoSession {
            name: name.to_string(),
            start_url: start_url.to_string(),
            region: region.to_string(),
            partition,
            registration_scopes: vec![DEFAULT_SCOPE.to_string()],
            legacy: false,
        })
    }

    /// The scopes to register with: the configured ones, or `sso:account:access`.
    pub fn scopes(&self) -> Vec<String> {
        if self.registration_scopes.is_empty() {
            vec![DEFAULT_SCOPE.to_string()]
        } else {
            self.registration_scopes.clone()
        }
    }
}

/// A profile that signs in through IAM Identity Center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SsoProfile {
    /// Profile name.
    pub name: String,
    /// The [`SsoSession::name`] it signs in with.
    pub session: String,
    /// `sso_account_id`, if set.
    pub account_id: Option<String>,
    /// `sso_role_name`, if set.
    pub role_name: Option<String>,
    /// The profile's `region`, if set.
    pub region: Option<String>,
}

/// Everything SSO-related the config file declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SsoConfig {
    /// The file read (`None` when neither `AWS_CONFIG_FILE` nor `HOME` is set).
    pub path: Option<PathBuf>,
    /// sso-sessions in file order, then one per distinct legacy start URL.
    pub sessions: Vec<SsoSession>,
    /// SSO profiles in file order.
    pub profiles: Vec<SsoProfile>,
}

impl SsoConfig {
    /// The session called `name`.
    pub fn session(&self, name: &str) -> Result<&SsoSession, CoreError> {
        self.sessions
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| {
                CoreError::NotFound(format!(
                    "There is no sso-session named \"{name}\" in {}.",
                    self.path
                        .as_deref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "the AWS config file".to_string())
                ))
            })
    }
}

/// The partition of an SSO region (`us-gov-*` is GovCloud), or an input error.
pub fn sso_partition(region: &str) -> Result<Partition, CoreError> {
    partition_of(region).ok_or_else(|| {
        CoreError::InvalidInput(format!(
            "\"{region}\" is not an AWS region ECS Desk knows. Use the region of your IAM Identity Center, e.g. us-east-1 or us-gov-west-1."
        ))
    })
}

/// The user's config file path (`AWS_CONFIG_FILE`, else `~/.aws/config`).
pub fn config_path() -> Result<PathBuf, CoreError> {
    crate::util::paths::config_file_path().ok_or_else(|| {
        CoreError::InvalidInput(
            "Neither AWS_CONFIG_FILE nor HOME is set, so ECS Desk cannot find the AWS config file."
                .to_string(),
        )
    })
}

/// Reads the SSO settings of the user's config file (`AWS_CONFIG_FILE` or `~/.aws/config`).
pub fn load_sso_config() -> Result<SsoConfig, CoreError> {
    read_sso_config(&config_path()?)
}

/// The sso-session `name` of the user's config file (legacy ones by start URL).
pub fn find_session(name: &str) -> Result<SsoSession, CoreError> {
    load_sso_config()?.session(name).cloned()
}

/// Reads the SSO settings of the config file at `path` (a missing file has none).
pub fn read_sso_config(path: &Path) -> Result<SsoConfig, CoreError> {
    let text = files::read_optional(path)?.unwrap_or_default();
    parse_sso_config(&text, path)
}

/// Parses the SSO settings of config `text` read from `path`.
pub fn parse_sso_config(text: &str, path: &Path) -> Result<SsoConfig, CoreError> {
    let file = ConfigFile::parse(text, path, FileFlavor::Config)?;
    let problem = |kind: &str, name: &str, message: String| CoreError::Config {
        path: path.to_path_buf(),
        line: header_line(text, kind, name),
        message,
    };
    let mut sessions = Vec::new();
    for section in file
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::SsoSession)
    {
        let name = &section.name;
        let start_url = section.get("sso_start_url").ok_or_else(|| {
            problem(
                "sso-session",
                name,
                format!("[sso-session {name}] has no sso_start_url"),
            )
        })?;
        let region = section.get("sso_region").ok_or_else(|| {
            problem(
                "sso-session",
                name,
                format!("[sso-session {name}] has no sso_region"),
            )
        })?;
        let partition = partition_of(region).ok_or_else(|| {
            problem(
                "sso-session",
                name,
                format!(
                    "[sso-session {name}] has sso_region = {region}, which is not an AWS region"
                ),
            )
        })?;
        sessions.push(SsoSession {
            name: name.clone(),
            start_url: start_url.to_string(),
            region: region.to_string(),
            partition,
            registration_scopes: parse_scopes(section.get("sso_registration_scopes")),
            legacy: false,
        });
    }
    let mut profiles = Vec::new();
    let mut legacy: Vec<SsoSession> = Vec::new();
    for section in file
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Profile)
    {
        let name = &section.name;
        let session = if let Some(session_name) = section.get("sso_session") {
            if !sessions.iter().any(|s| s.name == session_name) {
                return Err(problem(
                    "profile",
                    name,
                    format!(
                        "profile {name} uses sso_session = {session_name}, but there is no [sso-session {session_name}] section"
                    ),
                ));
            }
            session_name.to_string()
        } else if let Some(start_url) = section.get("sso_start_url") {
            let region = section.get("sso_region").ok_or_else(|| {
                problem(
                    "profile",
                    name,
                    format!("profile {name} has sso_start_url but no sso_region"),
                )
            })?;
            let partition = partition_of(region).ok_or_else(|| {
                problem(
                    "profile",
                    name,
                    format!("profile {name} has sso_region = {region}, which is not an AWS region"),
                )
            })?;
            if !legacy.iter().any(|s| s.name == start_url) {
                legacy.push(SsoSession {
                    name: start_url.to_string(),
                    start_url: start_url.to_string(),
                    region: region.to_string(),
                    partition,
                    registration_scopes: Vec::new(),
                    legacy: true,
                });
            }
            start_url.to_string()
        } else {
            continue;
        };
        profiles.push(SsoProfile {
            name: name.clone(),
            session,
            account_id: section.get("sso_account_id").map(str::to_string),
            role_name: section.get("sso_role_name").map(str::to_string),
            region: section.get("region").map(str::to_string),
        });
    }
    sessions.extend(legacy);
    Ok(SsoConfig {
        path: Some(path.to_path_buf()),
        sessions,
        profiles,
    })
}

/// Splits `sso_registration_scopes` the way the AWS CLI does (commas, trimmed, empties dropped).
fn parse_scopes(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The 1-based line of the `[KIND NAME]` header (`[default]` / `[profile NAME]` for profiles).
fn header_line(text: &str, kind: &str, name: &str) -> usize {
    text.lines()
        .position(|line| {
            let Some(inner) = line
                .trim()
                .strip_prefix('[')
                .and_then(|l| l.split(']').next())
            else {
                return false;
            };
            let words: Vec<&str> = inner.split_whitespace().collect();
            match words.as_slice() {
                [k, n] => *k == kind && *n == name,
                [n] => kind == "profile" && *n == name,
                _ => false,
            }
        })
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// Checks an sso-session name: it ends up in a `[sso-session NAME]` header and a file name hash.
fn check_session_name(name: &str) -> Result<(), CoreError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidInput(format!(
            "\"{name}\" cannot be used as a session name. Use letters, digits, '-', '_' or '.' (at most 64)."
        )))
    }
}

/// Checks a start URL: an https URL with a host and nothing that would break the config line.
pub fn check_start_url(start_url: &str) -> Result<(), CoreError> {
    let bad = || {
        CoreError::InvalidInput(format!(
            "\"{start_url}\" is not an SSO start URL. It looks like https://my-portal.awsapps.com/start or https://start.us-gov-home.awsapps.com/directory/my-id."
        ))
    };
    if start_url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad());
    }
    let url = url::Url::parse(start_url).map_err(|_| bad())?;
    if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    Ok(())
}

/// Appends `[sso-session NAME]` with the start URL and SSO region to the config file at `path`,
/// exactly as `aws configure sso-session` writes it. The existing bytes are kept as they are; the
/// file is replaced atomically and keeps its mode (a new file is created 0600). Refuses a name or
/// start URL that is already configured, and a malformed file (error names the line).
pub fn add_sso_session(
    path: &Path,
    name: &str,
    start_url: &str,
    region: &str,
) -> Result<SsoSession, CoreError> {
    let name = name.trim();
    let start_url = start_url.trim();
    let region = region.trim();
    check_session_name(name)?;
    check_start_url(start_url)?;
    let session = SsoSession::new(name, start_url, region)?;
    let existing = files::read_optional(path)?.unwrap_or_default();
    let config = parse_sso_config(&existing, path)?;
    if let Some(other) = config.sessions.iter().find(|s| s.name == name && !s.legacy) {
        return Err(CoreError::InvalidInput(format!(
            "An sso-session named \"{name}\" already exists in {} (start URL {}). Pick another name.",
            path.display(),
            other.start_url
        )));
    }
    let same_url = |s: &SsoSession| {
        s.start_url.trim_end_matches('/') == start_url.trim_end_matches('/') && s.region == region
    };
    if let Some(other) = config.sessions.iter().find(|s| !s.legacy && same_url(s)) {
        return Err(CoreError::InvalidInput(format!(
            "{start_url} is already configured as sso-session \"{}\" in {}.",
            other.name,
            path.display()
        )));
    }
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "[sso-session {name}]\nsso_start_url = {start_url}\nsso_region = {region}\nsso_registration_scopes = {DEFAULT_SCOPE}\n"
    ));
    files::write_atomically(path, text.as_bytes(), files::PRIVATE_FILE_MODE, false)?;
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "[default]\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access, , other:scope\n\n[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\nregion = us-west-2\n\n[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-gov-west-1\nsso_account_id = 222222222222\nsso_role_name = Admin\n\n[profile static]\naws_access_key_id = AKIA\n";

    #[test]
    fn reads_sessions_profiles_and_legacy_start_urls() {
        let cfg = parse_sso_config(SAMPLE, Path::new("/cfg")).unwrap();
        assert_eq!(cfg.sessions.len(), 2);
        let corp = cfg.session("corp").unwrap();
        assert_eq!(corp.start_url, "https://corp.awsapps.com/start");
        assert_eq!(corp.partition, Partition::Aws);
        assert_eq!(
            corp.registration_scopes,
            vec!["sso:account:access", "other:scope"]
        );
        assert!(!corp.legacy);
        let old = cfg.session("https://old.awsapps.com/start").unwrap();
        assert!(old.legacy);
        assert_eq!(old.partition, Partition::AwsUsGov);
        assert_eq!(old.scopes(), vec![DEFAULT_SCOPE]);
        assert_eq!(cfg.profiles.len(), 2);
        assert_eq!(cfg.profiles[0].name, "dev");
        assert_eq!(cfg.profiles[0].account_id.as_deref(), Some("111111111111"));
        assert_eq!(cfg.profiles[1].session, "https://old.awsapps.com/start");
        assert!(cfg.session("nope").is_err());
    }

    #[test]
    fn missing_keys_name_the_header_line() {
        let text = "[default]\nregion = us-east-1\n[sso-session broken]\nsso_region = us-east-1\n";
        let err = parse_sso_config(text, Path::new("/x/config")).unwrap_err();
        assert_eq!(err.code(), "ConfigError");
        let msg = err.to_string();
        assert!(msg.contains("/x/config") && msg.contains("line 3"), "{msg}");
        assert!(msg.contains("sso_start_url"), "{msg}");

        let text = "[profile a]\nsso_session = ghost\n";
        let msg = parse_sso_config(text, Path::new("/c"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("line 1") && msg.contains("ghost"), "{msg}");
    }

    #[test]
    fn validates_start_urls_and_names() {
        assert!(check_start_url("https://x.awsapps.com/start").is_ok());
        assert!(check_start_url("http://x.awsapps.com/start").is_err());
        assert!(check_start_url("https://x.awsapps.com/start\n[x]").is_err());
        assert!(check_start_url("not a url").is_err());
        assert!(check_session_name("ok-name_1.2").is_ok());
        assert!(check_session_name("bad name").is_err());
        assert!(check_session_name("bad]").is_err());
        assert!(check_session_name("").is_err());
    }

    #[test]
    fn header_line_matches_kinds() {
        let text = "[default]\n[profile a]\n  [sso-session  s ]\n";
        assert_eq!(header_line(text, "profile", "default"), 1);
        assert_eq!(header_line(text, "profile", "a"), 2);
        assert_eq!(header_line(text, "sso-session", "s"), 3);
        assert_eq!(header_line(text, "sso-session", "zz"), 0);
    }
}
