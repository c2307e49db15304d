//! Problems found in the lesson files, each naming the file and the field, and
//! the loader's error.
use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

use super::text::Text;

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the author knows it: `lessons/4-workers/stage.toml`.
    pub file: String,
    /// The field's path in the file (`fix.change[0].reference`), a Markdown
    /// location (`line 12`), or empty when the problem is the file itself.
    pub field: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field.is_empty() {
            true => write!(f, "{}: {}", self.file, self.message),
            false => write!(f, "{}: {}: {}", self.file, self.field, self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LessonError {
    #[error(
        "reading the lessons folder {path}: {source}; check that the path exists and is readable"
    )]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the lessons have {} problem(s), the first: {}; run `perflab dev check` to list them all",
        .0.len(),
        .0.first().map(ToString::to_string).unwrap_or_default()
    )]
    Invalid(Vec<Problem>),
}

/// Collects the problems of one file while its fields are walked.
pub(crate) struct Report<'a> {
    pub file: String,
    pub problems: &'a mut Vec<Problem>,
}

impl Report<'_> {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.clone(),
            field: field.into(),
            message: message.into(),
        });
    }
}

/// A TOML parse error as one problem: the line, the table it is in and the key
/// on that line stand for the field.
pub(crate) fn parse_problem(file: &str, text: &str, err: &toml::de::Error) -> Problem {
    let start = err.span().map_or(0, |s| s.start).min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or_default().trim();
    let table = text[..line_start]
        .lines()
        .chain(std::iter::once(line))
        .rfind(|l| l.trim_start().starts_with('['))
        .map(str::trim);
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim())
        .filter(|k| !k.starts_with('[') && !k.is_empty());
    let field = match (table, key) {
        (Some(t), Some(k)) => format!("line {line_no}, {t} {k}"),
        (Some(t), None) => format!("line {line_no}, {t}"),
        (None, Some(k)) => format!("line {line_no}, {k}"),
        (None, None) => format!("line {line_no}"),
    };
    let message = err.message().trim().replace('\n', " ");
    Problem {
        file: file.to_string(),
        field,
        message,
    }
}

/// A problem in a file under `root` (the lessons folder).
pub(crate) fn problem(root: &str, path: &str, field: &str, message: &str) -> Problem {
    let file = match path.is_empty() {
        true => format!("{root}/"),
        false => format!("{root}/{path}"),
    };
    Problem {
        file,
        field: field.to_string(),
        message: message.to_string(),
    }
}

/// An id is kebab-case and unique in its stage.
pub(crate) fn id(id: &str, path: &str, seen: &mut HashSet<String>, r: &mut Report<'_>) {
    let kebab = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !kebab {
        r.add(path, format!("{id:?} is not a kebab-case id (a-z, 0-9, -)"));
    }
    if !seen.insert(id.to_string()) {
        r.add(path, format!("{id:?} is used twice in this stage"));
    }
}

/// Every text needs both languages.
pub(crate) fn text(t: &Text, path: &str, r: &mut Report<'_>) {
    for lang in t.missing() {
        r.add(
            format!("{path}.{}", lang.code()),
            "missing text: every text needs both en and zh",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: u32,
        inner: Option<Inner>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        b: u32,
    }

    #[test]
    fn parse_problem_names_line_table_and_key() {
        let text = "a = 1\n\n[inner]\nb = \"x\"\n";
        let err = toml::from_str::<T>(text).unwrap_err();
        let p = parse_problem("f.toml", text, &err);
        assert_eq!(p.field, "line 4, [inner] b");
        assert!(p.message.contains("invalid type"), "{}", p.message);
        let text = "a = 1\n[inner]\nb = 2\nbogus = 3\n";
        let p = parse_problem("f.toml", text, &toml::from_str::<T>(text).unwrap_err());
        assert!(
            p.to_string()
                .starts_with("f.toml: line 4, [inner] bogus: unknown field `bogus`"),
            "{p}"
        );
    }
}
