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
 */
import { fmix32 } from '../../telemetry/fingerprint.js';
import type {
  AlertKindName,
  AlertRecord,
  AlertSeverityName,
  AttachmentRecord,
  AuthResultsRecord,
  DeliveryLocationName,
  DetectionVerdictName,
  IndicatorRecord,
  IngestRecord,
  IngestRecordType,
  MessageRecord,
} from '../../telemetry/ingest-record.types.js';

// =============================================================================================
// Public API
// =============================================================================================

export interface OrganisationOptions {
  /** Mailboxes (users), 10–200,000. */
  mailboxes: number;
  /** Exact number of `message` records, at least 100 and at least 80 per campaign. */
  messages: number;
  /** Phishing and malware campaigns, each built from its own lure; 0 up to `MAX_CAMPAIGNS`. */
  campaigns: number;
  /** 0–4294967295. Same options and seed → identical records. */
  seed: number;
  /** The organisation's mail domain. @default 'contoso.example' */
  domain?: string;
  /** First instant of the 30-day window the telemetry covers. @default 2026-10-01T00:00:00Z */
  start?: Date;
}

export const DEFAULT_DOMAIN = 'contoso.example';
export const DEFAULT_START = new Date('2026-10-01T00:00:00Z');
/** Days of telemetry after `start`. */
export const SPAN_DAYS = 30;

export type CampaignKind = 'PHISH' | 'MALWARE';

export interface CampaignTruth {
  name: string;
  kind: CampaignKind;
  /** Every message record of the campaign, in stream order (delivered, caught, zapped alike). */
  messageIds: string[];
  senders: string[];
  senderIps: string[];
  /** Sender and landing domains (look-alikes, plus the organisation's own domain when it is spoofed). */
  domains: string[];
  /** Landing URLs without their per-recipient query string; every campaign link starts with one of these followed by `?`. */
  urls: string[];
  sha256s: string[];
  attachmentNames: string[];
  /** Whether indicator records name this campaign; when false only similarity hunting can find it. */
  hasIndicators: boolean;
  /** The message the campaign's USER_REPORTED alert reports. */
  reportedMessageId: string;
  reportAlertId: string;
  zappedMessageIds: string[];
  /** Message counts by current location. */
  locations: Record<DeliveryLocationName, number>;
  clickedUsers: string[];
  compromisedUsers: string[];
  /** `device` ids where the campaign's attachment landed. */
  infectedDevices: string[];
}

export interface CompromiseTruth {
  user: string;
  campaign: string;
  /** The campaign message whose link was clicked. */
  messageId: string;
  clickId: string;
  clickedAt: string;
  /** The attacker's HIGH-risk successful sign-in from a country new for this user. */
  signInId: string;
  signInIp: string;
  country: string;
  /** The forwarding or deleting inbox rule the attacker created from that IP. */
  ruleId: string;
  ruleCreatedAt: string;
}

export interface AlertTruth {
  id: string;
  kind: AlertKindName;
  /** The campaign the alert is about, or null for an alert on benign mail (or none). */
  campaign: string | null;
  /** Set on user reports of benign bulk mail: the investigation must end with no threats. */
  benign?: 'NEWSLETTER' | 'INVOICE';
  messageId?: string;
  user?: string;
  url?: string;
}

/** Legitimate bulk mail: near-identical messages to many users that belong to no campaign. */
export interface BenignBulkTruth {
  kind: 'NEWSLETTER' | 'INVOICE';
  name: string;
  sender: string;
  messageCount: number;
  /** The first few message ids; the full list is not kept (it can be a fifth of all mail). */
  sampleMessageIds: string[];
}

export interface GroundTruth {
  options: { mailboxes: number; messages: number; campaigns: number; seed: number; domain: string; start: string; end: string };
  campaigns: CampaignTruth[];
  /** Users compromised through a campaign click, sorted. */
  compromisedUsers: string[];
  compromises: CompromiseTruth[];
  /** Users who clicked any campaign link (allowed or blocked), sorted; a superset of the compromised. */
  clickedUsers: string[];
  alerts: AlertTruth[];
  benignBulk: BenignBulkTruth[];
  counts: {
    records: number;
    byType: Record<IngestRecordType, number>;
    /** Message records by origin; they add up to `options.messages`. */
    messages: { campaign: number; newsletter: number; invoice: number; internal: number; external: number; spam: number };
  };
}

/** One lure per campaign, so that two campaigns never share a template. */
export const MAX_CAMPAIGNS = 24;
const MIN_CAMPAIGN_MESSAGES = 20;
/** Campaign mail target: about 1 % of all messages (more in small organisations, where each campaign still has 20). */
const CAMPAIGN_SHARE = 0.01;
const NEWSLETTER_SHARE = 0.2;

/**
 * Checks and completes options. Throws a RangeError whose message starts with the option's name
 * (the CLI turns `messages must …` into `--messages must …`).
 */
export function resolveOrganisationOptions(options: OrganisationOptions): Required<OrganisationOptions> {
  const { mailboxes, messages, campaigns, seed, domain = DEFAULT_DOMAIN, start = DEFAULT_START } = options;
  const whole = (name: string, value: unknown, min: number, max: number) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`${name} must be a whole number from ${min} to ${max}, but got ${JSON.stringify(value)}`);
  };
  whole('mailboxes', mailboxes, 10, 200_000);
  whole('messages', messages, 100, 100_000_000);
  whole('campaigns', campaigns, 0, MAX_CAMPAIGNS);
  whole('seed', seed, 0, 0xffffffff);
  if (messages < campaigns * 4 * MIN_CAMPAIGN_MESSAGES)
    throw new RangeError(
      `messages must be at least ${4 * MIN_CAMPAIGN_MESSAGES} per campaign (${campaigns * 4 * MIN_CAMPAIGN_MESSAGES} for ${campaigns}) ` +
        `so that campaigns of at least ${MIN_CAMPAIGN_MESSAGES} messages stay a small share of mail, but got ${messages}`,
    );
  if (typeof domain !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(domain))
    throw new RangeError(`domain must be a lower-case domain name such as contoso.example, but got ${JSON.stringify(domain)}`);
  if (!(start instanceof Date) || Number.isNaN(start.getTime()))
    throw new RangeError(`start must be a valid date, but got ${JSON.stringify(String(start))}`);
  return { mailboxes, messages, campaigns, seed, domain, start };
}

/** Streams the organisation's records; the generator's return value is the ground truth. */
export function* generateOrganisation(options: OrganisationOptions): Generator<IngestRecord, GroundTruth, undefined> {
  const generator = new OrgGenerator(options);
  yield* generator.records();
  return generator.truth();
}

// =============================================================================================
// Randomness and time
// =============================================================================================

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, passes PractRand, ~2 ns a draw. */
class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: number) {
    this.a = seed >>> 0;
    this.b = mix(stream + 0x632be5ab);
    this.c = mix(seed ^ 0x85ebca6b);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }
  /** 0 … n-1 */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** lo … hi, both included. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** Picks by weight; `weights` need not sum to 1. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) if ((r -= weights[i]) < 0) return items[i];
    return items[items.length - 1];
  }
  /** Minutes as milliseconds, exponentially distributed around `mean`, clamped to [min, max]. */
  delay(meanMinutes: number, minMinutes: number, maxMinutes: number): number {
    const m = Math.min(maxMinutes, Math.max(minMinutes, -Math.log(1 - this.next()) * meanMinutes));
    return Math.round(m * MINUTE);
  }
  /** Lower-case base-36 token, e.g. a tracking id. */
  token(length: number): string {
    let s = '';
    let x = 0;
    for (let i = 0; i < length; i++) {
      if (i % 6 === 0) x = this.u32(); // 36^6 < 2^32: six digits a draw
      s += BASE36[x % 36];
      x = Math.floor(x / 36);
    }
    return s;
  }
  /** 64 hex digits, shaped like a SHA-256 (the files have no content to hash). */
  sha256(): string {
    let s = '';
    for (let i = 0; i < 8; i++) s += this.u32().toString(16).padStart(8, '0');
    return s;
  }
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Murmur3's finaliser: a cheap, well-spread 32-bit hash step. */
const mix = fmix32;
/** A stable per-entity draw (e.g. "does user 17 subscribe to newsletter 3?") that needs no stored state. */
function hash(seed: number, a: number, b: number): number {
  return mix(mix(mix(seed ^ 0x9e3779b9) ^ a) + Math.imul(b, 0x27d4eb2d));
}
const unit = (h: number) => h / 4294967296;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let isoDayNumber = NaN;
let isoDayPrefix = '';
/**
 * `Date#toISOString` without the Date: it was a fifth of the generator's time at 1M messages.
 * Records come in time order, so the day's `YYYY-MM-DDT` prefix is nearly always the cached one.
 */
function iso(ms: number): string {
  ms = Math.floor(ms);
  const day = Math.floor(ms / DAY);
  if (day !== isoDayNumber) {
    isoDayNumber = day;
    isoDayPrefix = new Date(day * DAY).toISOString().slice(0, 11);
  }
  let rest = ms - day * DAY;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const m = Math.floor(rest / MINUTE);
  rest -= m * MINUTE;
  const sec = Math.floor(rest / SECOND);
  return `${isoDayPrefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[sec]}.${THREE_DIGITS[rest - sec * SECOND]}Z`;
}
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
function longDate(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}
const isoDay = (ms: number) => iso(ms).slice(0, 10);
function isWeekend(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
}
/** Relative mail volume in the hour starting at `ms` (times are read as the organisation's local time). */
function mailVolume(ms: number): number {
  if (isWeekend(ms)) return 0.6;
  const h = new Date(ms).getUTCHours();
  if (h >= 8 && h <= 17) return 10;
  if (h === 7 || h === 18) return 4;
  if (h >= 19 && h <= 22) return 1.5;
  return 0.4;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** Memoised: the inputs are a few hundred names and topics, and this ran for every message. */
const capitalised = new Map<string, string>();
function capitalise(s: string): string {
  let c = capitalised.get(s);
  if (c === undefined) capitalised.set(s, (c = s.charAt(0).toUpperCase() + s.slice(1)));
  return c;
}
const slugs = new Map<string, string>();
/** URL path segment from a title; memoised like `capitalise` (topics and headlines repeat). */
function slug(s: string): string {
  let out = slugs.get(s);
  if (out === undefined)
    slugs.set(
      s,
      (out = s
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')),
    );
  return out;
}
function money(rng: Random, lo: number, hi: number): string {
  const cents = rng.between(Math.round(lo * 100), Math.round(hi * 100));
  // Thousands separators by hand: toLocaleString was the slowest call in the ordinary-mail path.
  const dollars = Math.floor(cents / 100);
  const whole = dollars >= 1000 ? `${Math.floor(dollars / 1000)},${THREE_DIGITS[dollars % 1000]}` : String(dollars);
  return `$${whole}.${TWO_DIGITS[cents % 100]}`;
}

// =============================================================================================
// Templates: `{name}` placeholders, compiled once into literal/name pairs
// =============================================================================================

type Vars = Record<string, string>;
/** Alternating literal text and placeholder names: `['Dear ', 'first', ',']`. */
type Template = readonly string[];
const compile = (text: string): Template => text.split(/\{(\w+)\}/);
function render(template: Template, vars: Vars): string {
  let s = template[0];
  for (let i = 1; i < template.length; i += 2) {
    const value = vars[template[i]];
    if (value === undefined) throw new Error(`template placeholder {${template[i]}} has no value`);
    s += value + template[i + 1];
  }
  return s;
}

// =============================================================================================
// Vocabulary: people, places, networks
// =============================================================================================

const FIRST_NAMES =
  'aaron abigail adam adele alan alex alice amir ana andrew anna ben beatrice carlos carmen chen chloe chris claire daniel david diana diego elena emma eric fatima felix grace hana hannah henry ian isabel ivan jack james jasmine jin john jose julia karen kenji laura leo lin lucas lucy maria mark martin maya megan michael mei nadia nina noah olivia omar oscar paul priya rachel rahul robert rosa ryan sam sara sofia thomas tom victor wei william yara yusuf zoe'.split(
    ' ',
  );
const LAST_NAMES =
  'adams ahmed allen alvarez bailey baker banerjee bell bennett brooks brown campbell carter chen clark collins cook cooper cruz davies diaz edwards evans fischer flores foster garcia green hall harris hughes ito jackson james jensen johnson jones kaur kelly khan kim king lee lewis lopez martin mendes miller moore morgan murphy nguyen novak okafor olsen parker patel perez phillips price reed reyes richter roberts rossi russell santos schmidt scott silva singh smith sousa stewart sullivan tanaka taylor thomas turner walker wang ward weber white wilson wood wright young'.split(
    ' ',
  );
const DEPARTMENTS = [
  'Sales',
  'Engineering',
  'Marketing',
  'Finance',
  'Human Resources',
  'Operations',
  'Legal',
  'IT',
  'Customer Support',
  'Executive',
  'Procurement',
  'Research',
];
const DEPARTMENT_WEIGHTS = [18, 20, 8, 8, 5, 12, 3, 5, 12, 2, 4, 3];
const FINANCE = 3;

/** Where people work from; an office has two NAT addresses (TEST-NET-2, so they never clash with generated ones). */
const HOME_COUNTRIES = ['US', 'GB', 'DE', 'IN'];
const HOME_COUNTRY_WEIGHTS = [70, 15, 10, 5];
const OFFICE_IPS: Record<string, readonly string[]> = {
  US: ['198.51.100.10', '198.51.100.11'],
  GB: ['198.51.100.20', '198.51.100.21'],
  DE: ['198.51.100.30', '198.51.100.31'],
  IN: ['198.51.100.40', '198.51.100.41'],
};
/** Disjoint from home countries and from each other, so a compromise is always "a country new for this user". */
const TRAVEL_COUNTRIES = ['FR', 'ES', 'IT', 'JP', 'CA', 'MX', 'NL', 'SG', 'AU', 'ZA'];
const ATTACKER_COUNTRIES = ['NG', 'RU', 'VN', 'RO', 'UA', 'ID', 'BR'];
const SPRAY_COUNTRIES = ['CN', 'IR', 'KZ', 'PK'];
const LURE_COUNTRY_NAMES = ['Nigeria', 'Russia', 'Vietnam', 'Brazil', 'Romania', 'Indonesia'];

/**
 * First octets by role, pairwise disjoint: a campaign's sender IP can never equal a partner's mail
 * server or a user's home address, so "same sender IP" hunting has no accidental matches.
 */
const OCTETS = {
  residential: [24, 47, 50, 67, 68, 71, 73, 76, 81, 86, 90, 98, 99, 108, 174],
  hotel: [79, 82, 83, 84, 87, 88, 89, 92, 151],
  mailServer: [13, 20, 40, 52, 54, 104, 149, 159, 167, 168],
  campaign: [5, 31, 37, 45, 46, 62, 77, 80, 85, 91, 93, 94, 95, 103, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217],
  attacker: [2, 23, 41, 102, 105, 109, 113, 116, 118, 154, 156, 196, 197],
  spray: [1, 14, 27, 36, 39, 42, 58, 59, 60, 61],
  spam: [49, 110, 111, 112, 114, 115, 117, 119, 120, 121, 122, 123, 124, 125],
} as const;
function ipFromHash(firstOctets: readonly number[], h: number): string {
  return `${firstOctets[h % firstOctets.length]}.${(h >>> 8) & 255}.${(h >>> 16) & 255}.${1 + ((h >>> 24) % 254)}`;
}

const WORDS =
  'blue river north peak cedar maple stone bright swift harbor summit pixel delta nova lumen orbit atlas crest ember falcon garden bakery studio market dental motors print design farm yoga coffee willow'.split(
    ' ',
  );

// =============================================================================================
// Ordinary mail: colleagues, partners, vendors, newsletters, spam
// =============================================================================================

const TOPICS = [
  'Q4 budget',
  'vendor onboarding checklist',
  'customer escalation',
  'hiring plan',
  'release 4.2',
  'sales forecast',
  'team offsite',
  'onboarding guide',
  'security training',
  'office move',
  'pricing update',
  'board deck',
  'product roadmap',
  'quarterly review',
  'support backlog',
  'marketing calendar',
  'partner programme',
  'travel policy',
  'website refresh',
  'data migration',
  'customer survey results',
  'holiday rota',
  'warehouse inventory',
  'contract renewal',
  'service level report',
  'training budget',
  'incident review',
  'expense policy',
  'trade show booth',
  'recruiting pipeline',
  'brand guidelines',
  'compliance audit',
  'sprint planning',
  'launch checklist',
  'capacity planning',
  'cost savings plan',
  'customer onboarding',
  'quarter close',
  'performance reviews',
  'procurement process',
];
const INTERNAL_SUBJECTS = [
  '{T}',
  '{T} - next steps',
  'Quick question about the {t}',
  'Notes from the {t} meeting',
  'Updated {t}',
  'Review needed: {t}',
  '{T} follow-up',
  'FYI: {t}',
  'Draft {t} for comments',
  'Moving the {t} sync to {day}',
  'Input needed on the {t}',
  '{T}: status',
].map(compile);
const INTERNAL_SENTENCES = [
  'I have updated the {t} with the numbers from last week.',
  'Can we go through the {t} on {day}?',
  '{name} asked whether the {t} is ready to share with the wider team.',
  'Let me know if anything in the {t} looks off to you.',
  'I will be out on {day}, so please send comments before then.',
  'The latest version is in the team folder.',
  'We still need sign-off from {name} before we move ahead.',
  'Could you add your section by end of day {day}?',
  'I think we can close this out once the {t} is approved.',
  'There are two open questions that I have marked in the document.',
  'I moved our sync to {time} on {day} to avoid the clash.',
  'Thanks for pulling this together so quickly.',
  'The main change since the last draft is the timeline.',
  '{name} will present the {t} at the next all-hands.',
  'Happy to jump on a call if that is easier.',
  'I am not sure we have budget for all of it this quarter.',
  'Please check the figures in the second table.',
  'Let us keep the scope small for the first iteration.',
  'I have invited {name} to the next meeting as well.',
  'Could you confirm the dates with the customer?',
  'The {t} is on the agenda for {day} at {time}.',
  'We agreed to revisit this after the quarter close.',
  'Feedback on the {t} so far has been positive.',
  'I will circulate a summary after the meeting.',
  'Do you have the final numbers from {name}?',
  'Let me know if you need anything else from me.',
  'We may need to push the deadline by a week.',
  'I have left a few comments inline.',
  'This should not affect the rest of the {t}.',
  'Can you share the slides from {day}?',
  '{name} is covering for me while I am away.',
  'The room is booked for {time}.',
  'I will follow up with {name} separately.',
  'Let us aim to have a decision on the {t} by {day}.',
  'Good progress this week, thank you all.',
  'I will send the file once it is final.',
  'Please treat the {t} as a draft for now.',
  'Are you free for thirty minutes on {day}?',
].map(compile);
const REPLY_SENTENCES = [
  'Thanks, that works for me.',
  'Sounds good.',
  'I will take a look this afternoon.',
  'Agreed, let us go with the second option.',
  'Can you resend the link?',
  'Looks good to me.',
  'I have added my comments.',
  'Let us discuss on {day}.',
  'Thanks {name}, much appreciated.',
  'I can cover that part.',
  'Not sure, I will check with {name}.',
  'Done, see the updated version.',
  'Good catch, I have fixed it.',
  '{time} on {day} works.',
  'I will be there.',
  'Could we make it a bit later?',
  'Noted, thanks.',
  'Yes, please go ahead.',
  'I think we need more detail on the costs.',
  'Let me get back to you tomorrow.',
].map(compile);
const SIGN_OFFS = ['Thanks,', 'Best,', 'Cheers,', 'Regards,', 'Thank you,', 'Best regards,'];
const MEETING_TIMES = ['9:30', '10:00', '11:00', '13:30', '14:00', '15:30', '16:00'];

interface Partner {
  name: string;
  domain: string;
  /** Some small partners never set up DKIM or DMARC: "none" alone is not a sign of phishing. */
  auth: AuthResultsRecord;
}
const PARTNERS: readonly Partner[] = [
  ['Fabrikam', 'fabrikam.example'],
  ['Adatum', 'adatum.example'],
  ['Litware', 'litware.example'],
  ['Tailspin Toys', 'tailspintoys.example'],
  ['Wingtip Toys', 'wingtiptoys.example'],
  ['Woodgrove Bank', 'woodgrovebank.example'],
  ['Proseware', 'proseware.example'],
  ['Lucerne Publishing', 'lucernepublishing.example'],
  ['Alpine Ski House', 'alpineskihouse.example'],
  ['Coho Winery', 'cohowinery.example'],
  ['Trey Research', 'treyresearch.example'],
  ['Relecloud', 'relecloud.example'],
  ['Northwind Traders', 'northwindtraders.example'],
  ['Wide World Importers', 'wideworldimporters.example'],
  ['Graphic Design Institute', 'graphicdesigninstitute.example'],
  ['Blue Yonder Airlines', 'blueyonderairlines.example'],
].map(([name, domain], i) => ({
  name,
  domain,
  auth: i % 7 === 4 ? { spf: 'pass', dkim: 'none', dmarc: 'none' } : { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
}));
const EXTERNAL_TOPICS = [
  'contract renewal',
  'delivery schedule',
  'quarterly business review',
  'support case',
  'pricing proposal',
  'project kickoff',
  'statement of work',
  'purchase order',
  'integration timeline',
  'service review',
  'training session',
  'renewal quote',
];
const EXTERNAL_SUBJECTS = [
  '{T}',
  '{T} - {org}',
  'Following up on the {t}',
  '{T}: next steps',
  'Question about the {t}',
  'Our {t} for {org}',
].map(compile);
const EXTERNAL_SENTENCES = [
  'Thank you for your time on the call last week.',
  'As discussed, I am sending over the details of the {t}.',
  'Please let me know if the proposed dates work for your team.',
  'Our team is available on {day} if you would like to review it together.',
  'I have copied {name}, who will be your main point of contact.',
  'We look forward to working with {org} on this.',
  'Could you confirm who should receive the final version?',
  'The updated terms are summarised below.',
  'We have made the changes you requested.',
  'Let me know if you have any questions.',
  'Our delivery team expects to finish by the end of the month.',
  'We would appreciate your feedback by {day}.',
  'You can find more information on our website.',
  'I will send a calendar invitation shortly.',
  'Please share the purchase order number when available.',
  'We are happy to adjust the scope of the {t} if needed.',
].map(compile);

interface Vendor {
  partner: number;
  mailbox: string;
  subjects: Template[];
  body: Template;
  /** The customer portal link, identical in every invoice of the vendor. */
  portal?: string;
}
const INVOICE_BODIES = [
  'Dear customer,\n\nPlease find attached invoice {inv} dated {date} for {amount}.\nPayment terms: net 30. Please quote the invoice number with your payment.\n\nIf you have any questions about this invoice, reply to this email or contact our accounts team.\n\nThank you for your business.\n{vendor} Accounts Receivable',
  'Hello,\n\nYour invoice {inv} from {vendor} is attached.\nAmount due: {amount}\nDue date: {date}\n\nYou can also view and pay your invoices in the customer portal: {portal}\n\nKind regards,\n{vendor} Billing',
  'Hi,\n\nAttached is our invoice {inv} for services delivered in {month}, total {amount}.\nPlease process it by {date}. Our bank details have not changed.\n\nMany thanks,\nFinance team, {vendor}',
].map(compile);
const INVOICE_SUBJECTS = ['Invoice {inv} from {vendor}', '{vendor} invoice {inv}', 'Your {vendor} invoice {inv} is ready'].map(compile);
const VENDORS: readonly Vendor[] = [
  [0, 'invoices', 0],
  [2, 'billing', 1],
  [6, 'ar', 2],
  [12, 'accounts', 0],
  [11, 'billing', 1],
  [13, 'invoicing', 2],
].map(([partner, mailbox, style]) => ({
  partner: partner as number,
  mailbox: mailbox as string,
  subjects: [INVOICE_SUBJECTS[(style as number) % 3], INVOICE_SUBJECTS[((style as number) + 1) % 3]],
  body: INVOICE_BODIES[style as number],
  portal: style === 1 ? `https://billing.${PARTNERS[partner as number].domain}/invoices` : undefined,
}));

interface Publisher {
  title: string;
  sender: string;
  domain: string;
  /** Share of mailboxes subscribed, before scaling to the newsletter budget. */
  subscribers: number;
  /** Weekdays (0 = Sunday) an issue goes out, and at what hour. */
  days: readonly number[];
  hour: number;
  blurb: string;
  headlines: readonly string[];
}
const PUBLISHERS: readonly Publisher[] = [
  {
    title: 'Retail Insights Weekly',
    sender: 'digest@retail-insights.example',
    domain: 'retail-insights.example',
    subscribers: 0.35,
    days: [2],
    hour: 7,
    blurb: 'Retail Insights is read by more than 40,000 retail and supply-chain professionals every week.',
    headlines: [
      'Store footfall after the summer season',
      'Holiday demand outlook for consumer electronics',
      'What shoppers expect from same-day delivery',
      'Five retailers that rebuilt their loyalty programmes',
      'Inventory accuracy: the metric nobody owns',
      'Checkout-free stores one year on',
      'Returns are rising: how to price them',
      'Regional malls are adding medical clinics',
    ],
  },
  {
    title: 'Cloud Architecture Digest',
    sender: 'newsletter@cloudarch-digest.example',
    domain: 'cloudarch-digest.example',
    subscribers: 0.25,
    days: [1, 4],
    hour: 6,
    blurb: 'Cloud Architecture Digest collects the best engineering writing of the week, curated by practitioners.',
    headlines: [
      'Designing idempotent event consumers',
      'A field guide to multi-region failover',
      'PostgreSQL partitioning in practice',
      'Cost allocation tags that finance will actually read',
      'Zero-downtime schema migrations',
      'When to choose a queue over a stream',
      'Observability budgets for small teams',
      'Running stateful services on spot capacity',
    ],
  },
  {
    title: 'Industry Daily Brief',
    sender: 'brief@industry-daily.example',
    domain: 'industry-daily.example',
    subscribers: 0.5,
    days: [1, 2, 3, 4, 5],
    hour: 5,
    blurb: 'The Industry Daily Brief is an independent publication delivered every business morning.',
    headlines: [
      'Manufacturing orders rise for the third month',
      'Freight rates ease as port congestion clears',
      'Energy prices and the outlook for the winter',
      'Central banks hold rates steady',
      'Semiconductor supply improves for automotive buyers',
      'Commercial real estate vacancies reach a new high',
      'Logistics hiring slows ahead of the peak season',
      'Steel producers announce price increases',
    ],
  },
  {
    title: 'Benefits Bulletin',
    sender: 'bulletin@humongousinsurance.example',
    domain: 'humongousinsurance.example',
    subscribers: 0.6,
    days: [3],
    hour: 9,
    blurb: 'Benefits Bulletin is sent to members of employer plans administered by Humongous Insurance.',
    headlines: [
      'Five ways to get more from your wellness allowance',
      'Understanding your dental coverage',
      'How telehealth visits are billed',
      'Planning for retirement in your thirties',
      'Flu season: where to get vaccinated',
      'Your guide to dependant care accounts',
      'What changes in next year’s plan',
      'Mental health resources available to you',
    ],
  },
  {
    title: 'Margie’s Travel Deals',
    sender: 'deals@margiestravel.example',
    domain: 'margiestravel.example',
    subscribers: 0.15,
    days: [2, 5],
    hour: 8,
    blurb: 'Margie’s Travel negotiates corporate and leisure rates with more than 3,000 hotels and airlines.',
    headlines: [
      'City breaks under $400 this autumn',
      'Business class sale to Europe',
      'Last-minute ski chalets',
      'Weekend rail trips with kids',
      'Hotel loyalty points: when to spend them',
      'Sunshine in November: four islands to consider',
      'Conference season: where to stay',
      'New direct routes this winter',
    ],
  },
  {
    title: 'Fourth Coffee Community',
    sender: 'hello@fourthcoffee.example',
    domain: 'fourthcoffee.example',
    subscribers: 0.2,
    days: [4],
    hour: 10,
    blurb: 'Fourth Coffee roasts in small batches and delivers to more than 900 offices.',
    headlines: [
      'Meet the farmers behind our new Ethiopian roast',
      'Brewing guide: the office filter machine',
      'Autumn seasonal blend is back',
      'Why we switched to compostable pods',
      'Latte art workshop dates announced',
      'Decaf done right',
      'Our roastery is now powered by solar',
      'Cold brew for the winter months? Yes.',
    ],
  },
];

const SPAM = [
  {
    subject: 'Congratulations! You were selected for a {amount} reward',
    body: 'Dear winner,\n\nYour email address was selected in our monthly customer draw. Claim your {amount} reward before it expires: {url}\n\nTerms apply. To stop receiving offers, reply STOP.',
    path: '/claim',
  },
  {
    subject: 'Printer ink at 80% off - today only',
    body: 'Hello,\n\nStock up on compatible ink and toner for all major brands at up to 80% off. Free shipping on orders over $30.\n\nShop now: {url}\n\nYou received this message because you are on our mailing list.',
    path: '/ink-sale',
  },
  {
    subject: 'Grow your savings with automated trading',
    body: 'Our members earned an average of 14% last month with zero experience. Start with as little as $250.\n\nJoin now: {url}\n\nInvesting involves risk.',
    path: '/start',
  },
  {
    subject: 'Work from home and earn {amount} a week',
    body: 'Hi,\n\nWe are looking for motivated people to process online orders from home. No experience needed, flexible hours, weekly pay of up to {amount}.\n\nApply here: {url}',
    path: '/apply',
  },
  {
    subject: 'Your SEO ranking report',
    body: 'Hello,\n\nI checked your website and found 27 problems that keep it off the first page of search results. We can fix them for a one-time fee.\n\nSee the report: {url}\n\nBest regards,\nDigital Growth Team',
    path: '/report',
  },
  {
    subject: 'Luxury watches - clearance sale',
    body: 'Exclusive designer watches at prices you will not find anywhere else. Limited stock, order today.\n\n{url}\n\nUnsubscribe by replying to this email.',
    path: '/watches',
  },
].map((s) => ({ subject: compile(s.subject), body: compile(s.body), path: s.path }));

// =============================================================================================
// Lures: one per campaign
// =============================================================================================

interface Lure {
  /** The campaign's name. */
  name: string;
  kind: CampaignKind;
  /** The look-alike base: a brand name, or null to imitate the organisation's own domain. */
  brand: string | null;
  /** Impersonate the organisation's exact domain for one sender (spoofing: SPF and DMARC fail). */
  spoofsOrganisation?: boolean;
  senderLocals: readonly string[];
  subjects: readonly string[];
  paragraphs: readonly string[];
  signOff: string;
  /** Landing path for the per-recipient link; absent for attachment-only malware. */
  path?: string;
  /** Tracking parameter name, e.g. `rid` in `?rid=8f3k2j0q1x`. */
  param?: string;
  attachment?: { names: readonly string[]; size: number };
  /** Range of `{n}`. */
  n: readonly [number, number];
  /** Range of `{amount}` in dollars. */
  amount?: readonly [number, number];
}

const LURES: readonly Lure[] = [
  {
    name: 'Mailbox quota lure',
    kind: 'PHISH',
    brand: null,
    senderLocals: ['it-helpdesk', 'mailbox-admin', 'no-reply'],
    subjects: [
      'Your mailbox is almost full',
      'Action required: mailbox storage {n}% used',
      'Mailbox storage limit reached',
      '{org} mailbox quota warning',
    ],
    paragraphs: [
      'Your {org} mailbox has used {n}% of its allocated storage. Once the limit is reached you will no longer be able to send or receive messages, and incoming mail will be returned to the sender.',
      'To avoid interruption, request a free storage upgrade before {date} using the secure link below:\n{url}',
      'Mailbox reference: {ref}. Upgrades are processed within one hour.',
      'Storage upgrades are free of charge for all staff mailboxes. Mailboxes that stay over quota for more than 72 hours are suspended automatically, and messages received during the suspension cannot be recovered.',
    ],
    signOff: '{org} IT Service Desk',
    path: '/owa/quota/upgrade',
    param: 'rid',
    n: [90, 99],
  },
  {
    name: 'Password expiry lure',
    kind: 'PHISH',
    brand: null,
    senderLocals: ['password-reset', 'account-security', 'itsupport'],
    subjects: [
      'Your password expires today',
      'Password expiration notice for {address}',
      'Keep your current password - action needed',
      'Final notice: password expires in {n} hours',
    ],
    paragraphs: [
      'The password for {address} is due to expire on {date}. After it expires you will be signed out of email, chat and the VPN on all devices.',
      'You can keep using your current password by confirming it on the account portal:\n{url}',
      'If you do nothing, a reset will be forced at your next sign-in and may take up to 48 hours to be processed by the service desk. Ticket {ref}.',
      'For your security, never share your password with anyone. The account portal is the only approved place to confirm your credentials, and the IT department will never ask for your password by phone.',
    ],
    signOff: 'Identity and Access Team, {org}',
    path: '/auth/keep-password',
    param: 'token',
    n: [2, 12],
  },
  {
    name: 'E-signature document lure',
    kind: 'PHISH',
    brand: 'signflow',
    senderLocals: ['dse', 'notifications', 'sign'],
    subjects: [
      '{first}, please review and sign: Agreement {ref}',
      'Document ready for your signature',
      'Completed: {org} contract amendment - signature required',
      'You have a new document to sign from {org} Legal',
    ],
    paragraphs: [
      'A document has been sent to you for electronic signature via SignFlow. Sender: {org} Legal Department. Document: Contract amendment {ref} ({n} pages).',
      'REVIEW DOCUMENT:\n{url}',
      'This envelope expires on {date}. Do not share this email: the link is unique to you and gives access to the document.',
      'SignFlow is a secure electronic signature service used by thousands of companies worldwide. If you have trouble signing the document, visit the SignFlow help centre and enter the access code from this envelope.',
    ],
    signOff: 'SignFlow Electronic Signature Service',
    path: '/envelope/review',
    param: 'env',
    n: [2, 14],
  },
  {
    name: 'Voicemail attachment lure',
    kind: 'PHISH',
    brand: 'voxline',
    senderLocals: ['voicemail', 'vm-notify', 'pbx'],
    subjects: [
      'New voicemail received ({n} seconds)',
      'Voice message for {first} - {n} sec',
      'Missed call: voicemail waiting',
      'VoxLine: you have 1 unheard message',
    ],
    paragraphs: [
      'You have received a new voice message in your {org} voicemail box.\nDuration: 00:00:{n}\nCaller ID: withheld\nMessage ID: {ref}',
      'The recording is attached to this email. If the attachment does not open, listen online:\n{url}',
      'Voice messages are deleted automatically after 7 days.',
      'This voice message was delivered by the VoxLine unified messaging gateway. To change how you receive voicemail notifications, update the preferences of your desk phone in the VoxLine user settings.',
    ],
    signOff: 'VoxLine Unified Messaging',
    path: '/vm/play',
    param: 'm',
    attachment: { names: ['Voicemail_{ref}.htm', 'VM-{n}sec-{ref}.html', 'Audio_Message_{ymd}.htm'], size: 3_812 },
    n: [20, 59],
  },
  {
    name: 'Payroll direct deposit lure',
    kind: 'PHISH',
    brand: null,
    senderLocals: ['payroll', 'hr-payroll', 'people-services'],
    subjects: [
      'Action needed: confirm your direct deposit details',
      'Payroll update for {first} {last}',
      'Your salary payment is on hold',
      'Verify bank details before the next pay run',
    ],
    paragraphs: [
      'We are migrating {org} payroll to a new provider. To make sure your salary for the period ending {date} is paid on time, every employee must confirm their direct deposit details.',
      'Confirm your details here (it takes two minutes):\n{url}',
      'Employees who do not confirm by the deadline will be paid by paper cheque, which can take up to {n} business days. Case {ref}.',
      'The payroll team cannot process changes received by email or by phone. Please make sure that your bank name, account number and routing number are entered exactly as they appear on your bank statement.',
    ],
    signOff: '{org} Payroll Services',
    path: '/hr/payroll/verify',
    param: 'emp',
    n: [5, 15],
  },
  {
    name: 'MFA re-registration lure',
    kind: 'PHISH',
    brand: null,
    senderLocals: ['security', 'mfa-admin', 'it-security'],
    subjects: [
      'Re-register your multi-factor authentication',
      'MFA update required by {date}',
      'Your authenticator app will stop working',
      'Security notice: verify your sign-in method',
    ],
    paragraphs: [
      'As part of the annual security review, {org} is moving all accounts to a new multi-factor authentication service. Your current authenticator registration for {address} will be disabled on {date}.',
      'Complete the re-registration now so that you are not locked out:\n{url}',
      'Have your phone ready. The process takes about {n} minutes. Reference {ref}.',
      'Accounts that are not re-registered before the deadline will be blocked from email, file shares and remote access until the service desk has verified the identity of the account holder in person.',
    ],
    signOff: '{org} Information Security',
    path: '/mfa/enroll',
    param: 'session',
    n: [2, 5],
  },
  {
    name: 'Parcel redelivery fee lure',
    kind: 'PHISH',
    brand: 'parcelpoint',
    senderLocals: ['tracking', 'delivery', 'support'],
    subjects: [
      'Your parcel could not be delivered',
      'ParcelPoint: delivery attempt failed ({ref})',
      'Action required: customs fee for shipment {ref}',
      'We tried to deliver your package today',
    ],
    paragraphs: [
      'We attempted to deliver your parcel {ref} today but nobody was available to sign for it. The parcel is being held at your local depot.',
      'To arrange a new delivery date, confirm your address and pay the redelivery fee of {amount}:\n{url}',
      'Parcels that are not rescheduled within {n} days are returned to the sender.',
      'ParcelPoint delivers more than two million parcels every day. Keep your tracking number for reference: our customer care team will ask for it if you contact us about this delivery.',
    ],
    signOff: 'ParcelPoint Customer Care',
    path: '/redelivery/schedule',
    param: 'trk',
    n: [3, 7],
    amount: [1.99, 3.49],
  },
  {
    name: 'Shared file notification lure',
    kind: 'PHISH',
    brand: 'drivebox',
    senderLocals: ['no-reply', 'share', 'notify'],
    subjects: [
      '{name} shared "Q{n} Financial Summary" with you',
      '{name} has shared a file with you',
      'Shared with you: {org} budget review',
      'You have been invited to view a document',
    ],
    paragraphs: [
      '{name} ({nameAddress}) has shared a file with you on DriveBox:\n\n    {org} - Q{n} Financial Summary.xlsx',
      'Open the file:\n{url}',
      'This link only works for {address}. You are receiving this email because someone shared a file with you.',
      'DriveBox keeps your files safe in the cloud and lets you share them with colleagues and partners. Sign in with your work account to open files that are shared with your organisation.',
    ],
    signOff: 'DriveBox file sharing',
    path: '/s/view',
    param: 'share',
    n: [1, 4],
  },
  {
    name: 'Benefits enrolment lure',
    kind: 'PHISH',
    brand: null,
    senderLocals: ['benefits', 'hr-benefits', 'open-enrolment'],
    subjects: [
      'Open enrolment closes on {date}',
      'Review your {org} benefits selection',
      'Your benefits elections are incomplete',
      'Important: {n} days left to enrol',
    ],
    paragraphs: [
      'Open enrolment for the {org} health, dental and retirement plans ends on {date}. Our records show that your elections for the coming plan year are incomplete.',
      'Review and confirm your elections on the benefits portal:\n{url}',
      'If you do not confirm your elections, you will be enrolled in the default plan and your dependants may lose coverage. Employee reference {ref}.',
      'Changes to your benefits outside the open enrolment window are only possible after a qualifying life event such as marriage, the birth of a child or a change of employment status.',
    ],
    signOff: '{org} Human Resources - Benefits Team',
    path: '/benefits/enrol',
    param: 'id',
    n: [2, 6],
  },
  {
    name: 'Expense report rejection lure',
    kind: 'PHISH',
    brand: null,
    senderLocals: ['expenses', 'finance-noreply', 'ap-notifications'],
    subjects: [
      'Expense report {ref} rejected',
      'Your expense claim for {amount} needs correction',
      'Reimbursement on hold: missing receipts',
      'Action required on expense report {ref}',
    ],
    paragraphs: [
      'Your expense report {ref} totalling {amount} was rejected by the finance approver because {n} receipts are missing or unreadable.',
      'Please sign in to the expense portal and submit the receipts again before the next reimbursement cycle:\n{url}',
      'Reports that are not corrected within five days are cancelled automatically.',
      'Receipts must show the merchant name, the date and the amount paid. Card statements are not accepted as receipts, and claims older than ninety days cannot be reimbursed.',
    ],
    signOff: '{org} Finance - Accounts Payable',
    path: '/expenses/report',
    param: 'rpt',
    n: [2, 6],
    amount: [84, 2_400],
  },
  {
    name: 'Missed chat messages lure',
    kind: 'PHISH',
    brand: 'chathub',
    senderLocals: ['notifications', 'no-reply', 'activity'],
    subjects: [
      'You have {n} unread messages in ChatHub',
      '{name} sent you a message',
      'Missed conversation with {name}',
      'New activity in your {org} workspace',
    ],
    paragraphs: [
      'You have {n} unread messages from {name} and others in the {org} workspace. Some messages are marked as urgent.',
      'Reply in ChatHub:\n{url}',
      'You are receiving this email because notifications are turned on for missed activity. Notification {ref}.',
      'ChatHub brings conversations, meetings and files together in one place. Download the ChatHub desktop app to be notified as soon as a colleague mentions you or replies to your thread.',
    ],
    signOff: 'ChatHub for Business',
    path: '/chat/messages',
    param: 'ctx',
    n: [3, 12],
  },
  {
    name: 'Meeting invitation lure',
    kind: 'PHISH',
    brand: 'meetlink',
    senderLocals: ['invites', 'calendar', 'meetings'],
    subjects: [
      'Invitation: budget review with {name} @ {date}',
      'Updated invitation: {org} planning session',
      'Meeting request: Q{n} performance review',
      '{name} invited you to a MeetLink meeting',
    ],
    paragraphs: [
      '{name} has invited you to a meeting.\nTopic: Q{n} performance review\nWhen: {date}, 10:00 - 10:45',
      'To accept the invitation and see the agenda, sign in with your {org} account:\n{url}',
      'Meeting ID: {ref}. Please do not forward this invitation.',
      'MeetLink meetings are protected by single sign-on. Participants who join without signing in wait in the lobby until the organiser admits them, and recordings are only available to signed-in attendees.',
    ],
    signOff: 'MeetLink Scheduling',
    path: '/join/accept',
    param: 'mid',
    n: [1, 4],
  },
  {
    name: 'Tax statement lure',
    kind: 'PHISH',
    brand: null,
    senderLocals: ['tax-documents', 'payroll-tax', 'hr-documents'],
    subjects: [
      'Your annual tax statement is available',
      'Tax form {ref} ready for download',
      'Corrected tax statement for {first} {last}',
      'Important tax document - review before {date}',
    ],
    paragraphs: [
      'Your annual tax statement from {org} is now available. A correction was issued for employees whose withholding was calculated incorrectly; the difference in your case is {amount}.',
      'Download your corrected statement from the secure document centre:\n{url}',
      'The statement is available until {date}. Document number {ref}.',
      'Please keep this statement for your records and share it with your tax adviser if you use one. A corrected statement replaces any statement issued earlier for the same tax year.',
    ],
    signOff: '{org} Payroll Tax Team',
    path: '/documents/tax',
    param: 'doc',
    n: [1, 3],
    amount: [120, 1_900],
  },
  {
    name: 'Unusual sign-in alert lure',
    kind: 'PHISH',
    brand: null,
    senderLocals: ['account-protection', 'security-alerts', 'no-reply-security'],
    subjects: [
      'Unusual sign-in activity detected',
      'Suspicious sign-in to {address} blocked',
      'We noticed a new sign-in from {country}',
      'Security alert: verify recent activity',
    ],
    paragraphs: [
      'We detected a sign-in attempt to your {org} account from an unrecognised device.\nLocation: {country}\nIP address: {ip}\nTime: {date}',
      'If this was not you, secure your account immediately:\n{url}',
      'If you do not review this activity, your account may be suspended for your protection. Alert ID {ref}.',
      'We send this notification whenever a sign-in is made from a location or device that has not been used with your account before. Reviewing the activity helps us keep your mailbox and files safe.',
    ],
    signOff: '{org} Account Protection',
    path: '/security/review-activity',
    param: 'alert',
    n: [1, 3],
  },
  {
    name: 'Online fax lure',
    kind: 'PHISH',
    brand: 'efaxly',
    senderLocals: ['fax', 'efax-delivery', 'documents'],
    subjects: [
      'You have received a {n}-page fax',
      'eFaxly: new fax from +1 {ref}',
      'Fax document delivered to {first}',
      'Incoming fax - {n} pages',
    ],
    paragraphs: [
      'You have a new fax document.\nPages: {n}\nReceived: {date}\nReference: {ref}',
      'View the fax document online:\n{url}',
      'Fax documents are kept for 14 days. For help with eFaxly, reply to this email.',
      'eFaxly lets you send and receive faxes by email without a fax machine. Large documents can take a few minutes to appear in the online viewer after the fax has been received.',
    ],
    signOff: 'eFaxly Online Fax',
    path: '/fax/view',
    param: 'f',
    n: [2, 9],
  },
  {
    name: 'Salary review letter lure',
    kind: 'PHISH',
    brand: null,
    senderLocals: ['hr-director', 'compensation', 'people'],
    subjects: [
      'Your salary review letter',
      'Confidential: compensation adjustment for {first}',
      'Salary increase approved - please acknowledge',
      'Annual compensation review: your letter is ready',
    ],
    paragraphs: [
      "Following this year's compensation review, the leadership team has approved an adjustment of {n}% to your salary, effective {date}.",
      'Your personal letter is confidential. Please sign in to read and acknowledge it:\n{url}',
      'Acknowledge the letter within five working days so that payroll can process the change. Reference {ref}.',
      'The contents of your compensation letter are strictly confidential and must not be discussed with colleagues. Questions about the adjustment should be addressed to your HR business partner.',
    ],
    signOff: '{org} Human Resources',
    path: '/hr/letters/compensation',
    param: 'l',
    n: [3, 9],
  },
  {
    name: 'Overdue invoice macro lure',
    kind: 'MALWARE',
    brand: 'globex',
    senderLocals: ['accounts', 'billing', 'ar-department'],
    subjects: [
      'Overdue invoice {ref}',
      'Final reminder: invoice {ref} past due',
      'Payment overdue - {amount}',
      'Account statement for {org}',
    ],
    paragraphs: [
      'Our records show that invoice {ref} for {amount} is now {n} days past due.',
      'Please find the invoice and the account statement attached. Enable editing and content to view the full details, as the document is protected.',
      'Kindly arrange payment by {date} to avoid late fees and the suspension of deliveries.',
      'If payment has already been made, please send us the remittance details so that we can reconcile your account. Interest on overdue balances is charged at two percent per month.',
    ],
    signOff: 'Accounts Receivable, Globex Supplies',
    attachment: { names: ['Invoice_{ref}.xlsm', 'INV-{ref}.xlsm', 'Overdue_invoice_{ymd}.xlsm', 'Statement_{ref}.xlsm'], size: 88_412 },
    n: [15, 60],
    amount: [1_200, 18_000],
  },
  {
    name: 'Purchase order archive lure',
    kind: 'MALWARE',
    brand: 'initech',
    senderLocals: ['procurement', 'purchasing', 'orders'],
    subjects: ['New purchase order {ref}', 'PO {ref} - please confirm', 'Purchase order from Initech', 'Urgent order {ref} for {org}'],
    paragraphs: [
      'Please find attached our purchase order {ref} for {n} units. Kindly confirm availability and the delivery date by return email.',
      'The archive contains the order form and the technical specifications. Password for the archive: order{n}.',
      'We would appreciate delivery before {date}.',
      'All goods must be delivered with a packing slip quoting the purchase order number. Invoices without a valid purchase order number will be returned unpaid to the supplier.',
    ],
    signOff: 'Procurement Department, Initech',
    attachment: { names: ['PO_{ref}.zip', 'Purchase_Order_{ref}.zip', 'PO-{ymd}.zip', 'Order_confirmation_{ref}.zip'], size: 24_730 },
    n: [40, 900],
  },
  {
    name: 'Shipping documents disk image lure',
    kind: 'MALWARE',
    brand: 'oceanfreight',
    senderLocals: ['import-ops', 'documentation', 'notify'],
    subjects: [
      'Shipping documents for consignment {ref}',
      'Arrival notice - B/L {ref}',
      'Your shipment {ref} has arrived at port',
      'Customs clearance documents required',
    ],
    paragraphs: [
      'Dear valued customer, consignment {ref} has arrived at the port of discharge and is awaiting customs clearance.',
      'The bill of lading, commercial invoice and packing list are attached. Please review the documents and confirm the consignee details within {n} days.',
      'Storage charges apply after {date}.',
      'Ocean Freight Logistics handles sea and air freight for importers in more than sixty countries. Please have the consignee tax number ready when you contact the import desk.',
    ],
    signOff: 'Import Operations, Ocean Freight Logistics',
    attachment: {
      names: ['Shipping_Documents_{ref}.iso', 'BL_{ref}.iso', 'Bill_of_Lading_{ymd}.iso', 'Arrival_Notice_{ref}.img'],
      size: 1_245_184,
    },
    n: [2, 5],
  },
  {
    name: 'Job application macro lure',
    kind: 'MALWARE',
    brand: 'talentmail',
    senderLocals: ['jordan.ellis', 'j.ellis', 'ellis.jordan'],
    subjects: [
      'Application for the open position',
      'Job application - experienced candidate',
      'My CV for your consideration',
      'Vacancy at {org}',
    ],
    paragraphs: [
      'I am writing to apply for the position advertised on your careers page. I have {n} years of experience and believe I would be a strong fit for {org}.',
      'My CV and cover letter are attached. The document was created in an older version of the word processor: if you see a yellow bar, click Enable Content to display it correctly.',
      'I am available for an interview from {date}. Thank you for your time.',
      'I have attached references from my two previous employers and would be happy to provide more information about my experience in project coordination and customer service.',
    ],
    signOff: 'Kind regards,\nJordan Ellis',
    attachment: { names: ['Resume_{ref}.docm', 'CV_{ymd}.docm', 'Application_{ref}.docm'], size: 61_204 },
    n: [4, 12],
  },
  {
    name: 'Remittance advice notebook lure',
    kind: 'MALWARE',
    brand: 'woodgrove',
    senderLocals: ['remittance', 'payments', 'ach-notify'],
    subjects: [
      'Remittance advice - payment {ref}',
      'Payment sent: {amount}',
      'ACH transfer confirmation {ref}',
      'Your payment has been processed',
    ],
    paragraphs: [
      'A payment of {amount} was sent to {org} by ACH transfer on {date}.',
      'The remittance advice with the invoice breakdown is attached. Open the notebook and double-click "View document" to display the details.',
      'Transaction reference {ref}. Funds should arrive within {n} business days.',
      'This remittance advice was generated automatically by the treasury platform. Please do not reply to this message; contact your relationship manager with any question about the payment.',
    ],
    signOff: 'Woodgrove Treasury Services',
    attachment: { names: ['Remittance_Advice_{ref}.one', 'Payment_{ymd}.one', 'ACH_Remittance_{ref}.one'], size: 143_360 },
    n: [1, 3],
    amount: [2_500, 48_000],
  },
  {
    name: 'Court notice archive lure',
    kind: 'MALWARE',
    brand: 'courtefiling',
    senderLocals: ['efiling', 'clerk', 'notices'],
    subjects: [
      'Notice to appear in court - case {ref}',
      'Summons: case {ref} filed against {org}',
      'Court hearing scheduled for {date}',
      'Legal notice regarding {org}',
    ],
    paragraphs: [
      'This is to notify you that a complaint naming {org} as a defendant has been filed in case {ref}. A hearing has been scheduled for {date}.',
      'The summons and complaint are attached in compressed form. You are required to review them and respond within {n} days.',
      'Failure to appear may result in a default judgment.',
      'This notice is served electronically in accordance with the rules of civil procedure. You may wish to seek legal advice before the hearing date and bring the case number with you.',
    ],
    signOff: 'Office of the Clerk, County Court e-Filing',
    attachment: { names: ['Court_Notice_{ref}.zip', 'Summons_{ymd}.zip', 'Case_{ref}_documents.zip'], size: 31_002 },
    n: [10, 30],
  },
  {
    name: 'Request for quotation lure',
    kind: 'MALWARE',
    brand: 'fabrikam',
    senderLocals: ['sourcing', 'rfq', 'buyer'],
    subjects: [
      'Request for quotation {ref}',
      'RFQ {ref} - deadline {date}',
      'New inquiry from Fabrikam Sourcing',
      'Quotation needed for {n} items',
    ],
    paragraphs: [
      'We are interested in your products and would like your best quotation for the {n} items listed in the attached RFQ {ref}.',
      'Please open the attached file for the specifications, quantities and delivery terms. Quotations must reach us by {date}.',
      'We look forward to doing business with {org}.',
      'Fabrikam Sourcing purchases industrial components for manufacturers across Europe and North America. Prices should be quoted including packaging and delivery to our central warehouse.',
    ],
    signOff: 'Sourcing Team, Fabrikam Sourcing',
    attachment: { names: ['RFQ_{ref}.img', 'Quotation_request_{ymd}.img', 'RFQ-{ref}-specs.img'], size: 2_097_152 },
    n: [6, 40],
  },
  {
    name: 'Scanned document lure',
    kind: 'MALWARE',
    brand: null,
    spoofsOrganisation: true,
    senderLocals: ['scanner', 'mfp-scan', 'copier'],
    subjects: ['Scanned document from MFP-{n}', 'Message from {org} scanner', 'Scan to email: {ref}', 'Your scanned document is ready'],
    paragraphs: [
      'Scanned from device MFP-{n}\nPages: 3\nResolution: 300x300 dpi\nFile format: PDF (compressed)',
      'The scanned document is attached. Please open the archive to view it.',
      'This message was sent automatically by the {org} multifunction printer. Job {ref}.',
      'To scan documents to your own mailbox, select Scan to Email on the device panel and enter your employee number. Scanned files are deleted from the device after twenty-four hours.',
    ],
    signOff: '{org} Print Services',
    attachment: { names: ['Scan_{ymd}_{ref}.zip', 'SCN{ref}.zip', 'Scanned_document_{ref}.zip'], size: 19_880 },
    n: [101, 412],
  },
];

/** Shared by all lures; each campaign uses three of them. */
const GREETINGS = [
  'Dear {first},',
  'Hello {first},',
  'Hi {first},',
  'Dear {first} {last},',
  'Dear {address},',
  'Hello,',
  'Dear user,',
  'Dear colleague,',
  'Good day {first},',
  'Attention: {first} {last}',
].map(compile);

const HOMOGLYPHS: readonly (readonly [string, string])[] = [
  ['o', '0'],
  ['l', '1'],
  ['i', '1'],
  ['m', 'rn'],
  ['w', 'vv'],
  ['e', '3'],
  ['a', '4'],
];
const DOMAIN_SUFFIXES = [
  'support',
  'secure',
  'portal',
  'helpdesk',
  'online',
  'login',
  'services',
  'mail',
  'account',
  'verify',
  'docs',
  'notice',
];

/** A look-alike of `base` (a brand or the organisation's first label): a homoglyph or doubled letter, often with a suffix. */
function lookalike(base: string, rng: Random): string {
  let label = base;
  const glyphs = HOMOGLYPHS.filter(([from]) => label.includes(from));
  if (glyphs.length > 0 && rng.chance(0.6)) {
    const [from, to] = rng.pick(glyphs);
    const at = label.indexOf(from);
    label = label.slice(0, at) + to + label.slice(at + from.length);
  } else {
    const at = rng.between(1, label.length - 1);
    label = label.slice(0, at) + label[at - 1] + label.slice(at);
  }
  if (rng.chance(0.7)) label += `-${rng.pick(DOMAIN_SUFFIXES)}`;
  return `${label}.example`;
}

// =============================================================================================
// The timeline: a min-heap of sources and pending follow-ups
// =============================================================================================

/**
 * Something that emits records at `at`. `run` appends records to `out` and returns true to be
 * scheduled again (after moving `at` forward), false when it is done.
 */
interface Task {
  at: number;
  seq: number;
  run(out: IngestRecord[]): boolean;
}

/** Ties break by insertion order, which keeps the stream deterministic. */
class Timeline {
  private readonly heap: Task[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }
  push(task: Task): void {
    task.seq = this.seq++;
    const heap = this.heap;
    let i = heap.push(task) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(task, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = task;
  }
  /** Schedules one follow-up record, built when it is due (so ids follow stream order). */
  at(at: number, make: () => IngestRecord): void {
    this.push({
      at,
      seq: 0,
      run(out) {
        out.push(make());
        return false;
      },
    });
  }
  pop(): Task {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const child = r < heap.length && before(heap[r], heap[l]) ? r : l;
        if (!before(heap[child], last)) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
const before = (a: Task, b: Task) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

// =============================================================================================
// The organisation's plan
// =============================================================================================

interface Person {
  address: string;
  local: string;
  first: string;
  last: string;
  displayName: string;
  department: number;
  country: string;
  /** `id` of the person's laptop, where downloaded files land. */
  laptop: string;
  laptopIsMac: boolean;
}

type Fate = 'CAUGHT' | 'INBOX' | 'ZAPPED' | 'USER_DELETED' | 'USER_JUNKED';

interface PlannedCompromise {
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
interface Slot {
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

interface Campaign {
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

interface Issue {
  publisher: number;
  number: number;
  at: number;
  headlines: string[];
  /** The first issue of all: one reader reports it (the benign-report case). */
  reported: boolean;
}

interface Thread {
  subject: string;
  firstLine: string;
  imid: string;
  at: number;
  author: string;
  /** Internal threads: participants; external threads: the one user, and the partner contact. */
  people: number[];
  partner: number;
  contact: string;
  contactName: string;
}

const ZERO_LOCATIONS = (): Record<DeliveryLocationName, number> => ({ INBOX: 0, JUNK: 0, QUARANTINE: 0, DELETED: 0 });

export class OrgGenerator {
  readonly options: Readonly<Required<OrganisationOptions>>;
  private readonly seed: number;
  private readonly start: number;
  private readonly end: number;
  private readonly orgName: string;
  private readonly orgLabel: string;
  private readonly people: Person[] = [];
  private readonly deviceCount: number;
  private readonly campaigns: Campaign[] = [];
  private readonly issues: Issue[] = [];
  private readonly subscribers: Int32Array[] = [];
  private readonly newsletterCounts: number[] = [];
  private readonly newsletterSamples: string[][] = [];
  private readonly invoiceCounts: number[] = [];
  private readonly invoiceSamples: string[][] = [];
  private readonly partnerIps: string[][] = [];
  private readonly commonFiles: { sha256: string; windows: string; mac: string }[] = [];
  private readonly alertTruth: AlertTruth[] = [];
  private readonly timeline = new Timeline();
  private readonly ordinaryBudget: number;
  private readonly campaignMessageTotal: number;
  private readonly newsletterTotal: number;
  private readonly messageCounts = { campaign: 0, newsletter: 0, invoice: 0, internal: 0, external: 0, spam: 0 };
  private readonly byType: Record<IngestRecordType, number> = {
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
  private state: 'planned' | 'streaming' | 'done' = 'planned';

  constructor(options: OrganisationOptions) {
    this.options = Object.freeze(resolveOrganisationOptions(options));
    const { mailboxes, messages, seed, domain, start } = this.options;
    this.seed = seed;
    this.start = start.getTime();
    this.end = this.start + SPAN_DAYS * DAY;
    this.orgLabel = domain.split('.')[0];
    this.orgName = this.orgLabel.split('-').map(capitalise).join(' ');

    this.deviceCount = this.planPeople(mailboxes);
    const plan = new Random(seed, 1);
    for (let i = 0; i < PARTNERS.length; i++)
      this.partnerIps.push([ipFromHash(OCTETS.mailServer, plan.u32()), ipFromHash(OCTETS.mailServer, plan.u32())]);
    for (const name of ['Teams.exe', 'OneDriveSetup.exe', 'AcroRd32.exe', 'chrome.exe', 'zoom.exe']) {
      const app = name.replace(/\.exe$/, '');
      this.commonFiles.push({
        sha256: plan.sha256(),
        windows: `C:\\Program Files\\${app}\\${name}`,
        mac: `/Applications/${app}.app/Contents/MacOS/${app}`,
      });
    }
    for (let v = 0; v < VENDORS.length; v++) {
      this.invoiceCounts.push(0);
      this.invoiceSamples.push([]);
    }
    this.campaignMessageTotal = this.planCampaigns(plan);
    this.newsletterTotal = this.planNewsletters(plan, Math.round(messages * NEWSLETTER_SHARE));
    this.ordinaryBudget = messages - this.campaignMessageTotal - this.newsletterTotal;
    if (this.ordinaryBudget < 0) throw new Error('internal: the message budget does not cover campaigns and newsletters');
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
    for (const record of this.directory()) {
      this.byType[record.type]++;
      yield record;
    }
    this.scheduleSources();
    const out: IngestRecord[] = [];
    const timeline = this.timeline;
    while (timeline.size > 0) {
      const task = timeline.pop();
      if (task.run(out)) timeline.push(task);
      for (let i = 0; i < out.length; i++) {
        this.byType[out[i].type]++;
        yield out[i];
      }
      out.length = 0;
    }
    this.state = 'done';
  }

  /** The ground truth; only once `records()` has been consumed to the end. */
  truth(): GroundTruth {
    if (this.state !== 'done') throw new Error('truth() is known only after records() has been iterated to the end');
    const campaigns = this.campaigns.map((c) => ({
      ...c.truth,
      clickedUsers: [...c.clicked].sort(),
      compromisedUsers: c.truth.compromisedUsers.slice().sort(),
      attachmentNames: [...c.names].sort(),
    }));
    const compromises = this.campaigns.flatMap((c) => c.slots.flatMap((s) => (s.compromise ? [s.compromise.truth] : [])));
    const total = Object.values(this.byType).reduce((a, b) => a + b, 0);
    const { mailboxes, messages, campaigns: campaignCount, seed, domain } = this.options;
    return {
      options: { mailboxes, messages, campaigns: campaignCount, seed, domain, start: iso(this.start), end: iso(this.end) },
      campaigns,
      compromisedUsers: compromises.map((c) => c.user).sort(),
      compromises,
      clickedUsers: [...new Set(campaigns.flatMap((c) => c.clickedUsers))].sort(),
      alerts: this.alertTruth,
      benignBulk: [
        ...PUBLISHERS.map((p, i) => ({
          kind: 'NEWSLETTER' as const,
          name: p.title,
          sender: p.sender,
          messageCount: this.newsletterCounts[i],
          sampleMessageIds: this.newsletterSamples[i],
        })),
        ...VENDORS.map((v, i) => ({
          kind: 'INVOICE' as const,
          name: `${PARTNERS[v.partner].name} invoices`,
          sender: `${v.mailbox}@${PARTNERS[v.partner].domain}`,
          messageCount: this.invoiceCounts[i],
          sampleMessageIds: this.invoiceSamples[i],
        })),
      ].filter((b) => b.messageCount > 0),
      counts: { records: total, byType: { ...this.byType }, messages: { ...this.messageCounts } },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Planning
  // -------------------------------------------------------------------------------------------

  /** People get unique addresses from a stride through first × last names (no set of taken names needed). */
  private planPeople(mailboxes: number): number {
    const { seed, domain } = this.options;
    const combos = FIRST_NAMES.length * LAST_NAMES.length;
    const offset = seed % combos;
    let devices = 0;
    for (let u = 0; u < mailboxes; u++) {
      // 7919 is prime and does not divide `combos`, so u → combo is a bijection within each round.
      const combo = (offset + u * 7919) % combos;
      const round = Math.floor(u / combos);
      const first = FIRST_NAMES[combo % FIRST_NAMES.length];
      const last = LAST_NAMES[Math.floor(combo / FIRST_NAMES.length)];
      const local = `${first}.${last}${round > 0 ? round + 1 : ''}`;
      const h = hash(seed, u, 1);
      const department = pickWeighted(DEPARTMENTS.length, DEPARTMENT_WEIGHTS, unit(h));
      const country = HOME_COUNTRIES[pickWeighted(HOME_COUNTRIES.length, HOME_COUNTRY_WEIGHTS, unit(hash(seed, u, 2)))];
      devices++;
      const laptop = `dev-${pad(devices, 6)}`;
      if (unit(hash(seed, u, 3)) < 0.4) devices++; // a phone
      this.people.push({
        address: `${local}@${domain}`,
        local,
        first,
        last,
        displayName: `${capitalise(first)} ${capitalise(last)}`,
        department,
        country,
        laptop,
        laptopIsMac: unit(hash(seed, u, 4)) < 0.2,
      });
    }
    return devices;
  }

  private planCampaigns(plan: Random): number {
    const { campaigns: count, messages, mailboxes, domain } = this.options;
    if (count === 0) return 0;
    // Two phishing campaigns for each malware one, lures in a seeded order.
    const phish = shuffle(
      LURES.filter((l) => l.kind === 'PHISH'),
      plan,
    );
    const malware = shuffle(
      LURES.filter((l) => l.kind === 'MALWARE'),
      plan,
    );
    const lures: Lure[] = [];
    for (let c = 0; c < count; c++) lures.push((c % 3 === 1 ? malware.shift() : phish.shift()) ?? phish.shift() ?? malware.shift()!);

    const target = Math.max(count * MIN_CAMPAIGN_MESSAGES, Math.round(messages * CAMPAIGN_SHARE));
    const weights = lures.map(() => 0.5 + plan.next());
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const sizes = weights.map((w) => Math.max(MIN_CAMPAIGN_MESSAGES, Math.round((target * w) / weightSum)));

    const usedDomains = new Set<string>([domain, ...PARTNERS.map((p) => p.domain), ...PUBLISHERS.map((p) => p.domain)]);
    const usedIps = new Set<string>();
    const compromised = new Set<number>();
    const perm = Int32Array.from({ length: mailboxes }, (_, i) => i);
    let total = 0;
    for (let c = 0; c < count; c++) {
      const campaign = this.planCampaign(c, lures[c], sizes[c], usedDomains, usedIps, compromised, perm);
      this.campaigns.push(campaign);
      total += campaign.slots.length;
    }
    return total;
  }

  private planCampaign(
    index: number,
    lure: Lure,
    size: number,
    usedDomains: Set<string>,
    usedIps: Set<string>,
    compromised: Set<number>,
    perm: Int32Array,
  ): Campaign {
    const { mailboxes, domain } = this.options;
    const rng = new Random(this.seed, 1000 + index);
    // Unique across campaigns; a short base has few look-alikes, so after a while a number disambiguates.
    const fresh = (make: () => string, used: Set<string>) => {
      for (let tries = 0; ; tries++) {
        let value = make();
        if (tries > 20) value = value.replace(/\.example$/, `${tries}.example`);
        if (!used.has(value)) {
          used.add(value);
          return value;
        }
      }
    };
    const base = lure.brand ?? this.orgLabel;
    const senderDomains = [fresh(() => lookalike(base, rng), usedDomains)];
    if (rng.chance(0.5)) senderDomains.push(fresh(() => lookalike(base, rng), usedDomains));
    if (lure.spoofsOrganisation) senderDomains.unshift(domain);
    const senders: string[] = [];
    for (const local of lure.senderLocals) senders.push(`${local}@${senderDomains[senders.length % senderDomains.length]}`);
    if (rng.chance(0.5)) senders.pop(); // two or three senders
    const senderAuth = senderDomains.map((d) =>
      d === domain
        ? { spf: 'fail', dkim: 'none', dmarc: 'fail' }
        : {
            spf: rng.pick(['none', 'softfail', 'fail', 'pass']),
            dkim: rng.pick(['none', 'none', 'fail']),
            dmarc: rng.pick(['none', 'fail']),
          },
    );
    const senderIps = Array.from({ length: rng.between(2, 5) }, () => fresh(() => ipFromHash(OCTETS.campaign, rng.u32()), usedIps));
    const landingUrls: string[] = [];
    if (lure.path) {
      landingUrls.push(`https://${fresh(() => lookalike(base, rng), usedDomains)}${lure.path}`);
      // A second landing page on a compromised small-business site, as kits rotate hosts between waves.
      if (rng.chance(0.5))
        landingUrls.push(
          `https://${fresh(() => `${rng.pick(WORDS)}${rng.pick(WORDS)}.example`, usedDomains)}/wp-content/uploads${lure.path}`,
        );
    }
    const mailer = fresh(() => `${rng.pick(WORDS)}-mailer${rng.between(1, 99)}.example`, usedDomains);
    const attachments = lure.attachment
      ? Array.from({ length: rng.chance(0.3) ? 2 : 1 }, () => ({
          sha256: rng.sha256(),
          size: lure.attachment!.size + rng.between(0, 4096),
        }))
      : [];
    const greetings = shuffle(GREETINGS, rng).slice(0, 3);
    const hasIndicators = index % 4 !== 2;
    const canCompromise = lure.kind === 'PHISH' && index % 5 !== 4;
    const zapRate = rng.pick([0, 0.15, 0.35, 0.6]);
    const clickRate = 0.03 + rng.next() * 0.05;
    const caughtRate = 0.04 + rng.next() * 0.1;
    const attacker = Array.from({ length: rng.between(1, 2) }, () => ({
      ip: fresh(() => ipFromHash(OCTETS.attacker, rng.u32()), usedIps),
      country: rng.pick(ATTACKER_COUNTRIES),
    }));
    const dropbox = `${rng.pick(WORDS)}.${rng.pick(WORDS)}${rng.between(10, 99)}@${fresh(() => `${rng.pick(WORDS)}mail-box.example`, usedDomains)}`;

    // Waves: one to three, a day or more apart, on weekday working hours; each wave reaches distinct users.
    // A small organisation needs more waves than a big one (distinct recipients within a wave); then they come closer together.
    const waves = Math.max(rng.between(1, 3), Math.ceil(size / mailboxes));
    const waveGap = () => (waves <= 8 ? rng.between(1, 3) * DAY : Math.floor(((SPAN_DAYS - 4) * DAY) / waves));
    const slots: Slot[] = [];
    let waveStart = this.start + (waves <= 8 ? rng.between(1, SPAN_DAYS - 4 - 3 * (waves - 1)) : 1) * DAY;
    for (let w = 0; w < waves; w++) {
      if (waves <= 8) {
        while (isWeekend(waveStart)) waveStart += DAY;
        waveStart = Math.floor(waveStart / DAY) * DAY + rng.between(7 * 60, 16 * 60) * MINUTE;
      }
      const waveSize = Math.floor(size / waves) + (w < size % waves ? 1 : 0);
      let t = waveStart;
      for (let k = 0; k < waveSize; k++) {
        const j = k + rng.int(mailboxes - k); // partial Fisher–Yates: distinct recipients within a wave
        const user = perm[j];
        perm[j] = perm[k];
        perm[k] = user;
        t += rng.between(1 * SECOND, 20 * SECOND);
        slots.push(this.planSlot(rng, user, w, t, { zapRate, clickRate, caughtRate, lure }));
      }
      waveStart += waveGap();
    }
    slots.sort((a, b) => a.at - b.at);
    // Every variant is used at least once, so a campaign of 20 still shows its variety.
    const variants = (length: number, i: number) => (i < length ? i : rng.int(length));
    slots.forEach((s, i) => {
      s.sender = variants(senders.length, i);
      s.ip = variants(senderIps.length, i);
      s.subject = variants(lure.subjects.length, i);
      s.greeting = variants(greetings.length, i);
      s.attachment = variants(attachments.length || 1, i);
      s.attachmentName = variants(lure.attachment?.names.length ?? 1, i);
    });

    const delivered = slots.filter((s) => s.fate !== 'CAUGHT');
    if (lure.path && lure.kind === 'PHISH') {
      // At least one click that got through, so URL hunting and the click step have something to find.
      if (!delivered.some((s) => s.click?.action === 'ALLOWED')) {
        const s = delivered[0] ?? slots[0];
        s.click = { at: s.at + rng.delay(30, 2, 120), action: 'ALLOWED', early: false, withMessageId: true };
        if (s.fate === 'ZAPPED' && s.click.at >= s.zapAt) s.zapAt = s.click.at + HOUR;
      }
      const clickers = slots.filter((s) => s.click?.action === 'ALLOWED' && !compromised.has(s.user));
      let victims = canCompromise ? clickers.filter(() => rng.chance(0.3)).slice(0, 6) : [];
      if (canCompromise && victims.length === 0 && clickers.length > 0) victims = [clickers[0]];
      for (const s of victims) {
        compromised.add(s.user);
        const where = rng.pick(attacker);
        const signInAt = s.click!.at + rng.delay(40, 5, 180);
        const ruleAt = signInAt + rng.delay(15, 3, 60);
        const style = rng.int(4);
        s.compromise = {
          signInAt,
          ruleAt,
          ip: where.ip,
          country: where.country,
          forwardTo: style < 3 ? dropbox : undefined,
          deleteMessages: style >= 2,
          ruleName: rng.pick(['.', '..', 'RSS', 'Sync', 'Mail Sync', 'x']),
          returnsAt: rng.chance(0.5) ? ruleAt + rng.between(2 * HOUR, 20 * HOUR) : undefined,
          truth: {
            user: this.people[s.user].address,
            campaign: lure.name,
            messageId: '',
            clickId: '',
            clickedAt: iso(s.click!.at),
            signInId: '',
            signInIp: where.ip,
            country: where.country,
            ruleId: '',
            ruleCreatedAt: iso(ruleAt),
          },
        };
      }
      const firstVictim = slots.find((s) => s.compromise);
      if (firstVictim) firstVictim.riskyAlert = true;
      if (hasIndicators) {
        const firstClick = slots.find((s) => s.click?.action === 'ALLOWED')!;
        firstClick.urlAlertAt = firstClick.click!.at + rng.between(1 * HOUR, 6 * HOUR);
      }
    }
    if (lure.kind === 'MALWARE') {
      // The attachment reaches some devices; at least one, so device hunting has something to find.
      for (const s of delivered) if (rng.chance(0.2)) s.deviceFileAt = s.at + rng.delay(40, 3, 180);
      if (delivered.length > 0 && !delivered.some((s) => s.deviceFileAt > 0))
        delivered[0].deviceFileAt = delivered[0].at + rng.delay(40, 3, 180);
      for (const s of delivered) if (s.fate === 'ZAPPED' && s.deviceFileAt >= s.zapAt) s.deviceFileAt = s.at + (s.zapAt - s.at) / 2;
    }
    if (index === 0) {
      // Guaranteed rather than left to chance: ingestion must resolve a click that precedes its message.
      const first = slots.find((s) => s.click);
      if (first) first.click = { ...first.click!, early: true, withMessageId: true };
    }
    const firstZapped = slots.find((s) => s.fate === 'ZAPPED');
    if (firstZapped) firstZapped.zapAlert = true;
    // A user reports one message that is still in the inbox.
    const reported = slots.find((s) => s.fate === 'INBOX') ?? delivered[0] ?? slots[0];
    reported.reportAt = reported.at + rng.delay(45, 10, 180);

    return {
      index,
      lure,
      rng,
      senders,
      senderDomains,
      senderAuth,
      senderIps,
      landingUrls,
      mailer,
      attachments,
      attachmentNames: (lure.attachment?.names ?? []).map(compile),
      subjects: lure.subjects.map(compile),
      greetings,
      paragraphs: lure.paragraphs.map(compile),
      signOff: compile(lure.signOff),
      reminders: rng.chance(0.6),
      encodesRecipient: rng.chance(0.5),
      hasIndicators,
      slots,
      next: 0,
      clicked: new Set(),
      names: new Set(),
      truth: {
        name: lure.name,
        kind: lure.kind,
        messageIds: [],
        senders,
        senderIps,
        domains: [...senderDomains, ...landingUrls.map((u) => new URL(u).hostname)],
        urls: landingUrls,
        sha256s: attachments.map((a) => a.sha256),
        attachmentNames: [],
        hasIndicators,
        reportedMessageId: '',
        reportAlertId: '',
        zappedMessageIds: [],
        locations: ZERO_LOCATIONS(),
        clickedUsers: [],
        compromisedUsers: [],
        infectedDevices: [],
      },
    };
  }

  private planSlot(
    rng: Random,
    user: number,
    wave: number,
    at: number,
    p: { zapRate: number; clickRate: number; caughtRate: number; lure: Lure },
  ): Slot {
    const slot: Slot = {
      user,
      wave,
      at,
      sender: 0,
      ip: 0,
      subject: 0,
      greeting: 0,
      attachment: 0,
      attachmentName: 0,
      fate: 'INBOX',
      verdict: 'CLEAN',
      location: 'INBOX',
      zapAt: 0,
      deviceFileAt: 0,
      reportAt: 0,
      zapAlert: false,
      urlAlertAt: 0,
      riskyAlert: false,
    };
    if (rng.chance(p.caughtRate)) {
      // The filter caught it on arrival.
      slot.fate = 'CAUGHT';
      slot.verdict = p.lure.kind === 'MALWARE' ? 'MALWARE' : rng.chance(0.7) ? 'PHISH' : 'SPAM';
      slot.location = slot.verdict === 'SPAM' ? 'JUNK' : 'QUARANTINE';
      return slot;
    }
    if (rng.chance(p.zapRate)) {
      slot.fate = 'ZAPPED';
      slot.zapAt = at + rng.between(1 * HOUR, 18 * HOUR);
      slot.location = rng.chance(0.75) ? 'QUARANTINE' : 'DELETED';
    } else if (rng.chance(0.06)) {
      slot.fate = 'USER_DELETED';
      slot.location = 'DELETED';
    } else if (rng.chance(0.02)) {
      slot.fate = 'USER_JUNKED';
      slot.location = 'JUNK';
    }
    if (p.lure.path && rng.chance(p.clickRate)) {
      let clickAt = at + rng.delay(40, 1, 240);
      if (slot.fate === 'ZAPPED' && clickAt >= slot.zapAt) clickAt = at + Math.floor((slot.zapAt - at) * rng.next() * 0.9);
      slot.click = {
        at: clickAt,
        action: rng.chance(0.85) ? 'ALLOWED' : 'BLOCKED',
        // Some clicks reach the server before their message: ingestion must resolve references in any order.
        early: rng.chance(0.1),
        withMessageId: rng.chance(0.9),
      };
    }
    return slot;
  }

  /**
   * Newsletter subscriptions come from a hash of (publisher, user), scaled so that the issues of the
   * 30 days add up to about the newsletter share of mail; the exact count is known before streaming.
   */
  private planNewsletters(plan: Random, budget: number): number {
    const { mailboxes } = this.options;
    const issueDays = PUBLISHERS.map((p) => {
      const days: number[] = [];
      for (let d = 0; d < SPAN_DAYS; d++) if (p.days.includes(new Date(this.start + d * DAY).getUTCDay())) days.push(d);
      return days;
    });
    let natural = 0;
    PUBLISHERS.forEach((p, i) => (natural += p.subscribers * mailboxes * issueDays[i].length));
    const scale = natural > budget ? budget / natural : 1;
    let total = 0;
    PUBLISHERS.forEach((p, i) => {
      const subs: number[] = [];
      for (let u = 0; u < mailboxes; u++) if (unit(hash(this.seed, u, 100 + i)) < p.subscribers * scale) subs.push(u);
      this.subscribers.push(Int32Array.from(subs));
      this.newsletterCounts.push(0);
      this.newsletterSamples.push([]);
      if (subs.length === 0) return;
      issueDays[i].forEach((d, k) => {
        const order = shuffle(p.headlines, plan);
        this.issues.push({
          publisher: i,
          number: 140 + k,
          at: this.start + d * DAY + p.hour * HOUR + plan.between(0, 20) * MINUTE,
          headlines: order.slice(0, 3),
          reported: this.issues.length === 0,
        });
        total += subs.length;
      });
    });
    return total;
  }

  // -------------------------------------------------------------------------------------------
  // The directory: records without a natural time, first
  // -------------------------------------------------------------------------------------------

  private *directory(): Generator<IngestRecord, void, undefined> {
    const { seed } = this.options;
    for (let u = 0; u < this.people.length; u++) {
      const p = this.people[u];
      yield {
        type: 'mailbox',
        id: `mbx-${pad(u + 1, 6)}`,
        address: p.address,
        displayName: p.displayName,
        department: DEPARTMENTS[p.department],
      };
    }
    let device = 0;
    for (let u = 0; u < this.people.length; u++) {
      const p = this.people[u];
      const tag = `${p.first[0]}${p.last}`.toUpperCase().slice(0, 10);
      device++;
      yield p.laptopIsMac
        ? { type: 'device', id: p.laptop, name: `MBP-${tag}`, user: p.address, os: 'macOS 15' }
        : { type: 'device', id: p.laptop, name: `LT-${tag}-${pad(u % 100, 2)}`, user: p.address, os: 'Windows 11' };
      if (unit(hash(seed, u, 3)) < 0.4) {
        device++;
        const ios = unit(hash(seed, u, 5)) < 0.6;
        yield {
          type: 'device',
          id: `dev-${pad(device, 6)}`,
          name: `${ios ? 'iPhone' : 'Android'}-${tag}`,
          user: p.address,
          os: ios ? 'iOS 18' : 'Android 15',
        };
      }
    }
    if (device !== this.deviceCount) throw new Error('internal: device numbering drifted');

    // Installed software: the same benign files on many laptops (a file hash seen widely is not a threat by itself).
    const rng = new Random(seed, 2);
    for (let u = 0; u < this.people.length; u++) {
      const p = this.people[u];
      for (const f of this.commonFiles) {
        if (!rng.chance(0.5)) continue;
        yield {
          type: 'device_file',
          id: this.nextId('file'),
          device: p.laptop,
          sha256: f.sha256,
          path: p.laptopIsMac ? f.mac : f.windows,
          seenAt: iso(this.start - rng.between(1, 200) * DAY),
        };
      }
    }

    // Standing inbox rules, created before the window from the office.
    for (let u = 0; u < this.people.length; u++) {
      const h = unit(hash(seed, u, 6));
      if (h >= 0.1) continue;
      const p = this.people[u];
      const createdAt = iso(this.start - rng.between(2, 400) * DAY - rng.between(0, DAY));
      const createdFromIp = rng.pick(OFFICE_IPS[p.country]);
      const base = { type: 'inbox_rule' as const, id: this.nextId('rule'), mailbox: p.address, createdAt, createdFromIp };
      if (h < 0.015) {
        // An assistant or a deputy receives copies: forwarding, but inside the organisation.
        const other = this.people[(u + 1 + rng.int(this.people.length - 1)) % this.people.length];
        yield { ...base, name: 'Forward to deputy', forwardTo: other.address };
      } else if (h < 0.02) {
        yield { ...base, name: 'Delete promotions', deleteMessages: true };
      } else if (p.department === FINANCE && h < 0.05) {
        yield { ...base, name: 'Invoices', moveToFolder: 'Invoices' };
      } else {
        yield { ...base, name: 'Newsletters', moveToFolder: rng.pick(['Newsletters', 'Reading', 'Later']) };
      }
    }

    yield* this.indicators(rng);
  }

  /**
   * Threat intelligence: some campaigns' domains, URLs, files, senders or IPs (never all of them, and
   * nothing at all for every fourth campaign), unrelated feed entries, and allow-listed legitimate senders.
   */
  private *indicators(rng: Random): Generator<IndicatorRecord, void, undefined> {
    const ind = (
      kind: IndicatorRecord['kind'],
      value: string,
      verdict: IndicatorRecord['verdict'],
      campaign?: string,
      source?: string,
    ): IndicatorRecord => {
      const r: IndicatorRecord = { type: 'indicator', id: this.nextId('ind'), kind, value, verdict };
      if (campaign) r.campaign = campaign;
      if (source) r.source = source;
      return r;
    };
    for (const c of this.campaigns) {
      if (!c.hasIndicators) continue;
      const source = rng.pick(['threat-intel-feed', 'vendor-feed', 'isac-sharing']);
      const name = c.lure.name;
      if (c.landingUrls.length > 0) {
        yield ind('DOMAIN', new URL(c.landingUrls[0]).hostname, 'MALICIOUS', name, source);
        if (rng.chance(0.5)) yield ind('URL', c.landingUrls[0], 'MALICIOUS', name, source);
      }
      if (c.attachments.length > 0) yield ind('FILE', c.attachments[0].sha256, 'MALICIOUS', name, source);
      if (rng.chance(0.5)) yield ind('SENDER', c.senders[c.senders.length - 1], 'SUSPICIOUS', name, source);
      if (rng.chance(0.4)) yield ind('IP', c.senderIps[0], 'SUSPICIOUS', name, source);
    }
    for (let i = 0; i < 12; i++) {
      const campaign = `Feed cluster ${rng.between(100, 999)}`;
      switch (i % 3) {
        case 0:
          yield ind(
            'DOMAIN',
            `${rng.pick(WORDS)}-${rng.pick(DOMAIN_SUFFIXES)}${rng.between(1, 99)}.example`,
            'MALICIOUS',
            campaign,
            'threat-intel-feed',
          );
          break;
        case 1:
          yield ind('IP', ipFromHash(OCTETS.spam, rng.u32()), 'SUSPICIOUS', campaign, 'threat-intel-feed');
          break;
        default:
          yield ind('FILE', rng.sha256(), 'MALICIOUS', campaign, 'vendor-feed');
      }
    }
    for (const p of PUBLISHERS) yield ind('DOMAIN', p.domain, 'CLEAN', undefined, 'allow-list');
    for (const v of VENDORS) yield ind('SENDER', `${v.mailbox}@${PARTNERS[v.partner].domain}`, 'CLEAN', undefined, 'allow-list');
  }

  // -------------------------------------------------------------------------------------------
  // Sources on the timeline
  // -------------------------------------------------------------------------------------------

  private scheduleSources(): void {
    for (const c of this.campaigns) if (c.slots.length > 0) this.timeline.push(this.campaignSource(c));
    for (const issue of this.issues) this.timeline.push(this.issueSource(issue));
    for (let d = 0; d < SPAN_DAYS; d++) this.timeline.push(this.signInDay(d));
    const rng = new Random(this.seed, 3);
    for (const day of [5, 14, 23]) this.timeline.push(this.passwordSpray(this.start + day * DAY + rng.between(1, 4) * HOUR, rng));
    // A few benign rules created during the window, from the office.
    for (let u = 0; u < this.people.length; u++) {
      if (!rng.chance(0.01)) continue;
      const p = this.people[u];
      const at = this.start + rng.between(0, SPAN_DAYS * 24 - 1) * HOUR + rng.between(0, HOUR);
      const ip = rng.pick(OFFICE_IPS[p.country]);
      const folder = rng.pick(['Projects', 'Customers', 'Receipts', 'Team']);
      this.timeline.at(at, () => ({
        type: 'inbox_rule',
        id: this.nextId('rule'),
        mailbox: p.address,
        name: `Move to ${folder}`,
        moveToFolder: folder,
        createdAt: iso(at),
        createdFromIp: ip,
      }));
    }
    if (this.ordinaryBudget > 0) this.timeline.push(this.ordinarySource());
  }

  private campaignSource(c: Campaign): Task {
    const task: Task = {
      at: c.slots[0].at,
      seq: 0,
      run: (out) => {
        this.emitCampaignMessage(c, c.slots[c.next], out);
        c.next++;
        if (c.next >= c.slots.length) return false;
        task.at = c.slots[c.next].at;
        return true;
      },
    };
    return task;
  }

  private emitCampaignMessage(c: Campaign, s: Slot, out: IngestRecord[]): void {
    const { rng, lure } = c;
    const p = this.people[s.user];
    const id = this.nextId('msg');
    const colleague = this.people[(s.user + 1 + rng.int(this.people.length - 1)) % this.people.length];
    const token = rng.token(rng.between(8, 12));
    const url =
      c.landingUrls.length > 0
        ? `${c.landingUrls[s.wave % c.landingUrls.length]}?${lure.param}=${token}${c.encodesRecipient ? `&e=${Buffer.from(p.address).toString('base64url')}` : ''}`
        : '';
    const vars: Vars = {
      first: capitalise(p.first),
      last: capitalise(p.last),
      address: p.address,
      org: this.orgName,
      ref: String(rng.between(100_000, 9_999_999)),
      amount: money(rng, ...(lure.amount ?? [200, 9_800])),
      date: longDate(s.at + rng.between(2, 10) * DAY),
      ymd: isoDay(s.at),
      n: String(rng.between(lure.n[0], lure.n[1])),
      name: colleague.displayName,
      nameAddress: colleague.address,
      country: rng.pick(LURE_COUNTRY_NAMES),
      ip: ipFromHash(OCTETS.attacker, rng.u32()),
      url,
    };
    const reminder = c.reminders && s.wave > 0;
    let subject = render(c.subjects[s.subject], vars);
    if (reminder) subject = `${s.wave === 1 ? 'Reminder' : 'Final notice'}: ${subject}`;
    let body = render(c.greetings[s.greeting], vars) + '\n\n';
    if (reminder) body += 'We have not yet received a response to our previous message.\n\n';
    for (const paragraph of c.paragraphs) body += render(paragraph, vars) + '\n\n';
    body += render(c.signOff, vars);

    const senderDomain = c.senders[s.sender].split('@')[1];
    const record: MessageRecord = {
      type: 'message',
      id,
      recipient: p.address,
      sender: c.senders[s.sender],
      senderIp: c.senderIps[s.ip],
      returnPath: `bounce-${rng.token(6)}@${c.mailer}`,
      subject,
      body,
      receivedAt: iso(s.at),
      location: s.location,
      verdict: s.verdict,
      auth: c.senderAuth[c.senderDomains.indexOf(senderDomain)],
      direction: 'INBOUND',
      internetMessageId: `<${rng.token(16)}@${senderDomain}>`,
    };
    if (url) record.urls = [url];
    let attachment: AttachmentRecord | undefined;
    if (c.attachments.length > 0) {
      const file = c.attachments[s.attachment];
      attachment = { name: render(c.attachmentNames[s.attachmentName], vars), sha256: file.sha256, size: file.size };
      record.attachments = [attachment];
      c.names.add(attachment.name);
    }

    const truth = c.truth;
    truth.messageIds.push(id);
    truth.locations[s.location]++;
    this.messageCounts.campaign++;

    if (s.click) {
      const click = s.click;
      c.clicked.add(p.address);
      const make = () => {
        const clickId = this.nextId('clk');
        if (s.compromise) s.compromise.truth.clickId = clickId;
        return {
          type: 'url_click' as const,
          id: clickId,
          url,
          user: p.address,
          at: iso(click.at),
          action: click.action,
          ...(click.withMessageId ? { messageId: id } : {}),
        };
      };
      if (click.early) out.push(make());
      else this.timeline.at(click.at, make);
    }
    out.push(record);

    if (s.fate === 'ZAPPED') {
      truth.zappedMessageIds.push(id);
      this.timeline.at(s.zapAt, () => ({ type: 'zap', id: this.nextId('zap'), messageId: id, at: iso(s.zapAt), reason: lure.kind }));
      if (s.zapAlert) {
        const at = s.zapAt + rng.between(1, 10) * MINUTE;
        this.alert(at, lure.kind === 'PHISH' ? 'PHISH_ZAPPED' : 'MALWARE_ZAPPED', lure.kind === 'PHISH' ? 'LOW' : 'MEDIUM', lure.name, {
          messageId: id,
          user: p.address,
          ...(attachment ? { sha256: attachment.sha256 } : {}),
        });
      }
    }
    if (s.reportAt > 0) {
      truth.reportedMessageId = id;
      truth.reportAlertId = this.alert(s.reportAt, 'USER_REPORTED', 'INFORMATIONAL', lure.name, { messageId: id, user: p.address });
    }
    if (s.urlAlertAt > 0) this.alert(s.urlAlertAt, 'URL_VERDICT_CHANGE', 'MEDIUM', lure.name, { url, user: p.address });
    if (s.deviceFileAt > 0 && attachment) {
      const at = s.deviceFileAt;
      const path = p.laptopIsMac
        ? `/Users/${p.local}/Downloads/${attachment.name}`
        : `C:\\Users\\${p.local}\\Downloads\\${attachment.name}`;
      const sha256 = attachment.sha256;
      truth.infectedDevices.push(p.laptop);
      this.timeline.at(at, () => ({ type: 'device_file', id: this.nextId('file'), device: p.laptop, sha256, path, seenAt: iso(at) }));
    }
    if (s.compromise) this.scheduleCompromise(c, s, id);
  }

  /** Credentials entered on the landing page: a HIGH-risk sign-in from a new country, then an inbox rule from the same IP. */
  private scheduleCompromise(c: Campaign, s: Slot, messageId: string): void {
    const k = s.compromise!;
    const p = this.people[s.user];
    k.truth.messageId = messageId;
    c.truth.compromisedUsers.push(p.address);
    this.timeline.at(k.signInAt, () => {
      k.truth.signInId = this.nextId('sgn');
      return {
        type: 'sign_in',
        id: k.truth.signInId,
        user: p.address,
        ip: k.ip,
        country: k.country,
        at: iso(k.signInAt),
        risk: 'HIGH',
        result: 'SUCCESS',
      };
    });
    if (s.riskyAlert) this.alert(k.signInAt + c.rng.between(2, 15) * MINUTE, 'RISKY_SIGN_IN', 'HIGH', c.lure.name, { user: p.address });
    this.timeline.at(k.ruleAt, () => {
      k.truth.ruleId = this.nextId('rule');
      return {
        type: 'inbox_rule',
        id: k.truth.ruleId,
        mailbox: p.address,
        name: k.ruleName,
        ...(k.forwardTo ? { forwardTo: k.forwardTo } : {}),
        ...(k.deleteMessages ? { deleteMessages: true } : {}),
        createdAt: iso(k.ruleAt),
        createdFromIp: k.ip,
      };
    });
    const returnsAt = k.returnsAt;
    if (returnsAt)
      this.timeline.at(returnsAt, () => ({
        type: 'sign_in',
        id: this.nextId('sgn'),
        user: p.address,
        ip: k.ip,
        country: k.country,
        at: iso(returnsAt),
        risk: 'HIGH',
        result: 'SUCCESS',
      }));
  }

  /** Schedules an alert and records in the truth what it is about; returns its id. */
  private alert(
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

  /** One newsletter issue: the same text to every subscriber within minutes, personalised by name and tracking id. */
  private issueSource(issue: Issue): Task {
    const publisher = PUBLISHERS[issue.publisher];
    const subs = this.subscribers[issue.publisher];
    const rng = new Random(this.seed, 10_000 + issue.publisher * 100 + issue.number);
    const ip = this.newsletterIp(issue.publisher);
    const campaign = `issue-${issue.number}`;
    const subject = `${publisher.title} #${issue.number}: ${issue.headlines[0]}`;
    const articles = issue.headlines.map((h) => `https://news.${publisher.domain}/${campaign}/${slug(h)}`);
    const head = `${publisher.title} | Issue ${issue.number} | ${longDate(issue.at)}\n\nHi `;
    const reportIndex = issue.reported ? Math.min(2, subs.length - 1) : -1;
    let next = 0;
    const task: Task = {
      at: issue.at,
      seq: 0,
      run: (out) => {
        const u = subs[next];
        const p = this.people[u];
        const id = this.nextId('msg');
        const sid = rng.token(10);
        const query = `?utm_source=newsletter&utm_medium=email&utm_campaign=${campaign}&sid=${sid}`;
        const urls = articles.map((a) => a + query);
        const unsubscribe = `https://news.${publisher.domain}/unsubscribe?sid=${sid}`;
        urls.push(unsubscribe);
        let body = `${head}${capitalise(p.first)},\n\nHere is what we are reading this week.\n\n`;
        for (let i = 0; i < issue.headlines.length; i++) body += `${i + 1}. ${issue.headlines[i]}\n   ${urls[i]}\n\n`;
        body += `${publisher.blurb}\n\nYou are receiving this email because ${p.address} is subscribed to ${publisher.title}.\nManage preferences or unsubscribe: ${unsubscribe}`;
        const record: MessageRecord = {
          type: 'message',
          id,
          recipient: p.address,
          sender: publisher.sender,
          senderIp: ip,
          returnPath: `bounces+${sid}@mail.${publisher.domain}`,
          subject,
          body,
          urls,
          receivedAt: iso(task.at),
          location: 'INBOX',
          verdict: 'CLEAN',
          auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
          direction: 'INBOUND',
          internetMessageId: `<${campaign}.${sid}@mail.${publisher.domain}>`,
        };
        this.messageCounts.newsletter++;
        this.newsletterCounts[issue.publisher]++;
        const samples = this.newsletterSamples[issue.publisher];
        if (samples.length < 10) samples.push(id);
        // Readers click newsletter links too: a click on bulk mail does not make a user suspicious.
        if (rng.chance(0.03)) {
          const at = task.at + rng.delay(120, 2, 2 * 24 * 60);
          const url = urls[rng.int(issue.headlines.length)];
          const make = () => ({
            type: 'url_click' as const,
            id: this.nextId('clk'),
            url,
            user: p.address,
            at: iso(at),
            action: 'ALLOWED' as const,
            messageId: id,
          });
          if (rng.chance(0.05)) out.push(make());
          else this.timeline.at(at, make);
        }
        out.push(record);
        if (next === reportIndex)
          this.alert(
            task.at + rng.between(1, 3) * HOUR,
            'USER_REPORTED',
            'INFORMATIONAL',
            null,
            { messageId: id, user: p.address },
            'NEWSLETTER',
          );
        next++;
        if (next >= subs.length) return false;
        task.at += rng.between(50, 400);
        return true;
      },
    };
    return task;
  }

  private newsletterIp(publisher: number): string {
    return ipFromHash(OCTETS.mailServer, hash(this.seed, publisher, 200));
  }

  /** A day of ordinary sign-ins, sorted by time when the day begins (one day's worth in memory). */
  private signInDay(day: number): Task {
    const dayStart = this.start + day * DAY;
    const rng = new Random(this.seed, 20_000 + day);
    let times: Float64Array | undefined;
    let users: Int32Array | undefined;
    let order: Uint32Array | undefined;
    let next = 0;
    const task: Task = {
      at: dayStart,
      seq: 0,
      run: (out) => {
        if (!order) {
          const weekend = isWeekend(dayStart);
          const t: number[] = [];
          const us: number[] = [];
          for (let u = 0; u < this.people.length; u++) {
            if (weekend) {
              if (rng.chance(0.1)) {
                t.push(dayStart + rng.between(9 * HOUR, 20 * HOUR));
                us.push(u);
              }
              continue;
            }
            t.push(dayStart + rng.between(7 * HOUR, 9 * HOUR + 30 * MINUTE));
            us.push(u);
            if (rng.chance(0.25)) {
              t.push(dayStart + rng.between(12 * HOUR, 17 * HOUR));
              us.push(u);
            }
          }
          times = Float64Array.from(t);
          users = Int32Array.from(us);
          const tt = times;
          order = Uint32Array.from(t.keys()).sort((a, b) => tt[a] - tt[b]);
          if (order.length === 0) return false;
          task.at = times[order[0]];
          return true;
        }
        const i = order[next];
        this.emitSignIn(users![i], times![i], day, rng, out);
        next++;
        if (next >= order.length) {
          times = users = order = undefined;
          return false;
        }
        task.at = times![order[next]];
        return true;
      },
    };
    return task;
  }

  private emitSignIn(u: number, at: number, day: number, rng: Random, out: IngestRecord[]): void {
    const p = this.people[u];
    // About 2 % of people travel once in the month, for three to five days: new country, LOW risk, success.
    const h = hash(this.seed, u, 7);
    const travels = unit(h) < 0.02;
    const tripStart = (h >>> 8) % (SPAN_DAYS - 5);
    let ip: string;
    let country: string;
    let risk: 'NONE' | 'LOW';
    if (travels && day >= tripStart && day < tripStart + 3 + ((h >>> 16) % 3)) {
      country = TRAVEL_COUNTRIES[(h >>> 20) % TRAVEL_COUNTRIES.length];
      ip = ipFromHash(OCTETS.hotel, hash(this.seed, u, 8));
      risk = 'LOW';
    } else {
      country = p.country;
      ip = rng.chance(0.7) ? OFFICE_IPS[p.country][u & 1] : ipFromHash(OCTETS.residential, hash(this.seed, u, 9));
      risk = 'NONE';
    }
    if (rng.chance(0.02))
      out.push({
        type: 'sign_in',
        id: this.nextId('sgn'),
        user: p.address,
        ip,
        country,
        at: iso(at - rng.between(10, 60) * SECOND),
        risk,
        result: 'FAILURE',
      });
    out.push({ type: 'sign_in', id: this.nextId('sgn'), user: p.address, ip, country, at: iso(at), risk, result: 'SUCCESS' });
  }

  /** A password spray at night: failures only, MEDIUM risk, from countries no campaign attacker uses. */
  private passwordSpray(at: number, rng: Random): Task {
    const targets = Math.min(300, Math.max(3, Math.round(this.people.length * 0.015)));
    const ips = [ipFromHash(OCTETS.spray, rng.u32()), ipFromHash(OCTETS.spray, rng.u32())];
    const country = rng.pick(SPRAY_COUNTRIES);
    let done = 0;
    const task: Task = {
      at,
      seq: 0,
      run: (out) => {
        const p = this.people[rng.int(this.people.length)];
        out.push({
          type: 'sign_in',
          id: this.nextId('sgn'),
          user: p.address,
          ip: ips[done & 1],
          country,
          at: iso(task.at),
          risk: 'MEDIUM',
          result: 'FAILURE',
        });
        if (++done >= targets) return false;
        task.at += rng.between(2 * SECOND, 40 * SECOND);
        return true;
      },
    };
    return task;
  }

  // -------------------------------------------------------------------------------------------
  // Ordinary mail: the remainder of the message budget, spread over working hours
  // -------------------------------------------------------------------------------------------

  private ordinarySource(): Task {
    const rng = new Random(this.seed, 4);
    const hours = SPAN_DAYS * 24;
    // Records per hour by cumulative rounding, so they add up to the budget exactly.
    const weights = Array.from({ length: hours }, (_, h) => mailVolume(this.start + h * HOUR));
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const perHour = new Int32Array(hours);
    let cumulative = 0;
    let assigned = 0;
    for (let h = 0; h < hours; h++) {
      cumulative += weights[h];
      const upTo = Math.round((this.ordinaryBudget * cumulative) / weightSum);
      perHour[h] = upTo - assigned;
      assigned = upTo;
    }
    let hour = 0;
    let used = 0;
    let remaining = this.ordinaryBudget;
    const advance = () => {
      while (hour < hours && used >= perHour[hour]) {
        used -= perHour[hour];
        hour++;
      }
    };
    const place = () => this.start + hour * HOUR + Math.floor(((used + rng.next()) / perHour[hour]) * HOUR);
    // Sum of perHour is the budget, so while messages remain `hour` stays in range and perHour[hour] > used ≥ 0.
    const ctx: OrdinaryContext = {
      rng,
      internal: new Array<Thread | undefined>(512),
      external: new Array<Thread | undefined>(256),
      internalNext: 0,
      externalNext: 0,
    };
    advance();
    const task: Task = {
      at: place(),
      seq: 0,
      run: (out) => {
        const made = this.emitOrdinary(ctx, task.at, remaining, out);
        remaining -= made;
        used += made;
        if (remaining <= 0) return false;
        advance();
        task.at = hour < hours ? Math.max(task.at, place()) : task.at + SECOND;
        return true;
      },
    };
    return task;
  }

  /** One ordinary email (several records when it has several recipients); returns how many message records. */
  private emitOrdinary(ctx: OrdinaryContext, at: number, remaining: number, out: IngestRecord[]): number {
    const r = ctx.rng.next();
    if (r < 0.33) return this.internalNew(ctx, at, remaining, out);
    if (r < 0.6) return this.internalReply(ctx, at, remaining, out);
    if (r < 0.8) return this.externalNew(ctx, at, out);
    if (r < 0.91) return this.externalReply(ctx, at, out);
    if (r < 0.97) return this.invoice(ctx, at, out);
    return this.spam(ctx, at, out);
  }

  /** `count` sentences, never the same one twice in a row. */
  private sentences(ctx: OrdinaryContext, pool: readonly Template[], count: number, vars: Vars): string {
    let s = '';
    let previous = -1;
    for (let i = 0; i < count; i++) {
      let k = ctx.rng.int(pool.length);
      if (k === previous) k = (k + 1) % pool.length;
      previous = k;
      s += (i > 0 ? ' ' : '') + render(pool[k], vars);
    }
    return s;
  }

  private smallTalk(ctx: OrdinaryContext, topic: string): Vars {
    const rng = ctx.rng;
    return {
      t: topic,
      T: capitalise(topic),
      day: rng.pick(WEEKDAYS),
      time: rng.pick(MEETING_TIMES),
      name: capitalise(this.people[rng.int(this.people.length)].first),
      org: this.orgName,
    };
  }

  private internalNew(ctx: OrdinaryContext, at: number, remaining: number, out: IngestRecord[]): number {
    const rng = ctx.rng;
    const people = this.people.length;
    const author = rng.int(people);
    const count = Math.min(remaining, rng.weighted([1, 2, 3, 4], [60, 25, 10, 5]));
    const recipients: number[] = [];
    while (recipients.length < count) {
      const u = (author + 1 + rng.int(people - 1)) % people;
      if (!recipients.includes(u)) recipients.push(u);
    }
    const vars = this.smallTalk(ctx, rng.pick(TOPICS));
    const subject = render(rng.pick(INTERNAL_SUBJECTS), vars);
    const firstLine = this.sentences(ctx, INTERNAL_SENTENCES, 1, vars);
    const text = `${firstLine} ${this.sentences(ctx, INTERNAL_SENTENCES, rng.between(1, 3), vars)}`;
    const greeting =
      count === 1 ? `Hi ${capitalise(this.people[recipients[0]].first)},` : rng.pick(['Hi all,', 'Hi team,', 'Hello everyone,']);
    const a = this.people[author];
    let body = `${greeting}\n\n${text}\n\n${rng.pick(SIGN_OFFS)}\n${capitalise(a.first)}`;
    let urls: string[] | undefined;
    if (rng.chance(0.15)) {
      const link = `https://files.${this.options.domain}/sites/${slug(DEPARTMENTS[a.department])}/${slug(vars.t)}-v${rng.between(1, 9)}.docx`;
      urls = [link];
      body += `\n\nLink: ${link}`;
    }
    const imid = `<${rng.token(14)}@${this.options.domain}>`;
    ctx.internal[ctx.internalNext++ % ctx.internal.length] = {
      subject,
      firstLine,
      imid,
      at,
      author: capitalise(a.first),
      people: [author, ...recipients],
      partner: -1,
      contact: '',
      contactName: '',
    };
    this.internalCopies(ctx, at, a.address, recipients, subject, body, urls, imid, out);
    return count;
  }

  private internalReply(ctx: OrdinaryContext, at: number, remaining: number, out: IngestRecord[]): number {
    const rng = ctx.rng;
    const thread = ctx.internal[rng.int(Math.min(ctx.internalNext, ctx.internal.length))];
    if (!thread) return this.internalNew(ctx, at, remaining, out);
    const author = rng.pick(thread.people);
    const recipients = thread.people.filter((u) => u !== author).slice(0, remaining);
    const a = this.people[author];
    const vars = this.smallTalk(ctx, 'plan');
    const body =
      `${this.sentences(ctx, REPLY_SENTENCES, rng.between(1, 2), vars)}\n\n${capitalise(a.first)}\n\n` +
      `On ${longDate(thread.at)}, ${thread.author} wrote:\n> ${thread.firstLine}`;
    this.internalCopies(
      ctx,
      at,
      a.address,
      recipients,
      `RE: ${thread.subject}`,
      body,
      undefined,
      `<${rng.token(14)}@${this.options.domain}>`,
      out,
    );
    return recipients.length;
  }

  private internalCopies(
    ctx: OrdinaryContext,
    at: number,
    sender: string,
    recipients: number[],
    subject: string,
    body: string,
    urls: string[] | undefined,
    imid: string,
    out: IngestRecord[],
  ): void {
    const rng = ctx.rng;
    const receivedAt = iso(at);
    for (const u of recipients) {
      const p = this.people[u];
      const id = this.nextId('msg');
      const record: MessageRecord = {
        type: 'message',
        id,
        recipient: p.address,
        sender,
        subject,
        body,
        receivedAt,
        location: rng.chance(0.02) ? 'DELETED' : 'INBOX',
        verdict: 'CLEAN',
        direction: 'INTERNAL',
        internetMessageId: imid,
      };
      if (urls) {
        record.urls = urls;
        if (rng.chance(0.08)) this.ordinaryClick(ctx, urls[0], p.address, at, id);
      }
      out.push(record);
      this.messageCounts.internal++;
    }
  }

  private ordinaryClick(ctx: OrdinaryContext, url: string, user: string, at: number, messageId: string): void {
    const clickAt = at + ctx.rng.delay(60, 1, 600);
    this.timeline.at(clickAt, () => ({
      type: 'url_click',
      id: this.nextId('clk'),
      url,
      user,
      at: iso(clickAt),
      action: 'ALLOWED',
      messageId,
    }));
  }

  private partnerContact(ctx: OrdinaryContext, partner: number): { address: string; name: string } {
    const rng = ctx.rng;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    return { address: `${first}.${last}@${PARTNERS[partner].domain}`, name: `${capitalise(first)} ${capitalise(last)}` };
  }

  private externalMessage(
    ctx: OrdinaryContext,
    at: number,
    partner: number,
    sender: string,
    user: number,
    subject: string,
    body: string,
    urls?: string[],
  ): MessageRecord {
    const pt = PARTNERS[partner];
    const record: MessageRecord = {
      type: 'message',
      id: this.nextId('msg'),
      recipient: this.people[user].address,
      sender,
      senderIp: ctx.rng.pick(this.partnerIps[partner]),
      returnPath: sender,
      subject,
      body,
      receivedAt: iso(at),
      location: ctx.rng.chance(0.02) ? 'DELETED' : 'INBOX',
      verdict: 'CLEAN',
      auth: pt.auth,
      direction: 'INBOUND',
      internetMessageId: `<${ctx.rng.token(14)}@${pt.domain}>`,
    };
    if (urls) record.urls = urls;
    return record;
  }

  private externalNew(ctx: OrdinaryContext, at: number, out: IngestRecord[]): number {
    const rng = ctx.rng;
    const partner = rng.int(PARTNERS.length);
    const pt = PARTNERS[partner];
    const user = rng.int(this.people.length);
    const contact = this.partnerContact(ctx, partner);
    const vars = this.smallTalk(ctx, rng.pick(EXTERNAL_TOPICS));
    vars.name = this.partnerContact(ctx, partner).name;
    const subject = render(rng.pick(EXTERNAL_SUBJECTS), vars);
    const firstLine = this.sentences(ctx, EXTERNAL_SENTENCES, 1, vars);
    let body = `Hello ${capitalise(this.people[user].first)},\n\n${firstLine} ${this.sentences(ctx, EXTERNAL_SENTENCES, rng.between(1, 3), vars)}\n\nBest regards,\n${contact.name}\n${pt.name}`;
    let urls: string[] | undefined;
    if (rng.chance(0.2)) {
      const link = `https://www.${pt.domain}/resources/${slug(vars.t)}`;
      urls = [link];
      body += `\n${link}`;
    }
    const record = this.externalMessage(ctx, at, partner, contact.address, user, subject, body, urls);
    if (urls && rng.chance(0.05)) this.ordinaryClick(ctx, urls[0], record.recipient, at, record.id);
    ctx.external[ctx.externalNext++ % ctx.external.length] = {
      subject,
      firstLine,
      imid: record.internetMessageId!,
      at,
      author: contact.name,
      people: [user],
      partner,
      contact: contact.address,
      contactName: contact.name,
    };
    out.push(record);
    this.messageCounts.external++;
    return 1;
  }

  private externalReply(ctx: OrdinaryContext, at: number, out: IngestRecord[]): number {
    const rng = ctx.rng;
    const thread = ctx.external[rng.int(Math.min(ctx.externalNext, ctx.external.length))];
    if (!thread) return this.externalNew(ctx, at, out);
    const vars = this.smallTalk(ctx, 'proposal');
    const body =
      `Hi ${capitalise(this.people[thread.people[0]].first)},\n\n${this.sentences(ctx, REPLY_SENTENCES, rng.between(1, 2), vars)} ` +
      `${this.sentences(ctx, EXTERNAL_SENTENCES, 1, vars)}\n\n${thread.contactName}\n${PARTNERS[thread.partner].name}\n\n` +
      `On ${longDate(thread.at)}, ${thread.author} wrote:\n> ${thread.firstLine}`;
    out.push(this.externalMessage(ctx, at, thread.partner, thread.contact, thread.people[0], `RE: ${thread.subject}`, body));
    this.messageCounts.external++;
    return 1;
  }

  /** A vendor invoice to someone in Finance: near-identical text per vendor, a unique PDF each time. */
  private invoice(ctx: OrdinaryContext, at: number, out: IngestRecord[]): number {
    const rng = ctx.rng;
    const v = rng.int(VENDORS.length);
    const vendor = VENDORS[v];
    const pt = PARTNERS[vendor.partner];
    let user = rng.int(this.people.length);
    for (let tries = 0; tries < 8 && this.people[user].department !== FINANCE; tries++) user = rng.int(this.people.length);
    const inv = `INV-${pt.name.slice(0, 3).toUpperCase()}-${rng.between(10_000, 99_999)}`;
    const vars: Vars = {
      inv,
      vendor: pt.name,
      amount: money(rng, 150, 24_000),
      date: longDate(at + 30 * DAY),
      month: MONTHS[new Date(at - 15 * DAY).getUTCMonth()],
      portal: vendor.portal ?? '',
    };
    const sender = `${vendor.mailbox}@${pt.domain}`;
    const record = this.externalMessage(
      ctx,
      at,
      vendor.partner,
      sender,
      user,
      render(rng.pick(vendor.subjects), vars),
      render(vendor.body, vars),
      vendor.portal ? [vendor.portal] : undefined,
    );
    const sha256 = rng.sha256();
    record.attachments = [{ name: `${inv}.pdf`, sha256, size: rng.between(40_000, 320_000) }];
    out.push(record);
    this.messageCounts.invoice++;
    this.invoiceCounts[v]++;
    const samples = this.invoiceSamples[v];
    if (samples.length < 10) samples.push(record.id);
    if (this.invoiceCounts[v] === 1 && v === 0) {
      // Finance reports a genuine invoice now and then: the investigation must find nothing.
      this.alert(
        at + rng.between(2, 6) * HOUR,
        'USER_REPORTED',
        'INFORMATIONAL',
        null,
        { messageId: record.id, user: record.recipient },
        'INVOICE',
      );
    }
    if (rng.chance(0.3)) {
      // The PDF is saved to the laptop: a benign file on a device.
      const p = this.people[user];
      const seenAt = at + rng.delay(60, 2, 600);
      const path = p.laptopIsMac ? `/Users/${p.local}/Downloads/${inv}.pdf` : `C:\\Users\\${p.local}\\Downloads\\${inv}.pdf`;
      this.timeline.at(seenAt, () => ({
        type: 'device_file',
        id: this.nextId('file'),
        device: p.laptop,
        sha256,
        path,
        seenAt: iso(seenAt),
      }));
    }
    return 1;
  }

  /** Junk that the filter already moved: bulk text, throwaway domains, failing authentication. */
  private spam(ctx: OrdinaryContext, at: number, out: IngestRecord[]): number {
    const rng = ctx.rng;
    const template = rng.pick(SPAM);
    const spamDomain = `${rng.pick(WORDS)}${rng.pick(WORDS)}${rng.between(1, 999)}.example`;
    const url = `https://${spamDomain}${template.path}?c=${rng.token(6)}`;
    const vars: Vars = { amount: money(rng, 500, 5_000), url };
    const sender = `${rng.pick(['offers', 'news', 'info', 'deals', 'hello'])}@${spamDomain}`;
    out.push({
      type: 'message',
      id: this.nextId('msg'),
      recipient: this.people[rng.int(this.people.length)].address,
      sender,
      senderIp: ipFromHash(OCTETS.spam, rng.u32()),
      returnPath: sender,
      subject: render(template.subject, vars),
      body: render(template.body, vars),
      urls: [url],
      receivedAt: iso(at),
      location: 'JUNK',
      verdict: 'SPAM',
      auth: { spf: rng.pick(['softfail', 'none', 'fail']), dkim: 'none', dmarc: 'none' },
      direction: 'INBOUND',
      internetMessageId: `<${rng.token(14)}@${spamDomain}>`,
    });
    this.messageCounts.spam++;
    return 1;
  }

  private nextId(kind: IdKind): string {
    const n = ++this.ids[kind];
    switch (kind) {
      case 'msg':
        return `msg-${pad(n, 7)}`;
      case 'alert':
        return `alert-${pad(n, 6)}`;
      default:
        return `${kind}-${pad(n, 7)}`;
    }
  }
}

type IdKind = 'msg' | 'clk' | 'sgn' | 'rule' | 'file' | 'ind' | 'zap' | 'alert';

interface OrdinaryContext {
  rng: Random;
  /** Recent threads that replies continue (a ring: old threads fall out, memory stays flat). */
  internal: (Thread | undefined)[];
  external: (Thread | undefined)[];
  internalNext: number;
  externalNext: number;
}

function pickWeighted(length: number, weights: readonly number[], r: number): number {
  let total = 0;
  for (let i = 0; i < length; i++) total += weights[i];
  let x = r * total;
  for (let i = 0; i < length; i++) if ((x -= weights[i]) < 0) return i;
  return length - 1;
}

function shuffle<T>(items: readonly T[], rng: Random): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
