import { createUnionType, Field, ID, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { InvestigationState, Playbook, StepStatus, EntityKind } from '../domain/investigation.js';
import { Verdict } from '../domain/telemetry.js';
import { ActionSource, ActionStatus, ActionType } from '../domain/action.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { LogStep } from '../investigations/log-step.entity.js';
import { InvestigatedEntity } from '../investigations/investigated-entity.entity.js';
import { EmailCluster } from '../investigations/email-cluster.entity.js';
import { Action } from '../actions/action.entity.js';
import { AppError, ErrorCode } from '../errors.js';
import { EventType } from './outbox.js';
import { type StreamEvent } from './stream.types.js';

/**
 * What every live event carries. Each event type also carries the changed object itself, as the
 * schema's ordinary type with its `id` (`investigation`, `step`, `entity`, `cluster`, `action`), so a
 * normalised client cache (Apollo Client, urql graphcache) updates what is on screen with no client
 * code. The older delta fields (the changed object's id and the fields that changed) stay, deprecated.
 */
@InterfaceType('LiveEvent', { description: 'One change a client may watch, in outbox order.' })
export abstract class LiveEvent {
  @Field(() => String, { description: 'Pass the last one you received as `after` to resume exactly after it.' })
  cursor!: string;
  @Field(() => Date, { description: 'When the change was committed.' })
  at!: Date;
  @Field(() => ID, { nullable: true })
  investigationId?: string | null;
}

@ObjectType('InvestigationCreatedEvent', { implements: LiveEvent })
export class InvestigationCreatedEvent extends LiveEvent {
  @Field(() => Playbook, { deprecationReason: 'Read investigation.playbook' })
  playbook!: Playbook;
  @Field(() => InvestigationState, { deprecationReason: 'Read investigation.state' })
  state!: InvestigationState;
  @Field(() => String, { nullable: true, deprecationReason: 'Read investigation.title' })
  title?: string | null;
  @Field(() => Investigation, { description: 'The investigation as it is now: a normalised cache updates it in place.' })
  investigation!: Investigation;
}

@ObjectType('InvestigationStateChangedEvent', { implements: LiveEvent })
export class InvestigationStateChangedEvent extends LiveEvent {
  @Field(() => InvestigationState, { deprecationReason: 'Read investigation.state' })
  state!: InvestigationState;
  @Field(() => String, {
    nullable: true,
    description: 'Why it ended FAILED, TERMINATED_…',
    deprecationReason: 'Read investigation.stateReason',
  })
  stateReason?: string | null;
  @Field(() => Investigation, { description: 'The investigation as it is now: a normalised cache updates it in place.' })
  investigation!: Investigation;
}

@ObjectType('StepStartedEvent', { implements: LiveEvent })
export class StepStartedEvent extends LiveEvent {
  @Field(() => ID, { description: 'The LogStep.', deprecationReason: 'Read step.id' })
  stepId!: string;
  @Field(() => String, { deprecationReason: 'Read step.key' })
  key!: string;
  @Field(() => Date, { deprecationReason: 'Read step.startedAt' })
  startedAt!: Date;
  @Field(() => LogStep, { description: 'The log step as it is now: a normalised cache updates it in place.' })
  step!: LogStep;
}

@ObjectType('StepProgressEvent', { implements: LiveEvent })
export class StepProgressEvent extends LiveEvent {
  @Field(() => ID, { deprecationReason: 'Read step.id' })
  stepId!: string;
  @Field(() => Int, { description: 'Percent done, 0–99 (100 comes with StepCompletedEvent).', deprecationReason: 'Read step.progress' })
  progress!: number;
  @Field(() => String, { nullable: true, deprecationReason: 'Read step.progressMessage' })
  message?: string | null;
  @Field(() => LogStep, { description: 'The log step as it is now: a normalised cache updates it in place.' })
  step!: LogStep;
}

@ObjectType('StepCompletedEvent', { implements: LiveEvent, description: 'A step finished: COMPLETED, or SKIPPED when it did not apply.' })
export class StepCompletedEvent extends LiveEvent {
  @Field(() => ID, { deprecationReason: 'Read step.id' })
  stepId!: string;
  @Field(() => String, { deprecationReason: 'Read step.key' })
  key!: string;
  // Not `status`: clients select every union member in one document, and ActionStatus's `status`
  // would conflict with it.
  @Field(() => StepStatus, { deprecationReason: 'Read step.status' })
  stepStatus!: StepStatus;
  @Field(() => Date, { deprecationReason: 'Read step.endedAt' })
  endedAt!: Date;
  @Field(() => Int, {
    nullable: true,
    description: 'Milliseconds from this run of the step starting to its end.',
    deprecationReason: 'Read step.durationSeconds',
  })
  durationMs?: number | null;
  @Field(() => LogStep, { description: 'The log step as it is now: a normalised cache updates it in place.' })
  step!: LogStep;
}

@ObjectType('StepFailedEvent', { implements: LiveEvent })
export class StepFailedEvent extends LiveEvent {
  @Field(() => ID, { deprecationReason: 'Read step.id' })
  stepId!: string;
  // Nullable like ActionExecutedEvent.error, so both can be selected in one document.
  @Field(() => String, { nullable: true, deprecationReason: 'Read step.error' })
  error?: string | null;
  @Field(() => Date, { deprecationReason: 'Read step.endedAt' })
  endedAt!: Date;
  @Field(() => Int, { nullable: true, deprecationReason: 'Read step.durationSeconds' })
  durationMs?: number | null;
  @Field(() => LogStep, { description: 'The log step as it is now: a normalised cache updates it in place.' })
  step!: LogStep;
}

@ObjectType('EntityFoundEvent', { implements: LiveEvent })
export class EntityFoundEvent extends LiveEvent {
  @Field(() => ID, { description: 'The InvestigationEntity (also a graph node).', deprecationReason: 'Read entity.id' })
  entityId!: string;
  @Field(() => EntityKind, { deprecationReason: 'Read entity.kind' })
  kind!: EntityKind;
  @Field(() => String, { deprecationReason: 'Read entity.value' })
  value!: string;
  @Field(() => Verdict, { nullable: true, deprecationReason: 'Read entity.verdict' })
  verdict?: Verdict | null;
  @Field(() => InvestigatedEntity, { description: 'The entity found, as the investigation lists it.' })
  entity!: InvestigatedEntity;
}

@ObjectType('ClusterFoundEvent', { implements: LiveEvent })
export class ClusterFoundEvent extends LiveEvent {
  @Field(() => ID, { description: 'The EmailCluster.', deprecationReason: 'Read cluster.id' })
  clusterId!: string;
  @Field(() => String, { deprecationReason: 'Read cluster.name' })
  name!: string;
  @Field(() => Verdict, { nullable: true, deprecationReason: 'Read cluster.verdict' })
  verdict?: Verdict | null;
  @Field(() => Int, { deprecationReason: 'Read cluster.messageCount' })
  messageCount!: number;
  @Field(() => EmailCluster, { description: 'The email cluster found, as the investigation lists it.' })
  cluster!: EmailCluster;
}

@ObjectType('ActionRecommendedEvent', { implements: LiveEvent })
export class ActionRecommendedEvent extends LiveEvent {
  @Field(() => ID, { description: 'The Action, now PENDING_APPROVAL (or about to run on its own).', deprecationReason: 'Read action.id' })
  actionId!: string;
  @Field(() => ActionType, { deprecationReason: 'Read action.type' })
  type!: ActionType;
  @Field(() => String, { nullable: true, deprecationReason: 'Read action.rationale' })
  rationale?: string | null;
  @Field(() => Action, { description: 'The action as it is now: a normalised cache updates it in place.' })
  action!: Action;
}

@ObjectType('ActionDecidedEvent', { implements: LiveEvent, description: 'An action approved, rejected or expired.' })
export class ActionDecidedEvent extends LiveEvent {
  @Field(() => ID, { deprecationReason: 'Read action.id' })
  actionId!: string;
  @Field(() => ActionStatus, { deprecationReason: 'Read action.status' })
  status!: ActionStatus;
  @Field(() => String, { nullable: true, deprecationReason: 'Read action.decidedBy' })
  decidedBy?: string | null;
  @Field(() => Date, { nullable: true, deprecationReason: 'Read action.decidedAt' })
  decidedAt?: Date | null;
  @Field(() => String, { nullable: true, deprecationReason: 'Read action.decisionComment' })
  comment?: string | null;
  @Field(() => ActionSource, { nullable: true, deprecationReason: 'Read action.source' })
  source?: ActionSource | null;
  @Field(() => Action, { description: 'The action as it is now: a normalised cache updates it in place.' })
  action!: Action;
}

@ObjectType('ActionExecutedEvent', { implements: LiveEvent, description: "An action's run moved: RUNNING, COMPLETED, FAILED or UNDONE." })
export class ActionExecutedEvent extends LiveEvent {
  @Field(() => ID, { deprecationReason: 'Read action.id' })
  actionId!: string;
  @Field(() => ActionStatus, { deprecationReason: 'Read action.status' })
  status!: ActionStatus;
  @Field(() => GraphQLJSONObject, { nullable: true, deprecationReason: 'Read action.result' })
  result?: Record<string, unknown> | null;
  @Field(() => String, { nullable: true, deprecationReason: 'Read action.error' })
  error?: string | null;
  @Field(() => Action, { description: 'The action as it is now: a normalised cache updates it in place.' })
  action!: Action;
}

const INVESTIGATION_EVENT_TYPES = [
  InvestigationCreatedEvent,
  InvestigationStateChangedEvent,
  StepStartedEvent,
  StepProgressEvent,
  StepCompletedEvent,
  StepFailedEvent,
  EntityFoundEvent,
  ClusterFoundEvent,
  ActionRecommendedEvent,
  ActionDecidedEvent,
  ActionExecutedEvent,
] as const;

export const InvestigationEvent = createUnionType({
  name: 'InvestigationEvent',
  description: 'Everything that happens to one investigation while a playbook runs it and its actions are decided.',
  types: () => INVESTIGATION_EVENT_TYPES,
});

export const TenantEvent = createUnionType({
  name: 'TenantEvent',
  description: 'The changes the dashboard and the action centre show, for the whole tenant.',
  types: () => [InvestigationCreatedEvent, InvestigationStateChangedEvent, ActionRecommendedEvent, ActionDecidedEvent] as const,
});

/** The event types `tenantEvents(types:)` may select: those of the TenantEvent union. */
export enum TenantEventType {
  INVESTIGATION_CREATED = EventType.INVESTIGATION_CREATED,
  INVESTIGATION_STATE_CHANGED = EventType.INVESTIGATION_STATE_CHANGED,
  ACTION_RECOMMENDED = EventType.ACTION_RECOMMENDED,
  ACTION_DECIDED = EventType.ACTION_DECIDED,
}
registerEnumType(TenantEventType, { name: 'TenantEventType' });

export const TENANT_EVENT_TYPES: readonly EventType[] = Object.values(TenantEventType) as unknown as EventType[];

type Payload = Readonly<Record<string, unknown>>;
const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? null : String(v));
const date = (v: unknown) => (v == null ? null : new Date(v as string));
const int = (v: unknown) => (typeof v === 'number' ? Math.round(v) : null);

const VIEWS: Record<EventType, (p: Payload) => LiveEvent> = {
  [EventType.INVESTIGATION_CREATED]: (p) =>
    Object.assign(new InvestigationCreatedEvent(), { playbook: p.playbook, state: p.state, title: str(p.title) }),
  [EventType.INVESTIGATION_STATE_CHANGED]: (p) =>
    Object.assign(new InvestigationStateChangedEvent(), { state: p.state, stateReason: str(p.stateReason) }),
  [EventType.STEP_STARTED]: (p) => Object.assign(new StepStartedEvent(), { stepId: p.stepId, key: p.key, startedAt: date(p.startedAt) }),
  [EventType.STEP_PROGRESS]: (p) =>
    Object.assign(new StepProgressEvent(), { stepId: p.stepId, progress: int(p.progress) ?? 0, message: str(p.message) }),
  [EventType.STEP_COMPLETED]: (p) =>
    Object.assign(new StepCompletedEvent(), {
      stepId: p.stepId,
      key: p.key,
      stepStatus: p.status ?? StepStatus.COMPLETED,
      endedAt: date(p.endedAt),
      durationMs: int(p.durationMs),
    }),
  [EventType.STEP_FAILED]: (p) =>
    Object.assign(new StepFailedEvent(), {
      stepId: p.stepId,
      error: str(p.error) ?? '',
      endedAt: date(p.endedAt),
      durationMs: int(p.durationMs),
    }),
  [EventType.ENTITY_FOUND]: (p) =>
    Object.assign(new EntityFoundEvent(), { entityId: p.id, kind: p.kind, value: str(p.value) ?? '', verdict: p.verdict ?? null }),
  [EventType.CLUSTER_FOUND]: (p) =>
    Object.assign(new ClusterFoundEvent(), {
      clusterId: p.id,
      name: str(p.name) ?? '',
      verdict: p.verdict ?? null,
      messageCount: int(p.messageCount) ?? 0,
    }),
  [EventType.ACTION_RECOMMENDED]: (p) =>
    Object.assign(new ActionRecommendedEvent(), { actionId: p.id, type: p.type, rationale: str(p.rationale) }),
  [EventType.ACTION_DECIDED]: (p) =>
    Object.assign(new ActionDecidedEvent(), {
      actionId: p.id,
      status: p.status,
      decidedBy: str(p.decidedBy),
      decidedAt: date(p.decidedAt),
      comment: str(p.comment),
      source: p.source ?? null,
    }),
  [EventType.ACTION_EXECUTED]: (p) =>
    Object.assign(new ActionExecutedEvent(), {
      actionId: p.id,
      status: p.status,
      result: p.result && typeof p.result === 'object' ? p.result : null,
      error: str(p.error),
    }),
};

/** The field of each event type that carries the changed object. */
const OBJECT_FIELD: Record<EventType, string> = {
  [EventType.INVESTIGATION_CREATED]: 'investigation',
  [EventType.INVESTIGATION_STATE_CHANGED]: 'investigation',
  [EventType.STEP_STARTED]: 'step',
  [EventType.STEP_PROGRESS]: 'step',
  [EventType.STEP_COMPLETED]: 'step',
  [EventType.STEP_FAILED]: 'step',
  [EventType.ENTITY_FOUND]: 'entity',
  [EventType.CLUSTER_FOUND]: 'cluster',
  [EventType.ACTION_RECOMMENDED]: 'action',
  [EventType.ACTION_DECIDED]: 'action',
  [EventType.ACTION_EXECUTED]: 'action',
};

/** The changed object, as the node's reader loaded it for this event (realtime/event-objects.service.ts). */
async function objectOf(event: StreamEvent): Promise<unknown> {
  const object = await event.object;
  // Only when the row was deleted since (a pruned investigation): the event itself still resumes by cursor.
  if (!object) throw new AppError(ErrorCode.NOT_FOUND, `The object of event ${event.cursor} no longer exists`);
  return object;
}

/** The typed view of an outbox row, built once per row per node and shared by its subscribers. */
export function viewOf(event: StreamEvent): LiveEvent {
  if (event.view) return event.view as LiveEvent;
  const build = VIEWS[event.type];
  if (!build) throw new Error(`outbox event ${event.cursor} has unknown type '${event.type}'`);
  const view = Object.assign(build(event.payload), { cursor: event.cursor, at: event.at, investigationId: event.investigationId });
  // A getter, so the object is awaited only by a subscriber that selects it.
  Object.defineProperty(view, OBJECT_FIELD[event.type], { get: () => objectOf(event), enumerable: false });
  event.view = view;
  return view;
}
