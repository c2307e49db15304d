//! A stage's reference fix, applied to the lab as a learner's typed fix would
//! be: the course's `skip`, `run --auto` and the challenge's endings use it.
use crate::engine::Side;
use crate::lessons::{Change, Need, StageSpec};

use super::{ExecTarget, LabError, LabOps};

/// The reference fix of a stage, applied as a learner's typed fix would be.
/// With `need = "any"`, the first change that has a reference this host can
/// take (see [`Change::reference_for`]).
pub fn apply_reference(ops: &mut dyn LabOps, spec: &StageSpec) -> Result<Vec<String>, LabError> {
    let Some(fix) = &spec.fix else {
        return Ok(Vec::new());
    };
    let mut done = Vec::new();
    for change in fix
        .changes
        .iter()
        .filter(|c| c.reference.is_some() || !c.target.takes_value())
    {
        let value = match change.target.takes_value() {
            true => match change.reference_for(live_value(ops, change)?) {
                Some(v) => Some(v),
                None if fix.need == Need::Any => continue,
                None => {
                    return Err(LabError::NoReference {
                        change: change.id.clone(),
                    })
                }
            },
            false => None,
        };
        done.push(ops.apply(change, value.as_deref())?);
        if fix.need == Need::Any {
            break;
        }
    }
    ops.restart(&fix.restart)?;
    Ok(done)
}

/// The value in force of the sysctl a change sets, when it is a number.
pub fn live_value(ops: &mut dyn LabOps, change: &Change) -> Result<Option<u64>, LabError> {
    let Some(name) = change.target_sysctl() else {
        return Ok(None);
    };
    let out = ops.exec(
        ExecTarget::Server(Side::Nginx),
        &format!("sysctl -n {name}"),
    )?;
    Ok(Some(out)
        .filter(|o| o.code == 0)
        .and_then(|o| o.stdout.trim().parse().ok()))
}
