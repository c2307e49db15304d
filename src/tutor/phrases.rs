//! The tutor's own words, in both of the course's languages: menus, prompts and
//! the frame around the lessons' text. Everything about the case itself comes
//! from the lessons; these only say what the tutor is doing and what to type.
use crate::lessons::{phrases, Phrase};

phrases! {
    YES = "yes", "是";
    NO = "no", "否";
    ENTER = "Enter to continue", "按回车继续";
    MORE = "Enter for more", "按回车继续阅读";
    STAGE = "Stage {n}: {title}", "第 {n} 关：{title}";
    RESUMING = "Resuming at the {step} step.", "从「{step}」这一步继续。";
    STEP_BRIEF = "brief", "任务简报";
    STEP_OBSERVE = "observe", "观察";
    STEP_INVESTIGATE = "investigate", "调查";
    STEP_DIAGNOSE = "diagnose", "诊断";
    STEP_PREDICT = "predict", "预测";
    STEP_FIX = "fix", "修复";
    STEP_CHECK = "check", "检查";
    STEP_MEASURE = "measure", "测量";
    STEP_DEBRIEF = "debrief", "复盘";
    SOLVED = "Solved: {title}", "已解决：{title}";
    LAB_STARTING = "Starting the lab as it is at the start of stage {n}.", "正在按第 {n} 关开始时的状态启动实验环境。";
    LAB_FRESH = "The lab did not hold this stage's changes, so it was started fresh: the stage goes on from the observe step.", "实验环境里没有这一关已经做过的改动，所以重新启动了它：这一关从「观察」这一步重新开始。";
    OBSERVE_RUN = "A load run at the server: the same load at every stage of the course.", "对服务器跑一次压测：整个课程的每一关用的都是同样的压力。";
    RUN_INTERRUPTED = "The load run was interrupted before its end; its figures are not kept.", "压测在结束前被中断了，这次的数字不会保存。";
    GOODPUT = "goodput (2xx/s)", "有效吞吐（2xx/秒）";
    ALL_RPS = "all responses/s", "全部响应/秒";
    EACH_SECOND = "2xx each second: before {before}  after {after}", "每秒的 2xx：修复前 {before}  修复后 {after}";
    P99 = "p99 latency (ms)", "p99 延迟（毫秒）";
    ERRORS = "errors", "错误";
    NO_ERRORS = "none", "无";
    WATCHED = "watched during the run:", "压测期间关注的指标：";
    SYMPTOM_GREW = "{field} grew by {n} over the run: {explain}", "压测期间 {field} 增加了 {n}：{explain}";
    SYMPTOM_FLAT = "{field} did not grow in this run: {explain}", "这次压测中 {field} 没有增加：{explain}";
    LAB_INTRO = "Type commands at the lab prompt: they run inside the server. `show` runs the next suggested command, `hint` gives a hint, `help` lists the rest.", "在实验提示符下输入命令，它们会在服务器里执行。`show` 运行下一条建议的命令，`hint` 给出提示，`help` 列出其余的内置命令。";
    LAB = "lab", "lab";
    LAB_HELP = "At the lab prompt:\n  <command>      runs inside the server's container (as root there) and shows its output;\n                 `dmesg` (alone, or piped into tail, head, grep, wc, sort or uniq) runs in\n                 perflab's host helper instead, since the kernel log belongs to the host\n  perflab probe  perflab's snapshot of the server's counters (counted as a hint)\n  perflab flame  a flame graph of the kernel's stacks under load (about half a minute)\n  show [id]      runs the next suggested command, or the one named\n  evidence       what you have found so far\n  hint           the next hint (counted)\n  next           on to the diagnosis\n  quit           stop here; `perflab` resumes\nNothing you type is refused for being dangerous: it runs only inside the lab's server container, never on your host, so `rm -rf /` there breaks only the lab (`perflab reset` brings it back).", "实验提示符下可以输入：\n  <命令>          在服务器容器里执行（在容器里是 root），并显示输出；\n                 `dmesg`（单独使用，或者通过管道接 tail、head、grep、wc、sort、uniq）\n                 改在 perflab 的主机辅助容器里执行，因为内核日志属于主机\n  perflab probe  perflab 对服务器各项计数器的快照（算一次提示）\n  perflab flame  在压力下录制内核调用栈的火焰图（约半分钟）\n  show [id]      运行下一条建议的命令，或者指定的那一条\n  evidence       到目前为止找到的证据\n  hint           下一条提示（会被记录）\n  next           进入诊断\n  quit           先停在这里，之后运行 `perflab` 继续\n你输入的任何命令都不会被拒绝：它只在实验环境的服务器容器里执行，不会碰到你的主机。所以就算在里面执行 `rm -rf /`，坏掉的也只是实验环境（`perflab reset` 可以恢复）。";
    EXIT_CODE = "(exit code {code})", "（退出码 {code}）";
    COMMAND_FAILED = "the command could not run: {error}", "命令没能执行：{error}";
    PERFLAB_ELSEWHERE = "At the lab prompt only `perflab probe` and `perflab flame` run; run other perflab commands in another terminal.", "实验提示符下只能运行 `perflab probe` 和 `perflab flame`；其他 perflab 命令请在另一个终端里运行。";
    FLAME_RUNNING = "A load run, then the kernel's stacks recorded under load: about half a minute.", "先跑一次压测，再在压力下录制内核调用栈：大约需要半分钟。";
    FLAME_SHARE = "Of the server's CPU samples, {pct} % were in stacks through {function}.", "服务器的 CPU 采样中，有 {pct}% 落在经过 {function} 的调用栈里。";
    FLAME_NONE = "No samples of {function} were recorded.", "没有录到 {function} 的采样。";
    EVIDENCE_FOUND = "Evidence: {id}", "证据：{id}";
    ENOUGH = "That makes two independent pieces of evidence. Look further, or type `next` when you are ready to diagnose.", "已经有两条相互独立的证据了。可以接着查，准备好了就输入 `next` 进入诊断。";
    EVIDENCE_NONE = "No evidence yet. `show` runs the next suggested command.", "还没有找到证据。`show` 会运行下一条建议的命令。";
    EVIDENCE_LEFT = "{n} more piece(s) of evidence to find.", "还有 {n} 条证据没有找到。";
    EVIDENCE_ALL = "You have seen every piece of evidence of this stage.", "这一关的证据你已经全部看过了。";
    EVIDENCE_UNKNOWN = "`{id}` is not evidence of this stage; its evidence: {ids}", "`{id}` 不是这一关的证据；这一关的证据有：{ids}";
    NEXT_EARLY = "Not yet: the diagnosis opens once you have seen two independent pieces of evidence. Look further, or ask for a `hint`.", "还不行：要先看到两条相互独立的证据，才能进入诊断。接着查，或者输入 `hint` 要个提示。";
    HAND_ITEM = "(raise my hand)", "（举手）";
    HAND_LOWER_ITEM = "(lower my hand)", "（放下手）";
    HAND_UP = "Your hand is up: the instructor sees it on the roster. `hand` again lowers it.", "你举手了：讲师在名单上能看到。再输入一次 `hand` 就放下。";
    HAND_DOWN = "Your hand is down.", "手已放下。";
    CLASS_TROUBLE = "The class will miss this course's events: {error}", "课堂将收不到这门课的事件：{error}";
    SHOW_COSTS = "`show` counts as a hint.", "`show` 也算用了一次提示。";
    PROBE_COSTS = "`perflab probe` counts as a hint: it reads every counter perflab watches.", "`perflab probe` 也算用了一次提示：它会读出 perflab 关注的所有计数器。";
    NO_MORE_HINTS = "No more hints for this step.", "这一步没有更多提示了。";
    HINT = "Hint: {text}", "提示：{text}";
    HINT_ITEM = "(a hint, please)", "（给个提示）";
    TRY_AGAIN = "Try again.", "再试一次。";
    THE_ANSWER = "The answer: {text}. {why}", "答案是：{text}。{why}";
    FIX_INTRO = "Type the command or the value. `hint` gives a hint, `solution` shows the reference fix once you have tried, `skip` applies it for you, `help` lists the rest.", "输入命令或数值。`hint` 给出提示；试过之后，`solution` 会显示参考答案；`skip` 让 perflab 替你应用参考修复；`help` 列出其余的内置命令。";
    FIX = "fix", "fix";
    FIX_HELP = "At the fix prompt:\n  <command or value>  read, checked against its accepted range, then applied for real\n  hint                the next hint (counted)\n  solution            the reference fix (after a first try)\n  skip                perflab applies the reference fix; the stage is marked skipped\n  quit                stop here; `perflab` resumes", "修复提示符下可以输入：\n  <命令或数值>  先检查是否在允许的范围内，然后真正应用\n  hint         下一条提示（会被记录）\n  solution     参考答案（至少尝试过一次之后）\n  skip         由 perflab 应用参考修复，这一关记为跳过\n  quit         先停在这里，之后运行 `perflab` 继续";
    NOT_A_FIX = "`{line}` is not a fix this step takes; nothing was changed.", "`{line}` 不是这一步能接受的修复，什么都没有改。";
    REFUSED = "Refused, nothing was changed: {reason}", "已拒绝，什么都没有改：{reason}";
    NOT_ABOVE_LIVE = "{value} is not above the value now in force ({live}): perflab only raises a host-wide value, never lowers it.", "{value} 不高于当前生效的值（{live}）：perflab 对主机全局参数只调高、不调低。";
    HOST_WIDE = "{name} is host-wide: this changes your host, not only the lab. perflab writes its value now ({live}) to its journal first, and `perflab down` puts it back.", "{name} 是整台主机共用的：这会改动你的主机，而不只是实验环境。perflab 会先把它现在的值（{live}）记进日志，`perflab down` 时会还原。";
    APPLY_IT = "Apply it?", "确定应用吗？";
    APPLY_FAILED = "applying it failed, nothing was changed: {error}", "应用失败，什么都没有改：{error}";
    STILL_NEEDED = "Still needed: {forms}", "还需要：{forms}";
    SOLUTION = "The reference fix:", "参考答案：";
    SOLUTION_ANY = "The reference fix (any one of these):", "参考答案（任选其一）：";
    SOLUTION_EARLY = "You have not tried a fix yet. Show the solution anyway?", "你还没有尝试过修复。仍然要看参考答案吗？";
    SKIP_CONFIRM = "Skip: perflab applies the reference fix for you and marks this stage skipped. Go ahead?", "跳过：perflab 会替你应用参考修复，并把这一关记为跳过。确定吗？";
    SKIPPED = "Stage {n} is marked skipped; the check and the measurement follow.", "第 {n} 关已记为跳过，接下来是检查和测量。";
    RESTARTING = "Restarting {services} so that they listen again.", "正在重启 {services}，让它们重新监听。";
    RESTARTED = "{services} restarted.", "{services} 已重启。";
    NEED_BEFORE = "The run before the fix is missing, so the check has nothing to compare with: back to the observe step.", "缺少修复前的那次压测，检查没有可以对比的对象：回到「观察」这一步。";
    EXPECTED = "expected {expected}", "应为 {expected}";
    SHARE_OF = "{pct} % of {field}", "{field} 的 {pct} %";
    SHARE_OF_BEFORE = "{pct} % of its value before the fix", "修复前数值的 {pct} %";
    SYMPTOM_LINE = "{field}: +{before} in the run before the fix, +{after} now.", "{field}：修复前那次压测 +{before}，这次 +{after}。";
    SYMPTOM_FIXED = "The symptom is gone.", "症状消失了。";
    SYMPTOM_STILL = "The symptom is still there: {explain}", "症状还在：{explain}";
    SYMPTOM_NOT_SHOWN = "The run before the fix did not show the symptom, so this run cannot tell whether the fix removed it.", "修复前那次压测没有出现这个症状，所以这次压测无法判断修复是否消除了它。";
    CHECK_PASSED = "The check passes.", "检查通过。";
    CHECK_FAILED = "The check fails.", "检查没有通过。";
    CHECK_MENU = "What now?", "接下来？";
    RETRY_FIX = "retry the fix", "重新修复";
    SHOW_SOLUTION = "show the solution", "看参考答案";
    SKIP_STAGE = "skip (perflab applies the reference fix)", "跳过（由 perflab 应用参考修复）";
    BEFORE = "before", "修复前";
    AFTER = "after", "修复后";
    CHANGE = "change", "变化";
    AS_EXPECTED = "as expected", "符合预期";
    OPPOSITE = "the opposite of what was expected", "与预期相反";
    INCONCLUSIVE = "inconclusive: within the noise of two runs", "无法判断：差异在两次测量的误差范围内";
    EXPECT_HIGHER = "higher", "更高";
    EXPECT_LOWER = "lower", "更低";
    EXPECT_SAME = "about the same", "大致不变";
    COMPARISON = "{field}: {before} → {after} (expected {expect}): {outcome}", "{field}：{before} → {after}（预期{expect}）：{outcome}";
    RERUN = "The headline figure is inconclusive. Run the load again?", "头号指标无法判断。再跑一次压测吗？";
    CHART = "Goodput across the course (2xx/s):", "整个课程中的有效吞吐（2xx/秒）：";
    BASELINE = "baseline", "基线";
    STAGE_LABEL = "stage {n}", "第 {n} 关";
    STAGE_DONE = "Stage {n} is done.", "第 {n} 关完成。";
    STAGE_SKIPPED_DONE = "Stage {n} is done (skipped).", "第 {n} 关完成（跳过）。";
    GO_ON = "go on to stage {n}: {title}", "继续第 {n} 关：{title}";
    STOP_HERE = "stop here for now (`perflab` resumes)", "先停在这里（之后运行 `perflab` 继续）";
    CARRY = "Stage {n} begins with a change to the server: {knob} = {value}.", "第 {n} 关开始前，服务器上有一处改动：{knob} = {value}。";
    RESUME = "Your progress is saved: `perflab` resumes at stage {n}, step {step}.", "进度已保存：运行 `perflab` 会从第 {n} 关的「{step}」这一步继续。";
    RESUME_NEXT = "Your progress is saved: `perflab` resumes at the start of stage {n}.", "进度已保存：运行 `perflab` 会从第 {n} 关开始。";
    ANSWERS_ENDED = "The answers ended before the course did.", "预先给出的答案用完了，课程还没有结束。";
    INPUT_ENDED = "End of input.", "输入结束。";
    COURSE_COMPLETE = "The course is complete: there is no stage to check. `perflab reset N` takes stage N again.", "课程已经全部完成，没有需要检查的关卡。`perflab reset N` 可以重做第 N 关。";
    CHECKING = "Checking stage {n}: {title}", "检查第 {n} 关：{title}";
    COURSE_DONE = "The course is complete. `perflab reset N` takes stage N again; `perflab down` removes the lab and restores your host.", "课程全部完成。`perflab reset N` 可以重做第 N 关；`perflab down` 会删除实验环境并还原你的主机。";
    NO_CHECK = "Stage {n} has no fix to check.", "第 {n} 关没有需要检查的修复。";
    NOT_JUDGED = "not judged: {field} needs the run before the fix (take the observe step of the course: `perflab`)", "无法判断：{field} 需要修复前的那次压测（先在课程里完成「观察」这一步：`perflab`）";
    SYMPTOM_NOT_JUDGED = "not judged: the symptom {field} needs the run before the fix", "无法判断：症状 {field} 需要修复前的那次压测";
    AUTO_BEFORE = "stage {n} ({name}): measuring before the fix", "第 {n} 关（{name}）：测量修复之前";
    AUTO_FIXING = "stage {n} ({name}): applying the reference fix", "第 {n} 关（{name}）：应用参考修复";
    AUTO_AFTER = "stage {n} ({name}): checking and measuring after the fix", "第 {n} 关（{name}）：检查并测量修复之后";
    AUTO_STAGE = "stage", "关卡";
    AUTO_GOODPUT = "goodput 2xx/s", "有效吞吐 2xx/秒";
    AUTO_P99 = "p99 ms", "p99 毫秒";
    AUTO_SYMPTOM = "symptom (growth before → after)", "症状（修复前 → 修复后的增长）";
    AUTO_CHECK = "check", "检查";
    AUTO_VERDICT = "goodput verdict", "有效吞吐的结论";
    AUTO_OK = "ok", "符合";
    AUTO_NOT_AS_EXPECTED = "NOT AS EXPECTED", "不符合预期";
    AUTO_PASSED = "passed", "通过";
    AUTO_FAILED = "FAILED: {failures}", "未通过：{failures}";
    AUTO_AS_EXPECTED = "as expected", "符合预期";
    AUTO_OPPOSITE = "opposite", "与预期相反";
    AUTO_INCONCLUSIVE = "inconclusive", "无法定论";
    AUTO_RUNS_AFTER = "{outcome} ({n} runs after)", "{outcome}（修复后跑了 {n} 次）";
    AUTO_ALL_BEHAVED = "every stage behaved as the course says", "每一关的表现都和课程说的一样";
    AUTO_SOME_DID_NOT = "SOME STAGES DID NOT behave as the course says", "有些关卡的表现和课程说的不一样";
    AUTO_END = "{verdict} in {secs} s{goodput}", "{verdict}，用时 {secs} 秒{goodput}";
    AUTO_GOODPUT_ENDS = "; goodput {baseline} 2xx/s at the baseline, {end} at the end", "；有效吞吐：基线 {baseline} 2xx/秒，最后 {end}";
}

/// The name of a step in the learner's language.
pub fn step_name(step: crate::lessons::StepKind) -> Phrase {
    use crate::lessons::StepKind as S;
    match step {
        S::Brief => STEP_BRIEF,
        S::Observe => STEP_OBSERVE,
        S::Investigate => STEP_INVESTIGATE,
        S::Diagnose => STEP_DIAGNOSE,
        S::Predict => STEP_PREDICT,
        S::Fix => STEP_FIX,
        S::Check => STEP_CHECK,
        S::Measure => STEP_MEASURE,
        S::Debrief => STEP_DEBRIEF,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::Lang;

    #[test]
    fn fill_replaces_names() {
        assert_eq!(
            STAGE.fill(Lang::Zh, &[("n", "1"), ("title", "连接跟踪")]),
            "第 1 关：连接跟踪"
        );
    }
}
