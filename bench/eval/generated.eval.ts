/**
 * `npm run eval:generated [-- --seed N] [--scale S] [--campaigns N] [--json]`
 *
 * Judgement on a generated organisation holding every campaign shape of issue 11 (wrapped links,
 * parent-domain intelligence, an IDN look-alike of the organisation, a reply-chain hijack of a company-wide
 * announcement, polymorphic attachments, an impersonated e-signature template beside the real service,
 * a partly cleaned campaign, a wave over 10,000 at scale 1):
 * 1. generate it (src/demo/generator, `shapes`), sized by `--scale` (0.1 for a quick run);
 * 2. start a real AIR node (bootstrap, embedded PostgreSQL, in-process workers) and ingest it twice through
 *    `POST /ingest`: one tenant under APPROVAL_REQUIRED, one under FULL automation;
 * 3. on both tenants at once, raise the scenario's alerts in time order through the API (reportMessage,
 *    raiseAlert, startInvestigation(user:)), each after the previous investigation settled;
 * 4. score against the ground truth (generated/score.ts) and print per campaign and per tenant, PASS/FAIL
 *    against the targets. Figures, not assertions: the exit code is 0 either way.
 */
import 'reflect-metadata';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { bootstrap } from '../../src/app.js';
import { sql as runSql } from '../../src/db/sql.js';
import { Role } from '../../src/domain/role.js';
import { createLogger, LogLevel } from '../../src/logger.js';
import { TenantDirectory } from '../../src/tenants/tenant.service.js';
import { benchConfig, machineLine } from '../support.js';
import { raiseAll, type Sql } from './generated/raise.js';
import { printScore } from './generated/report.js';
import { buildScenario, scenarioOptions } from './generated/scenario.js';
import { scoreTenant } from './generated/score.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: '1' },
    campaigns: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const scale = Number(values.scale);
const campaigns = Number(values.campaigns);
if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`--seed must be a whole number, but got ${values.seed}`);
if (!(scale > 0 && scale <= 20)) throw new RangeError(`--scale must be a number above 0 and at most 20, but got ${values.scale}`);
if (!Number.isInteger(campaigns) || campaigns < 0) throw new RangeError(`--campaigns must be a whole number, but got ${values.campaigns}`);
const say = (s: string) => (values.json ? process.stderr : process.stdout).write(s + '\n');
const started = performance.now();
const elapsed = (from = started) => `${((performance.now() - from) / 1000).toFixed(1)} s`;

say(machineLine());
let t = performance.now();
const scenario = buildScenario(scenarioOptions(seed, scale, campaigns));
const truth = scenario.truth;
const shapes = truth.shapes!;
say(
  `organisation: ${truth.options.mailboxes} mailboxes, ${truth.counts.byType.message} messages (${truth.counts.messages.shapes} in shapes), ` +
    `${shapes.campaigns.length + truth.campaigns.length} campaigns, ${scenario.alerts.length} scenario alerts; generated in ${elapsed(t)}`,
);

const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'air-eval-generated-'));
await fsp.chmod(dir, 0o755);
const config = benchConfig(dir, { AIR_WORKERS: process.env.AIR_WORKERS ?? '2' });
const app = await bootstrap(config, createLogger({ level: LogLevel.ERROR }));
app.server.httpServer.requestTimeout = 0;
const sql: Sql = (query, params) => runSql(app.orm.em.fork(), query, params);
const tenants = [
  { name: 'gen-approval', level: 'APPROVAL_REQUIRED' },
  { name: 'gen-full', level: 'FULL' },
];
try {
  say(`AIR node up with ${config.workers} workers in ${elapsed()}`);
  const ingestUrl = app.url.replace(/\/graphql$/, '/ingest');
  for (const tenant of tenants) {
    t = performance.now();
    const token = await app.signer!.sign({ sub: 'eval', tenant: tenant.name, roles: [Role.SERVICE], ttlSeconds: 6 * 3600 });
    const res = await fetch(ingestUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: Readable.toWeb(Readable.from(chunks(scenario.lines))) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const report = (await res.json()) as { stored: number; failed: number; errors?: unknown[] };
    if (report.failed > 0)
      throw new Error(`ingest into ${tenant.name} failed on ${report.failed} lines: ${JSON.stringify(report.errors?.slice(0, 3))}`);
    say(`ingested ${report.stored} records into ${tenant.name} in ${elapsed(t)}`);
  }
  const admins = await Promise.all(
    tenants.map((x) => app.signer!.sign({ sub: 'eval-admin', tenant: x.name, roles: [Role.GLOBAL_ADMIN], ttlSeconds: 6 * 3600 })),
  );
  const full = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admins[1]}` },
    body: JSON.stringify({ query: `mutation { updateAutomationSettings(input: { level: FULL, comment: "eval:generated" }) { name } }` }),
  });
  const fullJson = (await full.json()) as { errors?: { message: string }[] };
  if (fullJson.errors) throw new Error(`updateAutomationSettings: ${fullJson.errors.map((e) => e.message).join('; ')}`);

  t = performance.now();
  const raised = await Promise.all(tenants.map((x, i) => raiseAll(app.url, admins[i]!, sql, x.name, scenario.alerts)));
  say(`${scenario.alerts.length} alerts raised and settled on ${tenants.length} tenants in ${elapsed(t)}`);

  const directory = new TenantDirectory(app.orm.em);
  const scores = [];
  for (const [i, tenant] of tenants.entries()) {
    const id = await directory.idOf(tenant.name);
    const score = await scoreTenant(sql, { id, ...tenant }, scenario, raised[i]!);
    printScore(score, say);
    scores.push({
      ...score,
      alerts: raised[i]!.map((r) => ({
        id: r.alert.id,
        kind: r.alert.kind,
        campaign: r.alert.campaign,
        state: r.state,
        merged: r.merged,
        seconds: r.seconds,
      })),
    });
  }
  say(`\nelapsed ${elapsed()}`);
  if (values.json)
    process.stdout.write(
      JSON.stringify(
        { seed, scale, options: truth.options, elapsedSeconds: (performance.now() - started) / 1000, tenants: scores },
        null,
        2,
      ) + '\n',
    );
} finally {
  await app.stop();
  await fsp.rm(dir, { recursive: true, force: true });
}

function* chunks(lines: readonly string[]): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line + '\n';
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
