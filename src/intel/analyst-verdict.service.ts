/**
 * `submitAnalystVerdict` and the tenant's list of analyst verdicts. A verdict is tenant intelligence:
 * later investigations read it through `IntelPort` (playbooks/ports.orm.ts), MALICIOUS as evidence of a
 * threat and CLEAN as evidence against one.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { requireAdmin } from '../auth/viewer.js';
import { actorOf, AuditKind, checkComment, recordAudit } from '../audit/audit.service.js';
import { pageOfAll, type Order } from '../common/loaders.js';
import type { Connection } from '../common/pagination.js';
import { sql } from '../db/sql.js';
import { AnalystVerdictKind, ANALYST_VERDICTS, analystValueOf } from '../domain/analyst-verdict.js';
import type { Verdict } from '../domain/telemetry.js';
import { EmailMessage } from '../telemetry/email-message.entity.js';
import { AnalystVerdict } from './analyst-verdict.entity.js';
import type { AnalystVerdictInput, AnalystVerdictsArgs } from './analyst-verdict.types.js';

interface PreviousRow {
  id: string;
  verdict: Verdict;
  comment: string | null;
  decided_by: string;
  decided_at: Date;
}

/**
 * Give (or replace) a verdict. Concurrency: a transaction-scoped advisory lock on (tenant, kind, value)
 * serialises verdicts on one value, so each audit entry's `before` is the verdict it really replaced;
 * the upsert's `on conflict` on the unique (tenant, kind, value) is the backstop that keeps one row.
 * The row keeps its id across replacements, so its audit entries share one subject.
 */
export async function submitAnalystVerdict(ctx: Context, input: AnalystVerdictInput): Promise<AnalystVerdict> {
  requireAdmin(ctx.viewer, 'Giving an analyst verdict');
  if (!ANALYST_VERDICTS.includes(input.verdict))
    throw badInput(`verdict must be one of ${ANALYST_VERDICTS.join(', ')}, but got ${input.verdict}`, 'verdict');
  const comment = checkComment(input.comment);
  const normalised = analystValueOf(input.kind, input.value);
  if ('error' in normalised) throw badInput(`value: ${normalised.error}`, 'value');
  const { value } = normalised;
  // The request's EntityManager is tenant-scoped: another tenant's message id is exactly a missing one.
  if (input.kind === AnalystVerdictKind.MESSAGE && (await ctx.em.count(EmailMessage, { externalId: value })) === 0)
    throw badInput(`value: no message '${value.slice(0, 200)}' has been ingested`, 'value');

  const tenantId = ctx.viewer.tenantId;
  const actor = actorOf(ctx.viewer);
  const id = await ctx.em.fork().transactional(async (tx) => {
    await sql(tx, `select pg_advisory_xact_lock(hashtext(?))`, [`air:analyst-verdict:${tenantId}:${input.kind}:${value}`]);
    const [before] = await sql<PreviousRow>(
      tx,
      `select id, verdict, comment, decided_by, decided_at from analyst_verdicts where tenant_id = ? and kind = ?::analyst_verdict_kind and value = ?`,
      [tenantId, input.kind, value],
    );
    const [row] = await sql<{ id: string }>(
      tx,
      `insert into analyst_verdicts (id, tenant_id, kind, value, verdict, comment, decided_by, decided_at, created_at)
       values (?, ?, ?::analyst_verdict_kind, ?, ?::verdict, ?, ?, now(), now())
       on conflict (tenant_id, kind, value) do update
         set verdict = excluded.verdict, comment = excluded.comment, decided_by = excluded.decided_by, decided_at = excluded.decided_at
       returning id`,
      [before?.id ?? uuidv7(), tenantId, input.kind, value, input.verdict, comment ?? null, ctx.viewer.sub],
    );
    await recordAudit(tx, actor, [
      {
        tenantId,
        kind: AuditKind.ANALYST_VERDICT_GIVEN,
        subjectId: row!.id,
        comment,
        details: {
          kind: input.kind,
          value,
          verdict: input.verdict,
          before: before
            ? { verdict: before.verdict, comment: before.comment, decidedBy: before.decided_by, decidedAt: before.decided_at }
            : null,
        },
      },
    ]);
    return row!.id;
  });
  return ctx.em.fork().findOneOrFail(AnalystVerdict, { id });
}

const NEWEST_VERDICT_FIRST: Order = { key: 'decidedAt', direction: 'desc', isDate: true };

/** The tenant's analyst verdicts, most recently given first. */
export async function listAnalystVerdicts(ctx: Context, args: AnalystVerdictsArgs): Promise<Connection<AnalystVerdict>> {
  const f = args.filter;
  const where: Record<string, unknown> = {};
  if (f?.kinds?.length) where.kind = { $in: f.kinds };
  if (f?.verdicts?.length) where.verdict = { $in: f.verdicts };
  if (f?.value !== undefined && f.value !== null) {
    const [only, ...others] = f.kinds ?? [];
    if (only && others.length === 0) {
      const normalised = analystValueOf(only, f.value);
      if ('error' in normalised) throw badInput(`filter.value: ${normalised.error}`, 'filter.value');
      where.value = normalised.value;
    } else where.value = f.value.trim();
  }
  return pageOfAll(ctx.em, AnalystVerdict, where, NEWEST_VERDICT_FIRST, args);
}
