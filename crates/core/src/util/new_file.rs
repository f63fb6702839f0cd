//! Files the user asks for (audit CSV, chart PNG, saved log lines, incident snapshots) are created
//! new in the one exports folder: never truncating what is there, never writing through a
//! symbolic link planted under the name, readable by the owner only.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::files::{create_private_dir, io_error, safe_file_name, PRIVATE_FILE_MODE};
use crate::error::CoreError;

/// How many ` (n)` suffixes are tried when a name is taken before giving up.
const MAX_SUFFIX: u32 = 99;

/// Writes `bytes` to a new file in `dir` named after `name` (made safe; ` (2)`, ` (3)`… added
/// when a file of that name exists), mode 0600, synced; returns its path. A symbolic link under
/// the name is refused and left as it is, with its target untouched.
pub fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, CoreError> {
    let (mut file, path) = create_new(dir, name)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error(&path, "write", e))?;
    Ok(path)
}

/// [`write_new`] on the blocking pool, for async callers (a slow disk must not stall the runtime).
pub async fn write_new_blocking(
    dir: PathBuf,
    name: String,
    bytes: Vec<u8>,
) -> Result<PathBuf, CoreError> {
    let label = name.clone();
    tokio::task::spawn_blocking(move || write_new(&dir, &name, &bytes))
        .await
        .map_err(|e| CoreError::Internal(format!("saving {label} stopped: {e}")))?
}

/// Creates a new empty file in `dir` as [`write_new`] does and returns it with its path.
pub fn create_new(dir: &Path, name: &str) -> Result<(std::fs::File, PathBuf), CoreError> {
    create_private_dir(dir)?;
    let safe = safe_file_name(name);
    let (stem, ext) = match safe.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_string(), format!(".{ext}")),
        _ => (safe.clone(), String::new()),
    };
    let stem = if stem.is_empty() {
        "export".into()
    } else {
        stem
    };
    for n in 1..=MAX_SUFFIX {
        let candidate = if n == 1 {
            format!("{stem}{ext}")
        } else {
            format!("{stem} ({n}){ext}")
        };
        let path = dir.join(&candidate);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(CoreError::InvalidInput(format!(
                    "Nothing was saved: {} is a symbolic link, and ECS Desk never writes through \
                     one. Move it out of {} and save again.",
                    path.display(),
                    dir.display()
                )));
            }
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path, "check", e)),
        }
        match open_new(&path) {
            Ok(file) => return Ok((file, path)),
            // Another writer took the name between the check and the open: try the next one.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(&path, "create", e)),
        }
    }
    Err(CoreError::InvalidInput(format!(
        "Nothing was saved: {MAX_SUFFIX} files named like {stem}{ext} are already in {}.",
        dir.display()
    )))
}

/// Opens `path` only if no file (or link) of that name exists, with mode 0600 from the start.
fn open_new(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    // `create_new` is O_CREAT|O_EXCL: it fails on any existing name, dangling links included.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        // The umask can only narrow 0600, but say it exactly.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(PRIVATE_FILE_MODE))?;
    }
    Ok(file)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ecsdesk-newfile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn a_symlink_named_like_the_file_is_refused_and_its_target_untouched() {
        let dir = temp_dir("symlink");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "keep me").expect("victim");
        std::os::unix::fs::symlink(&victim, dir.join("audit.csv")).expect("link");
        let err = write_new(&dir, "audit.csv", b"time,user\n").expect_err("refused");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep me");
        // A dangling link is refused too (create_new never follows it).
        std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("b.png")).expect("link");
        assert!(write_new(&dir, "b.png", b"x").is_err());
        assert!(!dir.join("nowhere").exists());
    }

    #[test]
    fn an_existing_file_is_kept_and_the_new_one_gets_a_number() {
        let dir = temp_dir("taken");
        std::fs::write(dir.join("a.csv"), "old").expect("old");
        let first = write_new(&dir, "a.csv", b"new").expect("saved");
        assert_eq!(first, dir.join("a (2).csv"));
        let second = write_new(&dir, "a.csv", b"newer").expect("saved");
        assert_eq!(second, dir.join("a (3).csv"));
        assert_eq!(
            std::fs::read_to_string(dir.join("a.csv")).expect("read"),
            "old"
        );
        assert_eq!(std::fs::read_to_string(&second).expect("read"), "newer");
    }

    #[test]
    fn new_files_are_private_and_stay_in_their_folder() {
        let dir = temp_dir("private");
        let path = write_new(&dir, "../../x.sh", b"echo").expect("saved");
        assert_eq!(path.parent(), Some(dir.as_path()));
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
