//! The words of perflab's own commands (up, down, reset, status, run, report,
//! shell, challenge, class, doctor), in the course's language. Errors stay in
//! English, as the Rust tools' do; clap's help has no language switch.
use super::Ctx;
use crate::lessons::{phrases, Lang};
use crate::tutor::progress::Progress;

/// The language of perflab's messages: the course's (saved in the progress),
/// else the locale's. Reads only: a missing state directory is not created.
pub fn lang(ctx: &Ctx) -> Lang {
    Progress::load(&ctx.settings.state_dir)
        .ok()
        .and_then(|p| p.lang)
        .unwrap_or_else(lang_from_env)
}

/// The locale's language: Chinese for a `zh*` locale, else English. Here and
/// not in course.rs, which uses class.rs, which speaks these words.
pub fn lang_from_env() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .filter(|v| v.starts_with("zh"))
        .map_or(Lang::En, |_| Lang::Zh)
}

phrases! {
    // up
    UP_DONE = "the lab is up at stage {n} ({name}) in {secs} s", "实验环境已按第 {n} 关（{name}）启动，用时 {secs} 秒";
    UP_SERVER = "server: {url}", "服务器：{url}";
    UP_NEXT = "next: `perflab load` to measure it, `perflab shell` to look inside, `perflab down` to remove it", "接下来：`perflab load` 对它压测，`perflab shell` 进去查看，`perflab down` 删除它";
    // down and run
    REMOVING_LAB = "removing the lab", "正在删除实验环境";
    NOTHING_TO_DO = "no lab objects and no host changes: nothing to do", "没有实验环境的对象，也没有主机改动：无需操作";
    REMOVED = "removed {containers} containers, {networks} networks, {volumes} volumes", "已删除 {containers} 个容器、{networks} 个网络、{volumes} 个卷";
    RESTORED = "restored {what}", "已还原 {what}";
    // reset
    COURSE_BACK = "the whole course is back at its start", "整个课程已回到起点";
    STAGE_BACK = "stage {n} (and every later one) is back at its start", "第 {n} 关（以及之后的每一关）已回到起点";
    NO_LAB_RUNS = "no lab runs: `perflab` starts it at stage {n}", "实验环境没有在运行：运行 `perflab` 会从第 {n} 关启动它";
    LAB_STARTED_AGAIN = "the lab was started again as it is at the start of stage {n}", "已按第 {n} 关开始时的状态重新启动实验环境";
    MOVED_ASIDE = "{path} could not be read; it was moved to {aside}", "{path} 无法读取，已移到 {aside}";
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_phrase_has_both_languages() {
        crate::lessons::assert_complete(super::ALL);
    }
}
