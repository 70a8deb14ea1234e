import { Signal, type Evidence } from '../../domain/evidence.js';
import { Verdict } from '../../domain/telemetry.js';

/** A message whose evidence adds up to this is MALICIOUS; to SUSPICIOUS_SCORE, SUSPICIOUS. */
export const MALICIOUS_SCORE = 1.0;
export const SUSPICIOUS_SCORE = 0.5;

/** Provisional weights (the signals helper replaces this table with calibrated ones). */
export const SIGNAL_WEIGHTS: Record<Signal, number> = {
  [Signal.THREAT_INTELLIGENCE]: 2,
  [Signal.ANALYST_VERDICT]: 2,
  [Signal.DETECTED_ON_ARRIVAL]: 1,
  [Signal.UPSTREAM_VERDICT]: 0.6,
  [Signal.SIMILAR_DETECTED]: 1,
  [Signal.AUTHENTICATION_FAILED]: 0.3,
  [Signal.REPLY_TO_MISMATCH]: 0.25,
  [Signal.DISPLAY_NAME_BRAND]: 0.35,
  [Signal.DISPLAY_NAME_EXECUTIVE]: 0.5,
  [Signal.LOOKALIKE_ORGANISATION_DOMAIN]: 0.6,
  [Signal.LOOKALIKE_BRAND_DOMAIN]: 0.5,
  [Signal.RARE_SENDER_DOMAIN]: 0.15,
  [Signal.RARE_LANDING_DOMAIN]: 0.15,
  [Signal.LINK_TEXT_MISMATCH]: 0.35,
  [Signal.ABUSED_SERVICE_LINK]: 0.2,
  [Signal.SUSPICIOUS_TLD]: 0.15,
  [Signal.CREDENTIAL_WORDING]: 0.3,
  [Signal.PAYMENT_URGENCY]: 0.2,
  [Signal.HTML_ATTACHMENT]: 0.35,
  [Signal.RISKY_ATTACHMENT]: 0.5,
  [Signal.MULTIPLE_REPORTERS]: 0.2,
  [Signal.ESTABLISHED_SENDER]: -0.6,
  [Signal.INTERNAL_SENDER]: -0.3,
  [Signal.CAMPAIGN_ARTIFACT]: 0.5,
  [Signal.COMPROMISED_SENDER]: 0.6,
};

/** Signals each enough alone, and what automation needs of every message it acts on. */
export const STRONG_SIGNALS: ReadonlySet<Signal> = new Set([
  Signal.THREAT_INTELLIGENCE,
  Signal.ANALYST_VERDICT,
  Signal.DETECTED_ON_ARRIVAL,
]);

export const evidence = (signal: Signal, detail: string, weight = SIGNAL_WEIGHTS[signal]): Evidence => ({ signal, weight, detail });

export const scoreOf = (items: readonly Evidence[]) => items.reduce((sum, e) => sum + e.weight, 0);

export function verdictOf(items: readonly Evidence[]): Verdict {
  const score = scoreOf(items);
  return score >= MALICIOUS_SCORE ? Verdict.MALICIOUS : score >= SUSPICIOUS_SCORE ? Verdict.SUSPICIOUS : Verdict.CLEAN;
}
