//! Whether this machine routes to the lab's network, for `perflab doctor`: one
//! TCP connect to the server. An answer (accepted or refused) means a route; an
//! unreachable network or host means none (a network namespace of its own, a
//! desktop VM, a remote engine, perflab in its own container). Silence says
//! little: a server whose conntrack table is full (stages 0 and 1) drops every
//! new connection.
use std::io::ErrorKind;
use std::net::Ipv4Addr;
use std::time::Duration;

const WITHIN: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The server answered (it accepted or refused the connection).
    Reaches,
    /// The network said there is no way there.
    None { reason: String },
    /// No answer in time.
    Silent,
}

/// Tries one connect to `ip:80`.
pub async fn route_to(ip: Ipv4Addr) -> Route {
    match tokio::time::timeout(WITHIN, tokio::net::TcpStream::connect((ip, 80))).await {
        Ok(Ok(_)) => Route::Reaches,
        Ok(Err(e)) if e.kind() == ErrorKind::ConnectionRefused => Route::Reaches,
        Ok(Err(e)) => Route::None {
            reason: e.to_string(),
        },
        Err(_) => Route::Silent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_answers_whether_or_not_it_listens() {
        // Port 80 on loopback accepts or refuses: either way a route.
        assert_eq!(route_to(Ipv4Addr::LOCALHOST).await, Route::Reaches);
    }
}
