import { Signal } from '../../../src/domain/evidence.js';
import { DetectionVerdict } from '../../../src/domain/telemetry.js';
import { UpstreamSource, UpstreamVerdict } from '../../../src/domain/upstream.js';
import { GRADES } from '../../../src/playbooks/signals/weights.js';
import { fired } from './support.js';

const microsoft = (verdict: UpstreamVerdict, extra = {}) => ({ source: UpstreamSource.MICROSOFT, verdict, raw: {}, ...extra });

describe('UPSTREAM_VERDICT', () => {
  test('graded by the filter’s verdict, the strongest filter counting', () => {
    expect(fired({ upstream: [microsoft(UpstreamVerdict.HIGH_CONFIDENCE_PHISH)] })[Signal.UPSTREAM_VERDICT]).toBe(
      GRADES.UPSTREAM_HIGH_CONFIDENCE_PHISH,
    );
    expect(fired({ upstream: [microsoft(UpstreamVerdict.HIGH_CONFIDENCE_SPAM, { scl: 9 })] })[Signal.UPSTREAM_VERDICT]).toBe(
      GRADES.UPSTREAM_HIGH_CONFIDENCE_SPAM,
    );
    expect(fired({ upstream: [microsoft(UpstreamVerdict.BULK, { bcl: 8 })] })[Signal.UPSTREAM_VERDICT]).toBe(GRADES.UPSTREAM_BULK);
    const both = [{ source: UpstreamSource.SPAMASSASSIN, verdict: UpstreamVerdict.SPAM, raw: {} }, microsoft(UpstreamVerdict.PHISH)];
    expect(fired({ upstream: both })[Signal.UPSTREAM_VERDICT]).toBe(GRADES.UPSTREAM_PHISH);
  });

  test('a likely-phish PCL lifts a clean or spam verdict', () => {
    expect(fired({ upstream: [microsoft(UpstreamVerdict.SPAM, { pcl: 5 })] })[Signal.UPSTREAM_VERDICT]).toBe(GRADES.UPSTREAM_PHISH);
  });

  test('clean and skipped add nothing', () => {
    expect(fired({ upstream: [microsoft(UpstreamVerdict.CLEAN, { scl: 1 }), microsoft(UpstreamVerdict.SKIPPED, { scl: -1 })] })).toEqual(
      {},
    );
  });
});

describe('DETECTED_ON_ARRIVAL', () => {
  test('phish and malware detections, not spam', () => {
    expect(fired({ detection: DetectionVerdict.PHISH })[Signal.DETECTED_ON_ARRIVAL]).toBe(1);
    expect(fired({ detection: DetectionVerdict.MALWARE })[Signal.DETECTED_ON_ARRIVAL]).toBe(1);
    expect(fired({ detection: DetectionVerdict.SPAM })).toEqual({});
  });
});

describe('AUTHENTICATION_FAILED', () => {
  test('the strongest failure counts', () => {
    expect(fired({ auth: { dmarc: 'fail', spf: 'softfail' } })[Signal.AUTHENTICATION_FAILED]).toBe(GRADES.AUTH_DMARC_FAIL);
    expect(fired({ auth: { compauth: 'fail', compauthReason: '001' } })[Signal.AUTHENTICATION_FAILED]).toBe(GRADES.AUTH_DMARC_FAIL);
    expect(fired({ auth: { compauth: 'softfail' } })[Signal.AUTHENTICATION_FAILED]).toBe(GRADES.AUTH_COMPAUTH_SOFTFAIL);
    expect(fired({ auth: { spf: 'softfail', dkim: 'none' } })[Signal.AUTHENTICATION_FAILED]).toBe(GRADES.AUTH_SPF_SOFTFAIL);
  });

  test('a missing result, none, neutral or an error is no failure', () => {
    expect(fired({})).toEqual({});
    expect(fired({ auth: { spf: 'none', dkim: 'none', dmarc: 'none' } })).toEqual({});
    expect(fired({ auth: { spf: 'neutral', dmarc: 'permerror', dkim: 'temperror' } })).toEqual({});
  });

  test('SPF and DKIM failures do not count when DMARC or compauth passed (forwarding breaks them)', () => {
    expect(fired({ auth: { spf: 'fail', dkim: 'fail', dmarc: 'pass' } })).toEqual({});
    expect(fired({ auth: { spf: 'fail', compauth: 'pass' } })).toEqual({});
  });
});
