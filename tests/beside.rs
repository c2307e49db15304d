//! The load beside the lab (issue 18): a short-lived, labelled container on the
//! lab's network runs perflab's own generator. Ctrl-C reaches the generator in
//! it (the partial result comes back) and the container is gone when perflab
//! ends; inside, the target guard allows only the container's own networks.
use std::time::Duration;

use crate::harness::{wait_until, LabFixture};

#[test]
fn ctrl_c_stops_the_load_beside_the_lab_and_removes_its_container() {
    let lab = LabFixture::new("beside-stop");
    lab.ok(&["up", "--stage", "6"]);
    let since = lab.responses_logged().unwrap_or(0);
    let child = lab.spawn(&["load", "-d", "60s", "--json"]);
    wait_until(
        "the load container",
        || !lab.load_containers().is_empty(),
        Duration::from_secs(60),
    );
    // It carries the lab's labels, and its run's.
    let seen = lab.load_containers().join("\n");
    assert!(seen.contains("io.perflab.run="), "{seen}");
    // The generator in it is under way: the server has answered hundreds of its
    // requests (more than the start's own few, logged up to a second late).
    wait_until(
        "the server to answer the load",
        || lab.responses_logged().is_some_and(|n| n > since + 500),
        Duration::from_secs(30),
    );
    child.signal(libc::SIGINT);
    let out = child.wait();
    assert_eq!(out.code, Some(130), "{out}");
    let report = out.json();
    assert_eq!(report["interrupted"], true, "{report:#}");
    assert!(report["requests"].as_u64() > Some(0), "{report:#}");
    assert!(report["duration_s"].as_f64() < Some(30.0), "{report:#}");
    assert_eq!(lab.load_containers(), Vec::<String>::new());
}

/// The generator's side of a run beside the lab takes its allowed networks from
/// its own interfaces: in a namespace with none, any address but loopback is refused.
#[test]
fn beside_the_lab_the_guard_allows_only_the_container_s_own_networks() {
    let out = crate::harness::perflab(&[
        "load",
        "--beside-lab",
        "--url",
        "http://172.17.0.1/",
        "-d",
        "1s",
    ])
    .without_route()
    .output();
    let err = out.stderr.as_str();
    assert!(
        !out.success() && err.contains("refusing to load 172.17.0.1"),
        "{out}"
    );
    assert!(out.stdout.is_empty(), "{out}");
}
