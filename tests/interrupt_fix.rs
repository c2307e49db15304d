//! Ctrl-C, SIGTERM and kill -9 while the learner's fix is being made: in the
//! course at stage 1, the typed `sysctl -w net.netfilter.nf_conntrack_max=...`
//! raises a host-wide value through the journal. The signal comes as soon as the
//! journal entry is written, while the host helper writes the value. The course
//! keeps its lab for a resume, so each case ends with `perflab down` and the same
//! check: nothing labelled left, every host value as before, no journal.
use std::time::Duration;

use crate::harness::{host_sysctl, wait_closely, LabFixture};

/// Stage 1 to its fix, as the course takes answers now: one piece of evidence
/// and a hint open the diagnosis; then the typed fix, above the host's value.
fn stage_one_answers() -> String {
    let live = host_sysctl("net.netfilter.nf_conntrack_max");
    let value = (live * 2).clamp(1048576, 4194304);
    format!(
        "sysctl net.netfilter.nf_conntrack_count\n\
         hint\n\
         next\n\
         A full connection-tracking table\n\
         More pages, yet far fewer than it could serve\n\
         sysctl -w net.netfilter.nf_conntrack_max={value}\n\
         yes\n"
    )
}

#[test]
fn signals_while_the_learner_s_fix_is_made_leave_nothing_after_down() {
    let lab = LabFixture::new("interrupt-fix");
    let journal = lab.journal();
    let answers = lab.file("answers.txt");
    std::fs::write(&answers, stage_one_answers()).unwrap();
    for (how, sig, code) in [
        ("SIGINT", libc::SIGINT, Some(130)),
        ("SIGTERM", libc::SIGTERM, Some(143)),
        ("kill -9", libc::SIGKILL, None),
    ] {
        let child = lab.spawn(&[
            "--stage",
            "1",
            "--lang",
            "en",
            "--load-duration",
            "2s",
            "--answers",
            answers.to_str().unwrap(),
        ]);
        wait_closely(
            &format!("{how}: the fix in the journal"),
            || journal.exists(),
            Duration::from_secs(240),
        );
        child.signal(sig);
        let out = child.wait();
        assert_eq!(out.code, code, "{how}: {out}");
        assert!(!out.stderr.contains("panicked"), "{how}: {out}");
        lab.ok(&["down"]);
        assert_eq!(lab.labelled_objects(), Vec::<String>::new(), "after {how}");
        lab.assert_host_as_before(&format!("after {how}"));
        assert!(!journal.exists(), "after {how}");
    }
}
