//! The one name of each failure class in each language: the load's report and
//! the tutor's tables both read it here.
use crate::lessons::Lang;
use crate::load::Failure;

/// The failure's name in `lang`.
pub fn name(failure: Failure, lang: Lang) -> String {
    let (en, zh) = match failure {
        Failure::ConnectTimeout => ("connect timeout", "连接超时"),
        Failure::Refused => ("connection refused", "连接被拒绝"),
        Failure::AddrNotAvail => (
            "no local port (EADDRNOTAVAIL)",
            "没有可用的本地端口（EADDRNOTAVAIL）",
        ),
        Failure::Reset => ("reset by the server", "被服务器重置"),
        Failure::RequestTimeout => ("request timeout (aborted)", "请求超时（已中止）"),
        Failure::ClosedEarly => ("closed before the response", "响应之前连接被关闭"),
        Failure::BadResponse => ("not a valid HTTP response", "无效的 HTTP 响应"),
        Failure::Other(0) => ("other", "other"),
        Failure::Other(n) => return errno(n),
        Failure::Status(code) => return format!("HTTP {code}"),
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
    .to_string()
}

/// An errno the load does not class, with the system's text for it.
fn errno(n: i32) -> String {
    let text = std::io::Error::from_raw_os_error(n).to_string();
    let text = text
        .split(" (os error")
        .next()
        .unwrap_or_default()
        .to_lowercase();
    format!("errno {n}: {text}")
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
            format!("errno {}: no route to host", libc::EHOSTUNREACH)
        );
    }
}
