//! One WebSocket connection, on its own thread: accepts the upgrade, then loops reading client
//! messages (with a short read timeout, so that heart-beats, drips and the inbox are served between
//! reads), feeding the codec's [`Parser`] and the [`Peer`], and sending what the peer and the hub ask
//! for through the [`Outbox`]. Records everything received. Owns the transport-level faults (tiny
//! messages, drip, dropping TCP); the protocol ones are the peer's.

use std::io::ErrorKind;
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stomp_wasm::frame::{EncodeOptions, Item, Limits, Parser, Version};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tungstenite::{Message, WebSocket};

use crate::http::{self, Request};
use crate::hub::{Hub, Inbox};
use crate::outbox::{Outbox, Pace};
use crate::peer::{Out, Peer};
use crate::record::{lossy, FrameRecord, MessageRecord, Record};
use crate::scenario::{Fault, Scenario, Subprotocol};

/// How often the loop wakes up when nothing arrives.
const TICK: Duration = Duration::from_millis(5);
/// How long a clean close waits for the client's close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// How the connection is to end once the outbox is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Close,
    Drop,
}

/// Accepts the upgrade in `request` and serves the connection until it ends.
pub fn serve(mut stream: TcpStream, request: Request, scenario: Scenario, hub: Hub) {
    let offered = request.protocols();
    let protocol = choose_protocol(&scenario, &offered);
    let record = Arc::new(Mutex::new(Record {
        key: scenario.id.clone(),
        target: request.target.clone(),
        handshake: request.headers.clone(),
        protocols: offered,
        protocol: protocol.clone(),
        ..Record::default()
    }));
    let (sender, inbox) = channel();
    let admission = hub.open(&request.target, scenario.id.clone(), record.clone(), sender);
    let faulty =
        scenario.faulty.is_none_or(|n| admission.nth <= n) && scenario.fault != Fault::None;
    {
        let mut r = record.lock().unwrap_or_else(|p| p.into_inner());
        r.connection = admission.connection;
        r.nth = admission.nth;
        r.faulty = faulty;
    }
    if http::write_upgrade(&mut stream, &request, protocol.as_deref()).is_ok() {
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(TICK));
        let connection = Connection::new(
            stream,
            scenario,
            faulty,
            admission.connection,
            &hub,
            record.clone(),
        );
        connection.run(&inbox);
    }
    hub.close(admission.connection);
    record.lock().unwrap_or_else(|p| p.into_inner()).ended = true;
}

/// The subprotocol to answer: the highest `v1x.stomp` offered that the broker speaks, unless the
/// scenario says otherwise.
fn choose_protocol(scenario: &Scenario, offered: &[String]) -> Option<String> {
    match &scenario.subprotocol {
        Subprotocol::Omit => None,
        Subprotocol::Fixed(name) => Some(name.clone()),
        Subprotocol::Auto => scenario
            .versions
            .iter()
            .rev()
            .map(|v| v.subprotocol())
            .find(|p| offered.iter().any(|o| o == p))
            .map(str::to_owned),
    }
}

struct Connection<'a> {
    ws: WebSocket<TcpStream>,
    parser: Parser,
    peer: Peer,
    outbox: Outbox,
    hub: &'a Hub,
    connection: u64,
    record: Arc<Mutex<Record>>,
    heartbeat_every: Option<Duration>,
    last_sent: Instant,
    ending: Option<Ending>,
}

impl<'a> Connection<'a> {
    fn new(
        stream: TcpStream,
        scenario: Scenario,
        faulty: bool,
        connection: u64,
        hub: &'a Hub,
        record: Arc<Mutex<Record>>,
    ) -> Connection<'a> {
        let pace = match (faulty, scenario.fault) {
            (true, Fault::Tiny) => Pace::Tiny {
                chunk: scenario.chunk,
            },
            (true, Fault::Slow) => Pace::Drip {
                chunk: scenario.chunk,
                interval: scenario.interval,
            },
            _ => Pace::Whole,
        };
        let config = WebSocketConfig::default()
            .max_message_size(Some(64 << 20))
            .max_frame_size(Some(64 << 20));
        let limits = Limits {
            max_body_bytes: 64 << 20,
            ..Limits::default()
        };
        Connection {
            ws: WebSocket::from_raw_socket(stream, Role::Server, Some(config)),
            parser: Parser::with_limits(limits).follow_connected(false),
            outbox: Outbox::new(pace, scenario.ws),
            peer: Peer::new(scenario, faulty, connection),
            hub,
            connection,
            record,
            heartbeat_every: None,
            last_sent: Instant::now(),
            ending: None,
        }
    }

    fn record(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn run(mut self, inbox: &Receiver<Inbox>) {
        loop {
            while let Ok(item) = inbox.try_recv() {
                self.on_inbox(item);
            }
            if let Some(every) = self.heartbeat_every {
                if self.ending.is_none()
                    && self.outbox.is_empty()
                    && self.last_sent.elapsed() >= every
                {
                    self.outbox.push(b"\n".to_vec());
                }
            }
            if self.flush().is_err() {
                return;
            }
            if let (Some(ending), true) = (self.ending, self.outbox.is_empty()) {
                self.end(ending);
                return;
            }
            match self.ws.read() {
                Ok(message) => self.on_message(message),
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => return,
            }
        }
    }

    /// Sends what the outbox has due.
    fn flush(&mut self) -> Result<(), tungstenite::Error> {
        for message in self.outbox.due(Instant::now()) {
            let message = match message.binary {
                true => Message::Binary(message.bytes.into()),
                // The outbox only makes text of UTF-8.
                false => Message::Text(String::from_utf8_lossy(&message.bytes).into_owned().into()),
            };
            self.ws.send(message)?;
            self.last_sent = Instant::now();
        }
        Ok(())
    }

    fn end(&mut self, ending: Ending) {
        match ending {
            Ending::Drop => {
                let _ = self.ws.get_ref().shutdown(Shutdown::Both);
            }
            Ending::Close => {
                let _ = self.ws.close(Some(CloseFrame {
                    code: CloseCode::Normal,
                    reason: "".into(),
                }));
                let deadline = Instant::now() + CLOSE_WAIT;
                while Instant::now() < deadline {
                    match self.ws.read() {
                        Ok(message) => self.on_message(message),
                        Err(tungstenite::Error::Io(e))
                            if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                        Err(_) => break,
                    }
                }
                let _ = self.ws.get_ref().shutdown(Shutdown::Both);
            }
        }
    }

    fn on_inbox(&mut self, item: Inbox) {
        match item {
            Inbox::Deliver(delivery) => {
                let outs = self.peer.deliver(delivery);
                self.apply(outs);
            }
            Inbox::Inject { bytes, binary } => self.outbox.push_as(bytes, binary),
            Inbox::Close { drop } => {
                self.ending = Some(if drop { Ending::Drop } else { Ending::Close });
            }
        }
    }

    fn on_message(&mut self, message: Message) {
        let (kind, bytes): (&'static str, &[u8]) = match &message {
            Message::Text(text) => ("text", text.as_bytes()),
            Message::Binary(bytes) => ("binary", bytes),
            Message::Ping(bytes) => ("ping", bytes),
            Message::Pong(bytes) => ("pong", bytes),
            Message::Close(frame) => {
                let mut record = self.record();
                record.messages.push(MessageRecord {
                    kind: "close",
                    size: 0,
                    text: String::new(),
                });
                record.close = frame
                    .as_ref()
                    .map(|f| (u16::from(f.code), f.reason.to_string()));
                return;
            }
            Message::Frame(_) => return,
        };
        self.record().messages.push(MessageRecord {
            kind,
            size: bytes.len(),
            text: lossy(bytes),
        });
        if matches!(kind, "text" | "binary") {
            let bytes = bytes.to_vec();
            self.on_bytes(&bytes);
        }
    }

    fn on_bytes(&mut self, bytes: &[u8]) {
        let result = self.parser.push(bytes);
        while let Some(item) = self.parser.next_item() {
            match item {
                Item::Heartbeat => self.record().heartbeats += 1,
                Item::Frame(frame) => {
                    self.record().frames.push(FrameRecord::of(&frame));
                    let before = self.peer.version();
                    let outs = self.peer.on_frame(frame);
                    if let (None, Some(version)) = (before, self.peer.version()) {
                        self.parser.set_version(version);
                        self.record().version = Some(version.as_str().to_owned());
                    }
                    self.apply(outs);
                }
                // Only with `Parser::skip_oversized`, which this broker does not turn on.
                Item::Skipped(_) => {}
            }
        }
        if let Err(error) = result {
            self.record().error = Some(error.to_string());
            let outs = self.peer.on_parse_error(error);
            self.apply(outs);
        }
    }

    fn apply(&mut self, outs: Vec<Out>) {
        for out in outs {
            if self.ending.is_some() {
                return;
            }
            match out {
                Out::Frame(frame) => {
                    let version = self.peer.version().unwrap_or(Version::V1_2);
                    let mut bytes = Vec::new();
                    match frame.encode(EncodeOptions::new(version), &mut bytes) {
                        Ok(()) => self.outbox.push(bytes),
                        Err(error) => {
                            eprintln!("test-broker: cannot encode {}: {error}", frame.command)
                        }
                    }
                }
                Out::Raw(bytes) => self.outbox.push(bytes),
                Out::Publish {
                    destination,
                    headers,
                    body,
                } => self.hub.publish(&destination, &headers, &body),
                Out::Subscribe { id, destination } => {
                    self.hub.subscribe(self.connection, &id, &destination)
                }
                Out::Unsubscribe { id } => self.hub.unsubscribe(self.connection, &id),
                Out::Heartbeat(every) => {
                    self.heartbeat_every = (every > 0).then(|| Duration::from_millis(every));
                }
                Out::Close => self.ending = Some(Ending::Close),
                Out::Drop => self.ending = Some(Ending::Drop),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subprotocol_is_the_highest_offered_version_the_broker_speaks() {
        let offered: Vec<String> = ["v10.stomp", "v11.stomp", "v12.stomp"]
            .map(String::from)
            .to_vec();
        let pick = |target: &str| choose_protocol(&Scenario::parse(target).unwrap(), &offered);
        assert_eq!(pick("/ok").as_deref(), Some("v12.stomp"));
        assert_eq!(pick("/ok?versions=1.0,1.1").as_deref(), Some("v11.stomp"));
        assert_eq!(pick("/ok?subprotocol=none"), None);
        assert_eq!(choose_protocol(&Scenario::parse("/ok").unwrap(), &[]), None);
    }
}
