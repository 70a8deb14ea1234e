/**
 * `npm run bench:ingest [-- --messages 1000000] [--mailboxes N] [--campaigns N] [--seed N]`
 *
 * Throughput of `POST /ingest` against a bare PostgreSQL COPY of the same message rows, in one run:
 * 1. generate a synthetic organisation (src/demo/generator/) into an NDJSON file (untimed);
 * 2. start the server through bootstrap() on a fresh embedded PostgreSQL (or DATABASE_URL) and stream the
 *    file through `POST /ingest` with a SERVICE token (timed: messages/s over the whole body);
 * 3. precompute the same message rows with their fingerprints as COPY text (untimed), then COPY them into
 *    `create table … (like email_messages including all)` — same columns, same indexes (timed).
 * Prints both rates and their ratio with the machine's size. Figures, not assertions.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 as uuidv7 } from 'uuid';
import { bootstrap } from '../src/app.js';
import { benchConfig, machineLine } from './support.js';
import { TenantDirectory } from '../src/tenants/tenant.service.js';
import { generateOrganisation, MAX_CAMPAIGNS } from '../src/demo/generator/organisation.generator.js';
import { copyFields, MESSAGE_COLUMN_NAMES, messageRow, type IngestReport } from '../src/telemetry/ingest.service.js';
import { checkRecord } from '../src/telemetry/ingest.records.js';
import { Role } from '../src/domain/role.js';
import { createLogger, LogLevel } from '../src/logger.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    mailboxes: { type: 'string' },
    campaigns: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
const messages = Number(values.messages);
const mailboxes = Number(values.mailboxes ?? Math.min(200_000, Math.max(10, Math.round(messages / 200))));
const campaigns = Number(values.campaigns ?? Math.min(MAX_CAMPAIGNS, Math.floor(messages / 4000), 12));
const seed = Number(values.seed);

const quiet = createLogger({ level: LogLevel.WARN });
const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'air-bench-'));
await fsp.chmod(dir, 0o755);
const ndjsonFile = path.join(dir, 'org.ndjson');
const copyFile = path.join(dir, 'messages.copy');
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(machineLine());

// 1. The organisation, as NDJSON on disk.
let t = process.hrtime.bigint();
let records = 0;
{
  const out = fs.createWriteStream(ndjsonFile);
  let chunk = '';
  for (const record of generateOrganisation({ mailboxes, messages, campaigns, seed })) {
    chunk += JSON.stringify(record) + '\n';
    records++;
    if (chunk.length > 256 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
const bytes = (await fsp.stat(ndjsonFile)).size;
console.log(
  `generated ${fmt(records)} records (${fmt(messages)} messages, ${fmt(mailboxes)} mailboxes, ${campaigns} campaigns), ` +
    `${(bytes / 2 ** 20).toFixed(0)} MiB, in ${seconds(t).toFixed(1)} s`,
);

// Ingestion alone (benchConfig runs no workers): the organisation's alerts still start investigations
// (intake runs per batch), but none runs during the measurement, as none runs during the bare COPY.
const config = benchConfig(dir);
const app = await bootstrap(config, quiet);
// server.ts gives a request 5 minutes (slow-loris protection); one upload of a 1M-message organisation
// takes longer than that at these rates. Lifted here so the benchmark measures throughput; see the report.
app.server.httpServer.requestTimeout = 0;
try {
  const tenant = `bench-${Date.now()}`;
  const token = await app.signer!.sign({ sub: 'bench', tenant, roles: [Role.SERVICE], ttlSeconds: 6 * 3600 });
  const pool = await (app.orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
  await pool.query('checkpoint').catch(() => undefined);

  // 2. Through the API.
  t = process.hrtime.bigint();
  const res = await fetch(app.url.replace(/\/graphql$/, '/ingest'), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: Readable.toWeb(fs.createReadStream(ndjsonFile, { highWaterMark: 256 * 1024 })) as ReadableStream,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  const report = (await res.json()) as IngestReport;
  const apiSeconds = seconds(t);
  if (res.status !== 200) throw new Error(`POST /ingest answered ${res.status}: ${JSON.stringify(report).slice(0, 500)}`);
  const apiMessages = report.byType.message ?? 0;
  console.log(
    `POST /ingest: ${fmt(report.received)} records (${fmt(apiMessages)} messages) stored=${fmt(report.stored)} duplicates=${fmt(report.duplicates)} ` +
      `failed=${fmt(report.failed)} in ${apiSeconds.toFixed(1)} s → ${fmt(apiMessages / apiSeconds)} messages/s (${fmt(report.received / apiSeconds)} records/s)`,
  );
  if (report.failed) console.log(`  first errors: ${JSON.stringify(report.errors.slice(0, 3))}`);

  // 3. The same message rows, fingerprints included, as COPY text (untimed).
  t = process.hrtime.bigint();
  const tenantId = await new TenantDirectory(app.orm.em).idOf(`${tenant}-copy`);
  {
    const out = fs.createWriteStream(copyFile);
    let chunk = '';
    for await (const line of readline.createInterface({ input: fs.createReadStream(ndjsonFile), crlfDelay: Infinity })) {
      if (!line.includes('"type":"message"')) continue;
      const r = checkRecord(JSON.parse(line));
      if (r.type !== 'message') continue;
      chunk += copyFields([uuidv7(), tenantId, r.id, ...messageRow(r as unknown as Parameters<typeof messageRow>[0])]) + '\n';
      if (chunk.length > 256 * 1024) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.end(chunk);
    await once(out, 'finish');
  }
  console.log(`prepared COPY rows in ${seconds(t).toFixed(1)} s (untimed)`);

  const table = `bench_copy_${process.pid}`;
  await pool.query(`create table "${table}" (like "email_messages" including all)`);
  try {
    await pool.query('checkpoint').catch(() => undefined);
    const client = await pool.connect();
    try {
      t = process.hrtime.bigint();
      const cols = MESSAGE_COLUMN_NAMES.map((c) => `"${c}"`).join(', ');
      await pipeline(
        fs.createReadStream(copyFile, { highWaterMark: 256 * 1024 }),
        client.query(copyFrom(`copy "${table}" (${cols}) from stdin`)),
      );
      const copyOnlySeconds = seconds(t);
      // The API merges the GIN pending list at the end of a request (ingest.service.ts); so does this.
      const { rows: gin } = await client.query<{ indexname: string }>(
        `select indexname from pg_indexes where tablename = $1 and indexdef like '%USING gin%'`,
        [table],
      );
      for (const g of gin) await client.query(`select gin_clean_pending_list($1::regclass)`, [g.indexname]);
      const copySeconds = seconds(t);
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from "${table}"`);
      const copied = rows[0]!.n; // count(*) always returns one row
      const copyRate = copied / copySeconds;
      console.log(
        `bare COPY: ${fmt(copied)} message rows in ${copySeconds.toFixed(1)} s → ${fmt(copyRate)} rows/s (same columns and indexes; ` +
          `${fmt(copied / copyOnlySeconds)} rows/s before the final GIN pending-list merge)`,
      );
      const { rows: idx } = await client.query<{ indexdef: string }>(`select indexdef from pg_indexes where tablename = $1`, [table]);
      console.log(`  indexes: ${idx.map((i) => i.indexdef.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ USING /, '$1')).join('; ')}`);
      console.log(`ratio: API / bare COPY = ${(apiMessages / apiSeconds / copyRate).toFixed(2)} (target ≥ 0.70)`);
    } finally {
      client.release();
    }
  } finally {
    await pool.query(`drop table if exists "${table}"`);
  }
} finally {
  await app.stop();
  await fsp.rm(dir, { recursive: true, force: true });
}
