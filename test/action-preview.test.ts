import { parse } from 'graphql';
import { buildBareSchema } from '../src/schema.js';
import { queryCost } from '../src/common/query-cost.js';
import { codes, gql, startTestApp, type TestApp } from './support/app.js';
import { seedInvestigation } from './support/fixtures.js';
import { tenantEntityManager } from '../src/context.js';
import { Action } from '../src/actions/action.entity.js';
import { ActionStatus, ActionType } from '../src/domain/action.js';
import { EntityKind } from '../src/domain/investigation.js';
import { Role } from '../src/domain/role.js';
import { sql as rawSql } from '../src/db/sql.js';

/**
 * `Action.preview` on a known 12,000-message cluster: counts by mailbox, sender, location and verdict
 * equal to the ones computed here from the same formula; the email action's count is what its executor
 * would move; block actions count the tenant's mail carrying the target (never another tenant's); user
 * and machine actions name their targets; one SQL statement for every preview of a page.
 */
let t: TestApp;
const TENANT = 'preview';
let reader: string;
let ids: Record<string, string>;
const CLUSTER_SIZE = 12_000;
const HASH = 'f'.repeat(64);

/** The seeded cluster, message i of 1..12,000: the test computes its expectations from these. */
const shape = (i: number) => ({
  recipient: i <= 600 ? 'vip@preview.example' : i <= 900 ? 'second@preview.example' : `user${i % 1000}@preview.example`,
  sender: i % 1000 === 7 ? 'rare@evil.example' : `s${i % 3}@evil.example`,
  location: ['QUARANTINE', 'JUNK', 'DELETED'][i % 10] ?? 'INBOX',
  verdict: (['PHISH', 'SPAM', null, 'CLEAN'] as const)[i % 4]!,
  url: i % 2 === 0,
  file: i % 5 === 0,
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  t.app.orm.em.fork().transactional((tx) => rawSql<T>(tx, query, params));

/** Counts of `key` over the messages `keep` selects, most first (ties by key), as the preview orders them. */
function tally(keep: (i: number) => boolean, key: (i: number) => string) {
  const counts = new Map<string, number>();
  for (let i = 1; i <= CLUSTER_SIZE; i++) if (keep(i)) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return [...counts].map(([k, count]) => ({ key: k, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
}
const byKey = (list: { key: string; count: number }[]) => [...list].sort((a, b) => (a.key < b.key ? -1 : 1));

beforeAll(async () => {
  t = await startTestApp();
  reader = await t.token(TENANT, Role.SECURITY_READER);
  const seeded = await seedInvestigation(t.app.orm, TENANT, { clusters: 1, membersPerCluster: 0, actions: 0 });
  const clusterId = seeded.clusters[0]!.cluster.id;
  const tid = seeded.tenantId;
  // 12,000 cluster members, and 100 messages of the tenant outside the cluster from one of its senders.
  await sql(
    `insert into email_messages (id, tenant_id, external_id, recipient, sender, subject, body, received_at, location, verdict, url_keys, attachment_hashes)
     select gen_random_uuid(), ?, 'p-' || i, r.recipient, r.sender, 'Invoice', 'Pay now', now() - interval '1 hour', r.location::delivery_location,
            r.verdict::detection_verdict, case when r.url then array['https://evil.example/pay'] else '{}' end,
            case when r.file then array[?] else '{}' end
       from unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bool[], ?::bool[])
            as r(i, recipient, sender, location, verdict, url, file)`,
    (() => {
      const rows = Array.from({ length: CLUSTER_SIZE }, (_, n) => ({ i: n + 1, ...shape(n + 1) }));
      return [
        tid,
        HASH,
        rows.map((r) => r.i),
        rows.map((r) => r.recipient),
        rows.map((r) => r.sender),
        rows.map((r) => r.location),
        rows.map((r) => r.verdict),
        rows.map((r) => r.url),
        rows.map((r) => r.file),
      ];
    })(),
  );
  await sql(
    `insert into email_cluster_members (id, tenant_id, cluster_id, message_id, verdict)
     select gen_random_uuid(), ?, ?, id, 'MALICIOUS' from email_messages where tenant_id = ? and external_id like 'p-%'`,
    [tid, clusterId, tid],
  );
  await sql(
    `insert into email_messages (id, tenant_id, external_id, recipient, sender, subject, body, received_at, location)
     select gen_random_uuid(), ?, 'outside-' || i, 'late@preview.example', 's1@evil.example', 'Later', 'x', now(), 'INBOX' from generate_series(1, 100) i`,
    [tid],
  );
  // Members judged only SUSPICIOUS on their own evidence: in the cluster, but never moved with it — nor counted.
  await sql(
    `insert into email_cluster_members (id, tenant_id, cluster_id, message_id, verdict)
     select gen_random_uuid(), ?, ?, id, 'SUSPICIOUS' from email_messages where tenant_id = ? and external_id like 'outside-%'`,
    [tid, clusterId, tid],
  );
  // Another tenant's mail from the same sender, with the same URL and file: never counted here.
  const other = await seedInvestigation(t.app.orm, 'preview-other', { clusters: 1, membersPerCluster: 0, actions: 0 });
  await sql(
    `insert into email_messages (id, tenant_id, external_id, recipient, sender, subject, body, received_at, location, url_keys, attachment_hashes)
     select gen_random_uuid(), ?, 'o-' || i, 'x@other.example', 's1@evil.example', 'x', 'x', now(), 'INBOX', array['https://evil.example/pay'], array[?] from generate_series(1, 50) i`,
    [other.tenantId, HASH],
  );

  // As autovacuum would after a bulk load: the planner needs the tables' statistics.
  await sql(`analyze email_messages, email_cluster_members, email_clusters`);
  const em = tenantEntityManager(t.app.orm, tid);
  const action = (type: ActionType, targets: { kind: EntityKind; value: string }[] = [], withCluster = false) =>
    em.create(Action, {
      tenantId: tid,
      investigationId: seeded.investigation.id,
      type,
      status: ActionStatus.PENDING_APPROVAL,
      clusterId: withCluster ? clusterId : undefined,
      targets,
      rationale: 'test',
    });
  const created = {
    softDelete: action(ActionType.SOFT_DELETE_EMAILS, [], true),
    junk: action(ActionType.MOVE_TO_JUNK, [], true),
    blockSender: action(ActionType.BLOCK_SENDER, [{ kind: EntityKind.SENDER, value: 'S1@Evil.example' }]),
    blockUrl: action(ActionType.BLOCK_URL, [{ kind: EntityKind.URL, value: 'https://evil.example/pay?utm_source=mail' }]),
    blockFile: action(ActionType.BLOCK_FILE, [{ kind: EntityKind.FILE, value: HASH }]),
    reset: action(ActionType.RESET_PASSWORD, [{ kind: EntityKind.USER, value: 'vip@preview.example' }]),
    isolate: action(ActionType.ISOLATE_MACHINE, [{ kind: EntityKind.MACHINE, value: 'LAPTOP-7' }]),
  };
  await em.flush();
  ids = Object.fromEntries(Object.entries(created).map(([k, a]) => [k, a.id]));
}, 120_000);
afterAll(() => t.stop());

const PREVIEWS = `query($id: ID!, $top: Int) { investigation(id: $id) { actions(first: 20) { edges { node { id type
  preview(top: $top) { scope messages mailboxes topMailboxes { key count } senders topSenders { key count } byLocation { key count }
    byDetectionVerdict { key count } byVerdict { key count } targets { kind value } users machines }
  messages { totalCount } } } } } }`;
interface PreviewCount {
  key: string;
  count: number;
}
interface Preview {
  scope: string;
  messages: number;
  mailboxes: number;
  topMailboxes: PreviewCount[];
  senders: number;
  topSenders: PreviewCount[];
  byLocation: PreviewCount[];
  byDetectionVerdict: PreviewCount[];
  byVerdict: PreviewCount[];
  targets: { kind: string; value: string }[];
  users: string[];
  machines: string[];
}
type Page = {
  investigation: { actions: { edges: { node: { id: string; type: string; preview: Preview; messages: { totalCount: number } } }[] } };
};

async function previews(top?: number) {
  const [row] = await sql<{ investigation_id: string }>(`select investigation_id from actions where id = ?`, [ids.softDelete]);
  const started = Date.now();
  const res = await gql<Page, unknown>(t.url, reader, PREVIEWS, { id: row!.investigation_id, top });
  const ms = Date.now() - started;
  expect(res.errors).toBeUndefined();
  const byId = new Map(res.data!.investigation.actions.edges.map((e) => [e.node.id, e.node]));
  const node = (name: string) => byId.get(ids[name]!)!;
  return { node, ms };
}

test('an email action previews exactly what it would move, by mailbox, sender, location and verdict, quickly for a 12,000-message cluster', async () => {
  const { node, ms } = await previews();
  const inMailbox = (i: number) => ['INBOX', 'JUNK'].includes(shape(i).location);
  const soft = node('softDelete');
  expect(soft.preview.scope).toBe('MESSAGES_MOVED');
  const expectedTotal = Array.from({ length: CLUSTER_SIZE }, (_, n) => n + 1).filter(inMailbox).length;
  expect(soft.preview.messages).toBe(expectedTotal);
  // The count a reviewer sees is the set the executor takes (Action.messages lists the same).
  expect(soft.messages.totalCount).toBe(expectedTotal);
  const mailboxes = tally(inMailbox, (i) => shape(i).recipient);
  expect(soft.preview.mailboxes).toBe(mailboxes.length);
  expect(soft.preview.topMailboxes).toEqual(mailboxes.slice(0, 5));
  expect(soft.preview.topMailboxes[0]).toEqual({ key: 'vip@preview.example', count: 480 });
  const senders = tally(inMailbox, (i) => shape(i).sender);
  expect(soft.preview.senders).toBe(4);
  expect(soft.preview.topSenders).toEqual(senders);
  expect(byKey(soft.preview.byLocation)).toEqual(byKey(tally(inMailbox, (i) => shape(i).location)));
  expect(byKey(soft.preview.byDetectionVerdict)).toEqual(byKey(tally(inMailbox, (i) => shape(i).verdict ?? 'NONE')));
  // Each member is counted under its own verdict: the SUSPICIOUS ones are not moved, so not counted.
  expect(soft.preview.byVerdict).toEqual([{ key: 'MALICIOUS', count: expectedTotal }]);

  // Moving to junk leaves what is already in junk.
  const junk = node('junk');
  expect(junk.preview.messages).toBe(
    tally(
      (i) => shape(i).location === 'INBOX',
      () => 'x',
    )[0]!.count,
  );
  expect(junk.preview.byLocation).toEqual([{ key: 'INBOX', count: junk.preview.messages }]);

  // The whole page, seven previews over a 12,000-message cluster, answers quickly (one batched statement;
  // raw SQL bypasses the ORM's query log, so the statement itself is not counted here).
  expect(ms).toBeLessThan(5_000);
});

test("block actions count the tenant's own messages that carry the target; user and machine actions name theirs", async () => {
  const { node } = await previews(2);
  const sender = node('blockSender').preview;
  expect(sender.scope).toBe('MESSAGES_CARRYING_TARGET');
  // s1@ sends every message i ≡ 1 (mod 3) but the rare ones, plus the 100 outside the cluster.
  const s1 = tally(
    (i) => shape(i).sender === 's1@evil.example',
    () => 'x',
  )[0]!.count;
  expect(sender.messages).toBe(s1 + 100);
  expect(sender.senders).toBe(1);
  expect(sender.topMailboxes).toHaveLength(2);
  expect(sender.byVerdict).toEqual([]);
  expect(sender.targets).toEqual([{ kind: 'SENDER', value: 'S1@Evil.example' }]);

  // A URL matches by its normal form, as the block list does (tracking parameters dropped).
  expect(node('blockUrl').preview.messages).toBe(CLUSTER_SIZE / 2);
  expect(node('blockFile').preview.messages).toBe(CLUSTER_SIZE / 5);
  expect(byKey(node('blockFile').preview.byLocation)).toEqual(
    byKey(
      tally(
        (i) => shape(i).file,
        (i) => shape(i).location,
      ),
    ),
  );

  const reset = node('reset').preview;
  expect(reset).toMatchObject({ scope: 'TARGETS', messages: 0, users: ['vip@preview.example'], machines: [], topMailboxes: [] });
  expect(node('isolate').preview).toMatchObject({ scope: 'TARGETS', users: [], machines: ['LAPTOP-7'] });
});

test('top is bounded, and each preview adds to the query cost', async () => {
  const [row] = await sql<{ investigation_id: string }>(`select investigation_id from actions where id = ?`, [ids.softDelete]);
  const bad = await gql(t.url, reader, PREVIEWS, { id: row!.investigation_id, top: 51 });
  expect(codes(bad)).toContain('BAD_USER_INPUT');
  // Each preview costs 10 (an aggregate over up to a campaign's mail) plus what it selects, per action of the page.
  const schema = await buildBareSchema();
  const cost = (query: string) => queryCost({ schema, document: parse(query) });
  const without = cost(`{ pendingActions(first: 100) { edges { node { id } } } }`);
  const withPreview = cost(`{ pendingActions(first: 100) { edges { node { id preview { messages } } } } }`);
  expect(withPreview).toBe((without as number) + 100 * 11);
});
