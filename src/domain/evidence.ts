/**
 * Evidence: why a message is judged what it is. Each signal an analyst would use carries a weight and
 * a one-line detail; a message's verdict is what its evidence adds up to (playbooks/signals/). WORKER-SAFE.
 *
 * Weights are in one table (playbooks/signals/weights.ts) and documented with their measured
 * contribution in docs/playbooks.md. A negative weight is evidence of legitimacy.
 */

/** The signals, a closed set: the GraphQL enum `Signal`. */
export enum Signal {
  // Strong: each alone is enough.
  /** A URL, domain, file, sender or IP that threat intelligence (or an analyst of this tenant) calls malicious. */
  THREAT_INTELLIGENCE = 'THREAT_INTELLIGENCE',
  /** An analyst of this tenant judged this message, sender, URL or file (either way). */
  ANALYST_VERDICT = 'ANALYST_VERDICT',
  /** The mail filter detected it as phish or malware on arrival, or zero-hour auto purge removed it. */
  DETECTED_ON_ARRIVAL = 'DETECTED_ON_ARRIVAL',
  /** The receiving service's own filter (Microsoft 365 SCL/CAT/BCL, SpamAssassin, rspamd) judged it. */
  UPSTREAM_VERDICT = 'UPSTREAM_VERDICT',
  /** Near-duplicates of it were zapped or detected as phish or malware. */
  SIMILAR_DETECTED = 'SIMILAR_DETECTED',
  // Sender and authentication.
  /** SPF, DKIM, DMARC or Microsoft's compauth failed at the receiver. */
  AUTHENTICATION_FAILED = 'AUTHENTICATION_FAILED',
  /** Reply-To (or Return-Path) on another registrable domain than From. */
  REPLY_TO_MISMATCH = 'REPLY_TO_MISMATCH',
  /** The display name names a well-known brand the sender's domain does not belong to. */
  DISPLAY_NAME_BRAND = 'DISPLAY_NAME_BRAND',
  /** The display name is an executive's (a person of the organisation) but the address is outside it. */
  DISPLAY_NAME_EXECUTIVE = 'DISPLAY_NAME_EXECUTIVE',
  /** The sender's or a link's domain looks like one of the organisation's domains. */
  LOOKALIKE_ORGANISATION_DOMAIN = 'LOOKALIKE_ORGANISATION_DOMAIN',
  /** The sender's or a link's domain looks like a well-known brand's, or carries the brand's name inside a foreign domain. */
  LOOKALIKE_BRAND_DOMAIN = 'LOOKALIKE_BRAND_DOMAIN',
  /** The sender's domain (or a landing domain) is new or rare in the organisation, counted before the campaign's first copy. */
  RARE_SENDER_DOMAIN = 'RARE_SENDER_DOMAIN',
  RARE_LANDING_DOMAIN = 'RARE_LANDING_DOMAIN',
  // Links.
  /** A link's text shows one domain while it goes to another. */
  LINK_TEXT_MISMATCH = 'LINK_TEXT_MISMATCH',
  /** A link to a URL shortener, free hosting, a form builder or a file-sharing service often abused. */
  ABUSED_SERVICE_LINK = 'ABUSED_SERVICE_LINK',
  /** A link to (or a sender on) a top-level domain mostly registered for abuse; or a raw IP address. */
  SUSPICIOUS_TLD = 'SUSPICIOUS_TLD',
  // Content.
  /** Credential-harvesting wording: verify your account, password expires, mailbox full, sign in to view. */
  CREDENTIAL_WORDING = 'CREDENTIAL_WORDING',
  /** Payment or urgency wording: invoice overdue, wire transfer, gift cards, act now; and reward lures (you have won, claim your prize). */
  PAYMENT_URGENCY = 'PAYMENT_URGENCY',
  /**
   * Words disguised to slip past filters: Latin words spelt with look-alike letters of other scripts
   * (`Vеrіfy` with Cyrillic `е` and `і`), invisible characters or strike-through marks inside words.
   */
  OBFUSCATED_TEXT = 'OBFUSCATED_TEXT',
  /** An HTML attachment or an HTML form in the message. */
  HTML_ATTACHMENT = 'HTML_ATTACHMENT',
  /** An attachment of a type that runs code: docm/xlsm, iso/img, lnk, js, exe, archives holding them. */
  RISKY_ATTACHMENT = 'RISKY_ATTACHMENT',
  // Reports.
  /** Several users reported it (or its campaign) independently. */
  MULTIPLE_REPORTERS = 'MULTIPLE_REPORTERS',
  // Legitimacy (negative weights).
  /** Authenticated (DMARC or aligned DKIM/SPF pass) from a sender the organisation has long received mail from. */
  ESTABLISHED_SENDER = 'ESTABLISHED_SENDER',
  /** Sent from inside the organisation by an account not known to be compromised. */
  INTERNAL_SENDER = 'INTERNAL_SENDER',
  // Campaign membership (cluster members).
  /** Shares a malicious URL, landing domain, file or sender infrastructure with a malicious message. */
  CAMPAIGN_ARTIFACT = 'CAMPAIGN_ARTIFACT',
  /** Sent by an account in its compromise window. */
  COMPROMISED_SENDER = 'COMPROMISED_SENDER',
}

/** One piece of evidence: the signal, its weight in the verdict, and what exactly was seen. */
export interface Evidence {
  signal: Signal;
  weight: number;
  /** One line for the analyst, e.g. `Reply-To is on gmail.com, From on contoso-billing.com`. */
  detail: string;
}
