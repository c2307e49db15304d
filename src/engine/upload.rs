//! Files written into the server: a tar archive uploaded through the Docker API
//! (no shell, no quoting), extracted in one go.
use bollard::query_parameters::UploadToContainerOptionsBuilder;

use super::docker::CALL;
use super::error::{deadline, EngineError};
use super::server::Server;
use super::Engine;

/// An archive of `files` (path inside the archive, content), in that order,
/// each readable by all and stamped with the current time.
fn tar_of(files: &[(&str, &[u8])]) -> Result<Vec<u8>, std::io::Error> {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        );
        header.set_cksum();
        tar.append_data(&mut header, path, *bytes)?;
    }
    tar.into_inner()
}

impl Engine {
    /// Writes `files` under `dir` (which must exist) of `container`, in order.
    pub(crate) async fn upload(
        &self,
        container: &str,
        dir: &str,
        files: &[(&str, &[u8])],
    ) -> Result<(), EngineError> {
        let tar = tar_of(files).map_err(EngineError::Pack)?;
        let opts = UploadToContainerOptionsBuilder::new().path(dir).build();
        deadline("uploading files to the server", CALL, async {
            self.docker
                .upload_to_container(container, Some(opts), bollard::body_full(tar.into()))
                .await
                .map_err(|e| EngineError::docker("uploading files to", container, e))
        })
        .await
    }
}

impl Server {
    /// Writes one file into the server's log volume, `/var/log/perflab/NAME`
    /// (both containers see it): the host's kernel log as perflab copied it, the
    /// report of the last `perf record`.
    pub async fn put_log_file(&self, name: &str, bytes: &[u8]) -> Result<(), EngineError> {
        let container = self.lab().names.nginx();
        self.lab()
            .upload(&container, LOG_DIR, &[(name, bytes)])
            .await
    }
}

/// perflab's own files in the server's log volume.
pub const LOG_DIR: &str = "/var/log/perflab";
