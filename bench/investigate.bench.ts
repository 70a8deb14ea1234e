/**
 * `npm run bench:investigate [-- --messages 1000000] [--reports 50] [--burst N] [--seed N]`
 *
 * Time from a report to PENDING_ACTION on a generated organisation, with the default workers:
 * 1. generate the organisation and load it through `POST /ingest` (untimed here; see bench:ingest);
 * 2. reportMessage on the reported message of each campaign, one at a time, and time each to PENDING_ACTION;
 * 3. to reach `--reports` runs when the organisation has fewer campaigns than that (a campaign's second
 *    report joins its open investigation instead of starting one), start manual investigations on
 *    further campaign messages — the same step graph — and time those the same way;
 * 4. then submit `--burst` (default `--reports`) manual investigations at once and measure investigations
 *    per minute.
 * Prints median and p95, each run's split into waiting for a worker (created → started) and running
 * (started → ended), the machine's size and its load average (the machine may be shared). Figures, not assertions.
 */
import 'reflect-metadata';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ingestGenerated, machineLine } from './support.js';
import { OrgGenerator, MAX_CAMPAIGNS } from '../src/demo/generator/organisation.generator.js';
import { tenantEntityManager } from '../src/context.js';
import { TenantDirectory } from '../src/tenants/tenant.service.js';
import { Investigation } from '../src/investigations/investigation.entity.js';
import { Tenant } from '../src/tenants/tenant.entity.js';
import { ACTIVE_STATES } from '../src/domain/investigation.js';
import { Role } from '../src/domain/role.js';
import { createLogger, LogLevel } from '../src/logger.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    reports: { type: 'string', default: '50' },
    burst: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
const messages = Number(values.messages);
const reports = Number(values.reports);
const burst = Number(values.burst ?? values.reports);
const campaigns = Math.min(MAX_CAMPAIGNS, Math.max(1, Math.floor(messages / 4000)));
const TENANT = 'bench';

const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'air-bench-investigate-'));
await fsp.chmod(dir, 0o755);
const quiet = createLogger({ level: LogLevel.WARN });
const config = loadConfig({
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  AIR_DEMO: '0',
  AIR_DATA_DIR: dir,
  AIR_PG_PORT: process.env.AIR_PG_PORT ?? '54391',
});
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`${machineLine()}; workers ${config.workers}; load average ${load()}`);
const app = await bootstrap(config, quiet);
try {
  const service = await app.signer!.sign({ sub: 'bench', tenant: TENANT, roles: [Role.SERVICE], ttlSeconds: 86_400 });
  const admin = await app.signer!.sign({ sub: 'bench', tenant: TENANT, roles: [Role.SECURITY_ADMIN], ttlSeconds: 86_400 });
  const generator = new OrgGenerator({
    mailboxes: Math.min(200_000, Math.max(50, Math.round(messages / 200))),
    messages,
    campaigns,
    seed: Number(values.seed),
  });
  const ingestStart = performance.now();
  const ingest = await ingestGenerated(app.url, service, generator);
  const truth = generator.truth();
  console.log(
    `organisation: ${messages.toLocaleString('en-US')} messages, ${campaigns} campaigns; ingested ${ingest.stored.toLocaleString('en-US')} records (${ingest.failed} failed) in ${((performance.now() - ingestStart) / 1000).toFixed(1)} s`,
  );

  const tenantId = await new TenantDirectory(app.orm.em).idOf(TENANT);
  const em = tenantEntityManager(app.orm, tenantId);
  // Every run ends PENDING_ACTION and nobody approves here: without room, the tenant's default limit
  // (50 awaiting action) would throttle the throughput phase — correctly, but it is not what is measured.
  await em.nativeUpdate(Tenant, { id: tenantId }, { maxPendingInvestigations: 1_000_000 });
  const gql = async (query: string, variables: object) => {
    const r = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await r.json()) as { data?: Record<string, { investigationId: string }>; errors?: { message: string }[] };
    if (json.errors) throw new Error(json.errors.map((e) => e.message).join('; '));
    const [result] = Object.values(json.data ?? {});
    if (!result) throw new Error(`the response has no data: ${JSON.stringify(json)}`);
    return result.investigationId;
  };
  const until = async (id: string) => {
    for (;;) {
      const inv = await em.fork().findOneOrFail(Investigation, { id });
      if (!ACTIVE_STATES.includes(inv.state)) return inv;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  // One query for the whole burst: a poller per investigation would load the database it measures.
  const untilAll = async (ids: string[]) => {
    const done: Investigation[] = [];
    let waiting = new Set(ids);
    while (waiting.size) {
      const ended = await em.fork().find(Investigation, { id: { $in: [...waiting] }, state: { $nin: [...ACTIVE_STATES] } });
      done.push(...ended);
      waiting = new Set([...waiting].filter((id) => !ended.some((e) => e.id === id)));
      if (waiting.size) await new Promise((r) => setTimeout(r, 50));
    }
    return done;
  };
  // Both stamps come from this process's clock (the API creates, the in-process worker starts and ends).
  const waitedMs = (inv: Investigation) => (inv.startedAt ? inv.startedAt.getTime() - inv.createdAt.getTime() : NaN);
  // PENDING_ACTION has no endedAt: the last change (updatedAt, the database's clock on the same machine) ends the run.
  const ranMs = (inv: Investigation) => (inv.startedAt ? (inv.endedAt ?? inv.updatedAt).getTime() - inv.startedAt.getTime() : NaN);
  const report = (messageId: string) =>
    gql(
      `mutation($m: String!) { reportMessage(input: { messageId: $m, reportedBy: "bench@${truth.options.domain}" }) { investigationId } }`,
      { m: messageId },
    );
  const manual = (messageId: string) =>
    gql(`mutation($m: String!) { startInvestigation(input: { messageId: $m }) { investigationId } }`, { m: messageId });

  const timings: { kind: string; ms: number; state: string; waited: number; ran: number }[] = [];
  const extra = truth.campaigns.flatMap((c) => c.messageIds.filter((id) => id !== c.reportedMessageId));
  const extraAt = (n: number) => {
    const id = extra[n % extra.length];
    if (id === undefined) throw new Error('the organisation has no campaign message besides the reported ones: raise --messages');
    return id;
  };
  for (let i = 0; i < reports; i++) {
    const campaign = truth.campaigns[i];
    const kind = campaign ? 'reportMessage' : 'startInvestigation';
    const start = performance.now();
    const id = campaign ? await report(campaign.reportedMessageId) : await manual(extraAt(i * 7919));
    const inv = await until(id);
    timings.push({ kind, ms: performance.now() - start, state: inv.state, waited: waitedMs(inv), ran: ranMs(inv) });
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
    return `median ${(at(0.5) / 1000).toFixed(2)} s, p95 ${(at(0.95) / 1000).toFixed(2)} s (n=${s.length})`;
  };
  const states = timings.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t.state]: (acc[t.state] ?? 0) + 1 }), {});
  console.log(`report → end of investigation, one at a time: ${stats(timings.map((t) => t.ms))}; states ${JSON.stringify(states)}`);
  const reported = timings.filter((t) => t.kind === 'reportMessage');
  if (reported.length) console.log(`  of which reportMessage (one per campaign): ${stats(reported.map((t) => t.ms))}`);
  console.log(`  waiting for a worker (created → started): ${stats(timings.map((t) => t.waited))}`);
  console.log(`  running (started → ended): ${stats(timings.map((t) => t.ran))}`);

  const burstStart = performance.now();
  // Submitted by 10 clients at a time: 200 mutations at once would measure the API's connection pool
  // (503 after AIR_DB_ACQUIRE_TIMEOUT_MS), not the workers.
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let i = next++; i < burst; i = next++) ids.push(await manual(extraAt(i * 104_729 + 13)));
    }),
  );
  const submitted = performance.now();
  const ended = await untilAll(ids);
  const minutes = (performance.now() - burstStart) / 60_000;
  console.log(
    `throughput: ${burst} investigations submitted at once (in ${((submitted - burstStart) / 1000).toFixed(1)} s) finished in ${(minutes * 60).toFixed(1)} s: ${(burst / minutes).toFixed(1)} investigations/minute with ${config.workers} workers`,
  );
  console.log(`  running (started → ended), each: ${stats(ended.map(ranMs))}; load average ${load()}`);
} finally {
  await app.stop();
  await fsp.rm(dir, { recursive: true, force: true });
}
