//! The report as Markdown: a table of the stages and the goodput chart as text.
use super::{cells, words, Report};
use crate::ui::table;

pub fn markdown(r: &Report) -> String {
    let w = words::of(r.lang);
    let mut o = format!(
        "# {}\n\n{}: {} ({} {})\n\n",
        w.heading, w.on_stage, r.current, w.of, r.total
    );
    o.push_str(&format!("| {} |\n", w.columns.join(" | ")));
    o.push_str(&format!("|{}\n", "---|".repeat(w.columns.len())));
    for row in &r.rows {
        let c = cells(row, r.lang).map(|s| s.replace('|', "\\|"));
        o.push_str(&format!("| {} |\n", c.join(" | ")));
    }
    o.push_str(&format!("\n## {}\n\n", w.chart));
    let bars = &r.bars;
    if bars.iter().any(|(_, v)| *v > 0.0) {
        o.push_str(&format!("```text\n{}\n```\n", table::bars(bars, 72)));
    } else {
        o.push_str(&format!("{}\n", w.no_chart));
    }
    o.push_str(&format!("\n{}\n", w.how));
    o
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;
    use crate::lessons::Lang;

    #[test]
    fn a_table_row_a_stage_and_the_chart() {
        let md = markdown(&sample(Lang::En));
        assert!(
            md.starts_with("# perflab: course report\n\nOn stage: 2 (of 7)"),
            "{md}"
        );
        assert!(md.contains("| 1 | "), "{md}");
        assert!(
            md.contains("| done | 0 → 186 | 2000.0 → 45.7 | conntrack.drops: 10000 → 0 | 2 / 1 |"),
            "{md}"
        );
        assert!(md.contains("in progress (diagnose)"), "{md}");
        assert!(md.contains("```text\nbaseline"), "{md}");
        assert!(md.contains("stage 1  "), "{md}");
    }

    #[test]
    fn speaks_chinese() {
        let md = markdown(&sample(Lang::Zh));
        assert!(md.starts_with("# perflab：课程报告"), "{md}");
        assert!(md.contains("已完成") && md.contains("进行中"), "{md}");
    }
}
