//! perflab's own program as this process runs it, packed to run in a container
//! beside the lab: the binary (/proc/self/exe) and, when it is dynamically
//! linked, the loader and the libraries this process has loaded, so that it runs
//! in whatever image is at hand, whatever that image's libc (no registry, no
//! rebuild). Only a Linux perflab can do this; elsewhere perflab runs from its
//! own image (the top-level Dockerfile), where it is a Linux binary again.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

/// The program's name inside the bundle.
const PROGRAM: &str = "perflab";

/// A file of the bundle: its name in the bundle's directory and where it is here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    pub name: String,
    pub path: PathBuf,
    pub mode: u32,
}

/// This process's program, ready to be copied into a container.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// A content hash of the files: the directory the bundle lives in, so a
    /// bundle already copied is never copied again.
    pub id: String,
    pub files: Vec<BundleFile>,
    /// The loader's name in the bundle, when the program is dynamically linked.
    loader: Option<String>,
    /// The machine the program is built for (`x86_64`, `aarch64`), as Docker names it.
    pub arch: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("this perflab is not a Linux program, so it cannot run beside the lab; run perflab from its container image instead (`docker build -t perflab .`, see the README)")]
    NotLinux,
    #[error("reading {path} to copy it beside the lab: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Bundle {
    /// `program` (this process's binary, /proc/self/exe, when perflab runs as
    /// itself) with the loader and libraries this process has loaded, which are
    /// that binary's own; reads and hashes every file (blocking: a release
    /// binary is about 100 MB).
    pub fn of(program: &Path) -> Result<Bundle, BundleError> {
        let (interp, loaded) = loaded_objects()?;
        let mut files = vec![BundleFile {
            name: PROGRAM.to_string(),
            path: program.to_path_buf(),
            mode: 0o755,
        }];
        for path in loaded {
            let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            if files.iter().all(|f| f.name != name) {
                files.push(BundleFile {
                    name,
                    path,
                    mode: 0o755,
                });
            }
        }
        let loader = interp.and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
        let mut hash = Sha256::new();
        for f in &files {
            let bytes = std::fs::read(&f.path).map_err(|source| BundleError::Read {
                path: f.path.clone(),
                source,
            })?;
            hash.update(f.name.as_bytes());
            hash.update([0]);
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(&bytes);
        }
        let id = hash
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Bundle {
            id,
            files,
            loader,
            arch: std::env::consts::ARCH,
        })
    }

    /// [`Bundle::of`] `program`, read once per process (off the async threads).
    pub async fn read(program: &Path) -> Result<Arc<Bundle>, BundleError> {
        static READ: tokio::sync::Mutex<Vec<(PathBuf, Arc<Bundle>)>> =
            tokio::sync::Mutex::const_new(Vec::new());
        let mut read = READ.lock().await;
        if let Some((_, b)) = read.iter().find(|(p, _)| p == program) {
            return Ok(b.clone());
        }
        let path = program.to_path_buf();
        let bundle = tokio::task::spawn_blocking(move || Bundle::of(&path))
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
        let bundle = Arc::new(bundle);
        read.push((program.to_path_buf(), bundle.clone()));
        Ok(bundle)
    }

    /// The command line that runs the program with `args` from the bundle's
    /// directory `dir`: through its own loader and libraries when it has them.
    pub fn argv(&self, dir: &str, args: &[String]) -> Vec<String> {
        let mut argv = match &self.loader {
            Some(loader) => vec![
                format!("{dir}/{loader}"),
                "--library-path".to_string(),
                dir.to_string(),
                format!("{dir}/{PROGRAM}"),
            ],
            None => vec![format!("{dir}/{PROGRAM}")],
        };
        argv.extend(args.iter().cloned());
        argv
    }
}

/// Writes the bundle as a tar archive to `out`: the directory `id/`, its files,
/// and last an empty file `ready`, so that a copy cut short is never used.
pub fn write_tar(
    id: &str,
    files: &[BundleFile],
    ready: &str,
    out: impl std::io::Write,
) -> std::io::Result<()> {
    let mut tar = tar::Builder::new(out);
    let mut dir = tar::Header::new_gnu();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_mode(0o755);
    dir.set_size(0);
    dir.set_cksum();
    tar.append_data(&mut dir, format!("{id}/"), std::io::empty())?;
    for f in files {
        let mut file = std::fs::File::open(&f.path)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(file.metadata()?.len());
        header.set_mode(f.mode);
        header.set_cksum();
        tar.append_data(&mut header, format!("{id}/{}", f.name), &mut file)?;
    }
    let mut done = tar::Header::new_gnu();
    done.set_size(0);
    done.set_mode(0o644);
    done.set_cksum();
    tar.append_data(&mut done, format!("{id}/{ready}"), std::io::empty())?;
    tar.into_inner()?.flush()
}

/// The loader this program asked for (its PT_INTERP) and the files of every
/// object loaded into this process, by the names the loader found them under
/// (a library's soname, not the file a symlink leads to).
#[cfg(target_os = "linux")]
fn loaded_objects() -> Result<(Option<PathBuf>, Vec<PathBuf>), BundleError> {
    use std::ffi::{c_int, c_void, CStr};
    use std::os::unix::ffi::OsStrExt;

    #[derive(Default)]
    struct Found {
        interp: Option<PathBuf>,
        objects: Vec<PathBuf>,
        first: bool,
    }

    unsafe extern "C" fn each(
        info: *mut libc::dl_phdr_info,
        _size: usize,
        data: *mut c_void,
    ) -> c_int {
        // SAFETY: the loader hands a valid info for the call's length, and `data`
        // is the `Found` passed below, used by this thread only.
        let (info, found) = unsafe { (&*info, &mut *(data as *mut Found)) };
        let name = if info.dlpi_name.is_null() {
            &[][..]
        } else {
            // SAFETY: a NUL-terminated name owned by the loader.
            unsafe { CStr::from_ptr(info.dlpi_name) }.to_bytes()
        };
        if !found.first {
            // The first object is the program itself: its PT_INTERP names the loader.
            found.first = true;
            for i in 0..usize::from(info.dlpi_phnum) {
                // SAFETY: dlpi_phnum headers follow dlpi_phdr.
                let ph = unsafe { &*info.dlpi_phdr.add(i) };
                if ph.p_type == libc::PT_INTERP {
                    let at = (info.dlpi_addr as usize + ph.p_vaddr as usize) as *const libc::c_char;
                    // SAFETY: PT_INTERP is a NUL-terminated path mapped with the program.
                    let interp = unsafe { CStr::from_ptr(at) };
                    found.interp = Some(PathBuf::from(std::ffi::OsStr::from_bytes(
                        interp.to_bytes(),
                    )));
                }
            }
        } else if name.starts_with(b"/") {
            // Absolute names are files; the vDSO ("linux-vdso.so.1") is not.
            found
                .objects
                .push(PathBuf::from(std::ffi::OsStr::from_bytes(name)));
        }
        0
    }

    let mut found = Found::default();
    // SAFETY: `each` only reads what the loader gives it and writes `found`.
    unsafe { libc::dl_iterate_phdr(Some(each), &mut found as *mut Found as *mut c_void) };
    Ok((found.interp, found.objects))
}

#[cfg(not(target_os = "linux"))]
fn loaded_objects() -> Result<(Option<PathBuf>, Vec<PathBuf>), BundleError> {
    Err(BundleError::NotLinux)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test binary is linked like perflab: its bundle has the program, the
    /// loader it names, and libc under its soname.
    #[test]
    fn this_process_bundles_its_loader_and_libraries() {
        let b = Bundle::of(Path::new("/proc/self/exe")).unwrap();
        let names: Vec<&str> = b.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names[0], "perflab");
        assert!(names.contains(&"libc.so.6"), "{names:?}");
        let loader = b.loader.clone().expect("a dynamically linked test binary");
        assert!(names.contains(&loader.as_str()), "{loader} in {names:?}");
        assert_eq!(b.id.len(), 16);
        let argv = b.argv("/opt/x", &["load".into()]);
        assert_eq!(
            argv,
            [
                format!("/opt/x/{loader}"),
                "--library-path".into(),
                "/opt/x".into(),
                "/opt/x/perflab".into(),
                "load".into()
            ]
        );
        // The same files give the same id.
        assert_eq!(Bundle::of(Path::new("/proc/self/exe")).unwrap().id, b.id);
    }
}
