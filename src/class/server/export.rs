//! The class as a table: one row per learner per stage, as CSV and as JSON.
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::roster::{Course, StageView};

/// One learner's stage, as a row of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub learner: String,
    pub name: String,
    pub view: StageView,
}

/// A cell: text, or a number that may be missing (an empty CSV cell, JSON null).
enum Cell {
    Text(String),
    Int(Option<u64>),
    Real(Option<f64>),
}

fn int(n: u32) -> Cell {
    Cell::Int(Some(n.into()))
}

/// The columns, in order: the CSV header and the JSON keys.
type Column = (&'static str, fn(&ExportRow) -> Cell);
const COLUMNS: &[Column] = &[
    ("learner", |r| Cell::Text(r.learner.clone())),
    ("name", |r| Cell::Text(r.name.clone())),
    ("stage", |r| Cell::Int(Some(r.view.stage.into()))),
    ("status", |r| Cell::Text(r.view.status.name().into())),
    ("seconds", |r| Cell::Int(r.view.seconds())),
    ("hints", |r| int(r.view.hints)),
    ("wrong_answers", |r| int(r.view.wrong)),
    ("right_answers", |r| int(r.view.right)),
    ("checks_failed", |r| int(r.view.checks_failed)),
    ("checks_passed", |r| int(r.view.checks_passed)),
    ("goodput_before", |r| Cell::Real(r.view.goodput_before)),
    ("goodput_after", |r| Cell::Real(r.view.goodput_after)),
    ("p99_before_ms", |r| Cell::Real(r.view.p99_before_ms)),
    ("p99_after_ms", |r| Cell::Real(r.view.p99_after_ms)),
    ("score", |r| Cell::Int(r.view.score.map(u64::from))),
    ("challenge_seconds", |r| {
        Cell::Int(r.view.challenge_seconds.map(u64::from))
    }),
];

impl Serialize for ExportRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(COLUMNS.len()))?;
        for (name, cell) in COLUMNS {
            match cell(self) {
                Cell::Text(t) => map.serialize_entry(name, &t)?,
                Cell::Int(n) => map.serialize_entry(name, &n)?,
                Cell::Real(x) => map.serialize_entry(name, &x)?,
            }
        }
        map.end()
    }
}

pub fn rows<'a>(learners: impl Iterator<Item = (&'a str, &'a str, &'a Course)>) -> Vec<ExportRow> {
    let mut out = Vec::new();
    for (id, name, c) in learners {
        for s in &c.stages {
            out.push(ExportRow {
                learner: id.to_string(),
                name: name.to_string(),
                view: s.clone(),
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
    let header: Vec<&str> = COLUMNS.iter().map(|(name, _)| *name).collect();
    let mut out = header.join(",");
    out.push_str("\r\n");
    for r in rows {
        let cells: Vec<String> = COLUMNS
            .iter()
            .map(|(_, cell)| match cell(r) {
                Cell::Text(t) => field(&t),
                Cell::Int(n) => opt(n),
                Cell::Real(x) => opt(x),
            })
            .collect();
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
        assert_eq!(lines.next().unwrap().split(',').count(), COLUMNS.len());
        assert_eq!(
            lines.next().unwrap(),
            "id1,\"Ana, B\",0,not_started,,0,0,0,0,0,,,,,,"
        );
    }
}
