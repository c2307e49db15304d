//! A lesson's predicate evaluated against [`Facts`]. Pure: no Docker, no terminal.
use crate::lessons::{At, Fix, Lang, Op, Operand, Predicate};

use crate::tutor::facts::{resolve, Facts, Value};
use crate::tutor::phrases as p;

/// The outcome of one predicate: when it fails, the field, what was observed and
/// what was expected, and why it matters.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub ok: bool,
    pub field: String,
    pub observed: String,
    pub expected: String,
    pub explain: String,
}

/// Evaluates `p` now (`after`) against the facts of the run before the fix (`before`).
pub fn predicate(
    p: &Predicate,
    after: &Facts,
    before: &Facts,
    fix: Option<&Fix>,
    lang: Lang,
) -> Verdict {
    let verdict = |ok: bool, observed: String, expected: String| Verdict {
        ok,
        field: p.field.text.clone(),
        observed,
        expected,
        explain: p.explain.get(lang).to_string(),
    };
    let lhs = match resolve(&p.field, p.at, after) {
        Ok(v) => v,
        Err(e) => return verdict(false, format!("unreadable: {e}"), String::new()),
    };
    if p.op == Op::Accepted {
        let rule = fix.and_then(|f| {
            f.changes.iter().find(|c| {
                c.target_sysctl() == p.field.sysctl() && p.field.sysctl().is_some()
                    || matches!(&c.target, crate::lessons::Target::Knob(k) if Some(k.as_str()) == p.field.knob())
            })
        });
        return match rule.and_then(|c| c.value.as_ref()) {
            Some(rule) => match rule.accept(&lhs.to_string(), None, lang) {
                Ok(_) => verdict(true, lhs.to_string(), rule.describe()),
                Err(why) => verdict(false, lhs.to_string(), why.to_string()),
            },
            None => verdict(
                false,
                lhs.to_string(),
                "a value the fix accepts (no rule found)".into(),
            ),
        };
    }
    let factor = p.factor.unwrap_or(1.0);
    let rhs = if let Some(v) = &p.value {
        match v {
            Operand::Number(n) => Value::Number(*n),
            Operand::Text(t) => Value::Text(t.clone()),
        }
    } else if let Some(of) = &p.of {
        match resolve(of, p.at, after) {
            Ok(v) => scale(v, factor),
            Err(e) => return verdict(false, lhs.to_string(), format!("unreadable: {e}")),
        }
    } else if p.before {
        match resolve(&p.field, At::Load, before) {
            Ok(v) => scale(v, factor),
            Err(e) => {
                return verdict(
                    false,
                    lhs.to_string(),
                    format!("unreadable before the fix: {e}"),
                )
            }
        }
    } else {
        return verdict(
            false,
            lhs.to_string(),
            "a right-hand side (lesson error)".into(),
        );
    };
    let ok = compare(&lhs, p.op, &rhs);
    let expected = format!("{} {}", op_text(p.op), bound(p.op, &rhs, &lhs));
    let expected = match share(p, factor, lang) {
        Some(what) => format!("{expected} ({what})"),
        None => expected,
    };
    verdict(ok, lhs.to_string(), expected)
}

/// The right-hand side as the learner reads it: against a whole number (a
/// count), a fraction is rounded to the whole bound that means the same
/// (`count < 838860.8` is `count < 838861`).
fn bound(op: Op, rhs: &Value, lhs: &Value) -> Value {
    match (rhs, lhs.number()) {
        (Value::Number(b), Some(l)) if l.fract() == 0.0 && b.fract() != 0.0 => {
            Value::Number(match op {
                Op::Lt | Op::Ge => b.ceil(),
                Op::Le | Op::Gt => b.floor(),
                Op::Eq | Op::Ne | Op::Accepted => *b,
            })
        }
        _ => rhs.clone(),
    }
}

/// What a bound scaled from another field or from the run before the fix is:
/// `80 % of conntrack.max`.
fn share(pred: &Predicate, factor: f64, lang: Lang) -> Option<String> {
    if factor == 1.0 {
        return None;
    }
    let pct = Value::Number((factor * 100.0 * 1e6).round() / 1e6).to_string();
    match (&pred.of, pred.before) {
        (Some(of), _) => Some(p::SHARE_OF.fill(lang, &[("pct", &pct), ("field", &of.text)])),
        (None, true) => Some(p::SHARE_OF_BEFORE.fill(lang, &[("pct", &pct)])),
        (None, false) => None,
    }
}

fn scale(v: Value, factor: f64) -> Value {
    match v.number() {
        Some(n) => Value::Number(n * factor),
        None => v,
    }
}

fn compare(lhs: &Value, op: Op, rhs: &Value) -> bool {
    match (lhs.number(), rhs.number()) {
        (Some(a), Some(b)) => match op {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Eq => (a - b).abs() < 1e-9,
            Op::Ne => (a - b).abs() >= 1e-9,
            Op::Ge => a >= b,
            Op::Gt => a > b,
            Op::Accepted => false,
        },
        _ => {
            let (a, b) = (lhs.to_string(), rhs.to_string());
            match op {
                Op::Eq => a == b,
                Op::Ne => a != b,
                _ => false,
            }
        }
    }
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Eq => "==",
        Op::Ne => "!=",
        Op::Ge => ">=",
        Op::Gt => ">",
        Op::Accepted => "accepted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::Snapshot;

    fn conntrack(count: u64, max: u64) -> Facts {
        let mut now = Snapshot::default();
        now.conntrack.count = count;
        now.conntrack.max = max;
        Facts {
            now: Some(now),
            ..Facts::default()
        }
    }

    #[test]
    fn a_bound_scaled_from_a_field_reads_as_a_whole_number_with_what_it_is() {
        let pred: Predicate = toml::from_str(
            r#"
field = "conntrack.count"
op = "<"
of = "conntrack.max"
factor = 0.8
explain = { en = "headroom", zh = "余量" }
"#,
        )
        .unwrap();
        let judge = |count, lang| {
            predicate(
                &pred,
                &conntrack(count, 1048576),
                &Facts::default(),
                None,
                lang,
            )
        };
        let roomy = judge(262144, Lang::En);
        assert!(roomy.ok);
        assert_eq!(roomy.expected, "< 838861 (80 % of conntrack.max)");
        // 838860 < 838860.8 and 838861 is not: the whole bound means the same.
        assert!(judge(838860, Lang::En).ok && !judge(838861, Lang::En).ok);
        assert_eq!(
            judge(838861, Lang::Zh).expected,
            "< 838861 (conntrack.max 的 80 %)"
        );
    }
}
