//! The session driven by arbitrary input: a configuration, then a script of operations —
//! application commands (subscribe, per-connection too; send, at-least-once, with a receipt
//! header or `SendOptions::receipt`, in transactions; `send_head`; stamped and by-id ACK/NACK;
//! transactions; graceful and forced disconnect), transport events, backpressure reports, broker
//! frames (CONNECTED, MESSAGE within and over the client's limits, RECEIPT, ERROR, client
//! commands) and raw bytes in random chunks, app hide/show/suspend, `set_config`, and clock steps.
//!
//! The driver and the invariants are the proptest's (`tests/session_check/`, included below):
//! after every step it drains every output as a driver must and checks issue order per
//! connection, that no ACK/NACK or transactional frame reaches another connection, that every
//! publish settles exactly once by its own ticket, the queue and at-least-once bounds, that no
//! MESSAGE ends a connection, one transport, nothing before CONNECTED but CONNECT, no deadline in
//! the past; and, for a third of the inputs, that running it again gives the same events.
//!
//! Reproduce a finding with `SESSION_CHECK_TRACE=1 cargo +nightly fuzz run session <file>`; see
//! how often each rule was exercised with `SESSION_CHECK_STATS=1 … session corpus/session --
//! -runs=0`.
#![no_main]

#[path = "../../tests/session_check/mod.rs"]
mod session_check;

use libfuzzer_sys::fuzz_target;
use session_check::{Ask, Change, Driver, Op, Oversize};

/// Reads the fuzz input; zeros once it runs out.
struct Input<'a> {
    data: &'a [u8],
}

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from(self.u8()) << 8 | u16::from(self.u8())
    }

    fn usize(&mut self) -> usize {
        usize::from(self.u8())
    }

    fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = (self.usize() % (max + 1)).min(self.data.len());
        let (taken, rest) = self.data.split_at(n);
        self.data = rest;
        taken.to_vec()
    }

    fn ask(&mut self) -> Ask {
        match self.u8() % 4 {
            0 | 1 => Ask::No,
            2 => Ask::Header,
            _ => Ask::Option,
        }
    }

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// One operation from the input: an op code, then its arguments.
fn op(input: &mut Input) -> Op {
    match input.u8() % 32 {
        0 | 1 => Op::Advance(u64::from(input.u16() % 2_000)),
        2 => Op::Advance(u64::from(input.u16()) * 100),
        3 => Op::Connect,
        4 => Op::Disconnect {
            force: input.bool(),
        },
        5 => Op::ReconnectNow,
        6 => Op::DropConnection,
        7 => Op::Subscribe {
            own_id: input.bool().then(|| input.u8() % 3),
            ack: input.u8(),
            per_connection: input.bool(),
            receipt: input.bool(),
            odd: input.u8(),
        },
        8 => Op::Unsubscribe {
            pick: input.usize(),
            receipt: input.bool(),
        },
        9 | 10 => {
            let flags = input.u8();
            Op::Send {
                body: input.usize() % 130,
                bytes: flags & 1 != 0,
                receipt: input.ask(),
                retain: flags & 2 != 0,
                tx: flags & 4 != 0,
                binary: flags & 8 != 0,
                skip_content_length: flags & 16 != 0,
            }
        }
        11 => Op::SendHead {
            body: input.usize() % 64,
            receipt: input.ask(),
            tx: input.bool(),
            binary: input.bool(),
        },
        12 => {
            let flags = input.u8();
            Op::Ack {
                nack: flags & 1 != 0,
                pick: input.usize(),
                by_id: flags & 2 != 0,
                receipt: flags & 4 != 0,
                tx: flags & 8 != 0,
            }
        }
        13 => Op::Begin {
            own_id: input.bool().then(|| input.u8() % 3),
            receipt: input.bool(),
        },
        14 => Op::End {
            commit: input.bool(),
            pick: input.usize(),
            receipt: input.bool(),
        },
        15 => Op::Buffered(match input.u8() % 6 {
            0 => None,
            1 => Some(0),
            2 => Some(100),
            3 => Some(1_000),
            4 => Some(100_000),
            _ => Some(usize::from(input.u16())),
        }),
        16 => Op::Drain,
        17 => match input.u8() % 3 {
            0 => Op::AppHidden,
            1 => Op::AppShown,
            _ => Op::Suspend,
        },
        18 => Op::SetConfig(match input.u8() % 8 {
            0 => Change::Versions(input.u8()),
            1 => Change::ReceiptTimeout(input.u8()),
            2 => Change::ConnectHeaders(input.bool()),
            3 => Change::DisconnectHeaders(input.bool()),
            4 => Change::MaxBuffered(input.u8()),
            5 => Change::MaxQueuedFrames(input.u8()),
            6 => Change::MaxQueuedBytes(input.u8()),
            _ => Change::QueueWhileDisconnected(input.bool()),
        }),
        19 | 20 => Op::Open,
        21 => Op::Close([1000, 1001, 1006, 1011, 4001][input.usize() % 5]),
        22 | 23 => Op::Connected {
            version: input.u8(),
            heart_beat: input.u8(),
            chunk: input.u8() % 17,
        },
        24 | 25 => Op::Message {
            pick: input.usize(),
            known: !input.u8().is_multiple_of(8),
            ack: input.u8(),
            body: input.usize(),
            oversize: match input.u8() % 8 {
                0 => Oversize::Headers,
                1 => Oversize::HeadBytes,
                2 => Oversize::Body,
                _ => Oversize::No,
            },
            chunk: input.u8() % 17,
        },
        26 | 27 => Op::Receipt {
            pick: input.usize(),
            stray: input.u8().is_multiple_of(8),
            chunk: input.u8() % 17,
        },
        28 => Op::Error {
            pick: input.bool().then(|| input.usize()),
            chunk: input.u8() % 17,
        },
        29 => Op::OtherFrame(input.u8()),
        30 => Op::Heartbeats(input.u8()),
        _ => Op::Bytes {
            chunk: input.u8() % 17,
            bytes: input.bytes(96),
        },
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input { data };
    let config = session_check::config(&mut |n| input.usize() % n);
    let auto_accept = input.bool();
    let mut ops = Vec::new();
    while !input.is_empty() && ops.len() < 400 {
        ops.push(op(&mut input));
    }
    let driver = Driver::run_driver(config.clone(), &ops, auto_accept);
    if std::env::var_os("SESSION_CHECK_STATS").is_some() {
        // How often each rule met something that could break it (replay a corpus with
        // `-runs=0` and add these up).
        for (rule, count) in driver.counts() {
            eprintln!("STATS\t{rule}\t{count}");
        }
    }
    let log = driver.log;
    if data.len().is_multiple_of(3) {
        let again = Driver::run_driver(config, &ops, auto_accept).log;
        assert!(log == again, "the same inputs gave different events");
    }
});
