/* global document */
/**
 * The explorer in a real headless Chromium with nothing but the server reachable: every request to
 * another host is aborted (and DNS for any other name fails), then the page must load, take a token,
 * run a query over HTTP and a subscription over graphql-ws, and have asked no other host for anything.
 *
 *   npm start                                   # or any running server with the explorer on
 *   TOKEN=<a reader token> npm run explorer:check [-- http://localhost:4000/graphql]
 *
 * Needs a Chromium (Debian: apt-get install -y chromium; CHROMIUM=/path/to/chrome to use another).
 * Exit status 0 when every check passed; the failing check and what the page showed otherwise.
 */
import { chromium } from 'playwright-core';

const url = process.argv[2] ?? process.env.AIR_URL ?? 'http://localhost:4000/graphql';
const token = process.env.TOKEN;
if (!token) {
  console.error('explorer-check: set TOKEN to a bearer token of the server (npm start prints two)');
  process.exit(2);
}
const server = new URL(url);
const local = (host) => host === server.hostname;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // No name but the server's resolves: the page cannot reach a CDN even if it tried behind our back.
  args: [`--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${server.hostname}`],
});
const elsewhere = [];
const consoleErrors = [];
let failed = false;
const check = (ok, what, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
  if (!ok) failed = true;
};

try {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (local(target.hostname) || target.protocol === 'data:') return route.continue();
    elsewhere.push(target.href);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  if (process.env.DEBUG)
    page.on('response', async (r) =>
      console.log('  ', r.status(), r.request().method(), r.url(), (r.request().postData() ?? '').slice(0, 100)),
    );

  const response = await page.goto(url, { waitUntil: 'load' });
  check(response?.status() === 200 && /text\/html/.test(response.headers()['content-type'] ?? ''), 'GET /graphql serves the explorer page');
  await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
  check(true, 'GraphiQL rendered from the server’s own files');

  // The token field: GraphiQL remounts with it and fetches the schema (introspection) with it.
  await page.fill('#air-token', token);
  await page.press('#air-token', 'Enter');
  await page.waitForFunction(() => document.querySelector('#air-token-status')?.textContent?.startsWith('sent'));
  // Without the token the schema request was answered 401, as it should be: only what follows must be clean.
  consoleErrors.length = 0;
  // The schema came with the token: GraphiQL's documentation explorer lists the root types.
  await page.click('[aria-label="Show Documentation Explorer"]');
  await page.waitForSelector('.graphiql-doc-explorer-root-type', { timeout: 30_000 }).then(
    () => check(true, 'the schema was fetched with the token (documentation explorer)'),
    () => check(false, 'the schema was fetched with the token (documentation explorer)'),
  );

  /** Replace the editor's text (CodeMirror 5 keeps its instance on its element), run it, wait for `expected` in the result. */
  async function run(operation, expected) {
    await page.waitForSelector('.graphiql-query-editor .CodeMirror');
    await page.evaluate((text) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text), operation);
    // Let GraphiQL parse the new text (debounced) so that it knows the operation's type before it runs it.
    await page.waitForTimeout(1000);
    await page.click('.graphiql-execute-button');
    await page
      .waitForFunction((re) => new RegExp(re).test(document.querySelector('.result-window')?.textContent ?? ''), expected.source, {
        timeout: 30_000,
      })
      .catch(async (e) => {
        const shown = await page.evaluate(() => document.querySelector('.result-window')?.textContent ?? '(no result pane)');
        throw new Error(
          `${e.message.split('\n')[0]}; the result pane shows: ${shown.slice(0, 300)}; console: ${consoleErrors.join(' | ')}`,
        );
      });
    return page.evaluate(() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue());
  }

  const result = await run('{ me { tenant roles } investigations(first: 3) { totalCount edges { node { id state } } } }', /"totalCount"/);
  check(
    /"tenant"/.test(result) && !/"errors"/.test(result),
    'a query ran over HTTP with the token',
    result.replace(/\s+/g, ' ').slice(0, 120),
  );

  // after: "0" replays the tenant's kept events at once, so the stream shows data without waiting for new work.
  const events = await run('subscription { tenantEvents(after: "0") { __typename ... on LiveEvent { cursor at } } }', /"cursor"/);
  check(/"tenantEvents"/.test(events), 'a subscription streamed over graphql-ws', events.replace(/\s+/g, ' ').slice(0, 120));
  check(
    sockets.length > 0 && sockets.every((s) => local(new URL(s).hostname)),
    'its WebSocket went to the server only',
    sockets.join(', '),
  );

  check(elsewhere.length === 0, 'no request to any other host', elsewhere.join(', ') || 'none');
  check(consoleErrors.length === 0, 'no error in the console (a CSP violation would be one)', consoleErrors.join(' | ') || 'none');
} catch (e) {
  check(false, 'the explorer did not work', e instanceof Error ? e.message : String(e));
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
