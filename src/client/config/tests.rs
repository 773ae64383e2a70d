use super::*;

#[test]
fn defaults_match_the_session_and_stompjs() {
    let config = Config::new("ws://h/ws");
    let session = config.session_config(7, "p-");
    let defaults = session::Config::new("ws://h/ws");
    assert_eq!(
        session,
        session::Config {
            reconnect: ReconnectPolicy {
                seed: 7,
                ..defaults.reconnect.clone()
            },
            id_prefix: "p-".into(),
            ..defaults
        }
    );
}

#[test]
fn durations_become_milliseconds_and_none_turns_things_off() {
    let config = Config {
        heartbeat: Heartbeat {
            outgoing: Some(Duration::from_micros(10)),
            incoming: None,
            tolerance: 1.5,
        },
        reconnect: None,
        connection_timeout: Some(Duration::from_secs(3)),
        receipt_timeout: None,
        ..Config::failover(["ws://a", "ws://b"])
    };
    let session = config.session_config(0, "p-");
    assert_eq!(session.broker_urls, ["ws://a", "ws://b"]);
    assert_eq!(session.heartbeat_outgoing, 1, "sub-millisecond is not off");
    assert_eq!(session.heartbeat_incoming, 0);
    assert_eq!(session.reconnect.delay, 0);
    assert_eq!(session.connection_timeout, 3_000);
    assert_eq!(session.receipt_timeout, 0);
    assert_eq!(millis(Duration::MAX), u64::MAX);
}

#[test]
fn a_given_seed_wins_over_the_drawn_one() {
    let config = Config {
        reconnect: Some(Reconnect {
            seed: Some(42),
            max_attempts: Some(3),
            ..Reconnect::exponential(Duration::from_secs(1), Duration::from_secs(8))
        }),
        ..Config::new("ws://h")
    };
    let policy = config.session_config(7, "p-").reconnect;
    assert_eq!(policy.seed, 42);
    assert_eq!(policy.max_attempts, 3);
    assert_eq!(policy.mode, ReconnectTimeMode::Exponential);
    assert_eq!((policy.delay, policy.max_delay), (1_000, 8_000));
}

#[test]
fn check_names_the_field_out_of_range() {
    type Spoil = fn(&mut Config);
    let cases: [(&str, Spoil); 9] = [
        ("urls", |c| c.urls.push(String::new())),
        ("versions", |c| c.versions.clear()),
        ("heartbeat.tolerance", |c| c.heartbeat.tolerance = f64::NAN),
        ("reconnect.delay", |c| {
            c.reconnect = Some(Reconnect::linear(Duration::ZERO))
        }),
        ("reconnect.max_attempts", |c| {
            c.reconnect = Some(Reconnect {
                max_attempts: Some(0),
                ..Reconnect::default()
            })
        }),
        ("reconnect.jitter", |c| {
            c.reconnect = Some(Reconnect {
                jitter: 1.5,
                ..Reconnect::default()
            })
        }),
        ("disconnect_timeout", |c| {
            c.disconnect_timeout = Duration::ZERO
        }),
        ("subscription_buffer_bytes", |c| {
            c.subscription_buffer_bytes = 0
        }),
        ("event_buffer", |c| c.event_buffer = 0),
    ];
    for (field, spoil) in cases {
        let mut config = Config::new("ws://h");
        spoil(&mut config);
        match config.check() {
            Err(Error::Config { field: named, .. }) => assert_eq!(named, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn debug_hides_the_passcode_and_secret_headers() {
    let config = Config {
        connect_headers: Headers::from([("Authorization", "Bearer s3cret"), ("x", "y")]),
        ..Config::new("wss://u:s3cret@h/ws?token=s3cret").credentials("alice", "s3cret")
    };
    let text = alloc::format!("{config:?}");
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.contains("alice") && text.contains("Authorization"));
}
