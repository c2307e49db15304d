//! The words of the engine's events: what each slow step is called while it
//! lasts, and the lines for what it finished.
use crate::engine::{DownReport, EngineEvent, HostValue, KeptValue, SkippedValue, Step};
use crate::lessons::{phrases, Lang};

phrases! {
    PULLING = "pulling {image}", "正在拉取 {image}";
    PULLING_STATUS = "pulling {image}: {status}", "正在拉取 {image}：{status}";
    BUILDING = "building {tag}", "正在构建 {tag}";
    BUILDING_LINE = "building {tag}: {line}", "正在构建 {tag}：{line}";
    CREATING_NETWORK = "creating the lab network and volumes", "正在创建实验环境的网络和卷";
    STARTING_NGINX = "starting nginx (it owns the server's network namespace)", "正在启动 nginx（服务器的网络命名空间归它所有）";
    STARTING_PHPFPM = "starting php-fpm (it joins nginx's namespace)", "正在启动 php-fpm（它加入 nginx 的命名空间）";
    SWITCHING_CONNTRACK_ON = "switching conntrack on in the server's namespace", "正在服务器的命名空间里开启 conntrack";
    WAITING_FOR = "waiting for the server at {url}", "正在等待 {url} 上的服务器就绪";
    FILLING_CONNTRACK = "filling the server's conntrack table (its own, not the host's)", "正在填充服务器的 conntrack 表（是它自己的表，不是主机的）";
    CLEANING_UP = "cleaning up what was started", "正在清理已经启动的部分";
    PREPARING = "setting the server up as it is at this stage", "正在把服务器设置成这一关的状态";
    PREPARED = "the server is set up as it is at this stage", "服务器已设置成这一关的状态";
    BUILT = "built {tag}", "已构建 {tag}";
    FILLED = "filled the server's conntrack table: {count} of {max} entries", "已填充服务器的 conntrack 表：{count} / {max} 个条目";
    RECOVERED = "found what an interrupted perflab run left behind and cleaned it: {summary}", "发现了一次被中断的 perflab 运行留下的东西，已经清理：{summary}";
    REMOVED_CONTAINERS = "containers {list}", "容器 {list}";
    REMOVED_NETWORKS = "networks {list}", "网络 {list}";
    REMOVED_VOLUMES = "volumes {list}", "卷 {list}";
    RESTORED = "restored {list}", "已还原 {list}";
    HOST_VALUE = "{key}: {applied} -> {original}", "{key}：{applied} -> {original}";
    KEPT = "{key} stays at {now}: lab {labs} raised it too, and the last lab to go puts {original} back", "{key} 保持为 {now}：实验环境 {labs} 也调高了它，最后一个撤掉的实验环境会把它还原为 {original}";
    SKIPPED = "{key} is {now}, not the {applied} perflab set: someone changed it since, so it was left as is (it was {original} before perflab)", "{key} 现在是 {now}，不是 perflab 设的 {applied}：之后有人改过它，所以保持原样（perflab 之前它是 {original}）";
    CLEANUP_FAILED = "cleaning up after a failed start: {error}; run `perflab down`", "启动失败后的清理出错：{error}；请运行 `perflab down`";
}

/// What a spinner says during a step.
pub fn step(s: &Step, lang: Lang) -> String {
    let phrase = match s {
        Step::Pulling {
            image,
            status: None,
        } => return PULLING.fill(lang, &[("image", image)]),
        Step::Pulling {
            image,
            status: Some(st),
        } => return PULLING_STATUS.fill(lang, &[("image", image), ("status", st)]),
        Step::Building { tag, output: None } => return BUILDING.fill(lang, &[("tag", tag)]),
        Step::Building {
            tag,
            output: Some(line),
        } => return BUILDING_LINE.fill(lang, &[("tag", tag), ("line", &truncate(line, 60))]),
        Step::CreatingNetwork => CREATING_NETWORK,
        Step::StartingNginx => STARTING_NGINX,
        Step::StartingPhpFpm => STARTING_PHPFPM,
        Step::SwitchingConntrackOn => SWITCHING_CONNTRACK_ON,
        Step::WaitingFor { url } => return WAITING_FOR.fill(lang, &[("url", url)]),
        Step::FillingConntrack => FILLING_CONNTRACK,
        Step::CleaningUp => CLEANING_UP,
    };
    phrase.get(lang).to_string()
}

/// How a finished thing is told.
pub enum Line {
    Done(String),
    Warn(String),
}

/// The line for an event that is not a step, if it has one.
pub fn line(e: &EngineEvent, lang: Lang) -> Option<Line> {
    Some(match e {
        EngineEvent::Step(_) | EngineEvent::Idle => return None,
        EngineEvent::Built { tag } => Line::Done(BUILT.fill(lang, &[("tag", tag)])),
        EngineEvent::Filled { count, max } => Line::Done(FILLED.fill(
            lang,
            &[("count", &count.to_string()), ("max", &max.to_string())],
        )),
        EngineEvent::Recovered { report } => {
            Line::Warn(RECOVERED.fill(lang, &[("summary", &down_summary(report, lang))]))
        }
        EngineEvent::CleanupFailed { error } => {
            Line::Warn(CLEANUP_FAILED.fill(lang, &[("error", error)]))
        }
    })
}

/// A host value put back, as `key: applied -> original`.
pub fn restored(v: &HostValue, lang: Lang) -> String {
    HOST_VALUE.fill(
        lang,
        &[
            ("key", &v.key),
            ("applied", &v.applied.to_string()),
            ("original", &v.original.to_string()),
        ],
    )
}

/// A host value left raised for other labs.
pub fn kept(v: &KeptValue, lang: Lang) -> String {
    KEPT.fill(
        lang,
        &[
            ("key", &v.key),
            ("now", &v.now.to_string()),
            ("labs", &v.labs.join(", lab ")),
            ("original", &v.original.to_string()),
        ],
    )
}

/// A host value someone changed since perflab set it.
pub fn skipped(v: &SkippedValue, lang: Lang) -> String {
    SKIPPED.fill(
        lang,
        &[
            ("key", &v.key),
            ("now", &v.now.to_string()),
            ("applied", &v.applied.to_string()),
            ("original", &v.original.to_string()),
        ],
    )
}

/// What a `down` did, in one line: what was removed, restored, kept and left.
pub fn down_summary(r: &DownReport, lang: Lang) -> String {
    let mut parts = Vec::new();
    for (phrase, list) in [
        (REMOVED_CONTAINERS, &r.containers),
        (REMOVED_NETWORKS, &r.networks),
        (REMOVED_VOLUMES, &r.volumes),
    ] {
        if !list.is_empty() {
            parts.push(phrase.fill(lang, &[("list", &list.join(", "))]));
        }
    }
    if !r.restored.is_empty() {
        let list: Vec<String> = r.restored.iter().map(|v| restored(v, lang)).collect();
        parts.push(RESTORED.fill(lang, &[("list", &list.join(", "))]));
    }
    parts.extend(r.kept.iter().map(|v| kept(v, lang)));
    parts.extend(r.skipped.iter().map(|v| skipped(v, lang)));
    parts.join("; ")
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_down_is_told_from_its_typed_report() {
        let key = "net.netfilter.nf_conntrack_max";
        let r = DownReport {
            containers: vec!["lab-nginx".into(), "lab-phpfpm".into()],
            volumes: vec!["lab-load".into()],
            restored: vec![HostValue {
                key: key.into(),
                applied: 270336,
                original: 262144,
            }],
            kept: vec![KeptValue {
                key: key.into(),
                now: 278528,
                labs: vec!["a".into(), "b".into()],
                original: 262144,
            }],
            skipped: vec![SkippedValue {
                key: key.into(),
                now: 300000,
                applied: 270336,
                original: 262144,
            }],
            ..DownReport::default()
        };
        assert_eq!(
            down_summary(&r, Lang::En),
            format!(
                "containers lab-nginx, lab-phpfpm; volumes lab-load; restored {key}: 270336 -> 262144; \
                 {key} stays at 278528: lab a, lab b raised it too, and the last lab to go puts 262144 back; \
                 {key} is 300000, not the 270336 perflab set: someone changed it since, so it was left as is (it was 262144 before perflab)"
            )
        );
        let zh = down_summary(&r, Lang::Zh);
        assert!(
            zh.starts_with("容器 lab-nginx, lab-phpfpm; 卷 lab-load; "),
            "{zh}"
        );
        assert!(
            zh.contains(&format!("已还原 {key}：270336 -> 262144")),
            "{zh}"
        );
    }

    #[test]
    fn long_build_lines_are_cut() {
        let long = "x".repeat(100);
        let s = step(
            &Step::Building {
                tag: "t".into(),
                output: Some(long),
            },
            Lang::En,
        );
        assert!(
            s.ends_with('…') && s.chars().count() == "building t: ".len() + 61,
            "{s}"
        );
    }

    #[test]
    fn the_filled_line_holds_the_figures_in_each_language() {
        let filled = EngineEvent::Filled {
            count: 262_000,
            max: 262_144,
        };
        for (lang, want) in [
            (
                Lang::En,
                "filled the server's conntrack table: 262000 of 262144 entries",
            ),
            (
                Lang::Zh,
                "已填充服务器的 conntrack 表：262000 / 262144 个条目",
            ),
        ] {
            match line(&filled, lang) {
                Some(Line::Done(l)) => assert_eq!(l, want),
                _ => panic!("no done line"),
            }
        }
    }
}
