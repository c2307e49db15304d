//! Where this perflab lives: the lab's name, the state directory and the image
//! set. Read from the environment once, in `cli`, and passed down as a value, so
//! that nothing below reads an environment variable where it uses it (and tests
//! give each lab its own settings without touching the process's environment).
use std::path::{Path, PathBuf};

/// The default lab name; `PERFLAB_LAB` picks another, so that several labs (a
/// developer's and a test's) can live side by side. Object names derive from it.
pub const DEFAULT_LAB_NAME: &str = "perflab";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The lab's name: its Docker objects are `<lab>-nginx`, `<lab>-net`, ...
    pub lab: String,
    /// The host journal, the lock, the progress, flame graphs and reports.
    pub state_dir: PathBuf,
    /// A separate image set (`<set>-perflab-server:...`, built without the layer
    /// cache), for the tests of an interrupted build.
    pub images: Option<String>,
    /// `DOCKER_HOST` as given: bollard connects through it, and perflab tells
    /// from it whether the engine is on another machine.
    pub docker_host: Option<String>,
    /// `DOCKER_TLS_VERIFY` is set: the engine wants TLS, which perflab does not
    /// speak (it says how to reach such an engine instead).
    pub docker_tls: bool,
    /// perflab's own program, copied into a container beside the lab to drive
    /// the load from there: this process's binary when perflab runs as itself;
    /// none when the load runs from this process instead (`PERFLAB_LOAD_FROM=host`,
    /// and a program that uses perflab as a library, a test).
    pub program: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("PERFLAB_LOAD_FROM {value:?} is not where a load can run: `beside` (the default: a short-lived container on the lab's network) or `host` (this process; needs a route to the lab's network)")]
    LoadFrom { value: String },
    #[error("{var} {value:?} is not a valid {what}: 1 to 20 characters of a-z, 0-9 and -, starting with a letter")]
    BadName {
        var: &'static str,
        value: String,
        what: &'static str,
    },
}

impl Settings {
    /// `PERFLAB_LAB`, `PERFLAB_IMAGES` and the state directory: `PERFLAB_STATE_DIR`
    /// as given; else `$XDG_STATE_HOME/perflab` or `~/.local/state/perflab`, where
    /// a lab other than the default gets `labs/<name>`.
    pub fn from_env() -> Result<Settings, SettingsError> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let lab = checked_name("PERFLAB_LAB", "lab name", var("PERFLAB_LAB"))?
            .unwrap_or_else(|| DEFAULT_LAB_NAME.to_string());
        let images = checked_name("PERFLAB_IMAGES", "image set name", var("PERFLAB_IMAGES"))?;
        let state_dir = match var("PERFLAB_STATE_DIR") {
            Some(d) => PathBuf::from(d),
            None => {
                let base = match var("XDG_STATE_HOME") {
                    Some(d) => PathBuf::from(d).join("perflab"),
                    None => var("HOME")
                        .map(PathBuf::from)
                        .unwrap_or_else(|| PathBuf::from("/tmp"))
                        .join(".local/state/perflab"),
                };
                Settings::lab_dir(&base, &lab)
            }
        };
        let docker_host = var("DOCKER_HOST").map(|h| h.to_string_lossy().into_owned());
        let docker_tls = var("DOCKER_TLS_VERIFY").is_some();
        let program = match var("PERFLAB_LOAD_FROM")
            .as_deref()
            .map(|v| v.to_string_lossy())
        {
            None => Some(PathBuf::from("/proc/self/exe")),
            Some(v) if v == "beside" => Some(PathBuf::from("/proc/self/exe")),
            Some(v) if v == "host" => None,
            Some(v) => {
                return Err(SettingsError::LoadFrom {
                    value: v.into_owned(),
                })
            }
        };
        Ok(Settings {
            lab,
            state_dir,
            images,
            docker_host,
            docker_tls,
            program,
        })
    }

    /// Settings for a lab of this name with its state in `state_dir` (tests).
    pub fn for_lab(lab: &str, state_dir: &Path) -> Result<Settings, SettingsError> {
        let lab = checked_name("PERFLAB_LAB", "lab name", Some(lab.into()))?
            .unwrap_or_else(|| DEFAULT_LAB_NAME.to_string());
        Ok(Settings {
            lab,
            state_dir: state_dir.to_path_buf(),
            images: None,
            docker_host: None,
            docker_tls: false,
            program: None,
        })
    }

    fn lab_dir(base: &Path, lab: &str) -> PathBuf {
        match lab == DEFAULT_LAB_NAME {
            true => base.to_path_buf(),
            false => base.join("labs").join(lab),
        }
    }

    /// The state directory, created if needed.
    pub fn ensure_state_dir(&self) -> std::io::Result<&Path> {
        std::fs::create_dir_all(&self.state_dir).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("creating state directory {}: {e}", self.state_dir.display()),
            )
        })?;
        Ok(&self.state_dir)
    }
}

fn checked_name(
    var: &'static str,
    what: &'static str,
    value: Option<std::ffi::OsString>,
) -> Result<Option<String>, SettingsError> {
    let Some(value) = value else { return Ok(None) };
    let name = value.to_string_lossy().into_owned();
    let ok = name.len() <= 20
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    match ok {
        true => Ok(Some(name)),
        false => Err(SettingsError::BadName {
            var,
            value: name,
            what,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_labs_get_their_own_state() {
        let s = Settings::for_lab("t-lab1", Path::new("/tmp/x")).unwrap();
        assert_eq!(s.lab, "t-lab1");
        let e = Settings::for_lab("Bad_Name", Path::new("/tmp/x")).unwrap_err();
        assert!(e.to_string().contains("\"Bad_Name\""), "{e}");
        assert!(e.to_string().contains("1 to 20 characters"), "{e}");
        assert_eq!(
            Settings::lab_dir(Path::new("/s"), "perflab"),
            PathBuf::from("/s")
        );
        assert_eq!(
            Settings::lab_dir(Path::new("/s"), "x1"),
            PathBuf::from("/s/labs/x1")
        );
    }
}
