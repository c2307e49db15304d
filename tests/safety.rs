//! Faults the learner's machine may see: a corrupt journal, a full disk for the
//! state directory, a hung Docker daemon. Each ends with nothing labelled left
//! and every host value as it was.
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{host_sysctl, signal, LabFixture, Ran};

#[test]
fn a_corrupt_or_foreign_journal_is_reported_and_never_applied() {
    let lab = LabFixture::new("corrupt-journal");
    let journal = lab.file("host-journal.json");
    for (content, needle) in [
        ("{ this is not json", "is corrupt"),
        (
            r#"{"format":1,"entries":[{"key":"kernel.panic","original":"0","applied":"1"}]}"#,
            "which perflab never changes",
        ),
        (
            r#"{"format":1,"entries":[{"key":"net.netfilter.nf_conntrack_max","original":"1; reboot","applied":"2"}]}"#,
            "is not a number",
        ),
    ] {
        std::fs::write(&journal, content).unwrap();
        for args in [&["down"][..], &["status"][..]] {
            let out = lab.run(args);
            assert!(!out.success(), "perflab {}: {out}", args.join(" "));
            assert!(
                out.stderr.contains(needle) && out.stderr.contains("it was not applied"),
                "{out}"
            );
        }
        assert_eq!(
            std::fs::read_to_string(&journal).unwrap(),
            content,
            "the journal was touched"
        );
        lab.assert_host_as_before("with a bad journal");
    }
    std::fs::remove_file(&journal).unwrap();
}

#[test]
fn a_full_state_disk_refuses_the_host_change_before_making_it() {
    let lab = LabFixture::new("full-disk");
    let mnt = std::env::temp_dir().join("perflab-full-disk");
    let _ = Command::new("umount").arg(&mnt).output();
    std::fs::create_dir_all(&mnt).unwrap();
    let mount = Ran::from(
        Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs"])
            .arg(&mnt)
            .output()
            .unwrap(),
    );
    assert!(
        mount.success(),
        "mounting a tiny tmpfs (the tests run as root): {mount}"
    );
    // Fill it: the journal cannot be written.
    let _ = std::fs::write(mnt.join("filler"), vec![0u8; 64 * 1024]);
    let settings = perflab::config::Settings::for_lab(&lab.name, &mnt).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let before = host_sysctl("net.netfilter.nf_conntrack_max");
    let err = rt
        .block_on(async {
            let engine = perflab::engine::Engine::connect(&settings).await.unwrap();
            engine
                .raise_host_sysctl("net.netfilter.nf_conntrack_max", before + 1024)
                .await
        })
        .unwrap_err()
        .to_string();
    let unmount = Command::new("umount").arg(&mnt).output().unwrap();
    assert!(
        err.contains("writing the host journal") && err.contains("nothing was changed on the host"),
        "{err}"
    );
    assert!(unmount.status.success());
    lab.assert_host_as_before("although the journal could not be written");
}

#[test]
fn a_hung_docker_daemon_gives_a_clear_message_not_a_hang() {
    let lab = LabFixture::new("hung-daemon");
    let pid = String::from_utf8(
        Command::new("pidof")
            .arg("dockerd")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let pid: u32 = pid
        .split_whitespace()
        .next()
        .expect("dockerd runs")
        .parse()
        .unwrap();
    // The daemon is continued below whatever the assertions say.
    signal(pid, libc::SIGSTOP);
    let start = Instant::now();
    let out = lab.run(&["status"]);
    let took = start.elapsed();
    signal(pid, libc::SIGCONT);
    assert!(!out.success(), "{out}");
    assert!(took < Duration::from_secs(30), "status hung for {took:?}");
    let err = &out.stderr;
    assert!(
        err.contains("did not answer") || err.contains("cannot reach the Docker Engine"),
        "{out}"
    );
    assert!(!err.contains("panicked"));
    // And once it answers again, everything works.
    let out = lab.run(&["status", "--json"]);
    assert!(out.success(), "{out}");
}
