// The stompjs v7 enums and helpers users import, with stompjs's values, so that
// `import { ActivationState } from '@stomp/stompjs'` becomes the same import from 'stomp-wasm'.
// Numeric enums carry TypeScript's reverse mapping (ActivationState[0] === 'ACTIVE'), as stompjs's do.

function numeric(names) {
  const e = {};
  for (let i = 0; i < names.length; i++) {
    e[names[i]] = i;
    e[i] = names[i];
  }
  return Object.freeze(e);
}

/** `client.state`. */
export const ActivationState = numeric(['ACTIVE', 'DEACTIVATING', 'INACTIVE']);

/** `reconnectTimeMode`. */
export const ReconnectionTimeMode = numeric(['LINEAR', 'EXPONENTIAL']);

/** WebSocket ready states. */
export const StompSocketState = numeric(['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']);

/** `heartbeatStrategy`. */
export const TickerStrategy = Object.freeze({ Interval: 'interval', Worker: 'worker' });

/** STOMP versions to offer (`stompVersions`), as stompjs's `Versions` class. */
export class Versions {
  constructor(versions) {
    this.versions = versions;
  }

  /** `"1.2,1.1"` for the `accept-version` header. */
  supportedVersions() {
    return this.versions.join(',');
  }

  /** The WebSocket subprotocols (`v12.stomp`, …). */
  protocolVersions() {
    return this.versions.map(function (v) {
      return 'v' + v.replace('.', '') + '.stomp';
    });
  }
}
Versions.V1_0 = '1.0';
Versions.V1_1 = '1.1';
Versions.V1_2 = '1.2';
Versions.default = new Versions(['1.2', '1.1', '1.0']);

/**
 * stompjs's `StompHeaders` and `StompConfig` are classes (so TypeScript code imports them as values,
 * which `verbatimModuleSyntax` insists on): plain objects of headers and of options, here too.
 */
export class StompHeaders {}

export class StompConfig {}
