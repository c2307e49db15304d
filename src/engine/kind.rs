//! What kind of engine holds the lab: Docker Engine on this machine's own
//! kernel, the Linux VM of a desktop product (Docker Desktop, colima, OrbStack,
//! Rancher Desktop), or an engine on another machine. Told from what the engine
//! says of itself (`docker info`) and how it is reached, never from this
//! machine's /proc: the client need not be the engine's host.
use serde::Serialize;

use super::docker::{EngineFacts, CALL};
use super::error::{deadline, EngineError};
use super::Engine;

/// Where the engine runs, seen from this perflab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineKind {
    /// Docker Engine on this machine's own Linux kernel.
    Native,
    /// The Linux VM of a desktop product on this machine.
    DesktopVm { product: String },
    /// An engine on another machine.
    Remote { host: String },
}

impl EngineKind {
    /// Tells the kind from the engine's facts, the endpoint perflab reaches it
    /// through (`DOCKER_HOST`, none for the default socket) and this machine's
    /// kernel release (none where perflab does not run on Linux).
    pub fn classify(
        facts: &EngineFacts,
        endpoint: Option<&str>,
        client_kernel: Option<&str>,
    ) -> EngineKind {
        if let Some(product) = desktop_product(facts, endpoint.unwrap_or("")) {
            return EngineKind::DesktopVm {
                product: product.to_string(),
            };
        }
        if let Some(host) = endpoint.and_then(network_host) {
            return EngineKind::Remote { host };
        }
        match client_kernel {
            Some(k) if k == facts.kernel => EngineKind::Native,
            // A socket on this machine, another kernel behind it.
            Some(_) => EngineKind::Remote {
                host: facts.name.clone(),
            },
            None => EngineKind::DesktopVm {
                product: "a Linux VM".to_string(),
            },
        }
    }
}

/// The desktop product whose VM runs the engine, if any.
fn desktop_product(facts: &EngineFacts, endpoint: &str) -> Option<&'static str> {
    let os = facts.os.to_ascii_lowercase();
    let name = facts.name.to_ascii_lowercase();
    let endpoint = endpoint.to_ascii_lowercase();
    if os.contains("docker desktop") || facts.kernel.contains("linuxkit") {
        Some("Docker Desktop")
    } else if os.contains("orbstack") || name == "orbstack" || endpoint.contains(".orbstack") {
        Some("OrbStack")
    } else if name.starts_with("colima") || endpoint.contains(".colima") {
        Some("colima")
    } else if os.contains("rancher desktop")
        || name.contains("rancher-desktop")
        || endpoint.contains("rancher-desktop")
    {
        Some("Rancher Desktop")
    } else if name.starts_with("lima-") || endpoint.contains(".lima") {
        Some("lima")
    } else {
        None
    }
}

/// The host of a network endpoint (`tcp://`, `http(s)://`, `ssh://`) that is
/// not this machine; none for a socket or a pipe.
fn network_host(endpoint: &str) -> Option<String> {
    let (scheme, rest) = endpoint.split_once("://")?;
    if !matches!(scheme, "tcp" | "http" | "https" | "ssh") {
        return None;
    }
    let authority = rest.split('/').next().unwrap_or(rest);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => authority.split(':').next().unwrap_or(authority),
    };
    let local = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!local && !host.is_empty()).then(|| host.to_string())
}

/// This machine's kernel release (`uname -r`), where perflab runs on Linux.
pub fn client_kernel() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    // SAFETY: uname fills the struct we own; its fields are NUL-terminated.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return None;
        }
        let release = std::ffi::CStr::from_ptr(u.release.as_ptr());
        Some(release.to_string_lossy().into_owned())
    }
}

impl Engine {
    /// What the engine says of itself, asked once per connection.
    pub async fn facts(&self) -> Result<EngineFacts, EngineError> {
        self.facts
            .get_or_try_init(|| async {
                let info = deadline("the engine's facts", CALL, async {
                    self.docker
                        .info()
                        .await
                        .map_err(|e| EngineError::docker("reading", "the engine's facts", e))
                })
                .await?;
                Ok(EngineFacts {
                    os: info.operating_system.unwrap_or_default(),
                    name: info.name.unwrap_or_default(),
                    kernel: info.kernel_version.unwrap_or_default(),
                    arch: info.architecture.unwrap_or_default(),
                })
            })
            .await
            .cloned()
    }

    /// The kind of engine this connection reaches.
    pub async fn kind(&self) -> Result<EngineKind, EngineError> {
        let facts = self.facts().await?;
        Ok(EngineKind::classify(
            &facts,
            self.endpoint.as_deref(),
            client_kernel().as_deref(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(os: &str, name: &str, kernel: &str) -> EngineFacts {
        EngineFacts {
            os: os.into(),
            name: name.into(),
            kernel: kernel.into(),
            arch: "x86_64".into(),
        }
    }

    #[test]
    fn kinds_from_what_the_engine_says_and_how_it_is_reached() {
        let debian = facts("Debian GNU/Linux 12 (bookworm)", "vm", "6.1.0-18-amd64");
        let k = |f: &EngineFacts, endpoint: Option<&str>, client: Option<&str>| {
            EngineKind::classify(f, endpoint, client)
        };
        assert_eq!(k(&debian, None, Some("6.1.0-18-amd64")), EngineKind::Native);
        assert_eq!(
            k(
                &debian,
                Some("unix:///var/run/docker.sock"),
                Some("6.1.0-18-amd64")
            ),
            EngineKind::Native
        );
        assert_eq!(
            k(&debian, Some("tcp://10.0.0.5:2376"), Some("6.1.0-18-amd64")),
            EngineKind::Remote {
                host: "10.0.0.5".into()
            }
        );
        assert_eq!(
            k(&debian, Some("ssh://ana@lab.example:22"), None),
            EngineKind::Remote {
                host: "lab.example".into()
            }
        );
        // A socket on this machine with another kernel behind it.
        assert_eq!(
            k(&debian, None, Some("6.8.0-31-generic")),
            EngineKind::Remote { host: "vm".into() }
        );
        let desktop = |product: &str| EngineKind::DesktopVm {
            product: product.into(),
        };
        let dd = facts("Docker Desktop", "docker-desktop", "6.6.22-linuxkit");
        // perflab in its image on a Mac: a Linux client on the VM's own kernel.
        assert_eq!(
            k(&dd, None, Some("6.6.22-linuxkit")),
            desktop("Docker Desktop")
        );
        assert_eq!(
            k(&dd, Some("tcp://127.0.0.1:2375"), None),
            desktop("Docker Desktop")
        );
        let colima = facts("Ubuntu 24.04 LTS", "colima", "6.8.0-39-generic");
        assert_eq!(
            k(
                &colima,
                Some("unix:///Users/ana/.colima/default/docker.sock"),
                None
            ),
            desktop("colima")
        );
        let orb = facts("OrbStack", "orbstack", "6.9.8-orbstack");
        assert_eq!(k(&orb, None, None), desktop("OrbStack"));
        let rancher = facts(
            "Rancher Desktop WSL Distribution",
            "lima-rancher-desktop",
            "5.15",
        );
        assert_eq!(k(&rancher, None, None), desktop("Rancher Desktop"));
        // A socket on a Mac, nothing that names the product.
        assert_eq!(k(&debian, None, None), desktop("a Linux VM"));
    }

    #[test]
    fn only_network_endpoints_to_other_machines_are_remote() {
        assert_eq!(network_host("tcp://10.1.2.3:2376"), Some("10.1.2.3".into()));
        assert_eq!(
            network_host("https://[2001:db8::1]:2376"),
            Some("2001:db8::1".into())
        );
        assert_eq!(network_host("tcp://127.0.0.1:2375"), None);
        assert_eq!(network_host("tcp://localhost:2375"), None);
        assert_eq!(network_host("unix:///var/run/docker.sock"), None);
        assert_eq!(network_host("npipe:////./pipe/docker_engine"), None);
    }

    #[test]
    fn this_machine_has_a_kernel_release() {
        let k = client_kernel().expect("the tests run on Linux");
        assert!(k.chars().next().is_some_and(|c| c.is_ascii_digit()), "{k}");
    }
}
