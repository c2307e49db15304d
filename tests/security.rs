//! Every container perflab creates, inspected against design.md's privileges:
//! never privileged, only the capabilities each needs, only our own volumes.
use std::time::Duration;

use crate::harness::{docker, LabFixture};
use serde_json::Value;

fn inspect(name: &str) -> Value {
    let v: Value = serde_json::from_str(&docker(&["inspect", name])).unwrap();
    v[0].clone()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn server_containers_have_only_what_design_md_lists() {
    let lab = LabFixture::new("security");
    lab.ok(&["up", "--stage", "2"]);
    let nginx = inspect(&lab.container("nginx"));
    let phpfpm = inspect(&lab.container("phpfpm"));
    for c in [&nginx, &phpfpm] {
        let hc = &c["HostConfig"];
        assert_eq!(hc["Privileged"], false);
        assert_eq!(hc["PidMode"], "");
        assert_eq!(hc["IpcMode"], "private");
        assert!(strings(&hc["Devices"]).is_empty());
        // Only the lab's two named volumes, nothing from the host's filesystem.
        let mounts = c["Mounts"].as_array().unwrap();
        assert_eq!(mounts.len(), 2);
        for m in mounts {
            assert_eq!(m["Type"], "volume", "{m}");
            assert!(m["Name"].as_str().unwrap().starts_with(&lab.name), "{m}");
        }
        assert_eq!(c["Config"]["Labels"]["io.perflab.lab"], lab.name.as_str());
    }
    // nginx owns the namespace: NET_ADMIN and a writable /proc/sys for its own sysctls.
    assert_eq!(strings(&nginx["HostConfig"]["CapAdd"]), ["NET_ADMIN"]);
    assert!(strings(&nginx["HostConfig"]["MaskedPaths"]).is_empty());
    assert!(strings(&nginx["HostConfig"]["ReadonlyPaths"]).is_empty());
    assert_eq!(
        nginx["HostConfig"]["NetworkMode"],
        format!("{}-net", lab.name)
    );
    // php-fpm joins it with Docker's default capabilities and masked paths.
    assert!(strings(&phpfpm["HostConfig"]["CapAdd"]).is_empty());
    assert!(!strings(&phpfpm["HostConfig"]["MaskedPaths"]).is_empty());
    assert_eq!(
        phpfpm["HostConfig"]["NetworkMode"],
        format!("container:{}", nginx["Id"].as_str().unwrap())
    );
}

#[test]
fn host_helpers_drop_everything_but_what_their_operation_needs() {
    let lab = LabFixture::new("security-helper");
    let settings = lab.settings();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (mode, caps, net, pid) in [
        (
            perflab::engine::ToolboxMode::HostNet,
            vec!["NET_ADMIN"],
            "host",
            "",
        ),
        (
            perflab::engine::ToolboxMode::HostPid,
            vec!["SYS_ADMIN", "SYSLOG"],
            "none",
            "host",
        ),
    ] {
        let seen = rt.block_on(async {
            let engine = perflab::engine::Engine::connect(&settings).await.unwrap();
            let run = {
                let engine = engine.clone();
                tokio::spawn(async move {
                    engine
                        .toolbox(mode, &["sleep", "3"], Duration::from_secs(30))
                        .await
                })
            };
            // Inspect the helper while its command runs.
            let prefix = format!("{}-toolbox-", lab.name);
            let mut seen = None;
            for _ in 0..100 {
                let names = docker(&[
                    "ps",
                    "--filter",
                    &format!("name={prefix}"),
                    "--format",
                    "{{.Names}}",
                ]);
                if let Some(name) = names.lines().next() {
                    seen = Some(inspect(name));
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            run.await.unwrap().unwrap();
            seen.expect("the helper container was never seen running")
        });
        let hc = &seen["HostConfig"];
        assert_eq!(hc["Privileged"], false);
        assert_eq!(strings(&hc["CapDrop"]), ["ALL"]);
        assert_eq!(strings(&hc["CapAdd"]), caps);
        assert_eq!(hc["NetworkMode"], net);
        assert_eq!(hc["PidMode"], pid);
        assert!(
            seen["Mounts"].as_array().unwrap().is_empty(),
            "a helper mounts nothing"
        );
        assert!(
            lab.labelled_objects().is_empty(),
            "the helper was removed after its command"
        );
    }
}
