//! The literal-figure heuristic: it catches the figures the format-1 lessons
//! wrote as numbers, and passes the configuration values the lessons may write.
use super::*;

/// Texts of the format-1 lessons (stages 0 to 6) that held measured figures.
const FORMAT_1_FIGURES: &[&str] = &[
    "the reported request rate went 189, 5382, 4684, 6186, 3209, 5180 across the fixes",
    "At the step where the request rate fell from 6186 to 3209 per second",
    "the 2xx responses rose from none at all to about 3200 per second",
    "On our test machine goodput went from about 40 to about 200 responses per second.",
    "In this lab, 262,144 entries took about 244 MB of kernel memory, close to 1 KB each.",
    "pin gigabytes of kernel memory (about 1 KB per entry here)",
    "A rough figure is **about 20 MB per child**, more for a large application.",
    "Twenty children are about 400 MB; a thousand would be 20 GB",
    "On our test machine goodput rose from about 200 to about 1100 per second",
    "    3713 times the listen queue of a socket overflowed",
    "goodput after this fix fell to zero every time.",
    "requests per second fell from about 37,000 to about 7,000 while goodput rose from about 1,500 to about 7,000",
    "stacks containing `inet_hash_connect` were **85 %** of all samples",
    "goodput rose from about 2000 back to about 7100 per second",
    "the hot stack fell to under 1 % of the samples.",
    "the connections opened per run fell by ten, the median latency dropped to 1 ms",
    "and about 4800 requests per 10 s run timed out",
    "left about 4000 requests timing out",
    "在我们的测试机上，有效吞吐从每秒 40 左右涨到了 200 左右。",
    "在这个实验里，262144 个表项大约占了 244 MB 内核内存，差不多每个 1 KB。",
    "粗略估算**每个大约占 20 MB 内存**",
    "有效吞吐正好涨到 4 倍，和子进程数同比例",
    "无人值守地跑，这一关修完后的有效吞吐每次都跌到了零。",
    "每秒响应数从 37000 左右掉到了 7000 左右",
    "2xx 响应恰恰从几乎为零涨到了每秒 3200 左右",
    "用栈占了全部采样的 **85%**。",
    "中位延迟降到 1 毫秒",
    "每 10 秒的压测里有大约 4800 个请求超时",
    "连接数降到了十分之一，吞吐涨了十倍",
    "connections fell tenfold",
    "goodput rose 4.8x",
    "p99 went to 1230 ms",
];

/// Configuration values, kernel defaults and documented limits: not measured.
const NOT_FIGURES: &[&str] = &[
    "nginx asks for `backlog=10`, and pm.max_children = 5 caps the pool.",
    "The range 20000–20050 holds 51 ports.",
    "An established flow stays in the table for 5 days by default.",
    "TIME_WAIT stays near 32 768 because of the 32768 tw buckets of `net.ipv4.tcp_max_tw_buckets`.",
    "The client retransmits a lost SYN after 1 s, then after 2 more.",
    "perflab keeps 1000 connections open for 10 s, with a 2 s timeout per request.",
    "2xx responses per second, and 5xx answers, and the 502s and 499s of the log.",
    "nginx connects to 127.0.0.1:9000; the kernel is Linux 5.4 or newer, v4.12 too.",
    "somaxconn 65536 and a backlog of 8192 each; nf_conntrack_max=1048576.",
    "p99 latency, `tcp_v4_connect`, errno 99, HTTP/1.1 and port 80.",
    "goodput went from {{1.before.goodput.median}} to {{1.after.goodput.median}} 2xx/s, {{1.gain}}× (median of {{runs}} runs)",
    "有效吞吐从 {{1.before.goodput.median}} 涨到了 {{1.after.goodput.median}}（每秒 2xx 响应数）。",
    "五个子进程应付一千个客户端，队列只能排 10 个，1 秒后重传 SYN。",
    "`mpstat -P ALL 1 3`, `vmstat 1 5`, `sar -n TCP,ETCP 1 3`, `tail -n 5`",
    "The seed's rule of thumb is `20 MB` a child; 原案例的经验值是每个子进程 `20 MB` 左右。",
];

#[test]
fn catches_every_figure_the_format_1_lessons_wrote() {
    for text in FORMAT_1_FIGURES {
        assert!(!literal_figures(text).is_empty(), "not caught: {text:?}");
    }
}

#[test]
fn passes_configuration_values_and_placeholders() {
    for text in NOT_FIGURES {
        assert_eq!(literal_figures(text), Vec::<String>::new(), "{text:?}");
    }
}

#[test]
fn the_snippet_shows_the_figure() {
    let found = literal_figures(
        "On our machine goodput went from about 40 to about 200 responses per second.",
    );
    assert!(found.iter().any(|f| f.contains("about 40")), "{found:?}");
    assert!(
        found.iter().any(|f| f.contains("200 responses")),
        "{found:?}"
    );
}

fn problems_of(md: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut r = Report {
        file: "x.md".into(),
        problems: &mut problems,
    };
    markdown(md, &mut r);
    problems
}

#[test]
fn markdown_problems_name_the_line_and_the_rule() {
    let p = problems_of("fine\nit rose to 900 2xx/s\n");
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].field, "line 2");
    assert!(
        p[0].message.contains("no literal measured figures"),
        "{}",
        p[0]
    );
    let p = problems_of("goodput {{1.after.goodput.mean}} and {{9.gain}} and {{runs\n");
    let messages: Vec<String> = p.iter().map(|p| p.message.clone()).collect();
    assert_eq!(p.len(), 3, "{messages:?}");
    assert!(
        messages[0].contains("\"mean\" is not a statistic"),
        "{messages:?}"
    );
    assert!(messages[1].contains("\"9\" is not a stage"), "{messages:?}");
    assert!(messages[2].contains("a {{ without its }}"), "{messages:?}");
    assert!(messages.iter().all(|m| m.contains("malformed placeholder")));
}

#[test]
fn toml_texts_are_walked_with_their_paths() {
    let t: toml::Table = toml::from_str(
        "title = { en = \"a\", zh = \"乙\" }\n[[q]]\ntext = { en = \"it fell to 3 ms\", zh = \"丙\" }\nseen = 'drop=[1-9] 90 %'\n",
    )
    .unwrap();
    let texts = texts_of(&t);
    assert!(texts.contains(&("q[0].text.en".to_string(), "it fell to 3 ms".to_string())));
    assert!(
        !texts.iter().any(|(p, _)| p == "q[0].seen"),
        "patterns are not texts"
    );
    let mut problems = Vec::new();
    let mut r = Report {
        file: "stage.toml".into(),
        problems: &mut problems,
    };
    toml_texts(&t, &mut r);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "q[0].text.en");
}

#[test]
fn a_table_is_checked_against_the_placeholders() {
    let mut files = Files::new();
    files.insert(
        "1-x/brief.en.md".into(),
        Ok("a\nfrom {{1.before.goodput.median}} to {{0.after.goodput.median}}\n".into()),
    );
    files.insert(
        "1-x/stage.toml".into(),
        Ok("t = { en = \"{{1.gain}}× in {{runs}} runs\", zh = \"\" }\n".into()),
    );
    let table = Figures::parse(
        r#"{"format": 1, "runs": 5, "provisional": false, "stages": [
            {"stage": 0, "before": {"goodput": {"median": 40}}, "after": null},
            {"stage": 1, "before": {"goodput": {"median": 0}}, "after": {"goodput": {"median": 190}}}]}"#,
        "t.json",
    )
    .unwrap();
    let p = against_table(&files, "lessons", &table, "t.json");
    let lines: Vec<String> = p.iter().map(ToString::to_string).collect();
    assert_eq!(p.len(), 2, "{lines:#?}");
    assert!(
        lines[0]
            .starts_with("lessons/1-x/brief.en.md: line 2: placeholder {{0.after.goodput.median}}"),
        "{lines:#?}"
    );
    assert!(
        lines[1].contains("1-x/stage.toml: t.en: placeholder {{1.gain}}"),
        "{lines:#?}"
    );
    assert!(lines[1].contains("undefined"), "{lines:#?}");
    let provisional = Figures::parse(r#"{"format": 1, "provisional": true}"#, "t.json").unwrap();
    let p = against_table(&files, "lessons", &provisional, "t.json");
    assert_eq!(p.len(), 1, "only the provisional table is reported");
    assert_eq!(
        p[0].to_string(),
        "t.json: provisional: the measured table is provisional: run `bash bench/course-repeat.sh 5`"
    );
}
