import { TestEnvironment } from 'jest-environment-node';

/**
 * The Node test environment, plus a leak check after each test file: once the file's last `afterAll`
 * has run (circus's `run_finish` event — a setup file's `afterAll` would run *before* the file's own,
 * so it could not see what the file's hooks stop), it fails the file when
 *  - an app `startTestApp` started was never stopped, or its pg pool still holds a client;
 *  - a worker thread (the piscina ingest pool, say) is still alive;
 *  - a socket, server, child process or timer is still open that was not open before the file ran
 *    (`process.getActiveResourcesInfo()` against a baseline taken at setup).
 * Each test file runs in its own environment, one at a time per Jest worker process, so the
 * difference from the baseline is what this file left behind.
 */

/** How long closing handles get to finish closing (a closed server leaves the list a tick later). */
const SETTLE_MS = 2000;

const activeResources = () => count(process.getActiveResourcesInfo());
const workerThreads = () => process.report.getReport().workers.length;

function count(list) {
  const counts = new Map();
  for (const item of list) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

export default class LeakCheckingEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.baseline = { resources: activeResources(), workers: workerThreads() };
  }

  async handleTestEvent(event, state) {
    if (event.name !== 'run_finish') return;
    const deadline = Date.now() + SETTLE_MS;
    let leaks = this.leaks();
    while (leaks.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      leaks = this.leaks();
    }
    // An unhandled error fails the file, and its tests' own results are still reported.
    if (leaks.length > 0)
      state.unhandledErrors.push(new Error(`the test file left resources behind after its afterAll hooks:\n  - ${leaks.join('\n  - ')}`));
  }

  leaks() {
    const leaks = [];
    for (const app of this.global.__AIR_TEST_APPS__ ?? []) {
      if (!app.stopped) leaks.push(`startTestApp() was never stopped (call its stop() in afterAll); started ${app.startedAt}`);
      const pool = app.pool();
      if (pool && pool.totalCount > 0)
        leaks.push(
          `the pg pool of startTestApp() still holds ${pool.totalCount} client(s), ${pool.totalCount - pool.idleCount} checked out; started ${app.startedAt}`,
        );
    }
    const workers = workerThreads() - this.baseline.workers;
    if (workers > 0) leaks.push(`${workers} worker thread(s) still running (a piscina pool not destroyed?)`);
    for (const [kind, n] of activeResources()) {
      const extra = n - (this.baseline.resources.get(kind) ?? 0);
      if (extra > 0) leaks.push(`${extra} × ${kind} still open`);
    }
    return leaks;
  }
}
