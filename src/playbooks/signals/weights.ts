/**
 * The weights of evidence: one table, the thresholds a score is judged by, and the helpers that turn
 * evidence into a score and a verdict. WORKER-SAFE.
 *
 * A message is MALICIOUS at a score of 1.0 and SUSPICIOUS at 0.5. The scale is chosen so that a strong
 * signal alone (threat intelligence, an analyst, the mail filter's phish or malware detection) is
 * enough, and weaker ones must agree: no content signal reaches 1.0 alone, and two weak ones only reach
 * SUSPICIOUS. Weights marked "measured" were set with `npm run eval:signals` on the real phishing corpus
 * and the SpamAssassin ham (docs/playbooks.md, "Evidence and weights", has the figures): tuned on the
 * samples whose number is even, checked on the odd ones. The others are judgement, said why.
 */
import { Signal, type Evidence } from '../../domain/evidence.js';
import { Verdict } from '../../domain/telemetry.js';

/** A score at or above this is MALICIOUS. */
export const MALICIOUS_SCORE = 1.0;
/** A score at or above this (and below {@link MALICIOUS_SCORE}) is SUSPICIOUS. */
export const SUSPICIOUS_SCORE = 0.5;

/**
 * The weight of each signal at its usual strength. Signals with graded strength pass a grade of
 * {@link GRADES} instead; every number of the judgement is in this file.
 */
export const SIGNAL_WEIGHTS: Record<Signal, number> = {
  // Strong: alone enough for MALICIOUS.
  [Signal.THREAT_INTELLIGENCE]: 1.0, // someone already established it is malicious
  [Signal.ANALYST_VERDICT]: 1.0, // an analyst of this tenant said so; a CLEAN verdict passes GRADES.ANALYST_CLEAN
  [Signal.DETECTED_ON_ARRIVAL]: 1.0, // the mail filter's phish or malware detection on this very message
  [Signal.UPSTREAM_VERDICT]: 0.5, // spam, the usual verdict; phish, malware and bulk are graded (GRADES)
  [Signal.SIMILAR_DETECTED]: 0.6, // near-duplicates detected: a campaign, but content similarity alone is not proof
  // Sender and authentication.
  [Signal.AUTHENTICATION_FAILED]: 0.5, // DMARC or compauth fail: the From domain's owner disowns the message
  [Signal.REPLY_TO_MISMATCH]: 0.25, // answers go elsewhere: common in lures, yet mailing lists and CRMs do it too (measured)
  [Signal.DISPLAY_NAME_BRAND]: 0.5, // "PayPal" from a domain PayPal does not own (measured: rare in ham)
  [Signal.DISPLAY_NAME_EXECUTIVE]: 0.6, // a colleague's name from outside: the business-email-compromise opening
  [Signal.LOOKALIKE_ORGANISATION_DOMAIN]: 0.8, // nobody registers a look-alike of the organisation by accident
  [Signal.LOOKALIKE_BRAND_DOMAIN]: 0.6, // a brand's name in a domain it does not own (measured: rare in ham)
  [Signal.RARE_SENDER_DOMAIN]: 0.15, // first contact is normal for legitimate mail too: only adds to others
  [Signal.RARE_LANDING_DOMAIN]: 0.15,
  // Links.
  [Signal.LINK_TEXT_MISMATCH]: 0.35, // shows one site, goes to another; tracking redirects do it too (measured)
  [Signal.ABUSED_SERVICE_LINK]: 0.2, // free hosting, shorteners, forms: cheap for lures, common in newsletters (measured)
  [Signal.SUSPICIOUS_TLD]: 0.2, // mostly abuse, not all (measured)
  // Content.
  [Signal.CREDENTIAL_WORDING]: 0.3, // one lure phrase; two or more pass GRADES.WORDING_REPEATED (measured)
  [Signal.PAYMENT_URGENCY]: 0.25, // marketing urges too (measured: hard ham)
  [Signal.OBFUSCATED_TEXT]: 0.4, // disguised words have no innocent reading; mojibake and mixed-language text are excluded (measured)
  [Signal.HTML_ATTACHMENT]: 0.5, // an HTML page as a file: a local phishing page that no link scanner sees
  [Signal.RISKY_ATTACHMENT]: 0.7, // a file that runs code when opened: scripts, executables, disk images, macros
  // Reports.
  [Signal.MULTIPLE_REPORTERS]: 0.3, // independent users agree; they also report newsletters
  // Legitimacy.
  [Signal.ESTABLISHED_SENDER]: -0.5, // authenticated and long known: offsets weak content signals, never a strong one
  [Signal.INTERNAL_SENDER]: -0.5,
  // Campaign membership.
  [Signal.CAMPAIGN_ARTIFACT]: 0.6, // shares a malicious URL, file or infrastructure: with content, a campaign member
  [Signal.COMPROMISED_SENDER]: 0.8, // sent by an account in its compromise window
};

/** Grades of signals whose strength varies with what was seen. */
export const GRADES = {
  /** An analyst judged it (or its sender, URL, file) clean: outweighs every content signal. */
  ANALYST_CLEAN: -2.0,
  // UPSTREAM_VERDICT, by the filter's verdict. Microsoft's high-confidence phish and malware are its
  // strongest verdicts and alone MALICIOUS. A spam verdict alone is SUSPICIOUS (a human looks; automation
  // never acts on it, weights.ts isStrong): it is the service's judgement that the mail is unwanted, and
  // 140 of the 1,581 real phish carry nothing else (measured). It needs content evidence to reach
  // MALICIOUS. The SpamAssassin ham carries no verdicts, so how often legitimate mail gets one is not
  // measured here.
  UPSTREAM_HIGH_CONFIDENCE_PHISH: 1.0,
  UPSTREAM_MALWARE: 1.0,
  UPSTREAM_PHISH: 0.7,
  /** SCL 7–9: high-confidence spam. */
  UPSTREAM_HIGH_CONFIDENCE_SPAM: 0.6,
  /** SCL 5–6, SpamAssassin and rspamd spam. */
  UPSTREAM_SPAM: 0.5,
  /** Bulk mail is mostly wanted newsletters: almost nothing. */
  UPSTREAM_BULK: 0.05,
  // AUTHENTICATION_FAILED, the strongest failure counts: DMARC fail or compauth fail (Microsoft's
  // judgement of spoofing) mean the domain's owner disowns it; SPF and DKIM alone break on forwarding.
  AUTH_DMARC_FAIL: 0.5,
  AUTH_COMPAUTH_SOFTFAIL: 0.3,
  AUTH_SPF_FAIL: 0.3,
  AUTH_DKIM_FAIL: 0.2,
  AUTH_SPF_SOFTFAIL: 0.15,
  // REPLY_TO_MISMATCH: a free mailbox for answers under a company's name is the lure's pattern; a
  // Return-Path elsewhere is ordinary (mailing lists, ESP bounce domains), counted only when nothing
  // authenticated the From domain.
  REPLY_TO_FREEMAIL: 0.35,
  RETURN_PATH_UNAUTHENTICATED: 0.1,
  // LOOKALIKE_BRAND_DOMAIN: a confusable or one-letter-off brand domain is stronger than a brand word
  // inside a long domain name, which also happens for fan sites and resellers. Two letters off weighs as
  // the latter: with a new sender and landing domain 0.7 made a 2002 mailing-list post linking a parody
  // site (microshaft.org) MALICIOUS, the one easy ham of 3,900 (eval:detection, whole easy ham).
  BRAND_CONFUSABLE: 0.7,
  /** LINK_TEXT_MISMATCH where the text shows a well-known brand's domain: the lure itself, not click tracking. */
  LINK_SHOWS_BRAND: 0.5,
  // SUSPICIOUS_TLD: a raw IP address as a link target hides every name on purpose.
  IP_ADDRESS_LINK: 0.4,
  /** Wording with two distinct lure phrases or more. */
  WORDING_REPEATED: 0.45,
  /**
   * An HTML form in the body: shown to the analyst, not scored. Measured: a third of hard ham (newsletter
   * sign-up and search forms) and 0.4 % of phish hold one; it tells nothing apart.
   */
  HTML_FORM: 0,
  // RISKY_ATTACHMENT, by type.
  ATTACHMENT_DOUBLE_EXTENSION: 0.9, // `invoice.pdf.exe`: a disguise has no innocent reading
  ATTACHMENT_MACRO: 0.5, // docm/xlsm: macros are blocked by default now, but still sent
  ATTACHMENT_ARCHIVE: 0.1, // zip/rar/7z by name: mostly innocent, sometimes a wrapper
} as const;

/**
 * Signals strong enough alone to act on, whatever else was seen: automation acts only on mail where
 * one of them is present with a positive weight. UPSTREAM_VERDICT is strong only at its phish and
 * malware grades at or above MALICIOUS_SCORE (see {@link isStrong}); a spam verdict never is.
 */
export const STRONG_SIGNALS: ReadonlySet<Signal> = new Set([
  Signal.THREAT_INTELLIGENCE,
  Signal.ANALYST_VERDICT,
  Signal.DETECTED_ON_ARRIVAL,
]);

/** Whether one piece of evidence is strong: a strong signal against the message, or the filter's high-confidence phish or malware verdict. */
export function isStrong(e: Evidence): boolean {
  if (e.weight <= 0) return false;
  return STRONG_SIGNALS.has(e.signal) || (e.signal === Signal.UPSTREAM_VERDICT && e.weight >= MALICIOUS_SCORE);
}

/** Whether any evidence is strong ({@link isStrong}). */
export const hasStrongEvidence = (evidence: readonly Evidence[]) => evidence.some(isStrong);

/** One piece of evidence, at the signal's usual weight unless a grade is given. */
export function evidence(signal: Signal, detail: string, weight: number = SIGNAL_WEIGHTS[signal]): Evidence {
  return { signal, weight, detail };
}

/**
 * The score of some evidence: each signal counts once, at its strongest piece (five mismatched links
 * are one signal, not five), and legitimacy subtracts. The sum of positives is what independent signals
 * agree on; pieces of one signal are not independent.
 */
export function scoreOf(evidence: readonly Evidence[]): number {
  const strongest = new Map<Signal, number>();
  for (const e of evidence) {
    const seen = strongest.get(e.signal);
    // Per signal: the strongest positive piece, or the most negative when all are negative.
    if (seen === undefined || (e.weight > 0 ? e.weight > seen : seen <= 0 && e.weight < seen)) strongest.set(e.signal, e.weight);
  }
  let score = 0;
  for (const w of strongest.values()) score += w;
  // Rounded to the grid of the weights, so that 0.3 + 0.2 is 0.5 and not 0.49999999999999994.
  return Math.round(score * 1000) / 1000;
}

/**
 * The verdict some evidence supports: MALICIOUS at {@link MALICIOUS_SCORE}, SUSPICIOUS at
 * {@link SUSPICIOUS_SCORE}, else CLEAN — and MALICIOUS whenever a piece is strong ({@link isStrong}):
 * legitimacy (an internal or established sender) offsets weak signals, never a strong one (a colleague's
 * hijacked account sending a known-bad link), unless an analyst judged it clean.
 */
export function verdictOf(evidence: readonly Evidence[]): Verdict {
  const analystClean = evidence.some((e) => e.signal === Signal.ANALYST_VERDICT && e.weight < 0);
  if (hasStrongEvidence(evidence) && !analystClean) return Verdict.MALICIOUS;
  const score = scoreOf(evidence);
  if (score >= MALICIOUS_SCORE) return Verdict.MALICIOUS;
  if (score >= SUSPICIOUS_SCORE) return Verdict.SUSPICIOUS;
  return Verdict.CLEAN;
}
