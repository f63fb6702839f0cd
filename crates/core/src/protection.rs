//! Protection levels: how much confirmation an action needs, per account or per cluster, kept in
//! `protection.json` in the app's data directory.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;
use crate::sso::files::{read_json_or_default, write_atomically, PRIVATE_FILE_MODE};

/// How much the app guards actions in an account or cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProtectionLevel {
    /// A confirmation dialog is enough for safe actions.
    Confirm,
    /// Every action needs the service name typed.
    TypedConfirm,
    /// No action may run; the buttons are disabled and say why.
    ReadOnly,
}

impl ProtectionLevel {
    /// The level in plain words.
    pub fn label(self) -> &'static str {
        match self {
            ProtectionLevel::Confirm => "confirm",
            ProtectionLevel::TypedConfirm => "type the service name",
            ProtectionLevel::ReadOnly => "read-only",
        }
    }
}

/// One protection setting: an account, or one cluster of an account (cluster wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProtectionRule {
    /// AWS account id.
    pub account_id: String,
    /// Cluster name; null means the whole account.
    pub cluster: Option<String>,
    /// The level.
    pub level: ProtectionLevel,
}

/// Every protection rule the user set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProtectionSettings {
    /// Rules, at most one per account and per account + cluster.
    pub rules: Vec<ProtectionRule>,
}

/// Where an effective level comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProtectionSource {
    /// A rule for this cluster.
    Cluster,
    /// A rule for the whole account.
    Account,
    /// No rule: the default (typed confirm for names with "prod", else confirm).
    Default,
}

/// The level that applies to one service, with the reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EffectiveProtection {
    /// The level.
    pub level: ProtectionLevel,
    /// Where it comes from.
    pub source: ProtectionSource,
    /// Why, e.g. "The cluster name contains “prod”: type the service name to confirm."
    pub reason: String,
}

impl ProtectionSettings {
    /// The level for `service` in `cluster` of `account_id`: cluster rule, else account rule,
    /// else typed confirm when the cluster or service name contains "prod", else confirm.
    pub fn effective(&self, account_id: &str, cluster: &str, service: &str) -> EffectiveProtection {
        let cluster_rule = self
            .rules
            .iter()
            .find(|r| r.account_id == account_id && r.cluster.as_deref() == Some(cluster));
        if let Some(rule) = cluster_rule {
            return EffectiveProtection {
                level: rule.level,
                source: ProtectionSource::Cluster,
                reason: format!(
                    "Protection for cluster {cluster} is set to {}.",
                    rule.level.label()
                ),
            };
        }
        let account_rule = self
            .rules
            .iter()
            .find(|r| r.account_id == account_id && r.cluster.is_none());
        if let Some(rule) = account_rule {
            return EffectiveProtection {
                level: rule.level,
                source: ProtectionSource::Account,
                reason: format!(
                    "Protection for account {account_id} is set to {}.",
                    rule.level.label()
                ),
            };
        }
        let prod = |name: &str| name.to_ascii_lowercase().contains("prod");
        if prod(cluster) || prod(service) {
            let which = if prod(cluster) { "cluster" } else { "service" };
            EffectiveProtection {
                level: ProtectionLevel::TypedConfirm,
                source: ProtectionSource::Default,
                reason: format!(
                    "The {which} name contains “prod”, so it is treated as production: type the service name to confirm."
                ),
            }
        } else {
            EffectiveProtection {
                level: ProtectionLevel::Confirm,
                source: ProtectionSource::Default,
                reason: "No protection set: safe actions need one confirmation.".to_string(),
            }
        }
    }

    /// Sets (or with `level` null removes) the rule of `account_id` and optional `cluster`.
    pub fn set(&mut self, account_id: &str, cluster: Option<&str>, level: Option<ProtectionLevel>) {
        self.rules
            .retain(|r| !(r.account_id == account_id && r.cluster.as_deref() == cluster));
        if let Some(level) = level {
            self.rules.push(ProtectionRule {
                account_id: account_id.to_string(),
                cluster: cluster.map(str::to_string),
                level,
            });
        }
        self.rules
            .sort_by(|a, b| (&a.account_id, &a.cluster).cmp(&(&b.account_id, &b.cluster)));
    }
}

/// The protection settings file.
#[derive(Debug, Clone)]
pub struct ProtectionStore {
    path: PathBuf,
}

impl ProtectionStore {
    /// The store at `path` (created on first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        ProtectionStore { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved settings; none saved yet means no rules.
    pub fn load(&self) -> Result<ProtectionSettings, CoreError> {
        read_json_or_default(&self.path)
    }

    /// Saves atomically: a synced temporary file renamed over the old one, so a crash leaves
    /// either the old or the new settings, never half a file.
    pub fn save(&self, settings: &ProtectionSettings) -> Result<(), CoreError> {
        let text = serde_json::to_string_pretty(settings)
            .map_err(|e| CoreError::Internal(format!("serialising protection settings: {e}")))?;
        write_atomically(&self.path, text.as_bytes(), PRIVATE_FILE_MODE, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prod_names_default_to_typed_confirm() {
        let s = ProtectionSettings::default();
        let p = s.effective("1", "coe-ecs-prod", "coe-etl-prod-Service");
        assert_eq!(p.level, ProtectionLevel::TypedConfirm);
        assert_eq!(p.source, ProtectionSource::Default);
        assert!(p.reason.contains("cluster name contains"), "{}", p.reason);
        let p = s.effective("1", "staging", "api-PROD-svc");
        assert_eq!(p.level, ProtectionLevel::TypedConfirm);
        assert!(p.reason.contains("service name"));
        let p = s.effective("1", "coe-ecs-staging", "api-staging-Service");
        assert_eq!(p.level, ProtectionLevel::Confirm);
    }

    #[test]
    fn cluster_rule_beats_account_rule_beats_default() {
        let mut s = ProtectionSettings::default();
        s.set("1", None, Some(ProtectionLevel::ReadOnly));
        assert_eq!(
            s.effective("1", "coe-ecs-staging", "x").level,
            ProtectionLevel::ReadOnly
        );
        s.set("1", Some("coe-ecs-staging"), Some(ProtectionLevel::Confirm));
        let p = s.effective("1", "coe-ecs-staging", "x");
        assert_eq!(
            (p.level, p.source),
            (ProtectionLevel::Confirm, ProtectionSource::Cluster)
        );
        assert_eq!(
            s.effective("1", "other", "x").source,
            ProtectionSource::Account
        );
        assert_eq!(
            s.effective("2", "other", "x").source,
            ProtectionSource::Default
        );
        s.set(
            "1",
            Some("coe-ecs-staging"),
            Some(ProtectionLevel::TypedConfirm),
        );
        assert_eq!(s.rules.len(), 2, "a rule is replaced, not duplicated");
        s.set("1", None, None);
        assert_eq!(s.rules.len(), 1);
    }

    #[test]
    fn store_round_trips_and_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProtectionStore::new(dir.path().join("sub").join("protection.json"));
        assert_eq!(store.load().unwrap(), ProtectionSettings::default());
        let mut s = ProtectionSettings::default();
        s.set(
            "210987654321",
            Some("coe-ecs-prod"),
            Some(ProtectionLevel::ReadOnly),
        );
        store.save(&s).unwrap();
        assert_eq!(store.load().unwrap(), s);
        s.set("210987654321", None, Some(ProtectionLevel::Confirm));
        store.save(&s).unwrap();
        assert_eq!(store.load().unwrap(), s);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(leftovers, ["protection.json"]);
        std::fs::write(store.path(), "{ not json").unwrap();
        assert_eq!(store.load().unwrap_err().code(), "ConfigError");
    }
}
