//! One stage folder: its five files read, parsed and validated, each problem
//! naming its file (and the field, or the line).
use crate::config::StagePlan;

use super::lesson::{Lesson, STAGES, STAGE_FILES};
use super::problem::problem;
use super::problem::{parse_problem, Problem, Report};
use super::prose::{self, Kind};
use super::schema::StageSpec;
use super::source::Files;
use super::text::{Lang, Text};
use super::{agree, ahead, discovery, figure_scan, validate};

/// Whether the files are checked as written, or parsed again once their
/// placeholders hold the measured figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    Validate,
    Resolved,
}

pub(crate) fn stage(
    files: &Files,
    root: &str,
    dir: &str,
    names: &[&str],
    plan: Option<&StagePlan>,
    pass: Pass,
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
            "unexpected folder: name stage folders <0-6>-<name>, e.g. 4-workers",
        ));
        return None;
    }
    let list = STAGE_FILES.join(", ");
    for name in names {
        if !STAGE_FILES.contains(name) {
            let why = match *name {
                "en.md" | "zh.md" => format!("unexpected file: format 2 splits the prose into brief.<lang>.md and debrief.<lang>.md; a stage folder holds {list}"),
                _ => format!("unexpected file: a stage folder holds {list}"),
            };
            problems.push(problem(root, &format!("{dir}/{name}"), "", &why));
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
                    &format!("missing file: every stage needs {list}"),
                ));
                None
            }
        }
    };
    let toml_text = read("stage.toml");
    let brief = (read("brief.en.md"), read("brief.zh.md"));
    let debrief = (read("debrief.en.md"), read("debrief.zh.md"));
    let md_files = [
        (Kind::Brief, Lang::En, &brief.0),
        (Kind::Brief, Lang::Zh, &brief.1),
        (Kind::Debrief, Lang::En, &debrief.0),
        (Kind::Debrief, Lang::Zh, &debrief.1),
    ];
    for (kind, lang, md) in md_files {
        let Some(md) = md else { continue };
        let mut r = Report {
            file: format!("{root}/{dir}/{}", kind.file(lang)),
            problems,
        };
        prose::check(md, kind, lang, &mut r);
        if pass == Pass::Validate {
            figure_scan::markdown(md, &mut r);
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
    if pass == Pass::Validate {
        if let Ok(value) = toml_text.parse::<toml::Table>() {
            figure_scan::toml_texts(&value, &mut r);
        }
    }
    let brief = Text {
        en: brief.0?,
        zh: brief.1?,
    };
    let debrief = Text {
        en: debrief.0?,
        zh: debrief.1?,
    };
    discovery::stage(&spec, &brief, root, dir, r.problems);
    ahead::stage(&spec, &debrief, root, dir, r.problems);
    Some(Lesson {
        dir: dir.to_string(),
        spec,
        brief,
        debrief,
    })
}
