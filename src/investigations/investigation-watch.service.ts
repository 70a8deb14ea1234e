/**
 * The check a live subscription makes before it watches one investigation: that the id names an
 * investigation of the viewer's tenant, answered like a query would (NOT_FOUND for a malformed id,
 * a missing one and another tenant's alike).
 *
 * Why not the request's loader (getInvestigation): that made an EntityManager fork, its DataLoaders
 * and a hydrated entity for every subscription and kept them for the socket's life, and sent one
 * statement per socket: 10,000 dashboards opening on one investigation cost 10,000 look-ups and
 * most of the node's memory. Here every check arriving in one turn of the event loop shares one
 * statement, and a "yes" is remembered, because investigations are never deleted (nothing in
 * src/ deletes one; the tenant is part of the key, so one tenant's answer never serves another).
 */
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { Orm } from '../db/database.js';
import { sql } from '../db/sql.js';
import { notFound } from '../errors.js';
import { isUuid } from '../domain/input.js';

/** Investigations remembered as existing, per node: 10,000 keys of about 80 bytes. */
const KNOWN_MAX = 10_000;

class InvestigationWatchCheck {
  private readonly known = new LRUCache<string, true>({ max: KNOWN_MAX });
  private readonly loader: DataLoader<string, boolean>;

  constructor(orm: Orm) {
    // A fork of its own for raw SQL only (nothing is ever loaded into it): the global manager is not for queries.
    const em = orm.em.fork();
    this.loader = new DataLoader<string, boolean>(
      async (keys) => {
        const pairs = keys.map((k) => k.split(':') as [string, string]);
        const rows = await sql<{ key: string }>(
          em,
          `select i.tenant_id::text || ':' || i.id::text as key from investigations i
             join unnest(?::uuid[], ?::uuid[]) as w(tenant_id, id) on i.tenant_id = w.tenant_id and i.id = w.id`,
          [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        );
        const found = new Set(rows.map((r) => r.key));
        return keys.map((k) => found.has(k));
      },
      // Every subscribe message read in one poll phase joins one statement. No cache of its own: a
      // "no" is asked again next time.
      { cache: false, batchScheduleFn: (run) => setImmediate(run) },
    );
  }

  async exists(tenantId: string, investigationId: string): Promise<boolean> {
    const key = `${tenantId}:${investigationId}`;
    if (this.known.has(key)) return true;
    const exists = await this.loader.load(key);
    if (exists) this.known.set(key, true);
    return exists;
  }
}

const checks = new WeakMap<Orm, InvestigationWatchCheck>();

/**
 * The id of the investigation `investigationId` names in the tenant, lower-cased, or NOT_FOUND.
 * One checker per ORM (per node), made on first use, so the batching spans every socket.
 */
export async function watchableInvestigation(orm: Orm, tenantId: string, investigationId: string): Promise<string> {
  const id = investigationId.toLowerCase();
  let check = checks.get(orm);
  if (!check) checks.set(orm, (check = new InvestigationWatchCheck(orm)));
  if (!isUuid(id) || !(await check.exists(tenantId, id))) throw notFound('Investigation', investigationId);
  return id;
}
