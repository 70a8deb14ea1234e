import { parse } from 'csv-parse/sync';
import { gql, startTestApp, type TestApp } from './support/app.js';
import { withDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { Role } from '../src/domain/role.js';
import type { IngestReport } from '../src/telemetry/ingest.service.js';

/**
 * Issue 12, items 4 and 5, with real database errors: triggers installed in this file's database refuse
 * chosen rows with messages that name tables, indexes and constraints, as PostgreSQL's own do. An
 * upload reports what it stored and what failed, line by line, and goes on; no client ever reads those
 * names (an investigation's stateReason and its CSV, a step's error, an /ingest line error, a masked
 * GraphQL error): it reads plain words and an error id, which the server log carries with the detail.
 */
let t: TestApp;
let service: string;
let admin: string;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const INTERNAL = /sign_ins|email_messages|investigation_entities|alerts_|air_test|insert into|constraint/i;

/** Install a trigger on `table` that raises `message` with SQLSTATE `code` for rows where `when` holds. */
async function refuseRows(table: string, when: string, message: string, code: string) {
  await withDatabase(t.databaseUrl, async (c) => {
    await c.query(`create or replace function air_test_refuse_${table}() returns trigger language plpgsql as $$
      begin
        if ${when} then raise exception '${message}' using errcode = '${code}'; end if;
        return new;
      end $$`);
    await c.query(
      `create or replace trigger air_test_refuse before insert on "${table}" for each row execute function air_test_refuse_${table}()`,
    );
  });
}
const allowRows = (table: string) => withDatabase(t.databaseUrl, (c) => c.query(`drop trigger if exists air_test_refuse on "${table}"`));

async function upload(lines: unknown[]): Promise<{ status: number; report: IngestReport }> {
  const res = await fetch(t.url.replace(/\/graphql$/, '/ingest'), {
    method: 'POST',
    headers: { authorization: `Bearer ${service}`, 'content-type': 'application/x-ndjson' },
    body: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
  });
  return { status: res.status, report: (await res.json()) as IngestReport };
}

/** The server's error log line that carries `errorId`. */
const loggedUnder = (errorId: string) => t.log.find((l) => l.errorId === errorId && l.level === 'error');

const signIn = (id: string) => ({
  type: 'sign_in',
  id,
  user: 'ann@acme.test',
  ip: '192.0.2.7',
  at: '2026-11-01T08:00:00Z',
  result: 'SUCCESS',
});

beforeAll(async () => {
  t = await startTestApp({ env: { AIR_WORKERS: '1' } });
  service = await t.token('acme', Role.SERVICE);
  admin = await t.token('acme', Role.SECURITY_ADMIN);
});
afterAll(() => t.stop());

test('a row the database refuses fails alone, as a line error without internal names; the rest is stored', async () => {
  await refuseRows(
    'sign_ins',
    `new.external_id = 'boom'`,
    'new row for relation "sign_ins" violates check constraint "air_test_guard" (index sign_ins_tenant_id_user_at_index)',
    '23514',
  );
  await refuseRows('email_messages', `new.external_id = 'boom-mail'`, 'value too long for index "email_messages_hunting_gin"', '54000');
  const mail = (id: string) => ({
    type: 'message',
    id,
    recipient: 'ann@acme.test',
    sender: 'x@evil.test',
    subject: 'hello',
    body: 'hi',
    receivedAt: '2026-11-01T08:00:00Z',
    location: 'INBOX',
  });
  const { status, report } = await upload([signIn('ok-1'), signIn('boom'), mail('mail-1'), mail('boom-mail'), signIn('ok-2')]);
  expect(status).toBe(200);
  expect(report).toMatchObject({ received: 5, stored: 3, failed: 2, byType: { sign_in: 2, message: 1 } });
  expect(report.errors.map((e) => [e.line, e.id])).toEqual([
    [2, 'boom'],
    [4, 'boom-mail'],
  ]);
  const [constraint, tooLarge] = report.errors;
  expect(constraint!.message).toMatch(
    new RegExp(`^line 2: could not be stored: a value conflicts with a rule of the database; error id ${UUID}$`),
  );
  expect(tooLarge!.message).toMatch(new RegExp(`^line 4: could not be stored: a value is too large for the database; error id ${UUID}$`));
  expect(JSON.stringify(report)).not.toMatch(INTERNAL);
  // The detail is in the server's log, under the id the client was given.
  const errorId = constraint!.message.split('error id ')[1]!;
  expect(loggedUnder(errorId)?.err?.message).toMatch(/air_test_guard/);
  await allowRows('sign_ins');
  await allowRows('email_messages');
});

test('a database error that takes a whole batch fails that batch, line by line; the batches before and after are stored', async () => {
  // "Disk full" on one row of the second 4,000-line batch: not the row's fault, so the batch is not retried row by row.
  await refuseRows(
    'sign_ins',
    `new.external_id = 'line-5000'`,
    'could not extend file "base/16384/sign_ins": No space left on device',
    '53100',
  );
  const lines = Array.from({ length: 8_100 }, (_, i) => signIn(`line-${i + 1}`));
  const first = await upload(lines);
  expect(first.status).toBe(200);
  expect(first.report).toMatchObject({ received: 8_100, stored: 4_100, failed: 4_000, errorsTruncated: true });
  expect(first.report.errors).toHaveLength(1000);
  expect(first.report.errors[0]).toMatchObject({ line: 4001, id: 'line-4001' });
  expect(first.report.errors[0]!.message).toMatch(
    new RegExp(`^line 4001: not stored: a database error interrupted it; error id ${UUID}; send it again$`),
  );
  expect(JSON.stringify(first.report)).not.toMatch(INTERNAL);
  expect(loggedUnder(first.report.errors[0]!.message.split('error id ')[1]!.split(';')[0]!)).toMatchObject({ lines: [4001, 8000] });
  // Sending the same upload again once the database is well stores exactly what failed.
  await allowRows('sign_ins');
  const again = await upload(lines);
  expect(again.report).toMatchObject({ received: 8_100, stored: 4_000, duplicates: 4_100, failed: 0 });
});

test("a database error in a playbook step: stateReason, the step's error and the CSV say it plainly, with the error id", async () => {
  await refuseRows(
    'investigation_entities',
    'true',
    'duplicate key value violates unique constraint "investigation_entities_pkey" in insert into investigation_entities',
    '23505',
  );
  const raised = await gql<{ raiseAlert: { investigationId: string } }, unknown>(
    t.url,
    service,
    `mutation { raiseAlert(input: { kind: USER_COMPROMISED, user: "victim@acme.test" }) { investigationId } }`,
  );
  const id = raised.data!.raiseAlert.investigationId;
  const investigation = await eventually('the investigation to fail', async () => {
    const r = await gql<
      { investigation: { state: string; stateReason: string; logSteps: { status: string; error: string | null }[] } },
      unknown
    >(t.url, admin, `query($id: ID!) { investigation(id: $id) { state stateReason logSteps { status error } } }`, { id });
    return r.data?.investigation.state === 'FAILED' && r.data.investigation;
  });
  expect(investigation.stateReason).toMatch(
    new RegExp(`^step '[\\w-]+' failed: a value conflicts with a rule of the database; error id ${UUID}$`),
  );
  const failed = investigation.logSteps.find((s) => s.status === 'FAILED')!;
  expect(investigation.stateReason).toContain(failed.error!);
  const errorId = investigation.stateReason.split('error id ')[1]!;
  expect(loggedUnder(errorId)?.err?.message).toMatch(/investigation_entities_pkey/);

  const csv = await fetch(t.url.replace(/\/graphql$/, '/export/investigations.csv'), { headers: { authorization: `Bearer ${admin}` } });
  const rows = parse((await csv.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
  expect(rows.find((r) => r.id === id)?.['state reason']).toBe(investigation.stateReason);
  expect(JSON.stringify(rows)).not.toMatch(INTERNAL);
  await allowRows('investigation_entities');
});

test('a database error behind a GraphQL mutation is "Unexpected error." with the error id the log carries', async () => {
  await refuseRows('alerts', `new.title = 'explode'`, 'relation "alerts" refused the row: see alerts_tenant_id_at_index', 'XX000');
  const r = await gql(
    t.url,
    service,
    `mutation { raiseAlert(input: { kind: USER_COMPROMISED, user: "ann@acme.test", title: "explode" }) { alertId } }`,
  );
  expect(r.errors).toHaveLength(1);
  const [error] = r.errors!;
  expect(error).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  expect(error!.extensions!.errorId).toMatch(new RegExp(`^${UUID}$`));
  expect(JSON.stringify(r)).not.toMatch(INTERNAL);
  expect(loggedUnder(error!.extensions!.errorId as string)?.err?.message).toMatch(/alerts_tenant_id_at_index/);
  await allowRows('alerts');
});
