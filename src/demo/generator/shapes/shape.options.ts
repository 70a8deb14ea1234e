/**
 * Campaign shapes beyond the classic lures (issue 11, "generated organisations"): the ways real
 * campaigns hide from a playbook that matches links, domains and content literally. Off unless asked
 * for, so existing callers (tests, bench:investigate) keep their organisations and their figures.
 */

/** One shape a generated organisation can contain; each is a campaign (or a hijack) with its ground truth. */
export const SHAPE_KINDS = [
  /** Links wrapped by Microsoft Safe Links and Proofpoint URL Defense v2/v3 around a URL intelligence knows. */
  'WRAPPED_LINKS',
  /** Intelligence names the parent domain; the links go to hosts below it. */
  'PARENT_DOMAIN_INDICATOR',
  /** A punycode (Latin/Cyrillic) look-alike of the organisation's own domain, as sender and landing domain; no intelligence. */
  'IDN_LOOKALIKE',
  /** A compromised colleague replies to a company-wide announcement from his real account, adding a malicious link. */
  'REPLY_CHAIN_HIJACK',
  /** Every attachment hash and body different; one sender /24 and one return-path domain. */
  'POLYMORPHIC_ATTACHMENTS',
  /** A look-alike of a legitimate e-signature service's template, beside the service's real notifications. */
  'TEMPLATE_IMPERSONATION',
  /** Many copies already zapped, deleted or moved to junk before anyone investigates. */
  'PARTIALLY_CLEANED',
  /** One campaign over 10,000 messages: several senders, IPs and subject variants. */
  'LARGE_WAVE',
] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

export interface ShapeOptions {
  /** Which shapes to generate. @default every one of SHAPE_KINDS */
  kinds?: readonly ShapeKind[];
  /** Messages of the LARGE_WAVE campaign. @default 12_000 (over the 10,000 a remediation may reach without a human) */
  waveSize?: number;
  /** Messages of each other malicious shape campaign. @default 60 */
  campaignSize?: number;
  /** Real notifications the legitimate e-signature service sends over the 30 days. @default 240 */
  notifications?: number;
}

export const DEFAULT_WAVE_SIZE = 12_000;
export const DEFAULT_SHAPE_CAMPAIGN_SIZE = 60;
export const DEFAULT_NOTIFICATIONS = 240;

export type ResolvedShapeOptions = Readonly<Required<ShapeOptions>>;

/** Checks and completes shape options; a RangeError's message starts with the option's path (`shapes.waveSize …`). */
export function resolveShapeOptions(options: ShapeOptions): ResolvedShapeOptions {
  const {
    kinds = SHAPE_KINDS,
    waveSize = DEFAULT_WAVE_SIZE,
    campaignSize = DEFAULT_SHAPE_CAMPAIGN_SIZE,
    notifications = DEFAULT_NOTIFICATIONS,
  } = options;
  const whole = (name: string, value: unknown, min: number, max: number) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`shapes.${name} must be a whole number from ${min} to ${max}, but got ${JSON.stringify(value)}`);
  };
  // At least 20 copies: fewer and "recall ≥ 0.98" could not tell one miss from none.
  whole('waveSize', waveSize, 20, 1_000_000);
  whole('campaignSize', campaignSize, 20, 100_000);
  whole('notifications', notifications, 10, 1_000_000);
  if (!Array.isArray(kinds))
    throw new RangeError(`shapes.kinds must be an array of ${SHAPE_KINDS.join(', ')}, but got ${JSON.stringify(kinds)}`);
  for (const k of kinds)
    if (!SHAPE_KINDS.includes(k))
      throw new RangeError(`shapes.kinds must hold only ${SHAPE_KINDS.join(', ')}, but got ${JSON.stringify(k)}`);
  return Object.freeze({ kinds: Object.freeze([...new Set(kinds)]), waveSize, campaignSize, notifications });
}
