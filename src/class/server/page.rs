//! The roster page: one HTML document with its style and script inline, served
//! by perflab itself (the room may have no network beyond it). Its Content
//! Security Policy lets only that one script run, so even a bug that put a
//! learner's text into markup could not run code.
use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const HTML: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("page.js");

/// The page and its policy, made once.
fn built() -> &'static (String, String) {
    static PAGE: OnceLock<(String, String)> = OnceLock::new();
    PAGE.get_or_init(|| {
        let html = HTML.replace("/*SCRIPT*/", SCRIPT);
        let hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
        let csp = format!(
            "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; \
             connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
             frame-ancestors 'none'"
        );
        (html, csp)
    })
}

pub async fn page() -> Response {
    let (html, csp) = built();
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, csp.as_str()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html.as_str(),
    )
        .into_response()
}

/// Standard base64 with padding (what a CSP hash is written in).
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_page_has_its_script_and_never_writes_markup_from_data() {
        let (html, csp) = built();
        assert!(html.contains("function render()"));
        assert!(!html.contains("/*SCRIPT*/"));
        assert!(csp.contains("script-src 'sha256-"));
        for unsafe_sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ] {
            assert!(
                !SCRIPT.contains(unsafe_sink),
                "the page script uses {unsafe_sink}"
            );
        }
    }
}
