//! The lessons embedded in the binary, so that `cargo install` needs no checkout.
//! A test below fails when a file in `lessons/` is missing from this list.
use super::source::Files;

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../lessons/", $path)))),*]
    };
}

/// Every lesson file: its path under `lessons/` and its text.
pub static FILES: &[(&str, &str)] = embed![
    "0-baseline/stage.toml",
    "0-baseline/brief.en.md",
    "0-baseline/brief.zh.md",
    "0-baseline/debrief.en.md",
    "0-baseline/debrief.zh.md",
    "1-conntrack/stage.toml",
    "1-conntrack/brief.en.md",
    "1-conntrack/brief.zh.md",
    "1-conntrack/debrief.en.md",
    "1-conntrack/debrief.zh.md",
    "2-ports/stage.toml",
    "2-ports/brief.en.md",
    "2-ports/brief.zh.md",
    "2-ports/debrief.en.md",
    "2-ports/debrief.zh.md",
    "3-listen-queues/stage.toml",
    "3-listen-queues/brief.en.md",
    "3-listen-queues/brief.zh.md",
    "3-listen-queues/debrief.en.md",
    "3-listen-queues/debrief.zh.md",
    "4-workers/stage.toml",
    "4-workers/brief.en.md",
    "4-workers/brief.zh.md",
    "4-workers/debrief.en.md",
    "4-workers/debrief.zh.md",
    "5-flame-graph/stage.toml",
    "5-flame-graph/brief.en.md",
    "5-flame-graph/brief.zh.md",
    "5-flame-graph/debrief.en.md",
    "5-flame-graph/debrief.zh.md",
    "6-beyond/stage.toml",
    "6-beyond/brief.en.md",
    "6-beyond/brief.zh.md",
    "6-beyond/debrief.en.md",
    "6-beyond/debrief.zh.md",
];

pub fn files() -> Files {
    FILES
        .iter()
        .map(|(p, t)| (p.to_string(), Ok(t.to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_the_lessons_folder_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
        let mut on_disk = Vec::new();
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap();
            let name = dir.file_name().to_string_lossy().into_owned();
            if !dir.file_type().unwrap().is_dir() {
                on_disk.push(name);
                continue;
            }
            for f in std::fs::read_dir(dir.path()).unwrap() {
                on_disk.push(format!(
                    "{name}/{}",
                    f.unwrap().file_name().to_string_lossy()
                ));
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(
            on_disk, embedded,
            "lessons/ and the embedded list differ: update FILES in src/lessons/embedded.rs"
        );
    }

    #[test]
    fn embedded_text_is_the_file_on_disk() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
        for (path, text) in FILES {
            assert_eq!(
                std::fs::read_to_string(root.join(path)).unwrap(),
                *text,
                "{path}"
            );
        }
    }
}
