//! The discovery-first rules, on the embedded course and on copies of its
//! files with one rule broken.
use crate::lessons::*;

use crate::lessons::broken::edited_fails;

#[test]
fn words_match_whole_latin_words_and_chinese_anywhere() {
    use super::contains_word;
    assert!(contains_word("The count is high", "count"));
    assert!(!contains_word("on account of it", "count"));
    assert!(contains_word(
        "raise NF_CONNTRACK_MAX now",
        "nf_conntrack_max"
    ));
    assert!(!contains_word("nf_conntrack_maximum", "nf_conntrack_max"));
    assert!(contains_word("type `conntrack -F`.", "conntrack -F"));
    assert!(contains_word("看看连接跟踪表", "连接跟踪"));
    assert!(contains_word("看conntrack表", "conntrack"));
}

#[test]
fn forbidden_words_come_from_the_fix_the_symptom_and_the_check() {
    let course = Course::load().unwrap();
    let words = |n: u8| -> Vec<String> {
        super::forbidden(&course.stage(n).unwrap().spec)
            .into_iter()
            .map(|f| f.word)
            .collect()
    };
    let one = words(1);
    for w in [
        "net.netfilter.nf_conntrack_max",
        "nf_conntrack_max",
        "conntrack -F",
        "conntrack.drops",
        "drops",
        "conntrack.count",
        "kernel.conntrack_full_lines",
    ] {
        assert!(one.contains(&w.to_string()), "{w} in {one:?}");
    }
    let three = words(3);
    for w in [
        "somaxconn",
        "nginx_backlog",
        "phpfpm_backlog",
        "listen.backlog",
        "send_q",
        "listen_overflows",
    ] {
        assert!(three.contains(&w.to_string()), "{w} in {three:?}");
    }
    assert!(words(0).iter().all(|w| !w.contains("conntrack")));
}

#[test]
fn a_brief_or_title_that_names_the_fix_or_counter_fails() {
    edited_fails(
        "1-conntrack/brief.en.md",
        |s| s + "\nMaybe nf_conntrack_max is too low.\n",
        &[
            "lessons/1-conntrack/brief.en.md",
            "names \"nf_conntrack_max\"",
            "rule: neutral",
        ],
    );
    edited_fails(
        "1-conntrack/brief.zh.md",
        |s| s + "\n看看连接跟踪表。\n",
        &[
            "lessons/1-conntrack/brief.zh.md",
            "[brief] avoid",
            "rule: neutral",
        ],
    );
    edited_fails(
        "3-listen-queues/stage.toml",
        |s| s.replacen("title = { en = \"", "title = { en = \"somaxconn: ", 1),
        &[
            "3-listen-queues/stage.toml: title.en",
            "names \"somaxconn\"",
        ],
    );
    edited_fails(
        "4-workers/stage.toml",
        |s| {
            s.replacen(
                "[observe]\nsay = { en = \"",
                "[observe]\nsay = { en = \"Mind pm.max_children. ",
                1,
            )
        },
        &["observe.say.en", "names \"pm.max_children\""],
    );
}

/// `s` with `text` put at the front of the right choice's text (the one that
/// starts with `key`) in the first `section`.
fn longer_right_choice(s: &str, section: &str, key: &str, text: &str) -> String {
    let at = s.find(section).unwrap();
    let right = at + s[at..].find("correct = true").unwrap();
    let quote = s[..right].rfind(key).unwrap() + key.len();
    format!("{}{text} {}", &s[..quote], &s[quote..])
}

#[test]
fn a_long_right_choice_fails_in_either_language() {
    let long =
        "an answer so much longer than every other one that it gives itself away at a glance";
    edited_fails(
        "4-workers/stage.toml",
        |s| longer_right_choice(&s, "[[diagnose.choice]]", "text = { en = \"", long),
        &[
            "4-workers/stage.toml: diagnose.choice[",
            "].text.en",
            "1.2 × the longest wrong one",
            "rule: balanced choices",
        ],
    );
    edited_fails(
        "1-conntrack/stage.toml",
        |s| {
            longer_right_choice(
                &s,
                "[[predict.choice]]",
                "zh = \"",
                "这是一个比其他选项都长得多的选项，长到一眼就能看出它是正确答案，完全不需要思考",
            )
        },
        &["predict.choice[", "].text.zh", "rule: balanced choices"],
    );
}

#[test]
fn investigate_hints_need_the_three_levels_in_order() {
    edited_fails(
        "4-workers/stage.toml",
        |s| s.replace("level = \"where\"", "level = \"command\""),
        &[
            "4-workers/stage.toml: hint:",
            "no where hint",
            "rule: three hint levels",
        ],
    );
    edited_fails(
        "3-listen-queues/stage.toml",
        |s| {
            s.replacen("level = \"nudge\"", "level = \"NUDGE\"", 1)
                .replacen("level = \"command\"", "level = \"nudge\"", 1)
                .replacen("level = \"NUDGE\"", "level = \"command\"", 1)
        },
        &[
            "3-listen-queues/stage.toml: hint[",
            "].level",
            "nudge after a",
            "rule: three hint levels",
        ],
    );
    edited_fails(
        "1-conntrack/stage.toml",
        |s| s.replacen("level = \"nudge\"\n", "", 1),
        &["1-conntrack/stage.toml: hint[", "].level: missing"],
    );
}

#[test]
fn evidence_in_fewer_than_three_groups_fails() {
    edited_fails(
        "1-conntrack/stage.toml",
        |s| {
            s.replace("group = ", "old_group = ")
                .replace("old_group = ", "group = ")
                .lines()
                .filter(|l| !l.starts_with("group = "))
                .map(|l| match l {
                    "[[investigate.evidence]]" => {
                        "[[investigate.evidence]]\ngroup = \"one\"".to_string()
                    }
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        },
        &[
            "1-conntrack/stage.toml: investigate.evidence:",
            "1 group(s)",
            "rule: evidence groups",
        ],
    );
}

#[test]
fn gauges_that_show_the_cause_fail() {
    edited_fails(
        "1-conntrack/stage.toml",
        |s| {
            s.replacen(
                "watch = [\"load.goodput_rps\"",
                "watch = [\"conntrack.count\", \"load.goodput_rps\"",
                1,
            )
        },
        &["observe.watch[0]", "conntrack.count gives the cause away"],
    );
}
