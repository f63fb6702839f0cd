//! Reading the AWS shared config file (`~/.aws/config`) to list the profiles a user can open.
//!
//! Read-only: this module never writes to the file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;
use crate::model::partition::{partition_of, Partition};
use crate::util::arn::account_of_arn;
use crate::util::paths::config_file_path;
use crate::util::paths::credentials_file_path;

/// How a profile obtains credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProfileKind {
    /// Access keys in the config or credentials file.
    Static,
    /// IAM Identity Center (SSO), via `sso_session` or legacy `sso_start_url`.
    Sso,
    /// An external `credential_process`.
    Process,
    /// `role_arn` assumed from another profile or source.
    AssumeRole,
    /// Anything else (e.g. only a region, web identity).
    Other,
}

/// A profile as shown in the profile picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInfo {
    /// Profile name (`default` for the default profile).
    pub name: String,
    /// The profile's region, if set.
    pub region: Option<String>,
    /// The partition the profile works in (from its region or SSO region).
    pub partition: Partition,
    /// How the profile gets credentials.
    pub kind: ProfileKind,
    /// The `[sso-session NAME]` the profile uses, if any.
    pub sso_session: Option<String>,
    /// The account the profile signs in to, when the file says (`sso_account_id` or `role_arn`).
    pub account_id: Option<String>,
}

/// What kind of section a `[...]` header opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// `[default]` or `[profile NAME]`.
    Profile,
    /// `[sso-session NAME]`.
    SsoSession,
    /// `[services NAME]` and anything else the SDK knows.
    Other,
}

/// One `[...]` section of the file with its `key = value` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// What the header declares.
    pub kind: SectionKind,
    /// The name after the keyword (`default` for `[default]`).
    pub name: String,
    /// Settings; sub-properties (indented lines) are stored as `parent.child`.
    pub settings: BTreeMap<String, String>,
}

impl Section {
    /// The value of `key`, if set and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// A parsed AWS config (or credentials) file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFile {
    /// Sections in file order.
    pub sections: Vec<Section>,
}

/// Whether the file being parsed is a config file (`[profile x]`) or a credentials file (`[x]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFlavor {
    /// `~/.aws/config`.
    Config,
    /// `~/.aws/credentials`.
    Credentials,
}

impl ConfigFile {
    /// Parses `text`, read from `path` (used in error messages).
    pub fn parse(text: &str, path: &Path, flavor: FileFlavor) -> Result<ConfigFile, CoreError> {
        let mut sections: Vec<Section> = Vec::new();
        let mut last_key: Option<String> = None;
        let error = |line: usize, message: String| CoreError::Config {
            path: path.to_path_buf(),
            line,
            message,
        };
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            let indented = raw.starts_with(' ') || raw.starts_with('\t');
            if trimmed.starts_with('[') {
                let Some(inner) = trimmed
                    .strip_suffix(']')
                    .or_else(|| strip_trailing_comment(trimmed).strip_suffix(']'))
                else {
                    return Err(error(
                        line_no,
                        format!("section header `{trimmed}` has no closing `]`"),
                    ));
                };
                let inner = inner.trim_start_matches('[').trim();
                if inner.is_empty() {
                    return Err(error(line_no, "empty section header `[]`".to_string()));
                }
                sections.push(section_from_header(inner, flavor));
                last_key = None;
                continue;
            }
            let Some(section) = sections.last_mut() else {
                return Err(error(
                    line_no,
                    format!("`{trimmed}` appears before any [profile ...] section"),
                ));
            };
            if indented {
                // A sub-property line such as `  max_attempts = 3` under `s3 =`.
                let Some(parent) = last_key.clone() else {
                    return Err(error(
                        line_no,
                        format!("indented line `{trimmed}` continues no setting"),
                    ));
                };
                if let Some((key, value)) = trimmed.split_once('=') {
                    section
                        .settings
                        .insert(format!("{parent}.{}", key.trim()), value.trim().to_string());
                }
                continue;
            }
            let Some((key, value)) = trimmed.split_once('=') else {
                return Err(error(
                    line_no,
                    format!("expected `key = value` but found `{trimmed}`"),
                ));
            };
            let key = key.trim();
            if key.is_empty() {
                return Err(error(line_no, format!("setting `{trimmed}` has no name")));
            }
            let value = strip_trailing_comment(value.trim()).trim().to_string();
            section.settings.insert(key.to_string(), value);
            last_key = Some(key.to_string());
        }
        Ok(ConfigFile { sections })
    }

    /// The profile section called `name`.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.kind == SectionKind::Profile && s.name == name)
    }

    /// The `[sso-session name]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.kind == SectionKind::SsoSession && s.name == name)
    }

    /// Profiles in file order, described for the picker.
    pub fn profiles(&self) -> Vec<ProfileInfo> {
        self.sections
            .iter()
            .filter(|s| s.kind == SectionKind::Profile)
            .map(|s| self.describe(s))
            .collect()
    }

    /// Describes one profile section.
    fn describe(&self, section: &Section) -> ProfileInfo {
        let sso_session = section.get("sso_session").map(str::to_string);
        let kind = if section.get("role_arn").is_some() {
            ProfileKind::AssumeRole
        } else if sso_session.is_some() || section.get("sso_start_url").is_some() {
            ProfileKind::Sso
        } else if section.get("credential_process").is_some() {
            ProfileKind::Process
        } else if section.get("aws_access_key_id").is_some() {
            ProfileKind::Static
        } else {
            ProfileKind::Other
        };
        let region = section.get("region").map(str::to_string);
        let sso_region = section.get("sso_region").or_else(|| {
            sso_session
                .as_deref()
                .and_then(|name| self.sso_session(name))
                .and_then(|s| s.get("sso_region"))
        });
        let partition = region
            .as_deref()
            .or(sso_region)
            .and_then(partition_of)
            .unwrap_or(Partition::Aws);
        let account_id = section
            .get("sso_account_id")
            .map(str::to_string)
            .or_else(|| section.get("role_arn").and_then(account_of_arn));
        ProfileInfo {
            name: section.name.clone(),
            region,
            partition,
            kind,
            sso_session,
            account_id,
        }
    }

    /// Adds profiles of a credentials file that the config file does not declare.
    pub fn merge_credentials(&mut self, credentials: ConfigFile) {
        for section in credentials.sections {
            match self
                .sections
                .iter_mut()
                .find(|s| s.kind == SectionKind::Profile && s.name == section.name)
            {
                Some(existing) => {
                    for (key, value) in section.settings {
                        existing.settings.entry(key).or_insert(value);
                    }
                }
                None => self.sections.push(section),
            }
        }
    }
}

/// Removes a ` # comment` or ` ; comment` from the end of a value.
fn strip_trailing_comment(value: &str) -> &str {
    for marker in [" #", "\t#", " ;", "\t;"] {
        if let Some(pos) = value.find(marker) {
            return &value[..pos];
        }
    }
    value
}

/// Builds an empty section from the text between `[` and `]`.
fn section_from_header(inner: &str, flavor: FileFlavor) -> Section {
    let mut words = inner.splitn(2, char::is_whitespace);
    let first = words.next().unwrap_or_default();
    let rest = words.next().map(str::trim).unwrap_or_default();
    let (kind, name) = match (flavor, first, rest.is_empty()) {
        (FileFlavor::Credentials, _, _) => (SectionKind::Profile, inner.to_string()),
        (FileFlavor::Config, "default", true) => (SectionKind::Profile, "default".to_string()),
        (FileFlavor::Config, "profile", false) => (SectionKind::Profile, rest.to_string()),
        (FileFlavor::Config, "sso-session", false) => (SectionKind::SsoSession, rest.to_string()),
        _ => (SectionKind::Other, inner.to_string()),
    };
    Section {
        kind,
        name,
        settings: BTreeMap::new(),
    }
}

/// Reads and parses `path`; a missing file is an empty file.
pub fn read_file(path: &Path, flavor: FileFlavor) -> Result<ConfigFile, CoreError> {
    match std::fs::read_to_string(path) {
        Ok(text) => ConfigFile::parse(&text, path, flavor),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(source) => Err(CoreError::ConfigIo {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Reads the user's config file merged with the credentials file.
pub fn load() -> Result<ConfigFile, CoreError> {
    let mut config = match config_file_path() {
        Some(path) => read_file(&path, FileFlavor::Config)?,
        None => ConfigFile::default(),
    };
    if let Some(path) = credentials_file_path() {
        config.merge_credentials(read_file(&path, FileFlavor::Credentials)?);
    }
    Ok(config)
}

/// Lists the profiles of the user's AWS config and credentials files.
pub fn list_profiles() -> Result<Vec<ProfileInfo>, CoreError> {
    Ok(load()?.profiles())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
# A comment
[default]
region = us-east-1
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[sso-session ecsdesk-demo-gov]
sso_start_url = https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo
sso_region = us-gov-west-1
sso_registration_scopes = sso:account:access

[profile gov-operator]
sso_session = ecsdesk-demo-gov
sso_account_id = 210987654321
sso_role_name = OperatorAccess

[profile legacy-sso]
sso_start_url = https://ecsdesk-demo.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = ReadOnlyAccess
region = us-east-2 ; trailing comment

[profile proc]
credential_process = /usr/bin/get-creds --profile x
region = us-gov-west-1

[profile assumer]
role_arn = arn:aws-us-gov:iam::210987654321:role/OperatorAccess
source_profile = default
region = us-gov-east-1

[profile tuned]
region = eu-west-1
s3 =
  max_concurrent_requests = 20

[services local]
ecs =
  endpoint_url = http://127.0.0.1:4566
"#;

    fn parse(text: &str) -> Result<ConfigFile, CoreError> {
        ConfigFile::parse(text, Path::new("/home/u/.aws/config"), FileFlavor::Config)
    }

    #[test]
    fn lists_profiles_with_kinds() {
        let profiles = parse(SAMPLE).unwrap().profiles();
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "default",
                "gov-operator",
                "legacy-sso",
                "proc",
                "assumer",
                "tuned"
            ]
        );
        let by = |n: &str| profiles.iter().find(|p| p.name == n).unwrap().clone();

        let default = by("default");
        assert_eq!(default.kind, ProfileKind::Static);
        assert_eq!(default.region.as_deref(), Some("us-east-1"));
        assert_eq!(default.partition, Partition::Aws);

        let gov = by("gov-operator");
        assert_eq!(gov.kind, ProfileKind::Sso);
        assert_eq!(gov.sso_session.as_deref(), Some("ecsdesk-demo-gov"));
        assert_eq!(gov.account_id.as_deref(), Some("210987654321"));
        assert_eq!(gov.region, None);
        // No region of its own: the partition comes from the SSO session's region.
        assert_eq!(gov.partition, Partition::AwsUsGov);

        let legacy = by("legacy-sso");
        assert_eq!(legacy.kind, ProfileKind::Sso);
        assert_eq!(legacy.sso_session, None);
        assert_eq!(legacy.region.as_deref(), Some("us-east-2"));

        let proc_ = by("proc");
        assert_eq!(proc_.kind, ProfileKind::Process);
        assert_eq!(proc_.partition, Partition::AwsUsGov);

        let assumer = by("assumer");
        assert_eq!(assumer.kind, ProfileKind::AssumeRole);
        assert_eq!(assumer.account_id.as_deref(), Some("210987654321"));

        let tuned = by("tuned");
        assert_eq!(tuned.kind, ProfileKind::Other);
    }

    #[test]
    fn sub_properties_and_other_sections_are_kept_apart() {
        let file = parse(SAMPLE).unwrap();
        let tuned = file.profile("tuned").unwrap();
        assert_eq!(tuned.get("s3.max_concurrent_requests"), Some("20"));
        assert!(file.profile("local").is_none());
        assert!(file.sso_session("ecsdesk-demo-gov").is_some());
    }

    #[test]
    fn malformed_line_names_file_and_line() {
        let text = "[profile a]\nregion = us-east-1\nthis line is wrong\n";
        let err = parse(text).unwrap_err();
        match &err {
            CoreError::Config { path, line, .. } => {
                assert_eq!(path, Path::new("/home/u/.aws/config"));
                assert_eq!(*line, 3);
            }
            other => panic!("unexpected error {other:?}"),
        }
        let text = err.to_string();
        assert!(text.contains("/home/u/.aws/config"), "{text}");
        assert!(text.contains("line 3"), "{text}");
        assert_eq!(err.code(), "ConfigError");
    }

    #[test]
    fn unclosed_header_and_orphan_setting_are_errors() {
        let err = parse("\n[profile a\nregion = x\n").unwrap_err();
        assert!(matches!(err, CoreError::Config { line: 2, .. }), "{err:?}");
        let err = parse("region = us-east-1\n").unwrap_err();
        assert!(matches!(err, CoreError::Config { line: 1, .. }), "{err:?}");
    }

    #[test]
    fn credentials_file_adds_static_profiles() {
        let mut config = parse("[profile a]\nregion = us-gov-west-1\n").unwrap();
        let creds = ConfigFile::parse(
            "[a]\naws_access_key_id = AK\naws_secret_access_key = s\n[b]\naws_access_key_id = AK2\n",
            Path::new("/home/u/.aws/credentials"),
            FileFlavor::Credentials,
        )
        .unwrap();
        config.merge_credentials(creds);
        let profiles = config.profiles();
        assert_eq!(profiles.len(), 2);
        assert_eq!(profiles[0].kind, ProfileKind::Static);
        assert_eq!(profiles[0].partition, Partition::AwsUsGov);
        assert_eq!(profiles[1].name, "b");
    }

    #[test]
    fn reads_file_named_by_path_and_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, "[profile x]\nregion = us-gov-east-1\n[broken\n").unwrap();
        let err = read_file(&path, FileFlavor::Config).unwrap_err();
        assert!(err.to_string().contains(&path.display().to_string()));
        assert!(err.to_string().contains("line 3"));
        let missing = read_file(&dir.path().join("nope"), FileFlavor::Config).unwrap();
        assert!(missing.sections.is_empty());
    }

    #[test]
    fn profile_info_serialises_for_the_bridge() {
        let profiles = parse(SAMPLE).unwrap().profiles();
        let json = serde_json::to_value(&profiles[1]).unwrap();
        assert_eq!(json["kind"], "sso");
        assert_eq!(json["partition"], "aws-us-gov");
        assert_eq!(json["ssoSession"], "ecsdesk-demo-gov");
        assert_eq!(json["accountId"], "210987654321");
        let json = serde_json::to_value(&profiles[4]).unwrap();
        assert_eq!(json["kind"], "assumeRole");
    }
}
