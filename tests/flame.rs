//! Flame graphs: folding captured `perf script` text (fast, no Docker), and the
//! stage 5 hot path on a real lab (real Docker; fails, never skips, without an
//! engine). The fixtures and how they were made: tests/fixtures/flame/README.md.
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::harness::LabFixture;
use perflab::engine::{Engine, Server, Side};
use perflab::flame::{self, fold, function_share, top, FlameReport, FoldError};
use perflab::lab::{duration_for_recording, measured_run, Extras, LabSink, Quiet, Recording};
use perflab::lab::{LabOps, LabSession, LoadShape, STANDARD};
use perflab::lessons::fields::every_name;
use perflab::lessons::{At, FieldRef};
use perflab::load::LoadConfig;
use perflab::tutor::facts::resolve;
use tokio_util::sync::CancellationToken;

const DEFAULT_FORM: &str = include_str!("fixtures/flame/churn-default.txt");
const PID_TID_FORM: &str = include_str!("fixtures/flame/churn-pidtid.txt");
/// The listener, the connecting client and the busy process; dd (24524) is outside.
const SERVER: [u32; 3] = [24478, 24520, 24521];

fn server_pids() -> HashSet<u32> {
    SERVER.into_iter().collect()
}

#[test]
fn both_header_forms_fold_to_the_counts_made_independently() {
    for (text, samples, server, hot) in
        [(DEFAULT_FORM, 256, 180, 88), (PID_TID_FORM, 468, 309, 150)]
    {
        let f = fold(text, &server_pids()).unwrap();
        assert_eq!((f.samples, f.server_samples), (samples, server));
        assert_eq!(f.malformed_lines, 0);
        assert_eq!(f.stacks.values().sum::<u64>(), server);
        assert_eq!(
            function_share(&f, "inet_hash_connect"),
            hot as f64 / server as f64
        );
        assert!(f.kernel_symbols());
    }
}

#[test]
fn only_the_servers_processes_are_kept_and_stacks_read_root_to_leaf() {
    let f = fold(PID_TID_FORM, &server_pids()).unwrap();
    assert!(
        f.stacks.keys().all(|s| s.starts_with("python3;")),
        "dd leaked in"
    );
    assert!(f.stacks.keys().any(|s| s.contains(";__sys_connect;inet_stream_connect;__inet_stream_connect;tcp_v4_connect;__inet_hash_connect")));
    let dd = fold(PID_TID_FORM, &HashSet::from([24524])).unwrap();
    assert_eq!(dd.server_samples, 155);
    assert!(dd.stacks.keys().all(|s| s.starts_with("dd;")));
    assert_eq!(function_share(&dd, "inet_hash_connect"), 0.0);
    let none = fold(PID_TID_FORM, &HashSet::new()).unwrap();
    assert_eq!((none.samples, none.server_samples), (468, 0));
}

#[test]
fn the_top_stacks_lead_with_the_port_search() {
    let f = fold(DEFAULT_FORM, &server_pids()).unwrap();
    let t = top(&f, 5, flame::TOP_DEPTH);
    assert!(
        t[0].stack.starts_with("python3;…;") && t[0].stack.ends_with(";__inet_hash_connect"),
        "{t:?}"
    );
    assert!(t.windows(2).all(|w| w[0].samples >= w[1].samples));
    let listed: f64 = t.iter().map(|s| s.share).sum();
    assert!(listed > 0.0 && listed <= 1.0 + 1e-9);
    assert!(t
        .iter()
        .all(|s| s.stack.split(';').count() <= flame::TOP_DEPTH + 2));
}

#[test]
fn malformed_lines_are_skipped_and_counted_without_losing_samples() {
    let mut text = String::from("\tffffffff81000130 orphan_frame_before_any_header\n");
    for (i, sample) in PID_TID_FORM.split("\n\n").enumerate() {
        text.push_str(sample);
        match i % 50 {
            // A frame whose address is not hex, inside a sample.
            7 => text.push_str("\n\tzzzz not_a_frame"),
            // A header with no pid and its frames: one sample lost, all lines counted.
            13 => text.push_str("\n\nthis is not a header\n\tffffffff81000130 entry_SYSCALL_64"),
            _ => {}
        }
        text.push_str("\n\n");
    }
    let clean = fold(PID_TID_FORM, &server_pids()).unwrap();
    let f = fold(&text, &server_pids()).unwrap();
    let (bad_frames, bad_headers) = (10, 10); // i % 50 == 7 and == 13 in 468 samples
    assert_eq!(f.malformed_lines, 1 + bad_frames + 2 * bad_headers);
    assert_eq!(
        (f.samples, f.server_samples),
        (clean.samples, clean.server_samples)
    );
    assert_eq!(f.stacks, clean.stacks);
}

#[test]
fn truncated_output_keeps_the_samples_read_so_far() {
    let cut = &DEFAULT_FORM[..DEFAULT_FORM.len() / 2];
    let f = fold(cut, &server_pids()).unwrap();
    assert!(f.samples > 100 && f.samples < 256, "{}", f.samples);
    let share = function_share(&f, "inet_hash_connect");
    assert!(share > 0.2 && share < 0.8, "{share}");
}

#[test]
fn text_that_is_not_perf_script_is_refused_with_its_line() {
    assert_eq!(fold("", &server_pids()), Err(FoldError::NoSamples));
    assert_eq!(fold("\n\n", &server_pids()), Err(FoldError::NoSamples));
    let e = fold("<html>\n<body>oops</body>\n", &server_pids()).unwrap_err();
    assert_eq!(
        e,
        FoldError::NotPerfScript {
            line_no: 1,
            line: "<html>".into()
        }
    );
    // One real sample amid mostly junk is still junk.
    let junk = "a b c\nd e f\ng h i\nnginx 5/5\n\tffffffff81000130 f\n";
    assert!(matches!(
        fold(junk, &server_pids()),
        Err(FoldError::NotPerfScript { line_no: 1, .. })
    ));
}

#[test]
fn the_svg_is_xml_and_names_the_hot_function() {
    let f = fold(DEFAULT_FORM, &server_pids()).unwrap();
    let dir = std::env::temp_dir().join(format!("perflab-flame-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fixture.svg");
    flame::write_svg(&f, &path, "fixture", "the churn fixture").unwrap();
    let titles = svg_titles(&std::fs::read_to_string(&path).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("__inet_hash_connect (")),
        "{titles:?}"
    );
}

/// Every `<title>` of the SVG, which must parse as XML from start to end.
fn svg_titles(svg: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(svg);
    let (mut titles, mut title, mut elements) = (Vec::new(), None::<String>, 0);
    loop {
        match reader
            .read_event()
            .expect("the flame graph is well-formed XML")
        {
            Event::Start(e) => {
                elements += 1;
                title = (e.name().as_ref() == b"title").then(String::new);
            }
            Event::Text(t) => {
                if let Some(title) = title.as_mut() {
                    title.push_str(&t.decode().unwrap());
                }
            }
            // Entities split the text; their names are enough for a search.
            Event::GeneralRef(r) => {
                if let Some(title) = title.as_mut() {
                    title.push_str(&format!("&{};", r.decode().unwrap()));
                }
            }
            Event::End(_) => titles.extend(title.take()),
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(elements > 10, "an SVG with {elements} elements");
    titles
}

// ---- real Docker from here: a lab of each test's own ----

/// A recording of `seconds` under the standard load, as `perflab flame` makes it.
async fn record(server: &Server, svg_dir: &Path, cancel: &CancellationToken) -> FlameReport {
    let shape = LoadShape {
        duration: duration_for_recording(5),
        ..STANDARD
    };
    let cfg = LoadConfig::new(&server.url(), &[server.subnet], &shape).unwrap();
    let extras = Extras {
        kernel_log: false,
        flame: Some(Recording {
            seconds: 5,
            function: "inet_hash_connect".into(),
            svg_dir: svg_dir.to_path_buf(),
            report: false,
        }),
    };
    let sink: Arc<dyn LabSink> = Arc::new(Quiet);
    measured_run(server, &cfg, &extras, cancel, &sink)
        .await
        .unwrap()
        .flame
        .expect("a recording")
}

/// A lab of its own, up at `stage`.
fn up_at(name: &str, stage: u8) -> LabFixture {
    let lab = LabFixture::new(name);
    lab.ok(&["up", "--stage", &stage.to_string()]);
    lab
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perf_can_sample_the_host_from_the_helper() {
    let fixture = LabFixture::new("flame-perf");
    let lab = Engine::connect(&fixture.settings())
        .await
        .expect("a Docker Engine for this test");
    if let Err(why) = flame::perf_available(&lab).await {
        panic!("{why}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stage5_port_search_is_hot_until_tw_reuse() {
    let fixture = up_at("flame", 5);
    let lab = Engine::connect(&fixture.settings())
        .await
        .expect("a Docker Engine for this test");
    let server = lab.server().await.expect("the lab just started");
    let cfg = LoadConfig::new(&server.url(), &[server.subnet], &STANDARD).unwrap();
    let cancel = CancellationToken::new();
    // The learner's observe step: load first, so TIME_WAIT fills nginx's ports as
    // it does in the course (a fresh lab's first seconds show the search at ~35 %).
    let mut observe = cfg.clone();
    observe.duration = Duration::from_secs(10);
    perflab::load::run_load(&observe, &cancel).await.unwrap();

    let before = record(&server, &fixture.state, &cancel).await;
    eprintln!(
        "before: {:.1} % of {} server samples, goodput {:.0}/s",
        before.function_share * 100.0,
        before.server_samples,
        before.goodput_rps
    );
    assert!(before.function_share >= 0.30, "{before:#?}");
    assert!(before.kernel_symbols);
    assert!(
        before.top[0].stack.contains("inet_hash_connect"),
        "{:?}",
        before.top
    );
    let svg = std::fs::read_to_string(&before.svg).unwrap();
    assert!(svg_titles(&svg)
        .iter()
        .any(|t| t.contains("inet_hash_connect")));

    let fix = server
        .sh(
            Side::Nginx,
            "sysctl -w net.ipv4.tcp_tw_reuse=1",
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    assert!(fix.success(), "{fix:?}");
    let after = record(&server, &fixture.state, &cancel).await;
    eprintln!(
        "after: {:.1} % of {} server samples, goodput {:.0}/s",
        after.function_share * 100.0,
        after.server_samples,
        after.goodput_rps
    );
    assert!(after.function_share <= 0.05, "{after:#?}");
    assert!(after.server_samples > 0);
    for svg in [&before.svg, &after.svg] {
        std::fs::remove_file(svg).unwrap();
    }
}

/// The catalogue against real output: one measured run with a flame recording
/// through the real lab behind the tutor's seam, as a stage reads its evidence.
/// Every catalogued field reads a value, both under load and now, from what a
/// real probe found (that each has an accessor is a unit test:
/// tutor::facts::tests::every_field_of_the_catalogue_and_of_the_lessons_resolves).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_catalogued_field_reads_a_value_from_a_real_run() {
    let fixture = up_at("flame-fields", 5);
    let shape = LoadShape {
        duration: Duration::from_secs(5),
        ..STANDARD
    };
    let sink: Arc<dyn LabSink> = Arc::new(Quiet);
    let session = LabSession::open(&fixture.settings(), &CancellationToken::new(), sink, shape)
        .await
        .expect("a lab session");
    let (_session, facts) = session
        .blocking(|lab| {
            lab.start_stage(5, false)?;
            lab.run_load(false, Some("inet_hash_connect"), None)
        })
        .await;
    let facts = facts.expect("a measured run with a recording");
    let run = facts.run.as_ref().expect("the run's facts");

    let mut unread = Vec::new();
    for name in every_name() {
        let field = FieldRef::parse(&name).expect("a catalogued name parses");
        for at in [At::Load, At::Now] {
            if let Err(e) = resolve(&field, at, &facts) {
                unread.push(format!("{name} ({at:?}): {e}"));
            }
        }
    }
    for port in [80, 9000] {
        if run.after.listener(port).is_none() {
            unread.push(format!("listen.*[{port}]: nothing listed on {port}"));
        }
    }
    assert!(
        run.flame.get("inet_hash_connect").is_some_and(|s| *s > 0.0),
        "the recording's share: {:?}",
        run.flame
    );
    assert!(unread.is_empty(), "fields the real run lacks: {unread:#?}");
}
