//! TypeScript declarations that wasm-bindgen cannot infer: the options object, publish parameters,
//! callbacks and the event map. Referenced from the exported signatures with `unchecked_*_type`.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** STOMP headers: names to string values. */
export type StompHeaders = Record<string, string>;

/** A WebSocket-like object: what `webSocketFactory` returns (a WebSocket, SockJS, a wrapper). */
export interface IStompSocket {
  binaryType?: string;
  readyState?: number;
  onopen: ((event?: any) => void) | null;
  onmessage: ((event: { data: string | ArrayBuffer }) => void) | null;
  onclose: ((event?: any) => void) | null;
  onerror: ((event?: any) => void) | null;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

/** A received frame (MESSAGE, CONNECTED, RECEIPT, ERROR), as a plain object. */
export interface IFrame {
  readonly command: string;
  readonly headers: StompHeaders;
  readonly body: string;
  readonly binaryBody: Uint8Array;
  readonly isBinaryBody: boolean;
}

/** A MESSAGE: a frame that can be acknowledged. */
export interface IMessage extends IFrame {
  ack(headers?: StompHeaders): void;
  nack(headers?: StompHeaders): void;
}

export type messageCallbackType = (message: IMessage) => void;
export type frameCallbackType = (frame: IFrame) => void;
export type closeEventCallbackType = (event: any) => void;
export type wsErrorCallbackType = (event: any) => void;

/** Options for `new Client(options)` and `configure(options)`; the @stomp/stompjs v7 names. */
export interface ClientOptions {
  /** Broker URL, or several for failover (a failed attempt moves on to the next). */
  brokerURL?: string | string[];
  /** Returns a WebSocket-like object; used instead of `new WebSocket(brokerURL)`. */
  webSocketFactory?: () => IStompSocket;
  connectHeaders?: StompHeaders;
  disconnectHeaders?: StompHeaders;
  /** Versions to offer: `['1.2', '1.1', '1.0']` (default) or a `Versions` object. */
  stompVersions?: string[] | Versions;
  /** Milliseconds; 0 turns it off. Default 10000. */
  heartbeatIncoming?: number;
  /** Milliseconds; 0 turns it off. Default 10000. */
  heartbeatOutgoing?: number;
  /** Silence longer than the incoming interval times this closes the connection. Default 2. */
  heartbeatToleranceMultiplier?: number;
  /** 'worker' runs the timer in a Web Worker, unthrottled in background tabs. Default 'interval'. */
  heartbeatStrategy?: 'interval' | 'worker';
  /** Milliseconds before reconnecting; 0 = never. Default 5000. */
  reconnectDelay?: number;
  reconnectTimeMode?: ReconnectionTimeMode;
  /** Cap on any reconnect delay (milliseconds). Default 15 minutes. */
  maxReconnectDelay?: number;
  /** Reconnect attempts in a row before giving up (state 'failed'); 0 = no limit. Default 0. */
  maxReconnectAttempts?: number;
  /** Fraction (0..1) of each delay drawn at random and taken off it; 1 = full jitter. Default 0. */
  reconnectJitter?: number;
  /** Seed of the jitter's random sequence. */
  reconnectSeed?: number;
  /** No CONNECTED within this many ms: a failed attempt. 0 = wait forever (default). */
  connectionTimeout?: number;
  /** A receipt not received within this many ms fails. Default 30000; 0 = wait forever. */
  receiptTimeout?: number;
  /** `deactivate()` closes after this many ms without the DISCONNECT receipt. Default 5000. */
  disconnectTimeout?: number;
  /** Queue publish/ack/nack while (re)connecting, flushed after re-subscribing. Default true. */
  queueWhileDisconnected?: boolean;
  /** Default 1000. */
  maxQueuedFrames?: number;
  /** Default 4 MiB. */
  maxQueuedBytes?: number;
  /** Frame limits for what the broker sends. Defaults 8192, 128, 16 MiB. */
  maxHeaderBytes?: number;
  maxHeaders?: number;
  maxBodyBytes?: number;
  /** Send every frame as a binary WebSocket message. */
  forceBinaryWSFrames?: boolean;
  /** Also log frame bodies through `debug`. */
  logRawCommunication?: boolean;
  /** Header names whose values `debug` hides, beyond passcode and Authorization. */
  redactHeaders?: string[];
  /** Reconnect at once when the page becomes visible or the network comes back. Default true. */
  reconnectOnResume?: boolean;
  /** Socket kind: 'browser' (global WebSocket) or a mini-program API. Default: the global WebSocket if
   *  there is one, else the first of `wx`, `tt`, `uni` found. */
  platform?: 'browser' | 'wx' | 'uni' | 'tt';
  /** Connect headers also sent on a mini-program socket's handshake (`Authorization` always is). */
  handshakeHeaders?: string[];
  /** Mini-programs: wait while the app is hidden, reconnect at once when shown. Default true. */
  appLifecycle?: boolean;
  debug?: (message: string) => void;
  /** Called before each connection attempt; may return a Promise (e.g. to refresh a token). */
  beforeConnect?: (client: Client) => void | Promise<void>;
  onConnect?: frameCallbackType;
  onDisconnect?: () => void;
  onStompError?: frameCallbackType;
  onWebSocketClose?: closeEventCallbackType;
  onWebSocketError?: wsErrorCallbackType;
  onUnhandledMessage?: messageCallbackType;
  onUnhandledReceipt?: frameCallbackType;
  onUnhandledFrame?: frameCallbackType;
  onChangeState?: (state: ActivationState) => void;
  onHeartbeatReceived?: () => void;
  onHeartbeatLost?: () => void;
}

/** `publish()` parameters. */
export interface IPublishParams {
  destination: string;
  headers?: StompHeaders;
  body?: string;
  binaryBody?: Uint8Array;
  /** Settle the returned Promise with the broker's RECEIPT. */
  receipt?: boolean;
  skipContentLengthHeader?: boolean;
}

/** Events for `on(name, listener)` / `off(name, listener)` and their listener arguments. */
export interface ClientEventMap {
  connect: [frame: IFrame];
  disconnect: [];
  stompError: [frame: IFrame];
  webSocketClose: [event: any];
  webSocketError: [event: any];
  unhandledMessage: [message: IMessage];
  unhandledReceipt: [frame: IFrame];
  unhandledFrame: [frame: IFrame];
  changeState: [state: ActivationState];
  heartbeatReceived: [];
  heartbeatLost: [];
  state: [state: 'inactive' | 'connecting' | 'connected' | 'disconnecting' | 'reconnecting' | 'failed'];
  reconnectScheduled: [detail: { attempt: number; delay: number; at: number }];
  reconnectFailed: [detail: { attempts: number }];
  connectFailed: [detail: { reason: string; frame?: IFrame }];
  receiptFailed: [detail: { receiptId: string; error: string }];
  queueDiscarded: [detail: { frames: number }];
  transactionsAborted: [ids: string[]];
}
"#;
