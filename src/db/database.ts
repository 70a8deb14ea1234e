import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig, type OrmOptions } from './orm.config.js';
import type { Logger } from '../logger.js';

export type Orm = MikroORM;

/** Connect the ORM; optionally bring the schema up to date first. */
export async function connectDatabase(
  url: string,
  opts: OrmOptions & { migrate?: boolean; logger?: Pick<Logger, 'info'> } = {},
): Promise<Orm> {
  const orm = await MikroORM.init(ormConfig(url, opts));
  try {
    if (opts.migrate && (await orm.migrator.getPending()).length > 0) {
      // A migration may build an index over millions of rows: it runs on a connection of its own without
      // the serving sessions' statement and idle-in-transaction timeouts (src/db/pool.ts).
      const migrating = await MikroORM.init(ormConfig(url, { pool: { max: 1, statementTimeoutMs: 0, idleInTransactionTimeoutMs: 0 } }));
      try {
        const applied = await migrating.migrator.up();
        if (applied.length) opts.logger?.info({ migrations: applied.map((m) => m.name) }, 'database: migrations applied');
      } finally {
        await migrating.close();
      }
    }
  } catch (e) {
    await orm.close();
    throw e;
  }
  return orm;
}

/** True when every migration the code knows has been applied (for /readyz). */
export async function migrationsApplied(orm: Orm): Promise<boolean> {
  const pending = await orm.migrator.getPending();
  return pending.length === 0;
}
