//! The report's own words, in both of the course's languages.
use crate::lessons::{phrases, Phrase};

phrases! {
    HEADING = "perflab: course report", "perflab：课程报告";
    ON_STAGE = "On stage", "当前阶段";
    OF = "of", "共";
    COL_NUMBER = "#", "#";
    COL_STAGE = "stage", "阶段";
    COL_STATUS = "status", "状态";
    COL_GOODPUT = "goodput 2xx/s, before → after the fix", "有效吞吐 2xx/秒，修复前 → 修复后";
    COL_P99 = "p99 ms, before → after", "p99 毫秒，修复前 → 修复后";
    COL_SYMPTOM = "symptom growth, before → after", "症状计数的增长，修复前 → 修复后";
    COL_ANSWERS = "wrong answers / hints", "答错次数 / 提示次数";
    DONE = "done", "已完成";
    SKIPPED = "skipped", "已跳过";
    IN_PROGRESS = "in progress", "进行中";
    CHART = "Goodput across the course (2xx/s): the baseline, then each stage after its fix", "整个课程中的有效吞吐（2xx/秒）：基线，以及每个阶段修复之后";
    NO_CHART = "No stage has been measured after its fix yet.", "还没有哪个阶段在修复之后测量过。";
    EACH_SECOND = "2xx each second of each run, before the fix and after", "每次压测中每秒的 2xx，修复前与修复后";
    BEFORE = "before", "修复前";
    AFTER = "after", "修复后";
    HOW = "Every figure is a real load run against the lab on this machine; runs on a busy machine differ by several per cent.", "每个数字都来自在这台机器上对实验环境的真实压测；机器繁忙时，两次运行相差几个百分点很正常。";
    CHALLENGE = "Challenge", "挑战";
    STATE = "state", "状态";
    REACHED = "goal reached", "达成目标";
    TIME = "time", "用时";
    HINTS = "hints", "提示次数";
    SCORE = "score", "得分";
    SO_FAR = "so far", "（目前）";
    GOAL = "goal", "目标";
    GOODPUT = "goodput", "有效吞吐";
    BASELINE = "baseline", "基线";
    ERRORS = "errors", "错误";
    BASELINE_RUN = "baseline run", "基线压测";
    LAST_CHECK = "last check", "最近一次检查";
    CHECKS = "checks", "检查次数";
    FIXES = "fixes typed at the prompt", "在提示符下输入的修复";
}

/// The course table's columns, in order.
pub const COLUMNS: [Phrase; 7] = [
    COL_NUMBER,
    COL_STAGE,
    COL_STATUS,
    COL_GOODPUT,
    COL_P99,
    COL_SYMPTOM,
    COL_ANSWERS,
];
