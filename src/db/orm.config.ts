import { DefaultLogger, defineConfig, type LoggerOptions, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES, TENANT_SCOPED } from './entities.js';
import { POOL_DEFAULTS, poolOptions, type PoolSettings } from './pool.js';

export const TENANT_FILTER = 'tenant';

export interface OrmOptions {
  debug?: boolean;
  /** Pool size, acquisition deadline and session timeouts (src/db/pool.ts). @default POOL_DEFAULTS */
  pool?: Partial<PoolSettings>;
  /** Called with every SQL statement the ORM sends (the SQL-count test and benchmarks use it). */
  onQuery?: (sql: string) => void;
}

class ObservedLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly onQuery: (sql: string) => void,
  ) {
    super(options);
  }
  override logQuery(context: Parameters<DefaultLogger['logQuery']>[0]): void {
    if (context.query) this.onQuery(context.query);
    super.logQuery(context);
  }
}

/** One ORM configuration for the server, the workers, the CLI and the tests. */
export function ormConfig(clientUrl: string, opts: OrmOptions = {}): Options {
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    debug: opts.debug ?? false,
    ...(opts.onQuery ? { loggerFactory: (o: LoggerOptions) => new ObservedLogger(o, opts.onQuery!) } : {}),
    pool: { min: 0, max: opts.pool?.max ?? POOL_DEFAULTS.max },
    // Merged into the pg.Pool MikroORM builds: broken connections destroyed, acquisition deadline, session timeouts.
    driverOptions: poolOptions({ ...POOL_DEFAULTS, ...opts.pool }),
    // Tenant scoping by construction: every read of a tenant-owned entity gets `tenant_id = ?`.
    // The filter is on by default and has no default argument, so a query on a fork that was never
    // given a tenant throws instead of reading across tenants.
    filters: {
      [TENANT_FILTER]: {
        cond: (args: Record<string, unknown>) => ({ tenantId: args.tenantId }),
        entity: TENANT_SCOPED.map((e) => e.name),
        default: true,
        args: true,
      },
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList: MIGRATIONS,
      path: 'migrations',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      snapshot: false,
      // connectDatabase reports what it applied; the migrator's own lines would go to stdout per step.
      silent: true,
    },
    // Errors in development say which entity/column; the formatter masks them for clients anyway.
    forceUtcTimezone: true,
    // Every tenant-owned table carries tenant_id itself; joining a relation only to re-check its
    // tenant would add a join to every query for nothing.
    autoJoinRefsForFilters: false,
  });
}
