use super::*;
use crate::config::{Backlog, Knobs, StagePlan};
use crate::lessons::{Change, Input};

fn faults() -> Faults {
    Faults::build(&Course::load().unwrap())
}

/// What a snapshot of a server with these knobs shows: the table full while it
/// is filled, the accept queues min(backlog, somaxconn), the knobs' sysctls.
fn facts(k: &Knobs) -> Facts {
    let phpfpm = match k.phpfpm_backlog {
        Backlog::Default => 511,
        Backlog::Value(n) => n,
    };
    let count = if k.conntrack_fill { 262_144 } else { 120 };
    let sysctl: BTreeMap<String, String> = k
        .sysctls()
        .into_iter()
        .map(|(n, v)| (n.to_string(), v))
        .collect();
    let now = serde_json::from_value(serde_json::json!({
        "conntrack": { "count": count, "max": 262_144, "drops": 0, "insert_failed": 0 },
        "tcp": { "time_wait": 0, "time_wait_ephemeral": 0, "time_wait_9000": 0,
                 "listen_overflows": 0, "listen_drops": 0, "syn_retrans": 0 },
        "listen": [ { "port": 80, "recv_q": 0, "send_q": k.nginx_backlog.min(k.somaxconn) },
                    { "port": 9000, "recv_q": 0, "send_q": phpfpm.min(k.somaxconn) } ],
        "sysctl": sysctl,
        "nginx": { "status_counts": {}, "eaddrnotavail": 0 },
        "phpfpm": { "max_children_warnings": 0 },
        "kernel": { "conntrack_full_lines": 0, "note": "", "netns": 1 }
    }))
    .expect("a snapshot");
    Facts {
        now: Some(now),
        knobs: Some(k.clone()),
        run: None,
    }
}

/// The challenge's broken server after the fixes of stages below `n`.
fn knobs_before(n: u8) -> Knobs {
    let plan = StagePlan::embedded().unwrap();
    let mut k = plan.knobs_at_start(0);
    for s in plan.stages() {
        k.apply(&s.on_start);
        if s.number < n {
            k.apply(&s.fix);
        }
    }
    k
}

#[test]
fn every_stage_with_a_fix_is_a_fault_in_the_course_s_order() {
    let f = faults();
    let numbers: Vec<u8> = f.all().iter().map(Fault::number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
}

#[test]
fn each_fault_is_solved_once_its_fix_is_in_and_not_before() {
    let f = faults();
    for fault in f.all() {
        let n = fault.number();
        assert!(
            !fault.solved_now(&facts(&knobs_before(n)), Lang::En),
            "stage {n} solved before its fix"
        );
        assert!(
            fault.solved_now(&facts(&knobs_before(n + 1)), Lang::En),
            "stage {n} not solved after its fix"
        );
    }
}

#[test]
fn the_hint_comes_from_the_first_fault_still_there_in_its_own_order() {
    let f = faults();
    let shown = BTreeMap::new();
    let start = facts(&knobs_before(1));
    let first = f.get(1).unwrap().hints().next().unwrap();
    assert_eq!(
        choose_hint(&f, &start, &shown, Lang::En),
        HintChoice::Next {
            stage: 1,
            index: 0,
            of: f.get(1).unwrap().hints().count(),
            text: first
        }
    );
    // Stages 1 and 2 fixed, the listen queues not: stage 3's hints, in order.
    let at3 = facts(&knobs_before(3));
    let mut shown = BTreeMap::from([(1, 2)]);
    for i in 0..f.get(3).unwrap().hints().count() {
        match choose_hint(&f, &at3, &shown, Lang::En) {
            HintChoice::Next { stage, index, .. } => assert_eq!((stage, index), (3, i)),
            other => panic!("{other:?}"),
        }
        *shown.entry(3).or_default() += 1;
    }
    assert_eq!(
        choose_hint(&f, &at3, &shown, Lang::En),
        HintChoice::UsedUp { stage: 3 }
    );
    let fixed = facts(&knobs_before(7));
    assert_eq!(
        choose_hint(&f, &fixed, &shown, Lang::En),
        HintChoice::NoneLeft
    );
}

#[test]
fn a_fault_fixed_out_of_order_is_passed_over() {
    let f = faults();
    let mut k = knobs_before(1);
    k.conntrack_fill = false;
    k.ip_local_port_range = "10000 65535".into();
    k.pm_max_children = 20;
    k.upstream_keepalive = 8;
    k.tcp_tw_reuse = 1;
    match choose_hint(&f, &facts(&k), &BTreeMap::new(), Lang::En) {
        HintChoice::Next { stage, .. } => assert_eq!(stage, 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_reference_fixes_read_back_as_their_own_stage() {
    let f = faults();
    for fault in f.all() {
        for line in fault.reference() {
            match f.read(&line, Lang::En) {
                Some((got, Input::Accepted { change, value })) => {
                    assert_eq!(got.number(), fault.number(), "{line}");
                    assert_eq!(value, change.reference, "{line}");
                }
                other => panic!("{line}: {other:?}"),
            }
        }
    }
    let three = f.get(3).unwrap().reference();
    assert_eq!(
        three.len(),
        3,
        "stage 3 needs all of its changes: {three:?}"
    );
    assert_eq!(
        f.get(1).unwrap().reference(),
        ["sysctl -w net.netfilter.nf_conntrack_max=1048576"]
    );
    // A host that already has the reference: twice its value, as `skip` applies.
    let live = |c: &Change| c.target_sysctl().map(|_| 1_048_576);
    assert_eq!(
        f.get(1).unwrap().reference_with(live),
        ["sysctl -w net.netfilter.nf_conntrack_max=2097152"]
    );
    assert_eq!(
        f.get(4).unwrap().reference_with(live),
        ["pm.max_children = 20"]
    );
}

#[test]
fn bare_values_and_other_commands_are_not_fixes() {
    let f = faults();
    for line in [
        "20",
        "1",
        "8",
        "10000 65535",
        "1048576",
        "ss -s",
        "sysctl net.core.somaxconn",
        "sysctl net.ipv4.tcp_tw_reuse",
        "dmesg | tail",
        "conntrack -L",
        "cat /etc/nginx/nginx.conf",
    ] {
        assert!(f.read(line, Lang::En).is_none(), "{line}");
    }
    assert!(matches!(
        f.read("conntrack -F", Lang::En),
        Some((fault, Input::Accepted { value: None, .. })) if fault.number() == 1
    ));
    match f.read("sysctl -w net.core.somaxconn=10", Lang::En) {
        Some((fault, Input::Refused { reason, .. })) => {
            assert_eq!(fault.number(), 3);
            assert!(
                reason.contains("10 is out of range: accepted 4096"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
}
