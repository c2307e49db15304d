//! The report as one self-contained HTML page: the table, and the goodput chart
//! as inline SVG (no script, no outside file).
use super::{cells, words, Report, StageRow};
use crate::lessons::Lang;

pub fn html(r: &Report) -> String {
    let mut o = format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        r.lang.code(),
        esc(words::HEADING.get(r.lang)),
        esc(words::HEADING.get(r.lang)),
    );
    if !r.rows.is_empty() {
        o.push_str(&course(r));
    }
    o.push_str(&challenge(r));
    o.push_str("</body>\n</html>\n");
    o
}

/// The course's table, its chart and the note on the figures.
fn course(r: &Report) -> String {
    let mut o = format!(
        "<p>{}: {} ({} {})</p>\n<table>\n<tr>",
        esc(words::ON_STAGE.get(r.lang)),
        r.current,
        esc(words::OF.get(r.lang)),
        r.total
    );
    for c in words::COLUMNS {
        o.push_str(&format!("<th>{}</th>", esc(c.get(r.lang))));
    }
    o.push_str("</tr>\n");
    for row in &r.rows {
        o.push_str("<tr>");
        for c in cells(row, r.lang) {
            o.push_str(&format!("<td>{}</td>", esc(&c)));
        }
        o.push_str("</tr>\n");
    }
    o.push_str(&format!(
        "</table>\n<h2>{}</h2>\n",
        esc(words::CHART.get(r.lang))
    ));
    let bars = &r.bars;
    if bars.iter().any(|(_, v)| *v > 0.0) {
        o.push_str(&chart(bars));
    } else {
        o.push_str(&format!("<p>{}</p>\n", esc(words::NO_CHART.get(r.lang))));
    }
    let series: Vec<&StageRow> = r
        .rows
        .iter()
        .filter(|row| {
            [&row.before, &row.after]
                .iter()
                .any(|f| f.as_ref().is_some_and(|f| !f.goodput_series.is_empty()))
        })
        .collect();
    if !series.is_empty() {
        o.push_str(&format!(
            "<h2>{}</h2>\n",
            esc(words::EACH_SECOND.get(r.lang))
        ));
        for row in series {
            o.push_str(&format!("<h3>{} {}</h3>\n", row.number, esc(&row.title)));
            o.push_str(&each_second(row, r.lang));
        }
    }
    o.push_str(&format!(
        "<p class=\"note\">{}</p>\n",
        esc(words::HOW.get(r.lang))
    ));
    o
}

/// A stage's 2xx of each second, before its fix and after, as two lines on one
/// scale: a run that flapped between two regimes shows as a saw.
fn each_second(row: &StageRow, lang: Lang) -> String {
    const STEP: usize = 20;
    const HEIGHT: f64 = 80.0;
    const LEFT: usize = 60;
    let sides: Vec<(&str, &str, &[u64])> = [
        (words::BEFORE.get(lang), "#c0392b", &row.before),
        (words::AFTER.get(lang), "#3b7dd8", &row.after),
    ]
    .into_iter()
    .filter_map(|(label, colour, f)| {
        f.as_ref()
            .filter(|f| !f.goodput_series.is_empty())
            .map(|f| (label, colour, &f.goodput_series[..]))
    })
    .collect();
    let max = sides
        .iter()
        .flat_map(|(_, _, s)| s.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let seconds = sides.iter().map(|(_, _, s)| s.len()).max().unwrap_or(0);
    let right = LEFT + STEP * seconds.max(1);
    let mut o = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\">\n<text x=\"0\" y=\"14\">{max:.0}</text><text x=\"0\" y=\"{}\">0</text>\n",
        right + 120,
        HEIGHT as usize + 24,
        HEIGHT as usize + 10
    );
    for (i, (label, colour, s)) in sides.iter().enumerate() {
        let points: Vec<String> = s
            .iter()
            .enumerate()
            .map(|(x, v)| {
                format!(
                    "{},{:.1}",
                    LEFT + x * STEP,
                    6.0 + HEIGHT - *v as f64 / max * HEIGHT
                )
            })
            .collect();
        o.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/><text x=\"{}\" y=\"{}\" fill=\"{colour}\">{}</text>\n",
            points.join(" "),
            right + 10,
            20 + 18 * i,
            esc(label)
        ));
    }
    o.push_str("</svg>\n");
    o
}

/// The challenge's section: a table of label and value.
fn challenge(r: &Report) -> String {
    let Some(c) = &r.challenge else {
        return String::new();
    };
    let mut o = format!("<h2>{}</h2>\n<table>\n", esc(words::CHALLENGE.get(r.lang)));
    for (label, value) in c.lines(r.lang) {
        o.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            esc(label),
            esc(&value)
        ));
    }
    o.push_str("</table>\n");
    o
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}\
th{background:#f4f4f4}.note{color:#666}svg text{font:12px system-ui,sans-serif}";

/// Horizontal bars, one a row, scaled to the largest value.
fn chart(bars: &[(String, f64)]) -> String {
    const ROW: usize = 26;
    const LABEL: usize = 90;
    const WIDTH: usize = 600;
    let max = bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let height = ROW * bars.len() + 8;
    let mut o = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">\n",
        LABEL + WIDTH + 70
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = i * ROW + 4;
        let len = if max > 0.0 && v.is_finite() && *v > 0.0 {
            (v / max * WIDTH as f64).round() as usize
        } else {
            0
        };
        o.push_str(&format!(
            "<text x=\"0\" y=\"{}\">{}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{len}\" height=\"{}\" fill=\"#3b7dd8\"/><text x=\"{}\" y=\"{}\">{v:.0}</text>\n",
            y + 15,
            esc(label),
            ROW - 8,
            LABEL + len + 6,
            y + 15
        ));
    }
    o.push_str("</svg>\n");
    o
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;
    use crate::lessons::Lang;

    #[test]
    fn a_page_with_the_table_and_a_bar_a_measured_stage() {
        let page = html(&sample(Lang::En));
        assert!(page.starts_with("<!doctype html>"));
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("<td>0 → 186</td>"), "{page}");
        assert_eq!(page.matches("<rect ").count(), 2, "baseline and stage 1");
        assert!(page.contains(">186</text>"), "{page}");
        assert!(page.contains("<h2>2xx each second"), "{page}");
        assert_eq!(
            page.matches("<polyline ").count(),
            3,
            "stage 0 before, stage 1 both: {page}"
        );
        assert!(page.trim_end().ends_with("</html>"));
    }

    #[test]
    fn the_challenge_shows_as_a_table_of_its_own() {
        let mut r = sample(Lang::En);
        assert!(!html(&r).contains("<h2>Challenge</h2>"));
        let c = crate::tutor::challenge::ChallengeProgress::new(
            "c-1".into(),
            crate::tutor::challenge::goal::Goal::default(),
        );
        r.challenge = Some(super::super::ChallengeSummary::build(&c));
        let page = html(&r);
        assert!(page.contains("<h2>Challenge</h2>"), "{page}");
        assert!(page.contains("<tr><th>hints</th><td>0</td></tr>"), "{page}");
        assert!(page.trim_end().ends_with("</html>"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
    }
}
