//! Raw terminal mode for `perflab shell`, restored on drop (also on error or Ctrl-C
//! paths, since the guard lives on the stack), and byte pass-through of output.
use std::io::Write;

/// The terminal in raw mode until dropped.
pub struct RawMode {
    saved: libc::termios,
}

impl RawMode {
    /// Puts stdin's terminal in raw mode; `None` when stdin is not a terminal.
    pub fn enable() -> Option<RawMode> {
        // SAFETY: termios calls on fd 0 with a zeroed struct that tcgetattr fills.
        unsafe {
            if libc::isatty(0) != 1 {
                return None;
            }
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut t) != 0 {
                return None;
            }
            let saved = t;
            libc::cfmakeraw(&mut t);
            if libc::tcsetattr(0, libc::TCSANOW, &t) != 0 {
                return None;
            }
            Some(RawMode { saved })
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: restores the attributes saved by `enable`.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &self.saved);
        }
    }
}

/// The terminal's size (columns, rows), if stdout is one.
pub fn terminal_size() -> Option<(u16, u16)> {
    let term = console::Term::stdout();
    term.is_term().then(|| {
        let (rows, cols) = term.size();
        (cols, rows)
    })
}

/// Writes a command's output bytes to our stdout or stderr unchanged.
pub fn passthrough(stderr: bool, bytes: &[u8]) {
    if stderr {
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(bytes);
        let _ = e.flush();
    } else {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(bytes);
        let _ = o.flush();
    }
}
