//! The probe's output is one text: each source (a /proc file, a command, a log
//! count) behind a marker line `==> NAME <==`, as `tail` prints several files.
//! Splitting it keeps each parser a pure function of one source's lines, and
//! lets every error name that source and the line within it.
use super::error::ProbeError;

const OPEN: &str = "==> ";
const CLOSE: &str = " <==";
/// The last line of a section whose command failed (the script prints it after
/// the command's own error message).
pub const FAILED: &str = "!failed";

/// One source's lines, without the marker.
#[derive(Debug, Clone)]
pub struct Section<'a> {
    pub name: &'a str,
    pub lines: Vec<&'a str>,
}

impl<'a> Section<'a> {
    /// An error at `index` (0-based) of this section, reported 1-based.
    pub fn err(&self, index: usize, reason: impl Into<String>) -> ProbeError {
        ProbeError::parse(self.name, index + 1, reason)
    }

    /// The command's failure, if the script marked one: the reason is the line
    /// the command printed before the marker.
    pub fn failure(&self) -> Option<String> {
        let at = self.lines.iter().position(|l| l.trim() == FAILED)?;
        let reason = at
            .checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .unwrap_or("the command failed without a message");
        Some(reason.to_string())
    }

    /// The lines, or the source's failure as an error.
    pub fn ok_lines(&self) -> Result<&[&'a str], ProbeError> {
        match self.failure() {
            Some(reason) => Err(ProbeError::Source {
                file: self.name.to_string(),
                reason,
            }),
            None => Ok(&self.lines),
        }
    }

    /// A number in `radix` at `index`, or an error naming the value and the line.
    pub fn number(
        &self,
        index: usize,
        what: &str,
        token: &str,
        radix: u32,
    ) -> Result<u64, ProbeError> {
        u64::from_str_radix(token.trim(), radix).map_err(|_| {
            let kind = if radix == 16 { "a hexadecimal" } else { "a" };
            self.err(
                index,
                format!("{what} is {token:?}, expected {kind} non-negative integer"),
            )
        })
    }
}

impl Section<'_> {
    /// A source that holds one decimal number, like nf_conntrack_count.
    pub fn single(&self) -> Result<u64, ProbeError> {
        let lines = self.ok_lines()?;
        let (i, line) = lines
            .iter()
            .enumerate()
            .find(|(_, l)| !l.trim().is_empty())
            .ok_or_else(|| self.err(0, "the source is empty, expected one number"))?;
        if lines.iter().skip(i + 1).any(|l| !l.trim().is_empty()) {
            return Err(self.err(i + 1, "expected one number, found more lines"));
        }
        self.number(i, "the value", line, 10)
    }
}

/// Every section of the output, in order.
#[derive(Debug)]
pub struct Sections<'a> {
    list: Vec<Section<'a>>,
}

impl<'a> Sections<'a> {
    pub fn split(raw: &'a str) -> Result<Sections<'a>, ProbeError> {
        let mut list: Vec<Section<'a>> = Vec::new();
        for (i, line) in raw.lines().enumerate() {
            if let Some(name) = marker(line) {
                list.push(Section {
                    name,
                    lines: Vec::new(),
                });
            } else if let Some(current) = list.last_mut() {
                current.lines.push(line);
            } else if !line.trim().is_empty() {
                return Err(ProbeError::parse(
                    "the probe's output",
                    i + 1,
                    format!("text before the first `==> NAME <==` marker: {line:?}"),
                ));
            }
        }
        Ok(Sections { list })
    }

    pub fn find(&self, name: &str) -> Option<&Section<'a>> {
        self.list.iter().find(|s| s.name == name)
    }

    pub fn get(&self, name: &str) -> Result<&Section<'a>, ProbeError> {
        self.find(name).ok_or_else(|| ProbeError::Missing {
            file: name.to_string(),
        })
    }
}

fn marker(line: &str) -> Option<&str> {
    let name = line.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
    (!name.is_empty()).then_some(name)
}

/// The marker line that opens a section named `name`.
pub fn marker_line(name: &str) -> String {
    format!("{OPEN}{name}{CLOSE}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sections_in_order_and_keeps_empty_ones() {
        let raw = "==> a <==\n1\n2\n==> b <==\n==> c <==\nx\n";
        let s = Sections::split(raw).unwrap();
        assert_eq!(s.get("a").unwrap().lines, vec!["1", "2"]);
        assert!(s.get("b").unwrap().lines.is_empty());
        assert_eq!(s.get("c").unwrap().lines, vec!["x"]);
        assert!(matches!(s.get("d"), Err(ProbeError::Missing { .. })));
    }

    #[test]
    fn text_before_the_first_marker_is_an_error_naming_the_line() {
        let err = Sections::split("\nstray\n==> a <==\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn a_failed_command_reports_its_message() {
        let raw = "==> /proc/x <==\ncat: /proc/x: No such file or directory\n!failed\n";
        let s = Sections::split(raw).unwrap();
        let err = s.get("/proc/x").unwrap().ok_lines().unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("/proc/x") && text.contains("No such file"),
            "{text}"
        );
    }

    #[test]
    fn single_numbers() {
        let one = |text: &str| {
            let raw = format!("==> n <==\n{text}");
            let s = Sections::split(&raw).unwrap();
            s.get("n").unwrap().single()
        };
        assert_eq!(one("262144\n").unwrap(), 262144);
        assert!(one("").unwrap_err().to_string().contains("empty"));
        assert!(one("12\n13\n").unwrap_err().to_string().contains("line 2"));
        let err = one("-1\n").unwrap_err().to_string();
        assert!(err.contains("n, line 1") && err.contains("\"-1\""), "{err}");
    }

    #[test]
    fn numbers_name_the_value_and_line() {
        let raw = "==> f <==\nabc\n";
        let s = Sections::split(raw).unwrap();
        let sec = s.get("f").unwrap();
        let err = sec
            .number(0, "the count", "abc", 10)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("f, line 1") && err.contains("\"abc\""),
            "{err}"
        );
        assert_eq!(sec.number(0, "x", "1f", 16).unwrap(), 31);
    }
}
