/**
 * Scores one tenant's investigations against the ground truth, reading what they did straight from the
 * database: members judged MALICIOUS (each member has its own verdict), the members an email action
 * would move (recommended for deletion: `actedOnMemberSql`, the executor's own rule), messages an action really moved (`result.restore`), the block list, users judged compromised.
 * Targets are the issue's: per campaign recall ≥ 0.98 and precision ≥ 0.99; 0 legitimate messages
 * remediated and 0 legitimate senders blocked; every compromised user found and none falsely flagged.
 */
import type { Raised, Sql } from './raise.js';
import type { Scenario } from './scenario.js';
import { actedOnMemberSql } from '../../../src/investigations/email-cluster.entity.js';

export const TARGET = { recall: 0.98, precision: 0.99 } as const;
/** DESIGN.md: a remediation over 10,000 messages is never run without a human, counted campaign-wide (issue 11). */
const CAMPAIGN_LIMIT = 10_000;
const EMAIL_ACTIONS = ['SOFT_DELETE_EMAILS', 'HARD_DELETE_EMAILS', 'MOVE_TO_JUNK'];
const USER_ACTIONS = ['RESET_PASSWORD', 'REVOKE_SESSIONS'];

export interface Measure {
  /** Messages the investigations selected (flagged or recommended). */
  selected: number;
  correct: number;
  /** null when nothing was selected: precision is undefined, and the campaign fails. */
  precision: number | null;
  recall: number;
}

export interface CampaignScore {
  name: string;
  shape: string;
  messages: number;
  inMailbox: number;
  states: string[];
  cluster: Measure;
  deletion: Measure;
  /** The campaign's messages that actions really moved (only under automation: nobody approves here). */
  remediated: number;
  pass: boolean;
}

export interface BenignScore {
  alert: string;
  kind: string;
  messageId?: string;
  state: string;
  merged: boolean;
  actions: number;
  pass: boolean;
  /** What the investigation flagged (entities judged SUSPICIOUS or MALICIOUS, with their signals), when it failed. */
  flagged: string[];
}

export interface TenantScore {
  tenant: string;
  level: string;
  campaigns: CampaignScore[];
  macro: { clusterRecall: number; clusterPrecision: number; deletionRecall: number; deletionPrecision: number };
  legitimateRecommended: number;
  legitimateRemediated: number;
  /** Legitimate messages moved, by where they came from (the announcement, the real notifications, other). */
  legitimateRemediatedBy: Record<string, number>;
  legitimateSendersBlocked: string[];
  otherBlocks: string[];
  compromised: {
    expected: string[];
    found: string[];
    missed: string[];
    falselyFlagged: string[];
    falselyFlaggedClickedPhish: string[];
    falselyFlaggedLegitimateClickers: string[];
  };
  /** Campaigns over the 10,000-message limit of which automation moved anything (it must wait for a human). */
  overLimitAutomated: string[];
  benign: BenignScore[];
  pass: boolean;
}

export async function scoreTenant(
  sql: Sql,
  tenant: { id: string; name: string; level: string },
  { truth, classicInMailbox }: Pick<Scenario, 'truth' | 'classicInMailbox'>,
  raised: readonly Raised[],
): Promise<TenantScore> {
  const shapes = truth.shapes;
  const campaigns = [
    ...(shapes?.campaigns ?? []).map((c) => ({
      name: c.name,
      shape: c.shape,
      ids: c.messageIds,
      inMailbox: c.inMailboxIds,
      senders: c.senders,
    })),
    ...truth.campaigns.map((c) => ({
      name: c.name,
      shape: `CLASSIC_${c.kind}`,
      ids: c.messageIds,
      inMailbox: classicInMailbox.get(c.name) ?? [],
      senders: c.senders,
    })),
  ];
  const malicious = new Set(campaigns.flatMap((c) => c.ids));
  const legitimateSenders = new Set(shapes?.legitimateSenders ?? []);
  const maliciousSenders = new Set(campaigns.flatMap((c) => c.senders).filter((s) => !legitimateSenders.has(s)));
  const groupOf = new Map<string, string>();
  for (const g of shapes?.legitimate ?? []) for (const id of g.messageIds) groupOf.set(id, g.name);

  const members = async (investigations: string[], where: string): Promise<Set<string>> => {
    if (investigations.length === 0) return new Set();
    const rows = await sql(where, [tenant.id, investigations]);
    return new Set(rows.map((r) => String(r.external_id)));
  };
  const inClusters = (ids: string[]) =>
    members(
      ids,
      `select distinct m.external_id from email_clusters c
         join email_cluster_members cm on cm.cluster_id = c.id and cm.tenant_id = c.tenant_id
         join email_messages m on m.id = cm.message_id and m.tenant_id = cm.tenant_id
        where c.tenant_id = ? and c.investigation_id = any(?::uuid[]) and cm.verdict = 'MALICIOUS'`,
    );
  const recommended = (ids: string[]) =>
    members(
      ids,
      `select distinct m.external_id from actions a
         join email_clusters c on c.id = a.cluster_id and c.tenant_id = a.tenant_id
         join email_cluster_members cm on cm.cluster_id = a.cluster_id and cm.tenant_id = a.tenant_id
         join email_messages m on m.id = cm.message_id and m.tenant_id = cm.tenant_id
        where a.tenant_id = ? and a.investigation_id = any(?::uuid[]) and a.type::text = any('{${EMAIL_ACTIONS.join(',')}}'::text[])
          and ${actedOnMemberSql('cm', 'c')}`,
    );

  const moved = await sql(
    `select m.external_id from actions a
       cross join lateral jsonb_array_elements(coalesce(a.result -> 'restore', '[]'::jsonb)) r
       join email_messages m on m.id = (r ->> 0)::uuid and m.tenant_id = a.tenant_id
      where a.tenant_id = ? and a.status in ('COMPLETED', 'UNDONE')`,
    [tenant.id],
  );
  const movedIds = new Set(moved.map((r) => String(r.external_id)));
  const scores: CampaignScore[] = [];
  for (const c of campaigns) {
    const runs = raised.filter((r) => r.alert.campaign === c.name);
    const investigations = [...new Set(runs.flatMap((r) => (r.investigationId ? [r.investigationId] : [])))];
    const ids = new Set(c.ids);
    const reachable = new Set(c.inMailbox);
    const cluster = measure(await inClusters(investigations), ids, ids);
    const deletion = measure(await recommended(investigations), ids, reachable);
    const meets = (m: Measure) => m.recall >= TARGET.recall && m.precision !== null && m.precision >= TARGET.precision;
    scores.push({
      name: c.name,
      shape: c.shape,
      messages: ids.size,
      inMailbox: reachable.size,
      states: runs.map((r) => r.state),
      cluster,
      deletion,
      remediated: c.ids.filter((id) => movedIds.has(id)).length,
      pass: meets(cluster) && meets(deletion),
    });
  }

  const all = raised.flatMap((r) => (r.investigationId ? [r.investigationId] : []));
  const everRecommended = await recommended([...new Set(all)]);
  const legitimateRemediatedBy: Record<string, number> = {};
  let legitimateRemediated = 0;
  for (const row of moved) {
    const id = String(row.external_id);
    if (malicious.has(id)) continue;
    legitimateRemediated++;
    const group = groupOf.get(id) ?? 'other legitimate mail';
    legitimateRemediatedBy[group] = (legitimateRemediatedBy[group] ?? 0) + 1;
  }
  const blocks = await sql(`select kind::text as kind, value from block_list_entries where tenant_id = ? and lifted_at is null`, [
    tenant.id,
  ]);
  const legitimateSendersBlocked = blocks
    .filter((b) => b.kind === 'SENDER' && !maliciousSenders.has(String(b.value)))
    .map((b) => String(b.value));
  const otherBlocks = blocks.filter((b) => b.kind !== 'SENDER').map((b) => `${String(b.kind)} ${String(b.value)}`);

  const flaggedRows = await sql(
    `select lower(value) as user from investigation_entities where tenant_id = ? and kind = 'USER' and verdict = 'MALICIOUS'
     union
     select lower(t ->> 'value') from actions a cross join lateral jsonb_array_elements(a.targets) t
      where a.tenant_id = ? and a.type::text = any('{${USER_ACTIONS.join(',')}}'::text[])`,
    [tenant.id, tenant.id],
  );
  const flagged = new Set(flaggedRows.map((r) => String(r.user)));
  const expected = [...new Set([...(shapes?.compromisedUsers ?? []), ...truth.compromisedUsers])].sort();
  const compromised = {
    expected,
    found: expected.filter((u) => flagged.has(u)),
    missed: expected.filter((u) => !flagged.has(u)),
    falselyFlagged: [...flagged].filter((u) => !expected.includes(u)).sort(),
    falselyFlaggedClickedPhish: [] as string[],
    falselyFlaggedLegitimateClickers: [] as string[],
  };
  const clickedPhish = new Set([...(shapes?.campaigns ?? []), ...truth.campaigns].flatMap((c) => c.clickedUsers));
  compromised.falselyFlaggedClickedPhish = compromised.falselyFlagged.filter((u) => clickedPhish.has(u));
  const legitimateClickers = new Set(shapes?.legitimateClickers ?? []);
  compromised.falselyFlaggedLegitimateClickers = compromised.falselyFlagged.filter((u) => legitimateClickers.has(u));
  const overLimitAutomated = scores.filter((c) => c.messages > CAMPAIGN_LIMIT && c.remediated > 0).map((c) => c.name);

  const benign: BenignScore[] = [];
  for (const r of raised.filter((x) => x.alert.campaign === null)) {
    const [row] = r.investigationId
      ? await sql(`select count(*)::int as n from actions where tenant_id = ? and investigation_id = ?`, [tenant.id, r.investigationId])
      : [];
    const actions = Number(row?.n ?? 0);
    const pass = r.state === 'NO_THREATS_FOUND' && actions === 0 && !r.merged;
    const flagged =
      pass || !r.investigationId
        ? []
        : (
            await sql(
              `select kind::text || ' ' || value || ' ' || verdict::text || ': ' ||
                      coalesce((select string_agg(e->>'signal', ', ') from jsonb_array_elements(evidence) e), '') as line
                 from investigation_entities
                where tenant_id = ? and investigation_id = ? and verdict in ('SUSPICIOUS', 'MALICIOUS')`,
              [tenant.id, r.investigationId],
            )
          ).map((x) => String(x.line));
    benign.push({
      alert: r.alert.id,
      kind: r.alert.kind,
      ...(r.alert.messageId ? { messageId: r.alert.messageId } : {}),
      state: r.state,
      merged: r.merged,
      actions,
      pass,
      flagged,
    });
  }

  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const macro = {
    clusterRecall: mean(scores.map((s) => s.cluster.recall)),
    clusterPrecision: mean(scores.map((s) => s.cluster.precision ?? 0)),
    deletionRecall: mean(scores.map((s) => s.deletion.recall)),
    deletionPrecision: mean(scores.map((s) => s.deletion.precision ?? 0)),
  };
  const legitimateRecommended = [...everRecommended].filter((id) => !malicious.has(id)).length;
  return {
    tenant: tenant.name,
    level: tenant.level,
    campaigns: scores,
    macro,
    legitimateRecommended,
    legitimateRemediated,
    legitimateRemediatedBy,
    legitimateSendersBlocked,
    otherBlocks,
    compromised,
    overLimitAutomated,
    benign,
    pass:
      overLimitAutomated.length === 0 &&
      scores.every((s) => s.pass) &&
      legitimateRemediated === 0 &&
      legitimateSendersBlocked.length === 0 &&
      compromised.missed.length === 0 &&
      compromised.falselyFlagged.length === 0 &&
      benign.every((b) => b.pass),
  };
}

/** Recall against `relevant` (what could still be reached), precision against everything the campaign sent. */
export function measure(selected: ReadonlySet<string>, campaign: ReadonlySet<string>, relevant: ReadonlySet<string>): Measure {
  let correct = 0;
  for (const id of selected) if (campaign.has(id)) correct++;
  let found = 0;
  for (const id of relevant) if (selected.has(id)) found++;
  return {
    selected: selected.size,
    correct,
    precision: selected.size === 0 ? null : correct / selected.size,
    recall: relevant.size === 0 ? 1 : found / relevant.size,
  };
}
