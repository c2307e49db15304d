//! The report's own words, in both of the course's languages.
use crate::lessons::Lang;

pub struct Words {
    pub heading: &'static str,
    pub on_stage: &'static str,
    pub of: &'static str,
    pub columns: [&'static str; 7],
    pub done: &'static str,
    pub skipped: &'static str,
    pub in_progress: &'static str,
    pub chart: &'static str,
    pub no_chart: &'static str,
    pub how: &'static str,
    pub challenge: ChallengeWords,
}

/// The challenge's section.
pub struct ChallengeWords {
    pub heading: &'static str,
    pub state: &'static str,
    pub reached: &'static str,
    pub in_progress: &'static str,
    pub time: &'static str,
    pub hints: &'static str,
    pub score: &'static str,
    pub so_far: &'static str,
    pub goal: &'static str,
    pub goodput: &'static str,
    pub baseline: &'static str,
    pub errors: &'static str,
    pub baseline_run: &'static str,
    pub last_check: &'static str,
    pub checks: &'static str,
    pub fixes: &'static str,
}

const EN: Words = Words {
    heading: "perflab: course report",
    on_stage: "On stage",
    of: "of",
    columns: [
        "#",
        "stage",
        "status",
        "goodput 2xx/s, before → after the fix",
        "p99 ms, before → after",
        "symptom growth, before → after",
        "wrong answers / hints",
    ],
    done: "done",
    skipped: "skipped",
    in_progress: "in progress",
    chart: "Goodput across the course (2xx/s): the baseline, then each stage after its fix",
    no_chart: "No stage has been measured after its fix yet.",
    how: "Every figure is a real load run against the lab on this machine; runs on a busy machine differ by several per cent.",
    challenge: ChallengeWords {
        heading: "Challenge",
        state: "state",
        reached: "goal reached",
        in_progress: "in progress",
        time: "time",
        hints: "hints",
        score: "score",
        so_far: "so far",
        goal: "goal",
        goodput: "goodput",
        baseline: "baseline",
        errors: "errors",
        baseline_run: "baseline run",
        last_check: "last check",
        checks: "checks",
        fixes: "fixes typed at the prompt",
    },
};

const ZH: Words = Words {
    heading: "perflab：课程报告",
    on_stage: "当前阶段",
    of: "共",
    columns: [
        "#",
        "阶段",
        "状态",
        "有效吞吐 2xx/秒，修复前 → 修复后",
        "p99 毫秒，修复前 → 修复后",
        "症状计数的增长，修复前 → 修复后",
        "答错次数 / 提示次数",
    ],
    done: "已完成",
    skipped: "已跳过",
    in_progress: "进行中",
    chart: "整个课程中的有效吞吐（2xx/秒）：基线，以及每个阶段修复之后",
    no_chart: "还没有哪个阶段在修复之后测量过。",
    how:
        "每个数字都来自在这台机器上对实验环境的真实压测；机器繁忙时，两次运行相差几个百分点很正常。",
    challenge: ChallengeWords {
        heading: "挑战",
        state: "状态",
        reached: "达成目标",
        in_progress: "进行中",
        time: "用时",
        hints: "提示次数",
        score: "得分",
        so_far: "（目前）",
        goal: "目标",
        goodput: "有效吞吐",
        baseline: "基线",
        errors: "错误",
        baseline_run: "基线压测",
        last_check: "最近一次检查",
        checks: "检查次数",
        fixes: "在提示符下输入的修复",
    },
};

pub fn of(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}
