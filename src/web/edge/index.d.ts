// Types of the stomp-wasm package (every build). The blocks between the markers (options, events,
// publish parameters) are written by scripts/gen-options.mjs from src/web/edge/options.js (build-pkg
// and `make test` run it with --check): edit the tables, not the blocks.

/** STOMP headers: names to values (numbers and booleans are sent as `String(value)`; `undefined`
 * and `null` leave the header out). A class, as stompjs's, so that `import { StompHeaders }` is a value
 * import too (`verbatimModuleSyntax`); any object literal of headers is one. */
export declare class StompHeaders {
  [name: string]: string | number | boolean | undefined | null;
}

/** The headers of a received frame. */
export type ReceivedHeaders = { [name: string]: string };

/**
 * A WebSocket-like object: what `webSocketFactory` returns (a WebSocket, SockJS, a wrapper). The handler
 * properties take `any` events, as stompjs's, so that a DOM `WebSocket` (whose handlers take `Event`,
 * `MessageEvent`, `CloseEvent`) is one.
 */
export interface IStompSocket {
  url?: string;
  binaryType?: string;
  readonly readyState?: number;
  bufferedAmount?: number;
  onopen: ((event?: any) => any) | undefined | null;
  onmessage: ((event: any) => any) | undefined | null;
  onclose: ((event?: any) => any) | undefined | null;
  onerror: ((event: any) => any) | undefined | null;
  /** The client sends strings and ArrayBuffers (`any` here, so that every socket's own signature fits). */
  send(data: any): void;
  close(code?: number, reason?: string): void;
  terminate?: (() => any) | undefined | null;
}

export interface IStompSocketMessageEvent {
  data?: string | ArrayBuffer;
}

/** A received frame (MESSAGE, CONNECTED, RECEIPT, ERROR). */
export interface IFrame {
  readonly command: string;
  readonly headers: ReceivedHeaders;
  /** The body as text (decoded as UTF-8, with U+FFFD where it is not). */
  readonly body: string;
  /** The body's bytes. */
  readonly binaryBody: Uint8Array;
  /** The body is not UTF-8 (so `body` is lossy: read `binaryBody`). */
  readonly isBinaryBody: boolean;
}

/** A received MESSAGE: a frame that can be acknowledged. */
export interface IMessage extends IFrame {
  /**
   * ACK, on the connection that delivered the message only: `false` (nothing sent, said through
   * `debug`) once that connection has ended — the broker redelivers it — or for an `ack: auto`
   * subscription's message.
   */
  ack(headers?: StompHeaders): boolean;
  /** NACK, as `ack()`. */
  nack(headers?: StompHeaders): boolean;
}

export type Message = IMessage;

/** stompjs's frame class: received frames are instances of it; code may make and subclass it. */
export declare class FrameImpl implements IFrame {
  constructor(params: {
    command: string;
    headers?: StompHeaders;
    body?: string;
    binaryBody?: Uint8Array;
    escapeHeaderValues?: boolean;
    skipContentLengthHeader?: boolean;
  });
  command: string;
  headers: ReceivedHeaders;
  readonly body: string;
  readonly binaryBody: Uint8Array;
  isBinaryBody: boolean;
  escapeHeaderValues: boolean;
  skipContentLengthHeader: boolean;
  /** The command and header lines. */
  toString(): string;
  /** The frame as written: a string, or an ArrayBuffer for a binary body. */
  serialize(): string | ArrayBuffer;
  static marshall(params: ConstructorParameters<typeof FrameImpl>[0]): string | ArrayBuffer;
  static fromRawFrame(rawFrame: IRawFrameType, escapeHeaderValues: boolean): FrameImpl;
}

/** The frame class behind received frames (`message instanceof Frame`, and `instanceof FrameImpl`). */
export declare class Frame extends FrameImpl {
  private constructor();
}

export type debugFnType = (message: string) => void;
export type messageCallbackType = (message: IMessage) => void;
export type frameCallbackType = (frame: IFrame) => void;
export type emptyCallbackType = () => void;
export type closeEventCallbackType<T = any> = (event: T) => void;
export type wsErrorCallbackType<T = any> = (event: T) => void;

/** `subscribe()`'s result. */
export interface StompSubscription {
  readonly id: string;
  unsubscribe(headers?: StompHeaders): void;
}

/** `begin()`'s result. */
export interface ITransaction {
  readonly id: string;
  commit(): void;
  abort(): void;
}

export type publishParams = IPublishParams;

/** stompjs's raw header pair (its parser's output; exported for type compatibility). */
export type RawHeaderType = [string, string];

/** stompjs's raw frame (its parser's output; exported for type compatibility). */
export interface IRawFrameType {
  command: string | undefined;
  headers: RawHeaderType[];
  binaryBody: Uint8Array | undefined;
}

// <events>
/** Every event of `on(name, listener)`: the arguments its listeners get. */
export interface ClientEventMap {
  connect: [frame: IFrame];
  disconnect: [frame: IFrame];
  stompError: [frame: IFrame];
  webSocketClose: [event: any];
  webSocketError: [event: any];
  unhandledMessage: [message: IMessage];
  unhandledReceipt: [frame: IFrame];
  unhandledFrame: [frame: IFrame];
  changeState: [state: ActivationState];
  heartbeatReceived: [];
  heartbeatLost: [];
  state: [state: ConnectionState];
  reconnectScheduled: [detail: { attempt: number; delay: number; at: number }];
  reconnectFailed: [detail: { attempts: number }];
  connectFailed: [detail: { reason: string; frame?: IFrame }];
  receiptFailed: [detail: { receiptId: string; error: string }];
  queueDiscarded: [detail: { frames: number; error: string }];
  transactionsAborted: [ids: string[]];
  subscriptionLost: [detail: { id: string; error: string }];
  messageRefused: [detail: { message: IMessage; error: string }];
}

/** The parameters of `publish()`. */
export interface IPublishParams {
  /** Where to send it. */
  destination: string;
  /** More headers (numbers and booleans are written as text). */
  headers?: StompHeaders;
  /** A text body. */
  body?: string;
  /** A binary body (any view or ArrayBuffer); sent as a binary frame, always with `content-length`. */
  binaryBody?: Uint8Array | ArrayBuffer | ArrayBufferView;
  /** Leave `content-length` out of a text frame (never of a binary one, as stompjs). */
  skipContentLengthHeader?: boolean;
  /** Ask for the broker's RECEIPT: the Promise resolves with it. */
  receipt?: boolean;
  /** This publish's delivery (default: the `delivery` option). */
  delivery?: "at-most-once" | "at-least-once";
}
// </events>

/** The detailed state (`client.connectionState`). */
export type ConnectionState = 'inactive' | 'connecting' | 'connected' | 'disconnecting' | 'reconnecting' | 'failed';

// <options>
/** The option values of `new Client(options)` and `configure(options)`. */
export interface ClientOptionValues {
  /** The broker URL, or several for failover (a failed attempt moves on to the next). */
  brokerURL?: string | string[];
  /** Returns a WebSocket-like object (SockJS, a wrapper); used instead of `new WebSocket(brokerURL)`. */
  webSocketFactory?: () => IStompSocket;
  /** CONNECT headers (`login`, `passcode`, `host`, …). Read again before every attempt, so a `beforeConnect` may change them. Default: {}. */
  connectHeaders?: StompHeaders;
  /** DISCONNECT headers. Default: {}. */
  disconnectHeaders?: StompHeaders;
  /** Versions offered, newest first by default: `['1.2', '1.1', '1.0']`. Default: ["1.2","1.1","1.0"]. */
  stompVersions?: Versions | string[];
  /** How often the broker should send heart-beats, in ms; 0 turns them off. Default: 10000. */
  heartbeatIncoming?: number;
  /** How often the client offers to send heart-beats, in ms; 0 turns them off. Default: 10000. */
  heartbeatOutgoing?: number;
  /** Silence longer than the incoming interval times this closes the connection (a check that runs over 100 ms late, because the client itself was asleep, first gives the broker one more interval). Default: 2. */
  heartbeatToleranceMultiplier?: number;
  /** 'worker' runs the client's timer in a Web Worker, which background tabs do not throttle (falls back to 'interval' where a worker cannot start, saying so through `debug`). Default: 'interval'. */
  heartbeatStrategy?: TickerStrategy | "interval" | "worker";
  /** Milliseconds before reconnecting; 0 never reconnects. Default: 5000. */
  reconnectDelay?: number;
  /** `ReconnectionTimeMode.EXPONENTIAL` doubles the delay after each failed attempt, up to `maxReconnectDelay`. Default: 0. */
  reconnectTimeMode?: ReconnectionTimeMode;
  /** Cap on any reconnect delay, in ms (never below `reconnectDelay`); 0 = no cap, as stompjs. Default: 15 min. */
  maxReconnectDelay?: number;
  /** Attempts in a row before giving up (state 'failed', a `reconnectFailed` event); 0 = no limit. The count starts again only after a connection has stayed up for 10 s. Default: 0. */
  maxReconnectAttempts?: number;
  /** Fraction (0–1) of each delay drawn at random and taken off it; 1 = full jitter. Default: 0. */
  reconnectJitter?: number;
  /** Seed of the jitter's random sequence (for reproducible delays). */
  reconnectSeed?: number;
  /** No CONNECTED within this many ms: the attempt fails and the next one starts; 0 waits forever. Default: 0. */
  connectionTimeout?: number;
  /** A receipt not received within this many ms fails; 0 waits forever. Default: 30000. */
  receiptTimeout?: number;
  /** `deactivate()` closes after this many ms without the DISCONNECT receipt. Default: 5000. */
  disconnectTimeout?: number;
  /** Queue publish/ack/nack while (re)connecting; sent after the subscriptions are restored. Default: true. */
  queueWhileDisconnected?: boolean;
  /** Most frames waiting for a connection: a `publish()` made while not connected throws (`code: 'QUEUE_FULL'`) when this many wait. While connected nothing is refused for being many (a loop that never awaits loses nothing; backpressure paces the writes); frames still waiting when the connection drops count here. Default: 1000. */
  maxQueuedFrames?: number;
  /** Most bytes (headers and bodies) waiting for a connection, as `maxQueuedFrames`. Default: 4 MiB. */
  maxQueuedBytes?: number;
  /** Most bytes of at-least-once frames the client keeps until their RECEIPT (written or waiting): an at-least-once `publish()` beyond it throws (`code: 'QUEUE_FULL'`). Default: 64 MiB. */
  maxUnconfirmedBytes?: number;
  /** An at-least-once frame that was the oldest unconfirmed one when its connection ended this many times in a row is given up, its Promise rejected (the broker refuses it: RabbitMQ closes the connection on a SEND to a missing exchange); 0 never gives up. Default: 3. */
  maxDeliveryAttempts?: number;
  /** Limit on a received frame's command and header lines, in bytes. Default: 8192. */
  maxHeaderBytes?: number;
  /** Limit on the number of headers of a received frame. Default: 128. */
  maxHeaders?: number;
  /** Limit on a received frame's body, in bytes. Default: 16 MiB. */
  maxBodyBytes?: number;
  /** 'at-least-once': every publish carries a receipt and a `dedup-id` header (the same value) and stays in the client until its RECEIPT, sent again after a reconnect (after the subscriptions, before newer frames); its Promise resolves with the RECEIPT. Duplicates are possible: consumers de-duplicate on `dedup-id`. Bounded by `maxUnconfirmedBytes`; given up after `maxDeliveryAttempts`. Also per publish (`publish({…, delivery})`). Default: 'at-most-once'. */
  delivery?: "at-most-once" | "at-least-once";
  /** Subscriptions made while not connected are always kept and restored after every reconnect; with true, those made while connected are too (until unsubscribed) — for code that does not subscribe again in `onConnect`. Subscriptions a connect callback makes (while it runs, or while the Promise it returned is pending) always last for their connection: it makes them again. Default: false. */
  keepSubscriptions?: boolean;
  /** Backpressure: the socket never holds more unsent bytes than this plus one frame; later frames wait in the client, in the order issued, and each publish Promise resolves once its frame is written, so `await client.publish(…)` in a loop paces itself; 0 turns it off. Default: 262144. */
  maxBufferedAmount?: number;
  /** Send every frame as a binary WebSocket message. Default: false. */
  forceBinaryWSFrames?: boolean;
  /** Write a text frame longer than `maxWebSocketChunkSize` as several WebSocket messages, cut between UTF-8 characters, for brokers that reassemble them (Spring, RabbitMQ); binary frames are never split. Default: false. */
  splitLargeFrames?: boolean;
  /** With `splitLargeFrames`: the most bytes in one WebSocket message (stompjs counts UTF-16 units instead). Default: 8192. */
  maxWebSocketChunkSize?: number;
  /** When heart-beats are lost, a connection attempt or a disconnect times out, or on `forceDisconnect()`: discard the socket (`terminate()` where it has one, as Node's `ws`) instead of closing it gracefully. The client moves on at once either way. Default: false. */
  discardWebsocketOnCommFailure?: boolean;
  /** Ends each incoming text message with the NUL a frame ends with when it lacks one (React Native cuts strings at NUL); only for brokers that send one whole frame per message. Default: false. */
  appendMissingNULLonIncoming?: boolean;
  /** Show frames through `debug` as stompjs does with it: the whole frame text, body and NUL included (credentials stay hidden). Default: false. */
  logRawCommunication?: boolean;
  /** Header names whose values `debug` never shows, beyond `passcode` and `Authorization`. Default: []. */
  redactHeaders?: string[];
  /** Reconnect at once when the page becomes visible or the network comes back. Default: true. */
  reconnectOnResume?: boolean;
  /** Socket API: 'browser' (the global WebSocket) or a mini-program's (`my`: Alipay); by default the global WebSocket if there is one, else the first of `wx`, `tt`, `my`, `uni` found. */
  platform?: "browser" | "wx" | "uni" | "tt" | "my";
  /** Connect headers also sent on a mini-program socket's handshake (`Authorization` always is). Default: []. */
  handshakeHeaders?: string[];
  /** Mini-programs: wait while the app is hidden, reconnect at once when it is shown. Default: true. */
  appLifecycle?: boolean;
  /** Receives log lines. `passcode`, `Authorization` and `redactHeaders` never reach it. */
  debug?: debugFnType;
  /** Called before each connection attempt; may return a Promise (e.g. to refresh a token into `connectHeaders`, or to set `brokerURL`: it is read after). */
  beforeConnect?: (client: Client) => void | Promise<void>;
}

/** The stompjs callbacks, as options. */
export interface ClientCallbacks {
  /** Also `on('connect', …)`. */
  onConnect?: frameCallbackType;
  /** Also `on('disconnect', …)`. */
  onDisconnect?: frameCallbackType;
  /** Also `on('stompError', …)`. */
  onStompError?: frameCallbackType;
  /** Also `on('webSocketClose', …)`. */
  onWebSocketClose?: closeEventCallbackType;
  /** Also `on('webSocketError', …)`. */
  onWebSocketError?: wsErrorCallbackType;
  /** Also `on('unhandledMessage', …)`. */
  onUnhandledMessage?: messageCallbackType;
  /** Also `on('unhandledReceipt', …)`. */
  onUnhandledReceipt?: frameCallbackType;
  /** Also `on('unhandledFrame', …)`. */
  onUnhandledFrame?: frameCallbackType;
  /** Also `on('changeState', …)`. */
  onChangeState?: (state: ActivationState) => void;
  /** Also `on('heartbeatReceived', …)`. */
  onHeartbeatReceived?: emptyCallbackType;
  /** Also `on('heartbeatLost', …)`. */
  onHeartbeatLost?: emptyCallbackType;
}

/** Options for `new Client(options)` and `configure(options)`. */
export interface ClientOptions extends ClientOptionValues, ClientCallbacks {}

/** The option and callback properties of a Client: they read back what was set (or the default). */
export interface ClientOptionProperties {
  brokerURL: string | string[] | undefined;
  webSocketFactory: (() => IStompSocket) | undefined;
  connectHeaders: StompHeaders;
  disconnectHeaders: StompHeaders;
  stompVersions: Versions | string[];
  heartbeatIncoming: number;
  heartbeatOutgoing: number;
  heartbeatToleranceMultiplier: number;
  heartbeatStrategy: TickerStrategy | "interval" | "worker";
  reconnectDelay: number;
  reconnectTimeMode: ReconnectionTimeMode;
  maxReconnectDelay: number;
  maxReconnectAttempts: number;
  reconnectJitter: number;
  reconnectSeed: number | undefined;
  connectionTimeout: number;
  receiptTimeout: number;
  disconnectTimeout: number;
  queueWhileDisconnected: boolean;
  maxQueuedFrames: number;
  maxQueuedBytes: number;
  maxUnconfirmedBytes: number;
  maxDeliveryAttempts: number;
  maxHeaderBytes: number;
  maxHeaders: number;
  maxBodyBytes: number;
  delivery: "at-most-once" | "at-least-once";
  keepSubscriptions: boolean;
  maxBufferedAmount: number;
  forceBinaryWSFrames: boolean;
  splitLargeFrames: boolean;
  maxWebSocketChunkSize: number;
  discardWebsocketOnCommFailure: boolean;
  appendMissingNULLonIncoming: boolean;
  logRawCommunication: boolean;
  redactHeaders: string[];
  reconnectOnResume: boolean;
  platform: "browser" | "wx" | "uni" | "tt" | "my" | undefined;
  handshakeHeaders: string[];
  appLifecycle: boolean;
  debug: debugFnType;
  beforeConnect: ((client: Client) => void | Promise<void>) | undefined;
  onConnect: frameCallbackType;
  onDisconnect: frameCallbackType;
  onStompError: frameCallbackType;
  onWebSocketClose: closeEventCallbackType;
  onWebSocketError: wsErrorCallbackType;
  onUnhandledMessage: messageCallbackType;
  onUnhandledReceipt: frameCallbackType;
  onUnhandledFrame: frameCallbackType;
  onChangeState: (state: ActivationState) => void;
  onHeartbeatReceived: emptyCallbackType;
  onHeartbeatLost: emptyCallbackType;
}
// </options>


/** A STOMP client over WebSocket, with the @stomp/stompjs v7 API. */
export declare class Client {
  constructor(options?: ClientOptions);
  /** Changes the options given (only those). */
  configure(options: ClientOptions): void;
  /** Starts connecting, and keeps reconnecting per the policy until `deactivate()`. */
  activate(): void;
  /** Disconnects (gracefully, or at once with `force`); always settles. */
  deactivate(options?: { force?: boolean }): Promise<void>;
  /** Closes the socket as if the network dropped; the client reconnects per the policy. */
  forceDisconnect(): void;
  /** Reconnects at once if waiting out a backoff, failed, or silent past the heart-beat tolerance. */
  reconnectNow(): void;
  /** Sends a message; the Promise settles once written or queued, or with the RECEIPT (`receipt: true`). */
  publish(params: IPublishParams): Promise<IFrame | undefined>;
  /** Subscribes; the subscription survives reconnects. */
  subscribe(destination: string, callback: messageCallbackType, headers?: StompHeaders): StompSubscription;
  unsubscribe(id: string, headers?: StompHeaders): void;
  ack(messageId: string, subscriptionId: string, headers?: StompHeaders): void;
  nack(messageId: string, subscriptionId: string, headers?: StompHeaders): void;
  begin(transactionId?: string): ITransaction;
  commit(transactionId: string): void;
  abort(transactionId: string): void;
  watchForReceipt(receiptId: string, callback: frameCallbackType): void;
  /** Adds a listener (any number per event). */
  on<K extends keyof ClientEventMap>(name: K, listener: (...args: ClientEventMap[K]) => void): void;
  /** Removes a listener added with `on`; returns whether it was there. */
  off<K extends keyof ClientEventMap>(name: K, listener: (...args: ClientEventMap[K]) => void): boolean;
  /** Whether a STOMP session is established. */
  readonly connected: boolean;
  /** Whether the client is active (connecting, connected or reconnecting). */
  readonly active: boolean;
  readonly state: ActivationState;
  readonly connectionState: ConnectionState;
  readonly connectedVersion: string | undefined;
  readonly serverHeaders: ReceivedHeaders;
  readonly webSocket: IStompSocket | undefined;
  readonly usesWorkerTimer: boolean;
}
// The option properties (readable and writable, as stompjs's) and the callback properties.
export declare interface Client extends ClientOptionProperties {}

/** stompjs's `StompConfig`: the options object of `new Client(config)` (a class there, so here too). */
export declare class StompConfig {}
export declare interface StompConfig extends ClientOptions {}

/**
 * stomp.js 2.x's client API (stompjs v7's `CompatClient`): a `Client` with the 2.x methods and property
 * names. Made by `Stomp.over(() => socket)` or `Stomp.client(url)`. As in stompjs v7 it does not
 * reconnect unless `reconnect_delay` is set, and logs to `console.log` until `debug` is set.
 */
export declare class CompatClient extends Client {
  constructor(webSocketFactory?: () => IStompSocket);
  /** No effect, as in stompjs v7 (see `splitLargeFrames` and `maxWebSocketChunkSize`). Default 16384. */
  maxWebSocketFrameSize: number;
  /** Sets `connectHeaders`, `onConnect`, `onStompError`, `onWebSocketClose` (those given), then `activate()`. */
  connect(headers: StompHeaders, connectCallback: frameCallbackType, errorCallback?: frameCallbackType | null, closeEventCallback?: closeEventCallbackType | null): void;
  /** `login` and `passcode` (and `host`) become the CONNECT headers. A string fifth argument is the host (stomp.js 2.x). */
  connect(login: string, passcode: string, connectCallback: frameCallbackType, errorCallback?: frameCallbackType | null, closeEventCallback?: closeEventCallbackType | string | null, host?: string): void;
  /** Sets `onDisconnect` (if given) and `disconnectHeaders`, then `deactivate()`. */
  disconnect(disconnectCallback?: frameCallbackType | null, headers?: StompHeaders): void;
  /** `publish({destination, headers, body})`; a `'content-length': false` header leaves content-length out. Throws on a bad argument. */
  send(destination: string, headers?: StompHeaders, body?: string): void;
  /** `reconnectDelay`. */
  reconnect_delay: number;
  /** `webSocket`. */
  readonly ws: IStompSocket | undefined;
  /** `connectedVersion`. */
  readonly version: string | undefined;
  /** `onUnhandledMessage`. */
  onreceive: messageCallbackType;
  /** `onUnhandledReceipt`. */
  onreceipt: frameCallbackType;
  /** `heartbeatIncoming` and `heartbeatOutgoing`, live (`client.heartbeat.outgoing = 20000`). */
  heartbeat: { incoming: number; outgoing: number };
}

/** stomp.js 2.x's `Stomp` (stompjs v7's class of static members): makes `CompatClient`s. */
export declare const Stomp: {
  /** A WebSocket class for `Stomp.client` instead of the global one; set it before calling `client`. */
  WebSocketClass: any;
  /**
   * A client for `url`: with no `protocols` and no `WebSocketClass`, the client opens its own socket
   * (the global WebSocket, or `wx`/`tt`/`uni.connectSocket` in a mini-program).
   */
  client(url: string, protocols?: string[]): CompatClient;
  /** A client over a WebSocket-like object: pass a function returning a new one (reconnects work), or a socket (with a warning). */
  over(ws: (() => any) | object): CompatClient;
};

export declare enum ActivationState {
  ACTIVE = 0,
  DEACTIVATING = 1,
  INACTIVE = 2,
}

export declare enum ReconnectionTimeMode {
  LINEAR = 0,
  EXPONENTIAL = 1,
}

export declare enum StompSocketState {
  CONNECTING = 0,
  OPEN = 1,
  CLOSING = 2,
  CLOSED = 3,
}

export declare enum TickerStrategy {
  Interval = 'interval',
  Worker = 'worker',
}

export declare class Versions {
  constructor(versions: string[]);
  readonly versions: string[];
  static readonly V1_0: string;
  static readonly V1_1: string;
  static readonly V1_2: string;
  static readonly default: Versions;
  supportedVersions(): string;
  protocolVersions(): string[];
}

/** Whether `init()` has completed. */
export function isInitialized(): boolean;
