//! The HTTP side of the port: reads a request head (and a small body) by hand, answers the WebSocket
//! upgrade's 101 (so the subprotocol choice and the handshake record are ours), and serves the
//! endpoints tests use from Node and from a browser page (CORS open):
//!
//! - `GET /records?id=K` — the records of every connection made with `id=K`, as a JSON array;
//! - `POST /inject?id=K[&ws=binary]` — the request body, sent as one message to each open connection
//!   with `id=K`; answers `{"sent":N}`;
//! - `POST /close?id=K[&drop=1]` — closes those connections (cleanly, or dropping TCP); `{"closed":N}`;
//! - `GET /health` — `ok`.

use std::io::{self, Read, Write};
use std::net::TcpStream;

use crate::hub::{Hub, Inbox};
use crate::scenario::query_pairs;

/// Longest request head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted (`/inject`).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Headers in order (names as sent).
    pub headers: Vec<(String, String)>,
    /// The body (`content-length` octets).
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether this is a WebSocket upgrade.
    pub fn is_upgrade(&self) -> bool {
        self.header("upgrade")
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
    }

    /// The subprotocols offered, in order.
    pub fn protocols(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("sec-websocket-protocol"))
            .flat_map(|(_, v)| v.split(','))
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// Reads one request from `stream`. Bytes past the head and body are not expected (a WebSocket
/// client waits for the 101 before sending frames).
pub fn read_request(stream: &mut TcpStream) -> io::Result<Request> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let (head_len, mut request) = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before a request",
            ));
        }
        buffer.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buffer) {
            Ok(httparse::Status::Complete(len)) => {
                let request = Request {
                    method: parsed.method.unwrap_or("GET").to_owned(),
                    target: parsed.path.unwrap_or("/").to_owned(),
                    headers: parsed
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_owned(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect(),
                    body: Vec::new(),
                };
                break (len, request);
            }
            Ok(httparse::Status::Partial) if buffer.len() < MAX_HEAD => continue,
            Ok(httparse::Status::Partial) => return Err(invalid("request head too long")),
            Err(error) => return Err(invalid(&error.to_string())),
        }
    };
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return Err(invalid("request body too large"));
    }
    let mut body = buffer.split_off(head_len);
    while body.len() < length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed inside a body",
            ));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    request.body = body;
    Ok(request)
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_owned())
}

/// Writes the 101 that accepts a WebSocket upgrade, with `protocol` if any.
pub fn write_upgrade(
    stream: &mut TcpStream,
    request: &Request,
    protocol: Option<&str>,
) -> io::Result<()> {
    let key = request.header("sec-websocket-key").unwrap_or("");
    let accept = tungstenite::handshake::derive_accept_key(key.trim().as_bytes());
    let mut response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n"
    );
    if let Some(protocol) = protocol {
        response.push_str(&format!("Sec-WebSocket-Protocol: {protocol}\r\n"));
    }
    response.push_str("\r\n");
    stream.write_all(response.as_bytes())?;
    stream.flush()
}

/// Writes a plain HTTP response (CORS open) and ends the exchange.
pub fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Methods: GET, POST, OPTIONS\r\n\
         Access-Control-Allow-Headers: *\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// Serves a request that is not a WebSocket upgrade.
pub fn serve(stream: &mut TcpStream, request: &Request, hub: &Hub) -> io::Result<()> {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let params = query_pairs(query);
    let param = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let json = "application/json";
    match (request.method.as_str(), path) {
        ("OPTIONS", _) => respond(stream, "204 No Content", "text/plain", b""),
        ("GET", "/health") => respond(stream, "200 OK", "text/plain", b"ok"),
        ("GET", "/records") => match param("id") {
            Some(key) => respond(stream, "200 OK", json, hub.records_json(key).as_bytes()),
            None => respond(
                stream,
                "400 Bad Request",
                "text/plain",
                b"records needs ?id=",
            ),
        },
        ("POST", "/inject") => match param("id") {
            Some(key) => {
                let binary = param("ws") == Some("binary");
                let sent = hub.to_key(key, || Inbox::Inject {
                    bytes: request.body.clone(),
                    binary,
                });
                respond(
                    stream,
                    "200 OK",
                    json,
                    format!("{{\"sent\":{sent}}}").as_bytes(),
                )
            }
            None => respond(
                stream,
                "400 Bad Request",
                "text/plain",
                b"inject needs ?id=",
            ),
        },
        ("POST", "/close") => match param("id") {
            Some(key) => {
                let drop = matches!(param("drop"), Some("1" | "true"));
                let closed = hub.to_key(key, || Inbox::Close { drop });
                respond(
                    stream,
                    "200 OK",
                    json,
                    format!("{{\"closed\":{closed}}}").as_bytes(),
                )
            }
            None => respond(stream, "400 Bad Request", "text/plain", b"close needs ?id="),
        },
        _ => respond(stream, "404 Not Found", "text/plain", b"no such endpoint"),
    }
}
