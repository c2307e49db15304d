//! Two labs on one engine (issue 18): both raise the host-wide
//! nf_conntrack_max, the second above the first (scenario.md measured the bug:
//! the host was left at the first lab's value). Torn down in either order, the
//! value stays while a lab that raised it is there, and the last `down` puts
//! back the value the host began with, once. The processes that raised it are
//! gone before the teardown (a crash): only the records on disk and on the
//! engine remain.
use crate::harness::{docker, host_sysctl, host_values, LabFixture};

const KEY: &str = "net.netfilter.nf_conntrack_max";

fn conntrack_max() -> u64 {
    host_sysctl(KEY)
}

/// Raises the limit as a lab's course fix does, in a connection that ends with it.
fn raise(lab: &LabFixture, value: u64) {
    let settings = lab.settings();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let engine = perflab::engine::Engine::connect(&settings).await.unwrap();
        engine.raise_host_sysctl(KEY, value).await.unwrap();
    });
}

/// Whether the engine has a ledger of host values.
fn ledger_exists() -> bool {
    docker(&["volume", "ls", "-q"])
        .lines()
        .any(|v| v == perflab::engine::LEDGER_VOLUME)
}

#[test]
fn two_labs_raise_one_host_value_and_either_order_puts_the_original_back() {
    let a = LabFixture::new("two-a");
    let b = a.another("two-b");
    let host_before = host_values();
    let original = conntrack_max();
    for (first, second) in [(&a, &b), (&b, &a)] {
        let order = format!("{} then {}", first.name, second.name);
        a.ok(&["up", "--stage", "2"]);
        b.ok(&["up", "--stage", "2"]);
        raise(&a, original + 4096);
        raise(&b, original + 8192);
        assert_eq!(conntrack_max(), original + 8192);
        assert!(ledger_exists(), "{order}: no ledger on the engine");

        let out = first.run(&["down"]);
        assert!(out.success(), "{order}: {out}");
        let said = out.stderr.as_str();
        assert!(
            said.contains(&format!("{KEY} stays at {}", original + 8192))
                && said.contains(&format!("puts {original} back")),
            "{order}: {out}"
        );
        assert_eq!(
            conntrack_max(),
            original + 8192,
            "{order}: the first lab's down kept the value the other lab raised"
        );
        assert!(!first.journal().exists(), "{order}");

        let out = second.run(&["down"]);
        assert!(out.success(), "{order}: {out}");
        assert!(
            out.stderr.as_str().contains(&format!(
                "restored {KEY}: {} -> {original}",
                original + 8192
            )),
            "{order}: {out}"
        );
        assert_eq!(conntrack_max(), original, "{order}");
        assert_eq!(host_values(), host_before, "{order}");
        assert!(!second.journal().exists(), "{order}");
        assert!(
            !ledger_exists(),
            "{order}: the ledger outlived the last lab"
        );
        assert!(a.labelled_objects().is_empty() && b.labelled_objects().is_empty());
    }
}
