//! The real `Client` in headless Chromium against RabbitMQ Web-STOMP on loopback (started by
//! `make test`; `scripts/control-server.mjs` lets a page close every broker connection). The
//! scenarios are JS in `tests/web/scenarios.js`, using the Client as users do; each test runs one.
#![cfg(target_arch = "wasm32")]

use js_sys::Function;
use stomp_wasm::web::Client;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

mod js {
    use js_sys::Function;
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::JsValue;

    #[wasm_bindgen(module = "/tests/web/scenarios.js")]
    extern "C" {
        #[wasm_bindgen(catch, js_name = negotiatesAndRoundTripsText)]
        pub async fn negotiates_and_round_trips_text(make: &Function) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = binaryBodyWithNulsRoundTrips)]
        pub async fn binary_body_with_nuls_round_trips(make: &Function)
            -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = oneMebibyteBodyRoundTrips)]
        pub async fn one_mebibyte_body_round_trips(make: &Function) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = clientIndividualAckAndNackRedelivers)]
        pub async fn client_individual_ack_and_nack_redelivers(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = transactionCommitDeliversAbortDoesNot)]
        pub async fn transaction_commit_delivers_abort_does_not(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = publishWithReceiptResolves)]
        pub async fn publish_with_receipt_resolves(make: &Function) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = receiptThatNeverComesRejectsAfterTimeout)]
        pub async fn receipt_that_never_comes_rejects_after_timeout(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = errorOnInvalidDestinationReachesOnStompError)]
        pub async fn error_on_invalid_destination_reaches_on_stomp_error(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = heartbeatsFlowBothWaysAtOneSecond)]
        pub async fn heartbeats_flow_both_ways_at_one_second(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = brokerCloseReconnectsRestoresSubscriptionsDeliversOnce)]
        pub async fn broker_close_reconnects_restores_subscriptions_delivers_once(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = deactivateSettlesWhenTheBrokerNeverAnswers)]
        pub async fn deactivate_settles_when_the_broker_never_answers(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = workerTimerKeepsHeartbeats)]
        pub async fn worker_timer_keeps_heartbeats(make: &Function) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = onlineEventReconnectsAtOnce)]
        pub async fn online_event_reconnects_at_once(make: &Function) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = beforeConnectMayRefreshCredentials)]
        pub async fn before_connect_may_refresh_credentials(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = failoverMovesToTheNextUrl)]
        pub async fn failover_moves_to_the_next_url(make: &Function) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = reconnectAttemptsRunOutIntoFailed)]
        pub async fn reconnect_attempts_run_out_into_failed(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = debugRedactsCredentialsAndCallbacksCannotBreakTheClient)]
        pub async fn debug_redacts_credentials_and_callbacks_cannot_break_the_client(
            make: &Function,
        ) -> Result<JsValue, JsValue>;
    }
}

/// `make(options)`: constructs a Client, as `new Client(options)` does in JS.
fn make() -> Function {
    let make = Closure::<dyn FnMut(JsValue) -> Result<JsValue, JsValue>>::new(|options| {
        Client::new(options).map(JsValue::from)
    });
    make.into_js_value().into()
}

fn passed(result: Result<JsValue, JsValue>) {
    if let Err(error) = result {
        let message = js_sys::Reflect::get(&error, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{error:?}"));
        panic!("{message}");
    }
}

#[wasm_bindgen_test]
async fn negotiates_1_2_and_round_trips_chinese_and_emoji_text() {
    passed(js::negotiates_and_round_trips_text(&make()).await);
}

#[wasm_bindgen_test]
async fn binary_body_with_nul_octets_round_trips() {
    passed(js::binary_body_with_nuls_round_trips(&make()).await);
}

#[wasm_bindgen_test]
async fn one_mebibyte_body_round_trips() {
    passed(js::one_mebibyte_body_round_trips(&make()).await);
}

#[wasm_bindgen_test]
async fn client_individual_ack_and_nack_redelivers() {
    passed(js::client_individual_ack_and_nack_redelivers(&make()).await);
}

#[wasm_bindgen_test]
async fn transaction_commit_delivers_and_abort_does_not() {
    passed(js::transaction_commit_delivers_abort_does_not(&make()).await);
}

#[wasm_bindgen_test]
async fn publish_with_receipt_resolves_on_the_receipt() {
    passed(js::publish_with_receipt_resolves(&make()).await);
}

#[wasm_bindgen_test]
async fn receipt_that_never_comes_rejects_after_receipt_timeout() {
    passed(js::receipt_that_never_comes_rejects_after_timeout(&make()).await);
}

#[wasm_bindgen_test]
async fn error_on_invalid_destination_reaches_on_stomp_error() {
    passed(js::error_on_invalid_destination_reaches_on_stomp_error(&make()).await);
}

#[wasm_bindgen_test]
async fn heartbeats_at_one_second_flow_both_ways_for_five_seconds() {
    passed(js::heartbeats_flow_both_ways_at_one_second(&make()).await);
}

#[wasm_bindgen_test]
async fn broker_side_close_reconnects_restores_subscriptions_and_delivers_outage_messages_once() {
    passed(js::broker_close_reconnects_restores_subscriptions_delivers_once(&make()).await);
}

#[wasm_bindgen_test]
async fn deactivate_settles_within_its_timeout_when_the_broker_never_answers() {
    passed(js::deactivate_settles_when_the_broker_never_answers(&make()).await);
}

#[wasm_bindgen_test]
async fn heartbeat_strategy_worker_runs_the_timer_in_a_worker_and_keeps_heartbeats() {
    passed(js::worker_timer_keeps_heartbeats(&make()).await);
}

#[wasm_bindgen_test]
async fn online_event_reconnects_at_once_instead_of_waiting_out_the_backoff() {
    passed(js::online_event_reconnects_at_once(&make()).await);
}

#[wasm_bindgen_test]
async fn async_before_connect_can_refresh_credentials_before_each_attempt() {
    passed(js::before_connect_may_refresh_credentials(&make()).await);
}

#[wasm_bindgen_test]
async fn failover_moves_to_the_next_broker_url_after_a_failed_attempt() {
    passed(js::failover_moves_to_the_next_url(&make()).await);
}

#[wasm_bindgen_test]
async fn max_reconnect_attempts_ends_in_the_failed_state() {
    passed(js::reconnect_attempts_run_out_into_failed(&make()).await);
}

#[wasm_bindgen_test]
async fn debug_redacts_credentials_and_throwing_callbacks_do_not_break_the_client() {
    passed(js::debug_redacts_credentials_and_callbacks_cannot_break_the_client(&make()).await);
}
