//! The report as Markdown: a table of the stages and the goodput chart as text.
use super::{cells, words, Report};
use crate::ui::table;

pub fn markdown(r: &Report) -> String {
    if r.rows.is_empty() {
        // A challenge only: no course table to show.
        let mut o = format!("# {}\n", words::HEADING.get(r.lang));
        challenge(&mut o, r);
        return o;
    }
    let mut o = format!(
        "# {}\n\n{}: {} ({} {})\n\n",
        words::HEADING.get(r.lang),
        words::ON_STAGE.get(r.lang),
        r.current,
        words::OF.get(r.lang),
        r.total
    );
    o.push_str(&format!(
        "| {} |\n",
        words::COLUMNS.map(|c| c.get(r.lang)).join(" | ")
    ));
    o.push_str(&format!("|{}\n", "---|".repeat(words::COLUMNS.len())));
    for row in &r.rows {
        let c = cells(row, r.lang).map(|s| s.replace('|', "\\|"));
        o.push_str(&format!("| {} |\n", c.join(" | ")));
    }
    o.push_str(&format!("\n## {}\n\n", words::CHART.get(r.lang)));
    let bars = &r.bars;
    if bars.iter().any(|(_, v)| *v > 0.0) {
        o.push_str(&format!("```text\n{}\n```\n", table::bars(bars, 72)));
    } else {
        o.push_str(&format!("{}\n", words::NO_CHART.get(r.lang)));
    }
    o.push_str(&format!("\n{}\n", words::HOW.get(r.lang)));
    challenge(&mut o, r);
    o
}

fn challenge(o: &mut String, r: &Report) {
    let Some(c) = &r.challenge else {
        return;
    };
    o.push_str(&format!("\n## {}\n\n", words::CHALLENGE.get(r.lang)));
    for (label, value) in c.lines(r.lang) {
        o.push_str(&format!("- {label}: {value}\n"));
    }
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
    fn the_challenge_has_its_own_section_with_or_without_the_course() {
        let mut r = sample(Lang::En);
        let c = crate::tutor::challenge::ChallengeProgress::new(
            "c-1".into(),
            crate::tutor::challenge::goal::Goal::default(),
        );
        r.challenge = Some(super::super::ChallengeSummary::build(&c));
        let md = markdown(&r);
        assert!(md.contains("\n## Challenge\n\n- state: in progress\n- time: 0:00\n- hints: 0\n- score: 1000 so far"), "{md}");
        r.rows.clear();
        let md = markdown(&r);
        assert!(
            md.starts_with("# perflab: course report\n\n## Challenge\n"),
            "{md}"
        );
        assert!(!md.contains("On stage"), "{md}");
    }

    #[test]
    fn speaks_chinese() {
        let md = markdown(&sample(Lang::Zh));
        assert!(md.starts_with("# perflab：课程报告"), "{md}");
        assert!(md.contains("已完成") && md.contains("进行中"), "{md}");
    }
}
