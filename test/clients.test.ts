import fs from 'node:fs/promises';
import WebSocket from 'ws';
import { gql, startTestApp, type TestApp } from './support/app.js';
import { seedInvestigation, tenantId } from './support/fixtures.js';
import { eventually } from './support/eventually.js';
import { registered } from './support/ws.js';
import { createAirApolloClient } from './clients/apollo.setup.js';
import { createAirUrqlClient } from './clients/urql.setup.js';
import {
  InvestigationDetailDocument,
  InvestigationListDocument,
  InvestigationLiveDocument,
  type InvestigationDetailQuery,
  type InvestigationListQuery,
  type InvestigationLiveSubscription,
} from './generated/client/graphql.js';
import { ACTIVE_STATES, InvestigationState } from '../src/domain/investigation.js';
import { reconcile } from '../src/investigations/lifecycle.service.js';
import { Role } from '../src/domain/role.js';

/**
 * The set-ups docs/clients.md recommends, unmodified, against a running server: real Apollo Client 4
 * and urql 6 (graphcache) over real HTTP and graphql-ws, typed by codegen's client preset.
 */
let t: TestApp;
let possibleTypes: Record<string, string[]>;
const disposers: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  t = await startTestApp();
  possibleTypes = JSON.parse(await fs.readFile('schema/possible-types.json', 'utf8')) as Record<string, string[]>;
});
afterEach(async () => {
  await Promise.all(disposers.splice(0).map((d) => d()));
});
afterAll(() => t.stop());

async function apollo(tenant: string) {
  const { client, dispose } = createAirApolloClient({
    url: t.url,
    token: await t.token(tenant, Role.SECURITY_READER),
    possibleTypes,
    webSocketImpl: WebSocket,
  });
  disposers.push(dispose);
  return client;
}

async function urql(tenant: string) {
  const { client, dispose } = createAirUrqlClient({
    url: t.url,
    token: await t.token(tenant, Role.SECURITY_READER),
    possibleTypes,
    webSocketImpl: WebSocket,
  });
  disposers.push(dispose);
  return client;
}

async function seedPages(tenant: string) {
  const seeded = [];
  for (let i = 0; i < 3; i++)
    seeded.push(await seedInvestigation(t.app.orm, tenant, { createdAt: new Date(Date.now() - (i + 1) * 60_000) }));
  // Newest first, as the page lists them.
  return seeded.map((s) => s.investigation.id);
}

/**
 * An investigation held back by throttling (its start state, QUEUED_BY_THROTTLING), released once the
 * client is watching: the playbook then runs it to its end while the client only reads the cache.
 */
async function throttledInvestigation(tenant: string) {
  const tid = await tenantId(t.app.orm, tenant);
  const sql = t.app.orm.em.getConnection();
  await sql.execute(`update tenants set max_pending_investigations = 0 where id = ?`, [tid]);
  const admin = await t.token(tenant, Role.SECURITY_ADMIN);
  const started = await gql(
    t.url,
    admin,
    `mutation { startInvestigation(input: { user: "ann@${tenant}.example" }) { investigationId investigationState } }`,
  );
  expect(started.errors).toBeUndefined();
  const receipt = (started.data as { startInvestigation: { investigationId: string; investigationState: string } }).startInvestigation;
  expect(receipt.investigationState).toBe(InvestigationState.QUEUED_BY_THROTTLING);
  const release = async () => {
    await sql.execute(`update tenants set max_pending_investigations = 1000 where id = ?`, [tid]);
    expect((await reconcile(t.app.orm, t.app.queue)).released).toBe(1);
  };
  return { id: receipt.investigationId, release };
}

/** The state the server holds now, read over HTTP apart from either client. */
async function stateOnServer(tenant: string, id: string) {
  const res = await gql(t.url, await t.token(tenant, Role.SECURITY_READER), `query ($id: ID!) { investigation(id: $id) { state } }`, {
    id,
  });
  return (res.data as { investigation: { state: InvestigationState } }).investigation.state;
}

const ended = (state: string | undefined) => state !== undefined && !ACTIVE_STATES.includes(state as InvestigationState);

describe('Apollo Client 4', () => {
  test('a query, and a Relay connection paged with fetchMore into one cached list (relayStylePagination)', async () => {
    const ids = await seedPages('apollo-pages');
    const client = await apollo('apollo-pages');
    const list = client.watchQuery({ query: InvestigationListDocument, variables: { first: 2 } });
    const seen: InvestigationListQuery[] = [];
    const sub = list.subscribe({ next: (r) => void (r.data && seen.push(r.data as InvestigationListQuery)) });
    try {
      await eventually('the first page', () => seen.length > 0);
      const first = seen.at(-1)!.investigations;
      expect(first.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 2));
      expect(first.totalCount).toBe(3);
      expect(first.pageInfo.hasNextPage).toBe(true);

      await list.fetchMore({ variables: { after: first.pageInfo.endCursor } });
      await eventually('both pages in one list', () => seen.at(-1)!.investigations.edges.length === 3);
      expect(seen.at(-1)!.investigations.edges.map((e) => e.node.id)).toEqual(ids);
      expect(seen.at(-1)!.investigations.pageInfo.hasNextPage).toBe(false);
    } finally {
      sub.unsubscribe();
    }
  });

  test('an investigation read into the cache goes from its start state to its final state by subscription alone', async () => {
    const { id, release } = await throttledInvestigation('apollo-live');
    const client = await apollo('apollo-live');
    const states: string[] = [];
    const page = client.watchQuery({ query: InvestigationDetailDocument, variables: { id } });
    const pageSub = page.subscribe({ next: (r) => void (r.data && states.push((r.data as InvestigationDetailQuery).investigation.state)) });
    const events: InvestigationLiveSubscription['investigationEvents'][] = [];
    const live = client
      .subscribe({ query: InvestigationLiveDocument, variables: { id } })
      .subscribe({ next: (r) => void (r.data && events.push((r.data as InvestigationLiveSubscription).investigationEvents)) });
    try {
      await eventually('the page in the cache', () => states.length > 0);
      expect(states[0]).toBe(InvestigationState.QUEUED_BY_THROTTLING);
      await registered(t.app.server.events, { investigationId: id }, 1);

      await release();
      await eventually('the cached investigation to reach its end', () => ended(states.at(-1)), { timeoutMs: 60_000 });
      // What the cache shows is what the server holds, with no line of cache code in the client.
      expect(states.at(-1)).toBe(await stateOnServer('apollo-live', id));
      expect(states).toContain(InvestigationState.RUNNING);
      // possibleTypes: fields selected through `... on LiveEvent` survive Apollo's cache.
      expect(events.length).toBeGreaterThan(3);
      for (const e of events) expect(e).toMatchObject({ cursor: expect.stringMatching(/^\d+$/), investigationId: id });
      const cached = client.readQuery({ query: InvestigationDetailDocument, variables: { id } });
      expect(cached?.investigation.state).toBe(states.at(-1));
    } finally {
      live.unsubscribe();
      pageSub.unsubscribe();
    }
  });
});

describe('urql 6 with graphcache', () => {
  test('a query (sent as GET, as urql does) and a Relay connection merged by relayPagination', async () => {
    const ids = await seedPages('urql-pages');
    const client = await urql('urql-pages');
    const seen: InvestigationListQuery[] = [];
    const first = client.query(InvestigationListDocument, { first: 2 }).subscribe((r) => {
      expect(r.error).toBeUndefined();
      if (r.data) seen.push(r.data);
    });
    try {
      await eventually('the first page', () => seen.length > 0);
      const page = seen.at(-1)!.investigations;
      expect(page.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 2));
      const next = await client.query(InvestigationListDocument, { first: 2, after: page.pageInfo.endCursor }).toPromise();
      expect(next.error).toBeUndefined();
      // The first query, still watched, now shows both pages from the cache.
      await eventually('both pages in one list', () => seen.at(-1)!.investigations.edges.length === 3);
      expect(seen.at(-1)!.investigations.edges.map((e) => e.node.id)).toEqual(ids);
    } finally {
      first.unsubscribe();
    }
  });

  test('an investigation read into the cache goes from its start state to its final state by subscription alone', async () => {
    const { id, release } = await throttledInvestigation('urql-live');
    const client = await urql('urql-live');
    const states: string[] = [];
    const page = client.query(InvestigationDetailDocument, { id }).subscribe((r) => {
      if (r.data) states.push(r.data.investigation.state);
    });
    const events: InvestigationLiveSubscription['investigationEvents'][] = [];
    const live = client.subscription(InvestigationLiveDocument, { id }).subscribe((r) => {
      if (r.data) events.push(r.data.investigationEvents);
    });
    try {
      await eventually('the page in the cache', () => states.length > 0);
      expect(states[0]).toBe(InvestigationState.QUEUED_BY_THROTTLING);
      await registered(t.app.server.events, { investigationId: id }, 1);

      await release();
      await eventually('the cached investigation to reach its end', () => ended(states.at(-1)), { timeoutMs: 60_000 });
      expect(states.at(-1)).toBe(await stateOnServer('urql-live', id));
      expect(events.length).toBeGreaterThan(3);
      for (const e of events) expect(e).toMatchObject({ cursor: expect.stringMatching(/^\d+$/), investigationId: id });
    } finally {
      live.unsubscribe();
      page.unsubscribe();
    }
  });
});
