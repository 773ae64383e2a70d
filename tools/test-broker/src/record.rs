//! What one connection received, for tests to read back as JSON (`GET /records?id=…`): the
//! handshake (target, headers, offered and chosen subprotocols), every WebSocket message (kind, size,
//! text), every frame parsed from them, heart-beats, a parse error, and how the connection ended.
//! Owns the JSON writing too (a few lines, so the broker needs no serde).

use stomp_wasm::frame::Frame;

/// Text of a message or body kept per entry; the rest is cut (its size is still recorded).
const KEEP: usize = 64 * 1024;

/// One received WebSocket message.
#[derive(Debug, Clone)]
pub struct MessageRecord {
    /// `"text"`, `"binary"`, `"ping"`, `"pong"` or `"close"`.
    pub kind: &'static str,
    /// Octets in the message.
    pub size: usize,
    /// The octets as text (lossy), cut at [`KEEP`].
    pub text: String,
}

/// One received frame.
#[derive(Debug, Clone)]
pub struct FrameRecord {
    /// The command.
    pub command: String,
    /// Headers in order, unescaped per the negotiated version.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy), cut at [`KEEP`].
    pub body: String,
    /// Octets in the body.
    pub body_size: usize,
}

impl FrameRecord {
    /// A record of `frame`.
    pub fn of(frame: &Frame) -> FrameRecord {
        FrameRecord {
            command: frame.command.as_str().to_owned(),
            headers: crate::peer::header_pairs(&frame.headers),
            body: lossy(&frame.body),
            body_size: frame.body.len(),
        }
    }
}

/// Everything one connection received.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The `id=` of the URL.
    pub key: Option<String>,
    /// Broker-wide connection number.
    pub connection: u64,
    /// Number among connections to the same URL.
    pub nth: u64,
    /// Whether the fault applied.
    pub faulty: bool,
    /// The request target (path and query).
    pub target: String,
    /// Handshake request headers, in order.
    pub handshake: Vec<(String, String)>,
    /// Subprotocols the client offered.
    pub protocols: Vec<String>,
    /// The one answered, if any.
    pub protocol: Option<String>,
    /// The negotiated STOMP version.
    pub version: Option<String>,
    /// Messages, in order.
    pub messages: Vec<MessageRecord>,
    /// Frames, in order.
    pub frames: Vec<FrameRecord>,
    /// Heart-beats (EOLs between frames).
    pub heartbeats: u64,
    /// The parse error that ended the stream, if any.
    pub error: Option<String>,
    /// The client's close code and reason, if it sent a close frame.
    pub close: Option<(u16, String)>,
    /// Whether the connection has ended.
    pub ended: bool,
}

impl Record {
    /// Appends this record as a JSON object.
    pub fn write_json(&self, out: &mut String) {
        out.push('{');
        field(out, "id", true);
        opt_string(out, self.key.as_deref());
        field(out, "connection", false);
        out.push_str(&self.connection.to_string());
        field(out, "nth", false);
        out.push_str(&self.nth.to_string());
        field(out, "faulty", false);
        out.push_str(if self.faulty { "true" } else { "false" });
        field(out, "target", false);
        string(out, &self.target);
        field(out, "handshake", false);
        pairs(out, &self.handshake);
        field(out, "protocols", false);
        out.push('[');
        for (i, p) in self.protocols.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, p);
        }
        out.push(']');
        field(out, "protocol", false);
        opt_string(out, self.protocol.as_deref());
        field(out, "version", false);
        opt_string(out, self.version.as_deref());
        field(out, "messages", false);
        out.push('[');
        for (i, m) in self.messages.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            field(out, "kind", true);
            string(out, m.kind);
            field(out, "size", false);
            out.push_str(&m.size.to_string());
            field(out, "text", false);
            string(out, &m.text);
            out.push('}');
        }
        out.push(']');
        field(out, "frames", false);
        out.push('[');
        for (i, f) in self.frames.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            field(out, "command", true);
            string(out, &f.command);
            field(out, "headers", false);
            pairs(out, &f.headers);
            field(out, "body", false);
            string(out, &f.body);
            field(out, "bodySize", false);
            out.push_str(&f.body_size.to_string());
            out.push('}');
        }
        out.push(']');
        field(out, "heartbeats", false);
        out.push_str(&self.heartbeats.to_string());
        field(out, "error", false);
        opt_string(out, self.error.as_deref());
        field(out, "close", false);
        match &self.close {
            Some((code, reason)) => {
                out.push_str(&format!("{{\"code\":{code},\"reason\":"));
                string(out, reason);
                out.push('}');
            }
            None => out.push_str("null"),
        }
        field(out, "ended", false);
        out.push_str(if self.ended { "true" } else { "false" });
        out.push('}');
    }
}

/// The octets as text, invalid UTF-8 replaced, cut at [`KEEP`].
pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(KEEP)]).into_owned()
}

fn field(out: &mut String, name: &str, first: bool) {
    if !first {
        out.push(',');
    }
    string(out, name);
    out.push(':');
}

fn pairs(out: &mut String, pairs: &[(String, String)]) {
    out.push('[');
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        string(out, name);
        out.push(',');
        string(out, value);
        out.push(']');
    }
    out.push(']');
}

fn opt_string(out: &mut String, value: Option<&str>) {
    match value {
        Some(text) => string(out, text),
        None => out.push_str("null"),
    }
}

/// A JSON string literal.
pub fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_control_characters_quotes_and_backslashes() {
        let mut out = String::new();
        string(&mut out, "a\"b\\c\nd\0é");
        assert_eq!(out, r#""a\"b\\c\nd\u0000é""#);
    }

    #[test]
    fn a_record_is_one_json_object() {
        let record = Record {
            key: Some("t".into()),
            frames: vec![FrameRecord {
                command: "SEND".into(),
                headers: vec![("destination".into(), "/a".into())],
                body: "hi".into(),
                body_size: 2,
            }],
            close: Some((1000, "bye".into())),
            ..Record::default()
        };
        let mut out = String::new();
        record.write_json(&mut out);
        assert!(out.starts_with(r#"{"id":"t","connection":0"#), "{out}");
        assert!(out.contains(r#""frames":[{"command":"SEND","headers":[["destination","/a"]],"body":"hi","bodySize":2}]"#), "{out}");
        assert!(
            out.ends_with(r#""close":{"code":1000,"reason":"bye"},"ended":false}"#),
            "{out}"
        );
    }
}
