import { domainToASCII } from 'node:url';
import { codes, gql, ingestRecords, startTestApp, type TestApp } from './support/app.js';
import { eventually } from './support/eventually.js';
import { tenantId } from './support/fixtures.js';
import { tenantEntityManager } from '../src/context.js';
import { portsFor } from '../src/playbooks/ports.orm.js';
import { ACTIVE_STATES } from '../src/domain/investigation.js';
import { IndicatorKind, Verdict } from '../src/domain/telemetry.js';
import { Role } from '../src/domain/role.js';
import { sql as rawSql } from '../src/db/sql.js';

/**
 * Analyst verdicts as tenant intelligence: who may give them, how their values are checked and
 * normalised, replacement (also under concurrency), the audit trail, tenant isolation, the playbooks'
 * port, and a later investigation that takes an analyst's MALICIOUS verdict on a URL as intelligence.
 * A real server over HTTP on a real PostgreSQL, with the in-process workers running the playbooks.
 */
let t: TestApp;
const TENANT = 'analysts';
const OTHER = 'analysts-elsewhere';
let admin: string;
let globalAdmin: string;
let reader: string;
let service: string;
let otherAdmin: string;

const SUBMIT = `mutation($input: AnalystVerdictInput!) { submitAnalystVerdict(input: $input) { id kind value verdict comment decidedBy decidedAt createdAt } }`;
const LIST = `query($filter: AnalystVerdictFilter, $first: Int, $after: String) {
  analystVerdicts(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kind value verdict comment decidedBy } } }
}`;
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 100, filter: $filter) { totalCount edges { node { kind actor actorRole subjectId comment details } } } }`;

interface Submitted {
  id: string;
  kind: string;
  value: string;
  verdict: string;
  comment: string | null;
  decidedBy: string;
}
interface Listed {
  analystVerdicts: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Submitted }[] };
}
/** The details of an ANALYST_VERDICT_GIVEN audit entry. */
interface VerdictAudit {
  kind: string;
  value: string;
  verdict: string;
  before: { verdict: string; comment: string | null; decidedBy: string } | null;
}
interface Audited {
  auditEvents: {
    totalCount: number;
    edges: { node: { kind: string; actor: string; subjectId: string; comment: string | null; details: VerdictAudit } }[];
  };
}

const submit = (token: string, input: Record<string, unknown>) =>
  gql<{ submitAnalystVerdict: Submitted }, unknown>(t.url, token, SUBMIT, { input });
const list = (token: string, vars: Record<string, unknown> = {}) => gql<Listed, unknown>(t.url, token, LIST, vars);
const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  t.app.orm.em.fork().transactional((tx) => rawSql<T>(tx, query, params));

beforeAll(async () => {
  t = await startTestApp({ env: { AIR_WORKERS: '1' } });
  admin = await t.token(TENANT, Role.SECURITY_ADMIN, { sub: 'ana@analysts' });
  globalAdmin = await t.token(TENANT, Role.GLOBAL_ADMIN, { sub: 'gail@analysts' });
  reader = await t.token(TENANT, Role.SECURITY_READER);
  service = await t.token(TENANT, Role.SERVICE);
  otherAdmin = await t.token(OTHER, Role.SECURITY_ADMIN);
  const received = '2026-11-20T09:00:00Z';
  const report = await ingestRecords(t, service, [
    {
      type: 'message',
      id: 'av-msg-1',
      recipient: 'alice@analysts.example',
      sender: 'x@outside.example',
      subject: 'Hi',
      body: 'Hello',
      receivedAt: received,
      location: 'INBOX',
    },
  ]);
  expect(report.failed).toBe(0);
  const elsewhere = await ingestRecords(t, await t.token(OTHER, Role.SERVICE), [
    {
      type: 'message',
      id: 'av-foreign-1',
      recipient: 'bob@elsewhere.example',
      sender: 'y@outside.example',
      subject: 'Hi',
      body: 'Hello',
      receivedAt: received,
      location: 'INBOX',
    },
  ]);
  expect(elsewhere.failed).toBe(0);
}, 60_000);
afterAll(() => t.stop());

describe('submitAnalystVerdict', () => {
  test('admins give verdicts; readers list them but cannot give one; the SERVICE identity does neither; no token is UNAUTHENTICATED', async () => {
    const input = { kind: 'SENDER', value: 'Roles@Outside.example', verdict: 'MALICIOUS' };
    expect(codes(await submit(reader, input))).toEqual(['FORBIDDEN']);
    expect(codes(await submit(service, input))).toEqual(['FORBIDDEN']);
    const none = await gql(t.url, undefined, SUBMIT, { input });
    expect(none.status).toBe(401);
    expect(codes(await list(service))).toEqual(['FORBIDDEN']);
    expect((await list(reader, { filter: { kinds: ['SENDER'], value: 'roles@outside.example' } })).data!.analystVerdicts.totalCount).toBe(
      0,
    );

    const given = await submit(globalAdmin, input);
    expect(given.errors).toBeUndefined();
    expect(given.data!.submitAnalystVerdict).toMatchObject({
      kind: 'SENDER',
      value: 'roles@outside.example',
      verdict: 'MALICIOUS',
      decidedBy: 'gail@analysts',
    });
    const seen = await list(reader, { filter: { kinds: ['SENDER'], value: 'ROLES@outside.example' } });
    expect(seen.data!.analystVerdicts.edges.map((e) => e.node.id)).toEqual([given.data!.submitAnalystVerdict.id]);
  });

  test('values are checked and normalised as investigations compare them; bad ones answer BAD_USER_INPUT naming the field', async () => {
    const ok = async (kind: string, value: string) => {
      const r = await submit(admin, { kind, value, verdict: 'SUSPICIOUS' });
      expect(r.errors).toBeUndefined();
      return r.data!.submitAnalystVerdict.value;
    };
    // A Safe Links copy with tracking parameters is the bare link (domain/url.ts normaliseUrl).
    const wrapped = `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://Login.Evil-Norm.example/a?utm_source=x&b=1')}&data=05`;
    expect(await ok('URL', wrapped)).toBe('https://login.evil-norm.example/a?b=1');
    // A host stays a host (not widened to its registrable domain), lower-cased, ASCII, without www.
    expect(await ok('DOMAIN', ' WWW.Phish.Shared-Host.example ')).toBe('phish.shared-host.example');
    expect(await ok('DOMAIN', 'Bücher-Norm.example')).toBe(domainToASCII('bücher-norm.example'));
    expect(await ok('FILE', 'A'.repeat(64))).toBe('a'.repeat(64));
    expect(await ok('IP', ' 203.0.113.9 ')).toBe('203.0.113.9');
    expect(await ok('MESSAGE', 'av-msg-1')).toBe('av-msg-1');

    const refused = async (input: Record<string, unknown>, field: string, message: RegExp) => {
      const r = await submit(admin, { verdict: 'MALICIOUS', ...input });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe(field);
      expect(r.errors![0]!.message).toMatch(message);
    };
    await refused({ kind: 'URL', value: 'not a url' }, 'value', /a URL value must be an http\(s\) URL, but got 'not a url'/);
    await refused({ kind: 'URL', value: 'javascript:alert(1)' }, 'value', /http\(s\) URL/);
    await refused({ kind: 'DOMAIN', value: 'co.uk' }, 'value', /host name under a public suffix/);
    await refused({ kind: 'DOMAIN', value: '203.0.113.9' }, 'value', /host name/);
    await refused({ kind: 'FILE', value: 'abc' }, 'value', /SHA-256/);
    await refused({ kind: 'IP', value: '999.1.1.1' }, 'value', /IPv4 or IPv6/);
    await refused({ kind: 'SENDER', value: 'nobody' }, 'value', /email address/);
    await refused({ kind: 'SENDER', value: '   ' }, 'value', /empty/);
    await refused({ kind: 'URL', value: `https://long.example/${'x'.repeat(3000)}` }, 'value', /at most 2048/);
    await refused({ kind: 'SENDER', value: 'a@b.example', verdict: 'UNKNOWN' }, 'verdict', /MALICIOUS, SUSPICIOUS, CLEAN, but got UNKNOWN/);
    const long = await submit(admin, { kind: 'SENDER', value: 'a@b.example', verdict: 'CLEAN', comment: 'x'.repeat(5000) });
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
    // Another tenant's message id answers exactly as one that was never ingested.
    const foreign = await submit(admin, { kind: 'MESSAGE', value: 'av-foreign-1', verdict: 'MALICIOUS' });
    const missing = await submit(admin, { kind: 'MESSAGE', value: 'av-never-1', verdict: 'MALICIOUS' });
    expect(codes(foreign)).toEqual(['BAD_USER_INPUT']);
    expect(foreign.errors![0]!.message.replace('av-foreign-1', 'ID')).toBe(missing.errors![0]!.message.replace('av-never-1', 'ID'));
    expect(
      (await sql(`select count(*)::int as n from analyst_verdicts where value in ('av-foreign-1', 'av-never-1', 'a@b.example')`))[0],
    ).toEqual({ n: 0 });
    // A malformed input type is graphql's own refusal, before any resolver runs.
    expect(codes(await submit(admin, { kind: 'EMAIL', value: 'x', verdict: 'CLEAN' }))).toEqual(['BAD_USER_INPUT']);
  });

  test('a later verdict replaces the earlier one in place; each is audited with what it replaced', async () => {
    const value = 'replace@outside.example';
    const first = (await submit(admin, { kind: 'SENDER', value, verdict: 'MALICIOUS', comment: ' phish kit ' })).data!.submitAnalystVerdict;
    expect(first.comment).toBe('phish kit');
    const second = (await submit(globalAdmin, { kind: 'SENDER', value, verdict: 'CLEAN', comment: 'their real newsletter' })).data!
      .submitAnalystVerdict;
    expect(second).toMatchObject({ id: first.id, verdict: 'CLEAN', comment: 'their real newsletter', decidedBy: 'gail@analysts' });
    const listed = await list(reader, { filter: { kinds: ['SENDER'], value } });
    expect(listed.data!.analystVerdicts.edges.map((e) => e.node)).toEqual([expect.objectContaining({ id: first.id, verdict: 'CLEAN' })]);
    // Readers see a verdict's history on the verdict itself (the audit query is for admins).
    const history = await gql<
      { analystVerdicts: { edges: { node: { history: { edges: { node: { actor: string; comment: string } }[] } } }[] } },
      unknown
    >(
      t.url,
      reader,
      `query($value: String) { analystVerdicts(filter: {kinds: [SENDER], value: $value}) { edges { node { history { edges { node { actor comment } } } } } } }`,
      { value },
    );
    expect(history.errors).toBeUndefined();
    expect(history.data!.analystVerdicts.edges[0]!.node.history.edges.map((e) => e.node)).toEqual([
      { actor: 'ana@analysts', comment: 'phish kit' },
      { actor: 'gail@analysts', comment: 'their real newsletter' },
    ]);

    const audit = await gql<Audited, unknown>(t.url, admin, AUDIT, { filter: { subjectId: first.id } });
    const entries = audit.data!.auditEvents.edges.map((e) => e.node);
    expect(entries.map((e) => [e.kind, e.actor, e.details.verdict, e.details.before?.verdict ?? null])).toEqual([
      ['ANALYST_VERDICT_GIVEN', 'gail@analysts', 'CLEAN', 'MALICIOUS'],
      ['ANALYST_VERDICT_GIVEN', 'ana@analysts', 'MALICIOUS', null],
    ]);
    expect(entries[0]!.comment).toBe('their real newsletter');
    expect(entries[0]!.details).toMatchObject({ kind: 'SENDER', value, before: { comment: 'phish kit', decidedBy: 'ana@analysts' } });
  });

  test('twenty concurrent verdicts on one value leave one row, twenty audit entries, and a chain in which each replaced the one before', async () => {
    const value = 'https://race.example/login';
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const token = await t.token(TENANT, Role.SECURITY_ADMIN, { sub: `racer-${i}@analysts` });
        return submit(token, { kind: 'URL', value, verdict: i % 2 ? 'CLEAN' : 'MALICIOUS', comment: `take ${i}` });
      }),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const ids = new Set(results.map((r) => r.data!.submitAnalystVerdict.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const rows = await sql<{ comment: string }>(`select comment from analyst_verdicts where kind = 'URL' and value = ?`, [value]);
    expect(rows).toHaveLength(1);
    const audit = (await gql<Audited, unknown>(t.url, admin, AUDIT, { filter: { subjectId: id } })).data!.auditEvents.edges.map(
      (e) => e.node,
    );
    expect(audit).toHaveLength(20);
    // Each verdict replaced exactly one other, the first replaced none, and the row holds the one nobody replaced.
    const comments = audit.map((e) => e.comment);
    const replaced = audit.map((e) => e.details.before?.comment ?? null);
    expect(replaced.filter((c) => c === null)).toHaveLength(1);
    expect(new Set(replaced.filter((c) => c !== null)).size).toBe(19);
    const last = comments.filter((c) => !replaced.includes(c));
    expect(last).toEqual([rows[0]!.comment]);
  });

  test("tenants are isolated: another tenant neither lists this tenant's verdicts nor replaces them, and its playbooks do not see them", async () => {
    const value = 'isolated@outside.example';
    const mine = (await submit(admin, { kind: 'SENDER', value, verdict: 'MALICIOUS' })).data!.submitAnalystVerdict;
    expect((await list(otherAdmin, { filter: { kinds: ['SENDER'], value } })).data!.analystVerdicts.totalCount).toBe(0);
    const theirs = (await submit(otherAdmin, { kind: 'SENDER', value, verdict: 'CLEAN' })).data!.submitAnalystVerdict;
    expect(theirs.id).not.toBe(mine.id);
    expect((await list(reader, { filter: { kinds: ['SENDER'], value } })).data!.analystVerdicts.edges.map((e) => e.node.verdict)).toEqual([
      'MALICIOUS',
    ]);
    const auditElsewhere = await gql<Audited, unknown>(t.url, otherAdmin, AUDIT, { filter: { subjectId: mine.id } });
    expect(auditElsewhere.data!.auditEvents.totalCount).toBe(0);

    const ports = async (tenant: string) => {
      const id = await tenantId(t.app.orm, tenant);
      return portsFor(tenantEntityManager(t.app.orm, id), id);
    };
    expect((await (await ports(TENANT)).intel.indicators(IndicatorKind.SENDER, [value])).map((i) => i.verdict)).toEqual([
      Verdict.MALICIOUS,
    ]);
    expect((await (await ports(OTHER)).intel.indicators(IndicatorKind.SENDER, [value])).map((i) => i.verdict)).toEqual([Verdict.CLEAN]);
  });

  test('the list pages newest verdict first and filters by kind and verdict', async () => {
    for (let i = 0; i < 3; i++) await submit(admin, { kind: 'IP', value: `198.51.100.${i}`, verdict: i === 1 ? 'CLEAN' : 'MALICIOUS' });
    const page1 = await list(reader, { filter: { kinds: ['IP'], verdicts: ['MALICIOUS'] }, first: 1 });
    expect(page1.data!.analystVerdicts.totalCount).toBeGreaterThanOrEqual(2);
    expect(page1.data!.analystVerdicts.edges.map((e) => e.node.value)).toEqual(['198.51.100.2']);
    const page2 = await list(reader, {
      filter: { kinds: ['IP'], verdicts: ['MALICIOUS'] },
      first: 1,
      after: page1.data!.analystVerdicts.pageInfo.endCursor,
    });
    expect(page2.data!.analystVerdicts.edges.map((e) => e.node.value)).toEqual(['198.51.100.0']);
    expect(codes(await list(reader, { first: 101 }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await list(reader, { filter: { kinds: ['IP'], value: 'nope' } }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('as intelligence', () => {
  test('IntelPort: indicators() returns analyst verdicts (CLEAN too) beside feed indicators; analystVerdicts() answers per message', async () => {
    await ingestRecords(t, service, [
      { type: 'indicator', id: 'feed-1', kind: 'DOMAIN', value: 'both.example', verdict: 'MALICIOUS', source: 'feed' },
    ]);
    await submit(admin, { kind: 'DOMAIN', value: 'both.example', verdict: 'CLEAN', comment: 'our supplier' });
    await submit(admin, { kind: 'MESSAGE', value: 'av-msg-1', verdict: 'CLEAN', comment: 'a real invoice' });
    await submit(admin, { kind: 'URL', value: 'https://port.example/x?utm_medium=mail', verdict: 'MALICIOUS' });
    const tid = await tenantId(t.app.orm, TENANT);
    const { intel } = portsFor(tenantEntityManager(t.app.orm, tid), tid);

    const domain = await intel.indicators(IndicatorKind.DOMAIN, ['mail.both.example']);
    expect(domain.map((i) => [i.source, i.verdict, i.value]).sort()).toEqual([
      ['analyst', 'CLEAN', 'both.example'],
      ['feed', 'MALICIOUS', 'both.example'],
    ]);
    expect(domain.find((i) => i.source === 'analyst')!.analyst).toMatchObject({ by: 'ana@analysts', comment: 'our supplier' });
    expect(domain.find((i) => i.source === 'feed')!.analyst).toBeUndefined();
    // A raw URL finds the analyst's verdict through its normal form.
    expect((await intel.indicators(IndicatorKind.URL, ['https://port.example/x?utm_source=other'])).map((i) => i.value)).toEqual([
      'https://port.example/x',
    ]);
    const messages = await intel.analystVerdicts(['av-msg-1', 'av-unjudged']);
    expect(messages).toEqual([
      {
        messageExternalId: 'av-msg-1',
        verdict: Verdict.CLEAN,
        analyst: expect.objectContaining({ by: 'ana@analysts', comment: 'a real invoice' }),
      },
    ]);
    expect(await intel.analystVerdicts([])).toEqual([]);
  });

  test("a later investigation takes an analyst's MALICIOUS verdict on a URL as intelligence", async () => {
    const url = 'https://intranet-sso.analyst-flagged.example/login?session=1';
    const given = await submit(admin, { kind: 'URL', value: url, verdict: 'MALICIOUS', comment: 'credential phish seen by our SOC' });
    expect(given.errors).toBeUndefined();
    const report = await ingestRecords(t, service, [
      {
        type: 'message',
        id: 'av-reported-1',
        recipient: 'carol@analysts.example',
        sender: 'it-desk@lookalike.example',
        subject: 'Password expiry',
        body: 'Your password expires today.',
        urls: [`${url}&utm_campaign=x`],
        receivedAt: '2026-11-21T10:00:00Z',
        location: 'INBOX',
      },
    ]);
    expect(report.failed).toBe(0);
    const receipt = await gql<{ reportMessage: { investigationId: string } }, unknown>(
      t.url,
      service,
      `mutation($input: ReportMessageInput!) { reportMessage(input: $input) { investigationId } }`,
      { input: { messageId: 'av-reported-1', reportedBy: 'carol@analysts.example' } },
    );
    expect(receipt.errors).toBeUndefined();
    const id = receipt.data!.reportMessage.investigationId;
    const INVESTIGATION = `query($id: ID!) { investigation(id: $id) { state logSteps { key status findings } entities(first: 100) { edges { node { kind value verdict } } } } }`;
    type Seen = {
      investigation: {
        state: string;
        logSteps: { key: string; status: string; findings: { indicatorHits?: unknown[] } }[];
        entities: { edges: { node: { kind: string; value: string; verdict: string } }[] };
      };
    };
    const done = await eventually(
      'the investigation to finish',
      async () => {
        const r = await gql<Seen, unknown>(t.url, reader, INVESTIGATION, { id });
        return !(ACTIVE_STATES as string[]).includes(r.data!.investigation.state) && r.data!.investigation;
      },
      { timeoutMs: 90_000 },
    );
    const threat = done.logSteps.find((s) => s.key === 'threat_type');
    expect(threat?.status).toBe('COMPLETED');
    expect(threat!.findings.indicatorHits).toContainEqual(
      expect.objectContaining({ kind: 'URL', value: 'https://intranet-sso.analyst-flagged.example/login?session=1', verdict: 'MALICIOUS' }),
    );
    expect(done.entities.edges.map((e) => e.node)).toContainEqual(expect.objectContaining({ kind: 'URL', verdict: 'MALICIOUS' }));
    expect(done.state).not.toBe('NO_THREATS_FOUND');
  }, 120_000);
});
