/**
 * Who the message claims to be from: a brand or an executive in the display name while the address is
 * elsewhere, answers diverted to another domain. WORKER-SAFE.
 */
import { Signal, type Evidence } from '../../domain/evidence.js';
import { registrableDomainOf } from '../../domain/host.js';
import { BRANDS, type Brand } from './data/brands.data.js';
import { FREEMAIL_DOMAINS } from './data/services.data.js';
import { ownersOf, sameBrand } from './lookalike.js';
import type { SignalMessage, SignalOrg } from './message.types.js';
import { foldName } from './text.fold.js';
import { evidence, GRADES } from './weights.js';

const domainOf = (address: string | undefined) => {
  const at = address?.lastIndexOf('@') ?? -1;
  return at >= 0 ? address!.slice(at + 1).toLowerCase() : undefined;
};
const registrable = (domain: string | undefined) => (domain ? (registrableDomainOf(domain) ?? domain) : undefined);

/** Whether a domain is the organisation's own or a subdomain of one. */
export function isInternal(domain: string | undefined, org: SignalOrg): boolean {
  if (!domain) return false;
  for (const d of org.internalDomains) if (domain === d || domain.endsWith(`.${d}`)) return true;
  return false;
}

/** Words that stand next to a brand name in a display name without making it someone else's: "Apple Support", "Chase Online Banking". */
// prettier-ignore
const SERVICE_WORDS = new Set([
  'team', 'support', 'service', 'services', 'customer', 'care', 'account', 'accounts', 'security', 'billing', 'online', 'bank',
  'banking', 'alert', 'alerts', 'notification', 'notifications', 'notice', 'info', 'information', 'help', 'center', 'centre',
  'no-reply', 'noreply', 'mail', 'id', 'store', 'pay', 'card', 'cards', 'payments', 'the', 'of', 'and', 'official', 'admin',
  'department', 'desk', 'helpdesk', 'express', 'delivery', 'shipping', 'tracking', 'verification', 'inc', 'llc', 'ltd', 'com', 'live',
  'wallet', 'update', 'updates', 'message', 'messages', 'kundenservice', 'servico', 'servicio', 'atendimento', 'cliente', 'clientes',
].map(foldName)); // folded like the names they are compared with (`team` reads `tearn` to the confusables)

/** Brand names folded once, longest first, so that "Bank of America" is found before "America" could be. */
const BRAND_NAMES = BRANDS.flatMap((brand) =>
  brand.names.map((n) => ({ brand, name: foldName(n), word: brand.ambiguous === true || (brand.wordNames?.includes(n) ?? false) })),
).sort((a, b) => b.name.length - a.name.length);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NAME_RE = new Map(BRAND_NAMES.map(({ name }) => [name, new RegExp(`(?:^|[^a-z0-9])${escapeRe(name)}(?![a-z0-9])`)]));

/** The brand a display name names, if it names one (for a name that is also a word, only with service words around it). */
export function brandInName(displayName: string): Brand | undefined {
  const folded = foldName(displayName);
  for (const { brand, name, word } of BRAND_NAMES) {
    if (!NAME_RE.get(name)!.test(folded)) continue;
    if (!word) return brand;
    const rest = folded
      .replace(name, ' ')
      .split(/[^a-z0-9-]+/)
      .filter(Boolean);
    if (rest.every((w) => SERVICE_WORDS.has(w))) return brand;
  }
  return undefined;
}

/** DISPLAY_NAME_BRAND and DISPLAY_NAME_EXECUTIVE. Internal senders are left to the internal-sender rules. */
export function displayNameEvidence(m: SignalMessage, org: SignalOrg): Evidence[] {
  const name = m.senderName?.trim();
  if (!name || isInternal(m.senderDomain, org)) return [];
  const out: Evidence[] = [];
  const brand = brandInName(name);
  if (brand && !ownersOf(m.senderDomain).includes(brand))
    out.push(evidence(Signal.DISPLAY_NAME_BRAND, `Display name “${name}” names ${brand.name}, but the address is on ${m.senderDomain}`));
  const folded = foldName(name);
  // A full name (two words at least): a first name alone matches half the organisation.
  const person = folded.includes(' ')
    ? org.people.find((p) => foldName(p.name) === folded && p.address.toLowerCase() !== m.sender)
    : undefined;
  if (person)
    out.push(
      evidence(Signal.DISPLAY_NAME_EXECUTIVE, `Display name “${name}” is ${person.address}'s, but the address is outside: ${m.sender}`),
    );
  return out;
}

/**
 * REPLY_TO_MISMATCH: answers go to another registrable domain than the From's (graded up when that is a
 * free mailbox under a company's name). A Return-Path elsewhere is what mailing lists and email service
 * providers do (their bounce domain), so it counts, weakly, only when the receiver recorded
 * authentication results and none of them vouches for the sender.
 */
export function replyToEvidence(m: SignalMessage, org: SignalOrg): Evidence[] {
  const from = registrable(m.senderDomain);
  if (!from) return [];
  const reply = registrable(domainOf(m.replyTo));
  if (reply && reply !== from && !isInternal(reply, org) && !sameBrand(reply, from)) {
    const freemail = FREEMAIL_DOMAINS.has(reply) && !FREEMAIL_DOMAINS.has(from);
    return [
      evidence(
        Signal.REPLY_TO_MISMATCH,
        `Replies go to ${m.replyTo}${freemail ? ' (a free mailbox)' : ''}, not to ${from}`,
        freemail ? GRADES.REPLY_TO_FREEMAIL : undefined,
      ),
    ];
  }
  const bounce = registrable(domainOf(m.returnPath));
  const a = m.auth;
  const vouched =
    !a || [a.dmarc, a.dkim, a.spf, a.compauth].some((r) => r?.toLowerCase() === 'pass' || r?.toLowerCase() === 'bestguesspass');
  if (bounce && bounce !== from && !vouched && !sameBrand(bounce, from))
    return [
      evidence(
        Signal.REPLY_TO_MISMATCH,
        `Return-Path on ${bounce}, From on ${from}, nothing authenticated`,
        GRADES.RETURN_PATH_UNAUTHENTICATED,
      ),
    ];
  return [];
}
