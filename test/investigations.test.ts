import { codes, gql, startTestApp, type TestApp } from './support/app.js';
import { seedInvestigation } from './support/fixtures.js';
import {
  ActionMessagesDocument,
  AlertsDocument,
  ClusterMessageBodiesDocument,
  ClusterMessagesDocument,
  DashboardDocument,
  InvestigationPageDocument,
  InvestigationsDocument,
  PendingActionsDocument,
} from './generated/graphql.js';
import { InvestigationState, Playbook } from '../src/domain/investigation.js';
import { Role } from '../src/domain/role.js';
import { ActionType } from '../src/domain/action.js';
import { sql } from '../src/db/sql.js';

/** The item at `i`, failing the test when the list is shorter. */
function nth<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`expected an item at ${i} in a list of ${list.length}`);
  return item;
}

let t: TestApp;
/** Every SQL statement the server ran, in order. */
const statements: string[] = [];
let reader: string;
let foreign: Awaited<ReturnType<typeof seedInvestigation>>;
const DAY = 24 * 3600 * 1000;
const base = Date.now() - 10 * DAY;

beforeAll(async () => {
  t = await startTestApp({ onQuery: (q) => statements.push(q) });
  reader = await t.token('acme', Role.SECURITY_READER);
  // 25 investigations over 25 hours, cycling through three playbooks and three states.
  const playbooks = [Playbook.USER_SUBMITTED_MESSAGE, Playbook.ZAPPED_PHISH, Playbook.URL_VERDICT_CHANGE];
  const states = [InvestigationState.PENDING_ACTION, InvestigationState.NO_THREATS_FOUND, InvestigationState.REMEDIATED];
  for (let i = 0; i < 25; i++) {
    await seedInvestigation(t.app.orm, 'acme', {
      playbook: playbooks[i % 3],
      state: states[i % 3],
      createdAt: new Date(base + i * 3600_000),
      title: `acme ${i}`,
      entities: 1,
      clusters: 1,
      membersPerCluster: 1,
      actions: 1,
      steps: 1,
    });
  }
  foreign = await seedInvestigation(t.app.orm, 'globex', { title: 'globex secret', membersPerCluster: 2 });
});
afterAll(() => t.stop());

async function allPages(first: number, filter?: Record<string, unknown>) {
  const titles: string[] = [];
  let after: string | null | undefined;
  for (let page = 0; page < 50; page++) {
    const res = await gql(t.url, reader, InvestigationsDocument, { first, after, filter });
    expect(res.errors).toBeUndefined();
    const c = res.data!.investigations;
    titles.push(...c.edges.map((e) => e.node.title));
    if (!c.pageInfo.hasNextPage) return { titles, totalCount: c.totalCount };
    after = c.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

describe('Query.investigations pagination', () => {
  test('walks every investigation once, newest first, whatever the page size', async () => {
    const expected = Array.from({ length: 25 }, (_, i) => `acme ${24 - i}`);
    for (const size of [1, 7, 25, 100]) {
      const { titles, totalCount } = await allPages(size);
      expect(titles).toEqual(expected);
      expect(totalCount).toBe(25);
    }
  });

  test('a page exactly at the end says there is no next page; after the last cursor is empty', async () => {
    const first = await gql(t.url, reader, InvestigationsDocument, { first: 25 });
    expect(first.data!.investigations.pageInfo.hasNextPage).toBe(false);
    const past = await gql(t.url, reader, InvestigationsDocument, { first: 5, after: first.data!.investigations.pageInfo.endCursor });
    expect(past.data!.investigations.edges).toEqual([]);
    expect(past.data!.investigations.pageInfo).toMatchObject({ hasNextPage: false, endCursor: null, startCursor: null });
  });

  test('first: 0 returns no edges but the total', async () => {
    const res = await gql(t.url, reader, InvestigationsDocument, { first: 0 });
    expect(res.data!.investigations.edges).toEqual([]);
    expect(res.data!.investigations.totalCount).toBe(25);
  });

  test.each([
    [{ first: -1 }, /first must be between 0 and 100, but got -1/],
    [{ first: 101 }, /first must be between 0 and 100, but got 101/],
    [{ after: 'garbage' }, /not a cursor this API issued/],
    [{ after: Buffer.from('["x"]').toString('base64url') }, /not a cursor this API issued/],
    [{ after: Buffer.from('["not a date","0190a000-0000-7000-8000-000000000001"]').toString('base64url') }, /cursor is not valid/],
  ])('%j → BAD_USER_INPUT', async (vars, message) => {
    const res = await gql(t.url, reader, InvestigationsDocument, vars);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]?.message).toMatch(message);
  });

  test('a wrongly typed argument is rejected by the schema, naming it', async () => {
    const res = await gql(t.url, reader, InvestigationsDocument, { first: 'ten' as unknown as number });
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]?.message).toMatch(/\$first/);
  });
});

describe('Query.investigations filters', () => {
  test('by state', async () => {
    const { titles } = await allPages(10, { states: ['NO_THREATS_FOUND'] });
    expect(titles).toEqual(
      Array.from({ length: 25 }, (_, i) => 24 - i)
        .filter((i) => i % 3 === 1)
        .map((i) => `acme ${i}`),
    );
  });

  test('by several states and a playbook', async () => {
    const { titles } = await allPages(4, { states: ['PENDING_ACTION', 'REMEDIATED'], playbooks: ['USER_SUBMITTED_MESSAGE'] });
    expect(titles).toEqual(
      Array.from({ length: 25 }, (_, i) => 24 - i)
        .filter((i) => i % 3 === 0)
        .map((i) => `acme ${i}`),
    );
  });

  test('by time: createdAfter inclusive, createdBefore exclusive', async () => {
    const { titles, totalCount } = await allPages(3, {
      createdAfter: new Date(base + 5 * 3600_000).toISOString(),
      createdBefore: new Date(base + 10 * 3600_000).toISOString(),
    });
    expect(titles).toEqual(['acme 9', 'acme 8', 'acme 7', 'acme 6', 'acme 5']);
    expect(totalCount).toBe(5);
  });

  test('a filter matching nothing is an empty page, not an error', async () => {
    const res = await gql(t.url, reader, InvestigationsDocument, { filter: { states: ['FAILED'] } });
    expect(res.data!.investigations).toMatchObject({ edges: [], totalCount: 0, pageInfo: { hasNextPage: false } });
  });

  test('an inverted time range is BAD_USER_INPUT naming the field', async () => {
    const res = await gql(t.url, reader, InvestigationsDocument, {
      filter: { createdAfter: new Date(base + DAY).toISOString(), createdBefore: new Date(base).toISOString() },
    });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]?.message).toMatch(/createdAfter must be earlier than filter.createdBefore/);
  });

  test('an unknown state is rejected by the schema', async () => {
    const res = await gql(t.url, reader, InvestigationsDocument, { filter: { states: ['HACKED'] as never } });
    expect(res.status).toBe(400);
    expect(res.errors![0]?.message).toMatch(/HACKED/);
  });
});

describe('tenant isolation: a foreign id looks exactly like a missing one', () => {
  test('Query.investigation', async () => {
    const foreignRes = await gql(t.url, reader, InvestigationPageDocument, { id: foreign.investigation.id });
    const missingRes = await gql(t.url, reader, InvestigationPageDocument, { id: '0190a000-0000-7000-8000-00000000dead' });
    const malformedRes = await gql(t.url, reader, InvestigationPageDocument, { id: 'not-a-uuid' });
    for (const res of [foreignRes, missingRes, malformedRes]) {
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(res.data).toBeNull();
    }
    expect(foreignRes.errors![0]!.message.replace(foreign.investigation.id, 'ID')).toBe(
      missingRes.errors![0]!.message.replace('0190a000-0000-7000-8000-00000000dead', 'ID'),
    );
  });

  test('the owner reads it', async () => {
    const own = await gql(t.url, await t.token('globex', Role.SECURITY_READER), InvestigationPageDocument, {
      id: foreign.investigation.id,
    });
    expect(own.errors).toBeUndefined();
    expect(own.data!.investigation.title).toBe('globex secret');
  });

  test("lists never include another tenant's rows", async () => {
    const { titles } = await allPages(100);
    expect(titles).not.toContain('globex secret');
    const alerts = await gql(t.url, reader, AlertsDocument, { first: 100 });
    expect(alerts.data!.alerts.totalCount).toBe(25);
    expect(alerts.data!.alerts.edges.map((e) => e.node.investigation?.id)).not.toContain(foreign.investigation.id);
    const actions = await gql(t.url, reader, PendingActionsDocument, { first: 100 });
    expect(actions.data!.pendingActions.edges.map((e) => e.node.id)).not.toEqual(expect.arrayContaining([foreign.actions[0]!.id]));
  });

  test('pendingActions filtered by a foreign investigation id is empty, like a missing one', async () => {
    for (const investigationId of [foreign.investigation.id, '0190a000-0000-7000-8000-00000000dead', 'junk']) {
      const res = await gql(t.url, reader, PendingActionsDocument, { filter: { investigationId } });
      expect(res.errors).toBeUndefined();
      expect(res.data!.pendingActions).toMatchObject({ edges: [], totalCount: 0 });
    }
  });

  test("the dashboard counts only the viewer's tenant", async () => {
    const res = await gql(t.url, reader, DashboardDocument, { since: new Date(base - DAY).toISOString() });
    expect(res.data!.dashboard.investigations).toBe(25);
    const globex = await gql(t.url, await t.token('globex', Role.SECURITY_READER), DashboardDocument, {});
    expect(globex.data!.dashboard.investigations).toBe(1);
    expect(globex.data!.dashboard.pendingActions).toBe(2);
  });
});

describe('Investigation page', () => {
  test('every tab of one investigation', async () => {
    const res = await gql(t.url, await t.token('globex', Role.SECURITY_ADMIN), InvestigationPageDocument, { id: foreign.investigation.id });
    expect(res.errors).toBeUndefined();
    const inv = res.data!.investigation;
    expect(inv.triggeringAlert!.id).toBe(foreign.alerts[0]!.id);
    expect(inv.alerts.totalCount).toBe(1);
    expect(inv.entities.totalCount).toBe(5);
    expect(inv.users.edges).toHaveLength(1);
    expect(inv.machines.edges).toHaveLength(1);
    expect(inv.emailClusters.edges).toHaveLength(1);
    expect(inv.emailClusters.edges[0]!.node.messages.edges.map((e) => e.node.externalId).sort()).toEqual(
      foreign.clusters[0]!.messages.map((m) => m.externalId).sort(),
    );
    expect(inv.logSteps.map((s) => s.key)).toEqual(['step-0', 'step-1', 'step-2']);
    expect(inv.logSteps[0]?.durationSeconds).toBe(0.5);
    expect(inv.timings.phases.map((p) => p.phase)).toEqual(['ROOT_INVESTIGATION', 'HUNTING', 'REMEDIATION']);
    expect(inv.timings.phases[0]?.durationSeconds).toBe(0.5);
    expect(inv.graph.nodes).toHaveLength(6);
    expect(inv.graph.edges).toHaveLength(5);
    const [action] = inv.actions.edges;
    expect(action).toBeDefined();
    expect(action!.node.messages.totalCount).toBe(2);
    expect(action!.node.cluster!.id).toBe(foreign.clusters[0]!.cluster.id);
  });

  test("an investigation's entities page through a cursor, each once, every page counting them all", async () => {
    const token = await t.token('pagingco', Role.SECURITY_READER);
    const seeded = await seedInvestigation(t.app.orm, 'pagingco', { entities: 23, users: 4, machines: 2 });
    type Page = {
      investigation: {
        entities: {
          totalCount: number;
          edges: { node: { id: string; evidence: unknown[] } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
        users: { totalCount: number; edges: { node: { kind: string } }[] };
      };
    };
    const document = `query($id: ID!, $first: Int, $after: String) { investigation(id: $id) {
      entities(first: $first, after: $after) { totalCount edges { node { id evidence { signal } } } pageInfo { hasNextPage endCursor } }
      users(first: 100) { totalCount edges { node { kind } } } } }`;
    const page = async (first: number, after?: string | null) => {
      const res = await gql<Page, object>(t.url, token, document, { id: seeded.investigation.id, first, after });
      expect(res.errors).toBeUndefined();
      return res.data!.investigation;
    };
    const all = await page(100);
    const everything = all.entities.edges.map((e) => e.node.id);
    expect(everything).toHaveLength(29);
    expect(all.entities.totalCount).toBe(29);
    // jsonb is read when selected (the row readers leave it out otherwise).
    expect(all.entities.edges.every((e) => Array.isArray(e.node.evidence))).toBe(true);
    expect(all.users.totalCount).toBe(4);
    expect(all.users.edges.map((e) => e.node.kind)).toEqual(['USER', 'USER', 'USER', 'USER']);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const { entities } = await page(4, after);
      expect(entities.totalCount).toBe(29);
      seen.push(...entities.edges.map((e) => e.node.id));
      after = entities.pageInfo.hasNextPage ? entities.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(everything);
  });

  test('a cluster lists exactly its messages, paginated', async () => {
    const big = await seedInvestigation(t.app.orm, 'acme', { clusters: 1, membersPerCluster: 23 });
    const seen: string[] = [];
    let after: string | null | undefined;
    do {
      const res = await gql(t.url, reader, ClusterMessagesDocument, { id: big.investigation.id, first: 10, after });
      expect(res.errors).toBeUndefined();
      expect(res.data!.investigation.emailClusters.edges).toHaveLength(1);
      const messages = res.data!.investigation.emailClusters.edges[0]!.node.messages;
      expect(messages.totalCount).toBe(23);
      seen.push(...messages.edges.map((e) => e.node.externalId));
      after = messages.pageInfo.hasNextPage ? messages.pageInfo.endCursor : null;
    } while (after);
    expect(seen.sort()).toEqual(big.clusters[0]!.messages.map((m) => m.externalId).sort());
  });

  test('a message body is read where a client selects it, and loaded only then', async () => {
    const seeded = await seedInvestigation(t.app.orm, 'acme', { clusters: 1, membersPerCluster: 3, actions: 1 });
    const messages = nth(seeded.clusters, 0).messages;
    const ids = messages.map((m) => m.id);
    await t.app.orm.em
      .fork()
      .transactional((tx) => sql(tx, `update email_messages set body = 'Body of ' || external_id where id = any(?::uuid[])`, [ids]));
    const expected = messages.map((m) => ({ externalId: m.externalId, body: `Body of ${m.externalId}` }));
    const byId = (a: { externalId: string }, b: { externalId: string }) => a.externalId.localeCompare(b.externalId);

    // Through a fragment, on EmailCluster.messages.
    const from = statements.length;
    const res = await gql(t.url, reader, ClusterMessageBodiesDocument, { id: seeded.investigation.id });
    expect(res.errors).toBeUndefined();
    const cluster = nth(res.data!.investigation.emailClusters.edges, 0).node;
    expect(cluster.messages.edges.map((e) => ({ externalId: e.node.externalId, body: e.node.body })).sort(byId)).toEqual(expected);
    expect(statements.slice(from).filter((q) => q.includes('"body"'))).toHaveLength(1);

    // On Action.messages, when the same request already loaded the messages without their bodies.
    const both = await gql(t.url, reader, ActionMessagesDocument, { id: seeded.investigation.id });
    expect(both.errors).toBeUndefined();
    const action = nth(both.data!.investigation.actions.edges, 0).node;
    expect(action.messages.edges.map((e) => ({ externalId: e.node.externalId, body: e.node.body })).sort(byId)).toEqual(expected);

    // A query that does not select the body does not read it.
    const before = statements.length;
    const plain = await gql(t.url, reader, ClusterMessagesDocument, { id: seeded.investigation.id, first: 20 });
    expect(plain.errors).toBeUndefined();
    expect(statements.slice(before).some((q) => q.includes('email_messages'))).toBe(true);
    expect(statements.slice(before).filter((q) => q.includes('"body"'))).toEqual([]);
  });

  test('Action.messages lists exactly what the action would move: not mail already quarantined, deleted or where it goes', async () => {
    const seeded = await seedInvestigation(t.app.orm, 'acme', { clusters: 1, membersPerCluster: 6, actions: 3 });
    const [softDelete, blockUrl, moveToJunk] = [nth(seeded.actions, 0), nth(seeded.actions, 1), nth(seeded.actions, 2)];
    const members = nth(seeded.clusters, 0).messages;
    expect([softDelete.type, blockUrl.type]).toEqual([ActionType.SOFT_DELETE_EMAILS, ActionType.BLOCK_URL]);
    const where = ['INBOX', 'JUNK', 'QUARANTINE', 'DELETED', 'INBOX', 'JUNK'];
    await t.app.orm.em.fork().transactional(async (tx) => {
      await sql(tx, `update actions set type = 'MOVE_TO_JUNK' where id = ?`, [moveToJunk.id]);
      for (const [i, m] of members.entries())
        await sql(tx, `update email_messages set location = ?::delivery_location where id = ?`, [where[i], m.id]);
    });
    const at = (...locations: string[]) =>
      members
        .filter((_, i) => locations.includes(nth(where, i)))
        .map((m) => m.externalId)
        .sort();

    const res = await gql(t.url, reader, ActionMessagesDocument, { id: seeded.investigation.id });
    expect(res.errors).toBeUndefined();
    const listed = (id: string) => {
      const { messages } = res.data!.investigation.actions.edges.find((e) => e.node.id === id)!.node;
      expect(messages.totalCount).toBe(messages.edges.length);
      return messages.edges.map((e) => e.node.externalId).sort();
    };
    // The cluster itself still covers all six, wherever they are now.
    const cluster = nth(res.data!.investigation.emailClusters.edges, 0).node.messages;
    expect(cluster.totalCount).toBe(6);
    expect(cluster.edges.map((e) => e.node.externalId).sort()).toEqual(at('INBOX', 'JUNK', 'QUARANTINE', 'DELETED'));
    // A delete moves what is still in INBOX or JUNK; a move to junk only what is not in JUNK already.
    expect(listed(softDelete.id)).toEqual(at('INBOX', 'JUNK'));
    expect(listed(moveToJunk.id)).toEqual(at('INBOX'));
    // Blocking a URL moves no mail, even though the action names a cluster.
    expect(listed(blockUrl.id)).toEqual([]);
  });
});
