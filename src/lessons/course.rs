//! The course: every stage's `stage.toml` and prose, parsed and validated, from
//! the copy embedded in the binary or from a folder on disk (for authors).
//!
//! Lessons quote measured figures as placeholders (`{{1.after.goodput.median}}`).
//! They are validated as written, then resolved from the measured table once,
//! so that everything the tutor shows holds the table's numbers.
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::config::StagePlan;

use super::ahead;
use super::embedded;
use super::figures::Figures;
use super::problem::{LessonError, Problem, Report};
use super::schema::StageSpec;
use super::source::read_dir;
use super::stage_files::{stage, Pass};

pub use super::lesson::{Lesson, STAGES, STAGE_FILES};

/// Every stage, in order.
#[derive(Debug, Clone)]
pub struct Course {
    pub stages: Vec<Lesson>,
}

pub(crate) use super::problem::problem;
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

    /// Parses and validates `files`, then resolves their placeholders from the
    /// measured table built into perflab; `root` prefixes the file names in problems.
    pub fn build(files: &Files, root: &str) -> Result<Course, LessonError> {
        Course::build_with(files, root, &Figures::embedded().unwrap_or_default())
    }

    /// [`Course::build`] with another measured table.
    pub fn build_with(files: &Files, root: &str, figures: &Figures) -> Result<Course, LessonError> {
        let (_, problems) = Course::check(files, root);
        if !problems.is_empty() {
            return Err(LessonError::Invalid(problems));
        }
        // The texts were validated as written; with the figures in them they are
        // only parsed again (a resolved figure is a literal number on purpose).
        let resolved = figures.resolve_files(files);
        let (course, _) = assemble(&resolved, root, Pass::Resolved);
        Ok(course)
    }

    /// Every problem of `files`, and the stages that parsed.
    pub fn check(files: &Files, root: &str) -> (Course, Vec<Problem>) {
        assemble(files, root, Pass::Validate)
    }

    pub fn stage(&self, number: u8) -> Option<&Lesson> {
        self.stages.iter().find(|l| l.spec.number == number)
    }
}

fn assemble(files: &Files, root: &str, pass: Pass) -> (Course, Vec<Problem>) {
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
        if let Some(lesson) = stage(files, root, dir, names, plan.as_ref(), pass, &mut problems) {
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
            problems.push(problem(
                root,
                "",
                "",
                &format!(
                    "stage {n} is missing: add a folder {n}-<name> with {}",
                    STAGE_FILES.join(", ")
                ),
            ));
        }
    }
    let specs: Vec<&StageSpec> = stages.iter().map(|l| &l.spec).collect();
    ahead::course(
        &specs,
        &mut Report {
            file: root.to_string(),
            problems: &mut problems,
        },
    );
    (Course { stages }, problems)
}

#[cfg(test)]
#[path = "course_tests.rs"]
mod tests;
