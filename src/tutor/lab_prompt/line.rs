//! One line typed at the lab prompt: run inside the server (kernel-log reads in
//! the host helper) or, for `perflab probe` and `perflab flame`, by perflab
//! itself; its output shown, and the stage's evidence it showed returned.
use crate::lessons::{Evidence, Place, StageSpec};
use crate::ui::Tone;

use crate::lab::prompt as hostcmd;
use crate::tutor::facts::Facts;
use crate::tutor::judge;
use crate::tutor::phrases as p;
use crate::tutor::session::{Flow, Session};

/// Runs one typed line and returns the evidence it showed for the first time.
pub fn run_line<'l>(
    s: &mut Session,
    spec: &'l StageSpec,
    line: &str,
    seen: &[String],
) -> Flow<Vec<&'l Evidence>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.first() == Some(&"perflab") {
        return match words.get(1) {
            Some(&"probe") => probe(s, spec, seen),
            Some(&"flame") => flame(s, spec, seen),
            _ => {
                s.phrase(Tone::Note, &p::PERFLAB_ELSEWHERE);
                Ok(Vec::new())
            }
        };
    }
    let evidence = &spec.investigate.evidence;
    let ran = s.try_lab(|o| {
        let route = hostcmd::route(line, evidence, &o.lab_name());
        hostcmd::run(o, &route)
    })?;
    let Some(out) = ran else {
        return Ok(Vec::new());
    };
    let mut text = out.stdout.clone();
    if !out.stderr.trim().is_empty() {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&out.stderr);
    }
    if !text.trim().is_empty() {
        s.say(Tone::Output, &text);
    }
    if out.code != 0 {
        let code = out.code.to_string();
        s.say(Tone::Note, &p::EXIT_CODE.fill(s.lang(), &[("code", &code)]));
    }
    Ok(spec
        .investigate
        .evidence
        .iter()
        .filter(|e| e.runs_in != Place::Perflab && !seen.contains(&e.id))
        .filter(|e| e.is_seen(line, &text))
        .collect())
}

/// The perflab evidence of `which` (`probe`, `flame`) that these facts show.
fn judge<'l>(
    s: &Session,
    spec: &'l StageSpec,
    which: &str,
    facts: &Facts,
    seen: &[String],
) -> Vec<&'l Evidence> {
    spec.investigate
        .evidence
        .iter()
        .filter(|e| e.runs_in == Place::Perflab && !seen.contains(&e.id))
        .filter(|e| e.command.split_whitespace().nth(1) == Some(which))
        .filter(|e| {
            e.seen_when
                .as_ref()
                .is_some_and(|p| judge::predicate(p, facts, &Facts::default(), None, s.lang()).ok)
        })
        .collect()
}

fn probe<'l>(s: &mut Session, spec: &'l StageSpec, seen: &[String]) -> Flow<Vec<&'l Evidence>> {
    let Some(facts) = s.try_lab(|o| o.facts_now())? else {
        return Ok(Vec::new());
    };
    if let Some(now) = &facts.now {
        s.say(Tone::Output, &crate::present::probe::render(now, s.lang()));
    }
    Ok(judge(s, spec, "probe", &facts, seen))
}

/// The function whose share the stage's flame evidence (or its check) reads.
fn flame_target(spec: &StageSpec) -> String {
    spec.investigate
        .evidence
        .iter()
        .filter_map(|e| e.seen_when.as_ref())
        .find(|p| p.field.info.name == "flame.share")
        .and_then(|p| p.field.key.clone())
        .or_else(|| spec.flame_function())
        .unwrap_or_else(|| "inet_hash_connect".to_string())
}

fn flame<'l>(s: &mut Session, spec: &'l StageSpec, seen: &[String]) -> Flow<Vec<&'l Evidence>> {
    let function = flame_target(spec);
    s.phrase(Tone::Note, &p::FLAME_RUNNING);
    let Some(facts) = s.try_lab(|o| o.run_load(false, Some(&function), spec.observe.seconds))?
    else {
        return Ok(Vec::new());
    };
    let lang = s.lang();
    match facts.run.as_ref().and_then(|r| r.flame.get(&function)) {
        Some(share) => {
            let pct = format!("{:.1}", share * 100.0);
            let line = p::FLAME_SHARE.fill(lang, &[("pct", &pct), ("function", &function)]);
            s.say(Tone::Plain, &line);
        }
        None => s.say(
            Tone::Note,
            &p::FLAME_NONE.fill(lang, &[("function", &function)]),
        ),
    }
    Ok(judge(s, spec, "flame", &facts, seen))
}
