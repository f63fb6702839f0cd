//! Protection levels: how much confirmation an action needs, per account or per cluster, kept in
//! `protection.json` in the app's data directory.

use std::path::{Path, PathBuf};

use crate::error::CoreError;
use crate::model::protection::ProtectionSettings;
use crate::util::files::{read_json_or_default, write_atomically, PRIVATE_FILE_MODE};

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
    use crate::model::protection::{ProtectionLevel, ProtectionSource};

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
