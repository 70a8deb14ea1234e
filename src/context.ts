import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from './db/database.js';
import { TENANT_FILTER } from './db/orm.config.js';
import { createLoaders, type Loaders } from './common/loaders.js';
import type { Viewer } from './auth/viewer.js';
import type { JobQueue } from './jobs/queue.js';
import type { ExecutorRegistry } from './actions/executor.js';
import type { EventStream } from './realtime/event-stream.service.js';
import type { Logger } from './logger.js';
import { Deadline } from './common/operation-limits.js';

/** The long-lived handles services need beyond the request's EntityManager. */
export interface Services {
  readonly orm: Orm;
  readonly queue: JobQueue;
  /** What approved actions do (run and undo alike): the built-in executors unless bootstrap was given others. */
  readonly executors: ExecutorRegistry;
  /** The node's outbox reader; present where the server serves subscriptions. */
  readonly events?: EventStream;
}

/** What every resolver receives. */
export interface Context {
  readonly viewer: Viewer;
  /** A fork for this request or subscription operation, scoped to the viewer's tenant. */
  readonly em: EntityManager;
  readonly loaders: Loaders;
  readonly services: Services;
  /** The request's (or socket operation's) logger: its lines carry the request id, tenant and operation. */
  readonly log: Logger;
  /** The operation's execution deadline: HTTP and WebSocket queries and mutations run under it. */
  readonly deadline: Deadline;
}

/** A fork whose every read of tenant-owned rows is limited to `tenantId`. */
export function tenantEntityManager(orm: Orm, tenantId: string): EntityManager {
  const em = orm.em.fork({ clear: true, useContext: false });
  em.setFilterParams(TENANT_FILTER, { tenantId });
  return em;
}

/** Build the request context in one place; HTTP and WebSocket call the same function. */
export function createContext(services: Services, viewer: Viewer, log: Logger): Context {
  const em = tenantEntityManager(services.orm, viewer.tenantId);
  return { viewer, em, loaders: createLoaders(em), services, log, deadline: new Deadline() };
}
