/** The generator's options, their defaults and limits, checked once before anything is planned. */
import { resolveShapeOptions, type ShapeOptions } from './shapes/shape.options.js';

export interface OrganisationOptions {
  /** Mailboxes (users), 10–200,000. */
  mailboxes: number;
  /** Exact number of `message` records, at least 100 and at least 80 per campaign. */
  messages: number;
  /** Phishing and malware campaigns, each built from its own lure; 0 up to `MAX_CAMPAIGNS`. */
  campaigns: number;
  /** 0–4294967295. Same options and seed → identical records. */
  seed: number;
  /** The organisation's mail domain. @default 'contoso.example' */
  domain?: string;
  /** First instant of the 30-day window the telemetry covers. @default 2026-10-01T00:00:00Z */
  start?: Date;
  /**
   * Campaign shapes beyond the classic lures (wrapped links, IDN look-alikes, a reply-chain hijack…), with
   * their ground truth in `truth().shapes`. Their messages come out of the ordinary-mail budget. @default null (none)
   */
  shapes?: ShapeOptions | null;
}

export const DEFAULT_DOMAIN = 'contoso.example';
export const DEFAULT_START = new Date('2026-10-01T00:00:00Z');
/** Days of telemetry after `start`. */
export const SPAN_DAYS = 30;

/** One lure per campaign, so that two campaigns never share a template. */
export const MAX_CAMPAIGNS = 24;
export const MIN_CAMPAIGN_MESSAGES = 20;
/** Campaign mail target: about 1 % of all messages (more in small organisations, where each campaign still has 20). */
export const CAMPAIGN_SHARE = 0.01;
/** Newsletter mail target: a fifth of all messages. */
export const NEWSLETTER_SHARE = 0.2;

/**
 * Checks and completes options. Throws a RangeError whose message starts with the option's name
 * (the CLI turns `messages must …` into `--messages must …`).
 */
export function resolveOrganisationOptions(options: OrganisationOptions): Required<OrganisationOptions> {
  const { mailboxes, messages, campaigns, seed, domain = DEFAULT_DOMAIN, start = DEFAULT_START, shapes = null } = options;
  const whole = (name: string, value: unknown, min: number, max: number) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`${name} must be a whole number from ${min} to ${max}, but got ${JSON.stringify(value)}`);
  };
  whole('mailboxes', mailboxes, 10, 200_000);
  whole('messages', messages, 100, 100_000_000);
  whole('campaigns', campaigns, 0, MAX_CAMPAIGNS);
  whole('seed', seed, 0, 0xffffffff);
  if (messages < campaigns * 4 * MIN_CAMPAIGN_MESSAGES)
    throw new RangeError(
      `messages must be at least ${4 * MIN_CAMPAIGN_MESSAGES} per campaign (${campaigns * 4 * MIN_CAMPAIGN_MESSAGES} for ${campaigns}) ` +
        `so that campaigns of at least ${MIN_CAMPAIGN_MESSAGES} messages stay a small share of mail, but got ${messages}`,
    );
  if (typeof domain !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(domain))
    throw new RangeError(`domain must be a lower-case domain name such as contoso.example, but got ${JSON.stringify(domain)}`);
  if (!(start instanceof Date) || Number.isNaN(start.getTime()))
    throw new RangeError(`start must be a valid date, but got ${JSON.stringify(String(start))}`);
  return { mailboxes, messages, campaigns, seed, domain, start, shapes: shapes === null ? null : resolveShapeOptions(shapes) };
}
