/**
 * The header rules of the raw-message parser (src/telemetry/mail/headers.ts), one hand-written message a
 * rule: the sender IP the organisation saw, the receiver's authentication results, the sender identity.
 * Hosts and addresses are reserved example names and documentation ranges (RFC 2606, RFC 5737, RFC 3849).
 */
import { SenderSource } from '../../src/domain/telemetry.js';
import { isInternalIp, receivedFromIp } from '../../src/telemetry/mail/headers.js';
import { parseRawMessage } from '../../src/telemetry/raw-message.js';
import { parseLines } from '../../src/telemetry/ingest.rows.js';

/** A message from its header lines (folded lines start with a space) and a one-line body. */
const eml = (...headers: string[]) =>
  [...headers, 'Subject: Invoice', 'Message-ID: <1@mail.example.net>', 'Content-Type: text/plain', '', 'Please pay.', ''].join('\r\n');
const FROM = 'From: Billing <billing@vendor.example>';

describe('sender IP', () => {
  it('reads an Exchange Received line, where the client IP stands in parentheses without brackets', async () => {
    const m = await parseRawMessage(
      eml(
        'Received: from EXCH01.corp.example (10.0.0.5) by EXCH02.corp.example (10.0.0.6) with Microsoft SMTP Server',
        ' (version=TLS1_2) id 15.2.1; Mon, 3 Mar 2025 10:00:01 +0000',
        'Received: from mail.vendor.example (198.51.100.23) by EXCH01.corp.example (10.0.0.5) with Microsoft SMTP Server',
        ' id 15.2.1 via Frontend Transport; Mon, 3 Mar 2025 10:00:00 +0000',
        FROM,
      ),
    );
    expect(m.senderIp).toBe('198.51.100.23');
  });

  it('takes `sender IP is` from the receiver’s Authentication-Results and ignores the relays above it', async () => {
    const m = await parseRawMessage(
      eml(
        'Received: from DM6PR01MB0001.prod.exchangelabs.example (::1) by DM6PR01MB0002.prod.exchangelabs.example with HTTPS; Mon, 3 Mar 2025 10:00:02 +0000',
        'Received: from CH2PR01CA0001.prod.exchangelabs.example (2001:db8:ffff::15) by DM6PR01MB0001.prod.exchangelabs.example; Mon, 3 Mar 2025 10:00:01 +0000',
        'Authentication-Results: spf=pass (sender IP is 198.51.100.23) smtp.mailfrom=vendor.example; dkim=pass (signature was verified)',
        ' header.d=vendor.example;dmarc=pass action=none header.from=vendor.example;compauth=pass reason=100',
        'Received-SPF: Pass (protection.example: domain of vendor.example designates 198.51.100.23 as permitted sender)',
        'Received: from mail.vendor.example (198.51.100.23) by CH2PEPF0001.mail.protection.example (10.167.242.23); Mon, 3 Mar 2025 10:00:00 +0000',
        FROM,
      ),
    );
    expect(m.senderIp).toBe('198.51.100.23');
    expect(m.auth).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'pass', compauth: 'pass', compauthReason: '100' });
  });

  it('walks the Received hops below the receiver’s results when they name no IP, past its private relays', async () => {
    const m = await parseRawMessage(
      eml(
        'Received: from mx1.corp.example (mx1.corp.example [10.1.2.3]) by mbox.corp.example (Postfix) with ESMTP id 1; Mon, 3 Mar 2025 10:00:01 +0000',
        'Authentication-Results: mx1.corp.example; spf=fail smtp.mailfrom=vendor.example',
        'Received: from filter.corp.example (filter.corp.example [192.168.7.7]) by mx1.corp.example with ESMTP; Mon, 3 Mar 2025 10:00:00 +0000',
        'Received: from [198.51.100.200] (helo=vendor.example) by filter.corp.example with esmtp (Exim 4.96); Mon, 3 Mar 2025 09:59:59 +0000',
        'Received: from laptop (unknown [192.0.0.9]) by mail.vendor.example; Mon, 3 Mar 2025 09:59:58 +0000',
        FROM,
      ),
    );
    expect(m.senderIp).toBe('198.51.100.200');
  });

  it('takes client-ip= from the topmost Received-SPF', async () => {
    const m = await parseRawMessage(
      eml(
        'Received-SPF: softfail (mx.corp.example: transitioning domain of vendor.example does not designate 203.0.113.77 as permitted sender) client-ip=203.0.113.77;',
        'Received-SPF: pass (relay.vendor.example: localhost is always allowed.) client-ip=127.0.0.1;',
        'Received: from relay.vendor.example (relay.vendor.example [203.0.113.77]) by mx.corp.example; Mon, 3 Mar 2025 10:00:00 +0000',
        FROM,
      ),
    );
    expect(m.senderIp).toBe('203.0.113.77');
  });

  it('reads IPv6, in brackets with the IPv6: tag, and RFC 8601 smtp.remote-ip', async () => {
    const v6 = await parseRawMessage(
      eml(
        'Received: from mail.vendor.example (mail.vendor.example [IPv6:2001:db8:1::25]) by mx.corp.example; Mon, 3 Mar 2025 10:00:00 +0000',
        FROM,
      ),
    );
    expect(v6.senderIp).toBe('2001:db8:1::25');
    const remote = await parseRawMessage(
      eml(
        'Authentication-Results: mx.corp.example; arc=none smtp.remote-ip=2001:db8:2::9',
        'Authentication-Results: mx.corp.example; spf=pass smtp.mailfrom=vendor.example',
        FROM,
      ),
    );
    expect(remote.senderIp).toBe('2001:db8:2::9');
    expect(remote.auth).toEqual({ spf: 'pass' });
  });

  it('keeps a private address only when every hop is internal', async () => {
    const internal = await parseRawMessage(
      eml(
        'Received: from app01.corp.example (app01.corp.example [10.20.0.5]) by relay.corp.example; Mon, 3 Mar 2025 10:00:01 +0000',
        'Received: from localhost (localhost [127.0.0.1]) by app01.corp.example; Mon, 3 Mar 2025 10:00:00 +0000',
        FROM,
      ),
    );
    expect(internal.senderIp).toBe('10.20.0.5');
  });

  it('stores no address when the one the receiver saw is unreadable, not the sender’s own loopback further down', async () => {
    const m = await parseRawMessage(
      eml(
        'Authentication-Results: spf=pass (sender IP is 198.51.100.x) smtp.mailfrom=vendor.example; dkim=none',
        'Received: from mail.vendor.example (198.51.100.x) by FRONT01.mail.protection.outlook.example (10.167.8.42)',
        'Received: from mail.vendor.example (127.0.0.1) by mail.vendor.example id 1; Sat, 1 Nov 2025 08:39:12 -0400',
        FROM,
      ),
    );
    expect(m.senderIp).toBeUndefined();
  });

  it('prefers the IP the relay saw to the name the client claimed', () => {
    expect(receivedFromIp('from [10.0.0.1] (unknown [203.0.113.5]) by mx.corp.example')).toBe('203.0.113.5');
    expect(receivedFromIp('from unknown (HELO mail.vendor.example) (user@203.0.113.6) by mx.corp.example')).toBe('203.0.113.6');
    expect(receivedFromIp('from mail.vendor.example (mail.vendor.example (203.0.113.7)) by mx.corp.example')).toBe('203.0.113.7');
    expect(receivedFromIp('from mail.vendor.example ([::ffff:203.0.113.8] helo=x) by mx.corp.example')).toBe('203.0.113.8');
    expect(receivedFromIp('by mail.vendor.example with SMTP id 1')).toBeUndefined();
    expect(receivedFromIp('from mail.vendor.example by mx.corp.example (203.0.113.9)')).toBeUndefined();
  });

  it('knows internal ranges', () => {
    for (const ip of ['10.1.1.1', '127.0.0.1', '172.20.0.1', '192.168.0.1', '169.254.1.1', '100.64.0.1', '::1', 'fe80::1', 'fd00::1'])
      expect([ip, isInternalIp(ip)]).toEqual([ip, true]);
    for (const ip of ['198.51.100.1', '8.8.8.8', '172.32.0.1', '2001:db8::1', '2603:10a6::1'])
      expect([ip, isInternalIp(ip)]).toEqual([ip, false]);
  });
});

describe('authentication results', () => {
  it('ignores ARC-Authentication-Results, whatever their order', async () => {
    const m = await parseRawMessage(
      eml(
        'ARC-Authentication-Results: i=1; mx.forwarder.example; spf=pass smtp.mailfrom=vendor.example; dkim=pass header.d=vendor.example; dmarc=pass',
        'Authentication-Results: spf=fail (sender IP is 203.0.113.40) smtp.mailfrom=vendor.example; dkim=fail (body hash did not verify)',
        ' header.d=vendor.example;dmarc=fail action=quarantine header.from=vendor.example;compauth=fail reason=000',
        FROM,
      ),
    );
    expect(m.auth).toEqual({ spf: 'fail', dkim: 'fail', dmarc: 'fail', compauth: 'fail', compauthReason: '000' });
    expect(m.senderIp).toBe('203.0.113.40');
  });

  it('decodes an Authentication-Results written as RFC 2047 encoded words', async () => {
    const text =
      'spf=softfail (sender IP is 203.0.113.41) smtp.mailfrom=vendor.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=vendor.example;compauth=softfail reason=201';
    const encoded = `=?utf-8?B?${Buffer.from(text).toString('base64')}?=`;
    const m = await parseRawMessage(eml(`Authentication-Results: ${encoded}`, FROM));
    expect(m.auth).toEqual({ spf: 'softfail', dkim: 'none', dmarc: 'none', compauth: 'softfail', compauthReason: '201' });
    expect(m.senderIp).toBe('203.0.113.41');
  });

  it('joins the fields one receiver writes per method, and leaves an earlier receiver’s out', async () => {
    const m = await parseRawMessage(
      eml(
        'Authentication-Results: mx.corp.example; dkim=fail header.d=vendor.example',
        'Authentication-Results: mx.corp.example; dkim=pass header.d=esp.example',
        'Authentication-Results: mx.corp.example; dmarc=fail (p=reject) header.from=vendor.example',
        'Received: from mail.esp.example (mail.esp.example [203.0.113.42]) by mx.corp.example; Mon, 3 Mar 2025 10:00:00 +0000',
        'Authentication-Results: mx.esp.example; spf=pass smtp.mailfrom=vendor.example',
        FROM,
      ),
    );
    // One passing signature is what DMARC can use; the SPF pass is the sender side's claim.
    expect(m.auth).toEqual({ dkim: 'pass', dmarc: 'fail' });
    expect(m.senderIp).toBe('203.0.113.42');
  });
});

describe('sender identity', () => {
  it('takes From, lower-cased, without the trailing dot of a fully qualified domain', async () => {
    const m = await parseRawMessage(eml('From: Billing <Billing@Vendor.Example.>', 'Return-Path: <bounce@esp.example>'));
    expect([m.sender, m.senderSource, m.returnPath]).toEqual(['billing@vendor.example', SenderSource.FROM, 'bounce@esp.example']);
  });

  it('falls back to Sender when From names no usable address', async () => {
    const m = await parseRawMessage(eml('From: Survey team <survey-vendor,example>', 'Sender: survey@vendor.example'));
    expect([m.sender, m.senderSource]).toEqual(['survey@vendor.example', SenderSource.SENDER]);
  });

  it('falls back to Return-Path when From is a display name alone or empty brackets', async () => {
    for (const from of ['From: "Support" <>', 'From: Support Team']) {
      const m = await parseRawMessage(eml(from, 'Return-Path: <bounce@esp.example>'));
      expect([m.sender, m.senderSource]).toEqual(['bounce@esp.example', SenderSource.RETURN_PATH]);
    }
  });

  it('takes the bracketed mailbox of From over addresses and commas written into its display name', async () => {
    const cases = [
      ['From: "Anna@Reseller", <service@shop.example>', 'service@shop.example'],
      ['From: victim@corp.example ,Thank You! ,_<mailer@bulk.example>', 'mailer@bulk.example'],
      ['From: [URGENT],(<notice@bank.example>)', 'notice@bank.example'],
    ];
    for (const [from, sender] of cases) {
      const m = await parseRawMessage(eml(from!, 'Sender: other@relay.example'));
      expect([m.sender, m.senderSource]).toEqual([sender, SenderSource.FROM]);
    }
  });

  it('does not take an address with a space in its domain', async () => {
    const m = await parseRawMessage(eml('From: Renewal <noreply@customer support.vendor.example>', 'Return-Path: <bounce@esp.example>'));
    expect([m.sender, m.senderSource]).toEqual(['bounce@esp.example', SenderSource.RETURN_PATH]);
  });

  it('refuses a raw message with no sender identity at all, naming the headers it looked at', async () => {
    const line = JSON.stringify({
      type: 'raw_message',
      id: 'r1',
      recipient: 'alice@corp.example',
      receivedAt: '2025-03-03T10:00:00Z',
      eml: eml('From: "Support" <>', 'Return-Path: <>'),
    });
    const { rows, errors } = await parseLines({ lines: [[1, line]], maxLineBytes: 1e6 });
    expect(rows).toEqual([]);
    expect(errors[0]?.message).toBe('line 1: raw_message.eml names no sender address in From, Sender or Return-Path');
  });
});
