//! STOMP commands, client and server side, so that the same codec parses what a broker sends and what a
//! client sends (tests play the broker with it).

use core::fmt;

/// A STOMP command: the first line of every frame.
///
/// ```
/// use stomp_wasm::frame::Command;
/// assert_eq!(Command::parse(b"MESSAGE"), Some(Command::Message));
/// assert_eq!(Command::Send.as_str(), "SEND");
/// assert!(Command::Connected.is_server());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    // Client frames.
    /// `CONNECT`: opens a session (never escaped).
    Connect,
    /// `STOMP`: the 1.1+ spelling of CONNECT (never escaped).
    Stomp,
    /// `SEND`: publishes a message.
    Send,
    /// `SUBSCRIBE`: registers a subscription.
    Subscribe,
    /// `UNSUBSCRIBE`: removes a subscription.
    Unsubscribe,
    /// `ACK`: acknowledges a message.
    Ack,
    /// `NACK`: rejects a message (1.1 and later).
    Nack,
    /// `BEGIN`: starts a transaction.
    Begin,
    /// `COMMIT`: commits a transaction.
    Commit,
    /// `ABORT`: rolls back a transaction.
    Abort,
    /// `DISCONNECT`: ends the session gracefully.
    Disconnect,
    // Server frames.
    /// `CONNECTED`: the broker accepted the session (never escaped).
    Connected,
    /// `MESSAGE`: a message for a subscription.
    Message,
    /// `RECEIPT`: confirms a frame that asked for a receipt.
    Receipt,
    /// `ERROR`: the broker reports a failure (and usually closes the connection).
    Error,
}

impl Command {
    /// Every command, client commands first.
    pub const ALL: [Command; 15] = [
        Command::Connect,
        Command::Stomp,
        Command::Send,
        Command::Subscribe,
        Command::Unsubscribe,
        Command::Ack,
        Command::Nack,
        Command::Begin,
        Command::Commit,
        Command::Abort,
        Command::Disconnect,
        Command::Connected,
        Command::Message,
        Command::Receipt,
        Command::Error,
    ];

    /// The command as written on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Command::Connect => "CONNECT",
            Command::Stomp => "STOMP",
            Command::Send => "SEND",
            Command::Subscribe => "SUBSCRIBE",
            Command::Unsubscribe => "UNSUBSCRIBE",
            Command::Ack => "ACK",
            Command::Nack => "NACK",
            Command::Begin => "BEGIN",
            Command::Commit => "COMMIT",
            Command::Abort => "ABORT",
            Command::Disconnect => "DISCONNECT",
            Command::Connected => "CONNECTED",
            Command::Message => "MESSAGE",
            Command::Receipt => "RECEIPT",
            Command::Error => "ERROR",
        }
    }

    /// Parses a command line (without its EOL). Commands are case-sensitive; anything else is `None`.
    pub fn parse(line: &[u8]) -> Option<Command> {
        Command::ALL
            .into_iter()
            .find(|command| command.as_str().as_bytes() == line)
    }

    /// Whether a broker sends this command.
    pub const fn is_server(self) -> bool {
        matches!(
            self,
            Command::Connected | Command::Message | Command::Receipt | Command::Error
        )
    }

    /// Whether a client sends this command.
    pub const fn is_client(self) -> bool {
        !self.is_server()
    }

    /// CONNECT, STOMP and CONNECTED are never escaped or unescaped, whatever the version (spec §"Value
    /// Encoding"), so that the version negotiation itself cannot depend on the version.
    pub const fn is_escaped(self) -> bool {
        !matches!(self, Command::Connect | Command::Stomp | Command::Connected)
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
