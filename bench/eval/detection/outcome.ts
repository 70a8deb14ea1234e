/**
 * What an investigation concluded, read through the public GraphQL API only — what an analyst's console
 * would show — so the evaluation measures the product, not its tables.
 *
 * The root verdict is the verdict of the investigation's EMAIL entity whose `externalId` is the message
 * its triggering alert reported (`triggeringAlert.messageExternalId`); the root step creates it first and
 * the verdict step sets its verdict and `threats`. An investigation without that entity (a failed run)
 * has the root verdict NONE, which counts as "not a threat".
 */
import type { Air } from './air.js';

export type RootVerdict = 'MALICIOUS' | 'SUSPICIOUS' | 'CLEAN' | 'UNKNOWN' | 'NONE';

/** States in which the playbook has not yet concluded (domain/investigation.ts ACTIVE_STATES). */
export const ACTIVE = new Set(['STARTING', 'RUNNING', 'QUEUED_BY_THROTTLING']);

export interface ActionOutcome {
  type: string;
  status: string;
  /** AUTOMATED when the automation policy decided it; null while undecided. */
  source: string | null;
  decidedBy: string | null;
  targets: string[];
  result: Record<string, unknown> | null;
}

export interface InvestigationOutcome {
  id: string;
  state: string;
  stateReason: string | null;
  rootMessageId: string | null;
  rootVerdict: RootVerdict;
  /** The root entity's `threats`: the one-line reasons the verdict step gave. */
  reasons: string[];
  actions: ActionOutcome[];
  actionCount: number;
  /** When the verdict step ended (ISO), from the log tab. */
  verdictEndedAt: string | null;
}

/** The light query polled while waiting: state, actions still to run, and the verdict step's end. */
export const PROGRESS = `query Progress($id: ID!) {
  investigation(id: $id) {
    state
    actions(statuses: [APPROVED, RUNNING], first: 1) { totalCount }
    logSteps { key status endedAt }
  }
}`;

export interface Progress {
  investigation: {
    state: string;
    actions: { totalCount: number };
    logSteps: { key: string; status: string; endedAt: string | null }[];
  };
}

/**
 * EVIDENCE: when InvestigationEntity gains `evidence { signal weight detail }`, add it beside `threats`
 * below, carry it into InvestigationOutcome (e.g. `evidence: { signal, weight, detail }[]`) and let
 * report.ts rank misses and false positives by `signal` (and sum `weight`) instead of by reason text.
 */
const OUTCOME = `query Outcome($id: ID!) {
  investigation(id: $id) {
    id
    state
    stateReason
    triggeringAlert { messageExternalId }
    entities(kinds: [EMAIL], first: 100) { edges { node { externalId verdict threats } } }
    actions(first: 100) {
      totalCount
      edges { node { type status source decidedBy targets { value } result } }
    }
    logSteps { key status endedAt }
  }
}`;

interface OutcomeData {
  investigation: {
    id: string;
    state: string;
    stateReason: string | null;
    triggeringAlert: { messageExternalId: string | null } | null;
    entities: { edges: { node: { externalId: string | null; verdict: RootVerdict; threats: string[] } }[] };
    actions: {
      totalCount: number;
      edges: { node: Omit<ActionOutcome, 'targets'> & { targets: { value: string }[] } }[];
    };
    logSteps: { key: string; status: string; endedAt: string | null }[];
  };
}

export async function outcomeOf(air: Air, tenant: string, id: string): Promise<InvestigationOutcome> {
  const { investigation: inv } = await air.graphql<OutcomeData>(tenant, OUTCOME, { id });
  const rootMessageId = inv.triggeringAlert?.messageExternalId ?? null;
  const root = inv.entities.edges.find((e) => rootMessageId !== null && e.node.externalId === rootMessageId)?.node;
  return {
    id: inv.id,
    state: inv.state,
    stateReason: inv.stateReason,
    rootMessageId,
    rootVerdict: root?.verdict ?? 'NONE',
    reasons: root?.threats ?? [],
    actions: inv.actions.edges.map(({ node }) => ({ ...node, targets: node.targets.map((t) => t.value) })),
    actionCount: inv.actions.totalCount,
    verdictEndedAt: inv.logSteps.find((s) => s.key === 'verdict')?.endedAt ?? null,
  };
}

/** Judged a threat with recommended actions: the measure for real phish. */
export const threatWithActions = (o: InvestigationOutcome | undefined) =>
  o !== undefined && (o.rootVerdict === 'MALICIOUS' || o.rootVerdict === 'SUSPICIOUS') && o.actionCount > 0;

/** An action that ran with no human decision: the automation policy approved it and it took effect. */
export const ranAutomatically = (a: ActionOutcome) => a.source === 'AUTOMATED' && (a.status === 'COMPLETED' || a.status === 'UNDONE');
