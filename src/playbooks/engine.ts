import type { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import type { Orm } from '../db/database.js';
import { tenantEntityManager } from '../context.js';
import { coerceError, newErrorId, publicReason } from '../errors.js';
import type { Logger } from '../logger.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { LogStep } from '../investigations/log-step.entity.js';
import { ACTIVE_STATES, EntityKind, InvestigationState, StepStatus, type Playbook } from '../domain/investigation.js';
import { Action } from '../actions/action.entity.js';
import { finishRun, markRunning, type FinalRunState } from '../investigations/lifecycle.service.js';
import { InvestigatedEntity } from '../investigations/investigated-entity.entity.js';
import { Verdict } from '../domain/telemetry.js';
import type { JobQueue } from '../jobs/queue.js';
import { isTransientDatabaseError } from '../db/transient.js';
import { appendEvents, EventType } from '../realtime/outbox.js';
import { persistOutcome, type ApproveByPolicy } from './step-outcome.writer.js';
import type { PlaybookDefinition, StepDefinition, StepOutcome } from './playbook.types.js';

export interface EngineDeps<L> {
  orm: Orm;
  definitionOf(playbook: Playbook): PlaybookDefinition<L>;
  /** The typed look-ups steps get, over a tenant-scoped EntityManager. */
  portsFor(em: EntityManager, tenantId: string): L;
  logger: Logger;
  /** The job queue: finishing a run can settle the investigation and start throttled ones. */
  queue: JobQueue;
  /**
   * Called in the transaction that recommends actions: the tenant's automation policy approves the ones it
   * covers (actions/decision.service.ts approveByPolicy). Absent: every action waits for approval.
   */
  approveByPolicy?: ApproveByPolicy;
  /** A step reached its final status (COMPLETED, SKIPPED or FAILED) after `seconds`: the metrics. */
  onStepFinished?: (step: string, status: StepStatus, seconds: number) => void;
}

const DONE = new Set<StepStatus>([StepStatus.COMPLETED, StepStatus.SKIPPED]);
/** At most one progress write per step per this many ms: a step reporting in a tight loop costs nothing. */
const PROGRESS_INTERVAL_MS = 250;

/** Reject a playbook whose step graph has duplicate keys, unknown dependencies or a cycle. */
export function validatePlaybook(def: PlaybookDefinition<unknown>): void {
  const keys = new Set<string>();
  for (const step of def.steps) {
    if (keys.has(step.key)) throw new Error(`playbook ${def.playbook}: step '${step.key}' is declared twice`);
    keys.add(step.key);
  }
  for (const step of def.steps) {
    for (const dep of step.dependsOn ?? []) {
      if (!keys.has(dep)) throw new Error(`playbook ${def.playbook}: step '${step.key}' depends on unknown step '${dep}'`);
    }
  }
  const visiting = new Set<string>();
  const visited = new Set<string>();
  const byKey = new Map(def.steps.map((s) => [s.key, s]));
  const visit = (key: string, path: string[]) => {
    if (visited.has(key)) return;
    if (visiting.has(key)) throw new Error(`playbook ${def.playbook}: steps form a cycle: ${[...path, key].join(' → ')}`);
    visiting.add(key);
    for (const dep of byKey.get(key)!.dependsOn ?? []) visit(dep, [...path, key]);
    visiting.delete(key);
    visited.add(key);
  };
  for (const step of def.steps) visit(step.key, []);
}

/**
 * Run (or resume) one investigation to the end of its playbook.
 *
 * Durable by construction: each step's effects (entities, clusters, edges, actions) are written in
 * the same transaction that marks it COMPLETED. A worker that dies mid-step leaves the step PENDING
 * or RUNNING with nothing of it written, so running the investigation again — after a crash, or
 * twice by mistake — resumes at its first unfinished step and writes no step's effects twice.
 */
export async function runInvestigation<L>(
  deps: EngineDeps<L>,
  tenantId: string,
  investigationId: string,
): Promise<InvestigationState | undefined> {
  const em = tenantEntityManager(deps.orm, tenantId);
  const investigation = await em.findOne(Investigation, { id: investigationId });
  if (!investigation || !ACTIVE_STATES.includes(investigation.state)) return investigation?.state;
  const def = deps.definitionOf(investigation.playbook);
  await start(em, investigation, def);

  for (;;) {
    const current = await em.fork().findOne(Investigation, { id: investigationId });
    // Cancelled (or finished by someone else) between two rounds: stop at the step boundary.
    if (!current || !ACTIVE_STATES.includes(current.state)) return current?.state;
    const steps = await em.fork().find(LogStep, { investigationId }, { orderBy: { seq: 'asc' } });
    const status = new Map(steps.map((s) => [s.key, s.status]));
    const failed = steps.find((s) => s.status === StepStatus.FAILED);
    if (failed)
      return finish(em, deps.queue, current, InvestigationState.FAILED, `step '${failed.key}' failed: ${failed.error ?? 'unknown error'}`);
    if (steps.every((s) => DONE.has(s.status))) {
      const actions = await em.fork().count(Action, { investigationId });
      if (actions > 0) return finish(em, deps.queue, current, InvestigationState.PENDING_ACTION);
      // Threats found but nothing to remediate (the mail is gone already, or only a human can tell): never
      // "no threats found", which would tell the analyst the opposite.
      // What the investigation judged — a message, a user, a URL — not every indicator it looked up on the way
      // (a feed's SUSPICIOUS mark on a sender IP is context, not a finding).
      const threats = await em.fork().count(InvestigatedEntity, {
        investigationId,
        $or: [
          { kind: { $in: [EntityKind.EMAIL, EntityKind.USER] }, verdict: { $in: [Verdict.MALICIOUS, Verdict.SUSPICIOUS] } },
          { kind: EntityKind.URL, verdict: Verdict.MALICIOUS },
        ],
      });
      return threats > 0
        ? finish(
            em,
            deps.queue,
            current,
            InvestigationState.PARTIALLY_INVESTIGATED,
            `${threats} suspicious or malicious finding(s) with nothing to remediate: review them`,
          )
        : finish(em, deps.queue, current, InvestigationState.NO_THREATS_FOUND);
    }
    const runnable = def.steps.filter((d) => !DONE.has(status.get(d.key)!) && (d.dependsOn ?? []).every((k) => DONE.has(status.get(k)!)));
    if (runnable.length === 0) {
      return finish(em, deps.queue, current, InvestigationState.FAILED, 'no step can run: the playbook graph is blocked');
    }
    const findings = new Map(steps.map((s) => [s.key, s.findings]));
    await Promise.all(
      runnable.map((step) =>
        runStep(
          deps,
          em,
          current,
          step,
          steps.find((s) => s.key === step.key)!,
          findings,
        ),
      ),
    );
  }
}

/** Create the log (every step PENDING) and move the investigation to RUNNING, once. */
async function start(em: EntityManager, investigation: Investigation, def: PlaybookDefinition<unknown>) {
  await em.fork().transactional(async (tx) => {
    await tx.upsertMany(
      LogStep,
      // Plain rows skip the entities' initialisers: ids are given here.
      def.steps.map((step, seq) => ({
        id: uuidv7(),
        tenantId: investigation.tenantId,
        investigationId: investigation.id,
        seq,
        phase: step.phase,
        key: step.key,
        name: step.name,
        description: step.description,
        status: StepStatus.PENDING,
        progress: 0,
        findings: {},
      })),
      { onConflictFields: ['investigationId', 'key'], onConflictAction: 'ignore' },
    );
    await markRunning(tx, investigation);
  });
}

async function runStep<L>(
  deps: EngineDeps<L>,
  em: EntityManager,
  investigation: Investigation,
  step: StepDefinition<L>,
  log: LogStep,
  findings: Map<string, Record<string, unknown>>,
) {
  const { tenantId, id: investigationId } = investigation;
  const startedAt = new Date();
  await em.fork().transactional(async (tx) => {
    await tx.nativeUpdate(LogStep, { id: log.id, tenantId }, { status: StepStatus.RUNNING, startedAt, progress: 0 });
    await appendEvents(tx, [
      { tenantId, investigationId, type: EventType.STEP_STARTED, payload: { stepId: log.id, key: step.key, startedAt } },
    ]);
  });

  let lastProgress = 0;
  const lookupsEm = em.fork();
  let outcome: StepOutcome;
  try {
    outcome = await step.run({
      investigation: {
        id: investigationId,
        tenantId,
        playbook: investigation.playbook,
        subject: investigation.subject,
        triggeringAlertId: investigation.triggeringAlertId,
      },
      results: (key) => {
        if (!(step.dependsOn ?? []).includes(key)) throw new Error(`step '${step.key}' read '${key}', which it does not depend on`);
        return findings.get(key) ?? {};
      },
      progress: async (percent, message) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
        lastProgress = now;
        const progress = Math.max(0, Math.min(99, Math.round(percent)));
        await em.fork().transactional(async (tx) => {
          await tx.nativeUpdate(LogStep, { id: log.id, tenantId }, { progress, progressMessage: message });
          await appendEvents(tx, [
            { tenantId, investigationId, type: EventType.STEP_PROGRESS, payload: { stepId: log.id, progress, message } },
          ]);
        });
      },
      ...deps.portsFor(lookupsEm, tenantId),
    });
  } catch (e) {
    return failStep(deps, em, investigation, step, log, startedAt, e);
  }
  try {
    await em.fork().transactional((tx) => persistOutcome(tx, investigation, log, startedAt, outcome, deps.approveByPolicy));
  } catch (e) {
    // Writing the outcome failed, and rolled back whole: that is the step's failure (unless the database was away).
    return failStep(deps, em, investigation, step, log, startedAt, e);
  }
  deps.onStepFinished?.(step.key, outcome.skipped ? StepStatus.SKIPPED : StepStatus.COMPLETED, secondsSince(startedAt));
}

async function failStep<L>(
  deps: EngineDeps<L>,
  em: EntityManager,
  investigation: Investigation,
  step: StepDefinition<L>,
  log: LogStep,
  startedAt: Date,
  e: unknown,
) {
  const { tenantId, id: investigationId } = investigation;
  const error = coerceError(e);
  // A dropped connection, a restarting or overloaded database is not the step's fault: the job goes back
  // to the queue (retried with backoff like a crash) and the step runs again from the start.
  if (isTransientDatabaseError(error)) throw error;
  // The step's error reaches clients (the log step, its event, the investigation's stateReason, the CSV):
  // a database error's text is logged under an error id and the client reads plain words and that id.
  const errorId = newErrorId();
  deps.logger.error({ err: error, errorId, investigationId, step: step.key }, 'step failed');
  const reason = publicReason(error, errorId);
  const endedAt = new Date();
  await em.fork().transactional(async (tx) => {
    await tx.nativeUpdate(LogStep, { id: log.id, tenantId }, { status: StepStatus.FAILED, endedAt, error: reason });
    await appendEvents(tx, [
      {
        tenantId,
        investigationId,
        type: EventType.STEP_FAILED,
        payload: { stepId: log.id, error: reason, endedAt, durationMs: endedAt.getTime() - startedAt.getTime() },
      },
    ]);
  });
  deps.onStepFinished?.(step.key, StepStatus.FAILED, secondsSince(startedAt));
}

const secondsSince = (t: Date) => (Date.now() - t.getTime()) / 1000;

async function finish(em: EntityManager, queue: JobQueue, investigation: Investigation, state: FinalRunState, reason?: string) {
  await em.fork().transactional((tx) => finishRun(tx, queue, investigation, state, reason));
  return state;
}
