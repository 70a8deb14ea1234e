/**
 * `npm run generate -- --mailboxes <n> --messages <n> --campaigns <n> [--seed <n>] [--truth <file>] [--domain <domain>] [--start <date>] > org.ndjson`
 *
 * Writes a synthetic organisation's telemetry to stdout as NDJSON (the records `POST /ingest` takes)
 * and its ground truth — which messages belong to which campaign, who clicked, who was compromised,
 * which alert reports what — as pretty JSON to `--truth` (default
 * `AIR_DATA_DIR/generated/org-s<seed>-<mailboxes>x<messages>-c<campaigns>.truth.json`: never the working
 * directory, where a stray JSON file in the repository failed `npm run lint`). Deterministic:
 * the same flags give byte-identical output. Streams: memory stays flat however many messages.
 * A one-line summary goes to stderr at the end.
 */
import { once } from 'node:events';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { MAX_CAMPAIGNS, OrgGenerator } from '../demo/generator/organisation.generator.js';

const USAGE =
  'usage: npm run generate -- --mailboxes <n> --messages <n> --campaigns <0-' +
  MAX_CAMPAIGNS +
  '> [--seed <n>] [--truth <file>] [--domain <domain>] [--start <ISO 8601>] > org.ndjson';
/** Lines are batched into chunks of about this size: one write per line costs more than generating it. */
const CHUNK_CHARS = 64 * 1024;

function fail(message: string): never {
  console.error(`generate: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        mailboxes: { type: 'string' },
        messages: { type: 'string' },
        campaigns: { type: 'string' },
        seed: { type: 'string', default: '1' },
        truth: { type: 'string' },
        domain: { type: 'string' },
        start: { type: 'string' },
      },
    }).values;
  } catch (e) {
    fail((e as Error).message);
  }
}
const values = parse();

function wholeNumber(flag: 'mailboxes' | 'messages' | 'campaigns' | 'seed'): number {
  const raw = values[flag];
  if (raw === undefined) fail(`--${flag} is required`);
  if (!/^\d+$/.test(raw)) fail(`--${flag} must be a whole number, but got '${raw}'`);
  return Number(raw);
}
const mailboxes = wholeNumber('mailboxes');
const messages = wholeNumber('messages');
const campaigns = wholeNumber('campaigns');
const seed = wholeNumber('seed');
let start: Date | undefined;
if (values.start !== undefined) {
  start = new Date(values.start);
  if (!/^\d{4}-\d{2}-\d{2}/.test(values.start) || Number.isNaN(start.getTime()))
    fail(`--start must be an ISO 8601 date such as 2026-10-01T00:00:00Z, but got '${values.start}'`);
}

let generator: OrgGenerator;
try {
  generator = new OrgGenerator({ mailboxes, messages, campaigns, seed, domain: values.domain, start });
} catch (e) {
  // The generator names the option first ("messages must be …"); here it is a flag.
  if (e instanceof RangeError) fail(`--${e.message}`);
  throw e;
}

// Open the truth file before generating a gigabyte of NDJSON, so a bad path fails in a second, not at the end.
const truthPath =
  values.truth ?? path.join(loadConfig().dataDir, 'generated', `org-s${seed}-${mailboxes}x${messages}-c${campaigns}.truth.json`);
let truthFile: FileHandle;
try {
  if (values.truth === undefined) await fs.mkdir(path.dirname(truthPath), { recursive: true });
  truthFile = await fs.open(truthPath, 'w');
} catch (e) {
  fail(`--truth cannot be written: ${(e as Error).message}`);
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // The reader went away (`| head`): stop quietly rather than with a stack trace.
  console.error(`generate: stdout closed before the end (${e.code ?? e.message})`);
  process.exit(1);
});

const began = performance.now();
let records = 0;
let bytes = 0;
let chunk = '';
const flush = async () => {
  bytes += Buffer.byteLength(chunk);
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  chunk = '';
};
for (const record of generator.records()) {
  chunk += JSON.stringify(record) + '\n';
  records++;
  if (chunk.length >= CHUNK_CHARS) await flush();
}
if (chunk.length > 0) await flush();
const seconds = (performance.now() - began) / 1000;

const truth = generator.truth();
await truthFile.writeFile(JSON.stringify(truth, null, 2) + '\n');
await truthFile.close();

const n = (x: number) => x.toLocaleString('en-US');
console.error(
  `generate: ${n(records)} records (${n(truth.counts.byType.message)} messages, ${truth.campaigns.length} campaigns, ` +
    `${truth.compromisedUsers.length} compromised users), ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s, ` +
    `${n(Math.round(records / seconds))} records/s; truth in ${truthPath}`,
);
