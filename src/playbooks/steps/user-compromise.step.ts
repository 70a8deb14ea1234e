import { EntityKind, Phase } from '../../domain/investigation.js';
import { SignInResult, SignInRisk, Verdict } from '../../domain/telemetry.js';
import { domainOf } from '../../domain/url.js';
import type { StepOutcome } from '../playbook.types.js';
import type { InboxRuleFacts, SignInFacts } from '../ports.js';
import type { CompromiseFindings } from './findings.js';
import { defineStep, LOOKBACK_MS, type StepCtx } from './step.js';

const FORWARD_RISK = new Set<string>([SignInRisk.HIGH, SignInRisk.MEDIUM]);

/** A user with evidence of compromise since their window opened. */
export interface Compromise {
  user: string;
  rules: InboxRuleFacts[];
  signIns: SignInFacts[];
  /**
   * Confirmed by a rule that forwards outside or deletes mail, or a HIGH/MEDIUM-risk sign-in. A sign-in
   * from a new country alone is only suspected: people travel (the generator's and real organisations'
   * 2 % a month), and resetting a traveller's password because he clicked a link is the harm issue 11 names.
   */
  confirmed: boolean;
}

/**
 * Compromise checks, each user from their own `since` (ISO time) on: enabled inbox rules created since
 * then that forward outside the organisation or delete mail; successful sign-ins since then at
 * HIGH/MEDIUM risk, or from a country the user had not signed in from before.
 */
export async function compromiseOf(
  ctx: Pick<StepCtx, 'mail' | 'identity'>,
  users: string[],
  since: Record<string, string>,
  internal: Set<string>,
): Promise<Compromise[]> {
  // Where users usually sign in from: their sign-ins over the 30 days before the earliest window.
  const earliest = new Date(Math.min(...Object.values(since).map((s) => new Date(s).getTime())) - LOOKBACK_MS);
  const [rules, signIns, usual] = await Promise.all([
    ctx.mail.inboxRules(users),
    ctx.identity.signIns(users, earliest),
    ctx.identity.usualSignIns(users, earliest),
  ]);
  return users.flatMap((user) => {
    // A user without a window has nothing to check (an Invalid Date here used to match nothing, too).
    const sinceIso = since[user];
    if (sinceIso === undefined) return [];
    const from = new Date(sinceIso);
    const countries = new Set([...usual, ...signIns].filter((s) => s.user === user && s.at < from && s.country).map((s) => s.country));
    const badRules = rules.filter(
      (r) =>
        r.mailbox === user &&
        r.enabled &&
        r.createdAt >= from &&
        ((r.forwardTo && !internal.has(domainOf(r.forwardTo))) || r.deleteMessages),
    );
    const risky = signIns.filter(
      (s) =>
        s.user === user &&
        s.at >= from &&
        s.result === SignInResult.SUCCESS &&
        (FORWARD_RISK.has(s.risk) || (s.country && countries.size > 0 && !countries.has(s.country))),
    );
    const confirmed = badRules.length > 0 || risky.some((s) => FORWARD_RISK.has(s.risk));
    return badRules.length || risky.length ? [{ user, rules: badRules, signIns: risky, confirmed }] : [];
  });
}

/**
 * Where a check of a user with no click to open the window starts: 30 days before the user's latest
 * sign-in (or before now, without one) — telemetry can lag, and an organisation's data may end before today.
 */
async function lookbackOf(ctx: Pick<StepCtx, 'identity'>, user: string): Promise<string> {
  const last = await ctx.identity.lastSignIn(user);
  return new Date(Math.min(Date.now(), last?.getTime() ?? Date.now()) - LOOKBACK_MS).toISOString();
}

/** The findings, entities and edges of compromised users: the same in both playbooks. Suspected ones are SUSPICIOUS entities for a human, nothing more. */
export function compromiseOutcome(found: Compromise[]): StepOutcome<CompromiseFindings> {
  const compromised = found.filter((c) => c.confirmed);
  const suspected = found.filter((c) => !c.confirmed);
  return {
    findings: {
      compromised: compromised.map((c) => ({
        user: c.user,
        since: new Date(Math.min(...c.signIns.map((s) => s.at.getTime()), ...c.rules.map((r) => r.createdAt.getTime()))).toISOString(),
        rules: c.rules.map((r) => ({ externalId: r.externalId, name: r.name, forwardTo: r.forwardTo, deleteMessages: r.deleteMessages })),
        signIns: c.signIns.map((s) => ({ externalId: s.externalId, ip: s.ip, country: s.country, risk: s.risk, at: s.at.toISOString() })),
      })),
    },
    entities: [
      ...compromised.flatMap((c) => [
        {
          kind: EntityKind.USER,
          value: c.user,
          displayName: c.user,
          verdict: Verdict.MALICIOUS,
          threats: [
            ...(c.rules.length ? ['Suspicious inbox rule'] : []),
            ...(c.signIns.length ? ['Risky sign-in'] : []),
            'Compromised user',
          ],
          details: { rules: c.rules.map((r) => r.name), signInIps: c.signIns.map((s) => s.ip) },
        },
        ...c.rules.map((r) => ({
          kind: EntityKind.INBOX_RULE,
          value: r.externalId,
          externalId: r.externalId,
          displayName: `${r.name} (${r.mailbox})`,
          verdict: Verdict.MALICIOUS,
          threats: ['Suspicious inbox rule'],
          details: { forwardTo: r.forwardTo, deleteMessages: r.deleteMessages, createdAt: r.createdAt, createdFromIp: r.createdFromIp },
        })),
        ...c.signIns.map((s) => ({
          kind: EntityKind.IP,
          value: s.ip,
          displayName: s.ip,
          verdict: Verdict.SUSPICIOUS,
          threats: ['Risky sign-in'],
          details: { user: c.user, country: s.country, risk: s.risk },
        })),
      ]),
      ...suspected.map((c) => ({
        kind: EntityKind.USER,
        value: c.user,
        displayName: c.user,
        verdict: Verdict.SUSPICIOUS,
        threats: ['Sign-in from a new country after the click'],
        details: { signInIps: c.signIns.map((s) => s.ip), countries: c.signIns.map((s) => s.country) },
      })),
    ],
    edges: compromised.flatMap((c) =>
      c.signIns.map((s) => ({
        from: { kind: EntityKind.IP, value: s.ip },
        to: { kind: EntityKind.USER, value: c.user },
        relation: 'signed in as',
      })),
    ),
  };
}

/** Email playbooks: every user who clicked, from their first click on. */
export const compromiseStep = defineStep({
  key: 'user_compromise',
  name: 'Check users for compromise',
  description: 'For every user who clicked: inbox rules that forward outside or delete mail created after the click, and risky sign-ins.',
  phase: Phase.HUNTING,
  dependsOn: ['root', 'url_clicks'],
  async run(ctx) {
    const root = ctx.results('root');
    const clicks = ctx.results('url_clicks');
    // A manual investigation of a user checks that user over the 30 days before their latest sign-in.
    const users = root.kind === 'user' ? [root.user!] : (clicks.clickers ?? []);
    const since = root.kind === 'user' ? { [root.user!]: await lookbackOf(ctx, root.user!) } : clicks.firstClick;
    if (!users.length || !since) return { skipped: true, findings: {} };
    const internal = await ctx.mail.internalDomains();
    return compromiseOutcome(await compromiseOf(ctx, users, since, internal));
  },
});

/** The user-compromise playbook's root checks: rules and sign-ins of one user, whatever triggered it. */
export const userCompromiseRootStep = defineStep({
  key: 'user_compromise',
  name: 'Check the user for compromise',
  description: 'Inbox rules that forward outside or delete mail, and risky sign-ins from new countries, over the last 30 days.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root'],
  async run(ctx) {
    const root = ctx.results('root');
    const user = root.user ?? root.recipients[0];
    if (!user) return { skipped: true, findings: { compromised: [] } };
    const since = root.receivedAt ?? (await lookbackOf(ctx, user));
    return compromiseOutcome(await compromiseOf(ctx, [user], { [user]: since }, await ctx.mail.internalDomains()));
  },
});
