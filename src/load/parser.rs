//! An incremental HTTP/1.1 response parser over the caller's reused buffer: the head
//! through httparse, then the body (Content-Length, chunked, or until close) is
//! counted and skipped, never copied or kept. No allocation per response, and no
//! per-attempt setup: the header slots are left uninitialised for httparse to fill
//! (zeroing 64 of them, 2 KB, on every attempt was the costliest part of a parse).
use std::mem::MaybeUninit;

/// How many headers a response may carry.
const MAX_HEADERS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Whether the connection may carry another request.
    pub keep_alive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// Not HTTP, or a malformed head, chunk size or length.
    Malformed,
    /// The connection ended before the response did.
    ClosedEarly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Head,
    Length(u64),
    /// Expecting a chunk-size line.
    ChunkSize,
    /// Inside a chunk's data; then its CRLF (2 bytes) follows.
    ChunkData(u64),
    ChunkCrlf(u8),
    Trailers,
    UntilClose,
}

#[derive(Debug)]
pub struct Parser {
    state: State,
    response: Response,
}

impl Default for Parser {
    fn default() -> Self {
        Parser {
            state: State::Head,
            response: Response {
                status: 0,
                keep_alive: false,
            },
        }
    }
}

impl Parser {
    pub fn reset(&mut self) {
        self.state = State::Head;
    }

    /// Consumes what it can of `buf`: (bytes consumed, the response once complete).
    /// Bytes not consumed (a partial head or chunk line) must be offered again with more.
    pub fn feed(&mut self, buf: &[u8]) -> Result<(usize, Option<Response>), ParseError> {
        let mut at = 0;
        loop {
            let rest = &buf[at..];
            match self.state {
                State::Head => {
                    let mut slots =
                        [const { MaybeUninit::<httparse::Header>::uninit() }; MAX_HEADERS];
                    let mut head = httparse::Response::new(&mut []);
                    let parsed = httparse::ParserConfig::default()
                        .parse_response_with_uninit_headers(&mut head, rest, &mut slots);
                    match parsed.map_err(|_| ParseError::Malformed)? {
                        httparse::Status::Partial => return Ok((at, None)),
                        httparse::Status::Complete(n) => {
                            at += n;
                            let status = head.code.ok_or(ParseError::Malformed)?;
                            if (100..200).contains(&status) && status != 101 {
                                continue; // an interim response: the real one follows
                            }
                            self.state = body_state(&head, status)?;
                            self.response = Response {
                                status,
                                keep_alive: keep_alive(&head) && self.state != State::UntilClose,
                            };
                        }
                    }
                }
                State::Length(0) => return Ok((at, Some(self.done()))),
                State::Length(left) => {
                    let take = left.min(rest.len() as u64);
                    at += take as usize;
                    self.state = State::Length(left - take);
                    if left > take {
                        return Ok((at, None));
                    }
                }
                State::ChunkSize => {
                    match httparse::parse_chunk_size(rest).map_err(|_| ParseError::Malformed)? {
                        httparse::Status::Partial => return Ok((at, None)),
                        httparse::Status::Complete((n, 0)) => {
                            at += n;
                            self.state = State::Trailers;
                        }
                        httparse::Status::Complete((n, size)) => {
                            at += n;
                            self.state = State::ChunkData(size);
                        }
                    }
                }
                State::ChunkData(left) => {
                    let take = left.min(rest.len() as u64);
                    at += take as usize;
                    if left > take {
                        self.state = State::ChunkData(left - take);
                        return Ok((at, None));
                    }
                    self.state = State::ChunkCrlf(2);
                }
                State::ChunkCrlf(0) => self.state = State::ChunkSize,
                State::ChunkCrlf(left) => {
                    let Some(&b) = rest.first() else {
                        return Ok((at, None));
                    };
                    if b != if left == 2 { b'\r' } else { b'\n' } {
                        return Err(ParseError::Malformed);
                    }
                    at += 1;
                    self.state = State::ChunkCrlf(left - 1);
                }
                State::Trailers => {
                    // Trailer fields, then an empty line; only whole lines are consumed.
                    let Some(end) = rest.windows(2).position(|w| w == b"\r\n") else {
                        return Ok((at, None));
                    };
                    at += end + 2;
                    if end == 0 {
                        return Ok((at, Some(self.done())));
                    }
                }
                State::UntilClose => return Ok((buf.len(), None)),
            }
        }
    }

    /// The peer closed the connection: the response is complete only if its body
    /// runs until close.
    pub fn eof(&mut self) -> Result<Response, ParseError> {
        match self.state {
            State::UntilClose => Ok(self.done()),
            _ => Err(ParseError::ClosedEarly),
        }
    }

    /// Whether no byte of a response has been parsed yet.
    #[cfg(test)]
    pub fn at_start(&self) -> bool {
        self.state == State::Head
    }

    fn done(&mut self) -> Response {
        self.state = State::Head;
        self.response
    }
}

fn body_state(head: &httparse::Response, status: u16) -> Result<State, ParseError> {
    if status == 204 || status == 304 || status == 101 {
        return Ok(State::Length(0));
    }
    let mut length = None;
    for h in head.headers.iter() {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            if has_token(h.value, b"chunked") {
                return Ok(State::ChunkSize);
            }
        } else if h.name.eq_ignore_ascii_case("content-length") {
            let text = std::str::from_utf8(h.value).map_err(|_| ParseError::Malformed)?;
            let n: u64 = text.trim().parse().map_err(|_| ParseError::Malformed)?;
            if length.is_some_and(|m| m != n) {
                return Err(ParseError::Malformed);
            }
            length = Some(n);
        }
    }
    Ok(length.map_or(State::UntilClose, State::Length))
}

fn keep_alive(head: &httparse::Response) -> bool {
    let mut keep = head.version == Some(1);
    for h in head
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("connection"))
    {
        if has_token(h.value, b"close") {
            return false;
        }
        if has_token(h.value, b"keep-alive") {
            keep = true;
        }
    }
    keep
}

/// Whether a comma-separated header value holds `token` (case-insensitive).
fn has_token(value: &[u8], token: &[u8]) -> bool {
    value
        .split(|&b| b == b',')
        .any(|part| part.trim_ascii().eq_ignore_ascii_case(token))
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
