import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { gql, startTestApp, type TestApp } from '../support/app.js';
import { seedInvestigation, tenantId } from '../support/fixtures.js';
import { registered } from '../support/ws.js';
import { ACTIVE_STATES, InvestigationState } from '../../src/domain/investigation.js';
import { reconcile } from '../../src/investigations/lifecycle.service.js';
import { Role } from '../../src/domain/role.js';

/**
 * `npm run check:browser`: a page on another origin lists investigations and watches one update live
 * with Apollo Client and no cache code, in a real headless Chromium. Not part of `npm test` (CI has no
 * Chromium): scripts/check-browser.sh finds the browser and runs this file alone.
 */
const executablePath = process.env.AIR_CHROMIUM ?? '/usr/bin/chromium';
const TENANT = 'browser';
let t: TestApp;
let pages: http.Server;
let pageOrigin: string;
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(executablePath))
    throw new Error(`no Chromium at ${executablePath}: install it (apt-get install chromium) or set AIR_CHROMIUM`);
  // The page's script, bundled now from test/browser/page.ts with the Apollo set-up of docs/clients.md.
  const bundle = await build({
    entryPoints: ['test/browser/page.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const html = `<!doctype html><meta charset="utf-8"><title>AIR live</title>
<ul id="list"></ul><p>watched: <span id="state"></span> (<span id="events">0</span> events)</p><pre id="errors"></pre>
<script type="module" src="/page.js"></script>`;
  pages = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (path === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    // The browser asks for it on its own: no icon, and no 404 in the console.
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  // Another origin than the API's (127.0.0.1:<api port>): another host name and port.
  pageOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  t = await startTestApp({ env: { AIR_CORS_ORIGINS: pageOrigin } });
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await new Promise((resolve) => pages?.close(resolve));
});

test('a page on another origin lists investigations and watches one reach its end, live, with no cache code', async () => {
  await seedInvestigation(t.app.orm, TENANT, { title: 'Reported phish' });
  await seedInvestigation(t.app.orm, TENANT, { title: 'Zapped malware' });
  // Held back by throttling so the page reads it in its start state, then released while the page watches.
  const tid = await tenantId(t.app.orm, TENANT);
  const sql = t.app.orm.em.getConnection();
  await sql.execute(`update tenants set max_pending_investigations = 0 where id = ?`, [tid]);
  const admin = await t.token(TENANT, Role.SECURITY_ADMIN);
  const started = await gql(t.url, admin, `mutation { startInvestigation(input: { user: "ann@browser.example" }) { investigationId } }`);
  const id = (started.data as { startInvestigation: { investigationId: string } }).startInvestigation.investigationId;

  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
  page.on('pageerror', (e) => void problems.push(e.message));
  const reader = await t.token(TENANT, Role.SECURITY_READER);
  await page.goto(`${pageOrigin}/?${new URLSearchParams({ api: t.url, token: reader, id })}`);

  await page.waitForFunction(() => document.querySelectorAll('#list li').length === 3);
  await page.waitForFunction(() => document.querySelector('#state')?.textContent === 'QUEUED_BY_THROTTLING');
  await registered(t.app.server.events, { investigationId: id }, 1);
  console.log(`page ${pageOrigin} → API ${t.url}: ${await page.locator('#list li').count()} investigations listed, watching ${id}`);

  await sql.execute(`update tenants set max_pending_investigations = 1000 where id = ?`, [tid]);
  expect((await reconcile(t.app.orm, t.app.queue)).released).toBe(1);
  const active: string[] = [...ACTIVE_STATES];
  await page.waitForFunction((open) => !open.includes(document.querySelector('#state')?.textContent ?? ''), active, { timeout: 60_000 });

  const shown = await page.locator('#state').textContent();
  const onServer = await gql(t.url, reader, `query ($id: ID!) { investigation(id: $id) { state } }`, { id });
  expect(shown).toBe((onServer.data as { investigation: { state: string } }).investigation.state);
  // The list row of the same investigation moved with it: one normalised object.
  expect(await page.locator(`#list li[data-id="${id}"]`).textContent()).toContain(shown!);
  const seen = (await page.locator('#state').getAttribute('data-seen'))!.split(' ');
  expect(seen[0]).toBe(InvestigationState.QUEUED_BY_THROTTLING);
  const events = Number(await page.locator('#events').textContent());
  expect(events).toBeGreaterThan(3);
  expect(await page.locator('#errors').textContent()).toBe('');
  expect(problems).toEqual([]);
  console.log(`Chromium ${browser.version()}: ${seen.join(' → ')} in the page's cache, ${events} events, no errors`);
  await page.close();
});
