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
    // status
    LAB_RUNNING = "lab {lab}: running at stage {n}, server {url}", "实验环境 {lab}：运行中，处于第 {n} 关，服务器 {url}";
    LAB_NOT_RUNNING = "lab {lab}: not running (start it with `perflab up`)", "实验环境 {lab}：没有运行（用 `perflab up` 启动）";
    HOST_CHANGES_NONE = "host changes: none", "主机改动：无";
    HOST_CHANGE = "host change: {key} = {applied} (was {original}; `perflab down` restores it)", "主机改动：{key} = {applied}（原值 {original}；`perflab down` 会还原）";
    // report
    WROTE = "wrote {path}", "已写入 {path}";
    // shell
    STDIN_NOT_TERMINAL = "stdin is not a terminal: reading commands from it", "标准输入不是终端：从标准输入读取命令";
    KERNEL_LOG_NOT_COPIED = "the host's kernel log could not be copied into the server, so `dmesg` there shows an older copy or none: {error}", "主机的内核日志没能复制到服务器里，所以在那里运行 `dmesg` 看到的是旧的副本，或者什么都没有：{error}";
    // challenge
    CLOCK_NOT_SAVED = "the challenge's clock was not saved at the stop: {error}", "停止时没能保存挑战的计时：{error}";
    // class serve
    CLASS_SERVING = "class \"{title}\" on {addr} (kept in {db})", "课堂「{title}」在 {addr} 上开放（数据保存在 {db}）";
    JOIN_URL = "join URL: {url}", "加入链接：{url}";
    INSTRUCTOR_URL = "instructor URL: {url}", "讲师链接：{url}";
    EACH_LEARNER = "each learner runs `perflab class join <join URL> --as NAME`, then `perflab`", "每位学员运行 `perflab class join <join URL> --as NAME`，然后运行 `perflab`";
    KEEP_INSTRUCTOR_URL = "keep the instructor URL to yourself: it shows and exports the whole class", "讲师链接请自己保管，不要外传：凭它可以查看和导出整个课堂的数据";
    ONLY_THIS_MACHINE = "only this machine can reach it; to open it to the room: --bind 0.0.0.0:8470", "只有本机能访问它；要向教室的网络开放：--bind 0.0.0.0:8470";
    OPEN_TO_NETWORK = "the class is open to the network on port {port}: learners need it allowed in this machine's firewall", "课堂已在端口 {port} 上向网络开放：本机的防火墙需要放行这个端口，学员才能连上";
    CLASS_STOPPED = "class server stopped; the class is kept for the next `perflab class serve`", "课堂服务器已停止；课堂数据会保留，供下一次 `perflab class serve` 使用";
    // class join, leave, export
    JOINED = "joined the class \"{title}\" as {name}", "已用 {name} 这个名字加入课堂「{title}」";
    JOINED_SENDS = "from now on `perflab` sends your course to the instructor's roster", "从现在起，`perflab` 会把你的课程进度发送到讲师的名单上";
    JOINED_HAND = "type `hand` at any prompt to raise your hand, and again to lower it", "在任何提示符下输入 `hand` 就能举手，再输入一次就放下";
    NOT_IN_CLASS = "you are not in a class", "你没有加入任何课堂";
    QUEUE_UNREADABLE = "the class's queue could not be read: {error}", "无法读取课堂的发送队列：{error}";
    LEFT_ONE = "left the class \"{title}\"; {n} queued event was dropped", "已退出课堂「{title}」；丢弃了 {n} 个排队待发送的事件";
    LEFT_MANY = "left the class \"{title}\"; {n} queued events were dropped", "已退出课堂「{title}」；丢弃了 {n} 个排队待发送的事件";
    ROWS_WRITTEN = "{n} rows written to {path}", "已将 {n} 行写入 {path}";
    // class status
    QUEUED_ONE = "{n} event queued", "{n} 个事件待发送";
    QUEUED_MANY = "{n} events queued", "{n} 个事件待发送";
    CLASS_REACHABLE = "class \"{title}\" at {server} as {name}: reachable, {events} events on the server, {queued}", "课堂「{title}」（{server}，名字 {name}）：可以连上，服务器上有 {events} 个事件，{queued}";
    CLASS_UNREACHABLE = "class \"{title}\" at {server} as {name}: NOT reachable ({error}), {queued}", "课堂「{title}」（{server}，名字 {name}）：连不上（{error}），{queued}";
    NO_ANSWER = "no answer", "没有应答";
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_phrase_has_both_languages() {
        crate::lessons::assert_complete(super::ALL);
    }
}
