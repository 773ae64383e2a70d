// scripts/gen-options.mjs [--check] — writes what the option table (src/web/edge/options.js) drives
// besides parsing and the properties: the options block of src/web/edge/index.d.ts and the options
// table of pkg-src/README.md. With --check it writes nothing and exits 1 if either is out of date
// (a test runs it), so the table, the types and the README cannot drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPTIONS, CALLBACKS } from '../src/web/edge/options.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

function shownDefault(value) {
  if (value === undefined) return '—';
  if (typeof value === 'string') return `\`'${value}'\``;
  if (Array.isArray(value)) return value.length ? `\`${JSON.stringify(value)}\`` : '`[]`';
  if (typeof value === 'object') return '`{}`';
  if (typeof value === 'number' && value >= 60000 && value % 60000 === 0) return `${value / 60000} min`;
  if (typeof value === 'number' && value >= 1048576 && value % 1048576 === 0) return `${value / 1048576} MiB`;
  return `\`${value}\``;
}

function dtsBlock() {
  const lines = [];
  lines.push('/** The option values of `new Client(options)` and `configure(options)`. */');
  lines.push('export interface ClientOptionValues {');
  for (const [name, , def, type, doc] of OPTIONS) {
    lines.push(`  /** ${doc}${def === undefined ? '' : ` Default: ${shownDefault(def).replace(/`/g, '')}.`} */`);
    lines.push(`  ${name}?: ${type};`);
  }
  lines.push('}');
  lines.push('');
  lines.push('/** The stompjs callbacks, as options. */');
  lines.push('export interface ClientCallbacks {');
  for (const [name, event, type] of CALLBACKS) lines.push(`  /** Also \`on('${event}', …)\`. */`, `  ${name}?: ${type};`);
  lines.push('}');
  lines.push('');
  lines.push('/** Options for `new Client(options)` and `configure(options)`. */');
  lines.push('export interface ClientOptions extends ClientOptionValues, ClientCallbacks {}');
  lines.push('');
  lines.push('/** The option and callback properties of a Client: they read back what was set (or the default). */');
  lines.push('export interface ClientOptionProperties {');
  for (const [name, , def, type] of OPTIONS) {
    const always = def !== undefined || name === 'debug';
    // A function type is parenthesised before `| undefined` is added (else it is the return type's).
    const shown = !always && type.includes('=>') ? `(${type})` : type;
    lines.push(`  ${name}: ${shown}${always ? '' : ' | undefined'};`);
  }
  for (const [name, , type] of CALLBACKS) lines.push(`  ${name}: ${type};`);
  lines.push('}');
  return lines.join('\n');
}

function readmeTable() {
  const rows = ['| option | default | |', '|---|---|---|'];
  for (const [name, , def, , doc] of OPTIONS) rows.push(`| \`${name}\` | ${shownDefault(def)} | ${doc.replace(/\|/g, '\\|')} |`);
  rows.push(`| ${CALLBACKS.map(([name]) => `\`${name}\``).join(', ')} | no-op | as stompjs (also \`on(event, fn)\`) |`);
  return rows.join('\n');
}

function replaceBetween(file, open, close, content) {
  const path = join(ROOT, file);
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`${file}: markers ${open} … ${close} not found`);
  const next = `${text.slice(0, start + open.length)}\n${content}\n${text.slice(end)}`;
  if (next === text) return true;
  if (check) {
    console.error(`${file} is out of date with src/web/edge/options.js: run node scripts/gen-options.mjs`);
    return false;
  }
  writeFileSync(path, next);
  console.log(`gen-options: wrote ${file}`);
  return true;
}

const ok = [
  replaceBetween('src/web/edge/index.d.ts', '// <options>', '// </options>', dtsBlock()),
  replaceBetween('pkg-src/README.md', '<!-- options -->', '<!-- /options -->', readmeTable()),
].every(Boolean);
process.exit(ok ? 0 : 1);
