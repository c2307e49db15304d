//! The guided course as data: one folder per stage under `lessons/`, each with
//! its steps (`stage.toml`, see [`schema`]) and its prose in English and Chinese
//! (`brief.en.md`, `brief.zh.md`, `debrief.en.md`, `debrief.zh.md`), embedded in
//! the binary.
//!
//! Data flows one way: files → [`Course::load`] (parse, then validate every rule,
//! each problem naming its file and field; then resolve the measured figures'
//! placeholders from the table in [`figures`]) → the tutor. `perflab dev check`
//! runs the same validation, and checks every placeholder against the measured
//! table. This module is data and its validation only: `ui` draws the prose.
#[cfg(test)]
mod broken;
mod agree;
mod ahead;
pub mod check;
mod check_rules;
mod course;
mod discovery;
mod embedded;
pub mod fields;
mod figure_scan;
mod figure_words;
pub mod figures;
pub mod fix;
mod input;
mod lesson;
mod phrase;
mod problem;
mod prose;
pub mod schema;
mod source;
mod stage_files;
mod steps;
mod text;
mod validate;

pub use agree::HOST_SYSCTLS;
pub use check::{At, Check, Compare, Expect, Measure, Op, Operand, Predicate};
pub use course::{Course, Files, Lesson, STAGES, STAGE_FILES};
pub use embedded::files as embedded_files;
pub use fields::{FieldInfo, FieldKind, FieldRef, KeyKind, CATALOG, KNOB_SETTINGS, SYSCTLS};
pub use figure_scan::{against_table as figure_problems, literal_figures};
pub use figures::{Figures, FiguresError};
pub use fix::{Change, Fix, Need, Service, Target, ValueRule};
pub use input::Input;
#[cfg(test)]
pub use phrase::assert_complete;
pub(crate) use phrase::phrases;
pub use phrase::Phrase;
pub use problem::{LessonError, Problem};
pub use prose::FENCES;
pub use schema::{
    BriefRules, Choice, Evidence, Investigate, Observe, Pattern, Place, Question, StageSpec,
    Symptom, FORMAT,
};
pub use steps::{Hint, HintLevel, StepKind};
pub use text::{Lang, Text};
