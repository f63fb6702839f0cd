//! Writing the small files sign-in keeps (AWS config, token cache, portal cache) so a crash or a
//! second writer never leaves a half-written file: write a temporary file in the same directory,
//! flush it to disk, then rename it over the target.

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::Rng;

use crate::error::CoreError;

/// Mode of files holding secrets or tokens (owner read/write only), as the AWS CLI uses.
pub const PRIVATE_FILE_MODE: u32 = 0o600;

/// Mode of directories ECS Desk creates for private files.
const PRIVATE_DIR_MODE: u32 = 0o700;

/// Builds an I/O error naming `path`.
pub(crate) fn io_error(path: &Path, action: &str, source: std::io::Error) -> CoreError {
    CoreError::FileIo {
        path: path.to_path_buf(),
        action: action.to_string(),
        source,
    }
}

/// Creates `dir` and its parents (owner-only where it creates them).
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), CoreError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(PRIVATE_DIR_MODE);
    }
    #[cfg(not(unix))]
    let _ = PRIVATE_DIR_MODE;
    builder
        .create(dir)
        .map_err(|e| io_error(dir, "create the folder", e))
}

/// Makes `path` a file only its owner can read and write: created empty with 0600 when missing,
/// narrowed to 0600 when an earlier version left it wider. For files opened in place (the audit
/// log, the history database), which [`write_atomically`] does not write.
pub(crate) fn make_private_file(path: &Path) -> Result<(), CoreError> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    let file = options.open(path).map_err(|e| io_error(path, "open", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file
            .metadata()
            .map_err(|e| io_error(path, "read", e))?
            .permissions()
            .mode();
        if mode & 0o777 != PRIVATE_FILE_MODE {
            file.set_permissions(std::fs::Permissions::from_mode(PRIVATE_FILE_MODE))
                .map_err(|e| io_error(path, "set permissions on", e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// The file a write to `path` must replace: symlinks are followed so the link itself survives.
fn resolve_target(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Replaces `path` with `bytes` atomically. `mode` is used for a new file; an existing file keeps
/// its own mode unless `force_mode` is set (token files must stay 0600 whatever they were).
pub(crate) fn write_atomically(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    force_mode: bool,
) -> Result<(), CoreError> {
    let target = resolve_target(path);
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    create_private_dir(&dir)?;
    let existing_mode = existing_mode(&target);
    let mode = if force_mode {
        mode
    } else {
        existing_mode.unwrap_or(mode)
    };
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    let suffix: u64 = rand::thread_rng().gen();
    let temp = dir.join(format!(".{file_name}.ecsdesk-{suffix:016x}.tmp"));
    let result = write_temp(&temp, bytes, mode).and_then(|()| {
        std::fs::rename(&temp, &target).map_err(|e| io_error(&target, "replace", e))
    });
    if result.is_err() {
        // Never leave the temporary file behind; the target is untouched at this point.
        let _ = std::fs::remove_file(&temp);
    } else if let Ok(d) = std::fs::File::open(&dir) {
        // Makes the rename itself durable (best effort: not possible on every platform).
        let _ = d.sync_all();
    }
    result
}

/// Writes and syncs the temporary file with `mode` set from the start (no window where a token is
/// world-readable).
fn write_temp(temp: &Path, bytes: &[u8], mode: u32) -> Result<(), CoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options
        .open(temp)
        .map_err(|e| io_error(temp, "create", e))?;
    #[cfg(unix)]
    {
        // The umask may have narrowed the mode given to open(); set it exactly.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| io_error(temp, "set permissions on", e))?;
    }
    file.write_all(bytes)
        .map_err(|e| io_error(temp, "write", e))?;
    file.sync_all().map_err(|e| io_error(temp, "write", e))
}

/// The permission bits of an existing file.
fn existing_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Reads `path` as text; `Ok(None)` when it does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<String>, CoreError> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| CoreError::FileFormat {
                path: path.to_path_buf(),
                line: 1,
                message: "the file is not UTF-8 text".to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path, "read", e)),
    }
}

/// Reads `path` as JSON; `T::default()` when it does not exist, an error naming the file and the
/// line when it cannot be read or parsed (the settings stores never overwrite such a file).
pub(crate) fn read_json_or_default<T: serde::de::DeserializeOwned + Default>(
    path: &Path,
) -> Result<T, CoreError> {
    let Some(text) = read_optional(path)? else {
        return Ok(T::default());
    };
    serde_json::from_str(&text).map_err(|e| CoreError::FileFormat {
        path: path.to_path_buf(),
        line: e.line(),
        message: e.to_string(),
    })
}

/// Deletes `path`; `Ok(false)` when it was not there.
pub(crate) fn remove_if_present(path: &Path) -> Result<bool, CoreError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error(path, "delete", e)),
    }
}

/// `text` as a file name made only of ASCII letters, digits, `-`, `_` and `.` (anything else
/// becomes `_`), with no leading dot: it cannot leave the folder it is written in or hide there.
pub fn safe_file_name(text: &str) -> String {
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    safe.trim_start_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_file_names_stay_in_their_folder() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("api svc:1/x.png"), "api_svc_1_x.png");
    }

    #[cfg(unix)]
    #[test]
    fn new_file_gets_mode_and_existing_keeps_its_own() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("f.json");
        write_atomically(&path, b"one", 0o600, false).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, b"two", 0o600, false).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        write_atomically(&path, b"three", 0o600, true).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // No temporary files left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn writing_through_a_symlink_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::write(&real, "a").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, b"b", 0o600, false).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"b");
    }
}
