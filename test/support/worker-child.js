/**
 * A real worker process for the crash test: `node test/support/worker-child.js <database url>`.
 * Runs the compiled engine (dist/, built by the test global setup) with a slow test playbook whose
 * every step writes an entity and the last one an action, so duplicated effects would show.
 */
import { connectDatabase } from '../../dist/src/db/database.js';
import { JobQueue } from '../../dist/src/jobs/queue.js';
import { runInvestigation, validatePlaybook } from '../../dist/src/playbooks/engine.js';

export const STEP_KEYS = ['root', 'a', 'b', 'c', 'd', 'recommend'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const url = process.argv[2];
const orm = await connectDatabase(url);
const step = (key, dependsOn, extra = {}) => ({
  key,
  name: key,
  description: key,
  phase: key === 'root' ? 'ROOT_INVESTIGATION' : key === 'recommend' ? 'REMEDIATION' : 'HUNTING',
  dependsOn,
  run: async (ctx) => {
    await sleep(150);
    return {
      findings: { key },
      entities: [{ kind: 'IP', value: `10.0.0.${STEP_KEYS.indexOf(key)}`, displayName: key, verdict: 'SUSPICIOUS' }],
      ...extra,
      ...(key === 'recommend' ? { actions: [{ type: 'BLOCK_URL', rationale: `for ${ctx.investigation.id}`, targets: [] }] } : {}),
    };
  },
});
const def = {
  playbook: 'MANUAL_INVESTIGATION',
  steps: [step('root', []), step('a', ['root']), step('b', ['root']), step('c', ['a', 'b']), step('d', ['c']), step('recommend', ['d'])],
};
validatePlaybook(def);
const logger = { info() {}, warn: console.warn, error: console.error };
const queue = await JobQueue.start(url, { logger, heartbeatSeconds: 10, superviseIntervalSeconds: 1 });
await queue.workInvestigations(2, ({ tenantId, investigationId }) =>
  runInvestigation({ orm, queue, definitionOf: () => def, portsFor: () => ({}), logger }, tenantId, investigationId),
);
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await queue.stop(5000);
  await orm.close();
  process.exit(0);
});
