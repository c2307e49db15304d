//! The lab environment for real: up at a stage, the server's namespace as the
//! course says it is, the host untouched, down leaving nothing behind.
use std::time::Duration;

use crate::harness::{host_sysctl, wait_closely, LabFixture, Ran};

#[test]
fn stage0_is_mistuned_inside_and_host_untouched_and_down_leaves_nothing() {
    let lab = LabFixture::new("stage0");
    lab.ok(&["up", "--stage", "0"]);

    let sysctl = |name: &str| {
        lab.sh(&format!("sysctl -n {name}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(sysctl("net.core.somaxconn"), "10");
    assert_eq!(sysctl("net.ipv4.ip_local_port_range"), "20000 20050");
    assert_eq!(sysctl("net.ipv4.tcp_tw_reuse"), "0");

    let listen80 = lab.sh("ss -Hltn 'sport = :80'");
    let send_q: Vec<&str> = listen80.split_whitespace().collect();
    assert_eq!(send_q.get(2), Some(&"10"), "Send-Q of :80 in {listen80:?}");

    let fpm = lab.sh("grep -E '^pm( |\\.max_children)' /etc/php/8.2/fpm/pool.d/www.conf");
    assert!(fpm.contains("pm = ondemand"), "{fpm}");
    assert!(fpm.contains("pm.max_children = 5"), "{fpm}");
    // php-fpm really runs with that pool (its master parses the same file).
    let procs = lab.ok(&["shell", "--", "ps", "-eo", "comm"]);
    assert!(
        !procs.contains("php-fpm"),
        "php-fpm runs in its own container, not nginx's: {procs}"
    );

    let table = lab.sh(
        "cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max",
    );
    let nums: Vec<u64> = table
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let (count, max) = (nums[0], nums[1]);
    assert!(
        count + 128 >= max && count <= max,
        "server conntrack count {count} not within the headroom of {max}"
    );

    lab.assert_host_as_before("with the lab up");
    let status = lab.ok(&["status", "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["running"], true);
    assert_eq!(status["stage"], 0);
    assert!(status["server_url"]
        .as_str()
        .unwrap()
        .starts_with("http://"));
    assert_eq!(status["host_changes"], serde_json::json!([]));

    lab.ok(&["down"]);
    let status: serde_json::Value = serde_json::from_str(&lab.ok(&["status", "--json"])).unwrap();
    assert_eq!(status["running"], false);
}

#[test]
fn stage5_page_answers_200_from_the_host() {
    let lab = LabFixture::new("stage5");
    lab.ok(&["up", "--stage", "5"]);
    let status: serde_json::Value = serde_json::from_str(&lab.ok(&["status", "--json"])).unwrap();
    let url = status["server_url"].as_str().unwrap().to_string();
    let ip: std::net::Ipv4Addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert_eq!(
        rt.block_on(perflab::engine::http_get_status(ip)).unwrap(),
        200
    );
    // Stage 5 starts with the colleague's keep-alive change and every earlier fix.
    let conf = lab.sh("grep -E 'fastcgi_keep_conn|backlog' /etc/nginx/nginx.conf");
    assert!(
        conf.contains("fastcgi_keep_conn on;") && conf.contains("backlog=8192"),
        "{conf}"
    );
    assert_eq!(
        lab.sh("sysctl -n net.ipv4.ip_local_port_range")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["10000", "65535"]
    );
}

#[test]
fn kill_9_during_up_then_down_restores_everything() {
    let lab = LabFixture::new("kill9");
    for wait_for_objects in [1usize, 3] {
        let child = lab.spawn(&["up", "--stage", "0"]);
        // Kill it once it has created objects (a network, then containers).
        wait_closely(
            &format!("{wait_for_objects} labelled object(s)"),
            || lab.labelled_objects().len() >= wait_for_objects,
            Duration::from_secs(60),
        );
        child.kill();
        assert!(
            !lab.labelled_objects().is_empty(),
            "up was killed before it created anything"
        );
        if wait_for_objects == 1 {
            // The next `up` finds the leftovers by their labels, says so, and
            // cleans them before it starts the lab afresh.
            let out = lab.run(&["up", "--stage", "0"]);
            assert!(out.success(), "{out}");
            assert!(
                out.stderr
                    .contains("found what an interrupted perflab run left behind and cleaned it"),
                "{out}"
            );
        }
        lab.ok(&["down"]);
        assert_eq!(lab.labelled_objects(), Vec::<String>::new());
        lab.assert_host_as_before(&format!("after kill -9 at {wait_for_objects} object(s)"));
    }
}

#[test]
fn a_raised_host_limit_is_journaled_and_restored_by_down_even_after_a_crash() {
    let lab = LabFixture::new("journal");
    let name = "net.netfilter.nf_conntrack_max";
    let before = host_sysctl(name);
    let settings = lab.settings();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let lab = perflab::engine::Engine::connect(&settings).await.unwrap();
        let err = lab
            .raise_host_sysctl("net.netfilter.nf_conntrack_max", before - 1)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("only raises"), "{err}");
        let err = lab.raise_host_sysctl("kernel.panic", 1).await.unwrap_err();
        assert!(err.to_string().contains("not a host value"), "{err}");
        lab.raise_host_sysctl("net.netfilter.nf_conntrack_max", before + 4096)
            .await
            .unwrap();
    });
    // The process that raised it is gone without cleaning up (a crash): the
    // journal on disk is what `down` restores from.
    assert_eq!(host_sysctl(name), before + 4096);
    let status: serde_json::Value = serde_json::from_str(&lab.ok(&["status", "--json"])).unwrap();
    assert_eq!(status["host_changes"][0]["original"], before.to_string());
    let out = lab.run(&["down"]);
    assert!(out.success(), "{out}");
    assert!(
        out.stderr
            .contains("restored net.netfilter.nf_conntrack_max"),
        "{out}"
    );
    lab.assert_host_as_before("after down");
    assert!(!lab.journal().exists());
}

#[test]
fn bad_input_gets_one_clear_line_and_a_failing_exit() {
    let lab = LabFixture::new("badinput");
    let one_error_line = |out: &Ran, needle: &str| {
        assert!(!out.success(), "expected failure: {out}");
        assert!(!out.stderr.contains("panicked"), "{out}");
        let lines: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect();
        assert_eq!(lines.len(), 1, "{out}");
        assert!(lines[0].contains(needle), "{:?} lacks {needle:?}", lines[0]);
    };
    one_error_line(
        &lab.run(&["up", "--stage", "9"]),
        "stage 9 does not exist: the course has stages 0 to 6",
    );
    assert_eq!(
        lab.labelled_objects(),
        Vec::<String>::new(),
        "a refused up changed something"
    );

    let out = lab.run(&["down"]);
    assert!(out.success(), "{out}");
    assert!(out.stderr.contains("nothing to do"), "{out}");

    lab.ok(&["up", "--stage", "2"]);
    one_error_line(
        &lab.run(&["up", "--stage", "3"]),
        "already running (stage 2)",
    );

    one_error_line(
        &lab.perflab(&["up"]).no_docker().output(),
        "cannot reach the Docker Engine",
    );
    one_error_line(
        &lab.perflab(&["status"]).no_docker().output(),
        "is the Docker daemon running?",
    );
    lab.ok(&["down"]);
    one_error_line(&lab.run(&["shell", "--", "true"]), "no lab is running");
}
