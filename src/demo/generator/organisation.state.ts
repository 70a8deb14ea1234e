/**
 * The organisation being generated: its plan, fixed before the stream starts (people, campaigns,
 * newsletter issues, partner servers), and the stream's bookkeeping (record ids, counts, alert truth).
 * organisation.plan.ts fills the plan; every source on the timeline reads it and writes through it.
 */
import type {
  AlertKindName,
  AlertRecord,
  AlertSeverityName,
  AuthResultsRecord,
  DeliveryLocationName,
  DetectionVerdictName,
  IngestRecordType,
} from '../../telemetry/ingest-record.types.js';
import { DAY, iso } from './clock.js';
import type { AlertTruth, CampaignTruth, CompromiseTruth } from './ground-truth.types.js';
import type { Lure } from './lures.data.js';
import { SPAN_DAYS, type OrganisationOptions } from './organisation.options.js';
import { itemAt } from './list.js';
import type { HomeCountry } from './places.data.js';
import type { Random } from './random.js';
import { capitalise, pad, type Template } from './text.js';
import { Timeline } from './timeline.js';

export interface Person {
  address: string;
  local: string;
  first: string;
  last: string;
  displayName: string;
  department: number;
  country: HomeCountry;
  /** `id` of the person's laptop, where downloaded files land. */
  laptop: string;
  laptopIsMac: boolean;
}

export type Fate = 'CAUGHT' | 'INBOX' | 'ZAPPED' | 'USER_DELETED' | 'USER_JUNKED';

export interface PlannedCompromise {
  signInAt: number;
  ruleAt: number;
  ip: string;
  country: string;
  forwardTo?: string;
  deleteMessages: boolean;
  ruleName: string;
  /** The attacker comes back later from the same IP. */
  returnsAt?: number;
  truth: CompromiseTruth;
}

/** One campaign message, planned before the stream starts (campaigns are a small share of mail). */
export interface Slot {
  user: number;
  wave: number;
  at: number;
  sender: number;
  ip: number;
  subject: number;
  greeting: number;
  attachment: number;
  attachmentName: number;
  fate: Fate;
  verdict: DetectionVerdictName;
  location: DeliveryLocationName;
  zapAt: number;
  click?: { at: number; action: 'ALLOWED' | 'BLOCKED'; early: boolean; withMessageId: boolean };
  compromise?: PlannedCompromise;
  deviceFileAt: number;
  reportAt: number;
  zapAlert: boolean;
  urlAlertAt: number;
  riskyAlert: boolean;
}

export interface Campaign {
  index: number;
  lure: Lure;
  rng: Random;
  senders: string[];
  senderDomains: string[];
  senderAuth: AuthResultsRecord[];
  senderIps: string[];
  landingUrls: string[];
  mailer: string;
  attachments: { sha256: string; size: number }[];
  attachmentNames: Template[];
  subjects: Template[];
  greetings: Template[];
  paragraphs: Template[];
  signOff: Template;
  /** Reminder waves prefix the subject and add an opening line. */
  reminders: boolean;
  /** Links carry the recipient's address too, base64url-encoded (`&e=…`), as many kits do. */
  encodesRecipient: boolean;
  hasIndicators: boolean;
  slots: Slot[];
  next: number;
  truth: CampaignTruth;
  clicked: Set<string>;
  names: Set<string>;
}

export interface Issue {
  publisher: number;
  number: number;
  at: number;
  headlines: string[];
  /** The first issue of all: one reader reports it (the benign-report case). */
  reported: boolean;
}

/** A sender of benign bulk mail (a publisher's newsletters, a vendor's invoices): its mail so far, for the truth. */
export interface BulkTally {
  count: number;
  /** The first ten message ids. */
  samples: string[];
}

export type IdKind = 'msg' | 'clk' | 'sgn' | 'rule' | 'file' | 'ind' | 'zap' | 'alert';

export class Organisation {
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  /** `Contoso` for contoso.example: the name lures and partners use. */
  readonly orgName: string;
  /** The domain's first label: what look-alike domains imitate. */
  readonly orgLabel: string;
  readonly people: Person[] = [];
  /** Laptops and phones; set by the plan. */
  deviceCount = 0;
  readonly campaigns: Campaign[] = [];
  readonly issues: Issue[] = [];
  /** Per publisher (PUBLISHERS order): the subscribing users, and the issues' mail so far. */
  readonly newsletters: (BulkTally & { subscribers: Int32Array })[] = [];
  /** Per vendor (VENDORS order), its invoices so far. */
  readonly invoices: BulkTally[] = [];
  /** Per partner, its two mail servers. */
  readonly partnerIps: (readonly [string, string])[] = [];
  /** Software installed on many laptops. */
  readonly commonFiles: { sha256: string; windows: string; mac: string }[] = [];
  /** Messages left for ordinary mail once campaigns and newsletters are planned; set by the plan. */
  ordinaryBudget = 0;
  readonly timeline = new Timeline();
  readonly alertTruth: AlertTruth[] = [];
  readonly messageCounts = { campaign: 0, newsletter: 0, invoice: 0, internal: 0, external: 0, spam: 0, shapes: 0 };
  /** Records streamed so far, by type. */
  readonly byType: Record<IngestRecordType, number> = {
    mailbox: 0,
    message: 0,
    raw_message: 0,
    url_click: 0,
    sign_in: 0,
    inbox_rule: 0,
    device: 0,
    device_file: 0,
    indicator: 0,
    zap: 0,
    alert: 0,
  };
  private readonly ids: Record<IdKind, number> = { msg: 0, clk: 0, sgn: 0, rule: 0, file: 0, ind: 0, zap: 0, alert: 0 };

  constructor(readonly options: Readonly<Required<OrganisationOptions>>) {
    this.seed = options.seed;
    this.start = options.start.getTime();
    this.end = this.start + SPAN_DAYS * DAY;
    this.orgLabel = options.domain.split('.', 1)[0] ?? '';
    this.orgName = this.orgLabel.split('-').map(capitalise).join(' ');
  }

  /** The person at `index`: slots, threads and subscriber lists refer to people by their index. */
  person(index: number): Person {
    return itemAt(this.people, index);
  }

  /**
   * `msg-s7-0000001` for seed 7: the kind, the seed, a number. The seed is in every id so that a second
   * organisation ingested into the same tenant (another seed) is new records, not duplicates of the first
   * (ingestion is idempotent by id).
   */
  id(kind: string, n: number, width: number): string {
    return `${kind}-s${this.seed}-${pad(n, width)}`;
  }

  /** `msg-s7-0000001`, `alert-s7-000001`, …: each kind numbered from 1 as its records are built (an alert's when it is scheduled). */
  nextId(kind: IdKind): string {
    return this.id(kind, ++this.ids[kind], kind === 'alert' ? 6 : 7);
  }

  /** Schedules an alert and records in the truth what it is about; returns its id. */
  alert(
    at: number,
    kind: AlertKindName,
    severity: AlertSeverityName,
    campaign: string | null,
    refs: Pick<AlertRecord, 'messageId' | 'url' | 'user' | 'sha256'>,
    benign?: AlertTruth['benign'],
  ): string {
    const id = this.nextId('alert');
    const truth: AlertTruth = { id, kind, campaign };
    if (benign) truth.benign = benign;
    if (refs.messageId) truth.messageId = refs.messageId;
    if (refs.user) truth.user = refs.user;
    if (refs.url) truth.url = refs.url;
    this.alertTruth.push(truth);
    this.timeline.at(at, () => ({ type: 'alert', id, kind, at: iso(at), severity, ...refs }));
    return id;
  }
}
