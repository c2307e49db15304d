//! One stage of the course as loaded: its steps and its prose.
use super::schema::StageSpec;
use super::text::{Lang, Text};

/// The stages the course must have, numbered from 0.
pub const STAGES: std::ops::RangeInclusive<u8> = 0..=6;

/// The files of one stage folder.
pub const STAGE_FILES: [&str; 5] = [
    "stage.toml",
    "brief.en.md",
    "brief.zh.md",
    "debrief.en.md",
    "debrief.zh.md",
];

/// One stage: its steps and its prose.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// The folder's name: `3-listen-queues`.
    pub dir: String,
    pub spec: StageSpec,
    /// The Markdown of the brief step (`brief.en.md`, `brief.zh.md`).
    pub brief: Text,
    /// The Markdown of the debrief step (`debrief.en.md`, `debrief.zh.md`).
    pub debrief: Text,
}

impl Lesson {
    /// The brief: what users see and the goal, never the cause.
    pub fn brief(&self, lang: Lang) -> &str {
        self.brief.get(lang)
    }

    /// The debrief: what was wrong, why the fix works, what it costs.
    pub fn debrief(&self, lang: Lang) -> &str {
        self.debrief.get(lang)
    }
}
