import DataLoader from 'dataloader';
import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import type { Orm } from '../db/database.js';
import { tenantEntityManager } from '../context.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { LogStep } from '../investigations/log-step.entity.js';
import { InvestigatedEntity } from '../investigations/investigated-entity.entity.js';
import { EmailCluster } from '../investigations/email-cluster.entity.js';
import { Action } from '../actions/action.entity.js';
import { isUuid } from '../domain/input.js';
import { EventType } from './outbox.js';
import type { EventObjectSource, StreamEvent } from './stream.types.js';

type Row = { id: string };

/** Which object each event type is about, and where its id sits in the row. */
const OBJECT_OF: Record<EventType, { entity: EntityClass<Row>; id: (e: StreamEvent) => unknown }> = {
  [EventType.INVESTIGATION_CREATED]: { entity: Investigation, id: (e) => e.investigationId },
  [EventType.INVESTIGATION_STATE_CHANGED]: { entity: Investigation, id: (e) => e.investigationId },
  [EventType.STEP_STARTED]: { entity: LogStep, id: (e) => e.payload.stepId },
  [EventType.STEP_PROGRESS]: { entity: LogStep, id: (e) => e.payload.stepId },
  [EventType.STEP_COMPLETED]: { entity: LogStep, id: (e) => e.payload.stepId },
  [EventType.STEP_FAILED]: { entity: LogStep, id: (e) => e.payload.stepId },
  [EventType.ENTITY_FOUND]: { entity: InvestigatedEntity, id: (e) => e.payload.id },
  [EventType.CLUSTER_FOUND]: { entity: EmailCluster, id: (e) => e.payload.id },
  [EventType.ACTION_RECOMMENDED]: { entity: Action, id: (e) => e.payload.id },
  [EventType.ACTION_DECIDED]: { entity: Action, id: (e) => e.payload.id },
  [EventType.ACTION_EXECUTED]: { entity: Action, id: (e) => e.payload.id },
};

interface Key {
  tenantId: string;
  id: string;
}

/**
 * Loads the object each event is about (the investigation, log step, entity, cluster or action), so a
 * client's normalised cache (Apollo Client, urql graphcache) patches the row on screen by itself.
 *
 * One loader per node, not per subscriber: the reader primes every event of a batch before handing it
 * to subscriptions, so a batch of events costs one statement per object type and tenant, however many
 * subscribers watch it, and every subscriber of the node sees the same snapshot. Each batch reads
 * through a fork scoped to the event's tenant (the `tenant` filter), so an object can only ever come
 * from the tenant whose outbox row named it. Nothing is cached between batches: an object loaded for a
 * later event is read again, never served stale.
 */
export class EventObjects implements EventObjectSource {
  private readonly loaders = new Map<EntityClass<Row>, DataLoader<Key, Row | undefined, string>>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly orm: Orm) {}

  /** Start loading the objects of these events, all in one batch; each event keeps its own promise. */
  prime(events: readonly StreamEvent[]): void {
    for (const event of events) {
      if (event.object) continue;
      const of = OBJECT_OF[event.type];
      const id = of?.id(event);
      const object =
        // An id that is not a UUID (a hand-written row) would fail the whole batch's statement: it names nothing.
        typeof id === 'string' && isUuid(id)
          ? this.loaderOf(of!.entity).load({ tenantId: event.tenantId, id })
          : Promise.resolve(undefined);
      // A subscriber that does not select the object never awaits it: a failed load must not be unhandled.
      const done = object.catch(() => undefined).finally(() => this.inFlight.delete(done));
      this.inFlight.add(done);
      event.object = object;
    }
  }

  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private loaderOf(entity: EntityClass<Row>) {
    let loader = this.loaders.get(entity);
    if (!loader) {
      loader = new DataLoader<Key, Row | undefined, string>((keys) => this.load(entity, keys), { cache: false });
      this.loaders.set(entity, loader);
    }
    return loader;
  }

  private async load(entity: EntityClass<Row>, keys: readonly Key[]): Promise<(Row | undefined)[]> {
    const byTenant = new Map<string, Set<string>>();
    for (const k of keys) {
      let ids = byTenant.get(k.tenantId);
      if (!ids) byTenant.set(k.tenantId, (ids = new Set()));
      ids.add(k.id);
    }
    const found = new Map<string, Row>();
    await Promise.all(
      [...byTenant].map(async ([tenantId, ids]) => {
        const em = tenantEntityManager(this.orm, tenantId);
        const rows = await em.find(entity, { id: { $in: [...ids] } } as FilterQuery<Row>);
        for (const row of rows) found.set(`${tenantId}:${row.id}`, row);
      }),
    );
    return keys.map((k) => found.get(`${k.tenantId}:${k.id}`));
  }
}
