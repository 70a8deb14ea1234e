import { raw } from '@mikro-orm/postgresql';
import type { Context } from '../context.js';
import { scopedRows } from '../common/aggregate.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { InvestigatedEntity } from '../investigations/investigated-entity.entity.js';
import { InvestigationState, Playbook } from '../domain/investigation.js';
import { Action } from '../actions/action.entity.js';
import { ActionStatus } from '../domain/action.js';
import { Verdict } from '../domain/telemetry.js';
import type { Dashboard } from './dashboard.types.js';

/** @default 30 days */
export const DEFAULT_DASHBOARD_WINDOW_MS = 30 * 24 * 3600 * 1000;

/** Three aggregate statements, whatever the tenant's size: each is an index range scan. */
export async function dashboardOf(ctx: Context, since: Date = new Date(Date.now() - DEFAULT_DASHBOARD_WINDOW_MS)): Promise<Dashboard> {
  const { em } = ctx;
  const [byStateAndPlaybook, pending, threats] = await Promise.all([
    scopedRows<{ state: InvestigationState; playbook: Playbook; n: string; mttr: string | null }>(
      em
        .createQueryBuilder(Investigation, 'i')
        .select([
          'state',
          'playbook',
          raw('count(*) as n'),
          raw(`sum(extract(epoch from (ended_at - created_at))) filter (where state = 'REMEDIATED') as mttr`),
        ] as never)
        .where({ createdAt: { $gte: since } })
        .groupBy(['state', 'playbook']) as never,
    ),
    em.count(Action, { status: ActionStatus.PENDING_APPROVAL }),
    em.count(InvestigatedEntity, { verdict: Verdict.MALICIOUS, createdAt: { $gte: since } }),
  ]);
  const byState = new Map<string, number>();
  const byPlaybook = new Map<string, number>();
  let remediatedSeconds = 0;
  for (const row of byStateAndPlaybook) {
    const n = Number(row.n);
    byState.set(row.state, (byState.get(row.state) ?? 0) + n);
    byPlaybook.set(row.playbook, (byPlaybook.get(row.playbook) ?? 0) + n);
    remediatedSeconds += Number(row.mttr ?? 0);
  }
  const remediated = byState.get(InvestigationState.REMEDIATED) ?? 0;
  return {
    since,
    investigations: [...byState.values()].reduce((a, b) => a + b, 0),
    investigationsByState: Object.values(InvestigationState).map((state) => ({ state, count: byState.get(state) ?? 0 })),
    investigationsByPlaybook: Object.values(Playbook).map((playbook) => ({ playbook, count: byPlaybook.get(playbook) ?? 0 })),
    pendingActions: pending,
    threatsFound: threats,
    meanTimeToRemediateSeconds: remediated ? remediatedSeconds / remediated : undefined,
  };
}
