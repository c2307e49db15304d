//! Between two stages. The course is cumulative: the next stage starts from the
//! lab as the learner left it, plus the change that stage begins with (stage 5:
//! the colleague's keep-alive change). That change is applied to the running lab
//! rather than by starting the lab again at stage 5, so that the learner's own
//! fixes stay (a raised conntrack limit, 30 php-fpm children, ...) and each stage
//! really builds on the one before.
use crate::config::{StagePlan, StagesError};
use crate::lessons::{Change, Text, STAGES};
use crate::ui::Tone;

use super::phrases as p;
use super::position::Position;
use super::progress::StageStatus;
use super::session::{Flow, Session, Stop};
use crate::lab::mark;

/// Stage `n` is through: mark it done, carry the lab into the next stage, and
/// ask whether to go on.
pub fn next(s: &mut Session, n: u8) -> Flow<()> {
    let lang = s.lang();
    let st = s.stage(n);
    let skipped = st.status == StageStatus::Skipped;
    if !skipped {
        st.status = StageStatus::Done;
    }
    st.position = Position::Done;
    s.progress.stage = n + 1;
    s.save()?;
    let status = match skipped {
        true => crate::class::StageOutcome::Skipped,
        false => crate::class::StageOutcome::Done,
    };
    s.event(
        crate::class::EventKind::StageDone { status },
        n,
        Position::Done.name(),
    );
    let done = match skipped {
        true => p::STAGE_SKIPPED_DONE,
        false => p::STAGE_DONE,
    };
    s.say(Tone::Good, &done.fill(lang, &[("n", &n.to_string())]));
    if n + 1 > *STAGES.end() {
        return Ok(());
    }
    carry(s, n + 1)?;
    let title = s.lesson(n + 1).spec.title.get(lang).to_string();
    let go_on = p::GO_ON.fill(lang, &[("n", &(n + 1).to_string()), ("title", &title)]);
    if s.opts.yes {
        return Ok(());
    }
    let items = vec![go_on, p::STOP_HERE.get(lang).to_string()];
    match s.select(p::CHECK_MENU.get(lang), &items)? {
        0 => Ok(()),
        _ => Err(Stop::Quit),
    }
}

/// The knobs a stage begins with, as (knob, value) in the spelling the engine reads.
pub fn on_start(stage: u8) -> Result<Vec<(String, String)>, StagesError> {
    let plan = StagePlan::embedded()?;
    let patch = plan
        .stage(stage)
        .map(|s| s.on_start.clone())
        .unwrap_or_default();
    Ok(patch
        .set()
        .into_iter()
        .map(|(knob, value)| (knob.to_string(), value.to_string()))
        .collect())
}

/// One knob a stage begins with, as a change the lab applies like a learner's fix.
pub fn on_start_change(knob: &str, value: &str) -> Change {
    Change {
        id: format!("on-start-{knob}"),
        target: crate::lessons::Target::Knob(knob.to_string()),
        forms: Vec::new(),
        value: None,
        reference: Some(value.to_string()),
        reject: None,
        about: Text::default(),
    }
}

/// Applies what stage `m` begins with to the running lab and marks the lab as
/// being at stage `m`.
fn carry(s: &mut Session, m: u8) -> Flow<()> {
    let changes = on_start(m).map_err(|e| Stop::Lab(e.into()))?;
    for (knob, value) in changes {
        let text = p::CARRY.fill(
            s.lang(),
            &[("n", &m.to_string()), ("knob", &knob), ("value", &value)],
        );
        s.say(Tone::Warn, &text);
        let change = on_start_change(&knob, &value);
        let line = s.lab(|o| o.apply(&change, Some(&value)))?;
        s.say(Tone::Note, &line);
    }
    s.lab(|o| mark::write(o, m))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn stage_five_begins_with_the_keep_alive_change() {
        assert_eq!(
            super::on_start(5).unwrap(),
            vec![("fastcgi_keep_conn".to_string(), "true".to_string())]
        );
        assert!(super::on_start(2).unwrap().is_empty());
    }
}
