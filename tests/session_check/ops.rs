//! The operations a script is made of, and the configurations it runs under (index 0 of every
//! choice is the plainest: what shrinking goes to).

use super::*;

/// The client's receive limits in every run: small, so that the broker's oversized MESSAGEs are
/// cheap to make.
pub const LIMITS: Limits = Limits {
    max_header_bytes: 512,
    max_headers: 12,
    max_body_bytes: 2048,
};

/// The header every command carries: its issue number (1, 2, …).
pub const SEQ: &str = "x-seq";

/// How a publish asks for a RECEIPT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// It does not.
    No,
    /// Its own `receipt` header.
    Header,
    /// `SendOptions::receipt` (the session makes the header).
    Option,
}

/// Which of the client's limits a MESSAGE from the broker exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversize {
    /// None.
    No,
    /// More headers than `max_headers`.
    Headers,
    /// A head longer than `max_header_bytes`.
    HeadBytes,
    /// A body longer than `max_body_bytes`.
    Body,
}

/// A `set_config` change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Offer one version only.
    Versions(u8),
    /// Another receipt timeout.
    ReceiptTimeout(u8),
    /// Connect headers, one that CONNECT cannot carry if true.
    ConnectHeaders(bool),
    /// Disconnect headers, one that 1.0 and 1.1 cannot write if true.
    DisconnectHeaders(bool),
    /// Another backpressure bound.
    MaxBuffered(u8),
    /// Another `max_queued_frames`.
    MaxQueuedFrames(u8),
    /// Another `max_queued_bytes`.
    MaxQueuedBytes(u8),
    /// Queue while disconnected, or not.
    QueueWhileDisconnected(bool),
}

/// One step of a script: a command of the application, a transport event, a frame or bytes from
/// the broker, or time passing. Indices (`pick`) choose among what exists at that moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// The clock moves on this many milliseconds, firing every deadline on the way.
    Advance(Millis),
    /// `connect`.
    Connect,
    /// `disconnect`.
    Disconnect {
        /// Forced.
        force: bool,
    },
    /// `reconnect_now`.
    ReconnectNow,
    /// `drop_connection`.
    DropConnection,
    /// `subscribe`.
    Subscribe {
        /// An `id` header `own-N`.
        own_id: Option<u8>,
        /// 0 auto (no header), 1 client, 2 client-individual.
        ack: u8,
        /// Belongs to the connection it is made on.
        per_connection: bool,
        /// With a `receipt` header.
        receipt: bool,
        /// 1: a value with CR (1.2 only), 2: one with `:` and `\`.
        odd: u8,
    },
    /// `unsubscribe` of a live subscription (or an unknown id).
    Unsubscribe {
        /// Which one.
        pick: usize,
        /// With a `receipt` header.
        receipt: bool,
    },
    /// `send`.
    Send {
        /// Body length.
        body: usize,
        /// A body that is not UTF-8.
        bytes: bool,
        /// A receipt.
        receipt: Ask,
        /// At-least-once.
        retain: bool,
        /// In the last open transaction.
        tx: bool,
        /// `SendOptions::binary`.
        binary: bool,
        /// `SendOptions::skip_content_length`.
        skip_content_length: bool,
    },
    /// `send_head` (the body kept by the driver).
    SendHead {
        /// Body length.
        body: usize,
        /// A receipt.
        receipt: Ask,
        /// In the last open transaction.
        tx: bool,
        /// `SendOptions::binary`.
        binary: bool,
    },
    /// `ack` or `nack` of a message delivered earlier.
    Ack {
        /// NACK.
        nack: bool,
        /// Which message (of every connection's).
        pick: usize,
        /// By id (`AckTarget::by_id`, the current connection) instead of stamped.
        by_id: bool,
        /// With a `receipt` header.
        receipt: bool,
        /// In the last open transaction.
        tx: bool,
    },
    /// `begin`.
    Begin {
        /// Id `t-N`, or the session's.
        own_id: Option<u8>,
        /// With a `receipt` header.
        receipt: bool,
    },
    /// `commit` or `abort` of an open transaction (or an unknown one).
    End {
        /// Commit, else abort.
        commit: bool,
        /// Which one.
        pick: usize,
        /// With a `receipt` header.
        receipt: bool,
    },
    /// `handle_buffered`.
    Buffered(Option<usize>),
    /// Reports the transport empty until nothing waits (at most a few rounds).
    Drain,
    /// `handle_app_hidden`.
    AppHidden,
    /// `handle_app_shown`.
    AppShown,
    /// `handle_suspend`.
    Suspend,
    /// `set_config`.
    SetConfig(Change),
    /// The transport being opened opens.
    Open,
    /// The transport closes (from the broker's side) with this code.
    Close(u16),
    /// The broker sends CONNECTED.
    Connected {
        /// Index into [`VERSIONS`].
        version: u8,
        /// Index into [`HEART_BEATS`].
        heart_beat: u8,
        /// Transport message size (0: one message).
        chunk: u8,
    },
    /// The broker sends MESSAGE.
    Message {
        /// Which subscription of this connection.
        pick: usize,
        /// For a subscription of this connection, else an unknown one.
        known: bool,
        /// 0: no `ack` header, 1: `a-N`, 2: `a:N\x` (escaped).
        ack: u8,
        /// Body length (beyond the limit, when oversized by body).
        body: usize,
        /// Over a limit.
        oversize: Oversize,
        /// Transport message size (0: one message).
        chunk: u8,
    },
    /// The broker sends RECEIPT.
    Receipt {
        /// Which receipt it read on this transport.
        pick: usize,
        /// A receipt nobody asked for.
        stray: bool,
        /// Transport message size.
        chunk: u8,
    },
    /// The broker sends ERROR (naming a receipt it read, if `pick`).
    Error {
        /// Which receipt.
        pick: Option<usize>,
        /// Transport message size.
        chunk: u8,
    },
    /// The broker sends a frame of this command (index into `Command::ALL`).
    OtherFrame(u8),
    /// The broker sends this many EOLs in one message.
    Heartbeats(u8),
    /// The broker sends raw bytes.
    Bytes {
        /// The bytes.
        bytes: Vec<u8>,
        /// Transport message size.
        chunk: u8,
    },
}

/// `version` header values of the broker's CONNECTED; the first is replaced by the highest
/// version the CONNECT offered.
pub const VERSIONS: [Option<&str>; 5] = [Some("1.2"), Some("1.1"), None, Some("1.0"), Some("9.9")];
/// `heart-beat` header values of the broker's CONNECTED.
pub const HEART_BEATS: [Option<&str>; 7] = [
    Some("0,0"),
    None,
    Some("500,500"),
    Some("1000,0"),
    Some("0,1000"),
    Some("junk"),
    Some("18446744073709551615,3000000000"),
];

/// A configuration from choices: `pick(n)` returns an index below `n`. Index 0 is always the
/// plainest option (what shrinking goes to).
pub fn config(pick: &mut impl FnMut(usize) -> usize) -> Config {
    fn one<T: Copy>(pick: &mut impl FnMut(usize) -> usize, options: &[T]) -> T {
        options[pick(options.len()) % options.len()]
    }
    let versions = [
        vec![Version::V1_2, Version::V1_1, Version::V1_0],
        vec![Version::V1_2],
        vec![Version::V1_1, Version::V1_2],
        vec![Version::V1_0],
        vec![],
    ];
    let urls = 1 + pick(3);
    Config {
        broker_urls: (0..urls)
            .map(|i| format!("ws://u:p@b{i}.test/ws?t=1"))
            .collect(),
        accept_versions: versions[pick(versions.len())].clone(),
        use_stomp_command: pick(2) == 1,
        host: match pick(3) {
            0 => HostHeader::Omit,
            1 => HostHeader::FromUrl,
            _ => HostHeader::Fixed("/".into()),
        },
        login: Some("guest".into()),
        passcode: Some("guest".into()),
        heartbeat_outgoing: one(pick, &[0, 500, 1_000, 10_000]),
        // Mostly off: the broker sends heart-beats only when a script says so.
        heartbeat_incoming: one(pick, &[0, 0, 0, 0, 500, 1_000, 10_000]),
        heartbeat_tolerance: one(pick, &[2.0, 0.5, 1.0, 1.5, f64::NAN, 1e300]),
        connection_timeout: one(pick, &[0, 0, 3_000, 700, u64::MAX]),
        receipt_timeout: one(pick, &[5_000, 0, 1_000, u64::MAX]),
        disconnect_timeout: one(pick, &[5_000, 0, 1_000, u64::MAX]),
        reconnect: ReconnectPolicy {
            delay: one(pick, &[1_000, 1_000, 100, 100, 0, u64::MAX]),
            mode: one(
                pick,
                &[ReconnectTimeMode::Linear, ReconnectTimeMode::Exponential],
            ),
            max_delay: one(pick, &[0, 3_000, u64::MAX]),
            max_attempts: one(pick, &[0, 0, 0, 1, 2, 4]),
            jitter: one(pick, &[0.0, 0.5, 1.0, -3.0, f64::NAN]),
            seed: (pick(256) as u64) << 8 | pick(256) as u64,
        },
        stable_after: one(pick, &[10_000, 0, 1_000]),
        suspend_after: one(pick, &[5_000, 0, 2_000]),
        queue_while_disconnected: pick(4) != 3,
        max_queued_frames: one(pick, &[1_000, 0, 1, 2, 3, 5, 7]),
        max_queued_bytes: one(pick, &[1 << 20, 0, 100, 400]),
        max_unconfirmed_bytes: one(pick, &[64 << 20, 0, 150, 600]),
        max_delivery_attempts: one(pick, &[3, 0, 1]),
        max_buffered_bytes: one(pick, &[0, 64, 300, 1_000]),
        id_prefix: "m-".into(),
        limits: LIMITS,
        ..Config::default()
    }
}
