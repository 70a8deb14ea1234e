/**
 * What every shape shares: the plan they write into (planned messages on a clock, the truth, ids of
 * alerts), recipients and fates for a campaign's copies, and one function that writes a malicious copy
 * with its click and zap. Messages are planned up front and written in time order by `shapeSource`,
 * so ids follow stream order like the rest of the generator's.
 */
import type {
  AlertKindName,
  AlertRecord,
  AlertSeverityName,
  DeliveryLocationName,
  DetectionVerdictName,
  IngestRecord,
  MessageRecord,
} from '../../../telemetry/ingest-record.types.js';
import { freshValue } from '../campaign.plan.js';
import { DAY, HOUR, isWeekend, iso, MINUTE } from '../clock.js';
import { itemAt } from '../list.js';
import type { Organisation } from '../organisation.state.js';
import type { Random } from '../random.js';
import type { Task } from '../timeline.js';
import type { ResolvedShapeOptions, ShapeKind } from './shape.options.js';
import type { ScenarioAlert, ShapeCampaignTruth, ShapesTruth } from './shape-truth.types.js';

/** One message to write at `at`; `emit` assigns its id, so ids follow the stream. */
export interface ShapeMail {
  at: number;
  emit(out: IngestRecord[]): void;
}

export class ShapePlan {
  readonly truth: ShapesTruth = {
    campaigns: [],
    legitimate: [],
    compromises: [],
    compromisedUsers: [],
    legitimateSenders: [],
    legitimateClickers: [],
    alerts: [],
  };
  readonly mail: ShapeMail[] = [];
  /** Domains and IPs already taken, so no two shapes (nor a shape and a partner) share infrastructure by accident. */
  readonly usedDomains = new Set<string>();
  readonly usedIps = new Set<string>();

  constructor(
    readonly org: Organisation,
    readonly options: ResolvedShapeOptions,
  ) {}

  has(kind: ShapeKind): boolean {
    return this.options.kinds.includes(kind);
  }

  add(at: number, emit: (out: IngestRecord[]) => void): void {
    this.mail.push({ at, emit });
  }

  /** A value not used before: `make` is drawn again (then suffixed) until it is new. */
  fresh(make: () => string, used: Set<string>): string {
    return freshValue(make, used);
  }

  /** Schedules an alert record and lists it in the scenario; call it when the message it names is written. */
  alert(
    at: number,
    raise: ScenarioAlert['raise'],
    kind: AlertKindName,
    severity: AlertSeverityName,
    campaign: string | null,
    refs: Pick<AlertRecord, 'messageId' | 'url' | 'user' | 'sha256'>,
  ): void {
    const id = this.org.nextId('alert');
    this.truth.alerts.push({ id, raise, kind, severity, at: iso(at), campaign, ...refs });
    this.org.timeline.at(at, () => ({ type: 'alert', id, kind, at: iso(at), severity, ...refs }));
  }

  /** A weekday at `hour`:00 UTC on or after `day` days into the window. */
  workday(day: number, hour: number): number {
    let at = this.org.start + day * DAY;
    while (isWeekend(at)) at += DAY;
    return at + hour * HOUR;
  }
}

/** The shapes' messages on the timeline, in time order. */
export function shapeSource(plan: ShapePlan): Task | null {
  const mail = plan.mail.sort((a, b) => a.at - b.at);
  if (mail.length === 0) return null;
  let next = 0;
  const task: Task = {
    at: itemAt(mail, 0).at,
    seq: 0,
    run: (out) => {
      itemAt(mail, next).emit(out);
      next++;
      if (next >= mail.length) return false;
      task.at = itemAt(mail, next).at;
      return true;
    },
  };
  return task;
}

export const zeroLocations = (): Record<DeliveryLocationName, number> => ({ INBOX: 0, JUNK: 0, QUARANTINE: 0, DELETED: 0 });

export function campaignTruth(shape: ShapeKind, name: string, kind: 'PHISH' | 'MALWARE'): ShapeCampaignTruth {
  return {
    shape,
    name,
    kind,
    messageIds: [],
    inMailboxIds: [],
    senders: [],
    senderIps: [],
    returnPathDomains: [],
    domains: [],
    urls: [],
    sha256s: [],
    indicators: [],
    zappedMessageIds: [],
    locations: zeroLocations(),
    clickedUsers: [],
    compromisedUsers: [],
  };
}

/** What happened to one copy: where it is now, what the filter said, when it was zapped, whether it was clicked. */
export interface Copy {
  user: number;
  at: number;
  /** Index for the copy's variants (sender, IP, subject…), drawn by the shape. */
  n: number;
  location: DeliveryLocationName;
  verdict: DetectionVerdictName;
  /** 0 unless ZAP pulled it back. */
  zapAt: number;
  click?: { at: number; action: 'ALLOWED' | 'BLOCKED' };
}

/** Shares of copies: caught on arrival, zapped later, deleted or junked by the user, clicked. */
export interface Fates {
  caught: number;
  zapped: number;
  deleted: number;
  junked: number;
  clicked: number;
}

/**
 * `size` copies from `start`, `gapSeconds` apart (a range), to distinct users in each round through the
 * directory (a wave larger than the organisation reaches people more than once, as big waves do).
 */
export function planCopies(
  org: Organisation,
  rng: Random,
  size: number,
  start: number,
  gapSeconds: readonly [number, number],
  fates: Fates,
  kind: 'PHISH' | 'MALWARE',
  exclude: ReadonlySet<number> = new Set(),
): Copy[] {
  const people = org.people.length;
  const perm = Array.from({ length: people }, (_, i) => i).filter((i) => !exclude.has(i));
  const copies: Copy[] = [];
  let at = start;
  let k = perm.length;
  for (let n = 0; n < size; n++) {
    if (k >= perm.length) k = 0;
    // Partial Fisher–Yates over the round: distinct recipients within a round.
    const j = k + rng.int(perm.length - k);
    const user = itemAt(perm, j);
    perm[j] = itemAt(perm, k);
    perm[k] = user;
    k++;
    at += rng.between(gapSeconds[0] * 1000, gapSeconds[1] * 1000);
    copies.push(planFate(rng, user, at, n, fates, kind));
  }
  return copies;
}

function planFate(rng: Random, user: number, at: number, n: number, f: Fates, kind: 'PHISH' | 'MALWARE'): Copy {
  const copy: Copy = { user, at, n, location: 'INBOX', verdict: 'CLEAN', zapAt: 0 };
  const r = rng.next();
  if (r < f.caught) {
    copy.verdict = kind === 'MALWARE' ? 'MALWARE' : rng.chance(0.7) ? 'PHISH' : 'SPAM';
    copy.location = copy.verdict === 'SPAM' ? 'JUNK' : 'QUARANTINE';
    return copy;
  }
  if (r < f.caught + f.zapped) {
    copy.zapAt = at + rng.between(1 * HOUR, 12 * HOUR);
    copy.location = rng.chance(0.8) ? 'QUARANTINE' : 'DELETED';
  } else if (r < f.caught + f.zapped + f.deleted) copy.location = 'DELETED';
  else if (r < f.caught + f.zapped + f.deleted + f.junked) copy.location = 'JUNK';
  if (rng.chance(f.clicked)) {
    let clickAt = at + rng.delay(30, 1, 240);
    if (copy.zapAt > 0 && clickAt >= copy.zapAt) clickAt = at + Math.floor((copy.zapAt - at) * 0.5);
    copy.click = { at: clickAt, action: rng.chance(0.85) ? 'ALLOWED' : 'BLOCKED' };
  }
  return copy;
}

/** The fields of a malicious message that depend on the shape, not on the copy's fate. */
export type MessageFields = Omit<MessageRecord, 'type' | 'id' | 'recipient' | 'receivedAt' | 'location' | 'verdict'>;

/**
 * Writes one malicious copy: the message, its click (logged with the URL the user reached, unwrapped, as
 * click logs record it) and its zap; the truth learns all three. Returns the message id.
 */
export function emitMalicious(
  plan: ShapePlan,
  c: ShapeCampaignTruth,
  copy: Copy,
  fields: MessageFields,
  clickUrl: string | undefined,
  out: IngestRecord[],
): string {
  const org = plan.org;
  const p = org.person(copy.user);
  const id = org.nextId('msg');
  const record: MessageRecord = {
    type: 'message',
    id,
    recipient: p.address,
    ...fields,
    receivedAt: iso(copy.at),
    location: copy.location,
    verdict: copy.verdict,
  };
  c.messageIds.push(id);
  if (copy.location === 'INBOX' || copy.location === 'JUNK') c.inMailboxIds.push(id);
  c.locations[copy.location]++;
  org.messageCounts.shapes++;
  out.push(record);
  const click = copy.click;
  if (click && clickUrl) {
    if (!c.clickedUsers.includes(p.address)) c.clickedUsers.push(p.address);
    org.timeline.at(click.at, () => ({
      type: 'url_click',
      id: org.nextId('clk'),
      url: clickUrl,
      user: p.address,
      at: iso(click.at),
      action: click.action,
      messageId: id,
    }));
  }
  if (copy.zapAt > 0) {
    c.zappedMessageIds.push(id);
    const zapAt = copy.zapAt;
    org.timeline.at(zapAt, () => ({ type: 'zap', id: org.nextId('zap'), messageId: id, at: iso(zapAt), reason: c.kind }));
  }
  return id;
}

/** `n`th variant of a list: every variant is used once before any repeats, so a small campaign shows all of them. */
export const variant = <T>(items: readonly T[], n: number, rng: Random): T => itemAt(items, n < items.length ? n : rng.int(items.length));

export const minutes = (m: number) => m * MINUTE;
