import type { ActionType } from '../domain/action.js';
import type { ClusterQuery, EntityKind, Phase, Playbook } from '../domain/investigation.js';
import type { Evidence } from '../domain/evidence.js';
import type { Verdict } from '../domain/telemetry.js';

/** Something a step found: the engine upserts it by (kind, value), so steps may report it again. */
export interface EntityFinding {
  kind: EntityKind;
  value: string;
  displayName: string;
  externalId?: string;
  verdict: Verdict;
  threats?: string[];
  /** Why it has its verdict; a later report of the same entity with evidence replaces it. */
  evidence?: Evidence[];
  details?: Record<string, unknown>;
}

/** A group of messages a step's query returned; `key` names it for edges and actions of the same step. */
export interface ClusterFinding {
  key: string;
  name: string;
  query: ClusterQuery;
  queryValue: string;
  verdict: Verdict;
  threats?: string[];
  /** Internal ids of the member messages. */
  messageIds: string[];
  /** Each member's own verdict and evidence, by internal id; a member not named takes the cluster's verdict. */
  members?: Record<string, { verdict: Verdict; evidence: Evidence[] }>;
}

/** A node of the investigation graph: an entity by (kind, value), or a cluster by its key. */
export type NodeRef = { kind: EntityKind; value: string } | { cluster: string };

export interface EdgeFinding {
  from: NodeRef;
  to: NodeRef;
  relation: string;
}

/** What an action acts on; the same shape as the action row's `targets` (actions/action.entity.ts ActionTarget). */
export interface ActionTarget {
  kind: EntityKind;
  value: string;
  externalId?: string;
}

export interface ActionFinding {
  type: ActionType;
  rationale: string;
  targets?: ActionTarget[];
  /** For email actions: the key of a cluster reported by the same step… */
  cluster?: string;
  /** …or a cluster an earlier step of the investigation reported, by its query and value. */
  clusterRef?: { query: ClusterQuery; queryValue: string };
  evidence?: Record<string, unknown>;
  /** Why automation may not run it: a human decides (e.g. a member without strong evidence of its own). */
  humanRequired?: string;
}

/** What a step returns. The engine writes all of it, and the step's completion, in one transaction. */
export interface StepOutcome<F extends Record<string, unknown> = Record<string, unknown>> {
  /**
   * Shown in the log and readable by later steps through `ctx.results(key)`. Stored as JSON
   * (`log_steps.findings`): a later step reads back what JSON.stringify made of it (a Date becomes a string).
   */
  findings?: F;
  entities?: EntityFinding[];
  clusters?: ClusterFinding[];
  edges?: EdgeFinding[];
  actions?: ActionFinding[];
  /** The step had nothing to do (e.g. no clicks to check): logged as SKIPPED. */
  skipped?: boolean;
}

/** What every step sees, whatever its playbook: its investigation, earlier findings and progress. */
export interface StepBasics {
  readonly investigation: { id: string; tenantId: string; playbook: Playbook; subject?: string; triggeringAlertId?: string };
  /** Findings of a completed (or skipped) step this one depends on. */
  results(stepKey: string): Record<string, unknown>;
  /** Report progress (0–100) with a message; throttled by the engine. */
  progress(percent: number, message?: string): Promise<void>;
}

/**
 * The narrow world a step sees: the basics and the ports `P` (for the playbooks: `ctx.mail`, `ctx.intel`,
 * `ctx.identity`, `ctx.devices`, `ctx.alerts` — see ports.ts), never the ORM.
 */
export type StepContext<P = unknown> = StepBasics & P;

export interface StepDefinition<P = unknown> {
  key: string;
  name: string;
  description: string;
  phase: Phase;
  /** Keys of steps that must be COMPLETED or SKIPPED first. Steps without a path between them run concurrently. */
  dependsOn?: string[];
  run(ctx: StepContext<P>): Promise<StepOutcome>;
}

export interface PlaybookDefinition<P = unknown> {
  playbook: Playbook;
  steps: StepDefinition<P>[];
}
