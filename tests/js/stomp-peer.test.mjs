// The shared STOMP test peer (tests/support/stomp-peer.js) checked against every vector in
// tests/vectors/, so that the peer the other suites lean on reads the wire as the spec (and the Rust codec)
// does: each vector under three chunkings, then every vector frame written back by the encoder under each
// version that can express it and read again unchanged. Also the fake broker's version negotiation, and
// that the module loads in a browser page as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { Parser, encodeFrame, fakeBroker, StompEncodeError, VERSIONS, bodyText, header } from '../support/stomp-peer.js';
import { loadVectors, chunkings, comparable } from '../support/vectors.mjs';

const vectors = loadVectors();

test('the vectors are all there (every file, more than 100 vectors)', () => {
  assert.ok(vectors.length >= 100, `only ${vectors.length} vectors`);
  assert.deepEqual(new Set(vectors.map((v) => v.file)).size, 8, 'eight vector files');
});

test('the peer parses every vector, whatever the chunking', () => {
  const failures = [];
  for (const vector of vectors) {
    for (const [how, chunks] of chunkings(vector)) {
      const parser = new Parser({ version: vector.version, followConnected: vector.follow_connected ?? true, limits: vector.limits ?? {} });
      const items = [];
      let error = null;
      for (const chunk of chunks) {
        const out = parser.push(chunk);
        items.push(...out.items);
        if (out.error) {
          error = out.error;
          break;
        }
      }
      const where = `${vector.name} (${how}): ${vector.description}`;
      try {
        assert.deepStrictEqual(items.map(comparable), vector.items.map(comparable), `${where}: items`);
        assert.equal(error, vector.error ?? null, `${where}: error`);
        if (vector.final_version) assert.equal(parser.version, vector.final_version, `${where}: final version`);
        if (vector.in_frame !== undefined && !error) assert.equal(parser.inFrame, vector.in_frame, `${where}: in_frame`);
      } catch (failure) {
        failures.push(failure.message);
      }
    }
  }
  assert.deepEqual(failures, [], `${failures.length} failures`);
});

test('every vector frame the encoder can express reads back unchanged under that version', (t) => {
  let written = 0;
  let refused = 0;
  for (const vector of vectors) {
    for (const frame of vector.items.filter((item) => item !== 'heartbeat')) {
      let somewhere = false;
      for (const version of VERSIONS) {
        let bytes;
        try {
          bytes = encodeFrame(frame, { version });
        } catch (error) {
          assert.ok(error instanceof StompEncodeError, `${vector.name} under ${version}: ${error}`);
          refused += 1;
          continue;
        }
        somewhere = true;
        written += 1;
        const expected = comparable(frame);
        // A body with a NUL and no content-length gets one from the encoder.
        if (!header(frame, 'content-length') && frame.body.includes(0)) expected.headers.push(['content-length', String(frame.body.length)]);
        for (const eol of ['\n', '\r\n']) {
          const again = new Parser({ version, followConnected: false }).push(eol === '\n' ? bytes : encodeFrame(frame, { version, eol }));
          assert.equal(again.error, null, `${vector.name} under ${version}: ${again.error}`);
          assert.deepStrictEqual(again.items.map(comparable), [expected], `${vector.name} written under ${version} (eol ${JSON.stringify(eol)})`);
        }
      }
      assert.ok(somewhere || frame.headers.some(([n, v]) => `${n}${v}`.includes('\0')), `${vector.name}: no version can write ${JSON.stringify(comparable(frame))}`);
    }
  }
  t.diagnostic(`${written} frame writes read back unchanged; ${refused} refused as not expressible in that version`);
  assert.ok(written >= 150, `only ${written} round trips`);
});

test('the encoder escapes per version and refuses what a version cannot say', () => {
  const frame = { command: 'SEND', headers: [['k', 'a\rb\nc:d\\e']], body: 'x' };
  assert.equal(bodyText({ body: encodeFrame(frame, { version: '1.2' }) }), 'SEND\nk:a\\rb\\nc\\cd\\\\e\n\nx\0');
  assert.throws(() => encodeFrame(frame, { version: '1.1' }), /CR .* under 1\.1/);
  assert.throws(() => encodeFrame(frame, { version: '1.0' }), /without escapes/);
  assert.equal(bodyText({ body: encodeFrame({ command: 'CONNECT', headers: [['passcode', 'a:b\\c']] }) }), 'CONNECT\npasscode:a:b\\c\n\n\0');
  assert.throws(() => encodeFrame({ command: 'SEND', headers: [['k', ' padded ']] }, { version: '1.0' }), /padded/);
  assert.equal(bodyText({ body: encodeFrame({ command: 'SEND', headers: {}, body: 'a\0b' }) }), 'SEND\ncontent-length:3\n\na\0b\0');
});

test('the fake broker answers with the highest version both sides accept, and an ERROR when there is none', async () => {
  for (const [offered, speaks, expected] of [['1.2,1.1,1.0', ['1.2', '1.1', '1.0'], '1.2'], ['1.2,1.1', ['1.1', '1.0'], '1.1'],
    ['1.0', VERSIONS, '1.0'], ['1.2', ['1.0'], null]]) {
    const broker = fakeBroker({ versions: speaks });
    const socket = broker.factory();
    const received = [];
    const parser = new Parser();
    socket.onmessage = ({ data }) => received.push(...parser.push(data).items);
    let closed = null;
    socket.onclose = (event) => (closed = event);
    socket.send(`CONNECT\naccept-version:${offered}\nhost:/\n\n\0`);
    const [answer] = received;
    if (expected === null) {
      assert.equal(answer.command, 'ERROR');
      assert.match(header(answer, 'message'), /no common version/);
      assert.equal(closed.code, 1002);
    } else {
      assert.equal(answer.command, 'CONNECTED', `${offered} to a broker of ${speaks}`);
      assert.equal(header(answer, 'version'), expected === '1.0' ? undefined : expected, 'a 1.0 broker names no version');
      assert.equal(broker.connections[0].version, expected);
      // Frames after CONNECTED are escaped per the negotiated version, both ways.
      socket.send(`SUBSCRIBE\nid:s\ndestination:/q\n\n\0`);
      const value = expected === '1.0' ? 'plain' : 'line\nbreak';
      socket.send(encodeFrame({ command: 'SEND', headers: [['destination', '/q'], ['x', value], ['receipt', 'r']], body: 'hi' }, { version: expected }));
      assert.deepEqual(received.slice(1).map((f) => f.command), ['MESSAGE', 'RECEIPT']);
      assert.equal(header(received[1], 'x'), value);
      assert.equal(bodyText(received[1]), 'hi');
    }
  }
});

test('the fake broker answers a DISCONNECT without a receipt by closing, not by throwing', () => {
  const broker = fakeBroker();
  const socket = broker.factory();
  let closed = null;
  socket.onclose = (event) => (closed = event);
  socket.onmessage = () => {};
  socket.send('CONNECT\naccept-version:1.2\n\n\0');
  socket.send('DISCONNECT\n\n\0');
  assert.equal(broker.commands(), 'CONNECT,DISCONNECT');
  assert.equal(closed.code, 1000);
});

test('the codec and the fake broker load in a browser page as they are (no Node-only imports)', { timeout: 60000 }, async () => {
  const source = readFileSync(new URL('../support/stomp-peer.js', import.meta.url));
  const server = createServer((req, res) => {
    if (req.url === '/stomp-peer.js') {
      res.setHeader('Content-Type', 'text/javascript');
      res.end(source);
    } else {
      res.setHeader('Content-Type', 'text/html');
      res.end('<!doctype html><meta charset="utf-8"><title>peer</title>');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const result = await page.evaluate(async () => {
      const peer = await import('/stomp-peer.js');
      const { items, error } = new peer.Parser().push('MESSAGE\ncontent-length:3\nk:a\\cb\n\n\0\0\0\0\n');
      const broker = peer.fakeBroker();
      const socket = broker.factory();
      const answers = [];
      socket.onmessage = ({ data }) => answers.push(data.split('\n')[0]);
      socket.send('CONNECT\naccept-version:1.1\n\n\0');
      return { frame: [items[0].command, items[0].headers, Array.from(items[0].body)], rest: items.slice(1), error, answers };
    });
    assert.deepEqual(result, {
      frame: ['MESSAGE', [['content-length', '3'], ['k', 'a:b']], [0, 0, 0]],
      rest: ['heartbeat'],
      error: null,
      answers: ['CONNECTED'],
    });
  } finally {
    await browser.close();
    server.close();
  }
});
