#!/usr/bin/env node
// The demo's web server: www/ at /, pkg/ at /pkg/ (the browser build the pages import), and /config.json,
// generated from the environment so that the pages find the broker `make demo` chose:
//
//   BROKER_URL        ws:// or wss:// URL of a STOMP-over-WebSocket endpoint (default: the test broker)
//   BROKER_LOGIN      login (default guest)          BROKER_PASSCODE   passcode (default guest)
//   BROKER_VHOST      sent as the CONNECT `host` header (RabbitMQ's virtual host); unset = none
//   DEMO_PRESET       destination preset: rabbitmq (default) or spring (see www/README.md)
//   DEMO_CONFIG       a JSON object merged over all of that (any key of www/js/config.js)
//   DEMO_HOST, DEMO_PORT   where to listen (default 127.0.0.1:8080); DEMO_QUIET=1 prints one line
//
// Run by scripts/demo (`make demo`); tests import startDemoServer() and listen on a free port.
// Loopback only by default; static files only; nothing is cached (the pages change while you work).
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Content types by file extension (the browser tests' static server uses them too). */
export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The page configuration from the environment (only the keys that are set). */
export function configFromEnv(env = process.env) {
  const config = {};
  if (env.BROKER_URL) config.brokerURL = env.BROKER_URL;
  if (env.BROKER_LOGIN !== undefined) config.login = env.BROKER_LOGIN;
  if (env.BROKER_PASSCODE !== undefined) config.passcode = env.BROKER_PASSCODE;
  if (env.BROKER_VHOST) config.vhost = env.BROKER_VHOST;
  if (env.DEMO_PRESET) config.preset = env.DEMO_PRESET;
  if (env.DEMO_CONFIG) {
    let extra;
    try {
      extra = JSON.parse(env.DEMO_CONFIG);
    } catch (error) {
      throw new Error(`DEMO_CONFIG is not JSON: ${error.message}`);
    }
    if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw new Error('DEMO_CONFIG must be a JSON object');
    Object.assign(config, extra);
  }
  if (config.brokerURL !== undefined && !/^wss?:\/\/[^\s]+$/.test(String(config.brokerURL))) {
    throw new Error(`BROKER_URL must be a ws:// or wss:// URL, not ${JSON.stringify(config.brokerURL)}`);
  }
  return config;
}

/** Maps a URL path to a file under www/ or pkg/, or null when it would leave them. */
function fileFor(root, pathname) {
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const [base, rest] = path === '/pkg' || path.startsWith('/pkg/')
    ? [join(root, 'pkg'), path.slice(4)]
    : [join(root, 'www'), path];
  const file = resolve(base, '.' + (rest || '/'));
  if (file !== base && !file.startsWith(base + sep)) return null;
  return file;
}

async function existingFile(file) {
  for (const candidate of [file, join(file, 'index.html'), file + '.html']) {
    try {
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // try the next
    }
  }
  return null;
}

/**
 * Starts the server. `config` is served as /config.json (default: from the environment).
 * Resolves to {server, url, close()} once listening.
 */
export function startDemoServer({ host = '127.0.0.1', port = 8080, root = ROOT, config = configFromEnv(), log } = {}) {
  const body = JSON.stringify(config, null, 2) + '\n';
  const server = createServer(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const { pathname } = new URL(req.url, 'http://demo');
    if (pathname === '/config.json') {
      res.writeHead(200, { 'Content-Type': TYPES['.json'] }).end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const mapped = fileFor(root, pathname);
    const file = mapped && (await existingFile(mapped));
    if (!file) {
      log?.(`404 ${pathname}`);
      const hint = pathname.startsWith('/pkg/') ? 'pkg/ is not built: run `make pkg` (scripts/build-pkg).\n' : '';
      res.writeHead(404, { 'Content-Type': TYPES['.txt'] }).end(`not found: ${pathname}\n${hint}`);
      return;
    }
    if (pathname !== '/' && !extname(pathname) && !pathname.endsWith('/') && file.endsWith(sep + 'index.html')) {
      // /dir → /dir/ so that the page's relative URLs resolve.
      res.writeHead(301, { Location: pathname + '/' }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const address = server.address();
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${shown}:${address.port}/`;
      ok({
        server,
        url,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}

function printBanner(url, config, host) {
  console.log(`demo-server:   visitor (H5 chat):  ${url}visitor.html`);
  console.log(`demo-server:   agent console:      ${url}agent.html`);
  console.log(`demo-server:   start page:         ${url}`);
  console.log(`demo-server: broker ${config.brokerURL || 'ws://<page host>:15674/ws (the pages\' default)'}` +
    `${config.login !== undefined ? ` (login ${config.login})` : ''}`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    console.log(`demo-server: note: listening on ${host}, reachable from other machines`);
  }
}

async function main() {
  const host = process.env.DEMO_HOST || '127.0.0.1';
  const port = Number(process.env.DEMO_PORT || 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`demo-server: DEMO_PORT must be a port number, not ${process.env.DEMO_PORT}`);
    process.exit(2);
  }
  let config;
  try {
    config = configFromEnv();
  } catch (error) {
    console.error(`demo-server: ${error.message}`);
    process.exit(2);
  }
  let running;
  try {
    running = await startDemoServer({
      host,
      port,
      config,
      log: process.env.DEMO_LOG ? (line) => console.log(`demo-server: ${line}`) : undefined,
    });
  } catch (error) {
    const why = error.code === 'EADDRINUSE' ? `${host}:${port} is already in use (set DEMO_PORT to another port)` : error.message;
    console.error(`demo-server: cannot listen: ${why}`);
    process.exit(1);
  }
  const { url } = running;
  console.log(`demo-server: serving www/ and pkg/ on ${url}`);
  if (!process.env.DEMO_QUIET) printBanner(url, config, host);
  const stop = (signal) => {
    running.close().then(() => process.exit(signal === 'SIGINT' ? 130 : 0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main();
}
