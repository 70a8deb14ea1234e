/**
 * What the receiving mail service itself concluded about a message before this server saw it: Microsoft
 * 365 / Exchange Online Protection, SpamAssassin or rspamd, as their headers record it, or as a connector
 * reads it from Microsoft Graph or Gmail. Evidence for the judgement, never a verdict of ours.
 */

/** Which filter wrote the verdict. */
export enum UpstreamSource {
  /** Microsoft 365 / Exchange Online Protection (`X-Forefront-Antispam-Report`, `X-MS-Exchange-Organization-SCL`, …). */
  MICROSOFT = 'MICROSOFT',
  /** Apache SpamAssassin, also as run by amavis (`X-Spam-Status`, `X-Spam-Flag`). */
  SPAMASSASSIN = 'SPAMASSASSIN',
  /** rspamd (`X-Spamd-Result`, `X-Rspamd-Action`, `X-Rspamd-Score`). */
  RSPAMD = 'RSPAMD',
  /** Gmail, as a connector reports it (labels SPAM, CATEGORY_PROMOTIONS, …). */
  GMAIL = 'GMAIL',
}

/** The filter's conclusion, in one closed set across filters. */
export enum UpstreamVerdict {
  CLEAN = 'CLEAN',
  /** Bulk mail: newsletters and marketing, wanted or not (Microsoft's BULK category). */
  BULK = 'BULK',
  SPAM = 'SPAM',
  /** Spam the filter was highly confident of (Microsoft SCL 7–9, category HSPM). */
  HIGH_CONFIDENCE_SPAM = 'HIGH_CONFIDENCE_SPAM',
  /** Phishing, spoofing or impersonation (Microsoft PHSH, SPOOF, DIMP, UIMP, GIMP, INTOS). */
  PHISH = 'PHISH',
  /** Phishing the filter was highly confident of (Microsoft HPHSH / HPHISH). */
  HIGH_CONFIDENCE_PHISH = 'HIGH_CONFIDENCE_PHISH',
  MALWARE = 'MALWARE',
  /**
   * The filter did not judge the message: an allow list, a mail flow rule or intra-organisation mail
   * skipped it (Microsoft SCL -1, SFV:SKA/SKI/SKN/SFE). Not the same as CLEAN, and a phish can carry it.
   */
  SKIPPED = 'SKIPPED',
}

/** One filter's verdict on one message, as stored on the message row and seen by playbook steps. */
export interface UpstreamVerdictFacts {
  source: UpstreamSource;
  verdict: UpstreamVerdict;
  /** Microsoft spam confidence level, -1 (skipped) to 9. */
  scl?: number;
  /** Microsoft bulk complaint level, 0 to 9 (the default bulk threshold is 7). */
  bcl?: number;
  /** Microsoft phishing confidence level, 0 to 8 (legacy). */
  pcl?: number;
  /** The filter's own category or action: Microsoft's CAT (PHSH, SPM, BULK, …), rspamd's action. */
  category?: string;
  /** Spam score and the score at which the filter calls a message spam (SpamAssassin, rspamd). */
  score?: number;
  threshold?: number;
  /** The fields the verdict was read from, as the filter spelt them (e.g. `{ SCL: '9', SFV: 'SPM', CAT: 'PHSH' }`). */
  raw: Record<string, string>;
}
