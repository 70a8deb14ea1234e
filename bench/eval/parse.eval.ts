/**
 * `npm run eval:parse -- <dir of .eml files> [--json] [--show <field>] [--threads N] [--repeat N] [--resend]`
 * `npm run eval:parse -- --synthetic 1000 [--attachment-mb 0.6]`   (memory and speed only, no reference)
 *
 * How well AIR reads real mail, and how fast and in how much memory it ingests it:
 * 1. reference.py (Python's standard `email` package, the intended rules written independently)
 *    extracts the fields from every file's bytes (untimed);
 * 2. AIR starts through bootstrap() on a fresh embedded PostgreSQL (AIR_WORKERS=0, AIR_DEMO=0) and every
 *    file goes through `POST /ingest` as a `raw_message` with `emlBase64` (timed: messages/s; the
 *    process's RSS sampled every 50 ms: server, parser threads and this small streaming client);
 *    `--repeat N` sends the corpus N times under distinct ids (a large upload), `--resend` sends the
 *    first copy again and times the re-upload (every line a duplicate);
 * 3. AIR's stored rows are read back with SQL and compared field by field (compare.ts), against the
 *    targets of the issue "Real mail, read right". Columns the parser work adds later (an upstream
 *    verdict, a sender-source flag) are found in information_schema and reported n/a until they exist.
 * The corpus is read from the directory given, never copied into the repository.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { bootstrap } from '../../src/app.js';
import { benchConfig, machineLine } from '../support.js';
import { Role } from '../../src/domain/role.js';
import { createLogger, LogLevel } from '../../src/logger.js';
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

// 2. AIR.
const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'air-eval-'));
await fsp.chmod(dir, 0o755);
const env: Record<string, string> = values.threads ? { AIR_INGEST_THREADS: values.threads } : {};
const config = benchConfig(dir, env);
const app = await bootstrap(config, createLogger({ level: LogLevel.WARN }));
app.server.httpServer.requestTimeout = 0;
const idOf = (file: string, copy: number) => (copy === 0 ? `eval-${file}` : `eval-${copy}-${file}`);

/** The upload, generated as it is sent: one file in memory at a time. */
async function* upload(copies: number): AsyncGenerator<string> {
  const receivedAt = '2026-01-01T00:00:00Z';
  if (synthetic) {
    for (const [i, eml] of syntheticMessages(synthetic, Number(values['attachment-mb']))) {
      yield JSON.stringify({ type: 'raw_message', id: `synthetic-${i}`, recipient: 'phishing@pot', receivedAt, emlBase64: eml.toString('base64') }) + '\n';
    }
    return;
  }
  for (let copy = 0; copy < copies; copy++) {
    for (const file of files) {
      const bytes = await fsp.readFile(path.join(corpus!, file));
      yield JSON.stringify({ type: 'raw_message', id: idOf(file, copy), recipient: 'phishing@pot', receivedAt, emlBase64: bytes.toString('base64') }) + '\n';
    }
  }
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const token = await app.signer!.sign({ sub: 'eval', tenant: 'eval', roles: [Role.SERVICE], ttlSeconds: 6 * 3600 });
async function post(copies: number): Promise<{ report: IngestReport; seconds: number; bytes: number }> {
  let bytes = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const line of upload(copies)) {
        bytes += line.length;
        yield line;
      }
    })(),
  );
  const t = process.hrtime.bigint();
  const res = await fetch(app.url.replace(/\/graphql$/, '/ingest'), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: Readable.toWeb(counted) as ReadableStream,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  const report = (await res.json()) as IngestReport;
  if (res.status >= 500) throw new Error(`POST /ingest answered ${res.status}: ${JSON.stringify(report).slice(0, 500)}`);
  return { report, seconds: seconds(t), bytes };
}

const output: Record<string, unknown> = { machine: machineLine(), threads: config.ingestThreads };
try {
  const rssBefore = process.memoryUsage.rss();
  peakRss = rssBefore;
  const { report, seconds: s, bytes } = await post(repeat);
  const sent = synthetic || files.length * repeat;
  const rate = sent / s;
  say(
    `POST /ingest: ${sent} messages (${mib(bytes)} NDJSON) in ${s.toFixed(1)} s → ${rate.toFixed(0)} messages/s; ` +
      `stored ${report.stored}, duplicates ${report.duplicates}, rejected ${report.failed}; ` +
      `peak RSS ${mib(peakRss)} (${mib(rssBefore)} before; ${config.ingestThreads} parser threads)`,
  );
  Object.assign(output, { messages: sent, bytes, seconds: s, messagesPerSecond: rate, peakRss, rssBefore, report: { ...report, errors: undefined } });

  if (values.resend) {
    peakRss = process.memoryUsage.rss();
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
    const pool = await (app.orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
    const { rows: cols } = await pool.query<{ column_name: string }>(
      `select column_name from information_schema.columns where table_name = 'email_messages'`,
    );
    const names = cols.map((c) => c.column_name);
    const upstreamColumn = names.find((n) => /upstream/.test(n));
    const sourceColumn = names.find((n) => /sender_source|sender_from|sender_origin/.test(n));
    const optional = [
      upstreamColumn ? `, "${upstreamColumn}" as upstream` : '',
      sourceColumn ? `, "${sourceColumn}" as sender_source` : '',
    ].join('');
    const { rows } = await pool.query<Record<string, unknown>>(
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
  clearInterval(sampler);
  await app.stop();
  await fsp.rm(dir, { recursive: true, force: true });
}
if (values.json) process.stdout.write(JSON.stringify(output, null, 2) + '\n');
