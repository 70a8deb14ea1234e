import { analystValueOf, AnalystVerdictKind as K } from '../../src/domain/analyst-verdict.js';

/** How an analyst's input becomes the value investigations compare (domain/analyst-verdict.ts). */
const value = (kind: K, raw: string) => {
  const r = analystValueOf(kind, raw);
  return 'value' in r ? r.value : `error: ${r.error}`;
};

test('values are normalised as hunting compares them', () => {
  expect(value(K.SENDER, ' Boss@Contoso.Example ')).toBe('boss@contoso.example');
  expect(value(K.URL, 'HTTPS://Evil.Example/Login?utm_source=x&id=1#top')).toBe('https://evil.example/Login?id=1');
  expect(value(K.DOMAIN, 'WWW.Mail.Bad.Example.')).toBe('mail.bad.example');
  expect(value(K.FILE, 'AB'.repeat(32))).toBe('ab'.repeat(32));
  expect(value(K.IP, '2001:DB8::1')).toBe('2001:db8::1');
  expect(value(K.MESSAGE, ' Msg-ID-1 ')).toBe('Msg-ID-1');
});

test('what cannot be compared is refused with a sentence naming what arrived', () => {
  expect(value(K.URL, 'ftp://files.example/x')).toBe("error: a URL value must be an http(s) URL, but got 'ftp://files.example/x'");
  expect(value(K.DOMAIN, 'co.uk')).toMatch(/^error: a DOMAIN value must be a host name under a public suffix/);
  expect(value(K.DOMAIN, '10.0.0.1')).toMatch(/^error: a DOMAIN/);
  expect(value(K.SENDER, 'no-at-sign')).toMatch(/^error: a SENDER value must be an email address/);
  expect(value(K.IP, 'localhost')).toMatch(/^error: an IP value/);
  expect(value(K.FILE, 'abc')).toMatch(/^error: a FILE value must be a SHA-256/);
  expect(value(K.MESSAGE, '  ')).toBe('error: value is empty');
});
