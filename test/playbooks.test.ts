import { gql, startTestApp, type TestApp } from './support/app.js';
import { eventually } from './support/eventually.js';
import { OrgGenerator, type GroundTruth } from '../src/demo/generator/organisation.generator.js';
import { tenantEntityManager } from '../src/context.js';
import { Investigation } from '../src/investigations/investigation.entity.js';
import { ACTIVE_STATES } from '../src/domain/investigation.js';
import { Role } from '../src/domain/role.js';

/**
 * The playbooks on a generated organisation with known campaigns: ingest it through /ingest,
 * report one message of each campaign and of benign bulk mail through reportMessage, let the
 * in-process workers run the playbooks, and score the recommendations against the ground truth.
 */
let t: TestApp;
let truth: GroundTruth;
let admin: string;
const TENANT = 'quality';

const REPORT = `mutation($input: ReportMessageInput!) { reportMessage(input: $input) { alertId investigationId investigationState merged } }`;
const INVESTIGATION = `query($id: ID!, $first: Int = 100) {
  investigation(id: $id) {
    id state playbook stateReason
    alerts { totalCount }
    users(first: $first) { edges { node { value verdict threats } } }
    actions(first: $first) { edges { node { type status targets { kind value externalId } cluster { id } messages { totalCount } } } }
    logSteps { key status error durationSeconds }
  }
}`;
const CLUSTER_PAGE = `query($id: ID!, $first: Int, $after: String, $actions: Int = 100) {
  investigation(id: $id) {
    actions(first: $actions) { edges { node { type messages(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { externalId location } } } } } }
  }
}`;

beforeAll(async () => {
  t = await startTestApp({ env: { AIR_WORKERS: '2', AIR_MAX_BODY_BYTES: String(8 * 1024 * 1024) } });
  admin = await t.token(TENANT, Role.SECURITY_ADMIN);
  const generator = new OrgGenerator({ mailboxes: 300, messages: 20_000, campaigns: 5, seed: 7 });
  const lines: string[] = [];
  for (const record of generator.records()) {
    // Alerts are raised below through the API, one report per campaign, to score each playbook run.
    if (record.type !== 'alert') lines.push(JSON.stringify(record));
  }
  truth = generator.truth();
  const res = await fetch(t.url.replace('/graphql', '/ingest'), {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.token(TENANT, Role.SERVICE)}`, 'content-type': 'application/x-ndjson' },
    body: lines.join('\n'),
  });
  const report = (await res.json()) as { failed: number; stored: number; errors: unknown[] };
  expect(report.failed).toBe(0);
  expect(report.stored).toBe(lines.length);
}, 300_000);
afterAll(() => t.stop());

async function finished(ids: string[], timeoutMs = 240_000) {
  const [tenant] = await t.app.orm.em.getConnection().execute(`select id from tenants where name = ?`, [TENANT]);
  expect(tenant).toBeDefined();
  const em = tenantEntityManager(t.app.orm, tenant!.id);
  const sql = t.app.orm.em.getConnection();
  await eventually(
    `${ids.length} investigation(s) to finish`,
    async () => (await em.fork().count(Investigation, { id: { $in: ids }, state: { $in: [...ACTIVE_STATES] } })) === 0,
    {
      timeoutMs,
      intervalMs: 250,
      explain: async () => ({
        unfinishedSteps: await sql.execute(
          `select i.state, l.key, l.status, l.progress, l.progress_message from investigations i join log_steps l on l.investigation_id = i.id where i.state in ('STARTING','RUNNING') and l.status <> 'COMPLETED' order by i.id, l.seq`,
        ),
        jobs: await sql.execute(`select state, count(*) from pgboss.job group by 1`),
        activeQueries: await sql.execute(
          `select state, wait_event_type, wait_event, left(query, 200) q from pg_stat_activity where datname = current_database() and state <> 'idle'`,
        ),
      }),
    },
  );
}

async function deletions(investigationId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const res = await gql(t.url, admin, INVESTIGATION, { id: investigationId });
  const actions = (res.data as { investigation: { actions: { edges: { node: { type: string } }[] } } }).investigation.actions.edges;
  for (const [i, action] of actions.entries()) {
    if (action.node.type !== 'SOFT_DELETE_EMAILS') continue;
    let after: string | null = null;
    do {
      // Only the actions up to this one: 100 actions × 100 messages a page costs 80,401, over the cost limit.
      const page: { data?: unknown } = await gql(t.url, admin, CLUSTER_PAGE, { id: investigationId, first: 100, after, actions: i + 1 });
      type Page = {
        investigation: {
          actions: {
            edges: {
              node: {
                messages: {
                  pageInfo: { hasNextPage: boolean; endCursor: string };
                  edges: { node: { externalId: string; location: string } }[];
                };
              };
            }[];
          };
        };
      };
      const edge = (page.data as Page).investigation.actions.edges[i];
      expect(edge).toBeDefined();
      const messages = edge!.node.messages;
      for (const e of messages.edges) if (e.node.location === 'INBOX' || e.node.location === 'JUNK') ids.add(e.node.externalId);
      after = messages.pageInfo.hasNextPage ? messages.pageInfo.endCursor : null;
    } while (after);
  }
  return ids;
}

test('each campaign reported once: deletions recall ≥ 0.98 and precision ≥ 0.99, every compromised user found, no clean user flagged', async () => {
  const runs: { campaign: (typeof truth.campaigns)[number]; investigationId: string }[] = [];
  for (const campaign of truth.campaigns) {
    const res = await gql(t.url, admin, REPORT, {
      input: { messageId: campaign.reportedMessageId, reportedBy: `reporter@${truth.options.domain}` },
    });
    expect(res.errors).toBeUndefined();
    runs.push({ campaign, investigationId: (res.data as { reportMessage: { investigationId: string } }).reportMessage.investigationId });
  }
  await finished(
    runs.map((r) => r.investigationId),
    60_000,
  );
  for (const { investigationId } of runs) {
    const steps = (
      (await gql(t.url, admin, INVESTIGATION, { id: investigationId })).data as {
        investigation: { logSteps: { key: string; durationSeconds: number }[] };
      }
    ).investigation.logSteps;
    console.log(steps.map((s) => `${s.key} ${s.durationSeconds}s`).join(', '));
  }

  const campaignMessages = new Set(truth.campaigns.flatMap((c) => c.messageIds));
  let truePositives = 0;
  let recommended = 0;
  let inMailboxes = 0;
  const flaggedUsers = new Set<string>();
  for (const { campaign, investigationId } of runs) {
    const res = await gql(t.url, admin, INVESTIGATION, { id: investigationId });
    const inv = (
      res.data as {
        investigation: { state: string; stateReason: string | null; users: { edges: { node: { value: string; verdict: string } }[] } };
      }
    ).investigation;
    expect({ campaign: campaign.name, state: inv.state, reason: inv.stateReason }).toEqual({
      campaign: campaign.name,
      state: 'PENDING_ACTION',
      reason: null,
    });
    for (const u of inv.users.edges) if (u.node.verdict === 'MALICIOUS') flaggedUsers.add(u.node.value);
    const deleted = await deletions(investigationId);
    recommended += deleted.size;
    truePositives += [...deleted].filter((id) => campaignMessages.has(id)).length;
    inMailboxes += (campaign.locations.INBOX ?? 0) + (campaign.locations.JUNK ?? 0);
  }
  const recall = truePositives / inMailboxes;
  const precision = truePositives / recommended;
  console.log(
    `playbook quality: recall ${recall.toFixed(4)} (${truePositives}/${inMailboxes}), precision ${precision.toFixed(4)} (${truePositives}/${recommended})`,
  );
  expect(recall).toBeGreaterThanOrEqual(0.98);
  expect(precision).toBeGreaterThanOrEqual(0.99);
  expect([...flaggedUsers].sort()).toEqual([...truth.compromisedUsers].sort());
}, 400_000);

test('a report of benign bulk mail (a newsletter, an invoice) ends NO_THREATS_FOUND with no actions', async () => {
  for (const bulk of truth.benignBulk) {
    const res = await gql(t.url, admin, REPORT, {
      input: { messageId: bulk.sampleMessageIds[0], reportedBy: `reporter@${truth.options.domain}` },
    });
    expect(res.errors).toBeUndefined();
    const id = (res.data as { reportMessage: { investigationId: string } }).reportMessage.investigationId;
    await finished([id]);
    const inv = (await gql(t.url, admin, INVESTIGATION, { id })).data as {
      investigation: { state: string; actions: { edges: unknown[] } };
    };
    expect({ bulk: bulk.name, state: inv.investigation.state, actions: inv.investigation.actions.edges.length }).toEqual({
      bulk: bulk.name,
      state: 'NO_THREATS_FOUND',
      actions: 0,
    });
  }
});

test('fifty users reporting one campaign make one investigation per landing site, however many report it', async () => {
  const campaign = truth.campaigns[0]!;
  const messages = campaign.messageIds.slice(0, 50);
  const results = await Promise.all(
    messages.map((messageId, i) => gql(t.url, admin, REPORT, { input: { messageId, reportedBy: `user${i}@${truth.options.domain}` } })),
  );
  const ids = results.map((r) => (r.data as { reportMessage: { investigationId: string } }).reportMessage.investigationId);
  // Reports merge on shared campaign evidence with nothing new: a copy linking another landing site is
  // new evidence and is investigated itself. Copies linking the same site share one investigation.
  const rows = (await t.app.orm.em
    .getConnection()
    .execute(`select external_id, array_to_string(domains, ' ') as site from email_messages where external_id in (?)`, [messages])) as {
    external_id: string;
    site: string;
  }[];
  const siteOf = new Map(rows.map((r) => [r.external_id, r.site]));
  const bySite = new Map<string, Set<string>>();
  for (const [i, messageId] of messages.entries()) {
    const site = siteOf.get(messageId)!;
    bySite.set(site, (bySite.get(site) ?? new Set()).add(ids[i]!));
  }
  for (const investigations of bySite.values()) expect(investigations.size).toBe(1);
  expect(new Set(ids).size).toBeLessThanOrEqual(bySite.size);
});

test('reportMessage refuses bad input with the field named, and a reader cannot report', async () => {
  const none = await gql(t.url, admin, REPORT, { input: { reportedBy: 'a@b.example' } });
  expect(none.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  expect(none.errors![0]?.message).toMatch(/exactly one of messageId/);
  const missing = await gql(t.url, admin, REPORT, { input: { messageId: 'no-such-message', reportedBy: 'a@b.example' } });
  expect(missing.errors![0]?.message).toMatch(/no message 'no-such-message' has been ingested/);
  const badAddress = await gql(t.url, admin, REPORT, { input: { messageId: 'x', reportedBy: 'not an address' } });
  expect(badAddress.errors![0]?.message).toMatch(/reportedBy must be an email address/);
  const reader = await gql(t.url, await t.token(TENANT, Role.SECURITY_READER), REPORT, {
    input: { messageId: 'x', reportedBy: 'a@b.example' },
  });
  expect(reader.errors![0]?.extensions?.code).toBe('FORBIDDEN');
});

test('an alert record through /ingest starts (or joins) the investigation its kind calls for', async () => {
  const campaign = truth.campaigns.at(-1)!;
  const line = JSON.stringify({
    type: 'alert',
    id: 'ingested-alert-1',
    kind: 'PHISH_ZAPPED',
    at: new Date().toISOString(),
    messageId: campaign.messageIds[1],
  });
  const res = await fetch(t.url.replace('/graphql', '/ingest'), {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.token(TENANT, Role.SERVICE)}`, 'content-type': 'application/x-ndjson' },
    body: line + '\n',
  });
  expect(((await res.json()) as { stored: number }).stored).toBe(1);
  const alerts = await gql(
    t.url,
    admin,
    `{ alerts(first: 100, filter: { kinds: [PHISH_ZAPPED] }) { edges { node { externalId investigation { id playbook } } } } }`,
  );
  const node = (
    alerts.data as { alerts: { edges: { node: { externalId: string; investigation: { id: string; playbook: string } | null } }[] } }
  ).alerts.edges.find((e) => e.node.externalId === 'ingested-alert-1')!.node;
  expect(node.investigation?.playbook).toBe('ZAPPED_PHISH');
  await finished([node.investigation!.id]);
});

test('the graph links what the investigation touched, and timings give each phase its duration', async () => {
  const campaign = truth.campaigns[0]!;
  const res = await gql(t.url, admin, REPORT, {
    input: { messageId: campaign.reportedMessageId, reportedBy: `reporter@${truth.options.domain}` },
  });
  const id = (res.data as { reportMessage: { investigationId: string } }).reportMessage.investigationId;
  const page = await gql(
    t.url,
    admin,
    `query($id: ID!) { investigation(id: $id) { graph { nodes { id kind } edges { from to relation } } timings { totalSeconds phases { phase durationSeconds } }
      entities(first: 50) { edges { node { kind externalId } } } } }`,
    { id },
  );
  type Page = {
    investigation: {
      graph: { nodes: { id: string; kind: string }[]; edges: { from: string; to: string }[] };
      timings: { phases: { phase: string; durationSeconds: number | null }[] };
      entities: { edges: { node: { kind: string; externalId: string | null } }[] };
    };
  };
  const inv = (page.data as Page).investigation;
  const nodeIds = new Set(inv.graph.nodes.map((n) => n.id));
  expect(inv.graph.nodes.map((n) => n.kind)).toEqual(expect.arrayContaining(['EMAIL_CLUSTER', 'EMAIL']));
  expect(inv.graph.edges.length).toBeGreaterThan(0);
  expect(inv.graph.edges.every((e) => nodeIds.has(e.from) && nodeIds.has(e.to))).toBe(true);
  expect(inv.timings.phases.map((p) => [p.phase, typeof p.durationSeconds])).toEqual([
    ['ROOT_INVESTIGATION', 'number'],
    ['HUNTING', 'number'],
    ['REMEDIATION', 'number'],
  ]);
  // The reported message carries the id it was ingested with.
  expect(inv.entities.edges.find((e) => e.node.kind === 'EMAIL')!.node.externalId).toBe(campaign.reportedMessageId);
});

test('past the tenant’s limit of investigations awaiting action, new ones wait QUEUED_BY_THROTTLING and start when room frees up', async () => {
  const { reconcile } = await import('../src/investigations/lifecycle.service.js');
  const sql = t.app.orm.em.getConnection();
  const [tenant] = await sql.execute(`select id from tenants where name = ?`, [TENANT]);
  expect(tenant).toBeDefined();
  const tenantId = tenant!.id;
  await sql.execute(`update tenants set max_pending_investigations = 0 where id = ?`, [tenantId]);
  const start = `mutation($m: String!) { startInvestigation(input: { messageId: $m }) { investigationId investigationState } }`;
  const res = await gql(t.url, admin, start, { m: truth.campaigns[1]!.messageIds[2] });
  expect(res.errors).toBeUndefined();
  const receipt = (res.data as { startInvestigation: { investigationId: string; investigationState: string } }).startInvestigation;
  expect(receipt.investigationState).toBe('QUEUED_BY_THROTTLING');
  await new Promise((r) => setTimeout(r, 1500));
  const still = (await gql(t.url, admin, `query($id: ID!) { investigation(id: $id) { state } }`, { id: receipt.investigationId })).data as {
    investigation: { state: string };
  };
  expect(still.investigation.state).toBe('QUEUED_BY_THROTTLING'); // no worker touched it

  await sql.execute(`update tenants set max_pending_investigations = 1000 where id = ?`, [tenantId]);
  expect((await reconcile(t.app.orm, t.app.queue)).released).toBe(1);
  await finished([receipt.investigationId]);
  const after = (await gql(t.url, admin, `query($id: ID!) { investigation(id: $id) { state } }`, { id: receipt.investigationId })).data as {
    investigation: { state: string };
  };
  expect(after.investigation.state).toBe('PENDING_ACTION');
});
