//! Display preferences kept in `preferences.json` in the app's data folder: today the page zoom,
//! so text enlarged with Ctrl + stays enlarged at the next start. Keys this version does not know
//! are kept as they are, and a file that cannot be read is reported, never replaced.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::model::zoom::{apply, snap, ZoomChange, NORMAL_ZOOM};
use crate::util::files::{read_json_or_default, write_atomically, PRIVATE_FILE_MODE};

/// The preferences file's name in the data folder.
pub const FILE_NAME: &str = "preferences.json";

/// The file's shape.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreferenceFile {
    /// The page zoom in percent; absent means the normal size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    zoom_percent: Option<f64>,
    /// Whatever else the file holds (a newer version's settings), written back unchanged.
    #[serde(flatten)]
    other: serde_json::Map<String, serde_json::Value>,
}

/// The saved display preferences.
#[derive(Debug, Clone)]
pub struct PreferenceStore {
    path: PathBuf,
}

impl PreferenceStore {
    /// The store in `data_dir` (the file is created on the first change).
    pub fn in_dir(data_dir: &Path) -> Self {
        PreferenceStore {
            path: data_dir.join(FILE_NAME),
        }
    }

    /// The saved zoom, on a real step; the normal size when nothing is saved.
    pub fn zoom(&self) -> Result<u16, CoreError> {
        let file: PreferenceFile = read_json_or_default(&self.path)?;
        Ok(file.zoom_percent.map_or(NORMAL_ZOOM, snap))
    }

    /// Applies `change` to the saved zoom and saves the result, which it returns. Refuses to write
    /// over a file it cannot read (the error names the file and line).
    pub fn change_zoom(&self, change: ZoomChange) -> Result<u16, CoreError> {
        let mut file: PreferenceFile = read_json_or_default(&self.path)?;
        let current = file.zoom_percent.map_or(NORMAL_ZOOM, snap);
        let next = apply(current, change);
        file.zoom_percent = Some(f64::from(next));
        let text = serde_json::to_string_pretty(&file)
            .map_err(|e| CoreError::Internal(format!("serialising preferences: {e}")))?;
        write_atomically(&self.path, text.as_bytes(), PRIVATE_FILE_MODE, false)?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_is_remembered_and_other_keys_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = PreferenceStore::in_dir(dir.path());
        assert_eq!(store.zoom().unwrap(), 100, "nothing saved: normal size");
        std::fs::write(
            dir.path().join(FILE_NAME),
            r#"{"zoomPercent": 123, "theme": "dark"}"#,
        )
        .unwrap();
        assert_eq!(store.zoom().unwrap(), 125, "snapped to a step");
        assert_eq!(store.change_zoom(ZoomChange::In).unwrap(), 150);
        let again = PreferenceStore::in_dir(dir.path());
        assert_eq!(again.zoom().unwrap(), 150, "read back by a new store");
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(text.contains("\"theme\": \"dark\""), "{text}");
        assert_eq!(again.change_zoom(ZoomChange::Reset).unwrap(), 100);
    }

    #[test]
    fn a_damaged_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "{\"zoomPercent\": 2").unwrap();
        let store = PreferenceStore::in_dir(dir.path());
        let err = store.change_zoom(ZoomChange::In).unwrap_err();
        assert!(err.to_string().contains("preferences.json"), "{err}");
        assert!(store.zoom().is_err());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"zoomPercent\": 2",
            "not overwritten"
        );
    }
}
