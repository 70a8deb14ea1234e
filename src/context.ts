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

/**
 * The request context, built in one place for HTTP and WebSocket alike. Its parts are made on first
 * use: a live subscription keeps its context for the socket's life but, once subscribed, never
 * touches the database, and an EntityManager fork with its DataLoaders, a logger child and an
 * AbortController held by each of 10,000 open subscriptions was most of the node's memory
 * (docs/benchmarks.md, Subscriptions: 687 MB against 169 MB for a bare `ws` server).
 */
class RequestContext implements Context {
  // Plain properties, not #private ones: Apollo Server copies the context object per operation
  // (Object.assign onto the same prototype), which carries own properties only.
  private lazyEm: EntityManager | undefined;
  private lazyLoaders: Loaders | undefined;
  private lazyLog: Logger | undefined;
  private lazyDeadline: Deadline | undefined;

  constructor(
    readonly services: Services,
    readonly viewer: Viewer,
    private readonly makeLog: Logger | (() => Logger),
  ) {}

  get em(): EntityManager {
    return (this.lazyEm ??= tenantEntityManager(this.services.orm, this.viewer.tenantId));
  }

  get loaders(): Loaders {
    return (this.lazyLoaders ??= createLoaders(this.em));
  }

  get log(): Logger {
    return (this.lazyLog ??= typeof this.makeLog === 'function' ? this.makeLog() : this.makeLog);
  }

  get deadline(): Deadline {
    return (this.lazyDeadline ??= new Deadline());
  }
}

/**
 * Build the request context in one place; HTTP and WebSocket call the same function. `log` may be
 * a function that makes the logger, called only when something logs.
 */
export function createContext(services: Services, viewer: Viewer, log: Logger | (() => Logger)): Context {
  return new RequestContext(services, viewer, log);
}
