//! The interactive flame graph (inferno's SVG: hover for counts, click to zoom,
//! Ctrl-F to search), written to the state directory under a dated name.
use std::path::{Path, PathBuf};

use inferno::flamegraph::{self, Options};

use super::fold::Folded;

/// Writes the server's folded stacks as an SVG flame graph at `path`.
pub fn write_svg(folded: &Folded, path: &Path, title: &str, subtitle: &str) -> std::io::Result<()> {
    let mut opts = Options::default();
    opts.title = title.to_string();
    opts.subtitle = Some(subtitle.to_string());
    opts.count_name = "samples".to_string();
    // Colours from the function name, so the same frame has the same colour in
    // the before and after graphs a learner compares.
    opts.hash = true;
    let lines = folded.lines();
    let file = std::fs::File::create(path)?;
    let mut writer = std::io::BufWriter::new(file);
    flamegraph::from_lines(&mut opts, lines.iter().map(String::as_str), &mut writer)?;
    std::io::Write::flush(&mut writer)
}

/// `<dir>/flame-20251126-043800.svg` (UTC), with `-2`, `-3`, … if taken.
pub fn new_path(dir: &Path, unix_secs: u64) -> PathBuf {
    let stamp = utc_stamp(unix_secs);
    let mut path = dir.join(format!("flame-{stamp}.svg"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("flame-{stamp}-{n}.svg"));
        n += 1;
    }
    path
}

/// `YYYYMMDD-HHMMSS` in UTC, from the days-to-civil algorithm of H. Hinnant
/// (no date crate for one file name).
pub fn utc_stamp(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_calendar_times() {
        assert_eq!(utc_stamp(0), "19700101-000000");
        // `date -u -d @1764131880 +%Y%m%d-%H%M%S`
        assert_eq!(utc_stamp(1_764_131_880), "20251126-043800");
        assert_eq!(utc_stamp(951_782_400), "20000229-000000");
    }

    #[test]
    fn a_taken_name_gets_a_suffix() {
        let dir = std::env::temp_dir().join(format!("perflab-svg-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = new_path(&dir, 0);
        std::fs::write(&first, "x").unwrap();
        let second = new_path(&dir, 0);
        assert_ne!(first, second);
        assert!(second
            .to_string_lossy()
            .ends_with("flame-19700101-000000-2.svg"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
