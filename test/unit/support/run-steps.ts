import type { Playbook } from '../../../src/domain/investigation.js';
import type { StepDefinition, StepOutcome } from '../../../src/playbooks/playbook.types.js';
import type { PlaybookPorts } from '../../../src/playbooks/ports.js';

/** The investigation a step sees; a manual investigation with no subject unless given. */
export interface Investigation {
  id?: string;
  tenantId?: string;
  playbook: Playbook;
  subject?: string;
  triggeringAlertId?: string;
}

/** Findings must be JSON: the engine stores them in `log_steps.findings` and later steps read them back from there. */
function assertJson(value: unknown, path: string): void {
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return;
  if (Array.isArray(value)) return value.forEach((v, i) => assertJson(v, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) assertJson(v, `${path}.${k}`);
    return;
  }
  throw new Error(`${path} is not JSON: ${Object.prototype.toString.call(value)}`);
}

/** What JSON.stringify keeps — what the engine hands a later step. */
const stored = (findings: Record<string, unknown> = {}) => JSON.parse(JSON.stringify(findings)) as Record<string, unknown>;

/**
 * Run one step as the engine would: `results` answers only for the steps it depends on, with the
 * findings as stored (JSON), and the ports are spread on the context.
 */
export function runStep(
  step: StepDefinition<PlaybookPorts>,
  ports: PlaybookPorts,
  findings: Record<string, Record<string, unknown>>,
  investigation: Investigation,
): Promise<StepOutcome> {
  const progress: [number, string | undefined][] = [];
  return step.run({
    investigation: { id: 'inv-1', tenantId: 'tenant-1', ...investigation },
    results: (key) => {
      if (!(step.dependsOn ?? []).includes(key)) throw new Error(`step '${step.key}' read '${key}', which it does not depend on`);
      return stored(findings[key]);
    },
    progress: async (percent, message) => void progress.push([percent, message]),
    ...ports,
  });
}

export interface PlaybookRun {
  /** Each step's outcome by key, in the order the steps ran. */
  outcomes: Map<string, StepOutcome>;
  /** Each step's findings as stored. */
  findings: Record<string, Record<string, unknown>>;
  skipped: string[];
  /** Every step's actions, in order. */
  actions: NonNullable<StepOutcome['actions']>;
}

/**
 * The engine's run loop in memory, without the database: rounds of every step whose dependencies are
 * done, in declaration order, until all are done. A step that throws fails the run (rethrown).
 */
export async function runPlaybook(
  steps: StepDefinition<PlaybookPorts>[],
  ports: PlaybookPorts,
  investigation: Investigation,
): Promise<PlaybookRun> {
  const run: PlaybookRun = { outcomes: new Map(), findings: {}, skipped: [], actions: [] };
  while (run.outcomes.size < steps.length) {
    const runnable = steps.filter((s) => !run.outcomes.has(s.key) && (s.dependsOn ?? []).every((d) => run.outcomes.has(d)));
    if (!runnable.length) throw new Error('no step can run: the playbook graph is blocked');
    for (const step of runnable) {
      const outcome = await runStep(step, ports, run.findings, investigation);
      assertJson(outcome.findings ?? {}, `${step.key}.findings`);
      run.outcomes.set(step.key, outcome);
      run.findings[step.key] = stored(outcome.findings);
      if (outcome.skipped) run.skipped.push(step.key);
      run.actions.push(...(outcome.actions ?? []));
    }
  }
  return run;
}
