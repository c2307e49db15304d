use super::*;

/// Feeds `data` in pieces of `step` bytes the way the connection loop does: keep
/// what was not consumed, append the next piece.
fn parse_in_steps(data: &[u8], step: usize) -> Result<(Response, usize), ParseError> {
    let mut p = Parser::default();
    let mut pending: Vec<u8> = Vec::new();
    let mut used = 0;
    for piece in data.chunks(step) {
        pending.extend_from_slice(piece);
        let (n, done) = p.feed(&pending)?;
        used += n;
        pending.drain(..n);
        if let Some(r) = done {
            return Ok((r, used));
        }
    }
    p.eof().map(|r| (r, data.len()))
}

fn every_step(data: &[u8]) -> Response {
    let mut first = None;
    for step in [1, 2, 3, 7, data.len()] {
        let (r, used) = parse_in_steps(data, step).unwrap_or_else(|e| panic!("step {step}: {e:?}"));
        assert_eq!(used, data.len(), "step {step} consumed the whole response");
        assert!(first.is_none_or(|f| f == r));
        first = Some(r);
    }
    first.unwrap()
}

#[test]
fn content_length_body() {
    let r = every_step(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    assert_eq!(
        r,
        Response {
            status: 200,
            keep_alive: true
        }
    );
}

#[test]
fn chunked_body_with_extension_and_trailer() {
    let data = b"HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\nX-T: 1\r\n\r\n";
    assert_eq!(
        every_step(data),
        Response {
            status: 502,
            keep_alive: true
        }
    );
}

#[test]
fn connection_close_and_http10() {
    let r = every_step(b"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(
        r,
        Response {
            status: 404,
            keep_alive: false
        }
    );
    let r = every_step(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert!(!r.keep_alive);
    let r = every_step(b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok");
    assert!(r.keep_alive);
}

#[test]
fn body_until_close_needs_eof() {
    let data = b"HTTP/1.1 200 OK\r\n\r\nstreamed until the end";
    let mut p = Parser::default();
    assert_eq!(p.feed(data), Ok((data.len(), None)));
    assert_eq!(
        p.eof(),
        Ok(Response {
            status: 200,
            keep_alive: false
        })
    );
}

#[test]
fn no_body_statuses_and_interim_responses() {
    assert_eq!(every_step(b"HTTP/1.1 204 No Content\r\n\r\n").status, 204);
    assert_eq!(
        every_step(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n").status,
        304
    );
    let r = every_step(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx",
    );
    assert_eq!(r.status, 201);
}

#[test]
fn stops_at_the_end_of_one_response() {
    let one: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na";
    let two = [one, b"HTTP/1.1 200 OK\r\n"].concat();
    let mut p = Parser::default();
    let (n, r) = p.feed(&two).unwrap();
    assert_eq!((n, r.map(|r| r.status)), (one.len(), Some(200)));
    assert!(p.at_start());
}

#[test]
fn truncated_and_malformed_responses() {
    let mut p = Parser::default();
    p.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        .unwrap();
    assert_eq!(p.eof(), Err(ParseError::ClosedEarly));
    assert_eq!(
        Parser::default().feed(b"SSH-2.0-OpenSSH\r\n\r\n"),
        Err(ParseError::Malformed)
    );
    let bad_len = b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n";
    assert_eq!(Parser::default().feed(bad_len), Err(ParseError::Malformed));
    let bad_chunk = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
    assert_eq!(
        Parser::default().feed(bad_chunk),
        Err(ParseError::Malformed)
    );
    let no_crlf = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab";
    assert_eq!(Parser::default().feed(no_crlf), Err(ParseError::Malformed));
    assert!(Parser::default().at_start());
}
