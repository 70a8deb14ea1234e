import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as jose from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from '../src/auth/token.service.js';

const run = promisify(execFile);
let dataDir: string;
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-cli-'));
});
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

/** The compiled CLI (global setup built dist/), run as `npm run token` runs it. */
const token = (args: string[]) =>
  run(process.execPath, ['dist/src/cli/token.js', ...args], { env: { ...process.env, AIR_DATA_DIR: dataDir, AIR_JWT_SECRET: '' } });

test('npm run token prints a signed token alone on its last line, with the key it generated', async () => {
  const { stdout } = await token([
    '--tenant',
    'acme',
    '--role',
    'SECURITY_ADMIN',
    '--role',
    'SECURITY_READER',
    '--sub',
    'alice',
    '--ttl',
    '120',
  ]);
  const last = stdout.trimEnd().split('\n').at(-1)!;
  const secret = (await fs.readFile(path.join(dataDir, 'jwt-secret'), 'utf8')).trim();
  const { payload } = await jose.jwtVerify(last, new TextEncoder().encode(secret), { issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
  expect(payload).toMatchObject({ sub: 'alice', tenant: 'acme', roles: ['SECURITY_ADMIN', 'SECURITY_READER'] });
  expect(payload.exp! - payload.iat!).toBe(120);
  expect((await fs.stat(path.join(dataDir, 'jwt-secret'))).mode & 0o777).toBe(0o600);
  // The same key signs the next token: tokens survive restarts.
  const again = (await token(['--tenant', 'acme', '--role', 'SERVICE'])).stdout.trim();
  await expect(jose.jwtVerify(again, new TextEncoder().encode(secret))).resolves.toBeTruthy();
});

test.each([
  [['--role', 'SECURITY_ADMIN'], /--tenant is required/],
  [['--tenant', 'acme'], /--role is required/],
  [['--tenant', 'acme', '--role', 'ROOT'], /--role must be one of .*but got 'ROOT'/],
  [['--tenant', 'Bad Name', '--role', 'SERVICE'], /--tenant must be a tenant name/],
  [['--tenant', 'acme', '--role', 'SERVICE', '--ttl=-5'], /--ttl must be a whole number/],
  [['--tenant', 'acme', '--role', 'SERVICE', '--ttl', 'soon'], /--ttl must be a whole number of seconds up to a year, but got 'soon'/],
  [['--tenant', 'acme', '--role', 'SERVICE', '--bogus'], /Unknown option '--bogus'/],
])('%j exits 2 with a clear message', async (args, message) => {
  const err = await token(args).catch((e: { code: number; stderr: string }) => e);
  expect(err).toMatchObject({ code: 2 });
  expect((err as { stderr: string }).stderr).toMatch(message);
});
