//! The challenge's own words in English and Chinese. They say what the
//! challenge does and what to type, never what is wrong with the server: the
//! faults' names come from the lessons, and only in the debrief at the end.
use crate::lessons::phrases;

phrases! {
    TITLE = "perflab challenge: the broken server, a goal in figures, no guidance", "perflab 挑战：一台坏掉的服务器，一个用数字给出的目标，没有任何指引";
    REPLACES_COURSE_LAB = "The running lab holds your course's work on stage {n}. The challenge replaces it with its own; the course starts that stage's lab again when you return to it. Go ahead?", "正在运行的实验环境里有你在课程第 {n} 关做的改动。挑战会用它自己的实验环境替换掉它；回到课程时，课程会重新启动那一关的实验环境。继续吗？";
    STARTING = "Starting the broken server: every fault of the course at once.", "正在启动坏掉的服务器：课程里的所有故障同时存在。";
    BASELINE_RUN = "The baseline: a standard load run ({connections} connections, {seconds} s) from a settled start.", "基线：从稳定的初始状态开始，跑一次标准压测（{connections} 个连接，{seconds} 秒）。";
    BASELINE_IS = "Baseline goodput: {goodput} 2xx/s.", "基线有效吞吐：{goodput} 个 2xx/秒。";
    GOAL_HEAD = "The goal, measured by `check` under the same load:", "目标（用 `check` 在同样的压力下测量）：";
    GOAL_GOODPUT = "goodput at least {required} 2xx/s: {factor} × the baseline, a baseline under {floor} counting as {floor}", "有效吞吐至少 {required} 个 2xx/秒：基线的 {factor} 倍，基线低于 {floor} 时按 {floor} 计";
    GOAL_P99 = "p99 latency at most {p99} ms", "p99 延迟不超过 {p99} 毫秒";
    MEASURED = "For scale, the course's measured table ({{runs}} runs on its bench machine): the fully fixed server's median goodput {{6.after.goodput.median}} 2xx/s, p99 {{6.after.p99_ms.median}} ms.", "作为参考，课程的实测表（在基准机器上跑了 {{runs}} 次）：全部修好的服务器，有效吞吐中位数 {{6.after.goodput.median}} 个 2xx/秒，p99 {{6.after.p99_ms.median}} 毫秒。";
    GOAL_ERRORS = "errors at most {pct} % of the requests (non-2xx responses and requests without a response)", "错误不超过请求数的 {pct}%（非 2xx 的响应，以及没有得到响应的请求）";
    SCORE_RULE = "Score: {start} − {cost} per hint − 1 per 10 s on the clock, at least 0. The clock runs while this prompt is open.", "得分：{start} − 每条提示 {cost} 分 − 计时每 10 秒 1 分，最低 0 分。这个提示符开着的时候计时。";
    INTRO = "Commands run inside the server (`dmesg` and `perf record -g`/`perf report` in perflab's host helper; `docker logs nginx` and `docker exec phpfpm …` reach the lab's containers). A line that is a fix the course knows is applied as the course applies it. `help` lists the rest.", "命令在服务器里执行（`dmesg` 和 `perf record -g`/`perf report` 在 perflab 的主机辅助容器里执行；`docker logs nginx`、`docker exec phpfpm …` 作用于实验环境的容器）。如果输入的是课程认得的修复，就按课程的方式应用它。`help` 列出其余的内置命令。";
    PROMPT = "challenge", "challenge";
    HELP = "At the challenge prompt:\n  <command>      runs inside the server's container; `dmesg` (alone or piped into\n                 tail, head, grep, wc, sort or uniq) and `perf record -g` / `perf report`\n                 run in perflab's host helper; `docker logs nginx|phpfpm` and\n                 `docker exec nginx|phpfpm CMD` reach the lab's containers\n  <a fix>        a fix the course knows (e.g. a `sysctl -w` of the server, a php-fpm\n                 or nginx setting) is checked against its accepted range and applied\n                 as the course applies it: configs rendered again, services restarted\n  perflab probe  perflab's snapshot of the server's counters\n  perflab flame  a flame graph of the kernel's stacks under load (about half a minute)\n  check          a settled standard load run against the goal; the goal reached ends it\n  goal           the goal, the clock, the hints and the score so far\n  hint           a hint about the first fault still there (costs {cost} points)\n  quit           stop; `perflab challenge` resumes, with the clock where it stopped\nScore: {start} − {cost} per hint − 1 per 10 s, at least 0.", "挑战提示符下可以输入：\n  <命令>          在服务器容器里执行；`dmesg`（单独使用，或者通过管道接 tail、head、grep、\n                 wc、sort、uniq）和 `perf record -g` / `perf report` 在 perflab 的主机\n                 辅助容器里执行；`docker logs nginx|phpfpm`、`docker exec nginx|phpfpm 命令`\n                 作用于实验环境的容器\n  <修复>          课程认得的修复（比如服务器上的 `sysctl -w`、php-fpm 或 nginx 的设置）\n                 会先检查是否在允许的范围内，再按课程的方式应用：重新生成配置、重启服务\n  perflab probe  perflab 对服务器各项计数器的快照\n  perflab flame  在压力下录制内核调用栈的火焰图（约半分钟）\n  check          从稳定状态跑一次标准压测，和目标对比；达到目标，挑战结束\n  goal           目标、计时、提示次数和目前的得分\n  hint           关于第一个还没解决的故障的提示（扣 {cost} 分）\n  quit           先停下；`perflab challenge` 会继续，计时从停下的地方接着走\n得分：{start} − 每条提示 {cost} 分 − 每 10 秒 1 分，最低 0 分。";
    FIX_APPLIED = "Fix applied: {done}", "修复已应用：{done}";
    CLOCK = "Clock {time}, {hints} hint(s), score now {score}.", "计时 {time}，提示 {hints} 次，目前得分 {score}。";
    HINT_COST = "A hint costs {cost} points. Show it?", "一条提示扣 {cost} 分。要看吗？";
    HINT_LINE = "Hint {i} of {n} about the first fault still there: {text}", "关于第一个还没解决的故障，提示 {i}/{n}：{text}";
    HINTS_USED_UP = "Every hint about the first fault still there has been shown; nothing was charged.", "关于第一个还没解决的故障，所有提示都已经给过了；这次不扣分。";
    NOTHING_TO_HINT = "No fault the course knows shows in the server's settings any more: `check` measures the goal. Nothing was charged.", "服务器的设置里已经看不出课程里的任何故障了：用 `check` 测量是否达到目标。这次不扣分。";
    CHECK_RUN = "Checking: a standard load run from a settled start.", "检查：从稳定的初始状态跑一次标准压测。";
    FIGURE = "figure", "指标";
    OBSERVED = "observed", "实测";
    REQUIRED = "required", "要求";
    RESULT = "result", "结果";
    FIG_GOODPUT = "goodput (2xx/s)", "有效吞吐（2xx/秒）";
    FIG_P99 = "p99 latency (ms)", "p99 延迟（毫秒）";
    FIG_ERRORS = "errors (% of requests)", "错误（占请求的 %）";
    AT_LEAST = "≥ {value}", "≥ {value}";
    AT_MOST = "≤ {value}", "≤ {value}";
    PASS = "pass", "通过";
    FAIL = "fail", "未通过";
    ERROR_CLASSES = "errors by class: {classes}", "按类别的错误：{classes}";
    NOT_YET = "Not yet. Clock {time}.", "还没达到。计时 {time}。";
    GOAL_REACHED = "Goal reached in {time} with {hints} hint(s): score {score}.", "目标达成，用时 {time}，提示 {hints} 次：得分 {score}。";
    DEBRIEF_HEAD = "What was wrong with the server, and what fixed it:", "这台服务器出了哪些问题，又是什么解决了它们：";
    DEBRIEF_FIXED = "✓ {title}: your fix {fix}", "✓ {title}：你的修复 {fix}";
    DEBRIEF_OTHER = "✓ {title}: fixed by hand (the course's fix: {fix})", "✓ {title}：你手动修好的（课程的修复：{fix}）";
    DEBRIEF_LEFT = "– {title}: left as it was (the course's fix: {fix})", "– {title}：保持原样（课程的修复：{fix}）";
    SCORE_LINE = "Score: {formula}", "得分：{formula}";
    END_NOTE = "`perflab report` shows the challenge; `perflab down` removes the lab and restores your host; `perflab challenge --new` starts another.", "`perflab report` 会显示这次挑战；`perflab down` 删除实验环境并还原你的主机；`perflab challenge --new` 开始新的一轮。";
    RESUMING = "Resuming the challenge: clock {time}, {hints} hint(s).", "继续挑战：计时 {time}，提示 {hints} 次。";
    LAB_GONE = "The challenge's lab is gone: starting the broken server again and applying the {n} fix(es) you applied at the prompt again, in their order. Anything else you changed by hand is not redone. The baseline, the goal and the clock stay as they were.", "挑战的实验环境已经不在了：正在重新启动坏掉的服务器，并按原来的顺序重新应用你在提示符下应用过的 {n} 个修复。你手动做的其他改动不会重做。基线、目标和计时都保持不变。";
    REAPPLY_DROPPED = "`{fix}` was not applied again, so it no longer counts as applied.", "`{fix}` 没有重新应用，因此不再算作已应用的修复。";
    ALREADY_DONE = "You finished this challenge in {time} with {hints} hint(s): score {score}. `perflab challenge --new` starts another.", "你已经完成了这次挑战，用时 {time}，提示 {hints} 次：得分 {score}。`perflab challenge --new` 开始新的一轮。";
    SAVED = "The challenge is saved with {time} on the clock: `perflab challenge` resumes it.", "挑战已保存，计时 {time}：运行 `perflab challenge` 继续。";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_before_the_debrief_names_a_fault() {
        let before_debrief = ALL
            .iter()
            .filter(|p| !p.en.starts_with('✓') && !p.en.starts_with('–'));
        for p in before_debrief {
            for word in [
                "conntrack",
                "backlog",
                "somaxconn",
                "max_children",
                "TIME_WAIT",
                "port range",
                "keepalive",
            ] {
                assert!(!p.en.contains(word), "{word} in {p:?}");
            }
        }
    }
}
