import { createHash } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { startTestApp, type TestApp } from './support/app.js';
import { eventually } from './support/eventually.js';
import { tenantId } from './support/fixtures.js';
import type { IngestReport } from '../src/telemetry/ingest.service.js';
import {
  BANDS,
  ROWS,
  SLOTS,
  domainOf,
  estimateSimilarity,
  fingerprintMessage,
  normaliseUrl,
  subjectKeyOf,
} from '../src/telemetry/fingerprint.js';
import { Role } from '../src/domain/role.js';

let t: TestApp;
let ingestUrl: string;
let service: string;

beforeAll(async () => {
  t = await startTestApp();
  ingestUrl = t.url.replace(/\/graphql$/, '/ingest');
  service = await t.token('acme', Role.SERVICE);
});
afterAll(async () => {
  await t?.stop();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => t.app.orm.em.getConnection().execute<T[]>(text, params);

async function post(body: string | Readable, opts: { token?: string; contentType?: string; method?: string } = {}) {
  const init: RequestInit & { duplex?: 'half' } = {
    method: opts.method ?? 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/x-ndjson',
      ...(opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {}),
    },
  };
  if (init.method !== 'GET') {
    if (typeof body === 'string') init.body = body;
    else {
      init.body = Readable.toWeb(body) as ReadableStream;
      init.duplex = 'half';
    }
  }
  const res = await fetch(ingestUrl, init);
  return {
    status: res.status,
    body: (await res.json()) as IngestReport & { errors: { message: string; extensions?: { code: string } }[] },
  };
}
const ndjson = (records: unknown[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

const T0 = '2026-11-20T09:00:00Z';
let serial = 0;
const uid = (p: string) => `${p}-${++serial}`;
function message(over: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: uid('m'),
    recipient: 'Alice@Contoso.com',
    sender: 'Payroll@Evil.Example',
    subject: 'Your statement',
    body: 'Please review your statement at the link below.',
    receivedAt: T0,
    location: 'INBOX',
    ...over,
  };
}

describe('authorization and protocol', () => {
  test('an upload the client aborts is logged as the client leaving, not as an unexpected error', async () => {
    const before = t.log.length;
    const req = http.request(ingestUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${service}`, 'content-type': 'application/x-ndjson', 'x-request-id': 'aborted-upload' },
    });
    req.on('error', () => undefined);
    req.write(ndjson(Array.from({ length: 50 }, () => message())));
    // Half a line, then the connection drops.
    req.write('{"type":"message","id":"cut');
    await new Promise((r) => setTimeout(r, 200));
    req.destroy();
    await eventually('the aborted upload logged', () =>
      t.log.some((l) => l.reqId === 'aborted-upload' && l.msg.startsWith('request aborted')),
    );
    const lines = t.log.slice(before).filter((l) => l.reqId === 'aborted-upload');
    expect(lines.find((l) => l.msg.startsWith('request aborted'))).toMatchObject({
      level: 'info',
      path: '/ingest',
      tenant: expect.any(String),
    });
    expect(t.log.slice(before).filter((l) => l.level === 'error' || l.err)).toEqual([]);
    // The server still ingests.
    expect((await post(ndjson([message()]), { token: service })).status).toBe(200);
  });

  test('no token → 401, a reader or an admin → 403, only SERVICE ingests', async () => {
    const line = ndjson([message()]);
    const none = await post(line);
    expect(none.status).toBe(401);
    expect(none.body.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const role of [Role.SECURITY_READER, Role.SECURITY_ADMIN, Role.GLOBAL_ADMIN]) {
      const r = await post(line, { token: await t.token('acme', role) });
      expect(r.status).toBe(403);
      expect(r.body.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const bad = await post(line, { token: 'not-a-jwt' });
    expect(bad.status).toBe(401);
    expect((await post(line, { token: service })).status).toBe(200);
  });

  test('405 for GET, 415 for a content type that is not NDJSON, 400 for an empty body', async () => {
    const get = await fetch(ingestUrl, { headers: { authorization: `Bearer ${service}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const form = await post('a=b', { token: service, contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.body.errors[0]?.message).toMatch(/application\/x-ndjson/);
    const empty = await post('\n\n', { token: service });
    expect(empty.status).toBe(400);
    expect(empty.body.received).toBe(0);
  });
});

describe('records', () => {
  test('every record type is stored, addresses lower-cased, tenant from the token', async () => {
    const sha = createHash('sha256').update('payload').digest('hex');
    const records = [
      { type: 'mailbox', id: 'mb-1', address: 'Alice@Contoso.com', displayName: 'Alice', department: 'Finance' },
      message({
        id: 'msg-all',
        senderIp: '203.0.113.9',
        returnPath: 'Bounce@Evil.Example',
        urls: ['https://Login.Evil.Example/signin?utm_source=x&user=alice@contoso.com#top'],
        attachments: [{ name: 'a.pdf', sha256: sha.toUpperCase(), size: 7 }],
        verdict: 'PHISH',
        auth: { spf: 'FAIL', dkim: 'none', dmarc: 'fail' },
        direction: 'INBOUND',
        internetMessageId: '<x@evil.example>',
        tenantId: '00000000-0000-0000-0000-000000000000',
      }),
      {
        type: 'url_click',
        id: 'click-1',
        url: 'https://login.evil.example/signin',
        user: 'ALICE@contoso.com',
        at: T0,
        action: 'ALLOWED',
        messageId: 'msg-all',
      },
      {
        type: 'sign_in',
        id: 'si-1',
        user: 'Alice@contoso.com',
        ip: '198.51.100.4',
        country: 'NL',
        at: T0,
        risk: 'HIGH',
        result: 'SUCCESS',
      },
      {
        type: 'inbox_rule',
        id: 'rule-1',
        mailbox: 'Alice@contoso.com',
        name: 'fwd',
        forwardTo: 'Drop@Evil.Example',
        deleteMessages: true,
        createdAt: T0,
        createdFromIp: '198.51.100.4',
      },
      { type: 'device', id: 'dev-1', name: 'LAPTOP-1', user: 'Alice@contoso.com', os: 'Windows 11' },
      { type: 'device_file', id: 'df-1', device: 'dev-1', sha256: sha, path: 'C:\\a.pdf', seenAt: T0 },
      {
        type: 'indicator',
        id: 'ind-1',
        kind: 'DOMAIN',
        value: 'Evil.Example',
        verdict: 'MALICIOUS',
        campaign: 'Payroll 2026',
        source: 'feed',
      },
      { type: 'zap', id: 'zap-1', messageId: 'msg-all', at: '2026-11-20T10:00:00Z', reason: 'PHISH' },
      { type: 'alert', id: 'alert-1', kind: 'USER_REPORTED', at: T0, messageId: 'msg-all', user: 'Alice@contoso.com' },
    ];
    const { status, body } = await post(ndjson(records), { token: service });
    expect(status).toBe(200);
    expect(body).toMatchObject({ received: 10, stored: 10, duplicates: 0, failed: 0, errors: [] });
    expect(body.byType).toMatchObject({
      mailbox: 1,
      message: 1,
      url_click: 1,
      sign_in: 1,
      inbox_rule: 1,
      device: 1,
      device_file: 1,
      indicator: 1,
      zap: 1,
      alert: 1,
    });

    const acme = await tenantId(t.app.orm, 'acme');
    const [m] = await sql(`select * from email_messages where external_id = 'msg-all'`);
    expect(m).toMatchObject({
      tenant_id: acme,
      recipient: 'alice@contoso.com',
      sender: 'payroll@evil.example',
      return_path: 'bounce@evil.example',
      sender_ip: '203.0.113.9',
      verdict: 'PHISH',
      auth: { spf: 'fail', dkim: 'none', dmarc: 'fail' },
      internet_message_id: '<x@evil.example>',
      location: 'QUARANTINE',
      sender_domain: 'evil.example',
      subject_key: 'your statement',
      url_keys: ['https://login.evil.example/signin'],
      domains: ['login.evil.example', 'evil.example'],
      attachment_hashes: [sha],
    });
    expect(new Date(m!.zapped_at as string)).toEqual(new Date('2026-11-20T10:00:00Z'));
    expect((m!.lsh_bands as string[]).length).toBe(BANDS);
    expect((m!.minhash as number[]).length).toBe(SLOTS);
    expect((await sql(`select address from mailboxes where external_id = 'mb-1'`))[0]?.address).toBe('alice@contoso.com');
    expect((await sql(`select "user" from url_clicks where external_id = 'click-1'`))[0]?.user).toBe('alice@contoso.com');
    expect((await sql(`select forward_to, delete_messages from inbox_rules where external_id = 'rule-1'`))[0]).toEqual({
      forward_to: 'drop@evil.example',
      delete_messages: true,
    });
    expect((await sql(`select value from indicators where external_id = 'ind-1'`))[0]?.value).toBe('evil.example');
    expect(await sql(`select name from campaigns where tenant_id = ?`, [acme])).toEqual([{ name: 'Payroll 2026' }]);
    const [alert] = await sql(`select * from alerts where external_id = 'alert-1'`);
    expect(alert).toMatchObject({ kind: 'USER_REPORTED', severity: 'MEDIUM', user: 'alice@contoso.com' });
    expect(alert?.title).toMatch(/reported by user/);
  });

  test('idempotent: the same body twice stores nothing the second time', async () => {
    const body = ndjson([
      message({ id: 'idem-1' }),
      message({ id: 'idem-2' }),
      { type: 'mailbox', id: 'idem-mb', address: 'x@contoso.com' },
      message({ id: 'idem-1' }),
    ]);
    const first = await post(body, { token: service });
    expect(first.body).toMatchObject({ received: 4, stored: 3, duplicates: 1, failed: 0 });
    const second = await post(body, { token: service });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ received: 4, stored: 0, duplicates: 4, failed: 0 });
    expect(await sql(`select count(*)::int n from email_messages where external_id like 'idem-%'`)).toEqual([{ n: 2 }]);
  });

  test('concurrent uploads of the same messages store each once (the COPY that loses the race is redone with ON CONFLICT)', async () => {
    const body = ndjson(Array.from({ length: 3000 }, (_, i) => message({ id: `race-${i}` })));
    const reports = await Promise.all(Array.from({ length: 4 }, () => post(body, { token: service })));
    for (const r of reports) expect(r.status).toBe(200);
    expect(reports.reduce((n, r) => n + r.body.stored, 0)).toBe(3000);
    expect(reports.reduce((n, r) => n + r.body.duplicates, 0)).toBe(3 * 3000);
    expect(
      await sql(`select count(*)::int n, count(distinct external_id)::int d from email_messages where external_id like 'race-%'`),
    ).toEqual([{ n: 3000, d: 3000 }]);
  });

  test('bad lines are reported with line numbers and reasons; the good lines are kept', async () => {
    const lines = [
      message({ id: 'good-1' }), // 1
      '{"type": "message", "id": ', // 2: not JSON
      { type: 'mesage', id: 'x1' }, // 3: unknown type
      { ...message({ id: 'x2' }), subject: undefined }, // 4: missing field
      message({ id: 'x3', urls: 'https://a.example' }), // 5: wrong type
      message({ id: 'x4', location: 'OUTBOX' }), // 6: bad enum
      message({ id: 'x5', receivedAt: 'yesterday' }), // 7: bad time
      '', // 8: blank, skipped
      message({ id: 'good-2' }), // 9
      [1, 2], // 10: not an object
      { type: 'sign_in', id: 'x6', user: 'a@b.c', ip: '999.1.1.1', at: T0, result: 'SUCCESS' }, // 11: bad ip
      message({ id: 'x7', attachments: [{ name: 'a', sha256: 'abc' }] }), // 12: nested
    ];
    const { status, body } = await post(ndjson(lines), { token: service });
    expect(status).toBe(200);
    expect(body).toMatchObject({ received: 11, stored: 2, failed: 9 });
    const byLine = Object.fromEntries(body.errors.map((e) => [e.line, e.message]));
    expect(byLine[2]).toMatch(/^line 2: not JSON \(/);
    expect(byLine[3]).toBe(
      "line 3: unknown type 'mesage' (expected one of mailbox, zap, message, raw_message, url_click, sign_in, inbox_rule, device, device_file, indicator, alert)",
    );
    expect(byLine[4]).toBe('line 4: message.subject is missing');
    expect(byLine[5]).toBe('line 5: message.urls must be an array, but got "https://a.example"');
    expect(byLine[6]).toMatch(/^line 6: message.location must be one of INBOX, JUNK, QUARANTINE, DELETED, but got "OUTBOX"$/);
    expect(byLine[7]).toMatch(/^line 7: message.receivedAt must be an ISO 8601 time.*, but got "yesterday"$/);
    expect(byLine[10]).toBe('line 10: a record must be a JSON object, but got an array');
    expect(byLine[11]).toBe('line 11: sign_in.ip must be an IPv4 or IPv6 address, but got "999.1.1.1"');
    expect(byLine[12]).toMatch(/^line 12: message.attachments\[0\].sha256 must be a SHA-256 hex digest/);
    expect(body.errors.find((e) => e.line === 4)?.id).toBe('x2');
    expect(await sql(`select external_id from email_messages where external_id in ('good-1', 'good-2', 'x2', 'x7') order by 1`)).toEqual([
      { external_id: 'good-1' },
      { external_id: 'good-2' },
    ]);
  });

  test('an oversize line fails alone and reading continues after it', async () => {
    const huge = JSON.stringify(message({ id: 'huge', body: 'x'.repeat(11 * 1024 * 1024) }));
    const { status, body } = await post(ndjson([message({ id: 'before-huge' }), huge, message({ id: 'after-huge' })]), { token: service });
    expect(status).toBe(200);
    expect(body).toMatchObject({ received: 3, stored: 2, failed: 1 });
    expect(body.errors[0]?.line).toBe(2);
    expect(body.errors[0]?.message).toMatch(/^line 2: line is \d+ bytes, more than the 10485760 a line may have$/);
  });

  test('tenants are independent: two tenants ingest the same ids', async () => {
    const other = await t.token('globex', Role.SERVICE);
    const body = ndjson([message({ id: 'shared-1' }), { type: 'mailbox', id: 'shared-mb', address: 'a@x.com' }]);
    expect((await post(body, { token: service })).body.stored).toBe(2);
    expect((await post(body, { token: other })).body.stored).toBe(2);
    const rows = await sql<{ n: number }>(`select count(distinct tenant_id)::int n from email_messages where external_id = 'shared-1'`);
    expect(rows).toEqual([{ n: 2 }]);
  });

  test('records in any order: a click and a zap before their message', async () => {
    const body1 = ndjson([
      {
        type: 'url_click',
        id: 'early-click',
        url: 'https://evil.example/x',
        user: 'bob@contoso.com',
        at: T0,
        action: 'BLOCKED',
        messageId: 'late-msg',
      },
      { type: 'zap', id: 'early-zap', messageId: 'late-msg', at: '2026-11-20T11:00:00Z', reason: 'MALWARE' },
    ]);
    expect((await post(body1, { token: service })).body.stored).toBe(2);
    const body2 = ndjson([message({ id: 'late-msg', recipient: 'bob@contoso.com' })]);
    expect((await post(body2, { token: service })).body.stored).toBe(1);
    const [joined] = await sql(
      `select m.location, m.zapped_at from url_clicks c join email_messages m on m.tenant_id = c.tenant_id and m.external_id = c.message_external_id where c.external_id = 'early-click'`,
    );
    expect(joined).toBeDefined();
    expect(joined!.location).toBe('QUARANTINE');
    expect(new Date(joined!.zapped_at as string)).toEqual(new Date('2026-11-20T11:00:00Z'));
  });

  test('raw_message: an RFC 5322 multipart message is parsed with mailparser', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake statement');
    const eml = [
      'Received: from mail.contoso.com (mail.contoso.com [10.0.0.5]) by mx.contoso.com with ESMTP; Fri, 20 Nov 2026 09:00:02 +0000',
      'Received: from relay.evil.example (relay.evil.example [203.0.113.7]) by mail.contoso.com (Postfix) with ESMTPS id 4F; Fri, 20 Nov 2026 09:00:01 +0000',
      'Received: from [192.168.1.10] (unknown [192.168.1.10]) by relay.evil.example; Fri, 20 Nov 2026 09:00:00 +0000',
      'Authentication-Results: mx.contoso.com; spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail action=quarantine header.from=contoso-payroll.example',
      'X-Spam-Status: Yes, score=9.1 required=5.0 tests=DMARC_REJECT',
      'Return-Path: <Bounce@Evil.Example>',
      'From: "Payroll" <Payroll@Contoso-Payroll.Example>',
      'To: alice@contoso.com',
      'Subject: RE: Your salary statement 2026',
      'Message-ID: <abc123@evil.example>',
      'Date: Fri, 20 Nov 2026 09:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="mixed"',
      '',
      '--mixed',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Please review your statement at https://evil.example/statement?utm_source=mail',
      '',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Please <a href="https://login.evil.example/signin?user=alice%40contoso.com&amp;step=1">sign in</a> to review.</p>',
      '--alt--',
      '--mixed',
      'Content-Type: application/pdf; name="statement.pdf"',
      'Content-Disposition: attachment; filename="statement.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--mixed--',
      '',
    ].join('\r\n');
    const { body } = await post(ndjson([{ type: 'raw_message', id: 'raw-1', recipient: 'Alice@Contoso.com', receivedAt: T0, eml }]), {
      token: service,
    });
    expect(body).toMatchObject({ stored: 1, failed: 0 });
    const [m] = await sql(`select * from email_messages where external_id = 'raw-1'`);
    const sha = createHash('sha256').update(pdf).digest('hex');
    expect(m).toMatchObject({
      recipient: 'alice@contoso.com',
      sender: 'payroll@contoso-payroll.example',
      return_path: 'bounce@evil.example',
      sender_ip: '203.0.113.7',
      subject: 'RE: Your salary statement 2026',
      subject_key: 'your salary statement 0',
      auth: { spf: 'fail', dkim: 'none', dmarc: 'fail' },
      internet_message_id: '<abc123@evil.example>',
      location: 'INBOX',
      attachments: [{ name: 'statement.pdf', sha256: sha, size: pdf.length }],
      attachment_hashes: [sha],
      sender_domain: 'contoso-payroll.example',
      sender_source: 'FROM',
      upstream: [{ source: 'SPAMASSASSIN', verdict: 'SPAM', score: 9.1, threshold: 5, raw: { status: 'Yes' } }],
    });
    expect(m!.body).toMatch(/Please review your statement/);
    expect([...(m!.urls as string[])].sort()).toEqual([
      'https://evil.example/statement?utm_source=mail',
      'https://login.evil.example/signin?user=alice%40contoso.com&step=1',
    ]);
    expect([...(m!.url_keys as string[])].sort()).toEqual(['https://evil.example/statement', 'https://login.evil.example/signin?step=1']);
    expect([...(m!.domains as string[])].sort()).toEqual(['evil.example', 'login.evil.example']);
    // Links keep what they display; the text part's URL is a link without text.
    expect(m!.links).toEqual([
      { url: 'https://login.evil.example/signin?user=alice%40contoso.com&step=1', text: 'sign in' },
      { url: 'https://evil.example/statement?utm_source=mail' },
    ]);
    expect(m!.quoted).toBe('');
  });

  test('a streamed 50,000-line body is ingested without being buffered', async () => {
    const n = 50_000;
    async function* lines() {
      for (let i = 0; i < n; i += 1000) {
        let chunk = '';
        for (let j = i; j < i + 1000; j++) {
          chunk +=
            JSON.stringify(
              message({
                id: `bulk-${j}`,
                recipient: `user${j % 500}@contoso.com`,
                subject: `Invoice ${j}`,
                body: `Dear user ${j}, your invoice ${j} is attached.`,
              }),
            ) + '\n';
        }
        yield chunk;
      }
    }
    const { status, body } = await post(Readable.from(lines()), { token: service });
    expect(status).toBe(200);
    expect(body).toMatchObject({ received: n, stored: n, duplicates: 0, failed: 0 });
    expect(await sql(`select count(*)::int n from email_messages where external_id like 'bulk-%'`)).toEqual([{ n }]);
  }, 180_000);

  test('hunting queries on the fingerprints are index lookups', async () => {
    const acme = await tenantId(t.app.orm, 'acme');
    const conn = t.app.orm.em.getConnection();
    await conn.execute('analyze email_messages');
    for (const where of [
      `lsh_bands && '{b00:00000000}'`,
      `url_keys && '{https://evil.example/x}'`,
      `attachment_hashes && '{abc}'`,
      `sender = 'a@b.c'`,
    ]) {
      const plan = await conn.execute<{ 'QUERY PLAN': string }[]>(
        `explain select id from email_messages where tenant_id = '${acme}' and ${where}`,
      );
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/email_messages_hunting_gin|Index/);
      expect(text).not.toMatch(/Seq Scan/);
    }
  });
});

describe('fingerprints', () => {
  const template = (name: string, link: string, extra = '') =>
    `Dear ${name},\n\nWe detected unusual activity on your Microsoft 365 account. To avoid suspension of your mailbox, ` +
    `please verify your identity within 24 hours by following the secure link below. If you do not verify, ` +
    `incoming messages will be held and your account will be locked for security reasons.\n\n${link}\n\n` +
    `Thank you for your cooperation,\nIT Service Desk${extra}`;

  test('template variants with different names, greetings and tracking links share a band; unrelated mail does not', () => {
    const a = fingerprintMessage({
      sender: 'it@evil.example',
      subject: 'Action required: verify your account',
      body: template('Alice', 'https://evil.example/v?u=8f3a9b2c1d'),
      urls: [],
      attachments: [],
    });
    const names = ['Bob Smith', 'Carol', 'Dave Jones', 'Erin', 'Frank', 'Grace Hopper', 'Heidi', 'Ivan', 'Judy', 'Mallory'];
    for (const [i, name] of names.entries()) {
      const b = fingerprintMessage({
        sender: `it${i}@evil.example`,
        subject: `RE: Action required: verify your account #${1000 + i}`,
        body: template(name, `https://evil.example/v?u=${i}e9d8c7b6a5`, i % 2 ? '\nSent from my iPhone' : ''),
        urls: [],
        attachments: [],
      });
      expect(a.lshBands.some((band) => b.lshBands.includes(band))).toBe(true);
      expect(estimateSimilarity(a.minhash, b.minhash)).toBeGreaterThan(0.4);
    }
    const unrelated = [
      'Hi team, the quarterly planning meeting moves to Thursday at 3pm in room 4B. Please bring your roadmap slides and the budget numbers for Q3.',
      'Your order 112-4455 has shipped and will arrive on Monday. Track your package in the app. Thanks for shopping with us!',
      'Lunch today? The new ramen place on 5th street opened this week and I hear the spicy miso is great.',
    ];
    for (const body of unrelated) {
      const u = fingerprintMessage({ sender: 'x@contoso.com', subject: 'Hello', body, urls: [], attachments: [] });
      expect(a.lshBands.some((band) => u.lshBands.includes(band))).toBe(false);
      expect(estimateSimilarity(a.minhash, u.minhash)).toBeLessThan(0.2);
    }
  });

  test('the S-curve: P(candidate) > 0.99 at Jaccard 0.5, and small at 0.05', () => {
    const p = (j: number) => 1 - (1 - j ** ROWS) ** BANDS;
    expect(p(0.5)).toBeGreaterThan(0.99);
    expect(p(0.05)).toBeLessThan(0.06);
  });

  test('URLs, domains and subjects normalise as hunting compares them', () => {
    expect(normaliseUrl('HTTPS://Evil.Example:443/Login?utm_source=x&id=alice@contoso.com&lang=en&t=5f2a9c1e7b#frag')).toBe(
      'https://evil.example/Login?lang=en',
    );
    expect(normaliseUrl('https://a.example/p?b=2&a=1')).toBe('https://a.example/p?a=1&b=2');
    expect(domainOf('https://WWW.Evil.Example./x')).toBe('evil.example');
    expect(domainOf('Payroll@Evil.Example')).toBe('evil.example');
    expect(domainOf('evil.example/path')).toBe('evil.example');
    expect(subjectKeyOf('RE: Fwd:  Invoice   12345 due')).toBe('invoice 0 due');
  });

  test('fingerprinting is fast (printed, not asserted)', () => {
    const body = template('Alice', 'https://evil.example/v?u=1') + ' More words to make a typical message of about 150 words. '.repeat(8);
    const input = {
      sender: 'it@evil.example',
      subject: 'Verify',
      body,
      urls: ['https://evil.example/v?u=1', 'https://b.example/'],
      attachments: [{ sha256: 'ab'.repeat(32) }],
    };
    // Few rounds: under Jest's VM modules this runs far slower than in plain node (`npm run bench:ingest` prints that figure).
    for (let i = 0; i < 50; i++) fingerprintMessage(input);
    const n = 200;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fingerprintMessage(input);
    const us = Number(process.hrtime.bigint() - start) / 1000 / n;
    console.log(`fingerprintMessage: ${us.toFixed(1)} µs per ${body.split(/\s+/).length}-word message`);
  });
});
