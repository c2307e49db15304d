//! A change the learner's line was accepted as, applied to the lab: a
//! host-wide value only above the one in force, announced and confirmed first
//! (the engine journals it); and the services it needs restarted.
use crate::lessons::{Change, Service, Target, ValueRule};
use crate::ui::Tone;

use crate::tutor::phrases as p;
use crate::tutor::session::{Flow, Session};

/// What became of a change whose form and range were accepted.
pub enum Applied {
    /// Applied; what was done, in a line.
    Done(String),
    /// Refused (and said why): a host-wide value not above the one in force.
    Refused,
    /// The learner declined a host-wide change, or applying it failed (and was shown).
    Declined,
}

/// Applies an accepted change as the fix step does: a host-wide value only
/// above the one in force, announced and confirmed first (the engine journals it).
pub fn apply_accepted(s: &mut Session, change: &Change, value: Option<&str>) -> Flow<Applied> {
    let lang = s.lang();
    let live = live_value(s, change)?;
    if let (Some(v), Some(live)) = (value, live) {
        let above_live = matches!(
            change.value,
            Some(ValueRule::Integer {
                above_live: true,
                ..
            })
        );
        if above_live && v.parse::<u64>().is_ok_and(|v| v <= live) {
            let why = p::NOT_ABOVE_LIVE.fill(lang, &[("value", v), ("live", &live.to_string())]);
            s.say(Tone::Bad, &p::REFUSED.fill(lang, &[("reason", &why)]));
            return Ok(Applied::Refused);
        }
    }
    if !announce_host(s, change, live)? {
        return Ok(Applied::Declined);
    }
    Ok(match s.try_lab(|o| o.apply(change, value))? {
        Some(done) => Applied::Done(done),
        None => Applied::Declined,
    })
}

/// The value in force of the sysctl a change sets, when it is a number.
pub fn live_value(s: &mut Session, change: &Change) -> Flow<Option<u64>> {
    Ok(s.try_lab(|o| crate::lab::live_value(o, change))?.flatten())
}

/// Says that a change reaches beyond the lab, and asks; true to go ahead.
pub fn announce_host(s: &mut Session, change: &Change, live: Option<u64>) -> Flow<bool> {
    let Target::HostSysctl(name) = &change.target else {
        return Ok(true);
    };
    let live = live.map(|v| v.to_string()).unwrap_or_else(|| "?".into());
    let line = p::HOST_WIDE.fill(s.lang(), &[("name", name), ("live", &live)]);
    s.say(Tone::Warn, &line);
    s.confirm(p::APPLY_IT.get(s.lang()))
}

/// Restarts the services a fix needs restarted, saying so.
pub fn restart(s: &mut Session, services: &[Service]) -> Flow<()> {
    if services.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = services
        .iter()
        .map(|v| match v {
            Service::Nginx => "nginx",
            Service::PhpFpm => "php-fpm",
        })
        .collect();
    let names = names.join(", ");
    let lang = s.lang();
    s.say(
        Tone::Note,
        &p::RESTARTING.fill(lang, &[("services", &names)]),
    );
    s.lab(|o| o.restart(services))?;
    s.say(
        Tone::Good,
        &p::RESTARTED.fill(lang, &[("services", &names)]),
    );
    Ok(())
}
