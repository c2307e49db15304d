//! Lesson texts and the measured figures: every `{{...}}` must be a well-formed
//! placeholder, no text may write a measured figure as a number, and (for
//! `perflab dev check`) every placeholder must name a figure the table holds.
//!
//! "Measured" cannot be told from the text alone, so [`literal_figures`] is a
//! heuristic: a number followed within a word or two by a unit of a rate, a
//! latency, a count of a run, a share, memory or a ratio (`2xx/s`, `ms`, `%`,
//! `MB`, `requests`, `samples`, 每秒, 毫秒, 个请求, 倍 ...), a number after
//! "about"/大约 or before 左右, and ratio words ("tenfold", 十倍). Configuration
//! values are written without such units (`backlog=10`, `5 days`, `1000
//! connections`, `2 s timeout`, the range 20000–20050) and pass, and so does
//! anything in inline code: a command, a config line, a log line or a value
//! quoted as written (`20 MB`) is literal text, never a measurement of ours.
use super::figures::{scan, syntax, Figures, Found, Placeholder, REGENERATE};
use super::problem::{Problem, Report};
use super::source::Files;

/// The rule's name, in every message about a literal figure.
const RULE: &str = "no literal measured figures";

/// Checks one Markdown file, line by line.
pub(crate) fn markdown(md: &str, r: &mut Report<'_>) {
    for (i, line) in md.lines().enumerate() {
        text(line, &format!("line {}", i + 1), r);
    }
}

/// Checks every text (`{ en = ..., zh = ... }`) of a parsed `stage.toml`.
pub(crate) fn toml_texts(table: &toml::Table, r: &mut Report<'_>) {
    for (path, t) in texts_of(table) {
        text(&t, &path, r);
    }
}

fn text(t: &str, path: &str, r: &mut Report<'_>) {
    for found in scan(t) {
        if let Found::Malformed { at, reason } = found {
            r.add(
                path,
                format!(
                    "malformed placeholder {:?}: {reason}; write {}",
                    &t[at],
                    syntax()
                ),
            );
        }
    }
    for figure in literal_figures(t) {
        r.add(
            path,
            format!("{figure:?} looks like a measured figure written as a number ({RULE}): quote the measured table with a placeholder such as {{{{1.after.goodput.median}}}}, or leave the number out"),
        );
    }
}

/// Every lesson text of a `stage.toml` with its field path (`diagnose.choice[0].why.en`).
pub(crate) fn texts_of(table: &toml::Table) -> Vec<(String, String)> {
    fn walk(v: &toml::Value, path: &str, out: &mut Vec<(String, String)>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let p = match path.is_empty() {
                        true => k.clone(),
                        false => format!("{path}.{k}"),
                    };
                    match (k.as_str(), v) {
                        ("en" | "zh", toml::Value::String(s)) => out.push((p, s.clone())),
                        _ => walk(v, &p, out),
                    }
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&toml::Value::Table(table.clone()), "", &mut out);
    out
}

/// The problems of a measured table for these lessons: a provisional table, and
/// every placeholder that names a figure the table does not hold.
pub fn against_table(files: &Files, root: &str, figures: &Figures, table: &str) -> Vec<Problem> {
    if figures.provisional {
        return vec![Problem {
            file: table.to_string(),
            field: "provisional".into(),
            message: format!("the measured table is provisional: run `{REGENERATE}`"),
        }];
    }
    let mut problems = Vec::new();
    for (path, text) in files {
        let Ok(text) = text else { continue };
        let located: Vec<(String, String)> = match path.ends_with(".toml") {
            true => match text.parse::<toml::Table>() {
                Ok(t) => texts_of(&t),
                Err(_) => continue,
            },
            false => text
                .lines()
                .enumerate()
                .map(|(i, l)| (format!("line {}", i + 1), l.to_string()))
                .collect(),
        };
        for (field, t) in located {
            for found in scan(&t) {
                let Found::Ok { placeholder, .. } = found else {
                    continue;
                };
                if let Err(why) = figures.value(&placeholder) {
                    let message = match placeholder {
                        Placeholder::Quoted { .. } => format!("placeholder {placeholder} names a figure no measured table holds: {why}"),
                        _ => format!("placeholder {placeholder} names a figure the measured table {table} does not hold: {why}; measure it (`{REGENERATE}`) or quote another figure"),
                    };
                    problems.push(Problem {
                        file: format!("{root}/{path}"),
                        field: field.clone(),
                        message,
                    });
                }
            }
        }
    }
    problems
}

/// The literal measured figures in `text`, each as the snippet that shows it.
pub fn literal_figures(text: &str) -> Vec<String> {
    let t = blank_code(&blank_placeholders(text));
    let chars: Vec<char> = t.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || !starts_number(&chars, i) {
            i += 1;
            continue;
        }
        let end = number_end(&chars, i);
        if let Some(stop) = measured_after(&chars, end).or_else(|| measured_before(&chars, i, end))
        {
            out.push(snippet(&chars, i, stop));
        }
        i = end.max(i + 1);
    }
    for word in super::figure_words::RATIO_WORDS.find_iter(&t) {
        out.push(word.as_str().to_string());
    }
    out
}

/// The figure with a little of the text before it, from a word's start.
fn snippet(c: &[char], start: usize, stop: usize) -> String {
    let mut from = start.saturating_sub(12);
    if from > 0 {
        if let Some(space) = c[from..start].iter().position(|ch| *ch == ' ') {
            from += space + 1;
        }
    }
    let text: String = c[from..stop.min(c.len())].iter().collect();
    text.trim().to_string()
}

/// Inline code (between backticks) counts as one word, never as numbers; an
/// unclosed backtick leaves the rest of the line as it is.
fn blank_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(close) = rest[open + 1..].find('`') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str("CODE");
        rest = &rest[open + 1 + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Placeholders count as words, never as numbers.
fn blank_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for found in scan(text) {
        let at = match &found {
            Found::Ok { at, .. } | Found::Malformed { at, .. } => at.clone(),
        };
        out.push_str(&text[last..at.start]);
        out.push_str("FIGURE");
        last = at.end;
    }
    out.push_str(&text[last..]);
    out
}

/// A digit starts a number unless it continues a name, a version, an address,
/// an assignment or a port (`p99`, `v4.12`, `127.0.0.1`, `backlog=10`, `:9000`).
fn starts_number(c: &[char], i: usize) -> bool {
    match i.checked_sub(1).map(|p| c[p]) {
        None => true,
        Some(p) => {
            let latin = p.is_alphanumeric() && !super::text::is_cjk(p);
            !latin && !"_.=:/-#".contains(p)
        }
    }
}

/// Past the digits of a number (`3713`, `1.5`, `262,144`, `32 768`, `26k`).
fn number_end(c: &[char], mut i: usize) -> usize {
    let digits = |c: &[char], mut i: usize| {
        while i < c.len() && c[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    i = digits(c, i);
    loop {
        let sep = c.get(i).copied();
        let next_digit = c.get(i + 1).is_some_and(char::is_ascii_digit);
        match sep {
            Some('.' | ',') if next_digit => i = digits(c, i + 1),
            Some(' ' | '\u{202f}' | '\u{a0}')
                if (1..=3).contains(
                    &c[..i]
                        .iter()
                        .rev()
                        .take_while(|d| d.is_ascii_digit())
                        .count(),
                ) && c
                    .get(i + 1..i + 4)
                    .is_some_and(|d| d.iter().all(char::is_ascii_digit))
                    && !c.get(i + 4).is_some_and(char::is_ascii_digit) =>
            {
                i = digits(c, i + 1)
            }
            _ => break,
        }
    }
    if matches!(c.get(i), Some('k' | 'K')) && !c.get(i + 1).is_some_and(|n| n.is_alphanumeric()) {
        i += 1;
    }
    i
}

/// The end of the unit that makes the number at `..end` a measured figure.
fn measured_after(c: &[char], end: usize) -> Option<usize> {
    // A number glued to letters is a name or a status class (`2xx`, `502s`),
    // except a ratio (`5x`).
    if c.get(end).is_some_and(|n| n.is_ascii_alphabetic()) {
        let ratio = c[end] == 'x' && !c.get(end + 1).is_some_and(|n| n.is_alphanumeric());
        return ratio.then_some(end + 1);
    }
    let rest: String = c[end..c.len().min(end + 40)].iter().collect();
    let lower = rest.to_lowercase();
    // Up to two filler words between the number and an English unit.
    let mut at = 0;
    for fillers in 0..3 {
        let s = &lower[at..];
        let trimmed = s.trim_start_matches([' ', '\t', '\n']);
        let skip = s.len() - trimmed.len();
        // After a filler word only a word unit counts (`2 workers × 8` is arithmetic).
        // `2 × 8` is arithmetic; a ratio is glued to its number (`4.8×`).
        let unit = super::figure_words::unit_at(trimmed)
            .filter(|_| fillers == 0 || trimmed.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter(|_| skip == 0 || !trimmed.starts_with('×'));
        if let Some(u) = unit {
            return Some(end + rest[..at + skip + u].chars().count());
        }
        let word = trimmed
            .find(|ch: char| !(ch.is_ascii_alphabetic() || ch == '\'' || ch == '-'))
            .unwrap_or(trimmed.len());
        if word == 0 || skip == 0 {
            return None;
        }
        at += skip + word;
    }
    None
}

/// A number after "about"/大约/每秒 (an approximation or a rate), or before 左右.
fn measured_before(c: &[char], start: usize, end: usize) -> Option<usize> {
    if c.get(end).is_some_and(|n| n.is_ascii_alphabetic()) {
        return None;
    }
    let before: String = c[start.saturating_sub(16)..start].iter().collect();
    let before = before.trim_end().to_lowercase();
    let after: String = c[end..c.len().min(end + 4)].iter().collect();
    let approx = super::figure_words::APPROX_BEFORE
        .iter()
        .any(|w| before.ends_with(w) && word_boundary_before(&before, w));
    (approx || after.trim_start().starts_with("左右")).then_some(end + 2)
}

fn word_boundary_before(s: &str, w: &str) -> bool {
    let head = &s[..s.len() - w.len()];
    let first = w.chars().next().unwrap_or(' ');
    !first.is_ascii_alphabetic() || !head.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
#[path = "figure_scan_tests.rs"]
mod tests;
