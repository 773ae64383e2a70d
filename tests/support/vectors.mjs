// The shared byte-stream vectors (tests/vectors/*.json, format in tests/vectors/README.md) loaded for the
// JS suites: chunks as octets, expected items as `'heartbeat'` or `{ command, headers, body: Uint8Array }`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTOR_DIR = fileURLToPath(new URL('../vectors/', import.meta.url));

const octets = (chunk, name) => {
  const keys = Object.keys(chunk);
  if (keys.length !== 1) throw new Error(`vector ${name}: a chunk has exactly one of text, base64`);
  if ('text' in chunk) return new Uint8Array(Buffer.from(chunk.text, 'utf8'));
  if ('base64' in chunk) return new Uint8Array(Buffer.from(chunk.base64, 'base64'));
  throw new Error(`vector ${name}: unknown chunk ${JSON.stringify(chunk)}`);
};

function expectedItem(item, name) {
  if (item === 'heartbeat') return item;
  if (typeof item === 'string') throw new Error(`vector ${name}: unknown item ${item}`);
  if ('body_text' in item && 'body_base64' in item) throw new Error(`vector ${name}: body_text or body_base64, not both`);
  const body = 'body_base64' in item ? Buffer.from(item.body_base64, 'base64') : Buffer.from(item.body_text ?? '', 'utf8');
  return { command: item.command, headers: item.headers, body: new Uint8Array(body) };
}

/** Every vector of every *.json file in tests/vectors/, in file order. */
export function loadVectors() {
  const files = readdirSync(VECTOR_DIR).filter((f) => f.endsWith('.json')).sort();
  return files.flatMap((file) => JSON.parse(readFileSync(join(VECTOR_DIR, file), 'utf8')).map((v) => ({
    ...v,
    file,
    chunkBytes: v.chunks.map((c) => octets(c, v.name)),
    items: v.expected.map((item) => expectedItem(item, v.name)),
  })));
}

/** The three cuts every runner must agree on: as given, one octet per chunk, all in one chunk. */
export function chunkings(vector) {
  const all = Buffer.concat(vector.chunkBytes.map((c) => Buffer.from(c)));
  return [
    ['as given', vector.chunkBytes],
    ['one octet per chunk', Array.from(all, (b) => new Uint8Array([b]))],
    ['one chunk', [new Uint8Array(all)]],
  ];
}

/** An item in a form `assert.deepStrictEqual` compares well (bodies as arrays of octets). */
export function comparable(item) {
  if (item === 'heartbeat') return item;
  return { command: item.command, headers: item.headers.map(([n, v]) => [n, v]), body: Array.from(item.body) };
}
