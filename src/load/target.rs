//! The target: a URL with a literal address (or `localhost`), and the guard that
//! refuses anything that is not loopback or inside the lab network. No name is
//! ever looked up and no socket is opened here, so a refused target sees nothing.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::LoadError;

/// A parsed `http://host[:port][/path]` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: SocketAddr,
    /// The Host header: the authority as the user wrote it.
    pub authority: String,
    /// Path and query, starting with `/`.
    pub path: String,
}

/// Parses the URL without any lookup; `localhost` means 127.0.0.1.
pub fn parse_url(url: &str) -> Result<Target, LoadError> {
    let bad = |reason: &str| LoadError::BadUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) => {
            return Err(bad(&format!(
                "scheme `{scheme}` is not supported; the lab serves plain http://"
            )))
        }
        None => {
            return Err(bad(
                "it has no scheme; write it as http://ADDRESS[:PORT]/PATH",
            ))
        }
    };
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], rest[i..].to_string()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_string()),
    };
    let path = path.split('#').next().unwrap_or("/").to_string();
    if path
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(bad(
            "the path holds spaces or control characters; percent-encode them",
        ));
    }
    if authority.contains('@') {
        return Err(bad("user information (user@host) is not supported"));
    }
    let (host, port) = split_host_port(authority).map_err(|r| bad(&r))?;
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    let ip = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        IpAddr::V6(
            v6.parse::<Ipv6Addr>()
                .map_err(|_| bad(&format!("`{v6}` is not an IPv6 address")))?,
        )
    } else if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else if let Ok(v4) = host.parse::<Ipv4Addr>() {
        IpAddr::V4(v4)
    } else {
        return Err(LoadError::HostName {
            host: host.to_string(),
        });
    };
    Ok(Target {
        addr: SocketAddr::new(ip, port),
        authority: authority.to_string(),
        path,
    })
}

fn split_host_port(authority: &str) -> Result<(&str, u16), String> {
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => (&authority[..=end], authority[end + 1..].strip_prefix(':')),
            None => return Err("the IPv6 address has no closing `]`".into()),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => 80,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("port `{p}` is not a number from 1 to 65535")),
        },
    };
    Ok((host, port))
}

/// Whether an address is loopback (127.0.0.0/8, ::1, or ::ffff:127.x.y.z).
pub fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// Whether an IPv4 address is inside `net/prefix`.
pub fn in_subnet(ip: Ipv4Addr, (net, prefix): (Ipv4Addr, u8)) -> bool {
    if prefix == 0 || prefix > 32 {
        // A /0 "subnet" would allow the whole internet: never a lab network.
        return false;
    }
    let mask = u32::MAX << (32 - u32::from(prefix));
    u32::from(ip) & mask == u32::from(net) & mask
}

/// The guard: loopback, or inside one of the lab's subnets; anything else is refused.
pub fn check_target(ip: IpAddr, allowed_subnets: &[(Ipv4Addr, u8)]) -> Result<(), LoadError> {
    if is_loopback(ip) {
        return Ok(());
    }
    let v4 = match ip {
        IpAddr::V4(v4) => Some(v4),
        IpAddr::V6(v6) => v6.to_ipv4_mapped(),
    };
    if let Some(v4) = v4 {
        if allowed_subnets.iter().any(|&s| in_subnet(v4, s)) {
            return Ok(());
        }
    }
    let allowed: Vec<String> = allowed_subnets
        .iter()
        .map(|(net, p)| format!("{net}/{p}"))
        .collect();
    let reason = if allowed.is_empty() {
        "it is not loopback and no lab network is known".to_string()
    } else {
        "it is neither loopback nor inside the lab network".to_string()
    };
    Err(LoadError::Refused {
        addr: ip,
        reason,
        allowed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAB: (Ipv4Addr, u8) = (Ipv4Addr::new(172, 18, 0, 0), 16);

    #[test]
    fn urls_with_literal_addresses() {
        let t = parse_url("http://127.0.0.1:8080/a?b=1").unwrap();
        assert_eq!(t.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(
            (t.authority.as_str(), t.path.as_str()),
            ("127.0.0.1:8080", "/a?b=1")
        );
        let t = parse_url("http://172.18.0.2").unwrap();
        assert_eq!((t.addr.port(), t.path.as_str()), (80, "/"));
        let t = parse_url("http://localhost:81/x").unwrap();
        assert_eq!(t.addr, "127.0.0.1:81".parse().unwrap());
        assert_eq!(t.authority, "localhost:81");
        let t = parse_url("http://[::1]:9/").unwrap();
        assert_eq!(t.addr, "[::1]:9".parse().unwrap());
        assert_eq!(parse_url("http://1.2.3.4?q").unwrap().path, "/?q");
    }

    #[test]
    fn bad_urls_are_refused_with_reasons() {
        let e = parse_url("https://127.0.0.1/").unwrap_err().to_string();
        assert!(e.contains("https") && e.contains("plain http"), "{e}");
        assert!(parse_url("127.0.0.1")
            .unwrap_err()
            .to_string()
            .contains("no scheme"));
        assert!(parse_url("http://127.0.0.1:0/")
            .unwrap_err()
            .to_string()
            .contains("port"));
        assert!(parse_url("http://127.0.0.1:99999/").is_err());
        assert!(parse_url("http:///x").is_err());
        let e = parse_url("http://example.com/").unwrap_err();
        assert!(matches!(e, LoadError::HostName { .. }));
        assert!(e.to_string().contains("does not look names up"));
    }

    #[test]
    fn guard_allows_loopback_and_the_lab_only() {
        for ok in [
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "::ffff:127.0.0.1",
            "172.18.0.2",
            "172.18.255.254",
        ] {
            assert!(check_target(ok.parse().unwrap(), &[LAB]).is_ok(), "{ok}");
        }
        for bad in [
            "10.0.0.1",
            "192.168.1.1",
            "8.8.8.8",
            "172.19.0.2",
            "0.0.0.0",
            "2001:db8::1",
        ] {
            let e = check_target(bad.parse().unwrap(), &[LAB])
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(bad) && e.contains("127.0.0.0/8") && e.contains("172.18.0.0/16"),
                "{e}"
            );
        }
        let e = check_target("10.0.0.1".parse().unwrap(), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("no lab network is known"), "{e}");
    }

    #[test]
    fn subnet_membership() {
        assert!(in_subnet(
            Ipv4Addr::new(10, 1, 2, 3),
            (Ipv4Addr::new(10, 0, 0, 0), 8)
        ));
        assert!(!in_subnet(
            Ipv4Addr::new(11, 1, 2, 3),
            (Ipv4Addr::new(10, 0, 0, 0), 8)
        ));
        assert!(in_subnet(
            Ipv4Addr::new(10, 0, 0, 7),
            (Ipv4Addr::new(10, 0, 0, 7), 32)
        ));
        assert!(!in_subnet(
            Ipv4Addr::new(8, 8, 8, 8),
            (Ipv4Addr::UNSPECIFIED, 0)
        ));
    }
}
