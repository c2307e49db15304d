//! The server's config files and knobs, kept in the lab's `etc` volume so both
//! containers (and the lab prompt) see them, and fixes applied to a running lab.
use std::time::Duration;

use super::docker::CALL;
use super::error::{deadline, EngineError};
use super::server::{Server, Side};
use super::Engine;
use crate::config::{render_nginx, render_phpfpm, Knobs, KnobsPatch, StagePlan};

const KNOBS_FILE: &str = "/etc/perflab/knobs.json";

impl Engine {
    /// Renders and uploads nginx.conf, php-fpm.conf, its pool www.conf and
    /// knobs.json into /etc/perflab, where the standard paths (/etc/nginx/nginx.conf,
    /// /etc/php/8.2/fpm/php-fpm.conf, .../pool.d/www.conf) link; `ready` comes last
    /// in the archive, so the start scripts never see half a config.
    pub(crate) async fn write_configs(&self, knobs: &Knobs) -> Result<(), EngineError> {
        let nginx = render_nginx(knobs);
        let phpfpm = render_phpfpm(knobs);
        let json = serde_json::to_vec_pretty(knobs).expect("knobs serialize");
        let files: [(&str, &[u8]); 5] = [
            ("nginx.conf", nginx.as_bytes()),
            ("php-fpm.conf", phpfpm.global.as_bytes()),
            ("www.conf", phpfpm.pool.as_bytes()),
            ("knobs.json", &json),
            ("ready", b"1\n"),
        ];
        self.upload(&self.names.nginx(), "/etc/perflab", &files)
            .await
    }
}

impl Server {
    /// The knobs the running server was configured with.
    pub async fn knobs(&self) -> Result<Knobs, EngineError> {
        let out = self
            .exec(Side::Nginx, &["cat", KNOBS_FILE], CALL)
            .await?
            .ok("reading the server's knobs")?;
        serde_json::from_str(&out.stdout).map_err(|source| EngineError::KnobsFile {
            file: KNOBS_FILE,
            source,
        })
    }

    /// Applies stage `stage`'s reference fix (the course's "skip" and `run --auto`).
    pub async fn apply_fix(&self, plan: &StagePlan, stage: u8) -> Result<Knobs, EngineError> {
        let s = plan.check_stage(stage)?;
        self.apply(&s.fix).await
    }

    /// Changes the running server: sysctls with `sysctl -w` (they act at once,
    /// except somaxconn, which acts at the next listen()), nginx by reload, php-fpm
    /// by a restart of its container, the conntrack fill by a flush of the table.
    pub async fn apply(&self, patch: &KnobsPatch) -> Result<Knobs, EngineError> {
        let before = self.knobs().await?;
        let mut after = before.clone();
        after.apply(patch);
        after.validate()?;
        for ((key, old), (_, new)) in before.sysctls().into_iter().zip(after.sysctls()) {
            if old != new {
                self.exec(
                    Side::Nginx,
                    &["sysctl", "-w", &format!("{key}={new}")],
                    CALL,
                )
                .await?
                .ok(&format!("sysctl -w {key}={new}"))?;
            }
        }
        if before.conntrack_fill && !after.conntrack_fill {
            self.exec(Side::Nginx, &["conntrack", "-F"], Duration::from_secs(60))
                .await?
                .ok("flushing the server's conntrack table")?;
        }
        self.lab().write_configs(&after).await?;
        let nginx_changed = render_nginx(&before) != render_nginx(&after);
        if nginx_changed {
            self.reload_nginx().await?;
        }
        if render_phpfpm(&before) != render_phpfpm(&after) {
            self.lab().restart_phpfpm().await?;
        }
        Ok(after)
    }

    /// `nginx -s reload` (from /etc/nginx/nginx.conf, its default path): new
    /// workers with the new config; the listen socket is
    /// opened again only if its `backlog=` changed.
    pub async fn reload_nginx(&self) -> Result<(), EngineError> {
        self.exec(Side::Nginx, &["nginx", "-s", "reload"], CALL)
            .await?
            .ok("reloading nginx")
            .map(|_| ())
    }
}

impl Engine {
    /// Restarts php-fpm so that it listens again (somaxconn acts at listen()).
    pub async fn restart_phpfpm(&self) -> Result<(), EngineError> {
        let name = self.names.phpfpm();
        deadline("restarting php-fpm", CALL, async {
            self.docker
                .restart_container(
                    &name,
                    Some(
                        bollard::query_parameters::RestartContainerOptionsBuilder::new()
                            .t(5)
                            .build(),
                    ),
                )
                .await
                .map_err(|e| EngineError::docker("restarting", &name, e))
        })
        .await?;
        // php-fpm is back when its port listens again.
        let server = self.server().await?;
        for _ in 0..100 {
            let out = server
                .exec(Side::Nginx, &["ss", "-Hltn", "sport = :9000"], CALL)
                .await?;
            if out.stdout.contains("9000") {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(EngineError::NotListening { container: name })
    }
}
