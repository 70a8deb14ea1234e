import { createUnionType, Field, ID, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { InvestigationState, Playbook, StepStatus, EntityKind } from '../domain/investigation.js';
import { Verdict } from '../domain/telemetry.js';
import { ActionSource, ActionStatus, ActionType } from '../domain/action.js';
import { EventType } from './outbox.js';
import { type StreamEvent } from './stream.types.js';

/**
 * What every live event carries. Events are deltas: the changed object's id and the fields that
 * changed, so a client updates the row on screen in place.
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
  @Field(() => Playbook)
  playbook!: Playbook;
  @Field(() => InvestigationState)
  state!: InvestigationState;
  @Field(() => String, { nullable: true })
  title?: string | null;
}

@ObjectType('InvestigationStateChangedEvent', { implements: LiveEvent })
export class InvestigationStateChangedEvent extends LiveEvent {
  @Field(() => InvestigationState)
  state!: InvestigationState;
  @Field(() => String, { nullable: true, description: 'Why it ended FAILED, TERMINATED_…' })
  stateReason?: string | null;
}

@ObjectType('StepStartedEvent', { implements: LiveEvent })
export class StepStartedEvent extends LiveEvent {
  @Field(() => ID, { description: 'The LogStep.' })
  stepId!: string;
  @Field(() => String)
  key!: string;
  @Field(() => Date)
  startedAt!: Date;
}

@ObjectType('StepProgressEvent', { implements: LiveEvent })
export class StepProgressEvent extends LiveEvent {
  @Field(() => ID)
  stepId!: string;
  @Field(() => Int, { description: 'Percent done, 0–99 (100 comes with StepCompletedEvent).' })
  progress!: number;
  @Field(() => String, { nullable: true })
  message?: string | null;
}

@ObjectType('StepCompletedEvent', { implements: LiveEvent, description: 'A step finished: COMPLETED, or SKIPPED when it did not apply.' })
export class StepCompletedEvent extends LiveEvent {
  @Field(() => ID)
  stepId!: string;
  @Field(() => String)
  key!: string;
  // Not `status`: clients select every union member in one document, and ActionStatus's `status`
  // would conflict with it.
  @Field(() => StepStatus)
  stepStatus!: StepStatus;
  @Field(() => Date)
  endedAt!: Date;
  @Field(() => Int, { nullable: true, description: 'Milliseconds from this run of the step starting to its end.' })
  durationMs?: number | null;
}

@ObjectType('StepFailedEvent', { implements: LiveEvent })
export class StepFailedEvent extends LiveEvent {
  @Field(() => ID)
  stepId!: string;
  // Nullable like ActionExecutedEvent.error, so both can be selected in one document.
  @Field(() => String, { nullable: true })
  error?: string | null;
  @Field(() => Date)
  endedAt!: Date;
  @Field(() => Int, { nullable: true })
  durationMs?: number | null;
}

@ObjectType('EntityFoundEvent', { implements: LiveEvent })
export class EntityFoundEvent extends LiveEvent {
  @Field(() => ID, { description: 'The InvestigationEntity (also a graph node).' })
  entityId!: string;
  @Field(() => EntityKind)
  kind!: EntityKind;
  @Field(() => String)
  value!: string;
  @Field(() => Verdict, { nullable: true })
  verdict?: Verdict | null;
}

@ObjectType('ClusterFoundEvent', { implements: LiveEvent })
export class ClusterFoundEvent extends LiveEvent {
  @Field(() => ID, { description: 'The EmailCluster.' })
  clusterId!: string;
  @Field(() => String)
  name!: string;
  @Field(() => Verdict, { nullable: true })
  verdict?: Verdict | null;
  @Field(() => Int)
  messageCount!: number;
}

@ObjectType('ActionRecommendedEvent', { implements: LiveEvent })
export class ActionRecommendedEvent extends LiveEvent {
  @Field(() => ID, { description: 'The Action, now PENDING_APPROVAL (or about to run on its own).' })
  actionId!: string;
  @Field(() => ActionType)
  type!: ActionType;
  @Field(() => String, { nullable: true })
  rationale?: string | null;
}

@ObjectType('ActionDecidedEvent', { implements: LiveEvent, description: 'An action approved, rejected or expired.' })
export class ActionDecidedEvent extends LiveEvent {
  @Field(() => ID)
  actionId!: string;
  @Field(() => ActionStatus)
  status!: ActionStatus;
  @Field(() => String, { nullable: true })
  decidedBy?: string | null;
  @Field(() => Date, { nullable: true })
  decidedAt?: Date | null;
  @Field(() => String, { nullable: true })
  comment?: string | null;
  @Field(() => ActionSource, { nullable: true })
  source?: ActionSource | null;
}

@ObjectType('ActionExecutedEvent', { implements: LiveEvent, description: "An action's run moved: RUNNING, COMPLETED, FAILED or UNDONE." })
export class ActionExecutedEvent extends LiveEvent {
  @Field(() => ID)
  actionId!: string;
  @Field(() => ActionStatus)
  status!: ActionStatus;
  @Field(() => GraphQLJSONObject, { nullable: true })
  result?: Record<string, unknown> | null;
  @Field(() => String, { nullable: true })
  error?: string | null;
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

/** The typed view of an outbox row, built once per row per node and shared by its subscribers. */
export function viewOf(event: StreamEvent): LiveEvent {
  if (event.view) return event.view as LiveEvent;
  const build = VIEWS[event.type];
  if (!build) throw new Error(`outbox event ${event.cursor} has unknown type '${event.type}'`);
  const view = Object.assign(build(event.payload), { cursor: event.cursor, at: event.at, investigationId: event.investigationId });
  event.view = view;
  return view;
}
