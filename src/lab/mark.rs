//! Which stage of the course the running lab is at. A lab's stage label says
//! where `up` started it; the course then carries the same lab from stage to
//! stage (each fix reveals the next fault), so the tutor marks the lab itself
//! with the stage it has reached: a file in the server's config volume, which
//! lives and dies with the lab. A lab without the mark was started outside the
//! course (`perflab up`) and holds none of the learner's changes.
use crate::engine::{Server, Side};

use super::{ExecTarget, LabError, LabOps};

pub const FILE: &str = "/etc/perflab/course-stage";

/// The stage the running lab was carried to by the course; `None` without a
/// lab or a mark.
pub fn read(ops: &mut dyn LabOps) -> Option<u8> {
    let out = match ops.exec(ExecTarget::Server(Side::Nginx), &format!("cat {FILE}")) {
        Ok(out) => out,
        // No lab, or none that answers: no mark, and the course starts one.
        Err(e) => {
            log::debug!("reading the course's mark on the lab: {e}");
            return None;
        }
    };
    match out.code {
        0 => out.stdout.trim().parse().ok(),
        _ => None,
    }
}

/// The running server's mark, read straight through the engine (`perflab
/// status`); `None` without one.
pub async fn read_server(server: &Server) -> Option<u8> {
    let cat = ["cat", FILE];
    let out = server
        .exec(Side::Nginx, &cat, std::time::Duration::from_secs(10))
        .await;
    out.ok()
        .filter(|o| o.success())
        .and_then(|o| o.stdout.trim().parse().ok())
}

/// The stage the lab is at: the course's mark when the course carried it
/// there, else the stage `up` started it at (its label, which never moves).
pub fn stage(mark: Option<u8>, label: Option<u8>) -> Option<u8> {
    mark.or(label)
}

pub fn write(ops: &mut dyn LabOps, stage: u8) -> Result<(), LabError> {
    let cmd = format!("echo {stage} > {FILE}");
    let out = ops.exec(ExecTarget::Server(Side::Nginx), &cmd)?;
    out.ok(&format!("marking the lab with its course stage ({cmd})"))?;
    Ok(())
}

/// Makes sure the lab runs at the start of `stage`, or holds the learner's work
/// on it. Returns whether the lab was kept (it already was at this stage).
pub fn ensure(ops: &mut dyn LabOps, stage: u8, fresh: bool) -> Result<bool, LabError> {
    let mark = read(ops);
    if !fresh && mark == Some(stage) {
        return Ok(true);
    }
    // A lab the course carried to another stage must not be mistaken for this
    // stage's start because of its label: start it again.
    ops.start_stage(stage, fresh || mark.is_some())?;
    write(ops, stage)?;
    Ok(false)
}
