import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gql, startTestApp, type TestApp } from './support/app.js';
import { Role } from '../src/domain/role.js';

const run = promisify(execFile);
let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ env: { AIR_WORKERS: '0' } });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-ingest-cli-'));
});
afterAll(async () => {
  await t.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

/** `npm run ingest -- FILE --url … --token …`: the compiled CLI, as a real child process, streaming to /ingest. */
test('npm run ingest streams a file to /ingest and prints the report; a bad line is reported (exit 1), the rest kept', async () => {
  const file = path.join(dir, 'org.ndjson');
  await fs.writeFile(
    file,
    [
      JSON.stringify({ type: 'mailbox', id: 'mbx-1', address: 'Alice@Contoso.example' }),
      'not json',
      JSON.stringify({ type: 'device', id: 'dev-1', name: 'LAPTOP-1', user: 'alice@contoso.example' }),
    ].join('\n') + '\n',
  );
  const token = await t.token('cli', Role.SERVICE);
  // Some lines failed: the CLI prints the report and exits 1, so scripts notice partial failures.
  const failed = await run(process.execPath, [
    'dist/src/cli/ingest.js',
    file,
    '--url',
    t.url.replace('/graphql', ''),
    '--token',
    token,
  ]).catch((e: { code: number; stdout: string }) => e);
  expect(failed).toMatchObject({ code: 1 });
  const { stdout } = failed as { stdout: string };
  expect(stdout).toMatch(/stored\D*2/);
  expect(stdout).toMatch(/line 2: not JSON/);
  const me = await gql(t.url, await t.token('cli', Role.SECURITY_READER), '{ me { tenant } }');
  expect(me.errors).toBeUndefined();
  const rows = await t.app.orm.em.getConnection().execute(`select address from mailboxes where external_id = 'mbx-1'`);
  expect(rows).toEqual([{ address: 'alice@contoso.example' }]);
});

test('npm run ingest with a reader token is refused with the server’s reason', async () => {
  const file = path.join(dir, 'one.ndjson');
  await fs.writeFile(file, JSON.stringify({ type: 'mailbox', id: 'mbx-2', address: 'b@contoso.example' }) + '\n');
  const token = await t.token('cli', Role.SECURITY_READER);
  const err = await run(process.execPath, ['dist/src/cli/ingest.js', file, '--url', t.url.replace('/graphql', ''), '--token', token]).catch(
    (e: { code: number; stderr: string }) => e,
  );
  expect(err).toMatchObject({ code: expect.any(Number) });
  expect((err as { stderr: string }).stderr).toMatch(/403/);
});
