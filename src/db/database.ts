import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig, type OrmOptions } from './orm.config.js';

export type Orm = MikroORM;

/** Connect the ORM; optionally bring the schema up to date first. */
export async function connectDatabase(
  url: string,
  opts: OrmOptions & { migrate?: boolean; logger?: Pick<Console, 'info'> } = {},
): Promise<Orm> {
  const orm = await MikroORM.init(ormConfig(url, opts));
  try {
    if (opts.migrate) {
      const applied = await orm.migrator.up();
      if (applied.length) opts.logger?.info(`database: applied ${applied.map((m) => m.name).join(', ')}`);
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
