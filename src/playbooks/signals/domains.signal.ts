/**
 * LOOKALIKE_ORGANISATION_DOMAIN and LOOKALIKE_BRAND_DOMAIN: the sender's domain, or a link's, imitates
 * the organisation's own or a well-known brand's (lookalike.ts). WORKER-SAFE.
 */
import { Signal, type Evidence } from '../../domain/evidence.js';
import { registrableDomainOf, unicodeHost } from '../../domain/host.js';
import { brandImitationOf, isLookalike } from './lookalike.js';
import { hostOf } from './links.signal.js';
import { isInternal } from './identity.signal.js';
import type { SignalMessage, SignalOrg } from './message.types.js';
import { evidence, GRADES } from './weights.js';

/** A domain as the analyst should read it: its Unicode form too when it is punycode. */
const shown = (domain: string) => {
  const u = unicodeHost(domain);
  return u !== domain ? `${domain} (${u})` : domain;
};

export function lookalikeEvidence(m: SignalMessage, org: SignalOrg): Evidence[] {
  const domains = new Map<string, 'sender' | 'link'>();
  const add = (host: string | undefined, role: 'sender' | 'link') => {
    const d = host ? registrableDomainOf(host) : undefined;
    if (d && !domains.has(d) && !isInternal(d, org)) domains.set(d, role);
  };
  add(m.senderDomain, 'sender');
  for (const l of m.links) add(hostOf(l.url), 'link');
  const out: Evidence[] = [];
  const orgDomains = [...org.internalDomains];
  for (const [d, role] of domains) {
    const of = orgDomains.find((o) => isLookalike(d, o));
    if (of) {
      out.push(evidence(Signal.LOOKALIKE_ORGANISATION_DOMAIN, `The ${role} domain ${shown(d)} looks like the organisation's ${of}`));
      continue;
    }
    const imitation = brandImitationOf(d);
    if (imitation) {
      const detail =
        imitation.how === 'contains'
          ? `The ${role} domain ${shown(d)} carries ${imitation.brand.name}'s name but is not ${imitation.brand.name}'s`
          : `The ${role} domain ${shown(d)} ${imitation.how === 'misspelt' ? 'is two letters off' : 'imitates'} ${imitation.brand.name}'s ${imitation.brand.domains[0]}`;
      out.push(evidence(Signal.LOOKALIKE_BRAND_DOMAIN, detail, imitation.how === 'confusable' ? GRADES.BRAND_CONFUSABLE : undefined));
    }
  }
  return out;
}
