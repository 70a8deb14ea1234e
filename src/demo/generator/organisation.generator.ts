/**
 * A synthetic organisation with ground truth, streamed as ingestion records.
 *
 * `new OrgGenerator(options)` plans the organisation (people, devices, campaigns, newsletter issues);
 * `records()` then streams every record exactly once, and `truth()` — callable only after the stream
 * is exhausted — returns what a quality test needs to score the playbooks: which messages belong to
 * which campaign, who clicked, who was compromised, which alert reports which campaign. Or use
 * `generateOrganisation(options)`, a generator whose return value is the same truth.
 *
 * Streaming: ordinary mail, newsletters and sign-ins are produced on the fly from a time-ordered
 * timeline (a small min-heap of sources and pending follow-ups), so memory does not grow with the
 * number of messages. What stays in memory is the directory (one entry per mailbox), the campaign
 * plans (campaigns are ~1 % of mail) and the ids the truth must list (campaign messages only;
 * benign bulk mail is described by sender, count and a few sample ids).
 *
 * Deterministic: every choice comes from seeded sfc32 streams (one per subsystem, so a change to how
 * ordinary mail is written does not move the campaigns) or from a hash of (seed, entity); no
 * Math.random, no clock. Same options → byte-identical records.
 *
 * Realism that the playbooks must cope with, on purpose:
 * - campaigns vary within themselves: subject and greeting variants, per-recipient tracking tokens,
 *   several senders, IPs, landing hosts and attachment names, reminder waves;
 * - ordinary bulk mail looks like a campaign in shape (newsletters with near-identical bodies and
 *   tracking links, vendor invoices with attachments) but belongs to none;
 * - most campaign mail got through as CLEAN; some was caught, some zapped later, some deleted;
 * - clean users do things that look odd in isolation: travel sign-ins (LOW risk), password-spray
 *   failures (MEDIUM), benign inbox rules (internal forwarding, a few deleting promotions);
 * - record order is time order, except that some clicks arrive before the message they came from.
 *
 * Layout: organisation.plan.ts (with campaign.plan.ts) decides everything up front into an
 * Organisation (organisation.state.ts); directory.records.ts streams the timeless records; the
 * *.source.ts modules put campaign mail, newsletters, sign-ins and ordinary mail on the timeline;
 * ground-truth.ts assembles the answers; word lists, lures and names are *.data.ts.
 */
import type { IngestRecord } from '../../telemetry/ingest-record.types.js';
import { campaignSource } from './campaign.source.js';
import { DAY, HOUR, iso } from './clock.js';
import { directory } from './directory.records.js';
import { groundTruth } from './ground-truth.js';
import type { GroundTruth } from './ground-truth.types.js';
import { issueSource } from './newsletter.source.js';
import { resolveOrganisationOptions, SPAN_DAYS, type OrganisationOptions } from './organisation.options.js';
import { planOrganisation } from './organisation.plan.js';
import type { Organisation } from './organisation.state.js';
import { ordinarySource } from './ordinary-mail.source.js';
import { OFFICE_IPS } from './places.data.js';
import { Random } from './random.js';
import { passwordSpray, signInDay } from './sign-in.source.js';
import { shapeSource, type ShapePlan } from './shapes/shape.plan.js';
import { resolveShapeOptions } from './shapes/shape.options.js';
import { planShapes, shapeIndicators, shapesTruth } from './shapes/shapes.js';

export type { AlertTruth, BenignBulkTruth, CampaignKind, CampaignTruth, CompromiseTruth, GroundTruth } from './ground-truth.types.js';
export type { ShapeKind, ShapeOptions } from './shapes/shape.options.js';
export { SHAPE_KINDS } from './shapes/shape.options.js';
export type {
  LegitimateGroupTruth,
  LinkWrapper,
  ScenarioAlert,
  ShapeCampaignTruth,
  ShapeCompromiseTruth,
  ShapesTruth,
} from './shapes/shape-truth.types.js';
export {
  DEFAULT_DOMAIN,
  DEFAULT_START,
  MAX_CAMPAIGNS,
  resolveOrganisationOptions,
  SPAN_DAYS,
  type OrganisationOptions,
} from './organisation.options.js';

/** Streams the organisation's records; the generator's return value is the ground truth. */
export function* generateOrganisation(options: OrganisationOptions): Generator<IngestRecord, GroundTruth, undefined> {
  const generator = new OrgGenerator(options);
  yield* generator.records();
  return generator.truth();
}

export class OrgGenerator {
  readonly options: Readonly<Required<OrganisationOptions>>;
  private readonly org: Organisation;
  private readonly shapes: ShapePlan | null;
  private state: 'planned' | 'streaming' | 'done' = 'planned';

  constructor(options: OrganisationOptions) {
    this.options = Object.freeze(resolveOrganisationOptions(options));
    this.org = planOrganisation(this.options);
    this.shapes = this.options.shapes ? planShapes(this.org, resolveShapeOptions(this.options.shapes)) : null;
  }

  /**
   * Every record, once. Mailboxes, devices, installed files, standing inbox rules and indicators come
   * first; the rest in time order, except the few clicks emitted just before their message. Records
   * are new objects, but nested values (auth results, URL lists of one email's copies) may be shared
   * between records: serialise them, do not mutate them.
   */
  *records(): Generator<IngestRecord, void, undefined> {
    if (this.state !== 'planned') throw new Error('records() can be iterated only once per OrgGenerator');
    this.state = 'streaming';
    for (const record of directory(this.org)) {
      this.org.byType[record.type]++;
      yield record;
    }
    if (this.shapes) {
      for (const record of shapeIndicators(this.shapes)) {
        this.org.byType.indicator++;
        yield record;
      }
      const source = shapeSource(this.shapes);
      if (source) this.org.timeline.push(source);
    }
    scheduleSources(this.org);
    const out: IngestRecord[] = [];
    const timeline = this.org.timeline;
    while (timeline.size > 0) {
      const task = timeline.pop();
      if (task.run(out)) timeline.push(task);
      for (const record of out) {
        this.org.byType[record.type]++;
        yield record;
      }
      out.length = 0;
    }
    this.state = 'done';
  }

  /** The ground truth; only once `records()` has been consumed to the end. */
  truth(): GroundTruth {
    if (this.state !== 'done') throw new Error('truth() is known only after records() has been iterated to the end');
    const truth = groundTruth(this.org);
    if (this.shapes) truth.shapes = shapesTruth(this.shapes);
    return truth;
  }
}

/** Puts every source on the timeline: campaigns, newsletter issues, sign-in days, sprays, benign rules, ordinary mail. */
function scheduleSources(org: Organisation): void {
  for (const c of org.campaigns) if (c.slots.length > 0) org.timeline.push(campaignSource(org, c));
  for (const issue of org.issues) org.timeline.push(issueSource(org, issue));
  for (let d = 0; d < SPAN_DAYS; d++) org.timeline.push(signInDay(org, d));
  const rng = new Random(org.seed, 3);
  for (const day of [5, 14, 23]) org.timeline.push(passwordSpray(org, org.start + day * DAY + rng.between(1, 4) * HOUR, rng));
  // A few benign rules created during the window, from the office.
  for (const p of org.people) {
    if (!rng.chance(0.01)) continue;
    const at = org.start + rng.between(0, SPAN_DAYS * 24 - 1) * HOUR + rng.between(0, HOUR);
    const ip = rng.pick(OFFICE_IPS[p.country]);
    const folder = rng.pick(['Projects', 'Customers', 'Receipts', 'Team']);
    org.timeline.at(at, () => ({
      type: 'inbox_rule',
      id: org.nextId('rule'),
      mailbox: p.address,
      name: `Move to ${folder}`,
      moveToFolder: folder,
      createdAt: iso(at),
      createdFromIp: ip,
    }));
  }
  if (org.ordinaryBudget > 0) org.timeline.push(ordinarySource(org));
}
