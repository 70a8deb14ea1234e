/**
 * The receiving service's own verdict, read from the headers its filters stamp: Microsoft 365 / EOP,
 * SpamAssassin, rspamd. One verdict per filter, from its topmost header (the hop nearest the mailbox).
 * Pure functions over header fields (WORKER-SAFE).
 *
 * Only Microsoft's headers are protected: Exchange strips `X-MS-Exchange-Organization-*` arriving from
 * outside the organisation and renames another tenant's `X-Forefront-Antispam-Report` and
 * `X-Microsoft-Antispam` to `…-Untrusted`, which are therefore ignored here (they are the sender's
 * tenant's verdict on its own outbound mail). SpamAssassin and rspamd headers carry no such protection:
 * a relay on the sender's side may have written them, which is why each verdict names its source.
 */
import { UpstreamSource, UpstreamVerdict, type UpstreamVerdictFacts } from '../../domain/upstream.js';
import { decodeWords, type HeaderField } from './headers.js';

const topmost = (fields: readonly HeaderField[], name: string) => {
  const f = fields.find((x) => x.name === name);
  return f === undefined ? undefined : decodeWords(f.value);
};

/** `KEY:value;KEY:value;` (Microsoft's antispam headers) as a map with upper-case keys. */
function pairs(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (text ?? '').split(';')) {
    const colon = part.indexOf(':');
    if (colon > 0) out.set(part.slice(0, colon).trim().toUpperCase(), part.slice(colon + 1).trim());
  }
  return out;
}

const integer = (text: string | undefined, min: number, max: number) => {
  if (text === undefined || !/^\s*-?\d+\s*$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
};
const decimal = (text: string | undefined) => {
  const n = text === undefined ? NaN : Number.parseFloat(text);
  return Number.isFinite(n) ? n : undefined;
};

/** Microsoft's CAT values (the protection policy that acted) → one verdict. */
const MICROSOFT_CATEGORY: Record<string, UpstreamVerdict> = {
  MALW: UpstreamVerdict.MALWARE,
  AMP: UpstreamVerdict.MALWARE,
  SAP: UpstreamVerdict.MALWARE,
  FTBP: UpstreamVerdict.MALWARE,
  HPHSH: UpstreamVerdict.HIGH_CONFIDENCE_PHISH,
  HPHISH: UpstreamVerdict.HIGH_CONFIDENCE_PHISH,
  PHSH: UpstreamVerdict.PHISH,
  SPOOF: UpstreamVerdict.PHISH,
  DIMP: UpstreamVerdict.PHISH,
  UIMP: UpstreamVerdict.PHISH,
  GIMP: UpstreamVerdict.PHISH,
  INTOS: UpstreamVerdict.PHISH,
  HSPM: UpstreamVerdict.HIGH_CONFIDENCE_SPAM,
  SPM: UpstreamVerdict.SPAM,
  OSPM: UpstreamVerdict.SPAM,
  BULK: UpstreamVerdict.BULK,
};
/** Spam filter verdicts (SFV) that mean filtering was skipped: allow lists, intra-organisation mail, safe senders. */
const SKIPPED_SFV = new Set(['SKA', 'SKI', 'SKN', 'SFE']);
/** …and those that mean the message was marked spam without the filter: block lists, mail flow rules. */
const BLOCKED_SFV = new Set(['SKS', 'SKB', 'BLK']);
/** Microsoft's default bulk threshold (anti-spam policy "bulk email threshold"). */
const BULK_THRESHOLD = 7;
/** What the raw map keeps of X-Forefront-Antispam-Report (the rest is rule ids and the sender's host names). */
const FOREFRONT_KEYS = ['CIP', 'CTRY', 'SCL', 'SFV', 'CAT', 'SFTY', 'SRV', 'IPV', 'DIR'];

/**
 * Microsoft 365 / EOP: `X-Forefront-Antispam-Report` (SCL, SFV, CAT, SFTY), else
 * `X-MS-Exchange-Organization-SCL`; BCL from `X-Microsoft-Antispam`, PCL, and the mailbox delivery's
 * destination (`dest:I` inbox, `dest:J` junk). The category decides when there is one; then a skipped or
 * blocked filter; then the SCL: 5–6 spam, 7–9 high-confidence spam, -1 skipped, below 5 clean; with a BCL
 * and nothing else, bulk from 7.
 */
function microsoftOf(fields: readonly HeaderField[]): UpstreamVerdictFacts | undefined {
  const report = pairs(topmost(fields, 'x-forefront-antispam-report'));
  const antispam = pairs(topmost(fields, 'x-microsoft-antispam'));
  const delivery = pairs(topmost(fields, 'x-microsoft-antispam-mailbox-delivery'));
  const orgScl = topmost(fields, 'x-ms-exchange-organization-scl');
  const orgPcl = topmost(fields, 'x-ms-exchange-organization-pcl');
  const authAs = topmost(fields, 'x-ms-exchange-organization-authas');
  const scl = integer(report.get('SCL') ?? orgScl, -1, 9);
  const sfv = report.get('SFV')?.toUpperCase();
  const cat = report.get('CAT')?.toUpperCase();
  const bcl = integer(antispam.get('BCL') ?? report.get('BCL'), 0, 9);
  if (scl === undefined && !sfv && !cat && bcl === undefined) return undefined;
  const pcl = integer(orgPcl ?? antispam.get('PCL'), 0, 9);
  let verdict: UpstreamVerdict;
  if (cat && MICROSOFT_CATEGORY[cat]) verdict = MICROSOFT_CATEGORY[cat];
  else if ((sfv && SKIPPED_SFV.has(sfv)) || scl === -1) verdict = UpstreamVerdict.SKIPPED;
  else if (sfv && BLOCKED_SFV.has(sfv)) verdict = UpstreamVerdict.SPAM;
  else if (scl !== undefined && scl >= 7) verdict = UpstreamVerdict.HIGH_CONFIDENCE_SPAM;
  else if ((scl !== undefined && scl >= 5) || sfv === 'SPM') verdict = UpstreamVerdict.SPAM;
  // A bulk complaint level alone (`X-Microsoft-Antispam: BCL:0;` with no spam verdict stamped, as on mail
  // Exchange Online relayed for a hosted sender): bulk at Microsoft's default threshold of 7, else clean.
  else if (scl === undefined && bcl !== undefined && bcl >= BULK_THRESHOLD) verdict = UpstreamVerdict.BULK;
  else verdict = UpstreamVerdict.CLEAN;
  const raw: Record<string, string> = {};
  for (const key of FOREFRONT_KEYS) {
    const value = report.get(key);
    if (value) raw[key] = value;
  }
  if (!raw.SCL && orgScl) raw.SCL = orgScl.trim();
  if (bcl !== undefined) raw.BCL = String(bcl);
  if (pcl !== undefined) raw.PCL = String(pcl);
  const dest = delivery.get('DEST');
  if (dest) raw.DEST = dest;
  if (authAs) raw.AUTHAS = authAs.trim();
  return {
    source: UpstreamSource.MICROSOFT,
    verdict,
    ...(scl !== undefined ? { scl } : {}),
    ...(bcl !== undefined ? { bcl } : {}),
    ...(pcl !== undefined ? { pcl } : {}),
    ...(cat ? { category: cat } : {}),
    raw,
  };
}

/** SpamAssassin (and amavis): `X-Spam-Status: Yes, score=15.6 required=5.0 tests=…` (`hits=` before 3.0), else `X-Spam-Flag: YES`. */
function spamAssassinOf(fields: readonly HeaderField[]): UpstreamVerdictFacts | undefined {
  const status = topmost(fields, 'x-spam-status');
  const flag = topmost(fields, 'x-spam-flag')?.trim().toUpperCase();
  const answer = status ? /^\s*(yes|no)\b/i.exec(status)?.[1]?.toLowerCase() : undefined;
  if (!answer && flag !== 'YES' && flag !== 'NO') return undefined;
  const score = decimal(status && /\b(?:score|hits)\s*=\s*(-?[\d.]+)/i.exec(status)?.[1]) ?? decimal(topmost(fields, 'x-spam-score'));
  const threshold = decimal(status && /\brequired\s*=\s*(-?[\d.]+)/i.exec(status)?.[1]);
  const spam = answer ? answer === 'yes' : flag === 'YES';
  const raw: Record<string, string> = {};
  if (answer) raw.status = answer === 'yes' ? 'Yes' : 'No';
  if (flag) raw.flag = flag;
  return {
    source: UpstreamSource.SPAMASSASSIN,
    verdict: spam ? UpstreamVerdict.SPAM : UpstreamVerdict.CLEAN,
    ...(score !== undefined ? { score } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    raw,
  };
}

/** rspamd actions that deliver the message marked as spam, or refuse it. `greylist` only delays a message. */
const RSPAMD_SPAM_ACTIONS = new Set(['add header', 'rewrite subject', 'soft reject', 'reject']);

/**
 * rspamd: `X-Spamd-Result: default: False [4.54 / 25.00]; SYMBOL(…)…` (score / reject threshold; True
 * means the reject action), `X-Rspamd-Action` (what it decided) or the action of `X-Rspamd-Pre-Result`,
 * `X-Rspamd-Score`. The action decides
 * when there is one; otherwise True, or a score at the threshold, is spam.
 */
function rspamdOf(fields: readonly HeaderField[]): UpstreamVerdictFacts | undefined {
  const result = topmost(fields, 'x-spamd-result');
  // `X-Rspamd-Pre-Result: action=add header; module=dmarc; …`: a module set the action before the scan
  // (a DMARC policy, a multimap or rate limit); rspamd then stops and applies it, writing no X-Spamd-Result.
  const preAction = /(?:^|;)\s*action\s*=\s*([a-z ]+?)\s*(?:;|$)/i.exec(topmost(fields, 'x-rspamd-pre-result') ?? '')?.[1];
  const action = (topmost(fields, 'x-rspamd-action') ?? preAction)?.trim().toLowerCase();
  const head = result ? /^\s*[\w-]+\s*:\s*(true|false)\s*\[\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)\s*\]/i.exec(result) : null;
  const score = decimal(head?.[2]) ?? decimal(topmost(fields, 'x-rspamd-score'));
  // A score alone says nothing without the thresholds the installation set.
  if (!head && !action) return undefined;
  const threshold = decimal(head?.[3]);
  const spam = action
    ? RSPAMD_SPAM_ACTIONS.has(action)
    : head?.[1]?.toLowerCase() === 'true' || (score !== undefined && threshold !== undefined && score >= threshold);
  const raw: Record<string, string> = {};
  if (head) raw.result = head[1]!;
  if (action) raw.action = action;
  return {
    source: UpstreamSource.RSPAMD,
    verdict: spam ? UpstreamVerdict.SPAM : UpstreamVerdict.CLEAN,
    ...(action ? { category: action } : {}),
    ...(score !== undefined ? { score } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    raw,
  };
}

/** Every filter's verdict the headers carry, Microsoft first. */
export function upstreamVerdictsOf(fields: readonly HeaderField[]): UpstreamVerdictFacts[] {
  return [microsoftOf(fields), spamAssassinOf(fields), rspamdOf(fields)].filter((v): v is UpstreamVerdictFacts => v !== undefined);
}
