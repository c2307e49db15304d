//! A series of counts as one line of block characters, scaled to its own
//! largest value: the per-second goodput of a run, so that a run that swung
//! between two regimes looks like it did, instead of one average.

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One character a value: the lowest bar for zero, the highest for the largest
/// value of the series; an empty series is an empty line.
pub fn sparkline(values: &[u64]) -> String {
    let top = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| match top {
            0 => BARS[0],
            _ => BARS[((v as f64 / top as f64) * (BARS.len() - 1) as f64).round() as usize],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sparkline;

    #[test]
    fn scaled_to_the_largest_value() {
        assert_eq!(sparkline(&[0, 50, 100]), "▁▅█");
        assert_eq!(sparkline(&[7, 7]), "██");
        assert_eq!(sparkline(&[0, 0]), "▁▁");
        assert_eq!(sparkline(&[]), "");
        // A run that flapped between a storm and a flowing regime.
        assert_eq!(sparkline(&[9000, 400, 450, 8800, 10000]), "▇▁▁▇█");
    }
}
