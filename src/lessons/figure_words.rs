//! The words that make a number a measured figure, for `figure_scan`.
use std::sync::LazyLock;

use regex::Regex;

/// Units right after a number (lowercase; English ones end at a word boundary).
const UNITS_EN: &[&str] = &[
    "2xx/s",
    "req/s",
    "2xx",
    "5xx",
    "/s",
    "rps",
    "per second",
    "a second",
    "per run",
    "requests",
    "responses",
    "errors",
    "timeouts",
    "drops",
    "overflows",
    "samples",
    "milliseconds",
    "ms",
    "percent",
    "%",
    "×",
    "mib",
    "kib",
    "gib",
    "mb",
    "kb",
    "gb",
    "times",
    "502s",
    "499s",
];

/// Chinese units right after a number (with or without a space).
const UNITS_ZH: &[&str] = &[
    "多个请求",
    "多个响应",
    "个请求",
    "个响应",
    "个错误",
    "个样本",
    "次采样",
    "个超时",
    "次超时",
    "毫秒",
    "倍",
    "万",
    "％",
    "/秒",
    "个/秒",
];

/// Words right before a number that make it an approximation or a rate.
pub const APPROX_BEFORE: &[&str] = &[
    "about",
    "around",
    "roughly",
    "nearly",
    "almost",
    "approximately",
    "~",
    "大约",
    "约",
    "差不多",
    "将近",
    "接近",
    "每秒",
    "只剩",
];

/// Ratios and outcomes written in words.
pub static RATIO_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|fifty|hundred|thousand)fold\b",
        r"|\b\d+(?:\.\d+)?-?fold\b",
        // A series of figures (`189, 5382, 4684, 6186`): four numbers or more.
        r"|\b\d{2,}(?:, \d{2,}){3,}\b",
        r"|\bfell by (?:ten|\d+)\b",
        r"|\b(?:fell|falls|fall|dropped|drops|went|goes|sank|sinks)\s+to\s+zero\b",
        r"|\b(?:two|three|four|five|six|seven|eight|nine|ten)\s+times\s+(?:more|fewer|higher|lower|faster|slower|as|over)\b",
        r"|[一二两三四五六七八九十百千]+倍",
        r"|(?:跌|降|掉|减少?)(?:到|至)了?零",
        r"|几乎为零",
    ))
    .expect("the ratio pattern compiles")
});

/// The length in bytes of the unit `s` starts with, if any.
pub fn unit_at(s: &str) -> Option<usize> {
    let en = UNITS_EN.iter().find(|u| {
        s.starts_with(*u)
            && !u.ends_with(|c: char| c.is_ascii_alphabetic())
                | !s[u.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
    });
    en.or_else(|| UNITS_ZH.iter().find(|u| s.starts_with(*u)))
        .map(|u| u.len())
}
