/**
 * Every closed set of `domain/` as a GraphQL enum. The sets are plain TypeScript (worker threads and
 * playbook steps import them without type-graphql); naming them for the schema happens here, once,
 * before `buildSchema` reads the resolvers.
 */
import { registerEnumType } from 'type-graphql';
import { ActionSource, ActionStatus, ActionType, BlockKind, DecisionOutcome, PreviewScope, TimePeriod } from './domain/action.js';
import { AlertKind, Severity } from './domain/alert.js';
import { ClusterQuery, EntityKind, InvestigationState, Phase, Playbook, StepStatus } from './domain/investigation.js';
import { Role } from './domain/role.js';
import {
  ClickAction,
  DeliveryLocation,
  DetectionVerdict,
  IndicatorKind,
  MailDirection,
  SignInResult,
  SenderSource,
  SignInRisk,
  Verdict,
  ZapReason,
} from './domain/telemetry.js';
import { UpstreamSource, UpstreamVerdict } from './domain/upstream.js';
import { AutomationLevel } from './domain/tenant.js';
import { Signal } from './domain/evidence.js';
import { AnalystVerdictKind } from './domain/analyst-verdict.js';

const enums: [object, string, string?][] = [
  [Playbook, 'Playbook'],
  [InvestigationState, 'InvestigationState'],
  [Phase, 'Phase'],
  [StepStatus, 'StepStatus'],
  [EntityKind, 'EntityKind'],
  [ClusterQuery, 'ClusterQuery'],
  [ActionType, 'ActionType'],
  [ActionStatus, 'ActionStatus'],
  [ActionSource, 'ActionSource'],
  [BlockKind, 'BlockKind'],
  [DecisionOutcome, 'DecisionOutcome', 'What a decision did to one action.'],
  [TimePeriod, 'TimePeriod'],
  [PreviewScope, 'PreviewScope', 'What an action preview counts.'],
  [AlertKind, 'AlertKind'],
  [Severity, 'Severity'],
  [Role, 'Role'],
  [AutomationLevel, 'AutomationLevel'],
  [DeliveryLocation, 'DeliveryLocation'],
  [DetectionVerdict, 'DetectionVerdict'],
  [MailDirection, 'MailDirection'],
  [ClickAction, 'ClickAction'],
  [SignInRisk, 'SignInRisk'],
  [SignInResult, 'SignInResult'],
  [IndicatorKind, 'IndicatorKind'],
  [Verdict, 'Verdict'],
  [ZapReason, 'ZapReason'],
  [SenderSource, 'SenderSource', "Which header a message's sender address came from."],
  [UpstreamSource, 'UpstreamSource', 'The filter of the receiving service that judged a message.'],
  [UpstreamVerdict, 'UpstreamVerdict', 'What a filter of the receiving service concluded about a message.'],
  [Signal, 'Signal', 'A kind of evidence a verdict is built from.'],
  [AnalystVerdictKind, 'AnalystVerdictKind', 'What an analyst verdict judges: one message, or an indicator.'],
];
for (const [values, name, description] of enums) registerEnumType(values, { name, ...(description ? { description } : {}) });
