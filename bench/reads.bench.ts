/**
 * `npm run bench:reads [-- --messages 200000 --investigations 30 --duration 20 --rounds 3 --connections 20,100]`
 *
 * AIR's two heaviest read pages beside PostGraphile 5 serving the same tables of the same database:
 * 1. generate an organisation (the generator's campaigns), load it through `POST /ingest` and let the
 *    playbooks investigate its campaigns (reportMessage, then manual investigations up to --investigations);
 * 2. give PostGraphile a bench-only role with row-level security by tenant (created here, on this database
 *    only: the product's migrations know nothing of it);
 * 3. start AIR and PostGraphile, each in a child process of its own (one Node process each, the same pool
 *    size), both verifying the same HS256 bearer token with jose (PostGraphile's pgSettings come from the
 *    verified claims: the tenant id and the role);
 * 4. check that both return the same rows for each page;
 * 5. alternate rounds of autocannon (its own process) against each, at each connection count, and print
 *    req/s, p50/p99 latency, the server process's CPU per request (process.cpuUsage of the child) and the
 *    ratios. The load generator still shares the machine's cores with both servers and PostgreSQL: the CPU
 *    per request is the steadier figure; the load average is printed with every round.
 *
 * Pages: (a) one investigation — entities, clusters, log steps, actions (first 20, totalCount);
 * (b) the investigation list — 20 investigations with 3 entities and 3 actions each (totalCount).
 */
import 'reflect-metadata';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import * as jose from 'jose';
import pg from 'pg';
import { bootstrap } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { createHmacSigner, DEV_AUDIENCE, DEV_ISSUER } from '../src/auth/token.service.js';
import { OrgGenerator, MAX_CAMPAIGNS } from '../src/demo/generator/organisation.generator.js';
import { TenantDirectory } from '../src/tenants/tenant.service.js';
import { READ_ROLES, Role } from '../src/domain/role.js';
import { createLogger, LogLevel } from '../src/logger.js';
import { ingestGenerated, machineLine } from './support.js';

const SECRET = 'bench-reads-secret-that-is-at-least-32-characters';
const TENANT = 'bench';
/** The role PostGraphile's transactions run as: SELECT on five tables, rows of the claimed tenant only. */
const READER_ROLE = 'air_bench_reader';
const RLS_TABLES = ['investigations', 'investigation_entities', 'email_clusters', 'log_steps', 'actions'];
const POOL_MAX = 10;
const quiet = createLogger({ level: LogLevel.WARN });

type Cpu = NodeJS.CpuUsage;
/** The little of PostGraphile's library API the bench uses. */
interface PostGraphileModule {
  postgraphile(preset: object): {
    createServ(grafserv: unknown): { addTo(server: http.Server): Promise<void> | void };
    release(): Promise<void>;
  };
}
type ServerMessage = { url: string } | { cpu: Cpu };

/** A server child answers `'cpu'` with its own process.cpuUsage() and exits on `'stop'`. */
function serveControl(stop: () => Promise<void>) {
  process.on('message', (m: string) => {
    if (m === 'cpu') process.send!({ cpu: process.cpuUsage() });
    if (m === 'stop') void stop().then(() => process.exit(0));
  });
}

/** Child: the AIR server, production mode, no workers. */
async function airServer() {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: process.env.DATABASE_URL!,
    PORT: '0',
    HOST: '127.0.0.1',
    AIR_DEMO: '0',
    AIR_WORKERS: '0',
    AIR_DATA_DIR: process.env.BENCH_DIR!,
    AIR_JWT_SECRET: SECRET,
    AIR_DB_POOL_MAX: String(POOL_MAX),
    AIR_LOG_LEVEL: 'warn',
  });
  const app = await bootstrap(config, quiet);
  serveControl(() => app.stop());
  process.send!({ url: app.url });
}

/** Child: PostGraphile 5 (Amber preset, grafserv's node adaptor) with the same token check. */
async function postgraphileServer() {
  // Loaded by a name TypeScript does not follow: grafast's typings augment graphql's own `ExecutionResult`
  // for the whole program, which would change the product's types (src/realtime/ws.server.ts) for a bench.
  const load = (name: string) => import(name) as Promise<Record<string, unknown>>;
  const { postgraphile } = (await load('postgraphile')) as unknown as PostGraphileModule;
  const { PostGraphileAmberPreset } = await load('postgraphile/presets/amber');
  const { makePgService } = (await load('postgraphile/adaptors/pg')) as { makePgService: (o: object) => unknown };
  const { grafserv } = await load('postgraphile/grafserv/node');
  const { GraphQLError } = (await load('postgraphile/graphql')) as { GraphQLError: new (message: string) => Error };
  const databaseUrl = process.env.DATABASE_URL!;
  const secret = new TextEncoder().encode(SECRET);
  // Tenant name → id, looked up once per tenant and kept, as AIR's TenantDirectory does.
  const root = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const tenantIds = new Map<string, Promise<string | undefined>>();
  const tenantId = (name: string) => {
    let id = tenantIds.get(name);
    if (!id) {
      id = root.query<{ id: string }>('select id from tenants where name = $1', [name]).then((r) => r.rows[0]?.id);
      tenantIds.set(name, id);
    }
    return id;
  };
  const preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ connectionString: databaseUrl, schemas: ['public'], poolConfig: { max: POOL_MAX } })],
    grafserv: { graphiql: false, watch: false },
    grafast: {
      explain: false,
      async context(requestContext: { node?: { req: http.IncomingMessage } }) {
        const header = requestContext.node?.req.headers.authorization ?? '';
        const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
        if (!token) throw new GraphQLError('send Authorization: Bearer <token>');
        let payload: jose.JWTPayload;
        try {
          ({ payload } = await jose.jwtVerify(token, secret, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: ['HS256'] }));
        } catch {
          throw new GraphQLError('token could not be verified');
        }
        const roles = Array.isArray(payload.roles) ? (payload.roles as string[]) : [];
        if (!roles.some((r) => (READ_ROLES as readonly string[]).includes(r))) throw new GraphQLError('reading needs a security role');
        const id = typeof payload.tenant === 'string' ? await tenantId(payload.tenant) : undefined;
        if (!id) throw new GraphQLError('unknown tenant');
        return { pgSettings: { role: READER_ROLE, 'air.tenant_id': id } };
      },
    },
  };
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = http.createServer();
  serv.addTo(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  serveControl(async () => {
    server.close();
    await pgl.release();
    await root.end();
  });
  process.send!({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql` });
}

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    investigations: { type: 'string', default: '30' },
    duration: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20,100' },
    seed: { type: 'string', default: '1' },
    'air-server': { type: 'boolean', default: false },
    'postgraphile-server': { type: 'boolean', default: false },
  },
});

/** Generate, ingest and investigate an organisation with AIR's own workers; return the tenant's page ids. */
async function setUp(databaseUrl: string, dir: string) {
  const messages = Number(values.messages);
  const wanted = Number(values.investigations);
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    AIR_DEMO: '0',
    AIR_WORKERS: '2',
    AIR_DATA_DIR: dir,
    AIR_JWT_SECRET: SECRET,
  });
  const app = await bootstrap(config, quiet);
  try {
    const sign = createHmacSigner(new TextEncoder().encode(SECRET));
    const service = await sign.sign({ sub: 'bench', tenant: TENANT, roles: [Role.SERVICE], ttlSeconds: 86_400 });
    const admin = await sign.sign({ sub: 'bench', tenant: TENANT, roles: [Role.SECURITY_ADMIN], ttlSeconds: 86_400 });
    const generator = new OrgGenerator({
      mailboxes: Math.min(200_000, Math.max(50, Math.round(messages / 200))),
      messages,
      campaigns: Math.min(MAX_CAMPAIGNS, Math.max(1, Math.floor(messages / 4000))),
      seed: Number(values.seed),
    });
    const started = performance.now();
    const ingest = await ingestGenerated(app.url, service, generator);
    const truth = generator.truth();
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const tenantId = await new TenantDirectory(app.orm.em).idOf(TENANT);
      // Nobody approves here: room for every investigation, so none is throttled.
      await db.query('update tenants set max_pending_investigations = 1000000 where id = $1', [tenantId]);
      const gql = async (query: string, variables: object) => {
        const r = await fetch(app.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
          body: JSON.stringify({ query, variables }),
        });
        const json = (await r.json()) as { errors?: { message: string }[] };
        if (json.errors) throw new Error(json.errors.map((e) => e.message).join('; '));
      };
      const reporter = `bench@${truth.options.domain}`;
      for (const c of truth.campaigns.slice(0, wanted)) {
        await gql(`mutation($m: String!, $r: String!) { reportMessage(input: { messageId: $m, reportedBy: $r }) { investigationId } }`, {
          m: c.reportedMessageId,
          r: reporter,
        });
      }
      const extra = truth.campaigns.flatMap((c) => c.messageIds.filter((id) => id !== c.reportedMessageId));
      for (let i = truth.campaigns.length; i < wanted && extra.length > 0; i++) {
        await gql(`mutation($m: String!) { startInvestigation(input: { messageId: $m }) { investigationId } }`, {
          m: extra[(i * 7919) % extra.length],
        });
      }
      for (;;) {
        const { rows } = await db.query<{ n: number }>(
          `select count(*)::int as n from investigations where tenant_id = $1 and state in ('STARTING', 'RUNNING', 'QUEUED_BY_THROTTLING')`,
          [tenantId],
        );
        if (rows[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      // The page worth measuring: the investigation with the most to show.
      const { rows } = await db.query<{ id: string; n: number; total: number }>(
        `select i.id, (select count(*) from investigation_entities e where e.investigation_id = i.id)
                 + (select count(*) from email_clusters c where c.investigation_id = i.id)
                 + (select count(*) from actions a where a.investigation_id = i.id)::int as n,
                count(*) over ()::int as total
           from investigations i where i.tenant_id = $1 order by n desc, i.id limit 1`,
        [tenantId],
      );
      const { rows: sizes } = await db.query<{ entities: number; clusters: number; steps: number; actions: number }>(
        `select (select count(*)::int from investigation_entities where investigation_id = $1) as entities,
                (select count(*)::int from email_clusters where investigation_id = $1) as clusters,
                (select count(*)::int from log_steps where investigation_id = $1) as steps,
                (select count(*)::int from actions where investigation_id = $1) as actions`,
        [rows[0]!.id],
      );
      console.log(
        `organisation: ${messages.toLocaleString('en-US')} messages, ${truth.campaigns.length} campaigns; ingested ${ingest.stored.toLocaleString('en-US')} records (${ingest.failed} failed) and investigated ${rows[0]!.total} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
      console.log(`page (a) investigation ${rows[0]!.id}: ${JSON.stringify(sizes[0])}`);
      return { investigationId: rows[0]!.id, tenantId };
    } finally {
      await db.end();
    }
  } finally {
    await app.stop();
  }
}

/** PostGraphile's role and policies: on this database only, never in the product's migrations. */
async function createRowLevelSecurity(databaseUrl: string) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`do $$ begin
      if not exists (select from pg_roles where rolname = '${READER_ROLE}') then create role ${READER_ROLE} nologin; end if;
    end $$`);
    await db.query(`grant ${READER_ROLE} to current_user`);
    await db.query(`grant usage on schema public to ${READER_ROLE}`);
    // Only the five tables are PostGraphile's to serve (a smart comment); the rest of the schema is hidden.
    const { rows } = await db.query<{ name: string }>(
      `select tablename as name from pg_tables where schemaname = 'public' and not (tablename = any($1))`,
      [RLS_TABLES],
    );
    for (const { name } of rows) await db.query(`comment on table ${name} is '@behavior -*'`);
    // PostGraphile offers ordering by indexed columns only; the pages sort as AIR's do.
    for (const column of ['investigation_entities.created_at', 'email_clusters.created_at', 'log_steps.seq', 'actions.created_at']) {
      await db.query(`comment on column ${column} is '@behavior +orderBy'`);
    }
    for (const table of RLS_TABLES) {
      await db.query(`grant select on ${table} to ${READER_ROLE}`);
      // ENABLE, not FORCE: the owner (AIR's own connection) is not subject to the policy.
      await db.query(`alter table ${table} enable row level security`);
      await db.query(`drop policy if exists bench_tenant on ${table}`);
      await db.query(
        `create policy bench_tenant on ${table} for select to ${READER_ROLE}
           using (tenant_id = nullif(current_setting('air.tenant_id', true), '')::uuid)`,
      );
    }
  } finally {
    await db.end();
  }
}

async function startChild(flag: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(import.meta.url), [flag], {
    // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (where the time goes).
    execArgv: process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [],
    env: { ...process.env, GRAPHILE_ENV: 'production', ...env },
    stdio: 'inherit',
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error(`${flag} exited before it was ready`);
    }),
  ])) as [ServerMessage];
  if (!('url' in message)) throw new Error(`${flag} sent ${JSON.stringify(message)} first`);
  return { child, url: message.url };
}

async function cpuOf(child: ChildProcess): Promise<Cpu> {
  child.send('cpu');
  for (;;) {
    const [m] = (await once(child, 'message')) as [ServerMessage];
    if ('cpu' in m) return m.cpu;
  }
}

// ——— the two pages, as each API spells them ———

const ENTITY = 'id kind value displayName verdict threats externalId createdAt';
const CLUSTER = 'id name query queryValue verdict threats messageCount maliciousCount createdAt';
const STEP = 'id seq phase key name status progress startedAt endedAt';
const ACTION = 'id type status rationale humanRequired createdAt';
const INVESTIGATION = 'id playbook state title createdAt startedAt endedAt';
const OLDEST = 'orderBy: [CREATED_AT_ASC, PRIMARY_KEY_ASC]';
/** PostGraphile (Amber) calls a table's `id` column `rowId` (`id` is its global Node id): aliased back. */
const rowId = (fields: string) => fields.replace(/^id /, 'id: rowId ');

const PAGES = {
  investigation: {
    air: `query Page($id: ID!) { investigation(id: $id) { ${INVESTIGATION}
      entities(first: 20) { totalCount edges { node { ${ENTITY} } } }
      emailClusters(first: 20) { totalCount edges { node { ${CLUSTER} } } }
      logSteps { ${STEP} }
      actions(first: 20) { totalCount edges { node { ${ACTION} } } } } }`,
    postgraphile: `query Page($id: UUID!) { investigationByRowId(rowId: $id) { ${rowId(INVESTIGATION)}
      entities: investigationEntitiesByInvestigationId(first: 20, ${OLDEST}) { totalCount nodes { ${rowId(ENTITY)} } }
      emailClusters: emailClustersByInvestigationId(first: 20, ${OLDEST}) { totalCount nodes { ${rowId(CLUSTER)} } }
      logSteps: logStepsByInvestigationId(orderBy: [SEQ_ASC, PRIMARY_KEY_ASC]) { nodes { ${rowId(STEP)} } }
      actions: actionsByInvestigationId(first: 20, ${OLDEST}) { totalCount nodes { ${rowId(ACTION)} } } } }`,
  },
  list: {
    air: `query List { investigations(first: 20) { totalCount edges { node { ${INVESTIGATION}
      entities(first: 3) { edges { node { id kind value verdict } } }
      actions(first: 3) { edges { node { id type status } } } } } } }`,
    postgraphile: `query List { allInvestigations(first: 20, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC]) { totalCount nodes { ${rowId(INVESTIGATION)}
      entities: investigationEntitiesByInvestigationId(first: 3, ${OLDEST}) { nodes { id: rowId kind value verdict } }
      actions: actionsByInvestigationId(first: 3, ${OLDEST}) { nodes { id: rowId type status } } } } }`,
  },
} as const;
type Page = keyof typeof PAGES;
type Server = 'air' | 'postgraphile';

/**
 * One canonical shape for both answers: connections as `{ totalCount, rows }` (or just the rows when
 * no total is asked for) whether they came as `edges { node }` or `nodes`, so a plain list compares too; times as ISO 8601 UTC (PostGraphile prints `+00:00`), keys sorted.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value))
    return new Date(value).toISOString();
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('edges' in o || 'nodes' in o) {
    const rows = 'edges' in o ? (o.edges as { node: unknown }[]).map((e) => e.node) : (o.nodes as unknown[]);
    return 'totalCount' in o ? { totalCount: o.totalCount, rows: canonical(rows) } : canonical(rows);
  }
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, canonical(o[k])]),
  );
}

/** Where two canonical answers first differ, as a path with both values (undefined when they agree). */
function firstDifference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: AIR ${JSON.stringify(a)?.slice(0, 300)} vs PostGraphile ${JSON.stringify(b)?.slice(0, 300)}`;
}

const bodyOf = (server: Server, page: Page, investigationId: string) =>
  JSON.stringify({ query: PAGES[page][server], variables: page === 'investigation' ? { id: investigationId } : {} });

async function fetchPage(url: string, token: string, body: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const json = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (json.errors || !json.data) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json).slice(0, 2000)}`);
  return Object.values(json.data)[0];
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  requests: number;
  failures: number;
  load: number;
}

/** One autocannon run in its own process; the server's CPU is read before and after. */
async function round(url: string, child: ChildProcess, token: string, body: string, connections: number): Promise<Round> {
  const autocannon = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', 'autocannon', 'autocannon.js');
  const before = await cpuOf(child);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      autocannon,
      '--json',
      '-c',
      String(connections),
      '-d',
      values.duration!,
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-H',
      `authorization=Bearer ${token}`,
      '-b',
      body,
      url,
    ],
    { maxBuffer: 1 << 26 },
  );
  const after = await cpuOf(child);
  const r = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  const cpuMs = (after.user - before.user + after.system - before.system) / 1000;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuMsPerRequest: cpuMs / Math.max(1, r.requests.total),
    requests: r.requests.total,
    failures: r.non2xx + r.errors + r.timeouts,
    load: os.loadavg()[0]!,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main() {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'air-bench-reads-'));
  await fsp.chmod(dir, 0o755);
  let embedded: EmbeddedDatabase | undefined;
  const children: ChildProcess[] = [];
  console.log(machineLine());
  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: 18000 + (process.pid % 900), logger: quiet });
      databaseUrl = embedded.url;
    }
    const { investigationId } = await setUp(databaseUrl, dir);
    await createRowLevelSecurity(databaseUrl);
    const env = { DATABASE_URL: databaseUrl, BENCH_DIR: dir };
    const servers = {
      air: await startChild('--air-server', env),
      postgraphile: await startChild('--postgraphile-server', env),
    };
    children.push(servers.air.child, servers.postgraphile.child);
    const token = await createHmacSigner(new TextEncoder().encode(SECRET)).sign({
      sub: 'bench',
      tenant: TENANT,
      roles: [Role.SECURITY_READER],
      ttlSeconds: 86_400,
    });

    for (const page of Object.keys(PAGES) as Page[]) {
      const [a, b] = await Promise.all(
        (['air', 'postgraphile'] as const).map(async (s) =>
          canonical(await fetchPage(servers[s].url, token, bodyOf(s, page, investigationId))),
        ),
      );
      const [ja, jb] = [JSON.stringify(a), JSON.stringify(b)];
      if (ja !== jb) throw new Error(`page ${page}: the servers disagree at ${firstDifference(a, b)}`);
      console.log(`page ${page}: both servers return the same ${ja.length.toLocaleString('en-US')} bytes of rows`);
    }

    const rounds = Number(values.rounds);
    const connectionCounts = values.connections!.split(',').map(Number);
    console.log(
      `\nrounds: ${rounds} × ${values.duration} s per server, page and connection count, alternating (load average printed per round)`,
    );
    const results: { page: Page; connections: number; air: Round[]; postgraphile: Round[] }[] = [];
    for (const page of Object.keys(PAGES) as Page[]) {
      for (const connections of connectionCounts) {
        const result = { page, connections, air: [] as Round[], postgraphile: [] as Round[] };
        // Warm both (JIT, plan caches, pools) before anything is counted.
        for (const s of ['air', 'postgraphile'] as const) {
          await round(servers[s].url, servers[s].child, token, bodyOf(s, page, investigationId), connections).catch(() => undefined);
        }
        for (let i = 0; i < rounds; i++) {
          const order: Server[] = i % 2 === 0 ? ['air', 'postgraphile'] : ['postgraphile', 'air'];
          for (const s of order) {
            const r = await round(servers[s].url, servers[s].child, token, bodyOf(s, page, investigationId), connections);
            result[s].push(r);
            console.log(
              `  ${page.padEnd(13)} c=${String(connections).padEnd(4)} ${s.padEnd(12)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  CPU ${r.cpuMsPerRequest.toFixed(2)} ms/req  ${r.failures ? `${r.failures} FAILED  ` : ''}load ${r.load.toFixed(1)}`,
            );
          }
        }
        results.push(result);
      }
    }

    console.log(
      `\n${'page'.padEnd(13)} ${'conn'.padStart(4)} | ${'AIR req/s'.padStart(9)} ${'PG req/s'.padStart(9)} ${'ratio'.padStart(6)} | ${'AIR p50/p99'.padStart(12)} ${'PG p50/p99'.padStart(12)} ${'p99 ratio'.padStart(9)} | ${'AIR CPU'.padStart(8)} ${'PG CPU'.padStart(8)} ${'ratio'.padStart(6)}`,
    );
    for (const r of results) {
      const m = (s: Server, k: keyof Round) => median(r[s].map((x) => x[k]));
      console.log(
        `${r.page.padEnd(13)} ${String(r.connections).padStart(4)} | ${m('air', 'rps').toFixed(0).padStart(9)} ${m('postgraphile', 'rps').toFixed(0).padStart(9)} ${(m('air', 'rps') / m('postgraphile', 'rps')).toFixed(2).padStart(6)} | ${`${m('air', 'p50')}/${m('air', 'p99')} ms`.padStart(12)} ${`${m('postgraphile', 'p50')}/${m('postgraphile', 'p99')} ms`.padStart(12)} ${(m('air', 'p99') / m('postgraphile', 'p99')).toFixed(2).padStart(9)} | ${`${m('air', 'cpuMsPerRequest').toFixed(2)} ms`.padStart(8)} ${`${m('postgraphile', 'cpuMsPerRequest').toFixed(2)} ms`.padStart(8)} ${(m('air', 'cpuMsPerRequest') / m('postgraphile', 'cpuMsPerRequest')).toFixed(2).padStart(6)}`,
      );
    }
    console.log('(medians of the rounds; req/s ratio AIR / PostGraphile, target ≥ 1.0; CPU is each server process’s own, per request)');
  } finally {
    for (const child of children) {
      if (child.exitCode === null) {
        child.send('stop');
        await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }
    await embedded?.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

if (values['air-server']) await airServer();
else if (values['postgraphile-server']) await postgraphileServer();
else await main();
