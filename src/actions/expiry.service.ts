import type { Orm } from '../db/database.js';
import { sql } from '../db/sql.js';
import { tenantEntityManager } from '../context.js';
import { SYSTEM } from '../audit/audit.service.js';
import type { JobQueue } from '../jobs/queue.js';
import { lockLifecycle, settleInvestigations } from '../investigations/lifecycle.service.js';
import { ActionStatus } from '../domain/action.js';
import { decide } from './decide.js';

/**
 * Expire pending actions past their `expiresAt`, in every tenant (a system sweep, so it names the tenant
 * of each row itself rather than running under one tenant's filter).
 */
export async function expirePendingActions(orm: Orm, queue: JobQueue): Promise<number> {
  const rows = await sql<{ tenant_id: string; id: string }>(
    orm.em.fork(),
    `select tenant_id, id from actions where status = 'PENDING_APPROVAL' and expires_at < now() order by tenant_id limit 5000`,
  );
  const byTenant = new Map<string, string[]>();
  for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.id]);
  let expired = 0;
  for (const [tenantId, ids] of byTenant) {
    const em = tenantEntityManager(orm, tenantId);
    const moved = await em.transactional(async (tx) => {
      await lockLifecycle(tx, tenantId);
      const rows = await decide(tx, queue, tenantId, ids, ActionStatus.EXPIRED, SYSTEM, 'expired: no decision in time');
      await settleInvestigations(tx, queue, tenantId, [...new Set(rows.map((r) => r.investigation_id))]);
      return rows;
    });
    expired += moved.length;
  }
  return expired;
}
