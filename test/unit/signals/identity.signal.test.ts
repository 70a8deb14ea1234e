import { Signal } from '../../../src/domain/evidence.js';
import { brandInName } from '../../../src/playbooks/signals/identity.signal.js';
import { GRADES } from '../../../src/playbooks/signals/weights.js';
import { fired } from './support.js';

describe('DISPLAY_NAME_BRAND', () => {
  test('a brand’s name from a domain it does not own', () => {
    expect(fired({ senderName: 'PayPal Service', sender: 'service@pp-support.example' })).toHaveProperty(Signal.DISPLAY_NAME_BRAND);
    expect(fired({ senderName: 'Microsoft account team', sender: 'no-reply@access-security.example' })).toHaveProperty(
      Signal.DISPLAY_NAME_BRAND,
    );
    // Look-alike letters and compatibility forms fold: Cyrillic о, mathematical bold.
    expect(brandInName('Micrоsoft Support')?.name).toBe('Microsoft');
    expect(brandInName('𝗡𝗲𝘁𝗳𝗹𝗶𝘅')?.name).toBe('Netflix');
  });

  test('not from the brand’s own domains, subdomains included', () => {
    expect(fired({ senderName: 'PayPal', sender: 'service@intl.paypal.com' })).toEqual({});
    expect(fired({ senderName: 'LinkedIn', sender: 'messages-noreply@bounce.linkedin.com' })).toEqual({});
    expect(fired({ senderName: 'Amazon.com', sender: 'store-news@amazon.co.uk' })).toEqual({});
  });

  test('an ambiguous brand name only with service words around it', () => {
    expect(fired({ senderName: 'Chase Smith', sender: 'chase@fabrikam.example' })).toEqual({});
    expect(fired({ senderName: 'Apple Pie Recipes', sender: 'news@fabrikam.example' })).toEqual({});
    expect(fired({ senderName: 'Chase Online Banking', sender: 'alerts@secure-mail.example' })).toHaveProperty(Signal.DISPLAY_NAME_BRAND);
    expect(fired({ senderName: 'Apple Support', sender: 'id@verify-now.example' })).toHaveProperty(Signal.DISPLAY_NAME_BRAND);
    // Some names of an unambiguous brand are words too.
    expect(brandInName('Weekly Market Outlook')).toBeUndefined();
    expect(brandInName('Outlook Team')?.name).toBe('Microsoft');
    expect(brandInName('Edward Norton')).toBeUndefined();
  });

  test('a brand name inside another word is none', () => {
    expect(brandInName('Upstairs Apps Team')).toBeUndefined();
    expect(brandInName('Metamorphosis Books')).toBeUndefined();
  });
});

describe('DISPLAY_NAME_EXECUTIVE', () => {
  test('a person of the organisation writing from outside', () => {
    expect(fired({ senderName: 'Alice Martin', sender: 'alice.martin.ceo@gmail.com' })).toHaveProperty(Signal.DISPLAY_NAME_EXECUTIVE);
    expect(fired({ senderName: 'ALICE  MARTIN', sender: 'ceo-office@fabrikam.example' })).toHaveProperty(Signal.DISPLAY_NAME_EXECUTIVE);
  });

  test('not from inside, not on a first name alone', () => {
    expect(fired({ senderName: 'Alice Martin', sender: 'alice.martin@contoso.example' })).toEqual({});
    expect(fired({ senderName: 'Alice', sender: 'alice@fabrikam.example' })).toEqual({});
  });
});

describe('REPLY_TO_MISMATCH', () => {
  test('answers to another registrable domain; graded up for a free mailbox', () => {
    expect(fired({ sender: 'billing@fabrikam.example', replyTo: 'billing@northwind.example' })[Signal.REPLY_TO_MISMATCH]).toBe(0.25);
    expect(fired({ sender: 'ceo@fabrikam.example', replyTo: 'ceo.private@gmail.com' })[Signal.REPLY_TO_MISMATCH]).toBe(
      GRADES.REPLY_TO_FREEMAIL,
    );
  });

  test('not within one registrable domain, one brand, or to the organisation', () => {
    expect(fired({ sender: 'news@mail.fabrikam.example', replyTo: 'support@fabrikam.example' })).toEqual({});
    expect(fired({ sender: 'jobs@linkedin.com', replyTo: 'x@lnkd.in' })).toEqual({});
    expect(fired({ sender: 'events@fabrikam.example', replyTo: 'bob@contoso.example' })).toEqual({});
  });

  test('an ESP bounce Return-Path is no mismatch when anything authenticated the sender, or when nothing was recorded', () => {
    const esp = { sender: 'news@fabrikam.example', returnPath: 'bounce-123@bounces.sendgrid.net' };
    expect(fired({ ...esp, auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' } })).toEqual({});
    expect(fired(esp)).toEqual({});
    expect(fired({ ...esp, auth: { spf: 'none', dkim: 'none', dmarc: 'none' } })[Signal.REPLY_TO_MISMATCH]).toBe(
      GRADES.RETURN_PATH_UNAUTHENTICATED,
    );
  });
});
