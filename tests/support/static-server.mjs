// The static file server of the browser tests: on 127.0.0.1 at a free port (a page's origin must be
// http://127.0.0.1 for the package to load its wasm and reach the loopback broker), read-only, serving
// only the directories it is given (a built app, or the repository's pkg/ and tests/support/) and any
// fixed pages (a blank page, the check page) the test needs.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TYPES } from '../../scripts/demo-server.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Serves `pages` (URL path → HTML text) and the files under `root`: a URL path ending in `/` or without
 * an extension means that directory's index.html; a file outside the directories `under` (by default
 * `root` itself), or not there, is a 404. Resolves to the listening server (the caller closes it).
 */
export function serveStatic(root, { under = [root], pages = {} } = {}) {
  const allowed = under.map((dir) => resolve(dir) + sep);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (Object.hasOwn(pages, path)) {
      res.setHeader('Content-Type', TYPES['.html']);
      res.end(pages[path]);
      return;
    }
    const file = resolve(root, '.' + (path.endsWith('/') || !extname(path) ? join(path, 'index.html') : path));
    if (!allowed.some((dir) => file.startsWith(dir)) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file)] || 'application/octet-stream');
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/**
 * Serves the repository's pkg/ and tests/support/ (what a test page imports), @stomp/stompjs's ES
 * modules (the oracle some checks run next to the package), plus `pages`.
 */
export function serveRepository(pages) {
  const stompjs = join(ROOT, 'node_modules', '@stomp', 'stompjs', 'esm6');
  return serveStatic(ROOT, { under: [join(ROOT, 'pkg'), join(ROOT, 'tests', 'support'), stompjs], pages });
}
