/**
 * The receiving service's own verdict (src/telemetry/mail/upstream.ts): one hand-written header set per
 * filter family, and the `upstream` field of the `message` ingestion record.
 */
import { UpstreamSource, UpstreamVerdict } from '../../src/domain/upstream.js';
import { checkRecord, RecordError } from '../../src/telemetry/ingest.records.js';
import { parseRawMessage } from '../../src/telemetry/raw-message.js';

const eml = (...headers: string[]) =>
  [...headers, 'From: Billing <billing@vendor.example>', 'Subject: Invoice', 'Content-Type: text/plain', '', 'Please pay.', ''].join(
    '\r\n',
  );
const upstreamOf = async (...headers: string[]) => (await parseRawMessage(eml(...headers))).upstream;

describe('Microsoft 365 / EOP', () => {
  it('reads SCL, SFV, CAT and SFTY from X-Forefront-Antispam-Report; the category decides', async () => {
    const [v, ...rest] = await upstreamOf(
      'X-Forefront-Antispam-Report: CIP:203.0.113.50;CTRY:NL;LANG:en;SCL:9;SRV:;IPV:NLI;SFV:SPM;H:mail.vendor.example;',
      ' PTR:mail.vendor.example;CAT:PHSH;SFS:(13230040)(8096899003);DIR:INB;SFTY:9.25;',
      'X-Microsoft-Antispam: BCL:0;ARA:1444111002;',
      'X-MS-Exchange-Organization-SCL: 9',
      'X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;',
      'X-MS-Exchange-Organization-AuthAs: Anonymous',
    );
    expect(rest).toEqual([]);
    expect(v).toEqual({
      source: UpstreamSource.MICROSOFT,
      verdict: UpstreamVerdict.PHISH,
      scl: 9,
      bcl: 0,
      category: 'PHSH',
      raw: {
        CIP: '203.0.113.50',
        CTRY: 'NL',
        SCL: '9',
        SFV: 'SPM',
        CAT: 'PHSH',
        SFTY: '9.25',
        IPV: 'NLI',
        DIR: 'INB',
        BCL: '0',
        DEST: 'J',
        AUTHAS: 'Anonymous',
      },
    });
  });

  it('falls back to X-MS-Exchange-Organization-SCL: 5–6 spam, 7–9 high confidence, -1 skipped, below 5 clean', async () => {
    const verdictFor = async (scl: string) =>
      (await upstreamOf(`X-MS-Exchange-Organization-SCL: ${scl}`, 'X-Microsoft-Antispam: BCL:7;'))[0];
    expect(await verdictFor('5')).toEqual({
      source: UpstreamSource.MICROSOFT,
      verdict: UpstreamVerdict.SPAM,
      scl: 5,
      bcl: 7,
      raw: { SCL: '5', BCL: '7' },
    });
    expect((await verdictFor('8'))?.verdict).toBe(UpstreamVerdict.HIGH_CONFIDENCE_SPAM);
    expect((await verdictFor('-1'))?.verdict).toBe(UpstreamVerdict.SKIPPED);
    expect((await verdictFor('1'))?.verdict).toBe(UpstreamVerdict.CLEAN);
  });

  it('keeps the PCL and reads bulk and allow-listed mail from CAT and SFV', async () => {
    const [bulk] = await upstreamOf('X-Forefront-Antispam-Report: SCL:6;SFV:SPM;CAT:BULK;', 'X-MS-Exchange-Organization-PCL: 2');
    expect(bulk).toMatchObject({ verdict: UpstreamVerdict.BULK, scl: 6, pcl: 2, category: 'BULK' });
    const [allowed] = await upstreamOf('X-Forefront-Antispam-Report: SCL:-1;SFV:SKA;CAT:NONE;');
    expect(allowed).toMatchObject({ verdict: UpstreamVerdict.SKIPPED, scl: -1, category: 'NONE' });
  });

  it('reads a BCL alone as bulk from 7 (the default threshold), else clean', async () => {
    expect(await upstreamOf('X-Microsoft-Antispam: BCL:0;')).toEqual([
      { source: UpstreamSource.MICROSOFT, verdict: UpstreamVerdict.CLEAN, bcl: 0, raw: { BCL: '0' } },
    ]);
    expect((await upstreamOf('X-Microsoft-Antispam: BCL:8;'))[0]?.verdict).toBe(UpstreamVerdict.BULK);
  });

  it('ignores the -Untrusted headers another tenant stamped on its outbound mail', async () => {
    expect(
      await upstreamOf('X-Forefront-Antispam-Report-Untrusted: SCL:1;SFV:NSPM;CAT:NONE;', 'X-Microsoft-Antispam-Untrusted: BCL:0;'),
    ).toEqual([]);
  });
});

describe('SpamAssassin', () => {
  it('reads X-Spam-Status: Yes with its score and threshold', async () => {
    expect(
      await upstreamOf(
        'X-Spam-Flag: YES',
        'X-Spam-Status: Yes, score=15.6 required=5.0 tests=ADVANCE_FEE_3_NEW,',
        ' FREEMAIL_FROM autolearn=no version=3.4.6',
      ),
    ).toEqual([
      {
        source: UpstreamSource.SPAMASSASSIN,
        verdict: UpstreamVerdict.SPAM,
        score: 15.6,
        threshold: 5,
        raw: { status: 'Yes', flag: 'YES' },
      },
    ]);
  });

  it('reads No as clean, amavis spelling included, and X-Spam-Flag alone', async () => {
    expect((await upstreamOf('X-Spam-Status: No, score=3.34 tagged_above=-9999 required=5'))[0]).toMatchObject({
      verdict: UpstreamVerdict.CLEAN,
      score: 3.34,
      threshold: 5,
    });
    expect((await upstreamOf('X-Spam-Flag: YES', 'X-Spam-Score: 7.1'))[0]).toMatchObject({ verdict: UpstreamVerdict.SPAM, score: 7.1 });
  });
});

describe('rspamd', () => {
  it('reads X-Spamd-Result and lets X-Rspamd-Action decide', async () => {
    expect(
      await upstreamOf(
        'X-Spamd-Result: default: False [13.27 / 25.00]; URIBL_BLACK(7.50)[bad.example:url];',
        'X-Rspamd-Action: add header',
      ),
    ).toEqual([
      {
        source: UpstreamSource.RSPAMD,
        verdict: UpstreamVerdict.SPAM,
        category: 'add header',
        score: 13.27,
        threshold: 25,
        raw: { result: 'False', action: 'add header' },
      },
    ]);
    expect((await upstreamOf('X-Spamd-Result: default: False [1.04 / 15.00];', 'X-Rspamd-Action: no action'))[0]?.verdict).toBe(
      UpstreamVerdict.CLEAN,
    );
  });

  it('reads the action a module set before the scan (X-Rspamd-Pre-Result)', async () => {
    expect(await upstreamOf('X-Rspamd-Pre-Result: action=add header; module=dmarc; Action set by DMARC')).toEqual([
      { source: UpstreamSource.RSPAMD, verdict: UpstreamVerdict.SPAM, category: 'add header', raw: { action: 'add header' } },
    ]);
    expect((await upstreamOf('X-Rspamd-Pre-Result: action=no action; module=multimap'))[0]?.verdict).toBe(UpstreamVerdict.CLEAN);
  });

  it('reads True as spam when no action is given, and ignores a score alone', async () => {
    expect((await upstreamOf('X-Spamd-Result: default: True [18.00 / 15.00];'))[0]?.verdict).toBe(UpstreamVerdict.SPAM);
    expect(await upstreamOf('X-Rspamd-Score: 4.2')).toEqual([]);
  });
});

it('keeps every filter a message passed through', async () => {
  const sources = (
    await upstreamOf('X-MS-Exchange-Organization-SCL: 1', 'X-Spam-Status: No, score=0.1 required=5.0', 'X-Rspamd-Action: no action')
  ).map((v) => v.source);
  expect(sources).toEqual([UpstreamSource.MICROSOFT, UpstreamSource.SPAMASSASSIN, UpstreamSource.RSPAMD]);
});

describe('the message record’s upstream field', () => {
  const record = (upstream: unknown) => ({
    type: 'message',
    id: 'm1',
    recipient: 'alice@corp.example',
    sender: 'billing@vendor.example',
    subject: 'Invoice',
    body: 'Please pay.',
    receivedAt: '2025-03-03T10:00:00Z',
    location: 'INBOX',
    auth: { spf: 'FAIL', dkim: 'none', dmarc: 'fail', compauth: 'fail', compauthReason: '000' },
    upstream,
  });

  it('takes a connector’s verdicts and compauth', () => {
    const checked = checkRecord(record([{ source: 'MICROSOFT', verdict: 'PHISH', scl: 9, bcl: 0, category: 'PHSH', raw: { SFV: 'SPM' } }]));
    expect(checked.upstream).toEqual([{ source: 'MICROSOFT', verdict: 'PHISH', scl: 9, bcl: 0, category: 'PHSH', raw: { SFV: 'SPM' } }]);
    expect(checked.auth).toEqual({ spf: 'fail', dkim: 'none', dmarc: 'fail', compauth: 'fail', compauthReason: '000' });
  });

  it.each([
    [
      { source: 'EXCHANGE', verdict: 'SPAM' },
      'message.upstream[0].source must be one of MICROSOFT, SPAMASSASSIN, RSPAMD, GMAIL, but got "EXCHANGE"',
    ],
    [{ source: 'MICROSOFT' }, 'message.upstream[0].verdict is missing'],
    [{ source: 'MICROSOFT', verdict: 'SPAM', scl: 12 }, 'message.upstream[0].scl must be a whole number from -1 to 9, but got number 12'],
    [{ source: 'RSPAMD', verdict: 'SPAM', score: '7' }, 'message.upstream[0].score must be a number, but got "7"'],
    [{ source: 'RSPAMD', verdict: 'SPAM', raw: { action: 1 } }, 'message.upstream[0].raw.action must be a string, but got number 1'],
  ])('refuses %j, naming the field', (verdict, message) => {
    expect(() => checkRecord(record([verdict]))).toThrow(new RecordError(message));
  });
});
