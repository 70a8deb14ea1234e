import { codes, gql, recordingLogger, startTestApp, type TestApp } from './support/app.js';
import { eventually } from './support/eventually.js';
import { seedInvestigation } from './support/fixtures.js';
import { approveByPolicy } from '../src/actions/decision.service.js';
import { runAction } from '../src/actions/execution.service.js';
import { expirePendingActions } from '../src/actions/expiry.service.js';
import { BUILTIN_EXECUTORS } from '../src/actions/builtin.executor.js';
import { tenantEntityManager } from '../src/context.js';
import { Role } from '../src/domain/role.js';
import { sql as rawSql } from '../src/db/sql.js';

/**
 * Remediation: decisions exactly once across two API nodes, each executor's effect and its undo,
 * automation levels end to end, a crash between approval and execution, cancel, expiry, the audit trail.
 * Real servers over HTTP, real workers (pg-boss) on a real PostgreSQL.
 */
let t: TestApp;
const TENANT = 'remedy';
let admin: string;
let reader: string;
let service: string;

const APPROVE = `mutation($ids: [ID!]!, $comment: String) { approveActions(ids: $ids, comment: $comment) { id outcome message action { status decidedBy source decisionComment } } }`;
const REJECT = `mutation($ids: [ID!]!, $comment: String) { rejectActions(ids: $ids, comment: $comment) { id outcome message action { status } } }`;
const UNDO = `mutation($id: ID!, $comment: String) { undoAction(id: $id, comment: $comment) { id status result } }`;
const CANCEL = `mutation($id: ID!) { cancelInvestigation(id: $id) { id state stateReason } }`;
const AUTOMATION = `mutation($input: AutomationSettingsInput!) { updateAutomationSettings(input: $input) { automationLevel automatedActionTypes } }`;
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 100, filter: $filter) { totalCount edges { node { kind actor actorRole subjectId comment details } } } }`;
const ACTION = `query($id: ID!) { investigation(id: $id) { state actions(first: 50) { edges { node { id type status source decidedBy result error history { totalCount edges { node { kind actor comment } } } } } } } }`;

/** Raw SQL with real parameters (arrays included), through the same helper the executors use. */
const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  t.app.orm.em.fork().transactional((tx) => rawSql<T>(tx, query, params));

const statusOf = async (id: string) => (await sql<{ status: string }>(`select status from actions where id = ?`, [id]))[0]?.status;
const settled = (id: string) =>
  eventually(`action ${id} to finish`, async () => ['COMPLETED', 'FAILED'].includes((await statusOf(id)) ?? '') && statusOf(id), {
    timeoutMs: 60_000,
  });

/** A second API node on the same database, as a load balancer would put beside the first. */
const secondNode = (databaseUrl: string, workers: number) => startTestApp({ databaseUrl, env: { AIR_WORKERS: String(workers) } });

beforeAll(async () => {
  t = await startTestApp({ env: { AIR_WORKERS: '2' } });
  admin = await t.token(TENANT, Role.SECURITY_ADMIN);
  reader = await t.token(TENANT, Role.SECURITY_READER);
  service = await t.token(TENANT, Role.SERVICE);
}, 60_000);
afterAll(() => t.stop());

describe('decisions', () => {
  test('role matrix: readers and services are FORBIDDEN and change nothing; no token is UNAUTHENTICATED', async () => {
    const { investigation, actions } = await seedInvestigation(t.app.orm, TENANT, { actions: 2 });
    expect(actions).toHaveLength(2);
    const actionId = actions[0]!.id;
    const ops: [string, Record<string, unknown>][] = [
      [APPROVE, { ids: [actionId] }],
      [REJECT, { ids: [actionId] }],
      [UNDO, { id: actionId }],
      [CANCEL, { id: investigation.id }],
      [AUTOMATION, { input: { level: 'FULL' } }],
      [AUDIT, {}],
    ];
    for (const [doc, vars] of ops) {
      expect(codes(await gql(t.url, reader, doc, vars))).toEqual(['FORBIDDEN']);
      expect(codes(await gql(t.url, service, doc, vars))).toEqual(['FORBIDDEN']);
      const none = await gql(t.url, undefined, doc, vars);
      expect(none.status).toBe(401);
      expect(codes(none)).toEqual(['UNAUTHENTICATED']);
    }
    expect(await statusOf(actionId)).toBe('PENDING_APPROVAL');
    expect((await sql(`select state from investigations where id = ?`, [investigation.id]))[0]).toEqual({ state: 'PENDING_ACTION' });
    expect((await sql(`select automation_level from tenants where name = ?`, [TENANT]))[0]).toEqual({
      automation_level: 'APPROVAL_REQUIRED',
    });
    // A reader still sees the actions and their (empty) history.
    const seen = await gql<{ investigation: { actions: { edges: unknown[] } } }, unknown>(t.url, reader, ACTION, { id: investigation.id });
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.investigation.actions.edges).toHaveLength(2);
  });

  test('answered per id: approved, already decided (CONFLICT), not found (missing, malformed, foreign) ', async () => {
    const mine = await seedInvestigation(t.app.orm, TENANT, { actions: 2 });
    const foreign = await seedInvestigation(t.app.orm, 'someone-else', { actions: 1 });
    const missing = '0190c1d2-0000-7000-8000-000000000000';
    expect(mine.actions).toHaveLength(2);
    expect(foreign.actions).toHaveLength(1);
    const [pending, approved] = [mine.actions[0]!, mine.actions[1]!];
    const foreignAction = foreign.actions[0]!;
    const ids = [approved.id, foreignAction.id, missing, 'not-a-uuid'];
    const first = await gql<{ approveActions: { id: string; outcome: string; message: string; action: unknown }[] }, unknown>(
      t.url,
      admin,
      APPROVE,
      {
        ids,
        comment: 'confirmed phish',
      },
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.approveActions.map((r) => r.outcome)).toEqual(['APPROVED', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    // A foreign id answers exactly like a missing one, and its action is untouched.
    expect(first.data!.approveActions[1]!.action).toBeNull();
    expect(await statusOf(foreignAction.id)).toBe('PENDING_APPROVAL');
    const again = await gql<{ rejectActions: { outcome: string; message: string }[] }, unknown>(t.url, admin, REJECT, {
      ids: [approved.id],
    });
    expect(again.data!.rejectActions).toHaveLength(1);
    expect(again.data!.rejectActions[0]!.outcome).toBe('CONFLICT');
    expect(again.data!.rejectActions[0]!.message).toMatch(/already decided/);
    // Bad input: empty ids, an oversize comment.
    expect(codes(await gql(t.url, admin, APPROVE, { ids: [] }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(t.url, admin, APPROVE, { ids: [pending.id], comment: 'x'.repeat(5000) }))).toEqual(['BAD_USER_INPUT']);
    expect(await statusOf(pending.id)).toBe('PENDING_APPROVAL');
    // Reject the other: the investigation ends once nothing is open.
    await settled(approved.id);
    const rejected = await gql<{ rejectActions: { outcome: string }[] }, unknown>(t.url, admin, REJECT, {
      ids: [pending.id],
      comment: 'false positive',
    });
    expect(rejected.data!.rejectActions.map((r) => r.outcome)).toEqual(['REJECTED']);
    expect((await sql(`select state from investigations where id = ?`, [mine.investigation.id]))[0]).toEqual({
      state: 'PARTIALLY_REMEDIATED',
    });
  });

  test('exactly once: fifty concurrent approvals from different admins on two API nodes leave one decision, one audit entry, one execution', async () => {
    const { investigation, actions } = await seedInvestigation(t.app.orm, TENANT, { actions: 2 });
    expect(actions).toHaveLength(2);
    const target = actions[1]!; // BLOCK_URL
    expect(target.targets).toHaveLength(1);
    const url = target.targets[0]!.value;
    const node = await secondNode(t.databaseUrl, 0);
    try {
      const urls = [t.url, node.app.url];
      const results = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const token = await t.token(TENANT, i % 2 ? Role.SECURITY_ADMIN : Role.GLOBAL_ADMIN, { sub: `admin-${i}@remedy` });
          const r = await gql<{ approveActions: { outcome: string }[] }, unknown>(urls[i % 2]!, token, APPROVE, {
            ids: [target.id],
            comment: `approval ${i}`,
          });
          expect(r.errors).toBeUndefined();
          return r.data!.approveActions[0]?.outcome;
        }),
      );
      expect(results.filter((o) => o === 'APPROVED')).toHaveLength(1);
      expect(results.filter((o) => o === 'CONFLICT')).toHaveLength(49);
      expect(await settled(target.id)).toBe('COMPLETED');
      expect(await sql(`select count(*)::int n from audit_events where subject_id = ?`, [target.id])).toEqual([{ n: 1 }]);
      expect(await sql(`select count(*)::int n from pgboss.job where name = 'action-run' and data->>'actionId' = ?`, [target.id])).toEqual([
        { n: 1 },
      ]);
      // One active block for the URL (an earlier test of this tenant may have added it: a block is never doubled).
      expect(
        await sql(`select count(*)::int n from block_list_entries where tenant_id = ? and value = ? and lifted_at is null`, [
          investigation.tenantId,
          url,
        ]),
      ).toEqual([{ n: 1 }]);
      expect(
        (await sql<{ result: { blocked: string[] } }>(`select result from actions where id = ?`, [target.id]))[0]?.result.blocked,
      ).toEqual([url]);
      const events = await sql<{ type: string; status: string }>(
        `select type, payload->>'status' status from events where investigation_id = ? and payload->>'id' = ? order by id`,
        [investigation.id, target.id],
      );
      expect(events).toEqual([
        { type: 'ACTION_DECIDED', status: 'APPROVED' },
        { type: 'ACTION_EXECUTED', status: 'RUNNING' },
        { type: 'ACTION_EXECUTED', status: 'COMPLETED' },
      ]);
    } finally {
      await node.stop();
    }
  });

  test('a crash between approval and execution: approved on a node without workers that then stops, executed once by another', async () => {
    const { actions } = await seedInvestigation(t.app.orm, 'crash-tenant', { actions: 1, membersPerCluster: 4 });
    expect(actions).toHaveLength(1);
    const soft = actions[0]!;
    // The main test app's workers would run it at once: approve on a database of its own instead.
    const other = await startTestApp({ env: { AIR_WORKERS: '0' } });
    try {
      const { actions: mine } = await seedInvestigation(other.app.orm, 'crash-tenant', { actions: 1, membersPerCluster: 4 });
      expect(mine).toHaveLength(1);
      const approved = mine[0]!;
      const token = await other.token('crash-tenant', Role.SECURITY_ADMIN);
      const r = await gql<{ approveActions: { outcome: string }[] }, unknown>(other.url, token, APPROVE, { ids: [approved.id] });
      expect(r.data!.approveActions.map((a) => a.outcome)).toEqual(['APPROVED']);
      const q = (s: string, p: unknown[] = []) => other.app.orm.em.getConnection().execute(s, p);
      expect(await q(`select status from actions where id = ?`, [approved.id])).toEqual([{ status: 'APPROVED' }]);
      await other.app.stop();
      const worker = await secondNode(other.databaseUrl, 1);
      try {
        const conn = worker.app.orm.em.getConnection();
        await eventually(
          'the approved action to run',
          async () => {
            const [row] = await conn.execute(`select status, result from actions where id = ?`, [approved.id]);
            return row?.status === 'COMPLETED' && row;
          },
          { timeoutMs: 60_000 },
        );
        const [row] = await conn.execute(`select result from actions where id = ?`, [approved.id]);
        expect(row?.result.moved).toBe(4);
        expect(await conn.execute(`select count(*)::int n from email_messages where location = 'DELETED'`)).toEqual([{ n: 4 }]);
        expect(
          await conn.execute(`select count(*)::int n from events where type = 'ACTION_EXECUTED' and payload->>'status' = 'COMPLETED'`),
        ).toEqual([{ n: 1 }]);
      } finally {
        await worker.stop();
      }
    } finally {
      await other.stop().catch(() => undefined);
    }
    expect(await statusOf(soft.id)).toBe('PENDING_APPROVAL');
  }, 90_000);
});

describe('executors and undo', () => {
  test('soft delete re-queries the cluster (quarantined mail is left alone), moves the rest, and undo puts each message back', async () => {
    const { investigation, actions, clusters } = await seedInvestigation(t.app.orm, TENANT, { actions: 1, membersPerCluster: 5 });
    expect(actions).toHaveLength(1);
    expect(clusters).toHaveLength(1);
    const action = actions[0]!;
    const { messages } = clusters[0]!;
    expect(messages).toHaveLength(5);
    const gone = messages[0]!;
    await sql(`update email_messages set location = 'QUARANTINE' where id = ?`, [gone.id]);
    // What a reviewer sees before approving is what the executor then moves: four, not the quarantined fifth.
    const toMove = async () =>
      (
        await gql<{ investigation: { actions: { edges: { node: { messages: { totalCount: number } } }[] } } }, unknown>(
          t.url,
          reader,
          `query($id: ID!) { investigation(id: $id) { actions(first: 1) { edges { node { messages(first: 0) { totalCount } } } } } }`,
          { id: investigation.id },
        )
      ).data!.investigation.actions.edges[0]?.node.messages.totalCount;
    expect(await toMove()).toBe(4);
    await gql(t.url, admin, APPROVE, { ids: [action.id] });
    expect(await settled(action.id)).toBe('COMPLETED');
    expect(await toMove()).toBe(0);
    const ids = messages.map((m) => m.id);
    const locations = async () =>
      (await sql<{ location: string }>(`select location from email_messages where id = any(?) order by external_id`, [ids])).map(
        (r) => r.location,
      );
    expect(await locations()).toEqual(['QUARANTINE', 'DELETED', 'DELETED', 'DELETED', 'DELETED']);
    const undone = await gql<{ undoAction: { status: string; result: { moved: number; undo: { restored: number } } } }, unknown>(
      t.url,
      admin,
      UNDO,
      {
        id: action.id,
        comment: 'restore',
      },
    );
    expect(undone.errors).toBeUndefined();
    expect(undone.data!.undoAction.status).toBe('UNDONE');
    expect(undone.data!.undoAction.result.moved).toBe(4);
    expect(undone.data!.undoAction.result.undo.restored).toBe(4);
    expect(await locations()).toEqual(['QUARANTINE', 'INBOX', 'INBOX', 'INBOX', 'INBOX']);
    expect(codes(await gql(t.url, admin, UNDO, { id: action.id }))).toEqual(['CONFLICT']);
  });

  test('block URL quarantines later ingested mail that carries it; undo lifts the block', async () => {
    const tenant = 'blocker';
    const tokenAdmin = await t.token(tenant, Role.SECURITY_ADMIN);
    const { actions } = await seedInvestigation(t.app.orm, tenant, { actions: 2 });
    expect(actions).toHaveLength(2);
    const block = actions[1]!;
    await gql(t.url, tokenAdmin, APPROVE, { ids: [block.id] });
    expect(await settled(block.id)).toBe('COMPLETED');
    const post = async (id: string) => {
      const res = await fetch(t.url.replace('/graphql', '/ingest'), {
        method: 'POST',
        headers: { authorization: `Bearer ${await t.token(tenant, Role.SERVICE)}`, 'content-type': 'application/x-ndjson' },
        body: JSON.stringify({
          type: 'message',
          id,
          recipient: 'someone@blocker.example',
          sender: 'newsletter@partner.example',
          subject: 'Read this',
          body: 'see link',
          urls: ['https://evil.example/1'],
          receivedAt: new Date().toISOString(),
          location: 'INBOX',
        }),
      });
      expect(res.status).toBe(200);
      return (await sql<{ location: string }>(`select location from email_messages where external_id = ?`, [id]))[0]?.location;
    };
    expect(await post('after-block')).toBe('QUARANTINE');
    await gql(t.url, tokenAdmin, UNDO, { id: block.id });
    expect(await post('after-lift')).toBe('INBOX');
  });

  test('remove inbox rule disables it and undo re-enables it; reset password and isolate mark the user and the machine', async () => {
    const tenant = 'rules';
    const tokenAdmin = await t.token(tenant, Role.SECURITY_ADMIN);
    const { investigation, tenantId } = await seedInvestigation(t.app.orm, tenant, { actions: 0 });
    const res = await fetch(t.url.replace('/graphql', '/ingest'), {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token(tenant, Role.SERVICE)}`, 'content-type': 'application/x-ndjson' },
      body: [
        { type: 'mailbox', id: 'mb-1', address: 'victim@rules.example' },
        {
          type: 'inbox_rule',
          id: 'rule-1',
          mailbox: 'victim@rules.example',
          name: 'fwd',
          forwardTo: 'x@evil.example',
          createdAt: new Date().toISOString(),
        },
        { type: 'device', id: 'dev-1', name: 'LAPTOP-1', user: 'victim@rules.example' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    });
    expect(res.status).toBe(200);
    const add = async (type: string, kind: string, value: string, externalId?: string) => {
      const [row] = await sql<{ id: string }>(
        `insert into actions (id, tenant_id, investigation_id, type, status, targets, rationale, evidence, created_at)
         values (gen_random_uuid(), ?, ?, ?, 'PENDING_APPROVAL', ?::jsonb, 'test', '{}', now()) returning id`,
        [tenantId, investigation.id, type, JSON.stringify([{ kind, value, externalId }])],
      );
      expect(row).toBeDefined();
      return row!.id;
    };
    const rule = await add('REMOVE_INBOX_RULE', 'INBOX_RULE', 'rule-1', 'rule-1');
    const reset = await add('RESET_PASSWORD', 'USER', 'victim@rules.example');
    const isolate = await add('ISOLATE_MACHINE', 'MACHINE', 'LAPTOP-1');
    await gql(t.url, tokenAdmin, APPROVE, { ids: [rule, reset, isolate] });
    for (const id of [rule, reset, isolate]) expect(await settled(id)).toBe('COMPLETED');
    expect(await sql(`select enabled from inbox_rules where external_id = 'rule-1'`)).toEqual([{ enabled: false }]);
    expect(
      (await sql<{ r: boolean }>(`select password_reset_required_at is not null r from mailboxes where external_id = 'mb-1'`))[0]?.r,
    ).toBe(true);
    expect((await sql<{ r: boolean }>(`select isolated_at is not null r from devices where external_id = 'dev-1'`))[0]?.r).toBe(true);
    expect((await sql(`select state from investigations where id = ?`, [investigation.id]))[0]).toEqual({ state: 'REMEDIATED' });
    await gql(t.url, tokenAdmin, UNDO, { id: rule });
    expect(await sql(`select enabled from inbox_rules where external_id = 'rule-1'`)).toEqual([{ enabled: true }]);
    await gql(t.url, tokenAdmin, UNDO, { id: isolate });
    expect((await sql<{ r: boolean }>(`select isolated_at is null r from devices where external_id = 'dev-1'`))[0]?.r).toBe(true);
    const noUndo = await gql(t.url, tokenAdmin, UNDO, { id: reset });
    expect(codes(noUndo)).toEqual(['BAD_USER_INPUT']);
    expect(noUndo.errors![0]?.message).toMatch(/RESET_PASSWORD cannot be undone/);
  });

  test('the same remediation approved twice within an hour runs once', async () => {
    const tenant = 'twice';
    const tokenAdmin = await t.token(tenant, Role.SECURITY_ADMIN);
    const a = await seedInvestigation(t.app.orm, tenant, { actions: 0 });
    const b = await seedInvestigation(t.app.orm, tenant, { actions: 0 });
    const add = async (investigationId: string) => {
      const [row] = await sql<{ id: string }>(
        `insert into actions (id, tenant_id, investigation_id, type, status, targets, rationale, evidence, created_at)
         values (gen_random_uuid(), ?, ?, 'BLOCK_SENDER', 'PENDING_APPROVAL', '[{"kind":"SENDER","value":"bad@evil.example"}]', 'test', '{}', now()) returning id`,
        [a.tenantId, investigationId],
      );
      expect(row).toBeDefined();
      return row!.id;
    };
    const first = await add(a.investigation.id);
    const second = await add(b.investigation.id);
    await gql(t.url, tokenAdmin, APPROVE, { ids: [first, second] });
    await settled(first);
    await settled(second);
    const rows = await sql<{ id: string; result: Record<string, unknown> }>(`select id, result from actions where id = any(?)`, [
      [first, second],
    ]);
    expect(rows.filter((r) => r.result.duplicateOf)).toHaveLength(1);
    expect(
      await sql(`select count(*)::int n from block_list_entries where tenant_id = ? and value = 'bad@evil.example'`, [a.tenantId]),
    ).toEqual([{ n: 1 }]);
  });
});

describe('automation, cancel, expiry, audit', () => {
  test('phase 2: with FULL automation an alert is investigated and remediated with no human', async () => {
    const tenant = 'autopilot';
    const tokenAdmin = await t.token(tenant, Role.GLOBAL_ADMIN);
    expect(codes(await gql(t.url, tokenAdmin, AUTOMATION, { input: { level: 'SELECTED_ACTIONS' } }))).toEqual(['BAD_USER_INPUT']);
    const set = await gql<{ updateAutomationSettings: { automationLevel: string } }, unknown>(t.url, tokenAdmin, AUTOMATION, {
      input: { level: 'FULL', comment: 'phase 2' },
    });
    expect(set.data!.updateAutomationSettings.automationLevel).toBe('FULL');
    const { OrgGenerator } = await import('../src/demo/generator/organisation.generator.js');
    const generator = new OrgGenerator({ mailboxes: 40, messages: 1500, campaigns: 1, seed: 3 });
    const lines = [...generator.records()].map((r) => JSON.stringify(r));
    const res = await fetch(t.url.replace('/graphql', '/ingest'), {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token(tenant, Role.SERVICE)}`, 'content-type': 'application/x-ndjson' },
      body: lines.join('\n'),
    });
    expect(res.status).toBe(200);
    const [tenantRow] = await sql<{ id: string }>(`select id from tenants where name = ?`, [tenant]);
    expect(tenantRow).toBeDefined();
    const tenantId = tenantRow!.id;
    const done = await eventually(
      'an investigation to be remediated',
      async () => {
        const rows = await sql<{ id: string; state: string }>(
          `select id, state from investigations where tenant_id = ? and state in ('REMEDIATED', 'PARTIALLY_REMEDIATED')`,
          [tenantId],
        );
        return rows.length > 0 && rows;
      },
      { timeoutMs: 120_000 },
    );
    const actions = await sql<{ status: string; source: string; decided_by: string; decision_comment: string }>(
      `select status, source, decided_by, decision_comment from actions where investigation_id = ?`,
      [done[0]!.id],
    );
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) {
      expect(a).toMatchObject({ source: 'AUTOMATED', decided_by: 'system' });
      expect(a.decision_comment).toMatch(/automation policy FULL/);
    }
    expect(done[0]!.state).toBe('REMEDIATED');
    const audit = await gql<{ auditEvents: { edges: { node: { kind: string; actor: string } }[] } }, unknown>(t.url, tokenAdmin, AUDIT, {
      filter: { kinds: ['AUTOMATION_CHANGED'] },
    });
    expect(audit.data!.auditEvents.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ kind: 'AUTOMATION_CHANGED', actor: `user@${tenant}` }),
    ]);
  }, 180_000);

  test('the automation policy never remediates a campaign over 10,000 messages without a human, however its clusters split it', async () => {
    // Two investigations: a wave of 10,001 malicious messages split over two clusters of 5,001 and 5,000
    // (each under the limit alone), and a small campaign.
    const wave = await seedInvestigation(t.app.orm, 'big-campaign', { actions: 1, clusters: 2, membersPerCluster: 1 });
    const small = await seedInvestigation(t.app.orm, 'big-campaign', { actions: 1, clusters: 1 });
    const tenantId = wave.tenantId;
    await sql(`update tenants set automation_level = 'FULL' where id = ?`, [tenantId]);
    for (const [i, { cluster }] of wave.clusters.entries()) {
      await sql(
        `with m as (insert into email_messages (id, tenant_id, external_id, recipient, sender, subject, body, received_at, location)
           select gen_random_uuid(), ?, 'wave-' || ? || '-' || g, 'u' || g || '@big-campaign.example', 'x@evil.example', 'Wave', 'Sign in', now(), 'INBOX'
           from generate_series(1, ?) g returning id)
         insert into email_cluster_members (id, tenant_id, cluster_id, message_id, verdict) select gen_random_uuid(), ?, ?, m.id, 'MALICIOUS' from m`,
        [tenantId, i, 5000 - i, tenantId, cluster.id],
      );
    }
    const ids = [...wave.actions, ...small.actions].map((a) => a.id);
    const approved = await tenantEntityManager(t.app.orm, tenantId).transactional((tx) => approveByPolicy(tx, t.app.queue, tenantId, ids));
    expect(approved).toBe(1);
    expect(await statusOf(wave.actions[0]!.id)).toBe('PENDING_APPROVAL');
    expect(['APPROVED', 'RUNNING', 'COMPLETED']).toContain(await statusOf(small.actions[0]!.id));
  });

  test('an action the playbook marked for a human is never run by automation', async () => {
    const { tenantId, actions } = await seedInvestigation(t.app.orm, 'human-required', { actions: 2 });
    await sql(`update tenants set automation_level = 'FULL' where id = ?`, [tenantId]);
    await sql(`update actions set human_required = 'an address of the organisation: never blocked automatically' where id = ?`, [
      actions[0]!.id,
    ]);
    const approved = await tenantEntityManager(t.app.orm, tenantId).transactional((tx) =>
      approveByPolicy(
        tx,
        t.app.queue,
        tenantId,
        actions.map((a) => a.id),
      ),
    );
    expect(approved).toBe(1);
    expect(await statusOf(actions[0]!.id)).toBe('PENDING_APPROVAL');
  });

  test('an executor that fails on its last attempt leaves the action FAILED with its error; a plugged-in executor is used', async () => {
    const { tenantId, investigation, actions } = await seedInvestigation(t.app.orm, 'failing', { actions: 1 });
    expect(actions).toHaveLength(1);
    const actionId = actions[0]!.id;
    await sql(`update actions set status = 'APPROVED', decided_by = 'x', decided_at = now() where id = ?`, [actionId]);
    const calls: string[] = [];
    const broken = {
      ...BUILTIN_EXECUTORS,
      SOFT_DELETE_EMAILS: {
        run: async () => {
          calls.push('run');
          throw new Error('mail API answered 503');
        },
      },
    };
    const job = { tenantId, actionId };
    const deps = { orm: t.app.orm, queue: t.app.queue, executors: broken, logger: recordingLogger().logger };
    await expect(runAction(deps, job, false)).rejects.toThrow(/503/);
    expect(await statusOf(actionId)).toBe('RUNNING');
    await runAction(deps, job, true);
    expect(calls).toEqual(['run', 'run']);
    expect(await sql(`select status, error from actions where id = ?`, [actionId])).toEqual([
      { status: 'FAILED', error: 'mail API answered 503' },
    ]);
    expect((await sql(`select state from investigations where id = ?`, [investigation.id]))[0]).toEqual({ state: 'PARTIALLY_REMEDIATED' });
  });

  test('cancel: TERMINATED_BY_USER, pending actions rejected by the system; again → CONFLICT; foreign → NOT_FOUND', async () => {
    const { investigation, actions } = await seedInvestigation(t.app.orm, TENANT, { actions: 2 });
    const foreign = await seedInvestigation(t.app.orm, 'someone-else', { actions: 1 });
    const r = await gql<{ cancelInvestigation: { state: string; stateReason: string } }, unknown>(t.url, admin, CANCEL, {
      id: investigation.id,
    });
    expect(r.data!.cancelInvestigation.state).toBe('TERMINATED_BY_USER');
    const rows = await sql<{ status: string; decided_by: string; source: string }>(
      `select status, decided_by, source from actions where id = any(?)`,
      [actions.map((a) => a.id)],
    );
    expect(rows).toEqual([
      { status: 'REJECTED', decided_by: 'system', source: 'AUTOMATED' },
      { status: 'REJECTED', decided_by: 'system', source: 'AUTOMATED' },
    ]);
    expect(codes(await gql(t.url, admin, CANCEL, { id: investigation.id }))).toEqual(['CONFLICT']);
    const foreignAnswer = await gql(t.url, admin, CANCEL, { id: foreign.investigation.id });
    const missingAnswer = await gql(t.url, admin, CANCEL, { id: '0190c1d2-0000-7000-8000-000000000000' });
    expect(codes(foreignAnswer)).toEqual(['NOT_FOUND']);
    expect(codes(missingAnswer)).toEqual(['NOT_FOUND']);
    expect(foreignAnswer.errors![0]!.message.replace(foreign.investigation.id, 'X')).toBe(
      missingAnswer.errors![0]!.message.replace('0190c1d2-0000-7000-8000-000000000000', 'X'),
    );
  });

  test('expiry: pending actions past their time expire and the investigation ends TERMINATED_BY_SYSTEM', async () => {
    const { investigation, actions } = await seedInvestigation(t.app.orm, TENANT, { actions: 2 });
    await sql(`update actions set expires_at = now() - interval '1 minute' where investigation_id = ?`, [investigation.id]);
    expect(await expirePendingActions(t.app.orm, t.app.queue)).toBeGreaterThanOrEqual(2);
    for (const a of actions) expect(await statusOf(a.id)).toBe('EXPIRED');
    expect((await sql(`select state from investigations where id = ?`, [investigation.id]))[0]).toEqual({ state: 'TERMINATED_BY_SYSTEM' });
  });

  test('audit trail and action history: who, role, when, comment, what; filters; per-action history', async () => {
    const { actions } = await seedInvestigation(t.app.orm, 'history', { actions: 2 });
    expect(actions).toHaveLength(2);
    const [rejectedAction, approvedAction] = [actions[0]!, actions[1]!];
    const tokenAdmin = await t.token('history', Role.SECURITY_ADMIN, { sub: 'alice@history' });
    await gql(t.url, tokenAdmin, REJECT, { ids: [rejectedAction.id], comment: 'benign' });
    await gql(t.url, tokenAdmin, APPROVE, { ids: [approvedAction.id], comment: 'go' });
    const audit = await gql<{ auditEvents: { totalCount: number; edges: { node: Record<string, unknown> }[] } }, unknown>(
      t.url,
      tokenAdmin,
      AUDIT,
      {
        filter: { period: 'DAY' },
      },
    );
    expect(audit.data!.auditEvents.totalCount).toBe(2);
    expect(audit.data!.auditEvents.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        kind: 'ACTION_APPROVED',
        actor: 'alice@history',
        actorRole: 'SECURITY_ADMIN',
        subjectId: approvedAction.id,
        comment: 'go',
      }),
      expect.objectContaining({ kind: 'ACTION_REJECTED', actor: 'alice@history', subjectId: rejectedAction.id, comment: 'benign' }),
    ]);
    const HISTORY = `query($filter: ActionHistoryFilter) { actionHistory(first: 10, filter: $filter) { totalCount edges { node { id status source history { edges { node { kind comment } } } } } } }`;
    const all = await gql<
      { actionHistory: { totalCount: number; edges: { node: { id: string; history: { edges: { node: { kind: string } }[] } } }[] } },
      unknown
    >(t.url, await t.token('history', Role.SECURITY_READER), HISTORY, { filter: { period: 'WEEK', source: 'MANUAL' } });
    expect(all.errors).toBeUndefined();
    expect(all.data!.actionHistory.totalCount).toBe(2);
    const rejected = await gql<{ actionHistory: { totalCount: number } }, unknown>(t.url, tokenAdmin, HISTORY, {
      filter: { types: ['SOFT_DELETE_EMAILS'] },
    });
    expect(rejected.data!.actionHistory.totalCount).toBe(1);
    // Pending actions moved out of the action centre.
    const pending = await gql<{ pendingActions: { totalCount: number } }, unknown>(
      t.url,
      tokenAdmin,
      `{ pendingActions(first: 5) { totalCount } }`,
    );
    expect(pending.data!.pendingActions.totalCount).toBe(0);
    // The audit trail refuses edits, whoever sends them.
    await expect(sql(`update audit_events set comment = 'edited'`)).rejects.toThrow(/append-only/);
  });
});
