import type { EntityManager } from '@mikro-orm/postgresql';
import { Tenant } from './tenant.entity.js';

/**
 * Tenant name → id. A tenant named by a valid token for the first time starts empty.
 * Tenants are never renamed or deleted while the process runs, so the mapping is cached for its life.
 */
export class TenantDirectory {
  private readonly ids = new Map<string, Promise<string>>();

  constructor(private readonly em: EntityManager) {}

  idOf(name: string): Promise<string> {
    let id = this.ids.get(name);
    if (!id) {
      id = this.ensure(name);
      this.ids.set(name, id);
      id.catch(() => this.ids.delete(name));
    }
    return id;
  }

  private async ensure(name: string): Promise<string> {
    const em = this.em.fork();
    // Insert-or-read in one statement, so two API nodes seeing a new tenant at once agree on its id.
    const fresh = new Tenant();
    const rows = await em
      .getConnection()
      .execute<{ id: string }[]>(
        `insert into tenants (id, name) values (?, ?) on conflict (name) do update set name = excluded.name returning id`,
        [fresh.id, name],
      );
    // An upsert with RETURNING answers its one row, inserted or not.
    return rows[0]!.id;
  }
}
