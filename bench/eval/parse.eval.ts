/**
 * `npm run eval:parse -- <dir of .eml files> [--json] [--show <field>] [--threads N] [--repeat N] [--resend]`
 * `npm run eval:parse -- --synthetic 1000 [--attachment-mb 0.6]`   (memory and speed only, no reference)
 *
 * How well AIR reads real mail, and how fast and in how much memory it ingests it:
 * 1. reference.py (Python's standard `email` package, the intended rules written independently)
 *    extracts the fields from every file's bytes (untimed);
 * 2. AIR starts through bootstrap() on a fresh embedded PostgreSQL (AIR_WORKERS=0, AIR_DEMO=0) in a child
 *    process (air-node.ts) and every file goes through `POST /ingest` as a `raw_message` with `emlBase64`
 *    (timed: messages/s; the server process's peak RSS, parser threads included, from the kernel's
 *    high-water mark; its CPU seconds, since the machine may be shared);
 *    `--repeat N` sends the corpus N times under distinct ids (a large upload), `--resend` sends the
 *    first copy again and times the re-upload (every line a duplicate);
 * 3. AIR's stored rows are read back with SQL and compared field by field (compare.ts), against the
 *    targets of the issue "Real mail, read right". Columns the parser work adds later (an upstream
 *    verdict, a sender-source flag) are found in information_schema and reported n/a until they exist.
 * The corpus is read from the directory given, never copied into the repository.
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineLine } from '../support.js';
import type { IngestReport } from '../../src/telemetry/ingest.service.js';
import { compare, met, table, type Reference, type Stored } from './compare.js';
import { syntheticMessages } from './synthetic.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    show: { type: 'string' },
    threads: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    resend: { type: 'boolean', default: false },
    synthetic: { type: 'string' },
    'attachment-mb': { type: 'string', default: '0.6' },
  },
});
const corpus = positionals[0];
const synthetic = values.synthetic === undefined ? 0 : Number(values.synthetic);
if (!corpus && !synthetic) {
  console.error('usage: npm run eval:parse -- <dir of .eml files> [--json] [--show <field>] [--repeat N] [--resend] [--threads N]');
  process.exit(2);
}
const repeat = Math.max(1, Number(values.repeat));
const say = (s: string) => (values.json ? process.stderr : process.stdout).write(s + '\n');
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

say(machineLine());
const files = corpus ? (await fsp.readdir(corpus)).filter((f) => f.endsWith('.eml')).sort() : [];

// 1. The reference (untimed), one JSON line per file.
const references: Reference[] = [];
if (files.length) {
  const t = process.hrtime.bigint();
  const py = spawn('python3', [path.join(repoRoot, 'bench/eval/reference.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  py.stdin.end(files.map((f) => path.join(corpus!, f)).join('\n') + '\n');
  let out = '';
  for await (const chunk of py.stdout) out += chunk;
  for (const line of out.split('\n')) if (line) references.push(JSON.parse(line) as Reference);
  say(`reference (python3 email): ${references.length} messages in ${seconds(t).toFixed(1)} s`);
}

// 2. AIR, in a child process (air-node.ts) so that the RSS measured is the server's alone.
const node = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'air-node.js'), [], {
  env: { ...process.env, ...(values.threads ? { EVAL_INGEST_THREADS: values.threads } : {}) },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const [{ url, token, threads }] = (await once(node, 'message')) as [{ url: string; token: string; threads: number }];
async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  node.send({ sql, params });
  const [{ rows }] = (await once(node, 'message')) as [{ rows: T[] }];
  return rows;
}
const idOf = (file: string, copy: number) => (copy === 0 ? `eval-${file}` : `eval-${copy}-${file}`);

/** The upload, generated as it is sent: one file in memory at a time. */
async function* upload(copies: number): AsyncGenerator<string> {
  const receivedAt = '2026-01-01T00:00:00Z';
  const line = (id: string, eml: Buffer) =>
    JSON.stringify({ type: 'raw_message', id, recipient: 'phishing@pot', receivedAt, emlBase64: eml.toString('base64') }) + '\n';
  if (synthetic) {
    for (const [i, eml] of syntheticMessages(synthetic, Number(values['attachment-mb']))) yield line(`synthetic-${i}`, eml);
    return;
  }
  for (let copy = 0; copy < copies; copy++) {
    for (const file of files) yield line(idOf(file, copy), await fsp.readFile(path.join(corpus!, file)));
  }
}

/** Peak resident memory of the server process so far (the kernel's high-water mark: no sampling gaps). */
async function peakRssOf(pid: number): Promise<number> {
  const status = await fsp.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** POST the upload with stream backpressure (http.request + pipeline), timed; CPU is the server's. */
async function post(copies: number): Promise<{ report: IngestReport; seconds: number; bytes: number; cpuSeconds: number }> {
  let bytes = 0;
  const body = Readable.from(
    (async function* () {
      for await (const line of upload(copies)) {
        bytes += line.length;
        yield line;
      }
    })(),
    { highWaterMark: 1 },
  );
  const cpuBefore = await cpuSecondsOf(node.pid!);
  const t = process.hrtime.bigint();
  const req = http.request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
  });
  const response = once(req, 'response') as Promise<[http.IncomingMessage]>;
  await pipeline(body, req);
  const [res] = await response;
  let text = '';
  for await (const chunk of res) text += chunk;
  const elapsed = seconds(t);
  const report = JSON.parse(text) as IngestReport;
  if (res.statusCode! >= 500) throw new Error(`POST /ingest answered ${res.statusCode}: ${text.slice(0, 500)}`);
  return { report, seconds: elapsed, bytes, cpuSeconds: (await cpuSecondsOf(node.pid!)) - cpuBefore };
}

/** User + system CPU of a process, all its threads (/proc/<pid>/stat fields 14 and 15, in clock ticks of 1/100 s). */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const output: Record<string, unknown> = { machine: machineLine(), threads };
try {
  const rssBefore = await peakRssOf(node.pid!);
  const { report, seconds: s, bytes, cpuSeconds } = await post(repeat);
  const peakRss = await peakRssOf(node.pid!);
  const load = os.loadavg()[0]!.toFixed(1);
  const sent = synthetic || files.length * repeat;
  const rate = sent / s;
  say(
    `POST /ingest: ${sent} messages (${mib(bytes)} NDJSON) in ${s.toFixed(1)} s → ${rate.toFixed(0)} messages/s; ` +
      `stored ${report.stored}, duplicates ${report.duplicates}, rejected ${report.failed}; ` +
      `server peak RSS ${mib(peakRss)} (${mib(rssBefore)} before the upload; ${threads} parser threads)`,
  );
  // The machine is shared: CPU seconds (all of this process's threads) and the load say what the wall time means.
  node.send('threads');
  const [{ threads: byThread }] = (await once(node, 'message')) as [{ threads: number[] }];
  const busy = byThread.filter((s) => s >= 0.1).map((s) => s.toFixed(1));
  say(`  server CPU by thread (s): ${busy.join(', ')} (the main thread, ${threads} parser threads, V8's GC and compiler helpers)`);
  say(`  server CPU ${cpuSeconds.toFixed(1)} s (${(cpuSeconds / s).toFixed(2)} cores busy on average); load average ${load}`);
  Object.assign(output, {
    messages: sent,
    bytes,
    seconds: s,
    messagesPerSecond: rate,
    cpuSeconds,
    loadAverage: Number(load),
    peakRss,
    rssBefore,
    report: { ...report, errors: undefined },
  });

  if (values.resend) {
    const again = await post(1);
    say(
      `re-upload of the first ${files.length || synthetic}: ${again.seconds.toFixed(2)} s → ${((files.length || synthetic) / again.seconds).toFixed(0)} messages/s; ` +
        `duplicates ${again.report.duplicates}, stored ${again.report.stored}, rejected ${again.report.failed}`,
    );
    output.resend = { seconds: again.seconds, duplicates: again.report.duplicates, stored: again.report.stored };
  }

  // Rejected lines, grouped by reason.
  const reasons = new Map<string, number>();
  for (const e of report.errors) {
    const reason = e.message.replace(/^line \d+: /, '').slice(0, 100);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  say(`rejected lines: ${report.failed}${report.failed ? '' : ' (none)'}`);
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1])) say(`  ${n} × ${reason}`);
  output.rejected = Object.fromEntries(reasons);

  // 3. AIR's rows against the reference.
  if (references.length) {
    const cols = await query<{ column_name: string }>(
      `select column_name from information_schema.columns where table_name = 'email_messages'`,
    );
    const names = cols.map((c) => c.column_name);
    const upstreamColumn = names.find((n) => /upstream/.test(n));
    const sourceColumn = names.find((n) => /sender_source|sender_from|sender_origin/.test(n));
    const optional = [
      upstreamColumn ? `, "${upstreamColumn}" as upstream` : '',
      sourceColumn ? `, "${sourceColumn}" as sender_source` : '',
      names.includes('quoted') ? ', quoted' : '',
      names.includes('links') ? ', links' : '',
    ].join('');
    const rows = await query<Record<string, unknown>>(
      `select external_id, sender, host(sender_ip) as sender_ip, body, urls, auth, attachments${optional} from email_messages where external_id = any($1)`,
      [files.map((f) => idOf(f, 0))],
    );
    const byId = new Map(rows.map((r) => [r.external_id as string, r]));
    const air = new Map<string, Stored | undefined>();
    for (const f of files) {
      const r = byId.get(idOf(f, 0));
      air.set(
        f,
        r && {
          sender: r.sender as string,
          senderIp: r.sender_ip as string | null,
          body: r.body as string,
          urls: r.urls as string[],
          auth: r.auth as Stored['auth'],
          attachments: r.attachments as Stored['attachments'],
          upstream: r.upstream,
          senderSource: r.sender_source,
          quoted: (r.quoted as string | undefined) ?? '',
          links: (r.links as Stored['links']) ?? [],
        },
      );
    }
    const fields = compare(references, air, { upstream: upstreamColumn !== undefined });
    say('');
    say(table(fields));
    if (!sourceColumn) say('sender source: n/a (no column yet)');
    else {
      const bySource = new Map<string, number>();
      for (const m of air.values()) if (m) bySource.set(String(m.senderSource), (bySource.get(String(m.senderSource)) ?? 0) + 1);
      say(`sender source (${sourceColumn}): ${[...bySource].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }
    output.fields = fields.map((f) => ({ ...f, met: met(f), disagreements: f.disagreements.length }));
    if (values.show) {
      const wanted = fields.find((f) => f.field.toLowerCase().startsWith(values.show!.toLowerCase()));
      if (!wanted) say(`--show: no field starts with '${values.show}' (fields: ${fields.map((f) => f.field).join(', ')})`);
      else {
        say(`\n${wanted.field}: ${wanted.disagreements.length} disagreements (file, reference, AIR)`);
        const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
        for (const d of wanted.disagreements) say(`${d.file}\n  reference: ${show(d.reference)}\n  AIR:       ${show(d.air)}`);
        output.show = wanted.disagreements;
      }
    }
  }
} finally {
  node.send('stop');
  await once(node, 'exit');
}
if (values.json) process.stdout.write(JSON.stringify(output, null, 2) + '\n');
