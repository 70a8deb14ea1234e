/**
 * `npm run ingest -- FILE.ndjson [--url http://localhost:4000] [--token T]`
 *   streams the file to `POST /ingest` of a running server and prints the report;
 * `npm run ingest -- FILE.ndjson --tenant NAME`
 *   without --url/--token, ingests straight into the configured database for that tenant: DATABASE_URL,
 *   or the embedded PostgreSQL of AIR_DATA_DIR — joined while `npm start` runs, started for the run otherwise.
 * Exit status: 0 when every line was stored or already present, 1 when some lines failed, 2 on misuse.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/database.js';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from '../db/embedded.js';
import { TenantDirectory } from '../tenants/tenant.service.js';
import { routeStoredAlerts } from '../investigations/intake.service.js';
import { JobQueue } from '../jobs/queue.js';
import { coerceError } from '../errors.js';
import { createLogger } from '../logger.js';
import { ingestNdjson, type IngestReport } from '../telemetry/ingest.service.js';
import { createIngestPool } from '../telemetry/ingest.pool.js';

const USAGE = 'usage: npm run ingest -- FILE.ndjson [--url http://localhost:4000 --token T | --tenant NAME]';
function fail(message: string): never {
  console.error(`ingest: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string' }, token: { type: 'string' }, tenant: { type: 'string' } },
  });
} catch (e) {
  fail(coerceError(e).message);
}
const { values, positionals } = parsed;
if (positionals.length !== 1) fail(`give exactly one NDJSON file, but got ${positionals.length}`);
const file = path.resolve(positionals[0] ?? '');
if (!fs.existsSync(file)) fail(`no such file: ${file}`);

function ingestUrl(base: string): string {
  const u = new URL(base);
  if (u.pathname === '/' || u.pathname === '' || u.pathname === '/graphql') u.pathname = '/ingest';
  return u.toString();
}

let report: IngestReport;
if (values.url || values.token) {
  if (!values.token) fail('--token is required with --url (a SERVICE token: npm run token -- --tenant NAME --role SERVICE)');
  const url = ingestUrl(values.url ?? 'http://localhost:4000');
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/x-ndjson' },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' }).catch((e: unknown) => fail(`could not reach ${url}: ${coerceError(e).message}`));
  const body = (await res.json()) as Partial<IngestReport> & { errors?: { message: string }[] };
  if (body.received === undefined) {
    console.error(`ingest: ${url} answered ${res.status}: ${(body.errors ?? []).map((e) => e.message).join('; ')}`);
    process.exit(1);
  }
  report = body as IngestReport;
} else {
  if (!values.tenant) fail('give --tenant NAME to ingest into the database directly, or --url and --token to use a server');
  const config = loadConfig();
  // Its log goes to stderr: stdout is the report.
  const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development', fd: 2 });
  // DATABASE_URL; else the embedded PostgreSQL a running `npm start` serves from AIR_DATA_DIR; else one of our own for the run.
  const dir = path.join(config.dataDir, 'pg');
  const running = config.databaseUrl ? undefined : await runningEmbeddedPostgres(dir);
  const embedded = config.databaseUrl || running ? undefined : await startEmbeddedPostgres({ dir, port: config.embeddedPgPort, logger });
  const url = config.databaseUrl ?? running ?? embedded!.url;
  const orm = await connectDatabase(url, { migrate: true, logger });
  // The file's alerts start their playbooks as over HTTP: enqueued here, run by whichever process has workers.
  // (The minute's sweep would not catch them: it looks only at alerts of the last merge window, and a
  // generated organisation's alerts are older.)
  const queue = await JobQueue.start(url, { logger });
  try {
    const tenantId = await new TenantDirectory(orm.em).idOf(values.tenant);
    const pool = config.ingestThreads > 0 ? createIngestPool(config.ingestThreads) : undefined;
    try {
      report = await ingestNdjson(orm, tenantId, fs.createReadStream(file), {
        parser: pool?.parse,
        log: logger,
        onAlertsStored: (alertIds) => routeStoredAlerts(orm, queue, tenantId, alertIds, logger),
      });
    } finally {
      await pool?.close();
    }
  } finally {
    await queue.stop();
    await orm.close();
    await embedded?.stop();
  }
}
console.log(JSON.stringify(report, null, 2));
process.exit(report.failed > 0 ? 1 : 0);
