/**
 * What an investigation concluded, read through the public GraphQL API only — what an analyst's console
 * would show — so the evaluation measures the product, not its tables.
 *
 * The root verdict is the verdict of the investigation's EMAIL entity whose `externalId` is the message
 * its triggering alert reported (`triggeringAlert.messageExternalId`); the root step creates it first and
 * the verdict step sets its verdict and `threats`. An investigation without that entity (a failed run)
 * has the root verdict NONE, which counts as "not a threat".
 */
import { ACTIVE_STATES } from '../../../src/domain/investigation.js';
import type { Air } from './air.js';

export type RootVerdict = 'MALICIOUS' | 'SUSPICIOUS' | 'CLEAN' | 'UNKNOWN' | 'NONE';

/** States in which the playbook has not yet concluded. */
export const ACTIVE = new Set<string>(ACTIVE_STATES);

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
  /** The root entity's evidence; null while the API does not expose it. */
  evidence: Evidence[] | null;
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
 * The evidence a verdict was built from (domain/evidence.ts): `InvestigationEntity.evidence { signal weight
 * detail }`, which the API is gaining. The outcome query asks for it, and while the server answers that the
 * field does not exist the query is sent without it (`threats` alone): one script before and after.
 */
const EVIDENCE = 'evidence { signal weight detail }';
const outcomeQuery = (evidence: boolean) => `query Outcome($id: ID!) {
  investigation(id: $id) {
    id
    state
    stateReason
    triggeringAlert { messageExternalId }
    entities(kinds: [EMAIL], first: 100) { edges { node { externalId verdict threats ${evidence ? EVIDENCE : ''} } } }
    actions(first: 100) {
      totalCount
      edges { node { type status source decidedBy targets { value } result } }
    }
    logSteps { key status endedAt }
  }
}`;
let withEvidence = true;

export interface Evidence {
  signal: string;
  weight: number;
  detail: string;
}

interface OutcomeData {
  investigation: {
    id: string;
    state: string;
    stateReason: string | null;
    triggeringAlert: { messageExternalId: string | null } | null;
    entities: { edges: { node: { externalId: string | null; verdict: RootVerdict; threats: string[]; evidence?: Evidence[] } }[] };
    actions: {
      totalCount: number;
      edges: { node: Omit<ActionOutcome, 'targets'> & { targets: { value: string }[] } }[];
    };
    logSteps: { key: string; status: string; endedAt: string | null }[];
  };
}

export async function outcomeOf(air: Air, tenant: string, id: string): Promise<InvestigationOutcome> {
  let data: OutcomeData;
  try {
    data = await air.graphql<OutcomeData>(tenant, outcomeQuery(withEvidence), { id });
  } catch (e) {
    // Several outcomes are read at once: each that asked for evidence before the first answer retries alone.
    if (!/Cannot query field "evidence"/.test(String(e))) throw e;
    withEvidence = false;
    data = await air.graphql<OutcomeData>(tenant, outcomeQuery(false), { id });
  }
  const inv = data.investigation;
  const rootMessageId = inv.triggeringAlert?.messageExternalId ?? null;
  const root = inv.entities.edges.find((e) => rootMessageId !== null && e.node.externalId === rootMessageId)?.node;
  return {
    id: inv.id,
    state: inv.state,
    stateReason: inv.stateReason,
    rootMessageId,
    rootVerdict: root?.verdict ?? 'NONE',
    reasons: root?.threats ?? [],
    evidence: root?.evidence ?? null,
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
