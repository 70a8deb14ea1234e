import { Playbook } from '../domain/investigation.js';
import { validatePlaybook } from './engine.js';
import type { PlaybookDefinition } from './playbook.types.js';
import type { PlaybookPorts } from './ports.js';
import { rootStep } from './steps/root.step.js';
import { threatStep } from './steps/threat-type.step.js';
import { senderStep } from './steps/sender-reputation.step.js';
import { zapStep } from './steps/zap-check.step.js';
import { verdictStep } from './steps/verdict.step.js';
import { clusterStep } from './steps/similar-messages.step.js';
import { clicksStep } from './steps/url-clicks.step.js';
import { devicesStep } from './steps/device-files.step.js';
import { compromiseStep, userCompromiseRootStep } from './steps/user-compromise.step.js';
import { sentMailStep } from './steps/sent-mail.step.js';
import { recommendStep, userRecommendStep } from './steps/recommend-actions.step.js';

/**
 * The email playbooks share one step graph: root investigation (root → threat type, sender, zapped
 * instances → verdict), hunting (clusters → clicks and devices → compromise), remediation. They
 * differ in their root — a reported message, a zapped one, a URL, or what an admin named — which the
 * root step reads from the triggering alert or the investigation's subject.
 */
export const EMAIL_STEPS = [
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

/** A user's compromise: the user (root) → their rules and sign-ins → the mail they sent → remediation. */
export const USER_COMPROMISE_STEPS = [rootStep, userCompromiseRootStep, sentMailStep, userRecommendStep];

const email = (playbook: Playbook): PlaybookDefinition<PlaybookPorts> => ({ playbook, steps: EMAIL_STEPS });

export const PLAYBOOKS: Record<Playbook, PlaybookDefinition<PlaybookPorts>> = {
  [Playbook.USER_SUBMITTED_MESSAGE]: email(Playbook.USER_SUBMITTED_MESSAGE),
  [Playbook.URL_VERDICT_CHANGE]: email(Playbook.URL_VERDICT_CHANGE),
  [Playbook.ZAPPED_MALWARE]: email(Playbook.ZAPPED_MALWARE),
  [Playbook.ZAPPED_PHISH]: email(Playbook.ZAPPED_PHISH),
  [Playbook.MANUAL_INVESTIGATION]: email(Playbook.MANUAL_INVESTIGATION),
  [Playbook.USER_COMPROMISED]: { playbook: Playbook.USER_COMPROMISED, steps: USER_COMPROMISE_STEPS },
};
for (const def of Object.values(PLAYBOOKS)) validatePlaybook(def);

export const definitionOf = (playbook: Playbook) => PLAYBOOKS[playbook];
