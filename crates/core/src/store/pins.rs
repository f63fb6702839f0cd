//! The pins of the fleet view, kept in `fleet.json` in the app data folder (written atomically).

use crate::error::CoreError;
use crate::model::partition::Partition;
use crate::model::service_ref::ServiceRef;
use crate::util::files::{write_atomically, PRIVATE_FILE_MODE};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use ts_rs::TS;

/// One pinned service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Pin {
    /// Partition of the account.
    pub partition: Partition,
    /// AWS account id.
    pub account_id: String,
    /// Account name when known (shown instead of the id).
    pub account_name: Option<String>,
    /// Region of the cluster.
    pub region: String,
    /// Cluster name.
    pub cluster: String,
    /// Service name.
    pub service: String,
    /// The profile or role the pin was made with, to say what to sign in to.
    pub signed_in_as: String,
}

impl Pin {
    /// A stable key: partition, account, region, cluster and service.
    pub fn key(&self) -> String {
        ServiceRef::new(
            self.partition,
            &self.account_id,
            &self.region,
            &self.cluster,
            &self.service,
        )
        .key()
    }
}

/// The pins, kept in `fleet.json` in the app data folder (written atomically).
#[derive(Debug, Clone)]
pub struct FleetStore {
    path: PathBuf,
    pins: Arc<Mutex<Vec<Pin>>>,
}

impl FleetStore {
    /// Opens the pins of `data_dir`; a missing file is an empty fleet. An unreadable file is
    /// kept aside (`fleet.json.bad`) rather than overwritten, and the fleet starts empty.
    pub fn open(data_dir: &Path) -> FleetStore {
        let path = data_dir.join("fleet.json");
        let pins = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<Vec<Pin>>(&bytes).unwrap_or_else(|_| {
                let _ = std::fs::rename(&path, data_dir.join("fleet.json.bad"));
                Vec::new()
            }),
            Err(_) => Vec::new(),
        };
        FleetStore {
            path,
            pins: Arc::new(Mutex::new(pins)),
        }
    }

    /// Every pin, in pinning order.
    pub fn pins(&self) -> Vec<Pin> {
        self.lock().clone()
    }

    /// Pins `pin` (once); returns the pins.
    pub fn pin(&self, pin: Pin) -> Result<Vec<Pin>, CoreError> {
        pin.partition.check_region(&pin.region)?;
        let mut pins = self.lock();
        let key = pin.key();
        let mut next = pins.clone();
        match next.iter_mut().find(|p| p.key() == key) {
            Some(existing) => *existing = pin,
            None => next.push(pin),
        }
        self.save(&next)?;
        *pins = next.clone();
        Ok(next)
    }

    /// Removes the pin with `key`; returns the pins.
    pub fn unpin(&self, key: &str) -> Result<Vec<Pin>, CoreError> {
        let mut pins = self.lock();
        let next: Vec<Pin> = pins.iter().filter(|p| p.key() != key).cloned().collect();
        self.save(&next)?;
        *pins = next.clone();
        Ok(next)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Pin>> {
        // A panic while holding the lock leaves a consistent list (it is replaced whole).
        self.pins.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the pins file atomically (a crash leaves the old or the new list).
    fn save(&self, pins: &[Pin]) -> Result<(), CoreError> {
        let text = serde_json::to_vec_pretty(pins)
            .map_err(|e| CoreError::Internal(format!("encoding pins: {e}")))?;
        write_atomically(&self.path, &text, PRIVATE_FILE_MODE, false)
    }
}
