import type { ActionType } from '../domain/action.js';
import type { ActionTarget } from '../actions/action.entity.js';
import type { ClusterQuery, EntityKind, Phase, Playbook } from '../domain/investigation.js';
import type { Verdict } from '../domain/telemetry.js';

/** Something a step found: the engine upserts it by (kind, value), so steps may report it again. */
export interface EntityFinding {
  kind: EntityKind;
  value: string;
  displayName: string;
  externalId?: string;
  verdict: Verdict;
  threats?: string[];
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
}

/** A node of the investigation graph: an entity by (kind, value), or a cluster by its key. */
export type NodeRef = { kind: EntityKind; value: string } | { cluster: string };

export interface EdgeFinding {
  from: NodeRef;
  to: NodeRef;
  relation: string;
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
}

/** What a step returns. The engine writes all of it, and the step's completion, in one transaction. */
export interface StepOutcome {
  /** Shown in the log and readable by later steps through `ctx.results(key)`. */
  findings?: Record<string, unknown>;
  entities?: EntityFinding[];
  clusters?: ClusterFinding[];
  edges?: EdgeFinding[];
  actions?: ActionFinding[];
  /** The step had nothing to do (e.g. no clicks to check): logged as SKIPPED. */
  skipped?: boolean;
}

/** The narrow world a step sees: its investigation, earlier findings, progress, and typed look-ups. */
export interface StepContext<L = unknown> {
  readonly investigation: { id: string; tenantId: string; playbook: Playbook; subject?: string; triggeringAlertId?: string };
  /** Findings of a completed step this one depends on. */
  results(stepKey: string): Record<string, unknown>;
  /** Report progress (0–100) with a message; throttled by the engine. */
  progress(percent: number, message?: string): Promise<void>;
  readonly lookups: L;
}

export interface StepDefinition<L = unknown> {
  key: string;
  name: string;
  description: string;
  phase: Phase;
  /** Keys of steps that must be COMPLETED or SKIPPED first. Steps without a path between them run concurrently. */
  dependsOn?: string[];
  run(ctx: StepContext<L>): Promise<StepOutcome>;
}

export interface PlaybookDefinition<L = unknown> {
  playbook: Playbook;
  steps: StepDefinition<L>[];
}
