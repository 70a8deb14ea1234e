import type { EntityManager } from '@mikro-orm/postgresql';
import { Playbook } from '../domain/investigation.js';
import { validatePlaybook } from './engine.js';
import { TelemetryLookups } from './lookups.js';
import type { PlaybookDefinition } from './playbook.types.js';
import {
  clicksStep,
  clusterStep,
  compromiseStep,
  devicesStep,
  recommendStep,
  rootStep,
  senderStep,
  sentMailStep,
  threatStep,
  userCompromiseRootStep,
  userRecommendStep,
  verdictStep,
  zapStep,
} from './email-steps.js';

/**
 * The email playbooks share one step graph: root investigation (root → threat type, sender, zapped
 * instances → verdict), hunting (clusters → clicks and devices → compromise), remediation. They
 * differ in their root — a reported message, a zapped one, a URL, or what an admin named — which the
 * root step reads from the triggering alert or the investigation's subject.
 */
const EMAIL_STEPS = [
  rootStep,
  threatStep,
  senderStep,
  zapStep,
  verdictStep,
  clusterStep,
  clicksStep,
  devicesStep,
  compromiseStep,
  recommendStep,
];

const email = (playbook: Playbook): PlaybookDefinition<TelemetryLookups> => ({ playbook, steps: EMAIL_STEPS });

export const PLAYBOOKS: Record<Playbook, PlaybookDefinition<TelemetryLookups>> = {
  [Playbook.USER_SUBMITTED_MESSAGE]: email(Playbook.USER_SUBMITTED_MESSAGE),
  [Playbook.URL_VERDICT_CHANGE]: email(Playbook.URL_VERDICT_CHANGE),
  [Playbook.ZAPPED_MALWARE]: email(Playbook.ZAPPED_MALWARE),
  [Playbook.ZAPPED_PHISH]: email(Playbook.ZAPPED_PHISH),
  [Playbook.MANUAL_INVESTIGATION]: email(Playbook.MANUAL_INVESTIGATION),
  [Playbook.USER_COMPROMISED]: {
    playbook: Playbook.USER_COMPROMISED,
    steps: [rootStep, userCompromiseRootStep, sentMailStep, userRecommendStep],
  },
};
for (const def of Object.values(PLAYBOOKS)) validatePlaybook(def);

export const definitionOf = (playbook: Playbook) => PLAYBOOKS[playbook];
export const lookupsFor = (em: EntityManager) => new TelemetryLookups(em);
