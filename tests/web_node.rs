//! The JS `Client` in Node (`wasm-pack test --node`): what needs no broker and no browser — option
//! parsing and its errors, stompjs-style property assignment, publish parameter checks, events.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect};
use stomp_wasm::web::{ActivationState, Client};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

fn noop() -> JsValue {
    Function::new_no_args("").into()
}

/// The error `Client::new(options)` throws: (constructor name, message).
fn construct_error(pairs: &[(&str, JsValue)]) -> (String, String) {
    let error = match Client::new(object(pairs)) {
        Ok(_) => panic!("expected the options to be refused"),
        Err(error) => error,
    };
    describe(&error)
}

fn describe(error: &JsValue) -> (String, String) {
    let error: &js_sys::Error = error.unchecked_ref();
    (error.name().into(), error.message().into())
}

#[wasm_bindgen_test]
fn accepts_every_documented_option() {
    let brokers: Array = ["ws://127.0.0.1:1/ws", "ws://127.0.0.1:2/ws"]
        .iter()
        .map(|u| JsValue::from_str(u))
        .collect();
    let versions: Array = ["1.2", "1.1"]
        .iter()
        .map(|v| JsValue::from_str(v))
        .collect();
    let client = Client::new(object(&[
        ("brokerURL", brokers.into()),
        (
            "connectHeaders",
            object(&[("login", "guest".into()), ("passcode", "guest".into())]),
        ),
        ("disconnectHeaders", object(&[("x", "1".into())])),
        ("stompVersions", versions.into()),
        ("heartbeatIncoming", 0.into()),
        ("heartbeatOutgoing", 20000.into()),
        ("heartbeatToleranceMultiplier", 3.into()),
        ("heartbeatStrategy", "worker".into()),
        ("reconnectDelay", 1000.into()),
        ("reconnectTimeMode", 1.into()),
        ("maxReconnectDelay", 30000.into()),
        ("maxReconnectAttempts", 5.into()),
        ("reconnectJitter", JsValue::from_f64(0.5)),
        ("connectionTimeout", 3000.into()),
        ("receiptTimeout", 5000.into()),
        ("disconnectTimeout", 2000.into()),
        ("queueWhileDisconnected", false.into()),
        ("maxQueuedFrames", 10.into()),
        ("maxQueuedBytes", 1024.into()),
        ("maxHeaderBytes", 4096.into()),
        ("maxHeaders", 64.into()),
        ("maxBodyBytes", 65536.into()),
        ("forceBinaryWSFrames", true.into()),
        ("logRawCommunication", true.into()),
        ("debug", noop()),
        ("beforeConnect", noop()),
        ("onConnect", noop()),
        ("onStompError", noop()),
    ]))
    .expect("every documented option is accepted");
    assert_eq!(client.state(), ActivationState::INACTIVE);
    assert!(!client.active());
    assert!(!client.connected());
    assert_eq!(client.connection_state(), "inactive");
    assert!(client.on_connect().is_some());
}

#[wasm_bindgen_test]
fn unknown_option_is_a_type_error_naming_it() {
    let (name, message) = construct_error(&[("brokerUrl", "ws://x".into())]);
    assert_eq!(name, "TypeError");
    assert!(message.contains("'brokerUrl'"), "{message}");
}

#[wasm_bindgen_test]
fn wrong_types_are_type_errors_naming_the_key() {
    let cases: [(&str, JsValue); 8] = [
        ("reconnectDelay", "5000".into()),
        ("heartbeatIncoming", JsValue::from_f64(-1.0)),
        ("heartbeatOutgoing", JsValue::from_f64(1.5)),
        ("queueWhileDisconnected", "yes".into()),
        ("onConnect", "not a function".into()),
        ("webSocketFactory", 42.into()),
        ("brokerURL", 42.into()),
        ("connectHeaders", "login:guest".into()),
    ];
    for (key, value) in cases {
        let (name, message) = construct_error(&[(key, value)]);
        assert_eq!(name, "TypeError", "{key}: {message}");
        assert!(message.contains(key), "{key}: {message}");
    }
}

#[wasm_bindgen_test]
fn out_of_range_values_are_type_errors() {
    for (key, value) in [
        ("heartbeatStrategy", JsValue::from("sometimes")),
        ("reconnectTimeMode", JsValue::from(7)),
        ("reconnectJitter", JsValue::from_f64(1.5)),
        ("heartbeatToleranceMultiplier", JsValue::from_f64(0.5)),
        ("stompVersions", Array::of1(&"2.0".into()).into()),
    ] {
        let (name, message) = construct_error(&[(key, value)]);
        assert_eq!(name, "TypeError", "{key}: {message}");
        assert!(message.contains(key), "{key}: {message}");
    }
}

#[wasm_bindgen_test]
fn header_values_must_be_strings() {
    let (name, message) = construct_error(&[("connectHeaders", object(&[("login", object(&[]))]))]);
    assert_eq!(name, "TypeError");
    assert!(message.contains("login"), "{message}");
}

#[wasm_bindgen_test]
fn stompjs_style_assignment_sets_options_and_callbacks() {
    let client = Client::new(JsValue::UNDEFINED).unwrap();
    client.set_broker_url("ws://127.0.0.1:1/ws".into()).unwrap();
    client.set_reconnect_delay(0.into()).unwrap();
    let callback = Function::new_no_args("");
    client.set_on_connect(callback.clone().into()).unwrap();
    assert_eq!(client.on_connect(), Some(callback));
    let error = client.set_reconnect_delay("soon".into()).unwrap_err();
    assert_eq!(describe(&error).0, "TypeError");
    let error = client.configure(object(&[("nope", 1.into())])).unwrap_err();
    assert!(describe(&error).1.contains("'nope'"));
}

#[wasm_bindgen_test]
fn activate_without_a_broker_url_or_factory_is_an_error() {
    let client = Client::new(JsValue::UNDEFINED).unwrap();
    let error = client.activate().unwrap_err();
    assert!(
        describe(&error).1.contains("brokerURL"),
        "{:?}",
        describe(&error)
    );
}

#[wasm_bindgen_test]
fn unknown_event_names_are_type_errors() {
    let client = Client::new(JsValue::UNDEFINED).unwrap();
    client.on("connect", Function::new_no_args("")).unwrap();
    let error = client
        .on("connected", Function::new_no_args(""))
        .unwrap_err();
    assert_eq!(describe(&error).0, "TypeError");
    assert!(describe(&error).1.contains("connected"));
}

#[wasm_bindgen_test]
async fn publish_rejects_bad_parameters_and_inactive_clients() {
    let client = Client::new(object(&[("brokerURL", "ws://127.0.0.1:1/ws".into())])).unwrap();
    for (params, expected) in [
        (object(&[("body", "x".into())]), "destination"),
        (
            object(&[("destination", "/q".into()), ("body", 5.into())]),
            "body",
        ),
        (
            object(&[("destination", "/q".into()), ("binaryBody", "x".into())]),
            "binaryBody",
        ),
        (
            object(&[("destination", "/q".into()), ("colour", "red".into())]),
            "colour",
        ),
        (object(&[("destination", "/q".into())]), "inactive"),
    ] {
        let error = wasm_bindgen_futures::JsFuture::from(client.publish(params))
            .await
            .unwrap_err();
        let (_, message) = describe(&error);
        assert!(message.contains(expected), "{expected}: {message}");
    }
}

#[wasm_bindgen_test]
async fn deactivate_on_an_inactive_client_settles_at_once() {
    let client = Client::new(JsValue::UNDEFINED).unwrap();
    wasm_bindgen_futures::JsFuture::from(client.deactivate(None))
        .await
        .unwrap();
}

mod fake {
    use js_sys::Function;
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::JsValue;

    #[wasm_bindgen(module = "/tests/support/stomp-peer.js")]
    extern "C" {
        #[wasm_bindgen(catch, js_name = factoryMayReadTheClient)]
        pub async fn factory_may_read_the_client(make: &Function) -> Result<JsValue, JsValue>;
    }
}

fn make() -> Function {
    let make =
        wasm_bindgen::closure::Closure::<dyn FnMut(JsValue) -> Result<JsValue, JsValue>>::new(
            |options| Client::new(options).map(JsValue::from),
        );
    make.into_js_value().into()
}

#[wasm_bindgen_test]
async fn a_factory_that_reads_the_client_and_opens_at_once_works() {
    if let Err(error) = fake::factory_may_read_the_client(&make()).await {
        panic!("{}", describe(&error).1);
    }
}
