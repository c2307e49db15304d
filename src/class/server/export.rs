//! The class as a table: one row per learner per stage, as CSV and as JSON.
use serde::Serialize;

use super::roster::Course;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportRow {
    pub learner: String,
    pub name: String,
    pub stage: u8,
    pub status: &'static str,
    pub seconds: Option<u64>,
    pub hints: u32,
    pub wrong_answers: u32,
    pub right_answers: u32,
    pub checks_failed: u32,
    pub checks_passed: u32,
    pub goodput_before: Option<f64>,
    pub goodput_after: Option<f64>,
    pub p99_before_ms: Option<f64>,
    pub p99_after_ms: Option<f64>,
    pub score: Option<u32>,
    pub challenge_seconds: Option<u32>,
}

const HEADER: &[&str] = &[
    "learner",
    "name",
    "stage",
    "status",
    "seconds",
    "hints",
    "wrong_answers",
    "right_answers",
    "checks_failed",
    "checks_passed",
    "goodput_before",
    "goodput_after",
    "p99_before_ms",
    "p99_after_ms",
    "score",
    "challenge_seconds",
];

pub fn rows<'a>(learners: impl Iterator<Item = (&'a str, &'a str, &'a Course)>) -> Vec<ExportRow> {
    let mut out = Vec::new();
    for (id, name, c) in learners {
        for s in &c.stages {
            out.push(ExportRow {
                learner: id.to_string(),
                name: name.to_string(),
                stage: s.stage,
                status: s.status.name(),
                seconds: s.seconds(),
                hints: s.hints,
                wrong_answers: s.wrong,
                right_answers: s.right,
                checks_failed: s.checks_failed,
                checks_passed: s.checks_passed,
                goodput_before: s.goodput_before,
                goodput_after: s.goodput_after,
                p99_before_ms: s.p99_before_ms,
                p99_after_ms: s.p99_after_ms,
                score: s.score,
                challenge_seconds: s.challenge_seconds,
            });
        }
    }
    out
}

/// One CSV field (RFC 4180). Text that a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@` first) gets a leading `'`: a learner's name is data.
pub fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub fn csv(rows: &[ExportRow]) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for r in rows {
        let cells = [
            field(&r.learner),
            field(&r.name),
            r.stage.to_string(),
            r.status.to_string(),
            opt(r.seconds),
            r.hints.to_string(),
            r.wrong_answers.to_string(),
            r.right_answers.to_string(),
            r.checks_failed.to_string(),
            r.checks_passed.to_string(),
            opt(r.goodput_before),
            opt(r.goodput_after),
            opt(r.p99_before_ms),
            opt(r.p99_after_ms),
            opt(r.score),
            opt(r.challenge_seconds),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_csv_fields() {
        assert_eq!(field("ana"), "ana");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("<script>"), "<script>");
    }

    #[test]
    fn one_row_per_stage_with_empty_cells_for_missing_figures() {
        let c = crate::class::server::roster::fold(&[]);
        let rows = rows([("id1", "Ana, B", &c)].into_iter());
        assert_eq!(rows.len(), 7);
        let text = csv(&rows[..1]);
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap().split(',').count(), HEADER.len());
        assert_eq!(
            lines.next().unwrap(),
            "id1,\"Ana, B\",0,not_started,,0,0,0,0,0,,,,,,"
        );
    }
}
