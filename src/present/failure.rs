//! The one name of each failure class in each language: the load's report and
//! the tutor's tables both read it here.
use crate::lessons::{phrases, Lang};
use crate::load::Failure;

phrases! {
    CONNECT_TIMEOUT = "connect timeout", "连接超时";
    REFUSED = "connection refused", "连接被拒绝";
    ADDR_NOT_AVAIL = "no local port (EADDRNOTAVAIL)", "没有可用的本地端口（EADDRNOTAVAIL）";
    RESET = "reset by the server", "被服务器重置";
    REQUEST_TIMEOUT = "request timeout (aborted)", "请求超时（已中止）";
    CLOSED_EARLY = "closed before the response", "响应之前连接被关闭";
    BAD_RESPONSE = "not a valid HTTP response", "无效的 HTTP 响应";
    OTHER = "other", "其他";
    ERRNO = "errno {n}: {text}", "errno {n}：{text}";
    STATUS = "HTTP {code}", "HTTP {code}";
}

/// The failure's name in `lang`.
pub fn name(failure: Failure, lang: Lang) -> String {
    let phrase = match failure {
        Failure::ConnectTimeout => CONNECT_TIMEOUT,
        Failure::Refused => REFUSED,
        Failure::AddrNotAvail => ADDR_NOT_AVAIL,
        Failure::Reset => RESET,
        Failure::RequestTimeout => REQUEST_TIMEOUT,
        Failure::ClosedEarly => CLOSED_EARLY,
        Failure::BadResponse => BAD_RESPONSE,
        Failure::Other(0) => OTHER,
        Failure::Other(n) => {
            return ERRNO.fill(lang, &[("n", &n.to_string()), ("text", &errno(n))])
        }
        Failure::Status(code) => return STATUS.fill(lang, &[("code", &code.to_string())]),
    };
    phrase.get(lang).to_string()
}

/// The system's text for an errno the load does not class (in English: it is
/// the C library's).
fn errno(n: i32) -> String {
    let text = std::io::Error::from_raw_os_error(n).to_string();
    text.split(" (os error")
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_a_name_in_each_language() {
        assert_eq!(name(Failure::Status(502), Lang::En), "HTTP 502");
        assert_eq!(name(Failure::ConnectTimeout, Lang::Zh), "连接超时");
        assert_eq!(name(Failure::Reset, Lang::En), "reset by the server");
        assert_eq!(
            name(Failure::Other(libc::EHOSTUNREACH), Lang::Zh),
            format!("errno {}：no route to host", libc::EHOSTUNREACH)
        );
    }
}
