//! Health thresholds saved per service (by its `ServiceRef` key) in
//! `thresholds.json` in the app's data folder; services without an entry use the runbook defaults.
//! Written atomically, and never over a file that could not be read: a broken file is reported,
//! not replaced, so hand edits are not lost.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;
use crate::model::thresholds::Thresholds;
use crate::util::files::{read_json_or_default, write_atomically, PRIVATE_FILE_MODE};

/// The settings file's name in the data folder.
pub const FILE_NAME: &str = "thresholds.json";

/// What a service is held to, and whether that is its own setting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ThresholdSetting {
    /// The thresholds in force.
    pub thresholds: Thresholds,
    /// True when the service has its own saved thresholds.
    pub custom: bool,
    /// The runbook defaults (what "reset" returns to).
    pub defaults: Thresholds,
}

/// The file's shape: saved thresholds by service key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ThresholdFile {
    /// Service key ([`crate::model::service_ref::ServiceRef::key`]) -> thresholds.
    services: BTreeMap<String, Thresholds>,
}

/// Checks that every threshold is a sensible number; the message names the field.
pub fn validate(t: &Thresholds) -> Result<(), CoreError> {
    let checks: [(&str, f64, f64, f64, &str); 4] = [
        ("CPU", t.cpu_percent, 1.0, 100.0, "%"),
        ("Memory", t.memory_percent, 1.0, 100.0, "%"),
        (
            "5xx errors",
            t.error_rate_percent,
            0.01,
            100.0,
            "% of requests",
        ),
        ("Response time", t.response_time_ms, 1.0, 60_000.0, "ms"),
    ];
    for (field, value, min, max, unit) in checks {
        if !value.is_finite() || value < min || value > max {
            return Err(CoreError::InvalidInput(format!(
                "{field} threshold must be between {min} and {max} {unit} (got {value})."
            )));
        }
    }
    Ok(())
}

/// The saved per-service thresholds.
#[derive(Debug, Clone)]
pub struct ThresholdStore {
    path: PathBuf,
}

impl ThresholdStore {
    /// The store in `data_dir` (the file is created on the first save).
    pub fn in_dir(data_dir: &Path) -> Self {
        ThresholdStore {
            path: data_dir.join(FILE_NAME),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> Result<ThresholdFile, CoreError> {
        let file: ThresholdFile = read_json_or_default(&self.path)?;
        // Files written before the one service key used `/` between the parts; no part can
        // contain `/` or `|`, so the old keys map one to one (rewritten on the next save).
        let services = file
            .services
            .into_iter()
            .map(|(key, t)| (key.replace('/', "|"), t))
            .collect();
        Ok(ThresholdFile { services })
    }

    /// What `key` is held to (the defaults when nothing is saved).
    pub fn get(&self, key: &str) -> Result<ThresholdSetting, CoreError> {
        let saved = self.load()?.services.get(key).copied();
        Ok(setting(saved))
    }

    /// Every saved entry by key, read once (a list's roll-up weighs a thousand services); empty
    /// when the file is missing or unreadable, as [`ThresholdStore::effective`] falls back.
    pub fn saved(&self) -> BTreeMap<String, Thresholds> {
        self.load().map(|f| f.services).unwrap_or_default()
    }

    /// The thresholds in force for `key`; a missing or unreadable file falls back to the defaults
    /// so the health views keep working (the editor reports the file problem).
    pub fn effective(&self, key: &str) -> Thresholds {
        self.get(key).map(|s| s.thresholds).unwrap_or_default()
    }

    /// Saves `thresholds` for `key` (validated), or removes its entry when `None` (back to the
    /// runbook defaults). Refuses to write when the existing file cannot be read.
    pub fn set(
        &self,
        key: &str,
        thresholds: Option<Thresholds>,
    ) -> Result<ThresholdSetting, CoreError> {
        if let Some(t) = &thresholds {
            validate(t)?;
        }
        let mut file = self.load()?;
        match thresholds {
            Some(t) => file.services.insert(key.to_string(), t),
            None => file.services.remove(key),
        };
        let text = serde_json::to_string_pretty(&file)
            .map_err(|e| CoreError::Internal(format!("serialising thresholds: {e}")))?;
        write_atomically(&self.path, text.as_bytes(), PRIVATE_FILE_MODE, false)?;
        Ok(setting(thresholds))
    }
}

/// The setting for saved thresholds (or none).
fn setting(saved: Option<Thresholds>) -> ThresholdSetting {
    ThresholdSetting {
        thresholds: saved.unwrap_or_default(),
        custom: saved.is_some(),
        defaults: Thresholds::default(),
    }
}

/// Writes the TypeScript declarations of the threshold types into `dir`.
pub fn export_bindings(dir: &Path) -> Result<(), CoreError> {
    ThresholdSetting::export_all_to(dir)
        .map_err(|e| CoreError::Internal(format!("exporting TypeScript bindings: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "aws-us-gov|210987654321|us-gov-east-1|coe-ecs-prod|coe-etl-prod-Service";

    fn custom() -> Thresholds {
        Thresholds {
            cpu_percent: 85.0,
            memory_percent: 90.0,
            error_rate_percent: 2.5,
            response_time_ms: 800.0,
        }
    }

    #[test]
    fn keys_of_older_files_are_read_in_the_one_key_form() {
        let dir = tempfile::tempdir().unwrap();
        let old = "{\"services\":{\"aws-us-gov/210987654321/us-gov-east-1/coe-ecs-prod/api\":{\"cpuPercent\":50.0,\"memoryPercent\":60.0,\"errorRatePercent\":2.0,\"responseTimeMs\":300.0}}}";
        std::fs::write(dir.path().join(FILE_NAME), old).unwrap();
        let store = ThresholdStore::in_dir(dir.path());
        let got = store
            .get("aws-us-gov|210987654321|us-gov-east-1|coe-ecs-prod|api")
            .unwrap();
        assert!(got.custom);
        assert_eq!(got.thresholds.cpu_percent, 50.0);
    }

    #[test]
    fn round_trip_per_service_and_reset() {
        let dir = tempfile::tempdir().unwrap();
        let store = ThresholdStore::in_dir(dir.path());
        let fresh = store.get(KEY).unwrap();
        assert!(!fresh.custom);
        assert_eq!(fresh.thresholds, Thresholds::default());

        let saved = store.set(KEY, Some(custom())).unwrap();
        assert!(saved.custom);
        // A second store on the same folder (a restart) reads the same thresholds back.
        let again = ThresholdStore::in_dir(dir.path());
        assert_eq!(again.get(KEY).unwrap().thresholds, custom());
        assert_eq!(again.effective(KEY), custom());
        // Another service, or the same one in another region, keeps the defaults.
        let other = KEY.replace("us-gov-east-1", "us-gov-west-1");
        assert_eq!(again.effective(&other), Thresholds::default());

        let reset = again.set(KEY, None).unwrap();
        assert!(!reset.custom);
        assert_eq!(store.effective(KEY), Thresholds::default());
        // No temporary files left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec![FILE_NAME.to_string()]);
    }

    #[test]
    fn bad_values_are_rejected_naming_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let store = ThresholdStore::in_dir(dir.path());
        let cases = [
            (
                Thresholds {
                    cpu_percent: 150.0,
                    ..custom()
                },
                "CPU",
            ),
            (
                Thresholds {
                    memory_percent: 0.0,
                    ..custom()
                },
                "Memory",
            ),
            (
                Thresholds {
                    error_rate_percent: f64::NAN,
                    ..custom()
                },
                "5xx",
            ),
            (
                Thresholds {
                    response_time_ms: -5.0,
                    ..custom()
                },
                "Response time",
            ),
        ];
        for (bad, field) in cases {
            match store.set(KEY, Some(bad)) {
                Err(CoreError::InvalidInput(msg)) => {
                    assert!(msg.starts_with(field), "{field}: {msg}")
                }
                other => panic!("{field}: expected InvalidInput, got {other:?}"),
            }
        }
        assert!(!store.path().exists(), "nothing written for bad values");
        validate(&Thresholds::default()).unwrap();
    }

    #[test]
    fn unreadable_file_is_reported_not_clobbered() {
        let dir = tempfile::tempdir().unwrap();
        let store = ThresholdStore::in_dir(dir.path());
        let broken = "{ \"services\": { \"x\": { \"cpuPercent\": 80,";
        std::fs::write(store.path(), broken).unwrap();
        match store.set(KEY, Some(custom())) {
            Err(CoreError::FileFormat { path, .. }) => assert_eq!(path, store.path()),
            other => panic!("expected FileFormat, got {other:?}"),
        }
        assert!(matches!(store.get(KEY), Err(CoreError::FileFormat { .. })));
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), broken);
        // The health views still work, on the defaults.
        assert_eq!(store.effective(KEY), Thresholds::default());
    }
}
