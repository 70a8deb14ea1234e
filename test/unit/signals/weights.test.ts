import { Signal } from '../../../src/domain/evidence.js';
import { Verdict } from '../../../src/domain/telemetry.js';
import {
  evidence,
  GRADES,
  hasStrongEvidence,
  isStrong,
  MALICIOUS_SCORE,
  scoreOf,
  SIGNAL_WEIGHTS,
  SUSPICIOUS_SCORE,
  verdictOf,
} from '../../../src/playbooks/signals/weights.js';
import { fired } from './support.js';

describe('weights', () => {
  test('every signal has a weight, and no content signal alone reaches MALICIOUS', () => {
    for (const signal of Object.values(Signal)) expect(typeof SIGNAL_WEIGHTS[signal]).toBe('number');
    for (const s of [Signal.CREDENTIAL_WORDING, Signal.PAYMENT_URGENCY, Signal.LINK_TEXT_MISMATCH, Signal.REPLY_TO_MISMATCH])
      expect(SIGNAL_WEIGHTS[s]).toBeLessThan(SUSPICIOUS_SCORE);
  });

  test('evidence takes the signal’s weight unless a grade is given', () => {
    expect(evidence(Signal.SUSPICIOUS_TLD, 'x')).toEqual({
      signal: Signal.SUSPICIOUS_TLD,
      weight: SIGNAL_WEIGHTS[Signal.SUSPICIOUS_TLD],
      detail: 'x',
    });
    expect(evidence(Signal.SUSPICIOUS_TLD, 'x', GRADES.IP_ADDRESS_LINK).weight).toBe(GRADES.IP_ADDRESS_LINK);
  });

  test('a signal counts once, at its strongest piece; legitimacy subtracts', () => {
    const five = Array.from({ length: 5 }, (_, i) => evidence(Signal.LINK_TEXT_MISMATCH, `link ${i}`));
    expect(scoreOf(five)).toBe(SIGNAL_WEIGHTS[Signal.LINK_TEXT_MISMATCH]);
    expect(scoreOf([evidence(Signal.SUSPICIOUS_TLD, 'a'), evidence(Signal.SUSPICIOUS_TLD, 'ip', GRADES.IP_ADDRESS_LINK)])).toBe(
      GRADES.IP_ADDRESS_LINK,
    );
    expect(scoreOf([evidence(Signal.DISPLAY_NAME_BRAND, 'b'), evidence(Signal.ESTABLISHED_SENDER, 'e')])).toBe(0);
  });

  test('verdicts at the thresholds', () => {
    expect(verdictOf([])).toBe(Verdict.CLEAN);
    expect(verdictOf([evidence(Signal.CREDENTIAL_WORDING, 'w', 0.3), evidence(Signal.ABUSED_SERVICE_LINK, 'l', 0.2)])).toBe(
      Verdict.SUSPICIOUS,
    );
    expect(verdictOf([evidence(Signal.THREAT_INTELLIGENCE, 't')])).toBe(Verdict.MALICIOUS);
    expect(MALICIOUS_SCORE).toBe(1);
    expect(SUSPICIOUS_SCORE).toBe(0.5);
  });

  test('strong: intelligence, analysts, detection, and only the upstream verdict’s phish or malware grades', () => {
    expect(isStrong(evidence(Signal.DETECTED_ON_ARRIVAL, 'd'))).toBe(true);
    expect(isStrong(evidence(Signal.ANALYST_VERDICT, 'clean', GRADES.ANALYST_CLEAN))).toBe(false);
    expect(isStrong(evidence(Signal.UPSTREAM_VERDICT, 'hphish', GRADES.UPSTREAM_HIGH_CONFIDENCE_PHISH))).toBe(true);
    expect(isStrong(evidence(Signal.UPSTREAM_VERDICT, 'spam', GRADES.UPSTREAM_HIGH_CONFIDENCE_SPAM))).toBe(false);
    expect(hasStrongEvidence([evidence(Signal.DISPLAY_NAME_BRAND, 'b'), evidence(Signal.AUTHENTICATION_FAILED, 'a')])).toBe(false);
  });

  test('an ordinary message fires nothing', () => {
    expect(fired({})).toEqual({});
  });
});
