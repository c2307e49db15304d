//! Verdicts that know the noise. Two runs of the same state on a shared machine
//! differ; how much is measured (`bench/course-repeat.sh` writes each stage's
//! spread, max/min over repeated runs, into the measured table). A before/after
//! comparison is decided only when the figures differ by more than that spread;
//! when they are close the run after the fix is repeated once, and if they are
//! still close the verdict is "inconclusive", with both figures.
use crate::lessons::figures::Metric;
use crate::lessons::Expect;

/// How a comparison came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    AsExpected,
    Opposite,
    /// Within the noise of two runs: a rerun can tell.
    Inconclusive,
}

/// The spread assumed for a state whose spread was not measured.
pub const DEFAULT_BAND: f64 = 1.5;
/// Below this two runs of the same state never agree: healthy runs spread ~5 %.
pub const MIN_BAND: f64 = 1.1;

/// The spread of repeated runs (max/min), each figure shifted by one so that a
/// state measuring 0 and 3 has a finite spread.
pub fn spread(values: &[f64]) -> Option<f64> {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo.is_finite() && hi.is_finite())
        .then(|| ((hi.max(0.0) + 1.0) / (lo.max(0.0) + 1.0)).max(MIN_BAND))
}

/// The median of some runs' figures.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(match v.len() % 2 {
        1 => v[mid],
        _ => (v[mid - 1] + v[mid]) / 2.0,
    })
}

/// The spread of a before/after ratio of one figure at stage `n` as the
/// measured table has it: each side's max/min of that figure, combined as the
/// square root of their product (one run strays from its side's median by
/// about the square root of that side's max/min, in either direction, and a
/// ratio of two runs carries both), or [`DEFAULT_BAND`] when not measured.
pub fn band(n: u8, metric: Metric) -> f64 {
    crate::lessons::Figures::embedded()
        .ok()
        .and_then(|f| band_in(&f, n, metric))
        .unwrap_or(DEFAULT_BAND)
}

fn band_in(f: &crate::lessons::Figures, n: u8, metric: Metric) -> Option<f64> {
    let stage = f.stages.iter().find(|s| s.stage == n)?;
    let sides = [&stage.before, &stage.after]
        .into_iter()
        .flatten()
        .filter_map(|side| side.metric(metric))
        .filter_map(|g| spread(&[g.min?, g.max?]))
        // One side measured: take the other side's spread as its own.
        .map(f64::sqrt)
        .collect::<Vec<_>>();
    let band = match sides.as_slice() {
        [one] => one * one,
        [before, after] => before * after,
        _ => return None,
    };
    Some(band.max(MIN_BAND))
}

/// The band a comparison of `field` at stage `n` is judged against: the
/// measured spread of that very figure for a figure of the load run the table
/// holds (goodput's for the others), and only [`MIN_BAND`] for the server's own
/// counters, which count events rather than sample a rate.
pub fn band_for(field: &crate::lessons::FieldRef, n: u8) -> f64 {
    let name = field.info.name;
    match name.starts_with("load.") {
        true => band(n, Metric::of_load_field(name).unwrap_or(Metric::Goodput)),
        false => MIN_BAND,
    }
}

/// One comparison of `after` with `before` against a spread of `band`.
pub fn call(expect: Expect, before: f64, after: f64, band: f64) -> Outcome {
    let band = band.max(MIN_BAND);
    let ratio = (after.max(0.0) + 1.0) / (before.max(0.0) + 1.0);
    let close = ratio < band && ratio > 1.0 / band;
    match expect {
        Expect::Same if close => Outcome::AsExpected,
        Expect::Same => Outcome::Inconclusive,
        _ if close => Outcome::Inconclusive,
        Expect::Higher if ratio > 1.0 => Outcome::AsExpected,
        Expect::Lower if ratio < 1.0 => Outcome::AsExpected,
        _ => Outcome::Opposite,
    }
}

/// [`call`], with the run after the fix repeated once when the first call is
/// too close to tell; the figures after are every run's, the verdict the
/// median's. Returns the verdict and the figures after.
pub fn judge(
    expect: Expect,
    before: f64,
    first_after: f64,
    band: f64,
    mut rerun: impl FnMut() -> Option<f64>,
) -> (Outcome, Vec<f64>) {
    let mut afters = vec![first_after];
    let first = call(expect, before, first_after, band);
    if first != Outcome::Inconclusive || expect == Expect::Same {
        return (first, afters);
    }
    if let Some(again) = rerun() {
        afters.push(again);
    }
    let m = median(&afters).unwrap_or(first_after);
    (call(expect, before, m, band), afters)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A noisy state: this many runs spread by the machine's noise.
    fn noisy(center: f64, spread: f64, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| center * spread.powf(i as f64 / (n - 1) as f64 - 0.5))
            .collect()
    }

    #[test]
    fn the_band_combines_both_sides_of_the_measured_table() {
        let f = crate::lessons::Figures::parse(
            r#"{"format": 1, "stages": [{"stage": 2,
                "before": {"goodput": {"median": 2400, "min": 800, "max": 6600}},
                "after": {"goodput": {"median": 7600, "min": 5800, "max": 8400}}}]}"#,
            "test",
        )
        .unwrap();
        let b = band_in(&f, 2, Metric::Goodput).unwrap();
        let want = (6601.0_f64 / 801.0 * (8401.0 / 5801.0)).sqrt();
        assert!((b - want).abs() < 1e-9, "{b}");
        assert_eq!(band_in(&f, 3, Metric::Goodput), None);
        assert_eq!(band_in(&f, 2, Metric::P99Ms), None, "p99 was not measured");
        let one = crate::lessons::Figures::parse(
            r#"{"format": 1, "stages": [{"stage": 0,
                "before": {"goodput": {"median": 100, "min": 90, "max": 150}}}]}"#,
            "test",
        )
        .unwrap();
        let b = band_in(&one, 0, Metric::Goodput).unwrap();
        assert!(
            (b - 151.0 / 91.0).abs() < 1e-9,
            "one side: its own spread, {b}"
        );
    }

    #[test]
    fn spreads_and_medians() {
        assert_eq!(spread(&[100.0, 140.0, 120.0]), Some(141.0 / 101.0));
        assert_eq!(spread(&[0.0, 3.0]), Some(4.0));
        assert_eq!(spread(&[1000.0, 1001.0]), Some(MIN_BAND));
        assert_eq!(spread(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn clearly_better_and_clearly_worse_are_decided_without_a_rerun() {
        let band = spread(&noisy(2700.0, 1.1, 5)).unwrap();
        let mut reruns = 0;
        let (o, afters) = judge(Expect::Higher, 2700.0, 9300.0, band, || {
            reruns += 1;
            Some(9300.0)
        });
        assert_eq!((o, afters.len(), reruns), (Outcome::AsExpected, 1, 0));
        let (o, _) = judge(Expect::Higher, 9300.0, 2700.0, band, || None);
        assert_eq!(o, Outcome::Opposite);
        let (o, _) = judge(Expect::Lower, 480.0, 150.0, band, || None);
        assert_eq!(o, Outcome::AsExpected);
    }

    #[test]
    fn within_the_noise_reruns_once_then_says_inconclusive() {
        // Stage 3's state: before and after both spread by 1.45.
        let before = noisy(6800.0, 1.45, 5);
        let band = spread(&before).unwrap();
        let mut reruns = 0;
        let (o, afters) = judge(Expect::Higher, before[2], 7400.0, band, || {
            reruns += 1;
            Some(6200.0)
        });
        assert_eq!(reruns, 1, "a close call is measured again first");
        assert_eq!(afters, vec![7400.0, 6200.0]);
        assert_eq!(o, Outcome::Inconclusive);
        // A rerun that settles it: close at first, clearly apart on the median.
        let (o, afters) = judge(Expect::Higher, 1000.0, 1400.0, 1.5, || Some(4000.0));
        assert_eq!((o, afters.len()), (Outcome::AsExpected, 2));
    }

    #[test]
    fn zeros_and_the_same_expectation() {
        assert_eq!(call(Expect::Higher, 0.0, 150.0, 1.5), Outcome::AsExpected);
        assert_eq!(call(Expect::Higher, 0.0, 0.0, 1.5), Outcome::Inconclusive);
        assert_eq!(call(Expect::Same, 100.0, 104.0, 1.5), Outcome::AsExpected);
        assert_eq!(call(Expect::Same, 100.0, 400.0, 1.5), Outcome::Inconclusive);
    }
}
