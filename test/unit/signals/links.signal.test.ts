import { Signal } from '../../../src/domain/evidence.js';
import { shownHost } from '../../../src/playbooks/signals/links.signal.js';
import { GRADES } from '../../../src/playbooks/signals/weights.js';
import { fired } from './support.js';

describe('LINK_TEXT_MISMATCH', () => {
  test('text showing one domain, link going to another', () => {
    const links = [{ url: 'https://evil-login.example/pp', text: 'https://www.paypal.com/signin' }];
    expect(fired({ links })[Signal.LINK_TEXT_MISMATCH]).toBe(GRADES.LINK_SHOWS_BRAND);
    expect(fired({ links: [{ url: 'https://x.evil.example/', text: 'www.fabrikam.com' }] })).toHaveProperty(Signal.LINK_TEXT_MISMATCH);
  });

  test('not when the text is no domain, the same registrable domain, or one brand', () => {
    expect(shownHost('Click here')).toBeUndefined();
    expect(shownHost('Read more about our offer at fabrikam.example, today only, while stocks last')).toBeUndefined();
    expect(fired({ links: [{ url: 'https://evil.example/', text: 'Sign in' }] })).toEqual({});
    expect(fired({ links: [{ url: 'https://www.fabrikam.example/a', text: 'fabrikam.example' }] })).toEqual({});
    expect(fired({ sender: 'jobs@linkedin.com', links: [{ url: 'https://lnkd.in/abc', text: 'linkedin.com/in/bob' }] })).toEqual({});
  });

  test('five mismatched links are one signal', () => {
    const links = Array.from({ length: 5 }, (_, i) => ({ url: `https://evil${i}.example/`, text: 'www.fabrikam.com' }));
    expect(fired({ links })[Signal.LINK_TEXT_MISMATCH]).toBe(0.35);
  });
});

describe('ABUSED_SERVICE_LINK', () => {
  test('shorteners, free hosting, cloud storage, form builders, IPFS', () => {
    for (const url of [
      'https://bit.ly/3abc',
      'https://my-login.web.app/',
      'https://storage.googleapis.com/bucket/index.html',
      'https://docs.google.com/forms/d/e/x/viewform',
      'https://ipfs.io/ipfs/bafy',
    ])
      expect(fired({ links: [{ url }] })).toHaveProperty(Signal.ABUSED_SERVICE_LINK);
  });

  test('not a path of the same host outside the prefix, nor the service writing about itself', () => {
    expect(fired({ links: [{ url: 'https://docs.google.com/document/d/x' }] })).toEqual({});
    expect(fired({ sender: 'forms-receipts-noreply@google.com', links: [{ url: 'https://forms.gle/abc' }] })).toEqual({});
  });
});

describe('SUSPICIOUS_TLD', () => {
  test('a link or a sender on an abused TLD; a bare IP address graded up', () => {
    expect(fired({ links: [{ url: 'https://account-check.top/x' }] })).toHaveProperty(Signal.SUSPICIOUS_TLD);
    expect(fired({ sender: 'info@deals.xyz' })).toHaveProperty(Signal.SUSPICIOUS_TLD);
    expect(fired({ links: [{ url: 'http://203.0.113.7/login' }] })[Signal.SUSPICIOUS_TLD]).toBe(GRADES.IP_ADDRESS_LINK);
  });

  test('ordinary TLDs and country codes are none', () => {
    expect(
      fired({ links: [{ url: 'https://fabrikam.com/' }, { url: 'https://example.ru/' }, { url: 'https://example.com.br/' }] }),
    ).toEqual({});
  });
});
