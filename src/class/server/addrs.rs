//! The addresses learners can reach: when the server listens on every
//! interface, the join URL is printed once for each IPv4 address of this host.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// This host's IPv4 addresses other than loopback, from getifaddrs(3).
pub fn host_ipv4() -> Vec<Ipv4Addr> {
    let mut out = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we free below; each entry's
    // ifa_addr is null or points at a sockaddr of the family it names.
    unsafe {
        if libc::getifaddrs(&mut head) != 0 {
            return out;
        }
        let mut cur = head;
        while !cur.is_null() {
            let addr = (*cur).ifa_addr;
            if !addr.is_null() && i32::from((*addr).sa_family) == libc::AF_INET {
                let sin = &*(addr as *const libc::sockaddr_in);
                let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                if !ip.is_loopback() && !out.contains(&ip) {
                    out.push(ip);
                }
            }
            cur = (*cur).ifa_next;
        }
        libc::freeifaddrs(head);
    }
    out
}

/// The hosts to print in URLs for a server bound to `bound`: learners' (join)
/// and the instructor's own (on this machine).
pub fn url_hosts(bound: SocketAddr) -> (Vec<IpAddr>, IpAddr) {
    let ip = bound.ip();
    if !ip.is_unspecified() {
        return (vec![ip], ip);
    }
    let mut room: Vec<IpAddr> = host_ipv4().into_iter().map(IpAddr::V4).collect();
    if room.is_empty() {
        room.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    (room, IpAddr::V4(Ipv4Addr::LOCALHOST))
}

pub fn http_url(ip: IpAddr, port: u16, path: &str) -> String {
    match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{port}{path}"),
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_for_a_bound_address() {
        let (room, own) = url_hosts("127.0.0.1:8470".parse().unwrap());
        assert_eq!(room, vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]);
        assert_eq!(own, IpAddr::V4(Ipv4Addr::LOCALHOST));
        let (room, own) = url_hosts("0.0.0.0:8470".parse().unwrap());
        assert!(!room.is_empty() && room.iter().all(|ip| !ip.is_unspecified()));
        assert!(own.is_loopback());
        assert_eq!(
            http_url("::1".parse().unwrap(), 9, "/x"),
            "http://[::1]:9/x"
        );
    }
}
