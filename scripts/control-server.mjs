// A tiny loopback HTTP server that lets browser test suites act on the test broker, which a page cannot
// reach otherwise: POST /close-all closes every client connection from the broker side
// (`scripts/broker close-all`). Listens on 127.0.0.1:${CONTROL_PORT:-15680} only; CORS open, since
// the test pages are served from another loopback port.
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const port = Number(process.env.CONTROL_PORT || 15680);
const broker = fileURLToPath(new URL('./broker', import.meta.url));

const server = createServer((req, res) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.end();
    return;
  }
  if (req.method === 'POST' && req.url === '/close-all') {
    execFile(broker, ['close-all'], { timeout: 30_000 }, (error, stdout, stderr) => {
      res.statusCode = error ? 500 : 200;
      res.end(error ? `${error.message}\n${stderr}` : stdout);
    });
    return;
  }
  res.statusCode = 404;
  res.end('not found\n');
});

server.listen(port, '127.0.0.1', () => console.log(`control-server: http://127.0.0.1:${port}`));
