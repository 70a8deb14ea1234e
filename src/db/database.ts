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
    if (opts.migrate) {
      const applied = await orm.migrator.up();
      if (applied.length) opts.logger?.info({ migrations: applied.map((m) => m.name) }, 'database: migrations applied');
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
