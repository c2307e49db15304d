//! perflab from a client that cannot route to the lab's network (issue 18), as
//! on Docker Desktop, colima, OrbStack, a remote engine or in perflab's own
//! image: every command runs in a network namespace of its own (`unshare
//! --net`: only a loopback, and it is down), still reaching the engine over its
//! unix socket. The lab comes up, the load runs beside it (the doctor says so),
//! the probe and the flame graph work, the unattended course passes its first
//! stages with the verdicts it gives from the host with the load run there, and
//! nothing is left behind.
use crate::harness::LabFixture;

/// Runs perflab in the namespace with no route, which must succeed; its stdout.
#[track_caller]
fn ok(lab: &LabFixture, args: &[&str]) -> String {
    lab.perflab(args).without_route().ok()
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn every_command_works_from_a_client_with_no_route_to_the_lab() {
    let lab = LabFixture::new("noroute");
    ok(&lab, &["up", "--stage", "5"]);

    // Really no route: the load from this process is refused at once, with why.
    let out = lab
        .perflab(&["load", "-d", "1s"])
        .env("PERFLAB_LOAD_FROM", "host")
        .without_route()
        .output();
    let err = out.stderr.as_str();
    assert!(
        !out.success() && err.contains("no route to the lab's network"),
        "{out}"
    );

    // Must-show 5: the doctor says where the load runs, and why.
    let doctor = lab.perflab(&["doctor"]).without_route().output();
    let said = doctor.stdout.as_str();
    assert!(
        said.contains("load path")
            && said.contains("beside the lab")
            && said.contains("this machine has no route to the lab's network"),
        "{doctor}"
    );
    assert!(
        said.contains("engine kind") && said.contains("native"),
        "{said}"
    );
    assert!(doctor.success(), "{doctor}");

    let report = json(&ok(&lab, &["load", "-d", "3s", "--json"]));
    let ok_2xx: u64 = report["status_counts"]["200"].as_u64().unwrap_or(0);
    assert!(
        report["goodput_rps"].as_f64().unwrap() > 0.0 && ok_2xx > 0,
        "{report:#}"
    );
    // The server saw the run the generator reports (its counters moved with it).
    assert!(
        report["deltas"]["nginx"]["status_counts"]["200"].as_u64() >= Some(ok_2xx),
        "{report:#}"
    );
    assert_eq!(
        lab.load_containers(),
        Vec::<String>::new(),
        "the load container stayed"
    );

    let probe = json(&ok(&lab, &["probe", "--json"]));
    assert!(probe["conntrack"]["max"].as_u64() > Some(0), "{probe:#}");

    let flame = json(&ok(&lab, &["flame", "--seconds", "2", "--json"]));
    assert!(
        flame["server_samples"].as_u64() > Some(0) && flame["goodput_rps"].as_f64() > Some(0.0),
        "{flame:#}"
    );
}

/// A stage's verdicts in `run --auto --json`: the check, the symptom before and
/// after the fix, and whether the headline figure moved as the lesson says
/// (not the wrong way; "inconclusive" is noise, which either side may meet).
fn verdicts(report: &serde_json::Value) -> Vec<(u64, bool, bool, bool, bool)> {
    report["stages"]
        .as_array()
        .expect("the stages")
        .iter()
        .map(|s| {
            (
                s["stage"].as_u64().unwrap(),
                s["check"]["passed"] == true,
                s["symptom"]["grew"] == true,
                s["symptom"]["flat_after"] == true,
                s["verdict"]["outcome"] != "opposite",
            )
        })
        .collect()
}

#[test]
fn the_unattended_course_gives_the_host_s_verdicts_without_a_route() {
    let lab = LabFixture::new("noroute-auto");
    let args = ["run", "--auto", "--from", "1", "--to", "2", "--json"];
    // From the host as before this issue: the load from perflab's own process.
    let from_host = lab.perflab(&args).env("PERFLAB_LOAD_FROM", "host").output();
    let without_route = lab.perflab(&args).without_route().output();
    for (out, said) in [
        (&from_host, "from the host"),
        (&without_route, "without a route"),
    ] {
        assert!(out.success(), "{said}: {out}");
    }
    let (host, here) = (from_host.json(), without_route.json());
    assert_eq!(verdicts(&here), verdicts(&host), "{here:#}\n{host:#}");
    assert_eq!(verdicts(&here).len(), 2);
    assert_eq!(here["passed"], true);
}
