/**
 * `/ingest` for whole messages: `raw_message` with `emlBase64` (bytes in any charset), messages already
 * stored skipped before parsing, and chunks bounded by characters as well as lines.
 */
import { ingestRecords, startTestApp, type TestApp } from './support/app.js';
import { tenantId } from './support/fixtures.js';
import { ingestNdjson, type LineParser } from '../src/telemetry/ingest.service.js';
import { parseLines, type ParseTask } from '../src/telemetry/ingest.rows.js';
import { createIngestPool } from '../src/telemetry/ingest.pool.js';
import { Role } from '../src/domain/role.js';

let t: TestApp;
let service: string;

beforeAll(async () => {
  t = await startTestApp();
  service = await t.token('acme', Role.SERVICE);
});
afterAll(async () => {
  await t?.stop();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => t.app.orm.em.getConnection().execute<T[]>(text, params);
const post = (records: unknown[]) => ingestRecords(t, service, records);

const T0 = '2026-11-20T09:00:00Z';
const raw = (id: string, message: { eml?: string; emlBase64?: string }) => ({
  type: 'raw_message',
  id,
  recipient: 'alice@contoso.com',
  receivedAt: T0,
  ...message,
});

/** windows-1251, written by hand: А–я (U+0410–U+044F) are the bytes 0xC0–0xFF, ASCII is itself. */
function cp1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      const code = c.codePointAt(0)!;
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      if (code < 0x80) return code;
      throw new Error(`not in this test's windows-1251 table: ${c}`);
    }),
  );
}

const message = (headers: string[], body: Buffer) =>
  Buffer.concat([Buffer.from([...headers, 'MIME-Version: 1.0', '', ''].join('\r\n')), body, Buffer.from('\r\n')]);

describe('raw_message.emlBase64', () => {
  test('the bytes of an ISO-8859-1 and a windows-1251 message come out as their text', async () => {
    const latin1 = message(
      [
        'From: Facturation <factures@fournisseur.example>',
        'To: alice@contoso.com',
        'Subject: =?ISO-8859-1?Q?Facture_impay=E9e_=E0_r=E9gler?=',
        'Content-Type: text/plain; charset=ISO-8859-1',
        'Content-Transfer-Encoding: 8bit',
      ],
      Buffer.from('Votre facture reste impayée. Réglez-la à réception : https://paiement.example/facture', 'latin1'),
    );
    const cyrillic = message(
      [
        'From: =?windows-1251?B?' + cp1251('Бухгалтерия').toString('base64') + '?= <buh@bank.example>',
        'To: alice@contoso.com',
        'Subject: =?windows-1251?B?' + cp1251('Срочно: проверьте счет').toString('base64') + '?=',
        'Content-Type: text/plain; charset=windows-1251',
        'Content-Transfer-Encoding: 8bit',
      ],
      cp1251('Ваш счет заблокирован. Подтвердите данные: https://bank-verify.example/login'),
    );
    // Neither message is UTF-8: decoded as UTF-8 by a client, its accented and Cyrillic letters are lost.
    expect(latin1.toString('utf8')).toContain('\ufffd');
    const report = await post([
      raw('b64-latin1', { emlBase64: latin1.toString('base64') }),
      raw('b64-cp1251', { emlBase64: cyrillic.toString('base64').replace(/.{76}/g, '$&\n') }),
    ]);
    expect(report).toMatchObject({ stored: 2, failed: 0 });
    const rows = await sql<{ external_id: string; subject: string; body: string; sender: string; urls: string[] }>(
      `select external_id, subject, body, sender, urls from email_messages where external_id like 'b64-%' order by external_id`,
    );
    expect(rows).toMatchObject([
      {
        external_id: 'b64-cp1251',
        subject: 'Срочно: проверьте счет',
        sender: 'buh@bank.example',
        urls: ['https://bank-verify.example/login'],
      },
      { external_id: 'b64-latin1', subject: 'Facture impayée à régler', sender: 'factures@fournisseur.example' },
    ]);
    expect(rows[0]!.body).toContain('Ваш счет заблокирован.');
    expect(rows[1]!.body).toContain('Votre facture reste impayée. Réglez-la à réception');
  });

  test('exactly one of eml and emlBase64, valid base64: each refusal names the field', async () => {
    const eml = 'From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n';
    const report = await post([
      raw('one-both', { eml, emlBase64: Buffer.from(eml).toString('base64') }),
      raw('one-neither', {}),
      raw('one-bad', { emlBase64: 'RnJvbTog*not base64*' }),
      raw('one-truncated', { emlBase64: 'RnJvb' }),
      raw('one-number', { emlBase64: 42 as unknown as string }),
      raw('one-ok', { emlBase64: Buffer.from(eml).toString('base64').replace(/=+$/, '') }),
    ]);
    expect(report).toMatchObject({ received: 6, stored: 1, failed: 5 });
    expect(report.errors.map((e) => [e.line, e.id, e.message])).toEqual([
      [1, 'one-both', 'line 1: raw_message takes one of eml or emlBase64, but got both'],
      [2, 'one-neither', 'line 2: raw_message needs the message: eml (its text) or emlBase64 (its bytes, base64), but got neither'],
      [3, 'one-bad', 'line 3: raw_message.emlBase64 must be the message bytes in base64, but got "RnJvbTog*not base64*"'],
      [4, 'one-truncated', 'line 4: raw_message.emlBase64 must be the message bytes in base64, but got "RnJvb"'],
      [5, 'one-number', 'line 5: raw_message.emlBase64 must be a base64 string, but got number 42'],
    ]);
  });
});

describe('messages already stored are skipped before parsing', () => {
  test('a malformed message re-sent under a stored id is a duplicate, not an error; under a new id it is an error', async () => {
    const good = 'From: Payroll <payroll@evil.example>\r\nSubject: statement\r\n\r\nPlease review.\r\n';
    const noSender = 'Subject: no sender at all\r\n\r\nbody\r\n';
    expect(
      await post([
        raw('dup-raw', { eml: good }),
        {
          type: 'message',
          id: 'dup-msg',
          recipient: 'a@contoso.com',
          sender: 'b@evil.example',
          subject: 's',
          body: 'b',
          receivedAt: T0,
          location: 'INBOX',
        },
      ]),
    ).toMatchObject({ stored: 2, failed: 0 });

    const again = await post([
      raw('dup-raw', { eml: noSender }),
      raw('dup-raw', { emlBase64: '!!!' }),
      { type: 'message', id: 'dup-msg', recipient: 'not used' },
      raw('dup-new', { eml: noSender }),
    ]);
    expect(again).toMatchObject({ received: 4, stored: 0, duplicates: 3, failed: 1 });
    expect(again.errors).toEqual([
      { line: 4, id: 'dup-new', message: 'line 4: raw_message.eml names no sender address in From, Sender or Return-Path' },
    ]);
    const [row] = await sql<{ subject: string }>(`select subject from email_messages where external_id = 'dup-raw'`);
    expect(row!.subject).toBe('statement');
  });

  test('only the new lines of a re-upload reach the parser', async () => {
    const acme = await tenantId(t.app.orm, 'acme');
    const parsed: string[] = [];
    const recording: LineParser = async (task: ParseTask) => {
      for (const [, text] of task.lines) parsed.push(typeof text === 'string' ? (JSON.parse(text) as { id: string }).id : '');
      return parseLines(task);
    };
    const eml = (n: number) => `From: sender${n}@evil.example\r\nSubject: number ${n}\r\n\r\nbody ${n}\r\n`;
    const lines = (ids: number[]) => ids.map((n) => JSON.stringify(raw(`skip-${n}`, { eml: eml(n) })));
    await ingestNdjson(t.app.orm, acme, lines([1, 2, 3]), { parser: recording });
    parsed.length = 0;
    const report = await ingestNdjson(
      t.app.orm,
      acme,
      [...lines([1, 2, 3, 4]), JSON.stringify({ type: 'mailbox', id: 'skip-mb', address: 'x@contoso.com' })],
      {
        parser: recording,
      },
    );
    expect(report).toMatchObject({ received: 5, stored: 2, duplicates: 3, failed: 0 });
    expect(parsed).toEqual(['skip-4', 'skip-mb']);
  });
});

describe('chunks', () => {
  test('are bounded by characters as well as lines, and their lines are parsed as tasks across the parser', async () => {
    const acme = await tenantId(t.app.orm, 'acme');
    const tasks: number[][] = [];
    const recording: LineParser = async (task: ParseTask) => {
      tasks.push(task.lines.map(([line]) => line));
      return parseLines(task);
    };
    const body = 'x'.repeat(900);
    const lines = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify(raw(`chunk-${i}`, { eml: `From: s${i}@evil.example\r\nSubject: ${i}\r\n\r\n${body}\r\n` })),
    );
    const size = lines[0]!.length;
    const report = await ingestNdjson(t.app.orm, acme, lines, { parser: recording, batchSize: 4000, batchChars: 5 * size, taskLines: 2 });
    expect(report).toMatchObject({ received: 20, stored: 20, failed: 0 });
    // 20 lines of equal size, a chunk closing at 5 lines' characters (4,000 lines allowed), two lines a
    // task: each chunk is three tasks, the last one short, and a task never spans two chunks.
    expect(tasks).toEqual([0, 5, 10, 15].flatMap((c) => [[c + 1, c + 2], [c + 3, c + 4], [c + 5]]));
    const rows = await sql<{ n: number }>(`select count(*)::int as n from email_messages where external_id like 'chunk-%'`);
    expect(rows[0]!.n).toBe(20);
  });
});

describe('parser threads', () => {
  test('a line that exhausts the heap of a parser thread fails alone; the rest of its task is stored', async () => {
    const acme = await tenantId(t.app.orm, 'acme');
    // A 24 MB heap (512 in production) and a 9 MB message: the thread runs out of memory on it.
    const pool = createIngestPool(1, 24);
    try {
      const big = 'From: a@evil.example\r\nSubject: big\r\n\r\n' + ('word '.repeat(20) + '\r\n').repeat(90_000);
      const small = 'From: b@evil.example\r\nSubject: small\r\n\r\nhello\r\n';
      const lines = [raw('oom-small-1', { eml: small }), raw('oom-big', { eml: big }), raw('oom-small-2', { eml: small })].map((r) =>
        JSON.stringify(r),
      );
      const report = await ingestNdjson(t.app.orm, acme, lines, {
        parser: pool.parse,
        maxLineBytes: 20 * 2 ** 20,
        taskChars: 100 * 2 ** 20,
      });
      expect(report).toMatchObject({ received: 3, stored: 2, failed: 1 });
      expect(report.errors).toEqual([{ line: 2, id: 'oom-big', message: 'line 2: needs more memory to parse than a parser thread has' }]);
    } finally {
      await pool.close();
    }
  });
});
