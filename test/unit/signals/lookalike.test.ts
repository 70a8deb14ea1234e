import { Signal } from '../../../src/domain/evidence.js';
import { brandImitationOf, editDistance, isLookalike } from '../../../src/playbooks/signals/lookalike.js';
import { GRADES } from '../../../src/playbooks/signals/weights.js';
import { fired } from './support.js';

describe('isLookalike (the organisation’s domains)', () => {
  test.each([
    ['c0ntoso.example', 'contoso.example', true],
    ['contosso.example', 'contoso.example', true],
    ['xn--cntoso-3ve.example', 'contoso.example', false],
    ['\u0441ontoso.example', 'contoso.example', true],
    ['contoso-hr.example', 'contoso.example', false],
    // Short names have innocent neighbours: only confusables count.
    ['post.example', 'pot.example', false],
    ['p0t.example', 'pot.example', true],
  ])('isLookalike(%s, %s) = %s', (domain, of, expected) => {
    expect(isLookalike(domain, of)).toBe(expected);
  });

  test('a sender or link domain imitating the organisation', () => {
    expect(fired({ sender: 'it@c0ntoso.example' })).toHaveProperty(Signal.LOOKALIKE_ORGANISATION_DOMAIN);
    expect(fired({ links: [{ url: 'https://login.contosso.example/sso' }] })).toHaveProperty(Signal.LOOKALIKE_ORGANISATION_DOMAIN);
    expect(fired({ sender: 'it@contoso.example' })).toEqual({});
  });
});

test('editDistance counts an adjacent swap as one edit', () => {
  expect(editDistance('micorsoft', 'microsoft')).toBe(1);
  expect(editDistance('microshaft', 'microsoft')).toBe(2);
  expect(editDistance('paypal', 'paypal')).toBe(0);
  expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
});

describe('brandImitationOf', () => {
  test('confusables and misspellings of a brand’s main domain', () => {
    expect(brandImitationOf('paypa1.com')).toMatchObject({ brand: { name: 'PayPal' }, how: 'confusable' });
    expect(brandImitationOf('rnicrosoft.com')).toMatchObject({ brand: { name: 'Microsoft' }, how: 'confusable' });
    expect(brandImitationOf('xn--pypal-4ve.com')).toMatchObject({ brand: { name: 'PayPal' }, how: 'confusable' });
    expect(brandImitationOf('netfliix.com')).toMatchObject({ brand: { name: 'Netflix' }, how: 'confusable' });
    // A swapped pair is one edit, the commonest squat; two letters off is only `misspelt` (a parody's name).
    expect(brandImitationOf('micorsoft.com')).toMatchObject({ brand: { name: 'Microsoft' }, how: 'confusable' });
    expect(brandImitationOf('microshaft.org')).toMatchObject({ brand: { name: 'Microsoft' }, how: 'misspelt' });
  });

  test('a brand token inside a foreign name; short tokens only as a whole part', () => {
    expect(brandImitationOf('paypal-secure-login.com')).toMatchObject({ brand: { name: 'PayPal' }, how: 'contains' });
    expect(brandImitationOf('securepaypalcenter.net')).toMatchObject({ brand: { name: 'PayPal' }, how: 'contains' });
    expect(brandImitationOf('login-microsoft.web.app')).toMatchObject({ brand: { name: 'Microsoft' } });
    expect(brandImitationOf('dhl-track.info')).toMatchObject({ brand: { name: 'DHL' } });
    expect(brandImitationOf('adhlers.com')).toBeUndefined();
    expect(brandImitationOf('groups.com')).toBeUndefined();
  });

  test('never the brand’s own domains, nor its name under another ordinary suffix', () => {
    expect(brandImitationOf('www.paypal.com')).toBeUndefined();
    expect(brandImitationOf('email.microsoft.com')).toBeUndefined();
    expect(brandImitationOf('yahoo.com.au')).toBeUndefined();
    expect(brandImitationOf('paypal.xyz')).toMatchObject({ brand: { name: 'PayPal' } });
  });

  test('innocent neighbours of secondary brand names stay innocent', () => {
    expect(brandImitationOf('offices.com')).toBeUndefined();
    expect(brandImitationOf('kindly.org')).toBeUndefined();
  });

  test('LOOKALIKE_BRAND_DOMAIN from the sender or a link, graded by how', () => {
    expect(fired({ sender: 'service@paypa1.com' })[Signal.LOOKALIKE_BRAND_DOMAIN]).toBe(GRADES.BRAND_CONFUSABLE);
    expect(fired({ links: [{ url: 'https://paypal-secure-login.com/x' }] })[Signal.LOOKALIKE_BRAND_DOMAIN]).toBe(0.6);
    expect(fired({ links: [{ url: 'http://www.microshaft.org/' }] })[Signal.LOOKALIKE_BRAND_DOMAIN]).toBe(0.6);
    expect(fired({ links: [{ url: 'https://www.paypal.com/signin' }] })).toEqual({});
  });
});
