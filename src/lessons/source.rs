//! Reading a lessons folder from disk, for authors and tests (`--dir`); the
//! binary's own copy comes from `embedded`.
use std::path::Path;

use super::problem::LessonError;

/// Lesson files by their path under the lessons folder (`4-workers/en.md`);
/// a file that could not be read as UTF-8 holds the reason.
pub type Files = std::collections::BTreeMap<String, Result<String, Unreadable>>;

/// Why a file in the lessons folder could not be read as a lesson file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

/// Reads a lessons folder: its stage folders and their files.
pub(crate) fn read_dir(dir: &Path) -> Result<Files, LessonError> {
    let io = |source| LessonError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Files::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let children: Vec<_> = match entry.file_type().map_err(io)?.is_dir() {
            true => std::fs::read_dir(entry.path())
                .map_err(io)?
                .collect::<Result<_, _>>()
                .map_err(io)?,
            false => {
                files.insert(
                    name,
                    Err(Unreadable(
                        "unexpected file: lessons hold one folder per stage".into(),
                    )),
                );
                continue;
            }
        };
        for child in children {
            let child_name = child.file_name().to_string_lossy().into_owned();
            let text = std::fs::read(child.path())
                .map_err(|e| Unreadable(format!("reading it: {e}")))
                .and_then(|b| {
                    String::from_utf8(b)
                        .map_err(|_| Unreadable("not UTF-8 text: save it as UTF-8".into()))
                });
            files.insert(format!("{name}/{child_name}"), text);
        }
    }
    Ok(files)
}
