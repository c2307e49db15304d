//! A real course joined to a class: `perflab class serve` on loopback, a
//! learner who joins it, and stage 1 taken on the real lab with scripted
//! answers. The roster then shows the learner at stage 1 done, with the goodput
//! before and after the fix that the course measured. Needs a Docker Engine and
//! fails, never skips, without one.
use crate::class_support::{self, ServerProc};
use crate::harness::LabFixture;

/// Stage 1 the discovery-first way: two independent pieces of evidence, the
/// diagnosis (a wrong answer first), the prediction, a fix; then stage 2 starts
/// and the learner quits at its lab prompt.
const ANSWERS: &str = "\
dmesg | tail
sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max
hand
next
nginx has too few worker processes
A full connection-tracking table
More pages, yet far fewer than it could serve
conntrack -F
quit
";

#[test]
fn a_course_joined_to_a_class_shows_on_the_roster() {
    let lab = LabFixture::new("class-course");
    let server_state = class_support::temp_dir("class-course-server");
    let server = ServerProc::start(&server_state, "127.0.0.1:0");
    lab.ok(&["class", "join", &server.join_url, "--as", "ana"]);
    let answers = lab.file("answers.txt");
    std::fs::write(&answers, ANSWERS).unwrap();
    let out = lab
        .perflab(&[
            "--stage",
            "1",
            "--lang",
            "en",
            "--yes",
            "--answers",
            answers.to_str().unwrap(),
        ])
        .env("PERFLAB_LOAD_DURATION", "3s")
        .output();
    assert!(out.success(), "{out}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let roster = rt.block_on(async {
        // The course flushed its queue at the end; give the server a moment anyway.
        for _ in 0..50 {
            let r = server.roster().await;
            if r["learners"][0]["stages"][1]["status"] == "done" {
                return r;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        server.roster().await
    });
    let ana = &roster["learners"][0];
    assert_eq!(ana["name"], "ana", "{roster:#}");
    let one = &ana["stages"][1];
    assert_eq!(one["status"], "done", "{roster:#}");
    assert_eq!(one["wrong"], 1, "the wrong diagnosis: {roster:#}");
    assert_eq!(
        one["right"], 2,
        "the diagnosis and the prediction: {roster:#}"
    );
    assert_eq!(one["checks_passed"], 1, "{roster:#}");
    let (before, after) = (
        one["goodput_before"].as_f64().unwrap(),
        one["goodput_after"].as_f64().unwrap(),
    );
    assert!(after > before, "goodput {before} → {after}: {roster:#}");
    assert_eq!(
        ana["stage"], 2,
        "the learner went on to stage 2: {roster:#}"
    );
    assert_eq!(ana["hand"], true, "the raised hand: {roster:#}");
}
