//! The challenge's broken server, and the marks on it that say whose it is.
//!
//! The broken server is stage 0's start with every stage's `on_start` change
//! of `containers/stages.toml` on top, that is, stage 5's half-finished
//! upstream keep-alive change is in from the start. The course holds that
//! change back until stage 5 only so that stages 2 and 3 show a gain of their
//! own (with it, the 51-port range lets ~50 requests through per run until it
//! is widened); the challenge measures the end state, and without the change
//! stages 5 and 6 would have no fault to find (with php-fpm closing first,
//! tcp_tw_reuse changes nothing, measured in scenario.md).
use crate::config::StagePlan;
use crate::engine::Side;
use crate::lab::{mark, ExecTarget, LabError, LabOps};
use crate::lessons::{Change, Target, Text};

/// The challenge's id, in the server's config volume: it lives and dies with the lab.
const FILE: &str = "/etc/perflab/challenge";

/// The course's mark for a lab that no stage of the course holds: a course
/// that comes back to this lab starts its stage's lab afresh.
const NO_COURSE_STAGE: u8 = u8::MAX;

/// Starts the broken server afresh (a running lab is removed first) and marks it.
pub fn start(ops: &mut dyn LabOps, lab_id: &str) -> Result<(), LabError> {
    let plan = StagePlan::embedded()?;
    ops.start_stage(0, true)?;
    for stage in plan.stages() {
        for (knob, value) in stage.on_start.set() {
            ops.apply(&knob_change(knob), Some(&value.to_string()))?;
        }
    }
    mark::write(ops, NO_COURSE_STAGE)?;
    let cmd = format!("echo {lab_id} > {FILE}");
    ops.exec(ExecTarget::Server(Side::Nginx), &cmd)?
        .ok(&format!("marking the lab as the challenge's ({cmd})"))?;
    Ok(())
}

/// The challenge id of the running lab; `None` without a lab or an id.
pub fn read_id(ops: &mut dyn LabOps) -> Option<String> {
    match ops.exec(ExecTarget::Server(Side::Nginx), &format!("cat {FILE}")) {
        Ok(out) if out.code == 0 => Some(out.stdout.trim().to_string()).filter(|s| !s.is_empty()),
        Ok(_) => None,
        // No lab, or none that answers: the challenge starts one.
        Err(e) => {
            log::debug!("reading the challenge's mark on the lab: {e}");
            None
        }
    }
}

/// The course stage the running lab holds, if the course carried it there.
pub fn course_stage(ops: &mut dyn LabOps) -> Option<u8> {
    mark::read(ops).filter(|n| crate::lessons::STAGES.contains(n))
}

/// An id for a new challenge: the time it started, in milliseconds.
pub fn new_id() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("challenge-{ms}")
}

/// A change of one knob, as the lab applies a lesson's knob change.
fn knob_change(knob: &str) -> Change {
    Change {
        id: format!("start-{knob}"),
        target: Target::Knob(knob.to_string()),
        forms: Vec::new(),
        value: None,
        reference: None,
        reject: None,
        about: Text::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KnobValue;

    #[test]
    fn the_broken_server_begins_with_the_keep_alive_change() {
        let plan = StagePlan::embedded().unwrap();
        let fields: Vec<_> = plan
            .stages()
            .iter()
            .flat_map(|s| s.on_start.set())
            .collect();
        assert_eq!(fields, [("fastcgi_keep_conn", KnobValue::Flag(true))]);
        let patch =
            crate::config::KnobsPatch::single(fields[0].0, &fields[0].1.to_string()).unwrap();
        assert_eq!(patch.fastcgi_keep_conn, Some(true));
        assert!(!crate::lessons::STAGES.contains(&NO_COURSE_STAGE));
    }
}
