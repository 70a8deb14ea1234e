/**
 * Bodies, quotes and links of real-shaped mail (telemetry/mail/): hand-written messages, one per rule.
 */
import { parseRawMessage } from '../../src/telemetry/raw-message.js';
import { splitQuoted } from '../../src/telemetry/mail/quotes.js';
import { urlsInText } from '../../src/telemetry/mail/links.js';
import { estimateSimilarity, fingerprintMessage } from '../../src/telemetry/fingerprint.js';
import { messageRow, MESSAGE_COLUMNS } from '../../src/telemetry/ingest.rows.js';

const eml = (headers: string, body: string) =>
  `From: IT Desk <it@helpdesk.example>\r\nTo: user@corp.example\r\nSubject: Notice\r\nMessage-ID: <1@helpdesk.example>\r\nMIME-Version: 1.0\r\n${headers}\r\n\r\n${body}`.replace(
    /\r?\n/g,
    '\r\n',
  );

const ANNOUNCEMENT =
  'All staff are asked to complete the annual security awareness training before the end of the quarter. ' +
  'The course takes about forty minutes and can be paused at any time. Managers will receive a report of ' +
  'completion rates for their teams every Monday morning until the deadline has passed.';

describe('message bodies', () => {
  it('reads a body written inside an unclosed <head> (no <body> at all), as a browser shows it', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: text/html; charset=utf-8',
        `<html><head><meta charset="utf-8"><style>p{color:red}</style><center><a href="https://offer.example/go">${ANNOUNCEMENT}</a></center>`,
      ),
    );
    expect(m.urls).toEqual(['https://offer.example/go']);
    expect(m.body).toContain('All staff are asked');
    expect(m.body).not.toContain('color:red');
  });

  it('reads what a mailer appended after </html> (footers, unsubscribe links): browsers show it', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: text/html; charset=utf-8',
        `<html><body><p>${ANNOUNCEMENT}</p></body></html>\n<span>click <a href="https://lists.example/optout/42">here</a> to unsubscribe</span>`,
      ),
    );
    expect(m.links).toContainEqual({ url: 'https://lists.example/optout/42', text: 'here' });
    expect(m.body).toContain('to unsubscribe');
  });

  it('reads a body part whose Content-Type is broken (`text` alone, a missing `;`) as the body, not as a file', async () => {
    for (const contentType of ['Content-Type: text; charset=utf-8', 'Content-Type: text/html charset=windows-1252']) {
      const m = await parseRawMessage(eml(contentType, `<html><body><p>${ANNOUNCEMENT}</p></body></html>`));
      expect({ contentType, attachments: m.attachments, starts: m.body.slice(0, 31) }).toEqual({
        contentType,
        attachments: [],
        starts: 'All staff are asked to complete',
      });
    }
  });

  it('keeps no empty part as an attachment, nor one holding a line break only (every one has the same SHA-256)', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: multipart/mixed; boundary="b"',
        [
          '--b',
          'Content-Type: text/plain',
          '',
          ANNOUNCEMENT,
          '--b',
          'Content-Type: application/pdf; name="invoice.pdf"',
          'Content-Disposition: attachment; filename="invoice.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          '',
          '--b',
          // No transfer encoding and a blank line for a body: mailparser keeps that line break as content.
          'Content-Type: image/png; name="image001.png"',
          'Content-Disposition: inline; filename="image001.png"',
          '',
          '',
          '--b',
          'Content-Type: application/pdf; name="receipt.pdf"',
          'Content-Disposition: attachment; filename="receipt.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          'JVBERi0xLjQK',
          '--b--',
          '',
        ].join('\n'),
      ),
    );
    expect(m.attachments.map((a) => [a.name, a.size])).toEqual([['receipt.pdf', 9]]);
  });

  it('reads the text of an HTML-only message', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: text/html; charset=utf-8',
        '<html><head><style>p{color:red}</style><title>x</title></head><body><table><tr><td>Your mailbox</td><td>is full.</td></tr></table><p>Verify your account today.</p></body></html>',
      ),
    );
    expect(m.body).toBe('Your mailbox is full.\n\nVerify your account today.');
    expect(m.quoted).toBe('');
  });

  it('reads HTML nested in multipart/related inside multipart/mixed, with no text part', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: multipart/mixed; boundary="outer"',
        [
          '--outer',
          'Content-Type: multipart/related; boundary="inner"',
          '',
          '--inner',
          'Content-Type: text/html; charset=utf-8',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          '<p>Your invoice is ready. <a href=3D"https://pay.example/inv">Open invoice</a></p>',
          '--inner',
          'Content-Type: image/png; name="logo.png"',
          'Content-ID: <logo>',
          'Content-Transfer-Encoding: base64',
          '',
          'iVBORw0KGgo=',
          '--inner--',
          '--outer',
          'Content-Type: application/pdf; name="invoice.pdf"',
          'Content-Disposition: attachment; filename="invoice.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          'JVBERi0=',
          '--outer--',
          '',
        ].join('\n'),
      ),
    );
    expect(m.body).toBe('Your invoice is ready. Open invoice');
    expect(m.links).toEqual([{ url: 'https://pay.example/inv', text: 'Open invoice' }]);
    expect(m.urls).toEqual(['https://pay.example/inv']);
    expect(m.attachments.map((a) => a.name)).toEqual(['logo.png', 'invoice.pdf']);
  });

  it('prefers the HTML when the text part is a stub', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: multipart/alternative; boundary="b"',
        [
          '--b',
          'Content-Type: text/plain',
          '',
          'View this message in a browser.',
          '--b',
          'Content-Type: text/html',
          '',
          `<p>${ANNOUNCEMENT}</p>`,
          '--b--',
          '',
        ].join('\n'),
      ),
    );
    expect(m.body).toBe(ANNOUNCEMENT);
  });
});

describe('quoted replies', () => {
  it('splits > lines and the "On … wrote:" attribution from the own text', () => {
    const { own, quoted } = splitQuoted(
      `Please see the new payment details.\n\nOn Mon, 3 Mar 2025 at 09:12, Jane Roe <jane@corp.example> wrote:\n> ${ANNOUNCEMENT}\n> Thanks`,
    );
    expect(own).toBe('Please see the new payment details.');
    expect(quoted).toMatch(/^On Mon, 3 Mar 2025 .* wrote:\n> All staff/);
  });

  it('recognises an attribution split over two lines', () => {
    expect(splitQuoted('Done.\n\nOn Tue, 4 Mar 2025 at 10:00, Jane Roe <\njane@corp.example> wrote:\n\nEarlier text').own).toBe('Done.');
  });

  it("quotes everything from Outlook's header block and from -----Original Message-----", () => {
    const outlook = splitQuoted(
      'Approved, go ahead.\n\n________________________________\nFrom: Jane Roe <jane@corp.example>\nSent: Monday, March 3, 2025 9:12 AM\nTo: Finance <finance@corp.example>\nSubject: Vendor change\n\nEarlier text',
    );
    expect(outlook.own).toBe('Approved, go ahead.');
    expect(outlook.quoted).toMatch(/^From: Jane Roe/);
    expect(splitQuoted('Fine by me.\n-----Original Message-----\nFrom: x\nEarlier').own).toBe('Fine by me.');
    // A lone "From:" line in prose is not a header block.
    expect(splitQuoted('From: the finance team\nPlease pay today.').quoted).toBe('');
  });

  it('marks blockquote, gmail_quote and divRplyFwdMsg in HTML', async () => {
    const gmail = await parseRawMessage(
      eml(
        'Content-Type: text/html',
        `<div>Here is the file you asked for.</div><div class="gmail_quote"><div class="gmail_attr">On Mon, Jane wrote:</div><blockquote class="gmail_quote">${ANNOUNCEMENT}</blockquote></div>`,
      ),
    );
    expect(gmail.body).toBe('Here is the file you asked for.');
    expect(gmail.quoted).toContain('All staff are asked');
    const outlook = await parseRawMessage(
      eml(
        'Content-Type: text/html',
        `<div>Updated bank details attached.</div><hr><div id="divRplyFwdMsg"><b>De :</b> Jane<br><b>Envoyé :</b> lundi</div><div>${ANNOUNCEMENT}</div>`,
      ),
    );
    expect(outlook.body).toBe('Updated bank details attached.');
    expect(outlook.quoted).toContain('All staff are asked');
  });

  it('fingerprints the own text: a hijacked reply quoting an announcement is not the announcement', () => {
    const fp = (body: string, quoted?: string) =>
      fingerprintMessage({ sender: 'a@corp.example', subject: 'Training', body, quoted, urls: [], attachments: [] }).minhash;
    const announcement = fp(ANNOUNCEMENT);
    const reply = splitQuoted(`Please update the payroll form at the link below before Friday.\n\nOn Mon, Jane wrote:\n> ${ANNOUNCEMENT}`);
    expect(estimateSimilarity(fp(reply.own, reply.quoted), announcement)).toBeLessThan(0.2);
    // A bare forward says nothing of its own: its quoted text is what it is.
    expect(estimateSimilarity(fp('', ANNOUNCEMENT), announcement)).toBe(1);
  });
});

describe('links', () => {
  it('keeps the display text of each HTML link, and form actions; not image sources', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: text/html',
        '<p><a href="https://evil.example/login">https://bank.example</a> <a href="https://evil.example/x"><img src="https://cdn.example/b.png" alt="Sign in"></a><img src="https://track.example/p.gif"></p><form action="https://evil.example/post"><input></form><a href="mailto:x@y.example">mail</a>',
      ),
    );
    expect(m.links).toEqual([
      { url: 'https://evil.example/login', text: 'https://bank.example' },
      { url: 'https://evil.example/x', text: 'Sign in' },
      { url: 'https://evil.example/post' },
    ]);
    // The shown bank URL is that link's text, not a target of its own.
    expect(m.urls).toEqual(['https://evil.example/login', 'https://evil.example/x', 'https://evil.example/post']);
  });

  it('never glues two links together', () => {
    expect(urlsInText('logo https://cdn.example/a.png]https://click.example/c?id=1 end')).toEqual([
      'https://cdn.example/a.png',
      'https://click.example/c?id=1',
    ]);
    expect(urlsInText('[https://a.example/x] and Click here<https://b.example/y?a=1&b=2>.')).toEqual([
      'https://a.example/x',
      'https://b.example/y?a=1&b=2',
    ]);
    expect(urlsInText('see www.example.com/help, mailto:x@y.example or ftp://f.example')).toEqual(['http://www.example.com/help']);
  });

  it('finds bare www. names under every IANA top-level domain, and none under a made-up one', () => {
    expect(urlsInText('go to www.prize-claim.online/now or www.bank.example.xyz today')).toEqual([
      'http://www.prize-claim.online/now',
      'http://www.bank.example.xyz',
    ]);
    // A URL whose slashes a kit stripped is no link: `combrsiri` is no top-level domain.
    expect(urlsInText('Disponível em httpswww.apple.combrsiri Acesso em 2018')).toEqual([]);
  });

  it('drops links whose host is a template placeholder, and cuts a placeholder after the host', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: text/html',
        [
          '<a href="https://site.example/offer.html#[unsub]">offer</a>',
          '<a href="http://mailer.example/[optout]">opt out</a>',
          '<a href="http://click.example/t/{{url}}">track</a>',
          '<a href="https://[name_1]@X7gHq#cl/1/2">broken</a>',
          '<a href="https://{{domain}}/login">login</a>',
          '<a href="https://lists.example/u?e=%EMAIL%&amp;id=7">unsubscribe</a>',
          '<a href="https://shop.example/list?filter[status]=new">shop</a>',
          '<a href="http://[2001:db8::1]/admin">v6</a>',
        ].join(' '),
      ),
    );
    expect(m.urls).toEqual([
      'https://site.example/offer.html',
      'http://mailer.example/',
      'http://click.example/t/',
      'https://lists.example/u?e=',
      'https://shop.example/list?filter[status]=new',
      'http://[2001:db8::1]/admin',
    ]);
  });

  it('follows a link as a browser does: line breaks dropped, spaces encoded, no link without a usable host', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: text/html',
        [
          '<a href="https://pay.example/a?x=1\r\n&amp;y=2">pay</a>',
          '<a href="http://track.example/name=Jane Doe">profile</a>',
          '<a href="http://mail\r\n box.example/a">broken host</a>',
          '<a href="http:///5AuEck231013/x">no host</a>',
          '<a href="https://prefs.example/p?id&#16;42">preferences</a>',
          '<a href="https://bank.example.3">a host ending in a number that is no IPv4 address</a>',
          '<a href="http://2997024026/x">an IPv4 address written as one number</a>',
          '<a href="http://0137.0323.0053.0062/y">in octal</a>',
        ].join(' '),
      ),
    );
    // Obfuscated IPv4 hosts are addresses to a browser, and a phishing classic: kept.
    expect(m.urls).toEqual([
      'https://pay.example/a?x=1&y=2',
      'http://track.example/name=Jane%20Doe',
      'https://prefs.example/p?id%1042',
      'http://2997024026/x',
      'http://0137.0323.0053.0062/y',
    ]);
  });

  it("reads a textarea's text with its character references decoded, as a browser shows it", async () => {
    const m = await parseRawMessage(
      eml('Content-Type: text/html', `<p>${ANNOUNCEMENT}</p><textarea><a href="https://reset.example/r?u=1&amp;m=reset">Reset</a>`),
    );
    expect(m.urls).toEqual(['https://reset.example/r?u=1&m=reset']);
  });

  it('reads links outside <body>: a link around the whole document, text before <body>, an unclosed <head>', async () => {
    const m = await parseRawMessage(
      eml(
        'Content-Type: text/html',
        '<a href="https://casino.example/join"><html><head><style>a{}</style><thead><a href="https://casino.example/bonus">Bonus</a>' +
          `<body><p>${ANNOUNCEMENT}</p></body></html></a><center><a href="https://casino.example/unsub">Abmelden</a></center>`,
      ),
    );
    expect(m.urls).toEqual(['https://casino.example/join', 'https://casino.example/bonus', 'https://casino.example/unsub']);
    expect(m.body).toContain('All staff are asked');
  });

  it('unwraps Safe Links in a text part and keeps the wrapped form', async () => {
    const wrapped = `https://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://evil.example/a?b=1')}&data=05%7C01&reserved=0`;
    const m = await parseRawMessage(eml('Content-Type: text/plain', `Open ${wrapped} now`));
    expect(m.links).toEqual([{ url: 'https://evil.example/a?b=1', wrapped }]);
    expect(m.urls).toEqual(['https://evil.example/a?b=1']);
  });
});

describe('message records', () => {
  const column = (values: unknown[], name: string) => values[MESSAGE_COLUMNS.findIndex((c) => c.name === name)];
  it('split the body into own and quoted text and unwrap the URLs into links', () => {
    const values = messageRow({
      recipient: 'user@corp.example',
      sender: 'it@helpdesk.example',
      subject: 'Re: Training',
      body: `Use the new portal.\n\nOn Mon, Jane wrote:\n> ${ANNOUNCEMENT}`,
      urls: [`https://www.google.com/url?q=${encodeURIComponent('https://x1.bad.example/p')}&sa=D`],
      receivedAt: '2025-03-03T09:00:00.000Z',
      location: 'INBOX',
    });
    expect(column(values, 'body')).toBe('Use the new portal.');
    expect(column(values, 'quoted')).toMatch(/^On Mon, Jane wrote:/);
    expect(column(values, 'urls')).toBe('{"https://x1.bad.example/p"}');
    expect(JSON.parse(column(values, 'links') as string)).toEqual([
      { url: 'https://x1.bad.example/p', wrapped: `https://www.google.com/url?q=${encodeURIComponent('https://x1.bad.example/p')}&sa=D` },
    ]);
    expect(column(values, 'domains')).toBe('{"x1.bad.example","bad.example"}');
  });

  it('keep the URLs a connector gives as they came: mailto: and relative links are evidence too', () => {
    const urls = ['mailto:payroll@corp-update.example', '/account/verify', 'https://pay.example/{{id}}'];
    const values = messageRow({
      recipient: 'user@corp.example',
      sender: 'it@helpdesk.example',
      subject: 'Payroll',
      body: 'Update your details.',
      urls,
      receivedAt: '2025-03-03T09:00:00.000Z',
      location: 'INBOX',
    });
    expect(JSON.parse(column(values, 'links') as string)).toEqual(urls.map((url) => ({ url })));
  });
});
