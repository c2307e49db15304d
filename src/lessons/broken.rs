//! For the lessons' tests: the embedded course with one file edited, and the
//! problems `Course::check` finds in it.
use super::{embedded_files, Course, Files};

/// The embedded files with `path` changed by `edit` (which must change it).
pub fn embedded_with(path: &str, edit: impl FnOnce(String) -> String) -> Files {
    let mut files = embedded_files();
    let text = files.remove(path).expect("the file exists").expect("utf-8");
    let changed = edit(text.clone());
    assert_ne!(text, changed, "the edit of {path} changed nothing");
    files.insert(path.to_string(), Ok(changed));
    files
}

pub fn problems(files: &Files) -> Vec<String> {
    Course::check(files, "lessons")
        .1
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// One of the problems has every one of `parts`.
#[track_caller]
pub fn assert_problem_with(files: &Files, parts: &[&str]) {
    let found = problems(files);
    assert!(
        found.iter().any(|p| parts.iter().all(|w| p.contains(w))),
        "no problem with {parts:?} in {found:#?}"
    );
}

/// The embedded course with `path` edited has a problem naming every one of
/// `parts`.
#[track_caller]
pub fn edited_fails(path: &str, edit: impl FnOnce(String) -> String, parts: &[&str]) {
    assert_problem_with(&embedded_with(path, edit), parts);
}
