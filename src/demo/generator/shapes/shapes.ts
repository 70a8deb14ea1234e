/**
 * The shapes of an organisation, planned after the classic campaigns: each kind asked for plans its
 * messages (taken from the ordinary-mail budget, so the message count stays exact), its alerts and its
 * ground truth. `shapeIndicators` streams what threat intelligence knows of them with the directory.
 */
import type { IndicatorRecord } from '../../../telemetry/ingest-record.types.js';
import type { Organisation } from '../organisation.state.js';
import { planHijack } from './hijack.shape.js';
import { planImpersonation } from './impersonation.shape.js';
import { planLinkCampaigns } from './link-campaigns.shape.js';
import { planPolymorphic } from './polymorphic.shape.js';
import { ShapePlan } from './shape.plan.js';
import type { ResolvedShapeOptions } from './shape.options.js';
import type { ShapesTruth } from './shape-truth.types.js';
import { PARTNERS } from '../mail.data.js';
import { PUBLISHERS } from '../newsletters.data.js';

export function planShapes(org: Organisation, options: ResolvedShapeOptions): ShapePlan {
  const plan = new ShapePlan(org, options);
  for (const d of [org.options.domain, ...PARTNERS.map((p) => p.domain), ...PUBLISHERS.map((p) => p.domain)]) plan.usedDomains.add(d);
  for (const c of org.campaigns) for (const d of c.truth.domains) plan.usedDomains.add(d);
  planLinkCampaigns(plan);
  if (plan.has('POLYMORPHIC_ATTACHMENTS')) planPolymorphic(plan);
  if (plan.has('TEMPLATE_IMPERSONATION')) planImpersonation(plan);
  if (plan.has('REPLY_CHAIN_HIJACK')) planHijack(plan);
  const planned = plan.mail.length;
  if (planned > org.ordinaryBudget)
    throw new RangeError(
      `messages must leave room for the shapes' ${planned} messages beside campaigns and newsletters, but only ${org.ordinaryBudget} are left: raise messages or lower shapes.waveSize / shapes.campaignSize / shapes.notifications`,
    );
  org.ordinaryBudget -= planned;
  return plan;
}

/** Threat intelligence on the shapes, streamed with the directory: only what each shape says intelligence knows. */
export function* shapeIndicators(plan: ShapePlan): Generator<IndicatorRecord, void, undefined> {
  for (const c of plan.truth.campaigns)
    for (const i of c.indicators)
      yield {
        type: 'indicator',
        id: plan.org.nextId('ind'),
        kind: i.kind,
        value: i.value,
        verdict: 'MALICIOUS',
        campaign: c.name,
        source: 'threat-intel-feed',
      };
}

/** The shapes' truth once every record is streamed: lists sorted, legitimate clickers those who clicked nothing malicious. */
export function shapesTruth(plan: ShapePlan): ShapesTruth {
  const t = plan.truth;
  const malicious = new Set(t.campaigns.flatMap((c) => c.clickedUsers));
  const legitimate = new Set(t.legitimate.flatMap((g) => g.clickedUsers));
  return {
    ...t,
    campaigns: t.campaigns.map((c) => ({ ...c, clickedUsers: c.clickedUsers.slice().sort() })),
    legitimate: t.legitimate.map((g) => ({ ...g, clickedUsers: g.clickedUsers.slice().sort() })),
    compromisedUsers: [...new Set(t.compromises.map((c) => c.user))].sort(),
    legitimateSenders: [...new Set(t.legitimateSenders)].sort(),
    legitimateClickers: [...legitimate].filter((u) => !malicious.has(u) && !t.compromises.some((c) => c.user === u)).sort(),
    alerts: t.alerts.slice().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
}
