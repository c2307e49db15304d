//! Plain-text tables and horizontal bar charts for the course's measure step.
//! Pure: they return text; columns are aligned by display width, so Chinese
//! labels (two columns a character) line up too.
use console::measure_text_width;

/// `s` filled with spaces to `width` columns (Chinese characters take two),
/// on the left when `right`.
pub fn pad(s: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(measure_text_width(s)));
    match right {
        true => format!("{fill}{s}"),
        false => format!("{s}{fill}"),
    }
}

/// A table: the first column left-aligned, the others right-aligned (figures).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| measure_text_width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(measure_text_width(cell));
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| pad(c, widths[i], i > 0))
            .collect();
        parts.join("   ").trim_end().to_string()
    };
    let mut out = vec![line(header.to_vec())];
    let total: usize = widths.iter().sum::<usize>() + 3 * cols.saturating_sub(1);
    out.push("─".repeat(total));
    for row in rows {
        let mut cells: Vec<&str> = row.iter().map(String::as_str).take(cols).collect();
        cells.resize(cols, "");
        out.push(line(cells));
    }
    out.join("\n")
}

/// A horizontal bar chart: one bar per item, scaled to the largest value, within
/// `width` columns in total. Values are shown after the bars, rounded.
pub fn bars(items: &[(String, f64)], width: usize) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let label_w = items
        .iter()
        .map(|(l, _)| measure_text_width(l))
        .max()
        .unwrap_or(0);
    let value = |v: f64| format!("{v:.0}");
    let value_w = items
        .iter()
        .map(|(_, v)| value(*v).len())
        .max()
        .unwrap_or(1);
    let bar_w = width.saturating_sub(label_w + value_w + 4).max(10);
    let max = items.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    items
        .iter()
        .map(|(label, v)| {
            let eighths = match max > 0.0 && v.is_finite() && *v > 0.0 {
                true => ((v / max) * (bar_w * 8) as f64).round() as usize,
                false => 0,
            };
            let mut bar = "█".repeat(eighths / 8);
            bar.push_str(EIGHTHS[eighths % 8]);
            let bar = pad(&bar, bar_w, false);
            format!(
                "{}  {bar}  {}",
                pad(label, label_w, false),
                pad(&value(*v), value_w, true)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_by_display_width() {
        let t = table(
            &["", "before", "after"],
            &[
                vec!["goodput".into(), "40".into(), "196".into()],
                vec!["有效吞吐".into(), "1".into(), "22".into()],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4);
        let w: Vec<usize> = lines.iter().map(|l| measure_text_width(l)).collect();
        assert_eq!(w[0], w[2], "{t}");
        assert_eq!(w[2], w[3], "{t}");
        assert!(lines[2].ends_with("196"));
    }

    #[test]
    fn bars_scale_to_the_largest_value() {
        let chart = bars(
            &[
                ("baseline".into(), 40.0),
                ("stage 1".into(), 200.0),
                ("stage 2".into(), 0.0),
            ],
            40,
        );
        let lines: Vec<&str> = chart.lines().collect();
        assert_eq!(lines.len(), 3);
        let full = lines[1].matches('█').count();
        let small = lines[0].matches('█').count();
        assert!(full >= 10 && small < full / 4, "{chart}");
        assert_eq!(lines[2].matches('█').count(), 0);
        assert!(lines[1].ends_with("200"));
        assert!(lines.iter().all(|l| measure_text_width(l) <= 40), "{chart}");
    }
}
