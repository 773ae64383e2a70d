//! A small, correct STOMP broker over WebSocket on 127.0.0.1, built on the client's own codec, that can
//! also misbehave on purpose: the peer for the client's fault and option tests (see `scenario` for the
//! URL scheme and `http` for the record endpoints).
//!
//! ```text
//! stomp-test-broker [PORT]        # or STOMP_TEST_BROKER_PORT; 0 (default) = an ephemeral port
//! ```
//!
//! The first line on stdout is the port chosen; the broker then serves until killed. One thread per
//! connection.

mod conn;
mod http;
mod hub;
mod outbox;
mod peer;
mod record;
mod scenario;

use std::io::Write;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use hub::Hub;
use scenario::Scenario;

fn main() -> ExitCode {
    let port = match port() {
        Ok(port) => port,
        Err(message) => {
            eprintln!("stomp-test-broker: {message}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("stomp-test-broker: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    println!("{port}");
    let _ = std::io::stdout().flush();
    let hub = Hub::default();
    for stream in listener.incoming().flatten() {
        let hub = hub.clone();
        thread::spawn(move || handle(stream, hub));
    }
    ExitCode::SUCCESS
}

/// The port from the first argument, else `STOMP_TEST_BROKER_PORT`, else 0.
fn port() -> Result<u16, String> {
    let text = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("STOMP_TEST_BROKER_PORT").ok())
        .unwrap_or_else(|| "0".to_owned());
    text.trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a port number (usage: stomp-test-broker [PORT])"))
}

/// Reads the request on a new TCP connection and serves it: a WebSocket session or an HTTP endpoint.
fn handle(mut stream: TcpStream, hub: Hub) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(request) = http::read_request(&mut stream) else {
        return;
    };
    if !request.is_upgrade() {
        let _ = http::serve(&mut stream, &request, &hub);
        return;
    }
    match Scenario::parse(&request.target) {
        Ok(scenario) => conn::serve(stream, request, scenario, hub),
        Err(error) => {
            let _ = http::respond(
                &mut stream,
                "404 Not Found",
                "text/plain",
                error.to_string().as_bytes(),
            );
        }
    }
}
