/**
 * URL and host rules of domain/: wrapped links, registrable domains, IDN, confusables, and the indicator
 * walk-up the playbook ports use.
 */
import { asciiHost, domainIndicatorKeys, hostCandidates, registrableDomainOf, skeletonOf, unicodeHost } from '../../src/domain/host.js';
import { unwrapUrl } from '../../src/domain/unwrap.js';
import { normaliseUrl } from '../../src/domain/url.js';
import { IndicatorKind, Verdict } from '../../src/domain/telemetry.js';
import { Playbook } from '../../src/domain/investigation.js';
import { isLookalike } from '../../src/playbooks/steps/sender-reputation.step.js';
import { threatStep } from '../../src/playbooks/steps/threat-type.step.js';
import { fakePorts } from './support/fake-ports.js';
import { runStep } from './support/run-steps.js';

const TARGET = 'https://evil.example/login?session=abc';

describe('unwrapUrl', () => {
  it('unwraps Microsoft Safe Links', () => {
    const wrapped = `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(TARGET)}&data=05%7C02%7C&sdata=xyz&reserved=0`;
    expect(unwrapUrl(wrapped)).toEqual({ url: TARGET, wrapped });
  });

  it('unwraps Proofpoint URL Defense v2 (- for %, _ for /)', () => {
    const wrapped =
      'https://urldefense.proofpoint.com/v2/url?u=https-3A__evil.example_login-3Fsession-3Dabc&d=DwMFaQ&c=abc&r=def&m=ghi&s=jkl&e=';
    expect(unwrapUrl(wrapped).url).toBe(TARGET);
  });

  it('unwraps Proofpoint URL Defense v3, single and run replacements', () => {
    // `*` takes one character of the base64url tail ("?" and "=" here), `**A` a run of two.
    const single = `https://urldefense.com/v3/__https://evil.example/login*session*abc__;Pz0!!AbCdEf!GhIjKl$`;
    expect(unwrapUrl(single).url).toBe(TARGET);
    const run = `https://urldefense.com/v3/__https://evil.example/login**Asession=abc__;LiE!!AbCd$`;
    expect(unwrapUrl(run).url).toBe('https://evil.example/login.!session=abc');
  });

  it("unwraps Google's /url redirect (q= and url=)", () => {
    expect(unwrapUrl(`https://www.google.com/url?q=${encodeURIComponent(TARGET)}&sa=D&usg=x`).url).toBe(TARGET);
    expect(unwrapUrl(`https://www.google.co.uk/url?url=${encodeURIComponent(TARGET)}`).url).toBe(TARGET);
  });

  it("unwraps Symantec click-time protection (u=) and Gmail's image proxy (the original URL is the fragment)", () => {
    const symantec = `https://clicktime.symantec.com/15t5ZVGGCKZ8bXVu9Cf6X?h=Q6wN&u=${encodeURIComponent(TARGET)}`;
    expect(unwrapUrl(symantec)).toEqual({ url: TARGET, wrapped: symantec });
    const proxy = 'https://ci3.googleusercontent.com/meips/ADKq_NYflQ=s0-d-e1-ft#https://cdn.example/logo.png';
    expect(unwrapUrl(proxy)).toEqual({ url: 'https://cdn.example/logo.png', wrapped: proxy });
    expect(unwrapUrl('https://clicktime.symantec.com/a/1/x?u=not-a-url').wrapped).toBeUndefined();
    expect(unwrapUrl('https://ci3.googleusercontent.com/meips/ADKq#section').wrapped).toBeUndefined();
  });

  it('unwraps nested wrappers to the end', () => {
    const google = `https://www.google.com/url?q=${encodeURIComponent(TARGET)}&sa=D`;
    const safe = `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(google)}&data=1`;
    expect(unwrapUrl(safe)).toEqual({ url: TARGET, wrapped: safe });
  });

  it('leaves links alone whose parameter is not a URL, and redirectors nobody knows', () => {
    expect(unwrapUrl('https://www.google.com/url?q=hello').wrapped).toBeUndefined();
    expect(unwrapUrl(`https://click.sender.example/c?url=${encodeURIComponent(TARGET)}`).wrapped).toBeUndefined();
    expect(unwrapUrl('https://bank.example/a').wrapped).toBeUndefined();
  });

  it('makes a wrapped link and its target one hunting key', () => {
    const safe = `https://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://Evil.example/a?utm_source=x')}&data=1`;
    expect(normaliseUrl(safe)).toBe(normaliseUrl('https://evil.example/a'));
  });
});

describe('hosts', () => {
  it('finds the registrable domain by the Public Suffix List', () => {
    expect(registrableDomainOf('a.b.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomainOf('x.bad.example.com')).toBe('example.com');
    // Private suffixes: one customer of a hosting service is not the service.
    expect(registrableDomainOf('phish.web.app')).toBe('phish.web.app');
    expect(registrableDomainOf('co.uk')).toBeUndefined();
    expect(registrableDomainOf('203.0.113.9')).toBeUndefined();
  });

  it('walks a host up to its registrable domain, never to a public suffix', () => {
    expect(hostCandidates('x1.mail.bad.example.com')).toEqual([
      'x1.mail.bad.example.com',
      'mail.bad.example.com',
      'bad.example.com',
      'example.com',
    ]);
    expect(hostCandidates('www.shop.example.co.uk')).toEqual(['shop.example.co.uk', 'example.co.uk']);
    expect(hostCandidates('a.example.co.uk')).not.toContain('co.uk');
  });

  it('decodes IDN hosts both ways', () => {
    expect(unicodeHost('xn--bcher-kva.example')).toBe('bücher.example');
    expect(asciiHost('Bücher.example.')).toBe('xn--bcher-kva.example');
    expect(hostCandidates('shop.xn--bcher-kva.com')).toEqual([
      'shop.xn--bcher-kva.com',
      'xn--bcher-kva.com',
      'shop.bücher.com',
      'bücher.com',
    ]);
  });

  it('gives look-alikes the same confusables skeleton', () => {
    const cyrillicA = 'p\u0430ypal.example'; // U+0430 CYRILLIC SMALL LETTER A
    expect(cyrillicA).not.toBe('paypal.example');
    expect(skeletonOf(cyrillicA)).toBe(skeletonOf('paypal.example'));
    expect(skeletonOf(asciiHost(cyrillicA))).toBe(skeletonOf('paypal.example'));
    expect(skeletonOf('rnicrosoft.example')).toBe(skeletonOf('microsoft.example'));
    expect(skeletonOf('paypal.example')).not.toBe(skeletonOf('paypai.example'));
    // Four letters swapped (Cyrillic а р р е around a Latin l): an edit distance of 4, the same skeleton.
    expect(isLookalike('\u0430\u0440\u0440l\u0435.example', 'apple.example')).toBe(true);
    expect(isLookalike('orange.example', 'apple.example')).toBe(false);
  });
});

describe('indicator matching', () => {
  it('matches a DOMAIN indicator on any subdomain of it', () => {
    expect(domainIndicatorKeys(['x1.bad.example.com'])).toEqual(['x1.bad.example.com', 'bad.example.com', 'example.com']);
  });

  it('finds a domain indicator for a link on a subdomain in the threat step', async () => {
    const ports = fakePorts({
      indicators: [{ externalId: 'i1', kind: IndicatorKind.DOMAIN, value: 'bad.example.net', verdict: Verdict.MALICIOUS }],
    });
    const root = {
      kind: 'message',
      sender: 'a@sender.example',
      senderDomain: 'sender.example',
      urls: ['https://x1.bad.example.net/p'],
      urlKeys: ['https://x1.bad.example.net/p'],
      domains: ['x1.bad.example.net'],
      attachmentHashes: [],
      authFailed: false,
    };
    const outcome = await runStep(threatStep, ports, { root }, { playbook: Playbook.USER_SUBMITTED_MESSAGE });
    expect(outcome.findings?.maliciousDomains).toEqual(['bad.example.net']);
  });
});
