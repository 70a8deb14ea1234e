/**
 * The `demo` tenant: a small, deterministic synthetic organisation (contoso.example) with the
 * telemetry of two weeks and seven investigations, one per interesting state, so the API and the
 * dashboard have something to show on a fresh start.
 *
 * Everything is relative to the moment of seeding (so the dashboard's 30-day window includes it) and
 * otherwise fixed: no Math.random, only a seeded PRNG for the variety of ordinary mail.
 * All rows are written in one transaction: a crash never leaves half a demo.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass, RequiredEntityData } from '@mikro-orm/core';
import type { Orm } from '../db/database.js';
import type { TenantDirectory } from '../tenants/tenant.service.js';
import type { Logger } from '../errors.js';
import { tenantEntityManager } from '../context.js';
import type { TenantOwned } from '../db/base.entity.js';
import { Mailbox } from '../telemetry/mailbox.entity.js';
import { EmailMessage, type Attachment, type AuthenticationResults } from '../telemetry/email-message.entity.js';
import { InboxRule, SignIn, UrlClick, ZapEvent } from '../telemetry/activity.entity.js';
import { Device, DeviceFile } from '../telemetry/device.entity.js';
import { Campaign, Indicator } from '../telemetry/indicator.entity.js';
import {
  ClickAction,
  DeliveryLocation,
  DetectionVerdict,
  IndicatorKind,
  MailDirection,
  SignInResult,
  SignInRisk,
  Verdict,
  ZapReason,
} from '../telemetry/telemetry.enums.js';
import { Alert, AlertKind, Severity } from '../alerts/alert.entity.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { GraphEdge, InvestigatedEntity } from '../investigations/investigated-entity.entity.js';
import { EmailCluster, EmailClusterMember } from '../investigations/email-cluster.entity.js';
import { LogStep } from '../investigations/log-step.entity.js';
import { ClusterQuery, EntityKind, InvestigationState, Phase, Playbook, StepStatus } from '../investigations/investigation.enums.js';
import { Action, type ActionTarget } from '../actions/action.entity.js';
import { ActionSource, ActionStatus, ActionType } from '../actions/action.enums.js';

export const DEMO_TENANT = 'demo';

// ---------------------------------------------------------------------------------------------
// Constants: the organisation and the outside world it receives mail from
// ---------------------------------------------------------------------------------------------

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Matches the tenant default `pendingActionTtlHours` (168 h): a recommended action expires after a week. */
const PENDING_ACTION_TTL_MS = 7 * DAY;
/** Any fixed seed: the demo must look the same on every machine. */
const DEMO_RANDOM_SEED = 0xc0ffee;

const DOMAIN = 'contoso.example';
/** The security admin who decides actions in the demo's history. */
const ANALYST = `alice@${DOMAIN}`;
const OFFICE_IP = '198.51.100.10';
const OFFICE_COUNTRY = 'US';

interface Person {
  readonly alias: string;
  readonly name: string;
  readonly department: string;
}

/** Twenty people; addresses are `<alias>@contoso.example`. The story's main characters come first. */
const PEOPLE: readonly Person[] = [
  { alias: 'alice', name: 'Alice Martin', department: 'Security Operations' },
  { alias: 'adele', name: 'Adele Vance', department: 'Finance' },
  { alias: 'megan', name: 'Megan Bowen', department: 'Marketing' },
  { alias: 'isaiah', name: 'Isaiah Langer', department: 'Sales' },
  { alias: 'diego', name: 'Diego Siciliani', department: 'Human Resources' },
  { alias: 'nestor', name: 'Nestor Wilke', department: 'Operations' },
  { alias: 'henrietta', name: 'Henrietta Mueller', department: 'Sales' },
  { alias: 'lynne', name: 'Lynne Robbins', department: 'Finance' },
  { alias: 'pradeep', name: 'Pradeep Gupta', department: 'Finance' },
  { alias: 'lee', name: 'Lee Gu', department: 'Engineering' },
  { alias: 'grady', name: 'Grady Archie', department: 'Engineering' },
  { alias: 'johanna', name: 'Johanna Lorenz', department: 'Engineering' },
  { alias: 'lidia', name: 'Lidia Holloway', department: 'Engineering' },
  { alias: 'joni', name: 'Joni Sherman', department: 'Legal' },
  { alias: 'miriam', name: 'Miriam Graham', department: 'Executive' },
  { alias: 'patti', name: 'Patti Fernandez', department: 'Executive' },
  { alias: 'alex', name: 'Alex Wilber', department: 'Sales' },
  { alias: 'irvin', name: 'Irvin Sayers', department: 'Operations' },
  { alias: 'christie', name: 'Christie Cline', department: 'Marketing' },
  { alias: 'enrico', name: 'Enrico Cattaneo', department: 'IT' },
];

const addressOf = (alias: string) => `${alias}@${DOMAIN}`;
const firstNameOf = (p: Person) => p.name.split(' ')[0];

const PASS_AUTH: AuthenticationResults = { spf: 'pass', dkim: 'pass', dmarc: 'pass' };

/** The newsletter every mailbox subscribes to: legitimate bulk mail, personalised per recipient. */
const NEWSLETTER = {
  sender: 'digest@retail-insights.example',
  returnPath: 'bounces+contoso@mail.retail-insights.example',
  ip: '198.51.100.80',
  issues: [
    { number: 141, daysAgo: 9, topic: 'store footfall after the summer' },
    { number: 142, hoursAgo: 50, topic: 'holiday demand outlook' },
  ],
} as const;

/** Credential phishing from a look-alike domain (zero instead of "o"), in two waves from two IPs. */
const PHISH = {
  campaign: 'Mailbox quota lure',
  domain: 'c0ntoso-support.example',
  sender: 'it-helpdesk@c0ntoso-support.example',
  returnPath: 'bounce-7731@mailer.c0ntoso-support.example',
  subject: 'Your mailbox is almost full',
  baseUrl: 'https://c0ntoso-support.example/quota/upgrade',
  /** Wave 1 passed the filter (verdict CLEAN, INBOX); ZAP later pulled some of it back. */
  wave1: { ip: '203.0.113.45', hoursAgo: 74, auth: { spf: 'pass', dkim: 'none', dmarc: 'none' } },
  /** Wave 2 arrived after the filter learned the campaign: PHISH, straight to quarantine. */
  wave2: { ip: '203.0.113.77', hoursAgo: 72, auth: { spf: 'softfail', dkim: 'none', dmarc: 'fail' } },
  zapHoursAgo: 71.5,
  wave1Recipients: ['adele', 'isaiah', 'megan', 'joni', 'lee', 'grady', 'lidia', 'johanna'],
  /** Of wave 1, the copies ZAP reached; the rest stayed in the inbox (which is why users clicked). */
  zapped: ['lee', 'grady', 'lidia', 'johanna'],
  wave2Recipients: ['lynne', 'pradeep', 'nestor', 'irvin', 'christie', 'alex', 'henrietta', 'diego'],
} as const;

/** The user whose credentials the phish harvested: a HIGH-risk sign-in from a new country, then a forwarding rule. */
const COMPROMISED = {
  alias: 'adele',
  attackerIp: '192.0.2.144',
  attackerCountry: 'RO',
  clickHoursAgo: 73.4,
  signInHoursAgo: 72.8,
  ruleHoursAgo: 72.6,
  forwardTo: 'adele.vance.mail@freemail.example',
} as const;

/** A second user who clicked: a MEDIUM-risk sign-in that ends in a USER_COMPROMISED investigation. */
const SECOND_CLICKER = { alias: 'isaiah', ip: '192.0.2.201', country: 'NL', clickHoursAgo: 73.1, signInHoursAgo: 67 } as const;

/** A macro-laden Word invoice; the same file under two names. */
const MALWARE = {
  campaign: 'Overdue invoice macro dropper',
  domain: 'northwind-invoices.example',
  sender: 'billing@northwind-invoices.example',
  returnPath: 'bounce@northwind-invoices.example',
  ip: '198.51.100.23',
  subject: 'Invoice INV-88213 overdue: payment required today',
  fileNames: ['Invoice_88213.docm', 'INV-88213.docm'],
  fileSize: 48_211,
  /** When the messages arrived: six days ago. */
  hoursAgo: 6 * 24,
  /** Caught on arrival (MALWARE, quarantined). */
  blockedOnArrival: ['miriam', 'patti', 'enrico'],
  /** Delivered CLEAN, then purged by ZAP 40 minutes later. */
  zapped: ['irvin', 'pradeep', 'lynne', 'alex'],
  /** Delivered CLEAN and missed by ZAP: the investigation's soft delete removed them (now DELETED). */
  remediated: ['nestor', 'adele', 'christie'],
  /** Nestor opened the attachment before ZAP ran: the file landed on his laptop. */
  openedBy: 'nestor',
} as const;

/** A real partner's mailbox, compromised: a "shared document" whose URL turned malicious 30 minutes ago. */
const PARTNER_SHARE = {
  sender: 'j.smith@fabrikam.example',
  ip: '198.51.100.120',
  subject: 'Q3 pricing review: shared document',
  url: 'https://fabrikam-docs.example/s/q3-pricing-review',
  hoursAgo: 26,
  recipients: ['alex', 'henrietta', 'isaiah', 'christie', 'megan', 'miriam'],
  clicks: [
    { alias: 'alex', hoursAgo: 25 },
    { alias: 'henrietta', hoursAgo: 20 },
  ],
  verdictChangedMinutesAgo: 32,
} as const;

const VENDOR_INVOICE = {
  sender: 'accounts@litware-supplies.example',
  ip: '198.51.100.51',
  subject: 'Invoice 2291 for October supplies',
  file: 'Litware_Invoice_2291.pdf',
  fileSize: 184_322,
  recipients: ['lynne', 'pradeep', 'adele'],
  daysAgo: 4,
} as const;

/** Internal threads: each body is one message of the thread, sent by the participants in turn. */
const INTERNAL_THREADS: readonly { subject: string; participants: string[]; daysAgo: number; bodies: string[] }[] = [
  {
    subject: 'Q3 budget review',
    participants: ['miriam', 'lynne', 'pradeep', 'patti'],
    daysAgo: 12,
    bodies: [
      'Please send your department numbers by Friday so we can close the Q3 review.',
      'Finance numbers attached to the shared folder; travel is 8% over plan.',
      'Thanks. Can we see travel split by team before the review?',
      'Split added as a second tab.',
    ],
  },
  {
    subject: 'Release 4.2 go/no-go',
    participants: ['lee', 'grady', 'johanna', 'lidia', 'enrico'],
    daysAgo: 9,
    bodies: [
      'Go/no-go for 4.2 tomorrow at 10:00. Blockers so far: none.',
      'Load tests passed on staging overnight.',
      'Docs are updated; release notes need one more review.',
      'Reviewed the notes, looks good.',
      'Infra is ready; rollback plan in the runbook.',
    ],
  },
  {
    subject: 'Team offsite logistics',
    participants: ['christie', 'megan', 'alex', 'henrietta'],
    daysAgo: 15,
    bodies: [
      'Venue is booked for the 14th. Please confirm dietary requirements.',
      'Vegetarian for me, thanks!',
      'Can we add a session on the spring campaign?',
    ],
  },
  {
    subject: 'Contract renewal: Litware',
    participants: ['joni', 'lynne', 'irvin'],
    daysAgo: 7,
    bodies: [
      'Litware renewal is due next month. Any issues with the current terms?',
      'Payment terms are fine; we would like 45 days instead of 30.',
      'Delivery SLA was missed twice this quarter; worth raising.',
    ],
  },
  {
    subject: 'New hire onboarding: week 1',
    participants: ['diego', 'enrico', 'lee'],
    daysAgo: 5,
    bodies: [
      'Our new engineer starts Monday. Laptop and accounts please.',
      'Laptop imaged, accounts created; credentials go out on Monday morning.',
      'I will be the onboarding buddy.',
    ],
  },
  {
    subject: 'Customer escalation: Tailspin Toys',
    participants: ['isaiah', 'alex', 'henrietta', 'miriam'],
    daysAgo: 4,
    bodies: [
      'Tailspin is unhappy with the delivery delays; call with them tomorrow at 9.',
      'I can join; I have the shipment history.',
      'Let us offer expedited shipping on the next order.',
      'Agreed. Keep me posted after the call.',
    ],
  },
  {
    subject: 'Warehouse inventory count',
    participants: ['nestor', 'irvin', 'pradeep'],
    daysAgo: 2,
    bodies: [
      'Inventory count is Saturday; the warehouse is closed to deliveries.',
      'Noted, I will move the Litware delivery to Monday.',
      'Please send the count sheet to finance when done.',
    ],
  },
];

/** Hashes of the demo's files: real SHA-256 of a fixed label, so they look like hashes and never change. */
const sha256Of = (label: string) => createHash('sha256').update(`air-demo:${label}`).digest('hex');
const MALWARE_SHA256 = sha256Of('invoice-88213.docm');
const VENDOR_PDF_SHA256 = sha256Of('litware-invoice-2291.pdf');
const BUDGET_XLSX_SHA256 = sha256Of('q3-budget.xlsx');

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

/** mulberry32: a tiny seeded PRNG, enough for deterministic variety. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

/** {"PHISH": 3, "CLEAN": 1}-style counts, as email clusters store them. */
function tally<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

/**
 * Creates rows for one tenant in one unit of work: stamps `tenantId` on every row, hands out
 * ingestion ids (`msg-0042`, `mbx-007`) and holds the clock and the PRNG.
 */
class DemoWriter {
  private readonly counters = new Map<string, number>();
  readonly random = mulberry32(DEMO_RANDOM_SEED);

  constructor(
    readonly em: EntityManager,
    readonly tenantId: string,
    readonly now: Date,
  ) {}

  ago(ms: number): Date {
    return new Date(this.now.getTime() - ms);
  }

  hoursAgo(hours: number): Date {
    return this.ago(hours * HOUR);
  }

  nextExternalId(prefix: string, width = 3): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-${String(n).padStart(width, '0')}`;
  }

  /** A lower-case hex token, e.g. for per-recipient tracking parameters. */
  token(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.random() * 16).toString(16);
    return out;
  }

  add<T extends TenantOwned>(entity: EntityClass<T>, data: Omit<RequiredEntityData<T>, 'tenantId'>): T {
    return this.em.create(entity, { ...data, tenantId: this.tenantId } as RequiredEntityData<T>);
  }
}

// ---------------------------------------------------------------------------------------------
// Telemetry
// ---------------------------------------------------------------------------------------------

interface MailSpec {
  recipient: string;
  sender: string;
  subject: string;
  body: string;
  receivedAt: Date;
  direction: MailDirection;
  location?: DeliveryLocation;
  verdict?: DetectionVerdict;
  senderIp?: string;
  returnPath?: string;
  urls?: string[];
  attachments?: Attachment[];
  auth?: AuthenticationResults;
  internetMessageId?: string;
}

function addMessage(w: DemoWriter, spec: MailSpec): EmailMessage {
  return w.add(EmailMessage, {
    externalId: w.nextExternalId('msg', 4),
    urls: [],
    attachments: [],
    location: DeliveryLocation.INBOX,
    verdict: DetectionVerdict.CLEAN,
    auth: PASS_AUTH,
    ...spec,
  });
}

/** Zero-hour auto purge: the message leaves the inbox for quarantine, and a ZapEvent records it. */
function zap(w: DemoWriter, message: EmailMessage, at: Date, reason: ZapReason): void {
  message.zappedAt = at;
  message.location = DeliveryLocation.QUARANTINE;
  w.add(ZapEvent, { externalId: w.nextExternalId('zap'), messageExternalId: message.externalId, at, reason });
}

/** What the investigations need to point at. */
interface Org {
  mailboxes: Map<string, Mailbox>;
  messages: EmailMessage[];
  /** Issue 142, one copy per mailbox. */
  newsletter: EmailMessage[];
  /** Messages sent by each person, one row per recipient copy. */
  sentBy: Map<string, EmailMessage[]>;
  /** The phishing copies, by recipient alias. */
  phish: Map<string, EmailMessage>;
  malware: Map<string, EmailMessage>;
  partnerShare: Map<string, EmailMessage>;
  clicks: { phish: Map<string, UrlClick>; partnerShare: Map<string, UrlClick> };
  riskySignIn: SignIn;
  secondClickerSignIn: SignIn;
  forwardingRule: InboxRule;
  devices: Map<string, Device>;
  indicators: { phishDomain: Indicator; phishUrl: Indicator; phishSender: Indicator; malwareFile: Indicator; partnerUrl: Indicator };
}

function seedMailboxes(w: DemoWriter): Map<string, Mailbox> {
  const mailboxes = new Map<string, Mailbox>();
  for (const p of PEOPLE) {
    mailboxes.set(
      p.alias,
      w.add(Mailbox, { externalId: w.nextExternalId('mbx'), address: addressOf(p.alias), displayName: p.name, department: p.department }),
    );
  }
  return mailboxes;
}

/** Two issues to everyone; bodies differ only by greeting and unsubscribe token (near-duplicates). */
function seedNewsletters(w: DemoWriter): { all: EmailMessage[]; latest: EmailMessage[] } {
  // Two recipients' junk settings treat the latest issue as spam: the clean cluster is not all-INBOX.
  const junkedLatest = new Set(['joni', 'irvin']);
  const all: EmailMessage[] = [];
  let latest: EmailMessage[] = [];
  for (const issue of NEWSLETTER.issues) {
    const sentAt = 'daysAgo' in issue ? w.ago(issue.daysAgo * DAY) : w.hoursAgo(issue.hoursAgo);
    const issueUrl = `https://retail-insights.example/issues/${issue.number}`;
    const isLatest = issue.number === NEWSLETTER.issues[NEWSLETTER.issues.length - 1].number;
    latest = PEOPLE.map((p, i) => {
      const token = w.token(12);
      const unsubscribe = `https://retail-insights.example/unsubscribe?r=${token}`;
      const junk = isLatest && junkedLatest.has(p.alias);
      return addMessage(w, {
        recipient: addressOf(p.alias),
        sender: NEWSLETTER.sender,
        senderIp: NEWSLETTER.ip,
        returnPath: NEWSLETTER.returnPath,
        subject: `Retail Insights Weekly, issue ${issue.number}: ${issue.topic}`,
        body:
          `Hi ${firstNameOf(p)},\n\nThis week: ${issue.topic}, three charts on basket size, and an interview ` +
          `with a regional grocer on staffing.\n\nRead the full issue: ${issueUrl}\n\n` +
          `You receive this because ${addressOf(p.alias)} subscribed. Unsubscribe: ${unsubscribe}`,
        urls: [issueUrl, unsubscribe],
        receivedAt: plus(sentAt, i * 7 * SECOND),
        direction: MailDirection.INBOUND,
        location: junk ? DeliveryLocation.JUNK : DeliveryLocation.INBOX,
        verdict: junk ? DetectionVerdict.SPAM : DetectionVerdict.CLEAN,
        internetMessageId: `<${issue.number}.${token}@mail.retail-insights.example>`,
      });
    });
    all.push(...latest);
  }
  return { all, latest };
}

/** Internal threads plus an all-hands announcement; every copy is its own row. */
function seedInternalMail(w: DemoWriter, sentBy: Map<string, EmailMessage[]>): EmailMessage[] {
  const out: EmailMessage[] = [];
  const send = (from: string, to: readonly string[], subject: string, body: string, at: Date, messageId: string) => {
    for (const recipient of to) {
      const m = addMessage(w, {
        recipient: addressOf(recipient),
        sender: addressOf(from),
        subject,
        body,
        receivedAt: plus(at, 2 * SECOND),
        direction: MailDirection.INTERNAL,
        internetMessageId: messageId,
      });
      out.push(m);
      sentBy.set(from, [...(sentBy.get(from) ?? []), m]);
    }
  };
  INTERNAL_THREADS.forEach((thread, t) => {
    // Working hours-ish: replies 1–5 hours apart after a morning start.
    let at = plus(w.ago(thread.daysAgo * DAY), -Math.floor(w.random() * 3) * HOUR);
    thread.bodies.forEach((body, i) => {
      const from = thread.participants[i % thread.participants.length];
      const to = thread.participants.filter((a) => a !== from);
      send(from, to, i === 0 ? thread.subject : `RE: ${thread.subject}`, body, at, `<thread-${t + 1}.${i + 1}@${DOMAIN}>`);
      at = plus(at, HOUR + Math.floor(w.random() * 4 * HOUR));
    });
  });
  const everyoneButPatti = PEOPLE.map((p) => p.alias).filter((a) => a !== 'patti');
  send(
    'patti',
    everyoneButPatti,
    'All-hands on Thursday: agenda',
    'All-hands is Thursday at 16:00 in the atrium and online. Agenda: Q3 results, the new CRM, Q&A.',
    w.ago(3 * DAY + 2 * HOUR),
    `<allhands-q3@${DOMAIN}>`,
  );
  return out;
}

/** A legitimate vendor invoice with a PDF: one send, three finance recipients. */
function seedVendorInvoice(w: DemoWriter): EmailMessage[] {
  const at = w.ago(VENDOR_INVOICE.daysAgo * DAY);
  return VENDOR_INVOICE.recipients.map((alias) =>
    addMessage(w, {
      recipient: addressOf(alias),
      sender: VENDOR_INVOICE.sender,
      senderIp: VENDOR_INVOICE.ip,
      subject: VENDOR_INVOICE.subject,
      body: 'Hello,\n\nPlease find attached invoice 2291 for the October supplies, due in 30 days.\n\nLitware Supplies, Accounts',
      attachments: [{ name: VENDOR_INVOICE.file, sha256: VENDOR_PDF_SHA256, size: VENDOR_INVOICE.fileSize }],
      receivedAt: at,
      direction: MailDirection.INBOUND,
      internetMessageId: '<inv-2291@litware-supplies.example>',
    }),
  );
}

/** Each recipient's link carries its own tracking parameter, so "same URL" means same host and path. */
function seedPhishCampaign(w: DemoWriter): Map<string, EmailMessage> {
  const copies = new Map<string, EmailMessage>();
  const waves = [
    { ...PHISH.wave1, recipients: PHISH.wave1Recipients, verdict: DetectionVerdict.CLEAN, location: DeliveryLocation.INBOX },
    { ...PHISH.wave2, recipients: PHISH.wave2Recipients, verdict: DetectionVerdict.PHISH, location: DeliveryLocation.QUARANTINE },
  ];
  waves.forEach((wave, waveIndex) => {
    wave.recipients.forEach((alias, i) => {
      const person = PEOPLE.find((p) => p.alias === alias)!;
      const url = `${PHISH.baseUrl}?uid=${w.token(10)}&c=q98`;
      copies.set(
        alias,
        addMessage(w, {
          recipient: addressOf(alias),
          sender: PHISH.sender,
          senderIp: wave.ip,
          returnPath: PHISH.returnPath,
          subject: PHISH.subject,
          body:
            `Dear ${firstNameOf(person)},\n\nYour mailbox ${addressOf(alias)} has used 98% of its 50 GB quota. ` +
            `Incoming mail will be rejected within 24 hours.\n\nUpgrade your storage now: ${url}\n\nContoso IT Support`,
          urls: [url],
          receivedAt: plus(w.hoursAgo(wave.hoursAgo), i * 40 * SECOND),
          direction: MailDirection.INBOUND,
          location: wave.location,
          verdict: wave.verdict,
          auth: wave.auth,
          internetMessageId: `<quota-${waveIndex + 1}-${i + 1}@${PHISH.domain}>`,
        }),
      );
    });
  });
  PHISH.zapped.forEach((alias, i) => zap(w, copies.get(alias)!, plus(w.hoursAgo(PHISH.zapHoursAgo), i * SECOND), ZapReason.PHISH));
  return copies;
}

function seedMalwareCampaign(w: DemoWriter): Map<string, EmailMessage> {
  const copies = new Map<string, EmailMessage>();
  const arrival = w.hoursAgo(MALWARE.hoursAgo);
  // Delivered copies arrive first; the filter caught up for the last three.
  const order = [...MALWARE.zapped, ...MALWARE.remediated, ...MALWARE.blockedOnArrival];
  order.forEach((alias, i) => {
    const caught = (MALWARE.blockedOnArrival as readonly string[]).includes(alias);
    const remediated = (MALWARE.remediated as readonly string[]).includes(alias);
    copies.set(
      alias,
      addMessage(w, {
        recipient: addressOf(alias),
        sender: MALWARE.sender,
        senderIp: MALWARE.ip,
        returnPath: MALWARE.returnPath,
        subject: MALWARE.subject,
        body: 'Please find attached the overdue invoice INV-88213. Enable editing and content to view it. Payment is due today.',
        attachments: [{ name: MALWARE.fileNames[i % MALWARE.fileNames.length], sha256: MALWARE_SHA256, size: MALWARE.fileSize }],
        receivedAt: plus(arrival, i * MINUTE),
        direction: MailDirection.INBOUND,
        // The ZAPPED_MALWARE investigation's soft delete (completed) already moved the missed copies.
        location: caught ? DeliveryLocation.QUARANTINE : remediated ? DeliveryLocation.DELETED : DeliveryLocation.INBOX,
        verdict: caught ? DetectionVerdict.MALWARE : DetectionVerdict.CLEAN,
        auth: { spf: 'pass', dkim: 'none', dmarc: 'none' },
        internetMessageId: `<inv-88213-${i + 1}@${MALWARE.domain}>`,
      }),
    );
  });
  MALWARE.zapped.forEach((alias, i) => zap(w, copies.get(alias)!, plus(arrival, 40 * MINUTE + i * SECOND), ZapReason.MALWARE));
  return copies;
}

function seedPartnerShare(w: DemoWriter): Map<string, EmailMessage> {
  const copies = new Map<string, EmailMessage>();
  PARTNER_SHARE.recipients.forEach((alias) => {
    copies.set(
      alias,
      addMessage(w, {
        recipient: addressOf(alias),
        sender: PARTNER_SHARE.sender,
        senderIp: PARTNER_SHARE.ip,
        subject: PARTNER_SHARE.subject,
        body: `Hi all,\n\nI have shared the Q3 pricing review with you: ${PARTNER_SHARE.url}\nPlease sign in to view.\n\nJohn`,
        urls: [PARTNER_SHARE.url],
        receivedAt: w.hoursAgo(PARTNER_SHARE.hoursAgo),
        direction: MailDirection.INBOUND,
        internetMessageId: '<q3-pricing-7781@fabrikam.example>',
      }),
    );
  });
  return copies;
}

function addClick(w: DemoWriter, message: EmailMessage, user: string, at: Date, action: ClickAction, url = message.urls[0]): UrlClick {
  return w.add(UrlClick, {
    externalId: w.nextExternalId('clk'),
    url,
    user: addressOf(user),
    at,
    action,
    messageExternalId: message.externalId,
  });
}

function seedClicks(w: DemoWriter, org: Pick<Org, 'phish' | 'partnerShare' | 'newsletter'>): Org['clicks'] {
  const phish = new Map<string, UrlClick>();
  // Two clicks went through before the URL was known to be bad (Safe Links misses); Megan's was blocked.
  phish.set(
    COMPROMISED.alias,
    addClick(w, org.phish.get(COMPROMISED.alias)!, COMPROMISED.alias, w.hoursAgo(COMPROMISED.clickHoursAgo), ClickAction.ALLOWED),
  );
  phish.set(
    SECOND_CLICKER.alias,
    addClick(w, org.phish.get(SECOND_CLICKER.alias)!, SECOND_CLICKER.alias, w.hoursAgo(SECOND_CLICKER.clickHoursAgo), ClickAction.ALLOWED),
  );
  phish.set('megan', addClick(w, org.phish.get('megan')!, 'megan', w.hoursAgo(50), ClickAction.BLOCKED));
  const partnerShare = new Map<string, UrlClick>();
  for (const c of PARTNER_SHARE.clicks) {
    partnerShare.set(c.alias, addClick(w, org.partnerShare.get(c.alias)!, c.alias, w.hoursAgo(c.hoursAgo), ClickAction.ALLOWED));
  }
  // Ordinary reading of the newsletter.
  ['lee', 'miriam', 'christie'].forEach((alias, i) => {
    const copy = org.newsletter.find((m) => m.recipient === addressOf(alias))!;
    addClick(w, copy, alias, w.hoursAgo(49 - i * 2), ClickAction.ALLOWED);
  });
  return { phish, partnerShare };
}

function seedSignIns(w: DemoWriter): { risky: SignIn; secondClicker: SignIn } {
  const signIn = (alias: string, at: Date, ip: string, country: string, risk: SignInRisk, result: SignInResult) =>
    w.add(SignIn, { externalId: w.nextExternalId('sgn', 4), user: addressOf(alias), ip, country, at, risk, result });
  // Everyone's routine: office sign-ins one and four days ago.
  for (const p of PEOPLE) {
    for (const daysAgo of [4, 1]) {
      signIn(
        p.alias,
        w.ago(daysAgo * DAY + Math.floor(w.random() * 120) * MINUTE),
        OFFICE_IP,
        OFFICE_COUNTRY,
        SignInRisk.NONE,
        SignInResult.SUCCESS,
      );
    }
  }
  // With the harvested password: two failures (MFA prompts declined?), then a success from a country Adele never signed in from.
  const attacker = (minutesBefore: number, risk: SignInRisk, result: SignInResult) =>
    signIn(
      COMPROMISED.alias,
      plus(w.hoursAgo(COMPROMISED.signInHoursAgo), -minutesBefore * MINUTE),
      COMPROMISED.attackerIp,
      COMPROMISED.attackerCountry,
      risk,
      result,
    );
  attacker(6, SignInRisk.MEDIUM, SignInResult.FAILURE);
  attacker(3, SignInRisk.MEDIUM, SignInResult.FAILURE);
  const risky = attacker(0, SignInRisk.HIGH, SignInResult.SUCCESS);
  const secondClicker = signIn(
    SECOND_CLICKER.alias,
    w.hoursAgo(SECOND_CLICKER.signInHoursAgo),
    SECOND_CLICKER.ip,
    SECOND_CLICKER.country,
    SignInRisk.MEDIUM,
    SignInResult.SUCCESS,
  );
  // Diego from home: low risk, part of what made the analyst look at him.
  signIn('diego', w.ago(70 * MINUTE), '198.51.100.200', OFFICE_COUNTRY, SignInRisk.LOW, SignInResult.SUCCESS);
  return { risky, secondClicker };
}

function seedInboxRules(w: DemoWriter): InboxRule {
  // An ordinary rule, so the malicious one is not the only row.
  w.add(InboxRule, {
    externalId: w.nextExternalId('rule'),
    mailbox: addressOf('megan'),
    name: 'Newsletters',
    moveToFolder: 'Newsletters',
    deleteMessages: false,
    enabled: true,
    createdAt: w.ago(20 * DAY),
    createdFromIp: OFFICE_IP,
  });
  // Created from the attacker's IP minutes after the risky sign-in: forward everything out, hide the copies.
  return w.add(InboxRule, {
    externalId: w.nextExternalId('rule'),
    mailbox: addressOf(COMPROMISED.alias),
    name: '..',
    forwardTo: COMPROMISED.forwardTo,
    moveToFolder: 'RSS Subscriptions',
    deleteMessages: false,
    enabled: true,
    createdAt: w.hoursAgo(COMPROMISED.ruleHoursAgo),
    createdFromIp: COMPROMISED.attackerIp,
  });
}

function seedDevices(w: DemoWriter): Map<string, Device> {
  const specs = [
    { alias: 'nestor', name: 'CONTOSO-LT-0142', os: 'Windows 11 23H2' },
    { alias: 'adele', name: 'CONTOSO-LT-0107', os: 'Windows 11 23H2' },
    { alias: 'isaiah', name: 'CONTOSO-MB-0031', os: 'macOS 14.6' },
    { alias: 'lynne', name: 'CONTOSO-LT-0088', os: 'Windows 11 23H2' },
    { alias: 'diego', name: 'CONTOSO-LT-0153', os: 'Windows 10 22H2' },
  ];
  const devices = new Map<string, Device>();
  for (const s of specs) {
    devices.set(s.alias, w.add(Device, { externalId: w.nextExternalId('dev'), name: s.name, user: addressOf(s.alias), os: s.os }));
  }
  const file = (alias: string, sha256: string, path: string, seenAt: Date) =>
    w.add(DeviceFile, { externalId: w.nextExternalId('file'), deviceExternalId: devices.get(alias)!.externalId, sha256, path, seenAt });
  file(
    MALWARE.openedBy,
    MALWARE_SHA256,
    `C:\\Users\\${MALWARE.openedBy}\\Downloads\\${MALWARE.fileNames[1]}`,
    plus(w.hoursAgo(MALWARE.hoursAgo), 25 * MINUTE),
  );
  file(
    'lynne',
    VENDOR_PDF_SHA256,
    `C:\\Users\\lynne\\Downloads\\${VENDOR_INVOICE.file}`,
    plus(w.ago(VENDOR_INVOICE.daysAgo * DAY), 2 * HOUR),
  );
  file('adele', BUDGET_XLSX_SHA256, 'C:\\Users\\adele\\Documents\\Q3_budget.xlsx', w.ago(11 * DAY));
  return devices;
}

function seedThreatIntel(w: DemoWriter): Org['indicators'] {
  w.add(Campaign, { name: PHISH.campaign, firstSeenAt: w.hoursAgo(PHISH.wave1.hoursAgo) });
  w.add(Campaign, { name: MALWARE.campaign, firstSeenAt: w.hoursAgo(MALWARE.hoursAgo) });
  const indicator = (kind: IndicatorKind, value: string, verdict: Verdict, source: string, campaign?: string) =>
    w.add(Indicator, { externalId: w.nextExternalId('ioc'), kind, value, verdict, source, campaign });
  const phishDomain = indicator(IndicatorKind.DOMAIN, PHISH.domain, Verdict.MALICIOUS, 'threat-intel-feed', PHISH.campaign);
  const phishUrl = indicator(IndicatorKind.URL, PHISH.baseUrl, Verdict.MALICIOUS, 'url-detonation', PHISH.campaign);
  const phishSender = indicator(IndicatorKind.SENDER, PHISH.sender, Verdict.MALICIOUS, 'threat-intel-feed', PHISH.campaign);
  indicator(IndicatorKind.IP, PHISH.wave1.ip, Verdict.MALICIOUS, 'threat-intel-feed', PHISH.campaign);
  indicator(IndicatorKind.IP, PHISH.wave2.ip, Verdict.SUSPICIOUS, 'threat-intel-feed', PHISH.campaign);
  const malwareFile = indicator(IndicatorKind.FILE, MALWARE_SHA256, Verdict.MALICIOUS, 'sandbox-detonation', MALWARE.campaign);
  indicator(IndicatorKind.DOMAIN, MALWARE.domain, Verdict.MALICIOUS, 'threat-intel-feed', MALWARE.campaign);
  const partnerUrl = indicator(IndicatorKind.URL, PARTNER_SHARE.url, Verdict.MALICIOUS, 'url-detonation');
  indicator(IndicatorKind.DOMAIN, 'retail-insights.example', Verdict.CLEAN, 'threat-intel-feed');
  return { phishDomain, phishUrl, phishSender, malwareFile, partnerUrl };
}

function seedTelemetry(w: DemoWriter): Org {
  const mailboxes = seedMailboxes(w);
  const sentBy = new Map<string, EmailMessage[]>();
  const newsletters = seedNewsletters(w);
  const newsletter = newsletters.latest;
  const internal = seedInternalMail(w, sentBy);
  const invoice = seedVendorInvoice(w);
  const phish = seedPhishCampaign(w);
  const malware = seedMalwareCampaign(w);
  const partnerShare = seedPartnerShare(w);
  const messages = [...newsletters.all, ...internal, ...invoice, ...phish.values(), ...malware.values(), ...partnerShare.values()];
  const clicks = seedClicks(w, { phish, partnerShare, newsletter });
  const { risky, secondClicker } = seedSignIns(w);
  const forwardingRule = seedInboxRules(w);
  const devices = seedDevices(w);
  const indicators = seedThreatIntel(w);
  return {
    mailboxes,
    messages,
    newsletter,
    sentBy,
    phish,
    malware,
    partnerShare,
    clicks,
    riskySignIn: risky,
    secondClickerSignIn: secondClicker,
    forwardingRule,
    devices,
    indicators,
  };
}

// ---------------------------------------------------------------------------------------------
// Investigation toolkit
// ---------------------------------------------------------------------------------------------

/** The log steps the demo's playbooks use, with the phase each normally runs in. */
const STEPS = {
  threat_type: {
    phase: Phase.ROOT_INVESTIGATION,
    name: 'Identify the threat',
    description: 'Classify the message: phish, malware, spam or clean.',
  },
  sender_reputation: {
    phase: Phase.ROOT_INVESTIGATION,
    name: 'Check sender reputation',
    description: 'Look up the sender, its domain and its sending IP in threat intelligence; check SPF, DKIM and DMARC.',
  },
  zap_check: {
    phase: Phase.ROOT_INVESTIGATION,
    name: 'Check zero-hour auto purge',
    description: 'See whether ZAP already removed copies of the message.',
  },
  user_compromise: {
    phase: Phase.HUNTING,
    name: 'Look for signs of compromise',
    description: 'Review sign-ins, inbox rules and forwarding of the users involved.',
  },
  campaign_association: { phase: Phase.HUNTING, name: 'Associate with campaigns', description: 'Match indicators to known campaigns.' },
  similar_messages: {
    phase: Phase.HUNTING,
    name: 'Find similar messages',
    description: 'Cluster mail by content, sender, sender IP, URL and attachment across all mailboxes.',
  },
  url_clicks: {
    phase: Phase.HUNTING,
    name: 'Find URL clicks',
    description: 'Find who clicked the URLs, and whether the click was allowed.',
  },
  safe_links_misses: {
    phase: Phase.HUNTING,
    name: 'Find Safe Links misses',
    description: 'Clicks allowed before the URL was known to be malicious.',
  },
  device_files: {
    phase: Phase.HUNTING,
    name: 'Check devices for the file',
    description: 'Look for the attachment on the devices of its recipients.',
  },
  recommend_actions: { phase: Phase.REMEDIATION, name: 'Recommend actions', description: 'Turn the findings into remediation actions.' },
  apply_actions: {
    phase: Phase.REMEDIATION,
    name: 'Run approved actions',
    description: 'Run the actions once approved, and record their results.',
  },
} as const;
type StepKey = keyof typeof STEPS;

/** How long a finished step took, unless the spec says otherwise. */
const DEFAULT_STEP_MS = 90 * SECOND;

interface StepSpec {
  key: StepKey;
  status: StepStatus;
  /** Defaults to the step's usual phase. */
  phase?: Phase;
  durationMs?: number;
  /** Start at this time instead of right after the previous step (e.g. after an approval). */
  startAt?: Date;
  progress?: number;
  progressMessage?: string;
  findings?: Record<string, unknown>;
  error?: string;
}

/**
 * Lay steps out one after another from `start`: finished steps get start and end, a running step a
 * start only, pending and skipped steps neither.
 */
function addSteps(w: DemoWriter, investigation: Investigation, start: Date, specs: StepSpec[]): LogStep[] {
  let cursor = start;
  return specs.map((spec, i) => {
    const finished = spec.status === StepStatus.COMPLETED || spec.status === StepStatus.FAILED;
    const started = finished || spec.status === StepStatus.RUNNING;
    const startedAt = started ? (spec.startAt ?? cursor) : undefined;
    const endedAt = finished && startedAt ? plus(startedAt, spec.durationMs ?? DEFAULT_STEP_MS) : undefined;
    if (endedAt) cursor = endedAt;
    return w.add(LogStep, {
      investigationId: investigation.id,
      seq: i + 1,
      phase: spec.phase ?? STEPS[spec.key].phase,
      key: spec.key,
      name: STEPS[spec.key].name,
      description: STEPS[spec.key].description,
      status: spec.status,
      progress: spec.status === StepStatus.COMPLETED ? 100 : (spec.progress ?? 0),
      progressMessage: spec.progressMessage,
      startedAt,
      endedAt,
      findings: spec.findings ?? {},
      error: spec.error,
    });
  });
}

/** When a finished step ended. */
function endOf(steps: LogStep[], key: StepKey): Date {
  const step = steps.find((s) => s.key === key);
  if (!step?.endedAt) throw new Error(`demo seed: step ${key} has not finished`);
  return step.endedAt;
}

interface AlertSpec {
  kind: AlertKind;
  severity: Severity;
  title: string;
  at: Date;
  messageExternalId?: string;
  url?: string;
  user?: string;
  sha256?: string;
  /** Alerts raised through the API (manual investigations) carry no ingestion id. */
  ingested?: boolean;
}

function addAlert(w: DemoWriter, { ingested = true, ...spec }: AlertSpec): Alert {
  return w.add(Alert, { ...spec, externalId: ingested ? w.nextExternalId('alert', 4) : undefined });
}

interface InvestigationSpec {
  playbook: Playbook;
  state: InvestigationState;
  title: string;
  trigger: Alert;
  correlated?: Alert[];
  createdAt: Date;
  startedAt?: Date;
  subject?: string;
  stateReason?: string;
}

/**
 * Alerts and investigations point at each other (triggering alert, alert's investigation) and the
 * ORM cannot order inserts around a cycle of plain id properties. So the alerts are flushed first
 * (inside the same transaction), and their `investigationId` is set afterwards: a later flush
 * inserts the investigation and only then updates the alerts.
 */
async function openInvestigation(w: DemoWriter, spec: InvestigationSpec): Promise<Investigation> {
  await w.em.flush();
  const { trigger, correlated = [], ...fields } = spec;
  const investigation = w.add(Investigation, { ...fields, triggeringAlertId: trigger.id, updatedAt: spec.startedAt ?? spec.createdAt });
  for (const alert of [trigger, ...correlated]) alert.investigationId = investigation.id;
  return investigation;
}

/** Mark an investigation finished (or last touched) at `at`. */
function finish(investigation: Investigation, at: Date, ended = true): void {
  if (ended) investigation.endedAt = at;
  investigation.updatedAt = at;
}

interface EntitySpec {
  kind: EntityKind;
  value: string;
  displayName?: string;
  externalId?: string;
  verdict: Verdict;
  threats?: string[];
  details?: Record<string, unknown>;
}

function addEntity(w: DemoWriter, investigation: Investigation, at: Date, spec: EntitySpec): InvestigatedEntity {
  return w.add(InvestigatedEntity, {
    investigationId: investigation.id,
    kind: spec.kind,
    value: spec.value,
    externalId: spec.externalId,
    displayName: spec.displayName ?? spec.value,
    verdict: spec.verdict,
    threats: spec.threats ?? [],
    details: spec.details ?? {},
    createdAt: at,
  });
}

/** The investigated-entity rows every email investigation has: one per message, sender and IP. */
const emailEntity = (message: EmailMessage, verdict: Verdict, threats: string[] = []): EntitySpec => ({
  kind: EntityKind.EMAIL,
  value: message.internetMessageId ?? message.externalId,
  externalId: message.externalId,
  displayName: `${message.subject} (${message.recipient})`,
  verdict,
  threats,
  details: {
    sender: message.sender,
    recipient: message.recipient,
    receivedAt: message.receivedAt.toISOString(),
    location: message.location,
    detectionVerdict: message.verdict,
    authentication: message.auth,
    urls: message.urls,
    attachments: message.attachments,
    zappedAt: message.zappedAt?.toISOString(),
  },
});

const userEntity = (org: Org, alias: string, verdict: Verdict, threats: string[], details: Record<string, unknown> = {}): EntitySpec => {
  const mailbox = org.mailboxes.get(alias)!;
  return {
    kind: EntityKind.USER,
    value: mailbox.address,
    externalId: mailbox.externalId,
    displayName: mailbox.displayName,
    verdict,
    threats,
    details: { department: mailbox.department, ...details },
  };
};

function link(w: DemoWriter, investigation: Investigation, from: { id: string }, to: { id: string }, relation: string): void {
  w.add(GraphEdge, { investigationId: investigation.id, fromNodeId: from.id, toNodeId: to.id, relation });
}

interface ClusterSpec {
  name: string;
  query: ClusterQuery;
  queryValue: string;
  verdict: Verdict;
  threats?: string[];
  messages: readonly EmailMessage[];
  createdAt: Date;
  refreshedAt?: Date;
}

/** A cluster and its member rows; the counts are computed from exactly those messages. */
function addCluster(w: DemoWriter, investigation: Investigation, spec: ClusterSpec): EmailCluster {
  const cluster = w.add(EmailCluster, {
    investigationId: investigation.id,
    name: spec.name,
    query: spec.query,
    queryValue: spec.queryValue,
    verdict: spec.verdict,
    threats: spec.threats ?? [],
    messageCount: spec.messages.length,
    countsByVerdict: tally(spec.messages, (m) => m.verdict ?? 'UNKNOWN'),
    countsByLocation: tally(spec.messages, (m) => m.location),
    createdAt: spec.createdAt,
    refreshedAt: spec.refreshedAt ?? spec.createdAt,
  });
  for (const m of spec.messages) w.add(EmailClusterMember, { clusterId: cluster.id, message: m.id });
  return cluster;
}

interface Decision {
  status: ActionStatus.COMPLETED | ActionStatus.REJECTED;
  decidedAt: Date;
  comment: string;
  /** For completed actions: how long running it took, and what it did. */
  runMs?: number;
  result?: Record<string, unknown>;
}

interface ActionSpec {
  type: ActionType;
  rationale: string;
  cluster?: EmailCluster;
  targets?: ActionTarget[];
  evidence?: Record<string, unknown>;
  /** Absent: still waiting for approval. */
  decision?: Decision;
}

function addAction(w: DemoWriter, investigation: Investigation, createdAt: Date, spec: ActionSpec): Action {
  const d = spec.decision;
  return w.add(Action, {
    investigationId: investigation.id,
    type: spec.type,
    status: d?.status ?? ActionStatus.PENDING_APPROVAL,
    source: d ? ActionSource.MANUAL : undefined,
    clusterId: spec.cluster?.id,
    targets: spec.targets ?? [],
    rationale: spec.rationale,
    evidence: spec.evidence ?? {},
    createdAt,
    expiresAt: plus(createdAt, PENDING_ACTION_TTL_MS),
    decidedBy: d ? ANALYST : undefined,
    decidedAt: d?.decidedAt,
    decisionComment: d?.comment,
    completedAt: d?.status === ActionStatus.COMPLETED ? plus(d.decidedAt, d.runMs ?? MINUTE) : undefined,
    result: d?.status === ActionStatus.COMPLETED ? d.result : undefined,
  });
}

const userTarget = (org: Org, alias: string): ActionTarget => {
  const mailbox = org.mailboxes.get(alias)!;
  return { kind: EntityKind.USER, value: mailbox.address, externalId: mailbox.externalId };
};

/** When the last of these actions completed. */
const lastCompletion = (actions: Action[]) =>
  new Date(Math.max(...actions.flatMap((a) => (a.completedAt ? [a.completedAt.getTime()] : []))));

// ---------------------------------------------------------------------------------------------
// Investigations, oldest first
// ---------------------------------------------------------------------------------------------

/** ZAPPED_MALWARE → REMEDIATED: everything approved by the analyst and completed. */
async function zappedMalwareRemediated(w: DemoWriter, org: Org): Promise<void> {
  const arrival = w.hoursAgo(MALWARE.hoursAgo);
  const zapped = MALWARE.zapped.map((a) => org.malware.get(a)!);
  const trigger = addAlert(w, {
    kind: AlertKind.MALWARE_ZAPPED,
    severity: Severity.MEDIUM,
    title: `Email messages containing malware removed after delivery: "${MALWARE.subject}"`,
    at: plus(arrival, 41 * MINUTE),
    messageExternalId: zapped[0].externalId,
    sha256: MALWARE_SHA256,
  });
  const createdAt = plus(trigger.at, 30 * SECOND);
  const inv = await openInvestigation(w, {
    playbook: Playbook.ZAPPED_MALWARE,
    state: InvestigationState.REMEDIATED,
    title: `Malware zapped: ${MALWARE.subject}`,
    trigger,
    createdAt,
    startedAt: plus(createdAt, 20 * SECOND),
  });
  const all = [...org.malware.values()];
  const victim = org.devices.get(MALWARE.openedBy)!;
  const decidedAt = plus(arrival, 3 * HOUR);
  const steps = addSteps(w, inv, inv.startedAt!, [
    {
      key: 'threat_type',
      status: StepStatus.COMPLETED,
      findings: { threat: 'Malware', family: 'Macro downloader (Office VBA)', attachmentNames: MALWARE.fileNames },
    },
    {
      key: 'sender_reputation',
      status: StepStatus.COMPLETED,
      findings: {
        sender: MALWARE.sender,
        domainAgeDays: 3,
        domainVerdict: Verdict.MALICIOUS,
        senderIp: MALWARE.ip,
        spf: 'pass',
        dkim: 'none',
        dmarc: 'none',
      },
    },
    { key: 'zap_check', status: StepStatus.COMPLETED, findings: { zapped: zapped.length, missedByZap: MALWARE.remediated.length } },
    {
      key: 'campaign_association',
      status: StepStatus.COMPLETED,
      findings: { campaign: MALWARE.campaign, indicator: org.indicators.malwareFile.externalId },
    },
    {
      key: 'similar_messages',
      status: StepStatus.COMPLETED,
      durationMs: 4 * MINUTE,
      findings: {
        query: ClusterQuery.SAME_ATTACHMENT,
        sha256: MALWARE_SHA256,
        messages: all.length,
        stillInInbox: MALWARE.remediated.length,
      },
    },
    {
      key: 'device_files',
      status: StepStatus.COMPLETED,
      durationMs: 3 * MINUTE,
      findings: { devicesWithFile: [victim.name], sha256: MALWARE_SHA256 },
    },
    { key: 'recommend_actions', status: StepStatus.COMPLETED, durationMs: 20 * SECOND, findings: { recommended: 3 } },
    // Runs once the analyst approved; the machine scan is what takes the time.
    { key: 'apply_actions', status: StepStatus.COMPLETED, startAt: decidedAt, durationMs: 40 * MINUTE, findings: { completed: 3 } },
  ]);

  // Entities and graph.
  const at = plus(inv.startedAt!, 2 * MINUTE);
  const cluster = addCluster(w, inv, {
    name: `Attachment ${MALWARE_SHA256.slice(0, 12)}…`,
    query: ClusterQuery.SAME_ATTACHMENT,
    queryValue: MALWARE_SHA256,
    verdict: Verdict.MALICIOUS,
    threats: ['Malware'],
    messages: all,
    createdAt: at,
    // Re-run after the soft delete: the missed copies now show as DELETED.
    refreshedAt: plus(decidedAt, 3 * MINUTE),
  });
  const file = addEntity(w, inv, at, {
    kind: EntityKind.FILE,
    value: MALWARE_SHA256,
    externalId: org.indicators.malwareFile.externalId,
    displayName: MALWARE.fileNames[0],
    verdict: Verdict.MALICIOUS,
    threats: ['Malware'],
    details: { names: MALWARE.fileNames, size: MALWARE.fileSize, campaign: MALWARE.campaign },
  });
  const email = addEntity(w, inv, at, emailEntity(zapped[0], Verdict.MALICIOUS, ['Malware attachment']));
  const sender = addEntity(w, inv, at, {
    kind: EntityKind.SENDER,
    value: MALWARE.sender,
    verdict: Verdict.MALICIOUS,
    threats: ['Malware sender'],
    details: { domain: MALWARE.domain, domainAgeDays: 3 },
  });
  const ip = addEntity(w, inv, at, {
    kind: EntityKind.IP,
    value: MALWARE.ip,
    verdict: Verdict.SUSPICIOUS,
    details: { messagesSent: all.length },
  });
  const user = addEntity(w, inv, at, userEntity(org, MALWARE.openedBy, Verdict.SUSPICIOUS, ['Opened malicious attachment']));
  const machine = addEntity(w, inv, at, {
    kind: EntityKind.MACHINE,
    value: victim.name,
    externalId: victim.externalId,
    verdict: Verdict.MALICIOUS,
    threats: ['Malicious file present'],
    details: { os: victim.os, user: victim.user },
  });
  link(w, inv, sender, cluster, 'sent');
  link(w, inv, ip, cluster, 'sent_from');
  link(w, inv, cluster, email, 'contains');
  link(w, inv, cluster, file, 'has_attachment');
  link(w, inv, file, machine, 'seen_on');
  link(w, inv, user, machine, 'uses');

  const recommendedAt = endOf(steps, 'recommend_actions');
  const actions = [
    addAction(w, inv, recommendedAt, {
      type: ActionType.SOFT_DELETE_EMAILS,
      cluster,
      rationale: `${MALWARE.remediated.length} copies of a malware attachment are still in inboxes; ZAP missed them.`,
      evidence: { sha256: MALWARE_SHA256, inInbox: MALWARE.remediated.length },
      decision: {
        status: ActionStatus.COMPLETED,
        decidedAt,
        comment: 'Confirmed macro dropper; remove the remaining copies.',
        runMs: 2 * MINUTE,
        result: { moved: MALWARE.remediated.length },
      },
    }),
    addAction(w, inv, recommendedAt, {
      type: ActionType.BLOCK_FILE,
      targets: [{ kind: EntityKind.FILE, value: MALWARE_SHA256, externalId: org.indicators.malwareFile.externalId }],
      rationale: 'The attachment is a known macro downloader.',
      evidence: { campaign: MALWARE.campaign },
      decision: { status: ActionStatus.COMPLETED, decidedAt, comment: 'Block the hash tenant-wide.', result: { blocked: true } },
    }),
    addAction(w, inv, recommendedAt, {
      type: ActionType.SCAN_MACHINE,
      targets: [{ kind: EntityKind.MACHINE, value: victim.name, externalId: victim.externalId }],
      rationale: `The malicious file was seen on ${victim.name} (${victim.user}).`,
      evidence: { sha256: MALWARE_SHA256, path: `C:\\Users\\${MALWARE.openedBy}\\Downloads\\${MALWARE.fileNames[1]}` },
      decision: {
        status: ActionStatus.COMPLETED,
        decidedAt,
        comment: 'Nestor opened the attachment: full scan.',
        runMs: 40 * MINUTE,
        result: { scanId: 'scan-5521', threatsFound: 1, threatsRemoved: 1 },
      },
    }),
  ];
  victim.scanRequestedAt = decidedAt;
  finish(inv, lastCompletion(actions));
}

/** ZAPPED_PHISH → FAILED: the hunting query timed out; the rest was skipped. */
async function zappedPhishFailed(w: DemoWriter, org: Org): Promise<void> {
  const zapped = PHISH.zapped.map((a) => org.phish.get(a)!);
  const trigger = addAlert(w, {
    kind: AlertKind.PHISH_ZAPPED,
    severity: Severity.MEDIUM,
    title: `Email messages containing phish removed after delivery: "${PHISH.subject}"`,
    at: plus(zapped[0].zappedAt!, MINUTE),
    messageExternalId: zapped[0].externalId,
    url: PHISH.baseUrl,
  });
  const inv = await openInvestigation(w, {
    playbook: Playbook.ZAPPED_PHISH,
    state: InvestigationState.FAILED,
    title: `Phish zapped: ${PHISH.subject}`,
    trigger,
    createdAt: plus(trigger.at, 20 * SECOND),
    startedAt: plus(trigger.at, 50 * SECOND),
    stateReason: "Step 'similar_messages' failed: the message trace query timed out after 3 attempts.",
  });
  const steps = addSteps(w, inv, inv.startedAt!, [
    {
      key: 'threat_type',
      status: StepStatus.COMPLETED,
      findings: { threat: 'Phish', technique: 'Credential harvesting', lure: 'Mailbox quota' },
    },
    {
      key: 'sender_reputation',
      status: StepStatus.COMPLETED,
      findings: { sender: PHISH.sender, lookAlikeOf: DOMAIN, domainAgeDays: 2, senderIps: [PHISH.wave1.ip, PHISH.wave2.ip] },
    },
    { key: 'zap_check', status: StepStatus.COMPLETED, findings: { zapped: zapped.length } },
    { key: 'campaign_association', status: StepStatus.COMPLETED, findings: { campaign: PHISH.campaign } },
    {
      key: 'similar_messages',
      status: StepStatus.FAILED,
      durationMs: 15 * MINUTE,
      progress: 35,
      progressMessage: 'Searching mailboxes (attempt 3 of 3)',
      error: 'Message trace query timed out after 3 attempts (300 s each).',
    },
    { key: 'url_clicks', status: StepStatus.SKIPPED },
    { key: 'safe_links_misses', status: StepStatus.SKIPPED },
    { key: 'user_compromise', status: StepStatus.SKIPPED },
    { key: 'recommend_actions', status: StepStatus.SKIPPED },
    { key: 'apply_actions', status: StepStatus.SKIPPED },
  ]);
  const at = plus(inv.startedAt!, 2 * MINUTE);
  const email = addEntity(w, inv, at, emailEntity(zapped[0], Verdict.MALICIOUS, ['Phish']));
  const sender = addEntity(w, inv, at, {
    kind: EntityKind.SENDER,
    value: PHISH.sender,
    externalId: org.indicators.phishSender.externalId,
    verdict: Verdict.MALICIOUS,
    threats: ['Look-alike domain'],
    details: { lookAlikeOf: DOMAIN },
  });
  const ip = addEntity(w, inv, at, { kind: EntityKind.IP, value: PHISH.wave1.ip, verdict: Verdict.SUSPICIOUS });
  link(w, inv, sender, email, 'sent');
  link(w, inv, ip, email, 'sent_from');
  finish(inv, endOf(steps, 'similar_messages'));
}

/** USER_COMPROMISED → PARTIALLY_REMEDIATED: sessions revoked, password reset rejected. */
async function userCompromisedPartiallyRemediated(w: DemoWriter, org: Org): Promise<void> {
  const alias = SECOND_CLICKER.alias;
  const address = addressOf(alias);
  const signIn = org.secondClickerSignIn;
  const risky = addAlert(w, {
    kind: AlertKind.RISKY_SIGN_IN,
    severity: Severity.MEDIUM,
    title: `Sign-in from an unfamiliar location: ${address} (${SECOND_CLICKER.country})`,
    at: plus(signIn.at, 2 * MINUTE),
    user: address,
  });
  const trigger = addAlert(w, {
    kind: AlertKind.USER_COMPROMISED,
    severity: Severity.HIGH,
    title: `Potentially compromised user: ${address}`,
    at: w.hoursAgo(66),
    user: address,
  });
  const inv = await openInvestigation(w, {
    playbook: Playbook.USER_COMPROMISED,
    state: InvestigationState.PARTIALLY_REMEDIATED,
    title: `Compromised user: ${org.mailboxes.get(alias)!.displayName}`,
    subject: address,
    trigger,
    correlated: [risky],
    createdAt: plus(trigger.at, 15 * SECOND),
    startedAt: plus(trigger.at, 40 * SECOND),
  });
  const click = org.clicks.phish.get(alias)!;
  const sent = org.sentBy.get(alias) ?? [];
  const decidedAt = w.hoursAgo(64);
  const steps = addSteps(w, inv, inv.startedAt!, [
    {
      key: 'user_compromise',
      phase: Phase.ROOT_INVESTIGATION,
      status: StepStatus.COMPLETED,
      durationMs: 3 * MINUTE,
      findings: {
        riskySignIns: [{ ip: signIn.ip, country: signIn.country, risk: signIn.risk, at: signIn.at.toISOString() }],
        newCountry: true,
        suspiciousInboxRules: 0,
        forwarding: false,
      },
    },
    {
      key: 'url_clicks',
      status: StepStatus.COMPLETED,
      findings: { clicks: [{ url: click.url, action: click.action, at: click.at.toISOString() }] },
    },
    { key: 'safe_links_misses', status: StepStatus.COMPLETED, findings: { allowedBeforeVerdict: 1, url: PHISH.baseUrl } },
    {
      key: 'similar_messages',
      status: StepStatus.COMPLETED,
      findings: { query: ClusterQuery.SENT_BY_USER, messages: sent.length, suspicious: 0 },
    },
    { key: 'device_files', status: StepStatus.COMPLETED, findings: { device: org.devices.get(alias)!.name, maliciousFiles: 0 } },
    { key: 'recommend_actions', status: StepStatus.COMPLETED, durationMs: 15 * SECOND, findings: { recommended: 2 } },
    { key: 'apply_actions', status: StepStatus.COMPLETED, startAt: decidedAt, durationMs: MINUTE, findings: { completed: 1, rejected: 1 } },
  ]);
  const recommendedAt = endOf(steps, 'recommend_actions');

  const at = plus(inv.startedAt!, MINUTE);
  const user = addEntity(
    w,
    inv,
    at,
    userEntity(org, alias, Verdict.SUSPICIOUS, ['Risky sign-in', 'Clicked phish URL'], {
      riskySignIn: signIn.externalId,
      clicked: click.externalId,
    }),
  );
  const ip = addEntity(w, inv, at, {
    kind: EntityKind.IP,
    value: signIn.ip,
    externalId: signIn.externalId,
    verdict: Verdict.SUSPICIOUS,
    threats: ['Unfamiliar sign-in location'],
    details: { country: signIn.country, risk: signIn.risk },
  });
  const url = addEntity(w, inv, at, {
    kind: EntityKind.URL,
    value: PHISH.baseUrl,
    externalId: org.indicators.phishUrl.externalId,
    verdict: Verdict.MALICIOUS,
    threats: ['Phish URL'],
    details: { campaign: PHISH.campaign },
  });
  const device = org.devices.get(alias)!;
  const machine = addEntity(w, inv, at, {
    kind: EntityKind.MACHINE,
    value: device.name,
    externalId: device.externalId,
    verdict: Verdict.CLEAN,
    details: { os: device.os },
  });
  const cluster = addCluster(w, inv, {
    name: `Sent by ${address}`,
    query: ClusterQuery.SENT_BY_USER,
    queryValue: address,
    verdict: Verdict.CLEAN,
    messages: sent,
    createdAt: at,
  });
  link(w, inv, user, ip, 'signed_in_from');
  link(w, inv, user, url, 'clicked');
  link(w, inv, user, machine, 'uses');
  link(w, inv, user, cluster, 'sent');

  const actions = [
    addAction(w, inv, recommendedAt, {
      type: ActionType.REVOKE_SESSIONS,
      targets: [userTarget(org, alias)],
      rationale: 'A session was opened from an unfamiliar country after the user clicked a phishing link.',
      evidence: { signIn: signIn.externalId, click: click.externalId },
      decision: { status: ActionStatus.COMPLETED, decidedAt, comment: 'Revoke as a precaution.', result: { revokedSessions: 3 } },
    }),
    addAction(w, inv, recommendedAt, {
      type: ActionType.RESET_PASSWORD,
      targets: [userTarget(org, alias)],
      rationale: 'Credentials entered on the phishing page may have been harvested.',
      evidence: { click: click.externalId },
      decision: {
        status: ActionStatus.REJECTED,
        decidedAt,
        comment: 'Spoke to Isaiah: he is travelling (Amsterdam) and did not enter his password on the page.',
      },
    }),
  ];
  org.mailboxes.get(alias)!.sessionsRevokedAt = actions[0].completedAt;
  finish(inv, lastCompletion(actions));
}

/** USER_SUBMITTED_MESSAGE on the phish → PENDING_ACTION: six actions wait for approval. */
async function reportedPhishPendingAction(w: DemoWriter, org: Org): Promise<void> {
  const reporter = 'megan';
  const reported = org.phish.get(reporter)!;
  const victim = COMPROMISED.alias;
  const victimAddress = addressOf(victim);
  const rule = org.forwardingRule;
  const signIn = org.riskySignIn;
  // Adele's alerts fired days ago with nothing to attach to (the ZAP investigation failed first).
  const riskySignInAlert = addAlert(w, {
    kind: AlertKind.RISKY_SIGN_IN,
    severity: Severity.HIGH,
    title: `Sign-in from a new country: ${victimAddress} (${COMPROMISED.attackerCountry})`,
    at: plus(signIn.at, MINUTE),
    user: victimAddress,
  });
  const ruleAlert = addAlert(w, {
    kind: AlertKind.SUSPICIOUS_INBOX_RULE,
    severity: Severity.HIGH,
    title: `Inbox rule forwarding to an external address: ${victimAddress}`,
    at: plus(rule.createdAt, 2 * MINUTE),
    user: victimAddress,
  });
  const trigger = addAlert(w, {
    kind: AlertKind.USER_REPORTED,
    severity: Severity.INFORMATIONAL,
    title: `Email reported by user as phish: "${PHISH.subject}"`,
    at: w.hoursAgo(48),
    messageExternalId: reported.externalId,
    user: addressOf(reporter),
  });
  const inv = await openInvestigation(w, {
    playbook: Playbook.USER_SUBMITTED_MESSAGE,
    state: InvestigationState.PENDING_ACTION,
    title: PHISH.subject,
    trigger,
    correlated: [riskySignInAlert, ruleAlert],
    createdAt: plus(trigger.at, 10 * SECOND),
    startedAt: plus(trigger.at, 30 * SECOND),
  });
  const all = [...org.phish.values()];
  const inInbox = all.filter((m) => m.location === DeliveryLocation.INBOX);
  const allowed = [...org.clicks.phish.values()].filter((c) => c.action === ClickAction.ALLOWED);
  const steps = addSteps(w, inv, inv.startedAt!, [
    {
      key: 'threat_type',
      status: StepStatus.COMPLETED,
      findings: { threat: 'Phish', technique: 'Credential harvesting', lure: 'Mailbox quota' },
    },
    {
      key: 'sender_reputation',
      status: StepStatus.COMPLETED,
      findings: {
        sender: PHISH.sender,
        lookAlikeOf: DOMAIN,
        domainVerdict: Verdict.MALICIOUS,
        senderIps: [PHISH.wave1.ip, PHISH.wave2.ip],
        authentication: PHISH.wave1.auth,
      },
    },
    { key: 'zap_check', status: StepStatus.COMPLETED, findings: { zapped: PHISH.zapped.length, notZapped: inInbox.length } },
    {
      key: 'campaign_association',
      status: StepStatus.COMPLETED,
      findings: { campaign: PHISH.campaign, indicators: [org.indicators.phishDomain.externalId] },
    },
    {
      key: 'similar_messages',
      status: StepStatus.COMPLETED,
      durationMs: 5 * MINUTE,
      findings: { query: ClusterQuery.SIMILAR_CONTENT, messages: all.length, inInbox: inInbox.length, senderIps: 2 },
    },
    {
      key: 'url_clicks',
      status: StepStatus.COMPLETED,
      durationMs: 3 * MINUTE,
      findings: { clicks: org.clicks.phish.size, allowed: allowed.length, blocked: org.clicks.phish.size - allowed.length },
    },
    {
      key: 'safe_links_misses',
      status: StepStatus.COMPLETED,
      findings: { misses: allowed.map((c) => ({ user: c.user, at: c.at.toISOString() })) },
    },
    {
      key: 'user_compromise',
      status: StepStatus.COMPLETED,
      durationMs: 4 * MINUTE,
      findings: {
        compromised: [victimAddress],
        riskySignIn: { ip: signIn.ip, country: signIn.country, risk: signIn.risk, at: signIn.at.toISOString() },
        inboxRule: { name: rule.name, forwardTo: rule.forwardTo, createdAt: rule.createdAt.toISOString() },
      },
    },
    { key: 'recommend_actions', status: StepStatus.COMPLETED, durationMs: 20 * SECOND, findings: { recommended: 6 } },
    { key: 'apply_actions', status: StepStatus.PENDING, progressMessage: 'Waiting for approval of 6 actions' },
  ]);
  const recommendedAt = endOf(steps, 'recommend_actions');

  const at = plus(inv.startedAt!, 3 * MINUTE);
  const cluster = addCluster(w, inv, {
    name: `Similar to "${PHISH.subject}"`,
    query: ClusterQuery.SIMILAR_CONTENT,
    queryValue: reported.externalId,
    verdict: Verdict.MALICIOUS,
    threats: ['Phish', 'Look-alike domain'],
    messages: all,
    createdAt: at,
  });
  const email = addEntity(w, inv, at, emailEntity(reported, Verdict.MALICIOUS, ['Phish']));
  const sender = addEntity(w, inv, at, {
    kind: EntityKind.SENDER,
    value: PHISH.sender,
    externalId: org.indicators.phishSender.externalId,
    verdict: Verdict.MALICIOUS,
    threats: ['Look-alike domain'],
    details: { lookAlikeOf: DOMAIN, campaign: PHISH.campaign },
  });
  const ips = [PHISH.wave1, PHISH.wave2].map((wave) =>
    addEntity(w, inv, at, {
      kind: EntityKind.IP,
      value: wave.ip,
      verdict: wave === PHISH.wave1 ? Verdict.MALICIOUS : Verdict.SUSPICIOUS,
      threats: ['Phish sending IP'],
      details: {
        messagesSent: PHISH.wave1.ip === wave.ip ? PHISH.wave1Recipients.length : PHISH.wave2Recipients.length,
        authentication: wave.auth,
      },
    }),
  );
  const url = addEntity(w, inv, at, {
    kind: EntityKind.URL,
    value: PHISH.baseUrl,
    externalId: org.indicators.phishUrl.externalId,
    verdict: Verdict.MALICIOUS,
    threats: ['Phish URL'],
    details: { campaign: PHISH.campaign, trackingParameter: 'uid', clicks: org.clicks.phish.size },
  });
  const reporterEntity = addEntity(w, inv, at, userEntity(org, reporter, Verdict.CLEAN, [], { reported: true }));
  const victimEntity = addEntity(
    w,
    inv,
    at,
    userEntity(org, victim, Verdict.MALICIOUS, ['Compromised user', 'Suspicious inbox rule'], {
      riskySignIn: signIn.externalId,
      inboxRule: rule.externalId,
    }),
  );
  const clickerEntity = addEntity(w, inv, at, userEntity(org, SECOND_CLICKER.alias, Verdict.SUSPICIOUS, ['Clicked phish URL']));
  const attackerIp = addEntity(w, inv, at, {
    kind: EntityKind.IP,
    value: signIn.ip,
    externalId: signIn.externalId,
    verdict: Verdict.MALICIOUS,
    threats: ['Risky sign-in'],
    details: { country: signIn.country, createdInboxRule: rule.externalId },
  });
  const device = org.devices.get(victim)!;
  const machine = addEntity(w, inv, at, {
    kind: EntityKind.MACHINE,
    value: device.name,
    externalId: device.externalId,
    verdict: Verdict.CLEAN,
    details: { os: device.os },
  });
  link(w, inv, sender, cluster, 'sent');
  for (const ip of ips) link(w, inv, ip, cluster, 'sent_from');
  link(w, inv, cluster, email, 'contains');
  link(w, inv, cluster, url, 'contains_url');
  link(w, inv, reporterEntity, email, 'reported');
  link(w, inv, victimEntity, url, 'clicked');
  link(w, inv, clickerEntity, url, 'clicked');
  link(w, inv, attackerIp, victimEntity, 'signed_in_as');
  link(w, inv, victimEntity, machine, 'uses');

  const victimTarget = userTarget(org, victim);
  const pending: ActionSpec[] = [
    {
      type: ActionType.SOFT_DELETE_EMAILS,
      // The cluster is the target: its messages are what the action deletes.
      cluster,
      rationale: `${inInbox.length} copies of a phishing message are still in inboxes.`,
      evidence: { inInbox: inInbox.length, recipients: inInbox.map((m) => m.recipient) },
    },
    {
      type: ActionType.BLOCK_URL,
      targets: [{ kind: EntityKind.URL, value: PHISH.baseUrl, externalId: org.indicators.phishUrl.externalId }],
      rationale: 'The URL hosts a credential-harvesting page; two clicks were allowed before it was known.',
      evidence: { allowedClicks: allowed.map((c) => c.externalId) },
    },
    {
      type: ActionType.BLOCK_SENDER,
      targets: [{ kind: EntityKind.SENDER, value: PHISH.sender, externalId: org.indicators.phishSender.externalId }],
      rationale: `The sender imitates ${DOMAIN} from a look-alike domain.`,
      evidence: { domain: PHISH.domain, campaign: PHISH.campaign },
    },
    {
      type: ActionType.REMOVE_INBOX_RULE,
      // There is no inbox-rule entity kind: the target is the mailbox, externalId names the rule.
      targets: [{ kind: EntityKind.USER, value: victimAddress, externalId: rule.externalId }],
      rationale: `Rule "${rule.name}" forwards all mail to ${rule.forwardTo}; it was created from ${rule.createdFromIp} minutes after a risky sign-in.`,
      evidence: { rule: rule.externalId, forwardTo: rule.forwardTo, createdFromIp: rule.createdFromIp },
    },
    {
      type: ActionType.RESET_PASSWORD,
      targets: [victimTarget],
      rationale: 'Credentials were entered on the phishing page and used from a new country.',
      evidence: { click: org.clicks.phish.get(victim)!.externalId, signIn: signIn.externalId },
    },
    {
      type: ActionType.REVOKE_SESSIONS,
      targets: [victimTarget],
      rationale: 'The attacker holds a live session from the risky sign-in.',
      evidence: { signIn: signIn.externalId },
    },
  ];
  for (const spec of pending) addAction(w, inv, recommendedAt, spec);
  finish(inv, recommendedAt, false);
}

/** USER_SUBMITTED_MESSAGE of the newsletter → NO_THREATS_FOUND: a clean cluster, no actions. */
async function reportedNewsletterNoThreats(w: DemoWriter, org: Org): Promise<void> {
  const reporter = 'henrietta';
  const reported = org.newsletter.find((m) => m.recipient === addressOf(reporter))!;
  const trigger = addAlert(w, {
    kind: AlertKind.USER_REPORTED,
    severity: Severity.INFORMATIONAL,
    title: `Email reported by user as phish: "${reported.subject}"`,
    at: w.hoursAgo(30),
    messageExternalId: reported.externalId,
    user: addressOf(reporter),
  });
  const inv = await openInvestigation(w, {
    playbook: Playbook.USER_SUBMITTED_MESSAGE,
    state: InvestigationState.NO_THREATS_FOUND,
    title: reported.subject,
    trigger,
    createdAt: plus(trigger.at, 10 * SECOND),
    startedAt: plus(trigger.at, 25 * SECOND),
  });
  const steps = addSteps(w, inv, inv.startedAt!, [
    { key: 'threat_type', status: StepStatus.COMPLETED, findings: { threat: 'None', category: 'Bulk / newsletter' } },
    {
      key: 'sender_reputation',
      status: StepStatus.COMPLETED,
      findings: { sender: NEWSLETTER.sender, domainVerdict: Verdict.CLEAN, domainAgeDays: 2900, ...PASS_AUTH },
    },
    { key: 'zap_check', status: StepStatus.COMPLETED, findings: { zapped: 0 } },
    { key: 'campaign_association', status: StepStatus.COMPLETED, findings: { campaign: null } },
    {
      key: 'similar_messages',
      status: StepStatus.COMPLETED,
      durationMs: 3 * MINUTE,
      findings: { query: ClusterQuery.SIMILAR_CONTENT, messages: org.newsletter.length },
    },
    { key: 'url_clicks', status: StepStatus.COMPLETED, findings: { clicks: 3, maliciousUrls: 0 } },
    { key: 'safe_links_misses', status: StepStatus.COMPLETED, findings: { misses: [] } },
    { key: 'recommend_actions', status: StepStatus.COMPLETED, durationMs: 10 * SECOND, findings: { recommended: 0 } },
    { key: 'apply_actions', status: StepStatus.SKIPPED },
  ]);
  const at = plus(inv.startedAt!, 2 * MINUTE);
  const issueUrl = reported.urls[0];
  const cluster = addCluster(w, inv, {
    name: `Similar to "${reported.subject}"`,
    query: ClusterQuery.SIMILAR_CONTENT,
    queryValue: reported.externalId,
    verdict: Verdict.CLEAN,
    messages: org.newsletter,
    createdAt: at,
  });
  const email = addEntity(w, inv, at, emailEntity(reported, Verdict.CLEAN));
  const sender = addEntity(w, inv, at, {
    kind: EntityKind.SENDER,
    value: NEWSLETTER.sender,
    verdict: Verdict.CLEAN,
    details: { bulk: true },
  });
  const ip = addEntity(w, inv, at, { kind: EntityKind.IP, value: NEWSLETTER.ip, verdict: Verdict.CLEAN });
  const url = addEntity(w, inv, at, { kind: EntityKind.URL, value: issueUrl, verdict: Verdict.CLEAN, details: { clicks: 3 } });
  const user = addEntity(w, inv, at, userEntity(org, reporter, Verdict.CLEAN, [], { reported: true }));
  link(w, inv, sender, cluster, 'sent');
  link(w, inv, ip, cluster, 'sent_from');
  link(w, inv, cluster, email, 'contains');
  link(w, inv, cluster, url, 'contains_url');
  link(w, inv, user, email, 'reported');
  finish(inv, endOf(steps, 'recommend_actions'));
}

/** URL_VERDICT_CHANGE → RUNNING: hunting is 40% through the clicks; remediation not started. */
async function urlVerdictChangeRunning(w: DemoWriter, org: Org): Promise<void> {
  const copies = [...org.partnerShare.values()];
  const trigger = addAlert(w, {
    kind: AlertKind.URL_VERDICT_CHANGE,
    severity: Severity.HIGH,
    title: `A clicked URL is now malicious: ${new URL(PARTNER_SHARE.url).hostname}`,
    at: w.ago((PARTNER_SHARE.verdictChangedMinutesAgo - 2) * MINUTE),
    url: PARTNER_SHARE.url,
    messageExternalId: copies[0].externalId,
  });
  const inv = await openInvestigation(w, {
    playbook: Playbook.URL_VERDICT_CHANGE,
    state: InvestigationState.RUNNING,
    title: `URL now malicious: ${PARTNER_SHARE.url}`,
    trigger,
    createdAt: plus(trigger.at, 15 * SECOND),
    startedAt: plus(trigger.at, 45 * SECOND),
  });
  const steps = addSteps(w, inv, inv.startedAt!, [
    {
      key: 'threat_type',
      status: StepStatus.COMPLETED,
      findings: { threat: 'Phish', technique: 'Fake document share', urlVerdict: Verdict.MALICIOUS },
    },
    {
      key: 'sender_reputation',
      status: StepStatus.COMPLETED,
      findings: {
        sender: PARTNER_SHARE.sender,
        knownPartner: true,
        ...PASS_AUTH,
        note: 'Authenticated partner mail: the partner account is likely compromised.',
      },
    },
    {
      key: 'similar_messages',
      status: StepStatus.COMPLETED,
      durationMs: 4 * MINUTE,
      findings: { query: ClusterQuery.SAME_URL, messages: copies.length },
    },
    {
      key: 'url_clicks',
      status: StepStatus.RUNNING,
      progress: 40,
      progressMessage: `Checked clicks of 2 of ${copies.length} recipients`,
      findings: { clicksSoFar: 1 },
    },
    { key: 'safe_links_misses', status: StepStatus.PENDING },
    { key: 'user_compromise', status: StepStatus.PENDING },
    { key: 'recommend_actions', status: StepStatus.PENDING },
    { key: 'apply_actions', status: StepStatus.PENDING },
  ]);
  const at = plus(inv.startedAt!, MINUTE);
  const lastFinished = endOf(steps, 'similar_messages');
  const firstClick = org.clicks.partnerShare.get(PARTNER_SHARE.clicks[0].alias)!;
  const url = addEntity(w, inv, at, {
    kind: EntityKind.URL,
    value: PARTNER_SHARE.url,
    externalId: org.indicators.partnerUrl.externalId,
    verdict: Verdict.MALICIOUS,
    threats: ['Phish URL'],
    details: { verdictChangedAt: w.ago(PARTNER_SHARE.verdictChangedMinutesAgo * MINUTE).toISOString(), previousVerdict: Verdict.CLEAN },
  });
  const sender = addEntity(w, inv, at, {
    kind: EntityKind.SENDER,
    value: PARTNER_SHARE.sender,
    verdict: Verdict.SUSPICIOUS,
    threats: ['Possibly compromised partner account'],
    details: { partner: 'Fabrikam' },
  });
  const email = addEntity(w, inv, at, emailEntity(copies[0], Verdict.SUSPICIOUS, ['Malicious URL']));
  const clicker = addEntity(
    w,
    inv,
    lastFinished,
    userEntity(org, PARTNER_SHARE.clicks[0].alias, Verdict.UNKNOWN, [], {
      clicked: firstClick.externalId,
      clickedAt: firstClick.at.toISOString(),
    }),
  );
  const cluster = addCluster(w, inv, {
    name: `Containing ${PARTNER_SHARE.url}`,
    query: ClusterQuery.SAME_URL,
    queryValue: PARTNER_SHARE.url,
    verdict: Verdict.MALICIOUS,
    threats: ['Malicious URL'],
    messages: copies,
    createdAt: lastFinished,
  });
  link(w, inv, sender, cluster, 'sent');
  link(w, inv, cluster, email, 'contains');
  link(w, inv, cluster, url, 'contains_url');
  link(w, inv, clicker, url, 'clicked');
  finish(inv, w.ago(MINUTE), false);
}

/** MANUAL_INVESTIGATION → QUEUED_BY_THROTTLING: waiting for a slot, so no step has started. */
async function manualInvestigationQueued(w: DemoWriter, _org: Org): Promise<void> {
  const subject = addressOf('diego');
  const massDownload = addAlert(w, {
    kind: AlertKind.MASS_DOWNLOAD,
    severity: Severity.MEDIUM,
    title: `Unusual volume of file downloads: ${subject}`,
    at: w.ago(40 * MINUTE),
    user: subject,
  });
  const trigger = addAlert(w, {
    kind: AlertKind.MANUAL,
    severity: Severity.LOW,
    title: `Manual investigation requested by ${ANALYST}: ${subject}`,
    at: w.ago(12 * MINUTE),
    user: subject,
    ingested: false,
  });
  // No log steps: the playbook's plan is only written when the investigation leaves the queue.
  const inv = await openInvestigation(w, {
    playbook: Playbook.MANUAL_INVESTIGATION,
    state: InvestigationState.QUEUED_BY_THROTTLING,
    title: `Manual investigation: ${subject}`,
    subject,
    trigger,
    correlated: [massDownload],
    createdAt: plus(trigger.at, 5 * SECOND),
  });
  finish(inv, inv.createdAt, false);
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/** One investigation each, in the order their stories happened. */
const SCENARIOS: readonly ((w: DemoWriter, org: Org) => Promise<void>)[] = [
  zappedMalwareRemediated,
  zappedPhishFailed,
  userCompromisedPartiallyRemediated,
  reportedPhishPendingAction,
  reportedNewsletterNoThreats,
  urlVerdictChangeRunning,
  manualInvestigationQueued,
];

/** Whether the tenant already has investigations (seeded before) or telemetry (in use: keep out). */
async function tenantState(em: EntityManager): Promise<'empty' | 'seeded' | 'in-use'> {
  if ((await em.count(Investigation, {})) > 0) return 'seeded';
  if ((await em.count(Mailbox, {})) > 0) return 'in-use';
  return 'empty';
}

/**
 * Seed the `demo` tenant once: only while it has no investigations. Safe on every start and when
 * several server processes start together (an advisory lock serialises them; the loser sees the rows).
 */
export async function seedDemoTenant(orm: Orm, tenants: TenantDirectory, logger: Logger): Promise<void> {
  const tenantId = await tenants.idOf(DEMO_TENANT);
  const em = tenantEntityManager(orm, tenantId);
  if ((await tenantState(em)) === 'seeded') return;

  const summary = await em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [`air:demo-seed:${tenantId}`]);
    const state = await tenantState(tx);
    if (state === 'in-use') {
      // Ingested telemetry would collide with the demo's ids (msg-0001…): leave the tenant alone.
      logger.warn('demo tenant has telemetry but no investigations; not seeding it');
    }
    if (state !== 'empty') return undefined;

    const w = new DemoWriter(tx, tenantId, new Date());
    const org = seedTelemetry(w);
    // Sequentially: each scenario flushes the previous one's rows (see openInvestigation).
    for (const scenario of SCENARIOS) await scenario(w, org);
    return { mailboxes: org.mailboxes.size, messages: org.messages.length, investigations: SCENARIOS.length };
  });
  if (summary) {
    logger.info(
      `demo tenant seeded: ${summary.mailboxes} mailboxes, ${summary.messages} messages, ${summary.investigations} investigations`,
    );
  }
}
