//! The course: every stage's `stage.toml` and prose, parsed and validated, from
//! the copy embedded in the binary or from a folder on disk (for authors).
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::config::StagePlan;

use super::problem::{parse_problem, LessonError, Problem, Report};
use super::schema::StageSpec;
use super::source::read_dir;
use super::text::Lang;
use super::{agree, embedded, prose, validate};

/// The stages the course must have, numbered from 0.
pub const STAGES: std::ops::RangeInclusive<u8> = 0..=6;

/// The files of one stage folder.
const STAGE_FILES: [&str; 3] = ["stage.toml", "en.md", "zh.md"];

/// One stage: its steps and its prose.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// The folder's name: `3-listen-queues`.
    pub dir: String,
    pub spec: StageSpec,
    pub en: String,
    pub zh: String,
}

impl Lesson {
    /// The Markdown of the read step.
    pub fn prose(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// Every stage, in order.
#[derive(Debug, Clone)]
pub struct Course {
    pub stages: Vec<Lesson>,
}

pub use super::source::Files;

impl Course {
    /// The course embedded in the binary.
    pub fn load() -> Result<Course, LessonError> {
        Course::build(&embedded::files(), "lessons")
    }

    /// The course in a folder on disk, laid out like `lessons/`.
    pub fn load_dir(dir: &Path) -> Result<Course, LessonError> {
        Course::build(&Course::read_files(dir)?, &dir.display().to_string())
    }

    /// The files of a lessons folder on disk, for [`Course::check`].
    pub fn read_files(dir: &Path) -> Result<Files, LessonError> {
        read_dir(dir)
    }

    /// Parses and validates `files`; `root` prefixes the file names in problems.
    pub fn build(files: &Files, root: &str) -> Result<Course, LessonError> {
        let (course, problems) = Course::check(files, root);
        match problems.is_empty() {
            true => Ok(course),
            false => Err(LessonError::Invalid(problems)),
        }
    }

    /// Every problem of `files`, and the stages that parsed.
    pub fn check(files: &Files, root: &str) -> (Course, Vec<Problem>) {
        let mut problems = Vec::new();
        let plan = match StagePlan::embedded() {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(Problem {
                    file: "containers/stages.toml".into(),
                    field: String::new(),
                    message: e.to_string(),
                });
                None
            }
        };
        let mut dirs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for path in files.keys() {
            match path.split_once('/') {
                Some((dir, name)) if !name.contains('/') => dirs.entry(dir).or_default().push(name),
                _ => problems.push(problem(
                    root,
                    path,
                    "",
                    "unexpected file: lessons hold one folder per stage",
                )),
            }
        }
        let mut stages = Vec::new();
        for (dir, names) in &dirs {
            if let Some(lesson) = stage(files, root, dir, names, plan.as_ref(), &mut problems) {
                stages.push(lesson);
            }
        }
        stages.sort_by_key(|l| l.spec.number);
        let mut seen = HashSet::new();
        for l in &stages {
            if !seen.insert(l.spec.number) {
                problems.push(problem(
                    root,
                    &format!("{}/stage.toml", l.dir),
                    "number",
                    &format!("stage {} is defined twice", l.spec.number),
                ));
            }
        }
        for n in STAGES {
            if !dirs
                .keys()
                .any(|d| d.split('-').next() == Some(&n.to_string()))
            {
                problems.push(problem(root, "", "", &format!("stage {n} is missing: add a folder {n}-<name> with stage.toml, en.md and zh.md")));
            }
        }
        (Course { stages }, problems)
    }

    pub fn stage(&self, number: u8) -> Option<&Lesson> {
        self.stages.iter().find(|l| l.spec.number == number)
    }
}

fn problem(root: &str, path: &str, field: &str, message: &str) -> Problem {
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

fn stage(
    files: &Files,
    root: &str,
    dir: &str,
    names: &[&str],
    plan: Option<&StagePlan>,
    problems: &mut Vec<Problem>,
) -> Option<Lesson> {
    let folder_number = dir.split_once('-').and_then(|(n, slug)| {
        let slug_ok = !slug.is_empty()
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        n.parse::<u8>()
            .ok()
            .filter(|n| slug_ok && STAGES.contains(n))
    });
    if folder_number.is_none() {
        problems.push(problem(
            root,
            dir,
            "",
            "unexpected folder: name stage folders <0-6>-<name>, e.g. 2-workers",
        ));
        return None;
    }
    for name in names {
        if !STAGE_FILES.contains(name) {
            problems.push(problem(
                root,
                &format!("{dir}/{name}"),
                "",
                "unexpected file: a stage folder holds stage.toml, en.md and zh.md",
            ));
        }
    }
    let mut read = |name: &str| -> Option<String> {
        let path = format!("{dir}/{name}");
        match files.get(&path) {
            Some(Ok(text)) => Some(text.clone()),
            Some(Err(e)) => {
                problems.push(problem(root, &path, "", &e.0));
                None
            }
            None => {
                problems.push(problem(
                    root,
                    &path,
                    "",
                    "missing file: every stage needs stage.toml, en.md and zh.md",
                ));
                None
            }
        }
    };
    let (toml_text, en, zh) = (read("stage.toml"), read("en.md"), read("zh.md"));
    for (lang, md) in [(Lang::En, &en), (Lang::Zh, &zh)] {
        if let Some(md) = md {
            let mut r = Report {
                file: format!("{root}/{dir}/{}.md", lang.code()),
                problems,
            };
            prose::check(md, lang, &mut r);
        }
    }
    let toml_text = toml_text?;
    let file = format!("{root}/{dir}/stage.toml");
    let spec: StageSpec = match toml::from_str(&toml_text) {
        Ok(spec) => spec,
        Err(e) => {
            problems.push(parse_problem(&file, &toml_text, &e));
            return None;
        }
    };
    let mut r = Report { file, problems };
    if Some(spec.number) != folder_number {
        r.add(
            "number",
            format!("{} differs from the folder's prefix {dir:?}", spec.number),
        );
    }
    validate::stage(&spec, &mut r);
    if let Some(fix) = &spec.fix {
        agree::fix(fix, &mut r);
    }
    if let Some(plan) = plan {
        agree::plan(&spec, plan, &mut r);
    }
    Some(Lesson {
        dir: dir.to_string(),
        spec,
        en: en?,
        zh: zh?,
    })
}

#[cfg(test)]
#[path = "course_tests.rs"]
mod tests;
