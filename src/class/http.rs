//! A small HTTP/1.1 client for the class server (plain http on the room's
//! network; hyper underneath). One connection, kept alive and opened again when
//! the server closed it.
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

/// The largest answer read: a roster of a big class fits many times over.
const MAX_ANSWER: usize = 32 << 20;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{url} is not a class server address ({reason}); it looks like http://HOST:PORT/...")]
    BadUrl { url: String, reason: String },
    #[error("connecting to the class server at {addr}: {source}; is `perflab class serve` running there, and is the port open?")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("talking to the class server at {addr}: {source}")]
    Protocol {
        addr: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("the class server at {addr} did not answer within {secs} s; is the network up?")]
    Timeout { addr: String, secs: u64 },
}

/// A server's address, parsed from any URL on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    pub host: String,
    pub port: u16,
}

impl Base {
    /// The host and port of an `http://` URL, and its path.
    pub fn parse(url: &str) -> Result<(Base, String), HttpError> {
        let bad = |reason: &str| HttpError::BadUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let uri: hyper::Uri = url.parse().map_err(|_| bad("it does not parse"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(_) => return Err(bad("only http:// is served")),
            None => return Err(bad("it has no http://")),
        }
        let host = uri.host().ok_or_else(|| bad("it has no host"))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let base = Base {
            host,
            port: uri.port_u16().unwrap_or(80),
        };
        Ok((base, uri.path().to_string()))
    }

    pub fn url(&self, path: &str) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}{path}", self.host, self.port)
        } else {
            format!("http://{}:{}{path}", self.host, self.port)
        }
    }

    fn addr(&self) -> String {
        self.url("")
    }
}

pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Answer {
    /// The server's `{"error": ...}` message, or the body as text.
    pub fn message(&self) -> String {
        serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v.get("error")?.as_str().map(str::to_string))
            .unwrap_or_else(|| String::from_utf8_lossy(&self.body).into_owned())
    }
}

pub struct Client {
    base: Base,
    timeout: Duration,
    conn: Option<SendRequest<Full<Bytes>>>,
}

impl Client {
    pub fn new(base: Base, timeout: Duration) -> Client {
        Client {
            base,
            timeout,
            conn: None,
        }
    }

    pub fn base(&self) -> &Base {
        &self.base
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, HttpError> {
        let addr = self.base.addr();
        let stream = tokio::net::TcpStream::connect((self.base.host.as_str(), self.base.port))
            .await
            .map_err(|source| HttpError::Connect {
                addr: addr.clone(),
                source,
            })?;
        // Small requests, answered at once: no Nagle delay.
        if let Err(e) = stream.set_nodelay(true) {
            return Err(HttpError::Connect { addr, source: e });
        }
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| HttpError::Protocol {
                addr,
                source: e.into(),
            })?;
        // The connection's own task ends when either side closes it; its error
        // (a server gone away) shows in the next request's result instead.
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(send)
    }

    /// One request; `headers` are added to Host and Content-Type.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Answer, HttpError> {
        let secs = self.timeout.as_secs();
        let addr = self.base.addr();
        match tokio::time::timeout(self.timeout, self.exchange(method, path, headers, body)).await {
            Ok(r) => r,
            Err(_) => {
                self.conn = None;
                Err(HttpError::Timeout { addr, secs })
            }
        }
    }

    async fn exchange(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Answer, HttpError> {
        let addr = self.base.addr();
        let proto = |e: Box<dyn std::error::Error + Send + Sync>| HttpError::Protocol {
            addr: addr.clone(),
            source: e,
        };
        let mut send = match self.conn.take() {
            Some(s) if !s.is_closed() => s,
            _ => self.connect().await?,
        };
        send.ready().await.map_err(|e| proto(e.into()))?;
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", format!("{}:{}", self.base.host, self.base.port))
            .header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| proto(e.into()))?;
        let resp = send.send_request(req).await.map_err(|e| proto(e.into()))?;
        let status = resp.status().as_u16();
        let body = Limited::new(resp.into_body(), MAX_ANSWER)
            .collect()
            .await
            .map_err(proto)?
            .to_bytes();
        self.conn = Some(send);
        Ok(Answer { status, body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_class_urls() {
        let (b, path) = Base::parse("http://10.0.0.5:8470/join/abc").unwrap();
        assert_eq!(
            (b.host.as_str(), b.port, path.as_str()),
            ("10.0.0.5", 8470, "/join/abc")
        );
        assert_eq!(b.url("/api/ping"), "http://10.0.0.5:8470/api/ping");
        let (b, _) = Base::parse("http://[::1]:9/x").unwrap();
        assert_eq!(b.url("/"), "http://[::1]:9/");
        assert_eq!(Base::parse("http://room/j").unwrap().0.port, 80);
        for bad in ["https://x/", "x:80/j", "", "http:///j"] {
            assert!(Base::parse(bad).is_err(), "{bad}");
        }
    }
}
