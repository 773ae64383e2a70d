use super::*;

fn peer(target: &str) -> Peer {
    let scenario = Scenario::parse(target).unwrap();
    Peer::new(scenario, true, 1)
}

fn connect(accept: &str) -> Frame {
    Frame::new(Command::Connect)
        .header("accept-version", accept)
        .header("heart-beat", "1000,1000")
}

fn frames(out: &[Out]) -> Vec<&Frame> {
    out.iter()
        .filter_map(|o| match o {
            Out::Frame(f) => Some(f),
            _ => None,
        })
        .collect()
}

#[test]
fn negotiates_the_highest_shared_version_and_heart_beats() {
    let mut p = peer("/ok?versions=1.0,1.1&hb=500,0");
    let out = p.on_frame(connect("1.2,1.1,1.0"));
    let connected = frames(&out)[0];
    assert_eq!(connected.command, Command::Connected);
    assert_eq!(connected.headers.get("version"), Some("1.1"));
    assert_eq!(connected.headers.get("heart-beat"), Some("500,0"));
    assert!(out.contains(&Out::Heartbeat(1000)));
    assert_eq!(p.version(), Some(Version::V1_1));
}

#[test]
fn a_1_0_session_has_no_version_header_and_no_nack() {
    let mut p = peer("/ok?versions=1.0");
    let out = p.on_frame(connect("1.2,1.1,1.0"));
    assert_eq!(frames(&out)[0].headers.get("version"), None);
    let out = p.on_frame(Frame::new(Command::Nack).header("message-id", "m1"));
    assert_eq!(frames(&out)[0].command, Command::Error);
    assert_eq!(out.last(), Some(&Out::Close));
}

#[test]
fn no_common_version_is_an_error_naming_the_supported_ones() {
    let mut p = peer("/ok?versions=1.0");
    let out = p.on_frame(connect("1.2"));
    let error = frames(&out)[0];
    assert_eq!(error.command, Command::Error);
    assert_eq!(error.headers.get("version"), Some("1.0"));
    assert_eq!(out.last(), Some(&Out::Close));
}

#[test]
fn receipts_answer_any_frame_asking_for_one_except_under_no_receipt() {
    let mut p = peer("/ok");
    p.on_frame(connect("1.2"));
    let out = p.on_frame(
        Frame::new(Command::Begin)
            .header("transaction", "t")
            .header("receipt", "r1"),
    );
    assert_eq!(frames(&out)[0].headers.get("receipt-id"), Some("r1"));

    let mut p = peer("/no-receipt");
    p.on_frame(connect("1.2"));
    let out = p.on_frame(
        Frame::new(Command::Send)
            .header("destination", "/a")
            .header("receipt", "r1"),
    );
    assert!(frames(&out).is_empty());
    assert!(matches!(out[0], Out::Publish { .. }));
}

#[test]
fn a_transaction_publishes_on_commit_only() {
    let mut p = peer("/ok");
    p.on_frame(connect("1.2"));
    p.on_frame(Frame::new(Command::Begin).header("transaction", "t"));
    let send = Frame::new(Command::Send)
        .header("destination", "/a")
        .header("transaction", "t");
    assert!(p.on_frame(send.clone()).is_empty());
    let out = p.on_frame(Frame::new(Command::Commit).header("transaction", "t"));
    assert!(matches!(&out[0], Out::Publish { destination, .. } if destination == "/a"));
}

#[test]
fn acks_need_the_headers_of_their_version() {
    let ack_frame = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .fold(Frame::new(Command::Ack), |f, (n, v)| f.header(n, v))
    };
    assert!(ack(Version::V1_2, &ack_frame(&[("id", "1")])).is_ok());
    assert!(ack(Version::V1_2, &ack_frame(&[("message-id", "1")])).is_err());
    assert!(ack(
        Version::V1_1,
        &ack_frame(&[("message-id", "1"), ("subscription", "s")])
    )
    .is_ok());
    assert!(ack(Version::V1_1, &ack_frame(&[("message-id", "1")])).is_err());
    assert!(ack(Version::V1_0, &ack_frame(&[("message-id", "1")])).is_ok());
}

#[test]
fn deliveries_carry_an_ack_header_under_1_2_client_ack() {
    let mut p = peer("/ok");
    p.on_frame(connect("1.2"));
    p.on_frame(
        Frame::new(Command::Subscribe)
            .header("id", "s")
            .header("destination", "/a")
            .header("ack", "client"),
    );
    let out = p.deliver(Delivery {
        subscription: "s".into(),
        message_id: "m-7".into(),
        headers: vec![("destination".into(), "/a".into())],
        body: b"x".to_vec(),
    });
    let message = frames(&out)[0];
    assert_eq!(message.headers.get("ack"), Some("m-7"));
    assert_eq!(message.headers.get("subscription"), Some("s"));
}

#[test]
fn never_connected_stays_silent_and_silent_stops_after_connected() {
    let mut p = peer("/never-connected");
    assert!(p.on_frame(connect("1.2")).is_empty());
    let mut p = peer("/silent");
    let out = p.on_frame(connect("1.2"));
    assert_eq!(frames(&out)[0].command, Command::Connected);
    assert_eq!(frames(&out)[0].headers.get("heart-beat"), Some("1000,0"));
    assert!(p
        .on_frame(
            Frame::new(Command::Send)
                .header("destination", "/a")
                .header("receipt", "r")
        )
        .is_empty());
}

#[test]
fn a_connection_past_the_faulty_ones_is_correct() {
    let scenario = Scenario::parse("/never-connected?faulty=1").unwrap();
    let mut p = Peer::new(scenario, false, 2);
    assert_eq!(
        frames(&p.on_frame(connect("1.2")))[0].command,
        Command::Connected
    );
}

#[test]
fn one_shot_faults_fire_once_at_their_trigger() {
    let mut p = peer("/drop-mid-frame");
    p.on_frame(connect("1.2"));
    let subscribe = |id: &str| {
        Frame::new(Command::Subscribe)
            .header("id", id)
            .header("destination", "/a")
    };
    let out = p.on_frame(subscribe("s1"));
    assert!(
        matches!(out[out.len() - 2], Out::Raw(ref half) if half.starts_with(b"MESSAGE\n") && !half.ends_with(b"\0"))
    );
    assert_eq!(out.last(), Some(&Out::Drop));

    let mut p = peer("/error-close");
    let out = p.on_frame(connect("1.2"));
    assert_eq!(frames(&out)[0].command, Command::Error);
    assert_eq!(out.last(), Some(&Out::Close));

    let mut p = peer("/garbage?at=send");
    p.on_frame(connect("1.2"));
    let send = Frame::new(Command::Send).header("destination", "/a");
    assert!(p
        .on_frame(send.clone())
        .iter()
        .any(|o| matches!(o, Out::Raw(_))));
    assert!(!p.on_frame(send).iter().any(|o| matches!(o, Out::Raw(_))));
}

#[test]
fn over_limit_frames_exceed_exactly_the_named_limit() {
    use stomp_wasm::frame::{Limit, Limits, Parser};
    for (query, limit) in [
        ("limit=header-bytes", Limit::HeaderBytes),
        ("limit=headers", Limit::Headers),
        ("limit=body&size=1001", Limit::BodyBytes),
    ] {
        let scenario = Scenario::parse(&format!("/over-limit?{query}")).unwrap();
        let mut bytes = Vec::new();
        oversize_message(&scenario)
            .encode(Default::default(), &mut bytes)
            .unwrap();
        let limits = Limits {
            max_body_bytes: 1000,
            ..Limits::default()
        };
        let error = Parser::with_limits(limits).push(&bytes).unwrap_err();
        assert_eq!(error, ParseError::LimitExceeded(limit), "{query}");
    }
    // One under the default header limits parses.
    let scenario = Scenario::parse("/over-limit?limit=headers&size=128").unwrap();
    let mut bytes = Vec::new();
    oversize_message(&scenario)
        .encode(Default::default(), &mut bytes)
        .unwrap();
    assert!(Parser::new().push(&bytes).is_ok());
}
