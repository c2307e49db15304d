//! The lab's images, built through the Docker API from the folders of
//! `containers/` (embedded in the binary). The tag is a hash of the folder's
//! content, so an unchanged folder is never rebuilt.
use std::collections::HashMap;
use std::time::Duration;

use bollard::query_parameters::{BuildImageOptionsBuilder, CreateImageOptionsBuilder};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::error::{deadline, EngineError, PullError};
use super::events::{EngineEvent, Step, Steps};
use super::{labels, Engine};

pub const BASE_IMAGE: &str = "debian:bookworm-slim";
/// No build output for this long means the build is stuck.
const BUILD_IDLE: Duration = Duration::from_secs(300);
const BUILD_TOTAL: Duration = Duration::from_secs(1800);

/// One image of the lab and the files of its build context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    Server,
    Toolbox,
}

macro_rules! files {
    ($dir:literal: $($f:literal),* $(,)?) => {
        &[$(($f, include_bytes!(concat!("../../containers/", $dir, "/", $f)) as &[u8])),*]
    };
}

impl Image {
    pub fn name(self) -> &'static str {
        match self {
            Image::Server => "perflab-server",
            Image::Toolbox => "perflab-toolbox",
        }
    }

    pub fn folder(self) -> &'static str {
        match self {
            Image::Server => "server",
            Image::Toolbox => "toolbox",
        }
    }

    /// The build context, embedded so that `cargo install` needs no checkout.
    /// (Templates are rendered by perflab at run time, not baked in.)
    pub fn files(self) -> &'static [(&'static str, &'static [u8])] {
        match self {
            Image::Server => {
                files!("server": "Dockerfile", "app/index.php", "start-nginx.sh", "start-phpfpm.sh", "log-sample.sh", "dmesg.sh")
            }
            Image::Toolbox => files!("toolbox": "Dockerfile"),
        }
    }

    /// `perflab-server:<first 12 hex digits of the content hash>`, or
    /// `<set>-perflab-server:...` in an image set (`PERFLAB_IMAGES`).
    fn tag_in(self, set: Option<&str>) -> String {
        let mut h = Sha256::new();
        for (path, bytes) in self.files() {
            h.update(path.as_bytes());
            h.update([0]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        let hex: String = h
            .finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        match set {
            Some(set) => format!("{set}-{}:{hex}", self.name()),
            None => format!("{}:{hex}", self.name()),
        }
    }

    fn context_tar(self) -> Result<Vec<u8>, std::io::Error> {
        let mut tar = tar::Builder::new(Vec::new());
        for (path, bytes) in self.files() {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            let mode = if path.ends_with(".sh") { 0o755 } else { 0o644 };
            header.set_mode(mode);
            header.set_mtime(0);
            header.set_cksum();
            tar.append_data(&mut header, path, *bytes)?;
        }
        tar.into_inner()
    }
}

impl Engine {
    pub async fn image_exists(&self, image: &str) -> Result<bool, EngineError> {
        match deadline("an image inspection", super::docker::CALL, async {
            self.docker
                .inspect_image(image)
                .await
                .map_err(|e| EngineError::docker("inspecting image", image, e))
        })
        .await
        {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Makes sure the base image exists: pulled if a registry answers, otherwise
    /// the user is told how to seed it from Debian's packages.
    pub async fn ensure_base_image(&self) -> Result<(), EngineError> {
        if self.image_exists(BASE_IMAGE).await? {
            return Ok(());
        }
        let steps = Steps::new(&self.events);
        let pulling = |status: Option<String>| {
            steps.show(Step::Pulling {
                image: BASE_IMAGE.to_string(),
                status,
            })
        };
        pulling(None);
        let opts = CreateImageOptionsBuilder::new()
            .from_image("debian")
            .tag("bookworm-slim")
            .build();
        let within = Duration::from_secs(120);
        let pulled = tokio::time::timeout(within, async {
            let mut stream = self.docker.create_image(Some(opts), None, None);
            while let Some(item) = stream.next().await {
                if let Some(status) = item?.status {
                    pulling(Some(status));
                }
            }
            Ok::<(), bollard::errors::Error>(())
        })
        .await;
        drop(steps);
        let why = match pulled {
            Ok(Ok(())) if self.image_exists(BASE_IMAGE).await? => return Ok(()),
            Ok(Ok(())) => PullError::Missing,
            Ok(Err(e)) => PullError::Docker(e),
            Err(_) => PullError::NoAnswer(within),
        };
        Err(EngineError::BaseImage {
            image: BASE_IMAGE,
            why,
        })
    }

    /// Builds `image` unless an image with its content tag exists; returns the tag.
    pub async fn ensure_image(&self, image: Image) -> Result<String, EngineError> {
        let set = self.images.as_deref();
        let tag = image.tag_in(set);
        if self.image_exists(&tag).await? {
            return Ok(tag);
        }
        self.ensure_base_image().await?;
        let context = image
            .context_tar()
            .map_err(|source| EngineError::BuildContext {
                image: tag.clone(),
                source,
            })?;
        // Images are shared by every lab on this engine (they are a cache).
        let mut image_labels = labels::labels(crate::config::DEFAULT_LAB_NAME, &self.run, "image");
        image_labels.remove(labels::RUN);
        let opts = BuildImageOptionsBuilder::new()
            .dockerfile("Dockerfile")
            .t(&tag)
            .rm(true)
            .forcerm(true)
            // A named set shares nothing with the default images, not even layers.
            .nocache(set.is_some())
            .labels(&image_labels)
            .build();
        let steps = Steps::new(&self.events);
        steps.show(Step::Building {
            tag: tag.clone(),
            output: None,
        });
        let build = async {
            let mut stream = self.docker.build_image(
                opts,
                None::<HashMap<String, bollard::auth::DockerCredentials>>,
                Some(bollard::body_full(context.into())),
            );
            let mut last_lines: Vec<String> = Vec::new();
            loop {
                let next = tokio::time::timeout(BUILD_IDLE, stream.next())
                    .await
                    .map_err(|_| EngineError::Build {
                        image: tag.clone(),
                        message: format!("no build output for {} s", BUILD_IDLE.as_secs()),
                    })?;
                let Some(item) = next else { break };
                let info = item.map_err(|source| EngineError::BuildStream {
                    image: tag.clone(),
                    last_output: last_lines.join(" | "),
                    source,
                })?;
                if let Some(err) = info.error_detail.and_then(|d| d.message).or(info.error) {
                    return Err(EngineError::Build {
                        image: tag.clone(),
                        message: format!("{err}; last output: {}", last_lines.join(" | ")),
                    });
                }
                if let Some(line) = info
                    .stream
                    .as_deref()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                {
                    steps.show(Step::Building {
                        tag: tag.clone(),
                        output: Some(line.to_string()),
                    });
                    last_lines.push(line.to_string());
                    if last_lines.len() > 5 {
                        last_lines.remove(0);
                    }
                }
            }
            Ok(())
        };
        deadline(&format!("the build of {tag}"), BUILD_TOTAL, build).await?;
        drop(steps);
        if !self.image_exists(&tag).await? {
            return Err(EngineError::Build {
                image: tag,
                message: "the build ended without an image".into(),
            });
        }
        self.tell(EngineEvent::Built { tag: tag.clone() });
        Ok(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of the folder is embedded (a new file must be added to `files()`).
    #[test]
    fn embedded_context_matches_the_folder() {
        for image in [Image::Server, Image::Toolbox] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("containers")
                .join(image.folder());
            let mut on_disk = Vec::new();
            let mut stack = vec![root.clone()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        if path.file_name().unwrap() != "templates" {
                            stack.push(path);
                        }
                    } else {
                        on_disk.push(
                            path.strip_prefix(&root)
                                .unwrap()
                                .to_string_lossy()
                                .to_string(),
                        );
                    }
                }
            }
            on_disk.sort();
            let mut embedded: Vec<String> =
                image.files().iter().map(|(p, _)| p.to_string()).collect();
            embedded.sort();
            assert_eq!(
                on_disk,
                embedded,
                "containers/{} and Image::files differ",
                image.folder()
            );
        }
    }

    #[test]
    fn tag_is_a_stable_content_hash() {
        let tag = Image::Server.tag_in(None);
        assert!(tag.starts_with("perflab-server:"));
        assert_eq!(tag.len(), "perflab-server:".len() + 12);
        assert_eq!(tag, Image::Server.tag_in(None));
        assert_ne!(tag, Image::Toolbox.tag_in(None));
        let other = Image::Server.tag_in(Some("t-build"));
        assert_eq!(other, format!("t-build-{tag}"));
    }
}
