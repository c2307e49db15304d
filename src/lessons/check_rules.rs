//! The rules of the check and measure steps, and of the predicates that evidence
//! and checks use: each field is read in a way that means something (a counter
//! by its growth under load), and each comparison has one right-hand side.
use super::check::{At, Check, Measure, Op, Operand, Predicate};
use super::fields::FieldKind;
use super::fix::{Fix, Target};
use super::problem::text;
use super::problem::Report;

pub(crate) fn check(c: &Check, fix: Option<&Fix>, r: &mut Report<'_>) {
    text(&c.say, "check.say", r);
    if c.predicates.is_empty() {
        r.add(
            "check.predicate",
            "no predicates: a check needs at least one",
        );
    }
    for (i, p) in c.predicates.iter().enumerate() {
        predicate(p, fix, &format!("check.predicate[{i}]"), r);
    }
}

/// A predicate reads its field in a way that means something, and has one right-hand side.
pub(crate) fn predicate(p: &Predicate, fix: Option<&Fix>, path: &str, r: &mut Report<'_>) {
    for f in std::iter::once(&p.field).chain(&p.of) {
        match (f.kind(), p.at) {
            (FieldKind::Counter, At::Now) => r.add(format!("{path}.at"), format!(
                "{f} is a counter: its total depends on history, so read its growth with at = \"load\""
            )),
            (FieldKind::RunFigure | FieldKind::Share, At::Now) => {
                r.add(format!("{path}.at"), format!("{f} exists only for a run: use at = \"load\""))
            }
            _ => {}
        }
    }
    let sides =
        usize::from(p.value.is_some()) + usize::from(p.of.is_some()) + usize::from(p.before);
    if p.op == Op::Accepted {
        if sides != 0 || p.factor.is_some() {
            r.add(path, "op \"accepted\" compares with the fix's range: give no value, of, before or factor");
        }
        let changes = fix.map_or(&[][..], |f| &f.changes);
        let fixed = changes.iter().any(|c| {
            let sysctl = c
                .target_sysctl()
                .is_some_and(|s| p.field.sysctl() == Some(s));
            let knob = matches!(&c.target, Target::Knob(k) if p.field.knob() == Some(k.as_str()));
            sysctl || knob
        });
        if !fixed {
            r.add(
                format!("{path}.field"),
                format!(
                    "op \"accepted\" needs a setting that this stage's fix changes, not {}",
                    p.field
                ),
            );
        }
    } else if sides != 1 {
        r.add(
            path,
            "give exactly one right-hand side: value, of or before",
        );
    }
    if p.factor.is_some() && p.value.is_some() {
        r.add(
            format!("{path}.factor"),
            "factor multiplies of or before, not a constant value",
        );
    }
    if p.before && p.at != At::Load {
        r.add(
            format!("{path}.before"),
            "before compares with the observe run: use at = \"load\"",
        );
    }
    if let Some(Operand::Text(_)) = &p.value {
        if !matches!(p.op, Op::Eq | Op::Ne) || p.field.kind() != FieldKind::Setting {
            r.add(
                format!("{path}.value"),
                "a text value compares only a sysctl, with == or !=",
            );
        }
    }
    text(&p.explain, &format!("{path}.explain"), r);
}

pub(crate) fn measure(m: &Measure, r: &mut Report<'_>) {
    text(&m.say, "measure.say", r);
    let headlines = m.compares.iter().filter(|c| c.headline).count();
    if headlines != 1 {
        r.add(
            "measure.compare",
            format!("{headlines} headline figures: mark exactly one (goodput)"),
        );
    }
    for (i, c) in m.compares.iter().enumerate() {
        if !matches!(c.field.kind(), FieldKind::RunFigure | FieldKind::Counter) {
            r.add(
                format!("measure.compare[{i}].field"),
                format!(
                    "{} is not a run figure or a counter: a measurement compares two load runs",
                    c.field
                ),
            );
        }
    }
}
