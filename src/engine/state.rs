//! perflab's state directory: the host journal, the lock, progress and outputs.
use std::path::PathBuf;

/// `$PERFLAB_STATE_DIR` as given; else `$XDG_STATE_HOME/perflab` or
/// `~/.local/state/perflab`, where a lab named by `PERFLAB_LAB` gets `labs/<name>`.
pub fn dir() -> PathBuf {
    if let Some(d) = std::env::var_os("PERFLAB_STATE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let base = base_dir();
    match super::labels::lab_name() {
        Ok(name) if name != super::labels::DEFAULT_LAB_NAME => base.join("labs").join(name),
        _ => base,
    }
}

fn base_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("perflab");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    home.join(".local/state/perflab")
}

/// Creates the state directory if needed.
pub fn ensure_dir() -> std::io::Result<PathBuf> {
    let d = dir();
    std::fs::create_dir_all(&d).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("creating state directory {}: {e}", d.display()),
        )
    })?;
    Ok(d)
}

/// An exclusive lock on the lab for commands that change it (`up`, `down`, fixes).
/// Held until dropped; the kernel releases it if the process dies.
pub struct LabLock {
    _file: std::fs::File,
}

impl LabLock {
    /// Takes the lock, or says who holds it.
    pub fn acquire() -> Result<LabLock, String> {
        use std::os::fd::AsRawFd;
        let dir = ensure_dir().map_err(|e| e.to_string())?;
        let path = dir.join("lab.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| format!("opening {}: {e}", path.display()))?;
        // SAFETY: flock on a file descriptor we own.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            return Err(format!(
                "the lab is in use by another perflab command ({}); wait for it to finish",
                holder
                    .trim()
                    .trim_start_matches("pid ")
                    .split_whitespace()
                    .next()
                    .map(|p| format!("pid {p}"))
                    .unwrap_or_else(|| "unknown pid".into())
            ));
        }
        use std::io::Write;
        let _ = file.set_len(0);
        let _ = (&file).write_all(format!("pid {}\n", std::process::id()).as_bytes());
        Ok(LabLock { _file: file })
    }
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the
/// new one: a temporary file beside it, synced, then renamed over it.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
